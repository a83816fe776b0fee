#pragma once
// A matcher for the subset of java.util.regex.Pattern that ZStack's @Param(validRegexValues)
// patterns use, with Java's Matcher.matches() semantics (the whole input must match).
//
// compile() parses a pattern the way Pattern.compile does (Java's class syntax included: a '-'
// after a completed range is a literal, a ']' first in a class is a literal, '&&' is
// intersection) and builds a Thompson NFA; matches() runs it as a Pike VM over the input's code
// points (UTF-8; each byte that does not start a well-formed sequence is one U+FFFD), in
// O(input length x program size) time and constant stack: nothing recurses on the input.
//
// Supported: literals (also non-ASCII), '.', classes [...] and [^...] with ranges and escapes,
// \d \D \s \S \w \W (ASCII, Java's defaults), escapes \t \n \r \f \a \e \cX \0ooo \xhh \x{h..h}
// \uXXXX (surrogate pairs combined) and any escaped non-letter, groups (...) and (?:...),
// alternation, greedy ? * + {n} {n,} {n,m} (expanded, so the program has a size limit), ^ and
// $ (Java's non-multiline $: at the end, or before a line terminator that ends the input), and
// lookahead/lookbehind (?=X) (?!X) (?<=X) (?<!X) whose X is one character (a literal, a class,
// '.', or an alternation of those). Lookbehind reads the previous code point, Java the previous
// UTF-16 unit: they differ only for a class that holds lone surrogates.
// Anything else (backreferences, lazy and possessive quantifiers, inline flags, named and
// atomic groups, wider lookaround, \b \A \z \p{..} \Q..\E..., nested classes and &&, counts
// past the size limit) makes compile() fail with a message; it never throws for a bad pattern.
//
// Self-contained (no other SDK file): zstack-sim compiles this file too, into its own
// namespace (ZSTACK_JREGEX_NS), since the simulator links nothing of the SDK.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#ifndef ZSTACK_JREGEX_NS
#define ZSTACK_JREGEX_NS zstack::jregex
#endif

namespace ZSTACK_JREGEX_NS {

// A set of code points: sorted, disjoint, non-adjacent closed ranges.
using Ranges = std::vector<std::pair<char32_t, char32_t>>;

class Program {
 public:
  // The program of `pattern` (UTF-8 Java regex text), or false with `error` set.
  bool compile(std::string_view pattern, std::string& error);
  // Whether the whole of `utf8` matches (Matcher.matches()). A program that did not compile
  // matches nothing.
  bool matches(std::string_view utf8) const;
  // Instructions in the program (for tests of the size limit).
  std::size_t size() const { return insts_.size(); }

  // Limits: instructions of the expanded program, nesting of groups.
  static constexpr std::size_t kMaxInstructions = 20000;
  static constexpr int kMaxDepth = 100;

  enum class Op : std::uint8_t {
    Set,          // consume one code point in sets_[x]
    Split,        // continue at x and at y
    Jmp,          // continue at x
    Match,        // accept (at the end of input)
    Begin,        // ^
    Dollar,       // $
    AheadIn,      // (?=X): the next code point is in sets_[x]
    AheadNotIn,   // (?!X)
    BehindIn,     // (?<=X): the previous code point is in sets_[x]
    BehindNotIn,  // (?<!X)
  };
  struct Inst {
    Op op;
    std::uint32_t x = 0;
    std::uint32_t y = 0;
  };

 private:
  friend struct Compiler;
  std::vector<Inst> insts_;
  std::vector<Ranges> sets_;
  bool ok_ = false;
};

}  // namespace ZSTACK_JREGEX_NS
