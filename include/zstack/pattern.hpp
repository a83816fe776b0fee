#pragma once
/// \file
/// schema::Pattern: a Java regular expression, as ZStack's `@Param(validRegexValues)` uses them,
/// compiled once and matched with Java's `Matcher.matches()` semantics (the whole value).

#include <memory>
#include <string>
#include <string_view>

namespace zstack::schema {

/// A compiled Java regex (the subset ZStack's API uses), immutable and shareable between threads.
///
/// Matching is `Pattern.compile(regex).matcher(value).matches()` of java.util.regex: the whole
/// value must match. It runs in time linear in the value's length (an NFA simulation over its
/// code points, no backtracking and no recursion), so no value makes it slow or overflow the
/// stack. The value is UTF-8; each byte that does not start a well-formed sequence counts as one
/// U+FFFD. Supported: literals, `.`, classes (`[a-z-9]`, `[^...]`, escapes, Java's rules),
/// `\d \D \s \S \w \W`, character escapes (`\t`, `\uXXXX`, `\x{...}`, `\0ooo`, `\cX`...),
/// groups `(...)` `(?:...)`, `|`, greedy `? * + {n} {n,} {n,m}`, `^`, `$` (Java's: at the end or
/// before a final line terminator), and one-character lookahead and lookbehind (`(?! )`,
/// `(?<![0-9])`). Anything else (back references, lazy or possessive quantifiers, flags, named
/// or atomic groups, wider lookaround, `\b`, `\p{...}`, `&&`, nested classes, repetitions that
/// expand past 20,000 instructions) does not compile: valid() is false and error() says why.
class Pattern {
 public:
  /// Compiles `javaRegex` (UTF-8), as given: callers that follow ZStack trim it first. Never
  /// null and never throws for a bad pattern: check valid().
  static std::shared_ptr<const Pattern> compile(std::string_view javaRegex);

  /// Whether it compiled.
  bool valid() const { return impl_ != nullptr; }
  /// Why it did not compile ("" when it did).
  const std::string& error() const { return error_; }
  /// The pattern text.
  const std::string& source() const { return source_; }
  /// Whether the whole of `utf8` matches (false when the pattern did not compile).
  bool matches(std::string_view utf8) const;

  ~Pattern();
  Pattern(const Pattern&) = delete;  ///< Shared, not copied.
  Pattern& operator=(const Pattern&) = delete;  ///< Shared, not copied.

 private:
  struct Impl;
  Pattern() = default;
  std::unique_ptr<const Impl> impl_;
  std::string source_;
  std::string error_;
};

}  // namespace zstack::schema
