#!/usr/bin/env python3
"""Records what real Java's java.util.regex says about many inputs, as the fixture the C++
matcher (src/util/java_regex.cpp) is tested against: tests/data/java_regex_oracle.json.

For every distinct `validRegexValues` pattern of api/upstream/actions/*.json and a set of extra
patterns that exercise the matcher's syntax (EXTRA below), it generates inputs
deterministically (no clock, no unseeded randomness: the same api/ gives the same file) and asks
Java for Pattern.compile(p).matcher(input).matches() through tools/JavaRegexOracle.java, run as
a single-file program (`java tools/JavaRegexOracle.java`, Java 11+). Inputs: every probe
character alone (inside and outside each class: ASCII classes' edges, CJK U+4E00/U+9FA5/U+9FFF
and their neighbours, fullwidth punctuation, backslash, line terminators, astral characters), the
pattern's own literal characters and their neighbours, hand-written matching seeds and their
one-character mutations (replaced, inserted, deleted, leading/trailing spaces, a trailing "\\n"
or "\\r\\n"), lengths n-1/n/n+1 and m-1/m/m+1 around every {n,m}, the empty string, and seeded
random strings. Invalid UTF-8 is not Java's business (a Java String is never that): the C++
tests check it separately.

Regenerate (a developer tool: openjdk-17-jdk-headless, not needed by the build, tests or CI):

    python3 tools/java_regex_oracle.py            # rewrites tests/data/java_regex_oracle.json
    python3 tools/java_regex_oracle.py --check    # exit 1 if the file would change (apart from "java")

then rebuild and run the unit tests (`ctest -R JavaRegex`). Patterns marked unsupported in EXTRA
are ones Java accepts and the C++ matcher refuses to compile (by design, java_regex.hpp); the
tests check that they fail to compile. Java's verdict on them is recorded anyway.
"""
import argparse
import glob
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "data", "java_regex_oracle.json")
JAVA_SRC = os.path.join(ROOT, "tools", "JavaRegexOracle.java")

# Probe characters: both sides of the edges the patterns use.
PROBES = list("azAZbBcxXlL0159_-. \t\n\r\x0b\x0c\\/\"'`()[]{}^$&|?*+:;@#%~!=<>,") + [
    "\x00", "\x7f", "\x1f", "\u0085", "\u00a0", "\u00e9", "\u2028", "\u2029", "\u3000",
    "\u4dff", "\u4e00", "\u4e01", "\u6587", "\u9fa5", "\u9fa6", "\u9fff", "\ua000",
    "\uff08", "\uff09", "\u3010", "\u3011", "\uff01", "\ufffd", "\U00010000", "\U0001f600", "\U0010ffff",
]

# Hand-written values that match (or nearly match) each upstream pattern: mutations of them
# reach the interesting boundaries that random strings would not.
UPSTREAM_SEEDS = {
    r"(\d{4})([0-1]\d)([0-3]\d)\s([0-5]\d):([0-5]\d):([0-5]\d)": ["20240131 23:59:59", "19991231\t00:00:00"],
    r"""[\da-zA-Z-`=\\\[\];',./~!@#$%^&*()_+|{}:"<>?]{1,}""": ["Passw0rd!", "a`=\\[];',./~!@#$%^&*()_+|{}:\"<>?-"],
    r"^/[A-Za-z0-9-/.%?#&]*": ["/", "/health?x=1&y=%20#top", "/a-b/c.d"],
    r"[A-Za-z0-9_-]+": ["cookie_name-1"],
    r"^[\u4e00-\u9fa5a-zA-Z][\u4e00-\u9fa5_a-zA-Z0-9.-]+$": ["disk-1.data", "\u4e2d\u6587_1"],
    r"[XxlL]{1}arge.(\d+)": ["Large.2", "xarge-10"],
    r"^(?![0-9])[A-Za-z0-9_-]+$": ["bond0", "_b-1"],
    r"[A-Za-z\u4e00-\u9fa5]{1}[A-Za-z0-9-_\u4e00-\u9fa5]{1,127}": ["image-1", "\u955c\u50cf_a"],
    r"[A-Za-z0-9]{6}": ["abc123"],
    r"^[\u4e00-\u9fa5a-zA-Z][\u4e00-\u9fa5_a-zA-Z0-9-]+$": ["vswitch-1", "\u4ea4\u6362\u673a"],
    r"[A-Za-z]{1}[A-Za-z0-9-_]{1,127}": ["router_1"],
    r"^(?! )[\u4E00-\u9FFFa-zA-Z0-9_\-\.():+\s]*(?<! )$": ["script (1).sh", "a\tb", "\u811a\u672c:1+2"],
    r"^[\u4e00-\u9fa5a-zA-Z0-9\s()（）【】@._+-]+$": ["key【1】(a)@b.c", "\u5bc6\u94a5 1（x）"],
    r'^(?! )[\u4e00-\u9fa5a-zA-Z0-9\-_.():+" ]*(?<! )$': ['zone "1" (a):b+c', "Zone-1"],
    r"^[\\u4e00-\\u9fa5a-zA-Z][\\u4e00-\\u9fa5_a-zA-Z0-9-]+$": ["ab", "\\u4e00", "\u4e2d\u6587", "Z@[", "\\0"],
}

# Extra patterns: (pattern, seeds, unsupported here). They exercise the syntax the matcher
# claims (java_regex.hpp), Java's class traps, and what Java rejects (the C++ must reject too).
EXTRA = [
    # alternation, groups, nesting
    ("a|b|", ["a", "b", ""], False),
    ("(a|ab)(c|bcd)(d*)", ["abcd", "acd", "abcdd"], False),
    ("((a)|b)+", ["abba"], False),
    ("(?:ab|a)(?:bc|c)", ["abc", "abbc"], False),
    ("x(?:y(?:z|w)*)+", ["xyzw", "xyyz"], False),
    ("()", [""], False),
    ("(|a)+", ["aa", ""], False),
    ("(a|(?=b))*b", ["aab", "b"], False),
    # quantifiers
    ("a{0}", ["", "a"], False),
    ("a{0,0}b", ["b"], False),
    ("a{2,}", ["aa", "aaaa"], False),
    ("a{2,3}", ["aa", "aaa"], False),
    ("(ab){1,3}", ["ab", "ababab"], False),
    ("(a?){3}", ["aa", "aaa"], False),
    ("(a*)*b", ["aaab", "b"], False),
    ("(a*)+", ["aa", ""], False),
    ("(a*){2,}b", ["ab"], False),
    ("x*y+z?", ["xyz", "yy"], False),
    ("a{2}{3}", ["aa", "aaaaaa"], False),
    ("a*{2}", ["aaa"], False),
    ("{2}a", ["a"], False),
    ("^*a$?", ["a"], False),
    ("[a-z]{1,127}", ["abc"], False),
    ("(?:a|bc){2}", ["abc", "bca", "aa"], False),
    ("a?b?c?", ["abc", "ac", ""], False),
    # classes
    ("[a-z-9]+", ["a-9", "z9"], False),
    ("[\\\\]+", ["\\\\"], False),
    ("[^abc]", ["d"], False),
    ("[^a-z0-9]*", ["AB_-"], False),
    ("[]a]+", ["]a"], False),
    ("[^]a]", ["b"], False),
    ("[--9]+", ["-./9"], False),
    ("[a-]+", ["a-"], False),
    ("[-a]+", ["-a"], False),
    ("[a\\-z]+", ["a-z"], False),
    ("[\\d\\s]+", ["1 2\t3"], False),
    ("[^\\d\\s]+", ["ab"], False),
    ("[\\d-z]+", ["1-z"], False),
    ("\\D\\S\\W", ["a_ "], False),
    ("\\w+", ["a_Z9"], False),
    ("[.]+", ["..."], False),
    ("[$^]+", ["$^"], False),
    ("[a^]+", ["^a"], False),
    ("[^^]", ["a"], False),
    ("[a&b]+", ["a&b"], False),
    ("[&]", ["&"], False),
    ("[a-&]", [], False),
    ("[\\u4e00-\\u9fa5]+", ["\u4e2d\u6587"], False),
    ("[\u4e00-\u9fa5]+", ["\u4e2d\u6587"], False),
    ("[（）【】]+", ["（）"], False),
    ("[\\x{1F600}-\\x{1F64F}]", ["\U0001f600"], False),
    ("[a-\U0001f600]", ["b"], False),
    ("[^\U0001f600]", ["a"], False),
    ("\\uD83D\\uDE00", ["\U0001f600"], False),
    ("[\\uD83D\\uDE00]", ["\U0001f600"], False),
    # escapes
    ("\\t\\n\\x41\\u0042\\0103\\x{44}\\cA\\e\\a\\f", ["\t\nABCD\x01\x1b\x07\x0c"], False),
    ("\\0101\\0400", ["A\x200"], False),
    ("\\$\\.\\(\\)\\[\\]\\{\\}\\\\\\|\\*\\+\\?\\^\\-\\/\\\"\\<", ["$.()[]{}\\|*+?^-/\"<"], False),
    ("a\\.b", ["a.b"], False),
    ("\\（\\）", ["（）"], False),
    # dot, anchors, line terminators
    (".+", ["abc"], False),
    (".*", [""], False),
    ("a.c", ["abc"], False),
    ("^a$", ["a"], False),
    ("^$", [""], False),
    ("a$$", ["a"], False),
    ("^^a", ["a"], False),
    ("$a", ["a"], False),
    ("a^b", ["ab"], False),
    ("(^a|b)+", ["ab", "bb"], False),
    ("a$\\s*", ["a", "a\n"], False),
    ("a\\s*$", ["a  "], False),
    ("a$\\r\\n", ["a\r\n"], False),
    ("a\\r$\\n", ["a\r\n"], False),
    ("a$.?", ["a"], False),
    ("a$[\\u0085\\u2028]", ["a\u0085"], False),
    ("\\s$", [" "], False),
    # look-around, one character wide
    ("(?!a)[a-z]+", ["ba"], False),
    ("(?=a)\\w+", ["ab"], False),
    ("[a-z]+(?<!z)", ["abc"], False),
    ("[a-z]+(?<=z)", ["abz"], False),
    ("^(?! )[ a]*(?<! )$", ["a a"], False),
    ("(?![0-9])\\w*", ["a1"], False),
    ("(?!a|b)\\w", ["c"], False),
    ("(?<![\U0001f600])a", ["a"], False),
    (".(?<![^a])b", ["ab"], False),
    # Java rejects these: the C++ must reject them too
    ("a**", [], False),
    ("*a", [], False),
    ("a|*", [], False),
    ("[b-a]", [], False),
    ("(", [], False),
    (")", [], False),
    ("[", [], False),
    ("[]", [], False),
    ("a{", [], False),
    ("{", [], False),
    ("a{x}", [], False),
    ("a{3,2}", [], False),
    ("a{,2}", [], False),
    ("\\k", [], False),
    ("\\y", [], False),
    ("\\", [], False),
    ("\\x4", [], False),
    ("\\u12", [], False),
    ("\\0", [], False),
    ("\\08", [], False),
    ("\\x{110000}", [], False),
    # Java accepts these, the C++ matcher does not support them (compile fails, by design)
    ("(a)\\1", ["aa"], True),
    ("a*?b", ["aab"], True),
    ("a+?", ["a"], True),
    ("a{2}?", ["aa"], True),
    ("a*+", ["a"], True),
    ("(?i)a", ["A"], True),
    ("(?<n>a)", ["a"], True),
    ("(?>a)", ["a"], True),
    ("(?=ab)a.", ["ab"], True),
    ("(?<!ab)c", ["c"], True),
    ("\\p{L}", ["a"], True),
    ("\\bword\\b", ["word"], True),
    ("\\Aa\\z", ["a"], True),
    ("\\Qa.b\\E", ["a.b"], True),
    ("[a&&[b]]", ["b"], True),
    ("[a[b]]", ["b"], True),
    ("\\h\\v\\R", [" \n\n"], True),
    ("a{100000}", [], True),
]


def upstream_patterns():
    pats = []
    for f in sorted(glob.glob(os.path.join(ROOT, "api", "upstream", "actions", "*.json"))):
        with open(f, encoding="utf-8") as fh:
            for p in json.load(fh)["params"]:
                r = p.get("validRegexValues")
                if r and r.strip() and r.strip() not in pats:
                    pats.append(r.strip())
    return pats


def pattern_chars(p):
    """The pattern's literal characters, the \\uXXXX / \\x{..} / \\xhh it names, and their neighbours."""
    cps = set(ord(c) for c in p)
    for m in re.finditer(r"\\u([0-9a-fA-F]{4})|\\x\{([0-9a-fA-F]+)\}|\\x([0-9a-fA-F]{2})", p):
        v = int(next(g for g in m.groups() if g), 16)
        if v <= 0x10FFFF:
            cps.add(v)
    out = set()
    for c in cps:
        for d in (c - 1, c, c + 1):
            if 0 <= d <= 0x10FFFF and not 0xD800 <= d <= 0xDFFF:
                out.add(chr(d))
    return sorted(out)


def counts(p):
    """Every {n}, {n,} and {n,m} of the pattern as (n, m or None)."""
    return [(int(a), int(b) if b else None) for a, b in re.findall(r"\{(\d+)(?:,(\d*))?\}", p)]


def inputs_for(p, seeds):
    rng = random.Random(zlib.crc32(p.encode("utf-8")))
    own = pattern_chars(p)
    alphabet = sorted(set(PROBES) | set(own) | set("".join(seeds)))
    out = [""]
    out += alphabet
    edits = sorted(set(PROBES[:12]) | set(PROBES[16:24]) | set(PROBES[-14:-2:2]) | set(own))
    for s in seeds:
        out += [s, s + "\n", s + "\r\n", s + "\r", " " + s, s + " ", " " + s + " ", s + s]
        if s:
            out += [s[1:], s[:-1]]
            mid = len(s) // 2
            for c in edits:
                out += [c + s, s + c, s[:mid] + c + s[mid:], c + s[1:], s[:-1] + c, s[:mid] + c + s[mid + 1:]]
    fills = sorted(set("a0Z_-\u4e2d" + "".join(seeds)))[:8]
    for n, m in counts(p):
        lengths = {n - 1, n, n + 1}
        if m:
            lengths |= {m - 1, m, m + 1}
        for L in sorted(x for x in lengths if 0 <= x <= 200):
            for c in fills:
                out.append(c * L)
                for s in seeds[:1]:
                    out.append(s[:1] + c * L)
                    out.append(s[:1] + c * max(L - 1, 0))
    for _ in range(150):
        out.append("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8))))
    for s in seeds:
        for _ in range(40):
            t = list(s)
            for _ in range(rng.randint(1, 3)):
                op = rng.randint(0, 2)
                k = rng.randint(0, len(t))
                if op == 0:
                    t.insert(k, rng.choice(alphabet))
                elif t and k < len(t):
                    if op == 1:
                        t[k] = rng.choice(alphabet)
                    else:
                        del t[k]
            out.append("".join(t))
    seen, uniq = set(), []
    for x in out:
        if x not in seen:
            seen.add(x)
            uniq.append(x)
    return uniq


def java_version():
    r = subprocess.run(["java", "-version"], capture_output=True, text=True, check=True)
    return " ".join(line.strip() for line in r.stderr.strip().splitlines())


def ask_java(entries):
    """entries: [(pattern, [inputs])] -> [(compiles, error, [bool or None])]"""
    with tempfile.NamedTemporaryFile("w", encoding="ascii", suffix=".txt", delete=False) as f:
        for p, inputs in entries:
            f.write("P " + p.encode("utf-8").hex() + "\n")
            for x in inputs:
                f.write("I " + x.encode("utf-8").hex() + "\n")
        name = f.name
    try:
        r = subprocess.run(["java", JAVA_SRC, name], capture_output=True, text=True, check=True)
    finally:
        os.unlink(name)
    lines = r.stdout.splitlines()
    res, k = [], 0
    for p, inputs in entries:
        head = lines[k]
        k += 1
        ok = head == "C"
        err = None if ok else bytes.fromhex(head[2:]).decode("utf-8")
        verdicts = []
        for _ in inputs:
            v = lines[k]
            k += 1
            verdicts.append(None if v == "-" else v == "1")
        res.append((ok, err, verdicts))
    assert k == len(lines), "unexpected output from JavaRegexOracle"
    return res


def build():
    entries, meta = [], []
    for p in upstream_patterns():
        seeds = UPSTREAM_SEEDS.get(p, [])
        entries.append((p, inputs_for(p, seeds)))
        meta.append(("upstream", False))
    for p, seeds, unsupported in EXTRA:
        entries.append((p, inputs_for(p, seeds)))
        meta.append(("extra", unsupported))
    answers = ask_java(entries)
    patterns, total, matched = [], 0, 0
    for (p, inputs), (source, unsupported), (ok, err, verdicts) in zip(entries, meta, answers):
        e = {"pattern": p, "source": source, "javaCompiles": ok, "unsupportedHere": unsupported}
        if ok:
            e["cases"] = [[x, v] for x, v in zip(inputs, verdicts)]
            total += len(inputs)
            matched += sum(verdicts)
        else:
            e["javaError"] = err.splitlines()[0] if err else ""
        patterns.append(e)
    return {
        "about": ("java.util.regex verdicts, Pattern.compile(pattern).matcher(input).matches(), for the "
                  "validRegexValues patterns of api/upstream and extra syntax patterns; made by "
                  "tools/java_regex_oracle.py (see it to regenerate) with tools/JavaRegexOracle.java. "
                  "cases: [input, Java's verdict]. unsupportedHere: Java accepts it, src/util/java_regex "
                  "refuses to compile it by design. Do not edit by hand."),
        "java": java_version(),
        "counts": {"patterns": len(patterns), "cases": total, "matching": matched},
        "patterns": patterns,
    }


def dump(doc):
    """Sorted keys, one case per line: small, and a diff shows which verdicts changed."""
    def j(v):
        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    head = {k: v for k, v in doc.items() if k != "patterns"}
    lines = ["{"]
    for k in sorted(head):
        lines.append(" %s: %s," % (j(k), j(head[k])))
    lines.append(' "patterns": [')
    for i, p in enumerate(doc["patterns"]):
        rest = {k: v for k, v in p.items() if k != "cases"}
        body = j(rest)[:-1]
        if "cases" in p:
            body += ', "cases": [\n' + ",\n".join("  " + j(c) for c in p["cases"]) + "]"
        lines.append(" " + body + "}" + ("," if i + 1 < len(doc["patterns"]) else ""))
    lines.append(" ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the fixture would change (the java line aside)")
    ap.add_argument("--out", default=OUT)
    args = ap.parse_args()
    doc = build()
    text = dump(doc)
    if args.check:
        try:
            with open(args.out, encoding="utf-8") as f:
                old = json.load(f)
        except FileNotFoundError:
            print("missing: " + args.out)
            return 1
        old["java"] = doc["java"]
        if dump(old) != text:
            print("stale: " + args.out + " (run python3 tools/java_regex_oracle.py)")
            return 1
        print("up to date: %d patterns, %d cases" % (doc["counts"]["patterns"], doc["counts"]["cases"]))
        return 0
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    print("wrote %s: %d patterns, %d cases (%d matching)" % (os.path.relpath(args.out, ROOT), doc["counts"]["patterns"],
                                                          doc["counts"]["cases"], doc["counts"]["matching"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
