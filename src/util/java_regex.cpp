// The Java regex subset of java_regex.hpp: a parser that follows java.util.regex.Pattern's own
// (sequence, closure, clazz, range, escape), a Thompson NFA, and a Pike VM. The verdicts are
// checked against real Java by tests/data/java_regex_oracle.json (tools/java_regex_oracle.py).
#include "java_regex.hpp"  // beside it: zstack-sim compiles this file too (sim/src/java_regex.cpp)

#include <algorithm>
#include <memory>

namespace ZSTACK_JREGEX_NS {
namespace {

constexpr char32_t kMaxCp = 0x10FFFF;
constexpr char32_t kReplacement = 0xFFFD;
constexpr std::uint32_t kInfinite = 0xFFFFFFFFu;

// ---- UTF-8 ----------------------------------------------------------------------------------

// The code point at s[i] and its length; an ill-formed sequence (RFC 3629: overlongs,
// surrogates, past U+10FFFF, truncated) is U+FFFD of length 1 and `valid` false.
char32_t decodeAt(std::string_view s, std::size_t i, std::size_t& len, bool& valid) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned c = b(i);
  valid = true;
  len = 1;
  if (c < 0x80) return c;
  std::size_t n = 0;
  char32_t cp = 0, min = 0;
  if (c >= 0xC2 && c <= 0xDF) { n = 1; cp = c & 0x1F; min = 0x80; }
  else if (c >= 0xE0 && c <= 0xEF) { n = 2; cp = c & 0x0F; min = 0x800; }
  else if (c >= 0xF0 && c <= 0xF4) { n = 3; cp = c & 0x07; min = 0x10000; }
  else { valid = false; return kReplacement; }
  if (i + n >= s.size()) { valid = false; return kReplacement; }
  for (std::size_t k = 1; k <= n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) { valid = false; return kReplacement; }
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if (cp < min || cp > kMaxCp || (cp >= 0xD800 && cp <= 0xDFFF)) { valid = false; return kReplacement; }
  len = n + 1;
  return cp;
}

std::vector<char32_t> decode(std::string_view s, bool* allValid = nullptr) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  bool all = true;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t len;
    bool valid;
    out.push_back(decodeAt(s, i, len, valid));
    all = all && valid;
    i += len;
  }
  if (allValid) *allValid = all;
  return out;
}

// ---- code point sets ------------------------------------------------------------------------

void normalize(Ranges& r) {
  std::sort(r.begin(), r.end());
  Ranges out;
  for (const auto& x : r) {
    if (!out.empty() && x.first <= out.back().second + 1) out.back().second = std::max(out.back().second, x.second);
    else out.push_back(x);
  }
  r = std::move(out);
}

Ranges complement(const Ranges& r) {  // r normalized
  Ranges out;
  char32_t next = 0;
  for (const auto& x : r) {
    if (x.first > next) out.push_back({next, x.first - 1});
    next = x.second + 1;
  }
  if (next <= kMaxCp && (r.empty() || r.back().second < kMaxCp)) out.push_back({next, kMaxCp});
  return out;
}

bool contains(const Ranges& r, char32_t c) {
  auto it = std::upper_bound(r.begin(), r.end(), c, [](char32_t v, const std::pair<char32_t, char32_t>& x) { return v < x.first; });
  return it != r.begin() && c <= std::prev(it)->second;
}

Ranges digits() { return {{'0', '9'}}; }
Ranges spaces() { return {{'\t', '\r'}, {' ', ' '}}; }  // [ \t\n\x0B\f\r]
Ranges words() { return {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}}; }
Ranges dot() {  // everything but Java's line terminators \n \r \u0085 \u2028 \u2029
  Ranges r{{'\n', '\n'}, {'\r', '\r'}, {0x85, 0x85}, {0x2028, 0x2029}};
  normalize(r);
  return complement(r);
}

// ---- syntax tree ----------------------------------------------------------------------------

enum class NodeKind : std::uint8_t { Empty, Set, Cat, Alt, Repeat, Assert };

struct Node {
  NodeKind kind = NodeKind::Empty;
  Ranges set;                 // Set; Assert with a look-around
  Program::Op assertOp{};     // Assert
  std::vector<Node> kids;     // Cat, Alt; Repeat: one
  std::uint32_t min = 0, max = 0;  // Repeat (max kInfinite: unbounded)
};

struct Failure {
  std::string message;
};

class Parser {
 public:
  explicit Parser(std::vector<char32_t> p) : p_(std::move(p)) {}

  Node parse() {
    Node n = alternation(0);
    if (more()) fail(peek() == ')' ? "unmatched closing ')'" : "unexpected character");
    return n;
  }

 private:
  std::vector<char32_t> p_;
  std::size_t i_ = 0;

  [[noreturn]] void fail(const std::string& why) const {
    throw Failure{why + " near index " + std::to_string(i_)};
  }
  [[noreturn]] void unsupported(const std::string& what) const {
    throw Failure{"unsupported: " + what + " near index " + std::to_string(i_)};
  }
  bool more() const { return i_ < p_.size(); }
  char32_t peek(std::size_t ahead = 0) const { return i_ + ahead < p_.size() ? p_[i_ + ahead] : 0; }
  bool has(std::size_t ahead) const { return i_ + ahead < p_.size(); }
  char32_t next() {
    if (!more()) fail("unexpected end of pattern");
    return p_[i_++];
  }
  static bool isDigit(char32_t c) { return c >= '0' && c <= '9'; }
  static bool isLetter(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
  static int hexValue(char32_t c) {
    if (c >= '0' && c <= '9') return static_cast<int>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<int>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return static_cast<int>(c - 'A' + 10);
    return -1;
  }

  static Node setNode(Ranges r) {
    Node n;
    n.kind = NodeKind::Set;
    normalize(r);
    n.set = std::move(r);
    return n;
  }

  Node alternation(int depth) {
    if (depth > Program::kMaxDepth) unsupported("groups nested more than " + std::to_string(Program::kMaxDepth) + " deep");
    Node first = sequence(depth);
    if (peek() != '|' || !more()) return first;
    Node alt;
    alt.kind = NodeKind::Alt;
    alt.kids.push_back(std::move(first));
    while (more() && peek() == '|') {
      ++i_;
      alt.kids.push_back(sequence(depth));
    }
    return alt;
  }

  // Java's Pattern.sequence(): atoms, each followed by at most one quantifier.
  Node sequence(int depth) {
    Node cat;
    cat.kind = NodeKind::Cat;
    while (more()) {
      const char32_t c = peek();
      Node atom;
      if (c == '|' || c == ')') break;
      switch (c) {
        case '(': atom = group(depth); break;
        case '[': ++i_; atom = clazz(); break;
        case '\\': atom = escapeAtom(); break;
        case '^': ++i_; atom.kind = NodeKind::Assert; atom.assertOp = Program::Op::Begin; break;
        case '$': ++i_; atom.kind = NodeKind::Assert; atom.assertOp = Program::Op::Dollar; break;
        case '.': ++i_; atom = setNode(dot()); break;
        case '?': case '*': case '+':
          ++i_;
          fail(std::string("dangling meta character '") + static_cast<char>(c) + "'");
        case '{': break;  // Java: an empty atom, which the '{' that follows must quantify
        default: ++i_; atom = setNode({{c, c}}); break;  // ']' and '}' are literals here too
      }
      cat.kids.push_back(closure(std::move(atom)));
    }
    if (cat.kids.size() == 1) return std::move(cat.kids[0]);
    if (cat.kids.empty()) return Node{};
    return cat;
  }

  // Java's Pattern.closure(): ? * + {n} {n,} {n,m}, greedy only.
  Node closure(Node atom) {
    if (!more()) return atom;
    std::uint32_t min, max;
    switch (peek()) {
      case '?': ++i_; min = 0; max = 1; break;
      case '*': ++i_; min = 0; max = kInfinite; break;
      case '+': ++i_; min = 1; max = kInfinite; break;
      case '{': {
        if (!isDigit(peek(1))) { ++i_; fail("illegal repetition"); }
        ++i_;
        auto number = [&] {
          std::uint64_t v = 0;
          while (more() && isDigit(peek())) {
            v = v * 10 + (next() - '0');
            if (v > 0x7FFFFFFF) fail("illegal repetition range");
          }
          return static_cast<std::uint32_t>(v);
        };
        min = number();
        max = min;
        if (more() && peek() == ',') {
          ++i_;
          max = isDigit(peek()) && more() ? number() : kInfinite;
        }
        if (!more() || peek() != '}') fail("unclosed counted closure");
        ++i_;
        if (max < min) fail("illegal repetition range");
        break;
      }
      default: return atom;
    }
    if (more() && peek() == '?') unsupported("lazy quantifier");
    if (more() && peek() == '+') unsupported("possessive quantifier");
    if (min == 1 && max == 1) return atom;
    Node r;
    r.kind = NodeKind::Repeat;
    r.min = min;
    r.max = max;
    r.kids.push_back(std::move(atom));
    return r;
  }

  Node group(int depth) {
    ++i_;  // (
    enum { Plain, Ahead, AheadNot, Behind, BehindNot } kind = Plain;
    if (more() && peek() == '?') {
      ++i_;
      const char32_t c = more() ? next() : 0;
      if (c == ':') kind = Plain;
      else if (c == '=') kind = Ahead;
      else if (c == '!') kind = AheadNot;
      else if (c == '<') {
        const char32_t d = more() ? next() : 0;
        if (d == '=') kind = Behind;
        else if (d == '!') kind = BehindNot;
        else unsupported("named group");
      } else if (c == '>') unsupported("atomic group");
      else unsupported("inline flags or unknown group construct");
    }
    Node inner = alternation(depth + 1);
    if (!more() || peek() != ')') fail("unclosed group");
    ++i_;
    if (kind == Plain) return inner;
    // A look-around: one character wide only (a set, or an alternation of sets).
    Ranges r;
    auto addSet = [&](const Node& n) {
      if (n.kind != NodeKind::Set) unsupported("look-around wider than one character");
      r.insert(r.end(), n.set.begin(), n.set.end());
    };
    if (inner.kind == NodeKind::Alt) for (const Node& k : inner.kids) addSet(k);
    else addSet(inner);
    normalize(r);
    Node a;
    a.kind = NodeKind::Assert;
    a.set = std::move(r);
    a.assertOp = kind == Ahead ? Program::Op::AheadIn
                 : kind == AheadNot ? Program::Op::AheadNotIn
                 : kind == Behind ? Program::Op::BehindIn : Program::Op::BehindNotIn;
    return a;
  }

  // The character an escape stands for; a class escape (\d...) returns false and sets `set`.
  // At '\\'.
  bool escape(char32_t& cp, Ranges& set) {
    ++i_;  // backslash
    if (!more()) fail("unexpected end of pattern after '\\'");
    const char32_t c = next();
    switch (c) {
      case '0': {  // \0n, \0nn, \0mnn (m <= 3)
        auto oct = [](char32_t x) { return x >= '0' && x <= '7'; };
        if (!more() || !oct(peek())) fail("illegal octal escape sequence");
        std::uint32_t v = next() - '0';
        if (more() && oct(peek())) {
          const std::uint32_t m = next() - '0';
          if (more() && oct(peek()) && v <= 3) v = v * 64 + m * 8 + (next() - '0');
          else v = v * 8 + m;
        }
        cp = v;
        return true;
      }
      case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9':
        unsupported("back reference");
      case 'a': cp = 0x07; return true;
      case 'e': cp = 0x1B; return true;
      case 'f': cp = 0x0C; return true;
      case 'n': cp = 0x0A; return true;
      case 'r': cp = 0x0D; return true;
      case 't': cp = 0x09; return true;
      case 'c':
        if (!more()) fail("illegal control escape sequence");
        cp = next() ^ 64;
        return true;
      case 'x': {
        if (more() && peek() == '{') {
          ++i_;
          std::uint32_t v = 0;
          bool any = false;
          while (more() && hexValue(peek()) >= 0) {
            v = v * 16 + static_cast<std::uint32_t>(hexValue(next()));
            any = true;
            if (v > kMaxCp) fail("hexadecimal code point is too big");
          }
          if (!any || !more() || peek() != '}') fail("unclosed hexadecimal escape sequence");
          ++i_;
          cp = v;
          return true;
        }
        if (!has(1) || hexValue(peek()) < 0 || hexValue(peek(1)) < 0) fail("illegal hexadecimal escape sequence");
        cp = static_cast<char32_t>(hexValue(next()) * 16);
        cp += static_cast<char32_t>(hexValue(next()));
        return true;
      }
      case 'u': {
        auto four = [&](char32_t& out) {
          if (!has(3)) return false;
          std::uint32_t v = 0;
          for (int k = 0; k < 4; ++k) {
            const int h = hexValue(peek(static_cast<std::size_t>(k)));
            if (h < 0) return false;
            v = v * 16 + static_cast<std::uint32_t>(h);
          }
          i_ += 4;
          out = v;
          return true;
        };
        if (!four(cp)) fail("illegal Unicode escape sequence");
        if (cp >= 0xD800 && cp <= 0xDBFF && peek() == '\\' && peek(1) == 'u' && has(1)) {  // a pair, as Java's u()
          const std::size_t save = i_;
          i_ += 2;
          char32_t low;
          if (four(low) && low >= 0xDC00 && low <= 0xDFFF) cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          else i_ = save;
        }
        return true;
      }
      case 'd': set = digits(); return false;
      case 'D': set = digits(); set = complement(set); return false;
      case 's': set = spaces(); return false;
      case 'S': set = spaces(); set = complement(set); return false;
      case 'w': set = words(); return false;
      case 'W': set = words(); normalize(set); set = complement(set); return false;
      default:
        if (isLetter(c)) unsupported(std::string("escape \\") + static_cast<char>(c));
        cp = c;  // an escaped non-letter is itself
        return true;
    }
  }

  Node escapeAtom() {
    char32_t cp = 0;
    Ranges set;
    if (escape(cp, set)) return setNode({{cp, cp}});
    return setNode(std::move(set));
  }

  // Java's Pattern.clazz() after '[' (no nested classes, no &&).
  Node clazz() {
    bool negate = false;
    if (more() && peek() == '^') {
      ++i_;
      negate = true;
    }
    Ranges r;
    bool any = false;  // Java: prev != null || hasBits: a ']' now closes the class
    for (;;) {
      if (!more()) fail("unclosed character class");
      const char32_t c = peek();
      if (c == '[') unsupported("nested character class");
      if (c == '&' && peek(1) == '&' && has(1)) unsupported("character class intersection (&&)");
      if (c == ']' && any) {
        ++i_;
        break;
      }
      range(r);
      any = true;
    }
    normalize(r);
    if (negate) r = complement(r);
    return setNode(std::move(r));
  }

  // Java's Pattern.range(): one character, a range a-b, or a class escape, into `r`.
  void range(Ranges& r) {
    char32_t lo;
    if (peek() == '\\') {
      Ranges set;
      if (!escape(lo, set)) {
        r.insert(r.end(), set.begin(), set.end());
        return;
      }
    } else {
      lo = next();
    }
    if (more() && peek() == '-' && has(1)) {
      const char32_t end = peek(1);
      if (end != '[' && end != ']') {
        ++i_;  // '-'
        char32_t hi;
        if (peek() == '\\') {
          Ranges set;
          if (!escape(hi, set)) fail("illegal character range");
        } else {
          hi = next();
        }
        if (hi < lo) fail("illegal character range");
        r.push_back({lo, hi});
        return;
      }
    }
    r.push_back({lo, lo});
  }
};

}  // namespace

// ---- compiler -------------------------------------------------------------------------------

struct Compiler {
  Program& prog;

  std::uint32_t pc() const { return static_cast<std::uint32_t>(prog.insts_.size()); }
  std::uint32_t emit(Program::Op op, std::uint32_t x = 0, std::uint32_t y = 0) {
    if (prog.insts_.size() >= Program::kMaxInstructions)
      throw Failure{"unsupported: the pattern expands to more than " + std::to_string(Program::kMaxInstructions) +
                    " instructions (counted repetition)"};
    prog.insts_.push_back({op, x, y});
    return pc() - 1;
  }
  std::uint32_t addSet(const Ranges& r) {
    for (std::size_t i = 0; i < prog.sets_.size(); ++i)
      if (prog.sets_[i] == r) return static_cast<std::uint32_t>(i);
    prog.sets_.push_back(r);
    return static_cast<std::uint32_t>(prog.sets_.size() - 1);
  }

  void gen(const Node& n) {  // recursion on the pattern's nesting (bounded), never on input
    switch (n.kind) {
      case NodeKind::Empty: return;
      case NodeKind::Set: emit(Program::Op::Set, addSet(n.set)); return;
      case NodeKind::Assert:
        emit(n.assertOp, n.assertOp == Program::Op::Begin || n.assertOp == Program::Op::Dollar ? 0 : addSet(n.set));
        return;
      case NodeKind::Cat:
        for (const Node& k : n.kids) gen(k);
        return;
      case NodeKind::Alt: {
        std::vector<std::uint32_t> jumps;
        for (std::size_t k = 0; k + 1 < n.kids.size(); ++k) {
          const std::uint32_t split = emit(Program::Op::Split);
          prog.insts_[split].x = pc();
          gen(n.kids[k]);
          jumps.push_back(emit(Program::Op::Jmp));
          prog.insts_[split].y = pc();
        }
        gen(n.kids.back());
        for (std::uint32_t j : jumps) prog.insts_[j].x = pc();
        return;
      }
      case NodeKind::Repeat: {
        const Node& body = n.kids[0];
        for (std::uint32_t k = 0; k < n.min; ++k) gen(body);
        if (n.max == kInfinite) {  // L: split(L+1, out); body; jmp L
          const std::uint32_t split = emit(Program::Op::Split);
          prog.insts_[split].x = pc();
          gen(body);
          emit(Program::Op::Jmp, split);
          prog.insts_[split].y = pc();
          return;
        }
        std::vector<std::uint32_t> skips;  // each optional copy: split(body, out)
        for (std::uint32_t k = n.min; k < n.max; ++k) {
          const std::uint32_t split = emit(Program::Op::Split);
          prog.insts_[split].x = pc();
          skips.push_back(split);
          gen(body);
        }
        for (std::uint32_t s : skips) prog.insts_[s].y = pc();
        return;
      }
    }
  }
};

bool Program::compile(std::string_view pattern, std::string& error) {
  insts_.clear();
  sets_.clear();
  ok_ = false;
  bool valid = true;
  std::vector<char32_t> cps = decode(pattern, &valid);
  if (!valid) {
    error = "the pattern is not valid UTF-8";
    return false;
  }
  try {
    Parser parser(std::move(cps));
    const Node root = parser.parse();
    Compiler c{*this};
    c.gen(root);
    c.emit(Op::Match);
  } catch (const Failure& f) {
    insts_.clear();
    sets_.clear();
    error = f.message;
    return false;
  }
  ok_ = true;
  return true;
}

namespace {

// The threads of one step: a sparse set of instruction indexes (Briggs-Torczon), so clearing
// and membership are O(1).
struct ThreadList {
  std::vector<std::uint32_t> dense, sparse;
  std::size_t n = 0;
  explicit ThreadList(std::size_t size) : dense(size), sparse(size) {}
  bool has(std::uint32_t pc) const { return sparse[pc] < n && dense[sparse[pc]] == pc; }
  void add(std::uint32_t pc) {
    sparse[pc] = static_cast<std::uint32_t>(n);
    dense[n++] = pc;
  }
};

bool isLineTerminator(char32_t c) { return c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029; }

}  // namespace

bool Program::matches(std::string_view utf8) const {
  if (!ok_) return false;
  const std::vector<char32_t> in = decode(utf8);
  const std::size_t n = in.size();
  // Java's Dollar (not MULTILINE, not UNIX_LINES) at position i.
  auto dollar = [&](std::size_t i) {
    if (i + 2 < n) return false;
    if (i + 2 == n && !(in[i] == '\r' && in[i + 1] == '\n')) return false;
    if (i < n) {
      if (in[i] == '\n') return !(i > 0 && in[i - 1] == '\r');
      return isLineTerminator(in[i]);
    }
    return true;
  };
  auto holds = [&](const Inst& op, std::size_t i) {
    switch (op.op) {
      case Op::Begin: return i == 0;
      case Op::Dollar: return dollar(i);
      case Op::AheadIn: return i < n && contains(sets_[op.x], in[i]);
      case Op::AheadNotIn: return !(i < n && contains(sets_[op.x], in[i]));
      case Op::BehindIn: return i > 0 && contains(sets_[op.x], in[i - 1]);
      case Op::BehindNotIn: return !(i > 0 && contains(sets_[op.x], in[i - 1]));
      default: return false;
    }
  };
  ThreadList cur(insts_.size()), nxt(insts_.size());
  std::vector<std::uint32_t> stack;
  stack.reserve(insts_.size());
  // Adds pc and everything it reaches without consuming input at position i (iteratively).
  auto addThread = [&](ThreadList& list, std::uint32_t start, std::size_t i) {
    stack.push_back(start);
    while (!stack.empty()) {
      const std::uint32_t pc = stack.back();
      stack.pop_back();
      if (list.has(pc)) continue;
      list.add(pc);
      const Inst& op = insts_[pc];
      switch (op.op) {
        case Op::Jmp: stack.push_back(op.x); break;
        case Op::Split: stack.push_back(op.y); stack.push_back(op.x); break;
        case Op::Set: case Op::Match: break;
        default:
          if (holds(op, i)) stack.push_back(pc + 1);
      }
    }
  };
  addThread(cur, 0, 0);
  for (std::size_t i = 0;; ++i) {
    if (i == n) {
      for (std::size_t k = 0; k < cur.n; ++k)
        if (insts_[cur.dense[k]].op == Op::Match) return true;
      return false;
    }
    nxt.n = 0;
    const char32_t c = in[i];
    for (std::size_t k = 0; k < cur.n; ++k) {
      const Inst& op = insts_[cur.dense[k]];
      if (op.op == Op::Set && contains(sets_[op.x], c)) addThread(nxt, cur.dense[k] + 1, i + 1);
    }
    if (nxt.n == 0) return false;
    std::swap(cur, nxt);
  }
}

}  // namespace ZSTACK_JREGEX_NS
