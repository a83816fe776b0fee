#!/usr/bin/env python3
"""Import API facts from a ZStack source checkout into api/upstream/.

Reads (never fetches) a checkout of zstackio/zstack and writes:
  api/upstream/SOURCE.json               provenance and counts
  api/upstream/actions/<Name>.json       one per sdk *Action.java
  api/upstream/types/<Name>.json         one per sdk data class / enum
  api/upstream/password-hashing.json     password-like params and the hashing evidence

Only facts are extracted (names, paths, types, constraints); no upstream prose or code.
Output is deterministic: sorted keys, 2-space indent, trailing newline.
Standard library only.

Usage:
  python3 tools/import_zstack.py [--src DIR] [--out DIR] [--git-dir DIR]
                                 [--commit HASH] [--commit-date ISO] [--repo OWNER/NAME]
  DIR defaults to $ZSTACK_SRC. Commit and date come from --commit/--commit-date, else from
  `git rev-parse HEAD` / `git log -1` in --git-dir (or in --src when it is a git work tree).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys

IMPORTER_VERSION = "2"
SDK_REL = os.path.join("sdk", "src", "main", "java", "org", "zstack", "sdk")
SDK_PKG = "org.zstack.sdk"

# SDK runtime classes: client machinery, not API data. Interfaces and annotations are
# skipped by kind; these classes are skipped by name (only in the root sdk package).
RUNTIME_CLASSES = {
    "AbstractAction", "QueryAction", "ZSClient", "ZSConfig", "ApiResult", "ApiException",
    "RestInfo", "Constants",
}

# Parameters the SDK client does not put in the query/body (ZSClient: sessionId goes in the
# Authorization header, access keys are used for the request signature).
AUTH_PARAMS = {"sessionId", "accessKeyId", "accessKeySecret"}

# QueryAction fields whose wire name differs (ZSClient.fillQueryApiRequestBuilder).
QUERY_WIRE_NAMES = {"conditions": "q", "sortBy": "sort", "sortDirection": "sort"}

CONTAINER_TYPES = {
    "List", "java.util.List", "ArrayList", "java.util.ArrayList", "Set", "java.util.Set",
    "HashSet", "java.util.HashSet", "Collection", "java.util.Collection",
    "Map", "java.util.Map", "HashMap", "java.util.HashMap", "LinkedHashMap",
    "java.util.LinkedHashMap", "TreeMap", "java.util.TreeMap",
}
MAP_TYPES = {t for t in CONTAINER_TYPES if t.endswith("Map")}

# Fallback defaults of org.zstack.sdk.Param (used only if Param.java cannot be parsed).
PARAM_DEFAULTS_FALLBACK = {
    "required": True, "validValues": [], "validRegexValues": "", "maxLength": -2147483648,
    "minLength": -2147483648, "nonempty": False, "nullElements": False, "emptyString": True,
    "numberRange": [], "numberRangeUnit": [], "noTrim": False,
}
PARAM_ALWAYS = ("required", "nonempty", "nullElements", "emptyString", "noTrim")


# --------------------------------------------------------------------------- Java lexing

def literal_end(src, i):
    """Index of the quote closing the string or char literal that opens at src[i] (len(src) if none)."""
    j, n = i + 1, len(src)
    while j < n and src[j] != src[i]:
        j += 2 if src[j] == "\\" else 1
    return j


def strip_comments(src):
    """Remove // and /* */ comments, keeping string and char literals intact."""
    out = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == '"' or c == "'":
            j = literal_end(src, i)
            out.append(src[i:j + 1])
            i = j + 1
        elif src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            out.append(" ")
            i = n if j < 0 else j + 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def decode_java_string(lit):
    """Value of a Java string literal given with its quotes."""
    s = lit[1:-1]
    out = []
    i = 0
    simple = {"n": "\n", "t": "\t", "b": "\b", "r": "\r", "f": "\f", "s": " ",
              '"': '"', "'": "'", "\\": "\\"}
    while i < len(s):
        c = s[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        d = s[i + 1] if i + 1 < len(s) else ""
        if d in simple:
            out.append(simple[d])
            i += 2
        elif d == "u":
            j = i + 1
            while j < len(s) and s[j] == "u":
                j += 1
            out.append(chr(int(s[j:j + 4], 16)))
            i = j + 4
        elif d.isdigit():
            m = re.match(r"[0-7]{1,3}", s[i + 1:])
            out.append(chr(int(m.group(0), 8)))
            i += 1 + len(m.group(0))
        else:
            raise ValueError("bad escape in %r" % lit)
    return "".join(out)


class Ident(str):
    """An identifier used as an annotation value (HttpMethod.POST, APIFooReply.class)."""


_TOKEN = re.compile(r'\s*(?:("(?:[^"\\]|\\.)*")|(-?\d+[lL]?)|([A-Za-z_][\w.]*)|(.))', re.S)


def tokenize(text):
    toks = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
        s, num, ident, other = m.groups()
        if s is not None:
            toks.append(("str", decode_java_string(s)))
        elif num is not None:
            toks.append(("num", int(num.rstrip("lL"))))
        elif ident is not None:
            toks.append(("id", ident))
        elif other is not None and other.strip():
            toks.append(("op", other))
    return toks


def _value(toks, i):
    kind, v = toks[i]
    if kind == "op" and v == "{":
        vals = []
        i += 1
        while not (toks[i][0] == "op" and toks[i][1] == "}"):
            if toks[i][0] == "op" and toks[i][1] == ",":
                i += 1
                continue
            x, i = _value(toks, i)
            vals.append(x)
        return vals, i + 1
    if kind == "id" and v in ("true", "false"):
        return v == "true", i + 1
    if kind == "id" and v in ("Integer.MIN_VALUE", "Integer.MAX_VALUE", "Long.MIN_VALUE",
                              "Long.MAX_VALUE"):
        return {"Integer.MIN_VALUE": -2 ** 31, "Integer.MAX_VALUE": 2 ** 31 - 1,
                "Long.MIN_VALUE": -2 ** 63, "Long.MAX_VALUE": 2 ** 63 - 1}[v], i + 1
    if kind in ("str", "num"):
        return v, i + 1
    if kind == "id":
        return Ident(v), i + 1
    raise ValueError("unexpected token %r" % (toks[i],))


def parse_annotation_args(text):
    """'required = true, validValues = {"a","b"}' -> dict."""
    toks = tokenize(text)
    res = {}
    i = 0
    while i < len(toks):
        if toks[i] == ("op", ","):
            i += 1
            continue
        key = toks[i][1]
        if toks[i + 1] != ("op", "="):
            raise ValueError("bad annotation args: %r" % text)
        val, i = _value(toks, i + 2)
        res[key] = val
    return res


def match_close(src, i, open_c, close_c):
    """Index just after the bracket closing the one at src[i]; skips string literals."""
    depth = 0
    n = len(src)
    while i < n:
        c = src[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            i = j + 1
            continue
        if c == open_c:
            depth += 1
        elif c == close_c:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError("unbalanced %s" % open_c)


def blank_strings(src):
    """Same length, string/char literal contents replaced by spaces (for brace scanning)."""
    out = list(src)
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == '"' or c == "'":
            j = literal_end(src, i)
            for k in range(i + 1, min(j, n)):
                out[k] = " "
            i = j + 1
        else:
            i += 1
    return "".join(out)


_CLASS_DECL = re.compile(
    r"(?P<mods>(?:\b(?:public|protected|private|abstract|final|static)\s+)*)"
    r"(?P<kind>class|enum|interface|@interface)\s+(?P<name>\w+)\s*(?P<tparams><[^{]*?>)?\s*"
    r"(?:extends\s+(?P<ext>[\w.]+(?:\s*<[^{]*?>)?))?\s*"
    r"(?:implements\s+(?P<impl>[^{]+))?\{")


def find_type_decl(code, name=None):
    """First top-level type declaration (optionally with the given name) in comment-free code.
    Returns (match, body_start, body_end) with the body between the braces."""
    blank = blank_strings(code)
    depth = 0
    pos = 0
    for m in _CLASS_DECL.finditer(blank):
        # only declarations at depth 0
        depth += blank.count("{", pos, m.start()) - blank.count("}", pos, m.start())
        pos = m.start()
        if depth != 0:
            continue
        if name is not None and m.group("name") != name:
            continue
        start = m.end() - 1
        end = match_close(blank, start, "{", "}")
        return m, start + 1, end - 1
    return None, None, None


def top_level_statements(code, start, end):
    """Split a class body into depth-0 members: yields (text, kind) where kind is 'stmt'
    (ended by ';') or 'block' (ended by a brace block: methods, nested types, initialisers)."""
    blank = blank_strings(code)
    i = start
    cur = start
    paren = 0
    while i < end:
        c = blank[i]
        if c == "(":
            paren += 1
        elif c == ")":
            paren -= 1
        elif c == ";" and paren == 0:
            yield code[cur:i].strip(), "stmt"
            cur = i + 1
        elif c == "{" and paren == 0:
            # '= {..}' array initialiser stays in the statement
            head = blank[cur:i].rstrip()
            j = match_close(blank, i, "{", "}")
            if head.endswith("=") or head.endswith("]") and "=" in head:
                i = j
                continue
            yield code[cur:j].strip(), "block"
            cur = j
            i = j
            continue
        i += 1
    tail = code[cur:end].strip()
    if tail:
        yield tail, "stmt"


_ANNOT = re.compile(r"@(\w+(?:\.\w+)*)\s*")
_MODS = {"public", "protected", "private", "static", "final", "transient", "volatile"}


def parse_field(stmt):
    """'@Param(...) public java.util.List x = ...' -> dict or None when not a field."""
    annotations = []
    s = stmt.strip()
    while s.startswith("@"):
        m = _ANNOT.match(s)
        name = m.group(1)
        rest = s[m.end():]
        args = None
        if rest.startswith("("):
            j = match_close(rest, 0, "(", ")")
            args = rest[1:j - 1]
            rest = rest[j:]
        annotations.append((name, args))
        s = rest.strip()
    init = None
    blank = blank_strings(s)
    eq = blank.find("=")
    decl = s if eq < 0 else s[:eq]
    if eq >= 0:
        init = s[eq + 1:].strip()
    if "(" in decl:
        return None
    words = decl.split()
    mods = []
    while words and words[0] in _MODS:
        mods.append(words.pop(0))
    if len(words) < 2:
        return None
    name = words[-1]
    jtype = " ".join(words[:-1])
    jtype = re.sub(r"\s*([<>,\[\]])\s*", r"\1", jtype).replace(",", ", ")
    if not re.match(r"^\w+$", name):
        return None
    return {"annotations": annotations, "modifiers": mods, "type": jtype, "name": name,
            "init": init}


def split_generic(jtype):
    """'java.util.Map<String, List<X>>' -> ('java.util.Map', ['String', 'List<X>'])."""
    if "<" not in jtype:
        return jtype, []
    base = jtype[:jtype.index("<")]
    inner = jtype[jtype.index("<") + 1:jtype.rindex(">")]
    args, depth, cur = [], 0, ""
    for c in inner:
        if c == "<":
            depth += 1
        elif c == ">":
            depth -= 1
        if c == "," and depth == 0:
            args.append(cur.strip())
            cur = ""
        else:
            cur += c
    if cur.strip():
        args.append(cur.strip())
    return base, args


def container_info(base, args):
    """Element facts of a generic container type, or {} when raw."""
    if not args:
        return {}
    if base in MAP_TYPES or base.endswith("Map"):
        if len(args) == 2:
            return {"keyType": args[0], "elementType": args[1]}
        return {}
    return {"elementType": args[0]}


# --------------------------------------------------------------------------- SDK files

def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def rel(path, root):
    return os.path.relpath(path, root).replace(os.sep, "/")


def java_files(root, exts=(".java",)):
    res = []
    for d, dirs, files in os.walk(root):
        dirs.sort()
        for f in sorted(files):
            if f.endswith(exts):
                res.append(os.path.join(d, f))
    return res


def package_of(code):
    m = re.search(r"^\s*package\s+([\w.]+)\s*;", code, re.M)
    return m.group(1) if m else ""


def imports_of(code):
    return re.findall(r"^\s*import\s+([\w.]+(?:\.\*)?)\s*;", code, re.M)


def parse_param_defaults(sdk_dir):
    path = os.path.join(sdk_dir, "Param.java")
    if not os.path.exists(path):
        return dict(PARAM_DEFAULTS_FALLBACK)
    code = strip_comments(read(path))
    res = {}
    for m in re.finditer(r"([\w.\[\]]+)\s+(\w+)\(\)\s*default\s+([^;]+);", code):
        try:
            res[m.group(2)] = parse_annotation_args("v = " + m.group(3))["v"]
        except (ValueError, IndexError):
            pass
    for k, v in PARAM_DEFAULTS_FALLBACK.items():
        res.setdefault(k, v)
    return res


def param_facts(args, defaults):
    facts = {}
    for k in sorted(set(args) | set(PARAM_ALWAYS)):
        v = args.get(k, defaults.get(k))
        if k in PARAM_ALWAYS or v != defaults.get(k):
            facts[k] = v
    unknown = set(args) - set(defaults)
    if unknown:
        facts["unknownAttributes"] = sorted(unknown)
    return facts


def parse_class_fields(code, start, end):
    fields = []
    for stmt, kind in top_level_statements(code, start, end):
        if kind != "stmt":
            continue
        f = parse_field(stmt)
        if f:
            fields.append(f)
    return fields


def parse_sdk_action(path, code_raw, defaults):
    code = strip_comments(code_raw)
    m, bs, be = find_type_decl(code)
    if m is None or not m.group("name").endswith("Action"):
        return None
    cls = m.group("name")
    info = {}
    rm = re.search(r"RestInfo\s+getRestInfo\s*\(\s*\)\s*\{", code)
    if not rm:
        return None
    body_end = match_close(code, rm.end() - 1, "{", "}")
    for im in re.finditer(r"info\.(\w+)\s*=\s*(\"(?:[^\"\\]|\\.)*\"|true|false|null)\s*;",
                          code[rm.end():body_end]):
        v = im.group(2)
        info[im.group(1)] = (None if v == "null" else v == "true" if v in ("true", "false")
                             else decode_java_string(v))
    result_class = None
    rcm = re.search(r"public\s+static\s+class\s+Result\s*\{", code)
    if rcm:
        rend = match_close(code, rcm.end() - 1, "{", "}")
        vm = re.search(r"public\s+([\w.]+)\s+value\s*;", code[rcm.end():rend])
        if vm:
            result_class = vm.group(1)
    params, non_api = [], []
    for f in parse_class_fields(code, bs, be):
        names = [a[0] for a in f["annotations"]]
        if "Param" in names:
            args = f["annotations"][names.index("Param")][1] or ""
            p = {"name": f["name"], "type": f["type"]}
            p.update(param_facts(parse_annotation_args(args), defaults))
            if f["init"] is not None:
                p["default"] = f["init"]
            params.append(p)
        elif "NonAPIParam" in names:
            n = {"name": f["name"], "type": f["type"]}
            if f["init"] is not None:
                n["default"] = f["init"]
            non_api.append(n)
    return {"class": cls, "extends": m.group("ext"), "restInfo": info,
            "resultClass": result_class, "params": params, "nonApiParams": non_api}


def resolve_type(name, pkg, imports, known):
    """Qualified SDK class name for a type as written, or None (java.* and primitives)."""
    base = split_generic(name)[0].replace("[]", "")
    if base in known:
        return base
    if "." in base:
        return None
    for imp in imports:
        if imp.endswith("." + base) and imp in known:
            return imp
    if pkg + "." + base in known:
        return pkg + "." + base
    for imp in imports:
        if imp.endswith(".*") and imp[:-2] + "." + base in known:
            return imp[:-2] + "." + base
    return None


# --------------------------------------------------------------------------- server classes

def rest_response_renames(pre):
    """SDK field -> server field, from `@RestResponse(fieldsTo = {"types=l2NetworkTypes"})`
    right before a reply class (RestServer sends the server field under the SDK name)."""
    am = re.search(r"@RestResponse\s*\(([^)]*)\)\s*(?:@\w+(?:\([^)]*\))?\s*)*$", pre)
    if not am:
        return {}
    try:
        fields_to = parse_annotation_args(am.group(1)).get("fieldsTo") or []
    except (ValueError, IndexError):
        return {}
    if isinstance(fields_to, str):
        fields_to = [fields_to]
    out = {}
    for f in fields_to:
        if "=" in f:
            sdk_name, server_name = (x.strip() for x in f.split("=", 1))
            out[sdk_name] = server_name
    return out


class ServerIndex:
    """Simple-name index of classes under header/src/main/java and plugin/*/src/main/java."""

    def __init__(self, src):
        self.src = src
        self.by_name = {}
        self.sdk_alias = {}
        self.apis = {}
        roots = [os.path.join(src, "header", "src", "main", "java")]
        pdir = os.path.join(src, "plugin")
        if os.path.isdir(pdir):
            for p in sorted(os.listdir(pdir)):
                r = os.path.join(pdir, p, "src", "main", "java")
                if os.path.isdir(r):
                    roots.append(r)
        for r in roots:
            if not os.path.isdir(r):
                continue
            for path in java_files(r):
                name = os.path.basename(path)[:-5]
                rp = rel(path, src)
                self.by_name.setdefault(name, []).append(rp)
                code = None
                if name.startswith("API") and name.endswith("Msg"):
                    code = strip_comments(read(path))
                    self._index_api(name, rp, code)
                with open(path, encoding="utf-8") as f:
                    head = f.read()
                if "sdkClassName" in head:
                    code = code or strip_comments(head)
                    m, _, _ = find_type_decl(code, name)
                    if m is not None:
                        pre = code[:m.start()]
                        am = re.search(r"@SDK\s*\(([^)]*)\)\s*(?:@\w+(?:\([^)]*\))?\s*)*$",
                                       pre)
                        if am:
                            alias = parse_annotation_args(am.group(1)).get("sdkClassName")
                            if alias and alias != name:
                                self.sdk_alias.setdefault(alias, []).append(rp)
        self._cache = {}

    def _index_api(self, name, rp, code):
        m = re.search(r"@RestRequest\s*\(", code)
        if not m:
            return
        j = match_close(code, m.end() - 1, "(", ")")
        try:
            args = parse_annotation_args(code[m.end():j - 1])
        except (ValueError, IndexError):
            return
        paths = args.get("path")
        paths = [paths] if isinstance(paths, str) else list(paths or [])
        opt = args.get("optionalPaths") or []
        paths += [opt] if isinstance(opt, str) else list(opt)
        method = str(args.get("method", "")).split(".")[-1]
        resp = str(args.get("responseClass", ""))
        resp = resp[:-len(".class")] if resp.endswith(".class") else resp
        self.apis[name] = {"path": rp, "paths": paths, "method": method,
                           "responseClass": resp.split(".")[-1] or None,
                           "parameterName": args.get("parameterName"),
                           "isAction": args.get("isAction")}

    def api_for(self, action_name, method, path):
        """Server message class of an SDK action: APIxxxMsg (the upstream SDK generator's
        naming), accepted only when its @RestRequest has the same method and path."""
        cls = "API%sMsg" % action_name
        if len(self.classes(cls)) != 1 or cls not in self.apis:
            return None
        api = self.apis[cls]
        if api["method"] != method or path not in api["paths"]:
            return None
        resp = api["responseClass"]
        if not resp or len(self.classes(resp)) != 1:
            return dict(api, responsePath=None)
        return dict(api, responsePath=self.classes(resp)[0])

    def classes(self, name):
        return self.by_name.get(name, [])

    def classes_for_sdk(self, name):
        """Server classes an SDK class was generated from: same simple name, or a class
        annotated @SDK(sdkClassName = name)."""
        return sorted(set(self.by_name.get(name, []) + self.sdk_alias.get(name, [])))

    def parse(self, relpath):
        if relpath in self._cache:
            return self._cache[relpath]
        code = strip_comments(read(os.path.join(self.src, relpath)))
        name = os.path.basename(relpath)[:-5]
        m, bs, be = find_type_decl(code, name)
        res = None
        if m is not None:
            fields = {}
            for f in parse_class_fields(code, bs, be):
                if "static" not in f["modifiers"]:
                    fields.setdefault(f["name"], f["type"])
            ext = m.group("ext")
            res = {"fields": fields,
                   "extends": split_generic(ext)[0].split(".")[-1] if ext else None,
                   "restRenames": rest_response_renames(code[:m.start()])}
        self._cache[relpath] = res
        return res

    def nested_class(self, relpath, name):
        """Fields of `static class name` nested anywhere in relpath, or None."""
        code = strip_comments(read(os.path.join(self.src, relpath)))
        blank = blank_strings(code)
        m = re.search(r"\bstatic\s+(?:final\s+)?class\s+%s\b[^{;]*\{" % re.escape(name), blank)
        if not m:
            return None
        end = match_close(blank, m.end() - 1, "{", "}")
        fields = [f for f in parse_class_fields(code, m.end(), end - 1)
                  if "static" not in f["modifiers"]]
        return {"fields": fields, "package": package_of(code), "imports": imports_of(code)}

    def field_type(self, cls_name, field, depth=0, paths=None):
        """(type, path) of a field in the unique server class cls_name or its superclasses;
        ('ambiguous', None) with several same-named classes; (None, None) when absent."""
        if paths is None:
            paths = self.classes(cls_name) if depth else self.classes_for_sdk(cls_name)
        if not paths or depth > 10:
            return None, None
        if len(paths) > 1:
            return "ambiguous", None
        info = self.parse(paths[0])
        if info is None and depth == 0:
            return None, None
        if info is None:
            return None, None
        if depth == 0:  # the reply's @RestResponse may send a field under another name
            field = info["restRenames"].get(field, field)
        if field in info["fields"]:
            return info["fields"][field], paths[0]
        if info["extends"]:
            return self.field_type(info["extends"], field, depth + 1)
        return None, None


def server_nested_uses(nested, sp, name, action_docs):
    """(action, param) pairs whose server type names the nested class (sp, name)."""
    params = nested[(sp, name)]
    for key, doc in action_docs.items():
        if doc.get("serverApi", {}).get("message") == sp:
            for p in doc["params"]:
                if p["name"] in params:
                    yield key, p["name"]


def refine_param(sindex, msg_path, p, nested):
    """A raw List/Map param of an action matched to its server message: the element types the
    message declares (`List<Long> dataDiskSizes`). Classes nested in the message that the
    element type names are collected in `nested`, to be imported as types."""
    base, gargs = split_generic(p["type"])
    if base not in CONTAINER_TYPES or gargs:
        return
    st, sp = sindex.field_type(None, p["name"], depth=1, paths=[msg_path])
    sci = container_info(*split_generic(st)) if st and sp else {}
    if not sci:
        p["typeSource"] = "sdk-raw"
        if st:
            p["serverType"] = st
        return
    p.update(sci)
    p["serverType"] = st
    p["typeSource"] = "server:" + sp
    for name in re.findall(r"[A-Za-z_]\w*", st):
        if name not in JAVA_NAMES and sindex.nested_class(sp, name):
            nested.setdefault((sp, name), set()).add(p["name"])


# Java names a server type may use that are not classes to import.
JAVA_NAMES = {"List", "ArrayList", "LinkedList", "Set", "HashSet", "LinkedHashSet", "TreeSet",
              "Collection", "Map", "HashMap", "LinkedHashMap", "TreeMap", "String", "Long",
              "Integer", "Boolean", "Double", "Float", "Short", "Byte", "Object", "long", "int",
              "boolean", "double", "float", "short", "byte", "java", "util", "lang"}


# --------------------------------------------------------------------------- passwords

PASSWORD_PARAM = re.compile(r"password", re.I)


def password_evidence(src):
    """Search the server tree for SHA-512 handling; returns facts with evidence paths."""
    hits = []
    pat = re.compile(r"sha-?512|sha512|DigestUtils\.sha512", re.I)
    for top in ("header", "plugin", "identity", "core", "rest", "testlib"):
        d = os.path.join(src, top)
        if not os.path.isdir(d):
            continue
        for path in java_files(d, (".java", ".groovy")):
            try:
                code = read(path)
            except UnicodeDecodeError:
                continue
            for ln, line in enumerate(code.splitlines(), 1):
                if pat.search(line):
                    hits.append({"path": rel(path, src), "line": ln})
    return hits


# --------------------------------------------------------------------------- main import

def git_fact(git_dir, args):
    try:
        out = subprocess.run(["git", "-C", git_dir] + args, capture_output=True, text=True,
                             check=True)
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def sdk_version(src):
    path = os.path.join(src, "sdk", "pom.xml")
    if not os.path.exists(path):
        return None
    pom = re.sub(r"<!--.*?-->", "", read(path), flags=re.S)
    m = re.search(r"<project[^>]*>(.*)</project>", pom, re.S)
    body = m.group(1) if m else pom
    parent = re.search(r"<parent>(.*?)</parent>", body, re.S)
    own = re.sub(r"<parent>.*?</parent>|<dependencies>.*?</dependencies>|<build>.*?</build>",
                 "", body, flags=re.S)
    v = re.search(r"<version>([^<]+)</version>", own)
    if v:
        return v.group(1).strip()
    if parent:
        v = re.search(r"<version>([^<]+)</version>", parent.group(1))
        if v:
            return v.group(1).strip()
    return None


def body_key_class(pk, name):
    """Counting class of a RestInfo parameterName: the literal for the common values,
    '<actionName>' when it is the action name with a lower-case first letter."""
    if pk is None:
        return "<absent>"
    if pk in ("", "null", "params", "param"):
        return pk
    if pk == name[:1].lower() + name[1:]:
        return "<actionName>"
    return "<other>"


def dump(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def file_keys(entries):
    """entries: list of (simpleName, package). Deterministic file names: a simple name that
    occurs in one package keeps it; colliding names are qualified by their package below
    org.zstack.sdk ('<Name>@iam2.entity'), the root package as '<Name>@sdk'."""
    count = {}
    for n, _ in entries:
        count[n] = count.get(n, 0) + 1
    keys = {}
    for n, pkg in entries:
        if count[n] == 1:
            keys[(n, pkg)] = n
        else:
            sub = pkg[len(SDK_PKG) + 1:] if pkg.startswith(SDK_PKG + ".") else "sdk"
            keys[(n, pkg)] = "%s@%s" % (n, sub or "sdk")
    return keys


def import_checkout(src, out, commit=None, commit_date=None, repo="zstackio/zstack",
                    server=True):
    sdk_dir = os.path.join(src, SDK_REL)
    if not os.path.isdir(sdk_dir):
        raise SystemExit("no SDK tree at %s" % sdk_dir)
    defaults = parse_param_defaults(sdk_dir)
    files = java_files(sdk_dir)

    # pass 1: classify and collect qualified names
    parsed = []
    for path in files:
        raw = read(path)
        code = strip_comments(raw)
        pkg = package_of(code)
        m, bs, be = find_type_decl(code)
        if m is None:
            continue
        parsed.append((path, raw, code, pkg, m, bs, be))
    known = {p[3] + "." + p[4].group("name") for p in parsed}

    actions, types = [], []
    excluded = []
    for path, raw, code, pkg, m, bs, be in parsed:
        name = m.group("name")
        kind = m.group("kind")
        if name.endswith("Action") and re.search(r"RestInfo\s+getRestInfo", code):
            a = parse_sdk_action(path, raw, defaults)
            if a:
                actions.append((path, pkg, a, code))
                continue
        if kind in ("interface", "@interface") or (pkg == SDK_PKG and name in RUNTIME_CLASSES):
            excluded.append(rel(path, src))
            continue
        types.append((path, pkg, name, kind, m, code, bs, be))

    query_params = []
    qa = os.path.join(sdk_dir, "QueryAction.java")
    if os.path.exists(qa):
        code = strip_comments(read(qa))
        m, bs, be = find_type_decl(code)
        for f in parse_class_fields(code, bs, be):
            names = [x[0] for x in f["annotations"]]
            if "Param" in names:
                p = {"name": f["name"], "type": f["type"], "declaredIn": "QueryAction"}
                p.update(param_facts(parse_annotation_args(
                    f["annotations"][names.index("Param")][1] or ""), defaults))
                if f["init"] is not None:
                    p["default"] = f["init"]
                query_params.append(p)

    akeys = file_keys([(a["class"][:-len("Action")], pkg) for _, pkg, a, _ in actions])
    tkeys = file_keys([(t[2], t[1]) for t in types])
    qual_to_key = {t[1] + "." + t[2]: tkeys[(t[2], t[1])] for t in types}

    if os.path.isdir(out):
        for sub in ("actions", "types"):
            shutil.rmtree(os.path.join(out, sub), ignore_errors=True)
    os.makedirs(os.path.join(out, "actions"), exist_ok=True)
    os.makedirs(os.path.join(out, "types"), exist_ok=True)

    sindex = ServerIndex(src) if server else None
    result_server = {}
    server_nested = {}  # (message path, class name) -> referenced by a param's server type
    stats = {"serverApi": 0, "bodyKey": {}, "method": {}, "noSession": [], "needPoll": 0, "query": 0,
             "params": 0, "paramsIn": {},
             "paramTypeSource": {}}
    put_paths = {}
    password_params = []
    action_docs = {}
    for path, pkg, a, code in actions:
        name = a["class"][:-len("Action")]
        key = akeys[(name, pkg)]
        info = a["restInfo"]
        method = info.get("httpMethod")
        apath = info.get("path")
        path_vars = re.findall(r"\{(\w+)\}", apath or "")
        is_query = a["extends"] == "QueryAction"
        plist = [dict(p) for p in a["params"]]
        if is_query:
            own = {p["name"] for p in plist}
            plist += [dict(p) for p in query_params if p["name"] not in own]
        for p in plist:
            if p["name"] in path_vars:
                p["in"] = "path"
            elif p["name"] in AUTH_PARAMS:
                p["in"] = "auth"
            elif method in ("GET", "DELETE"):
                p["in"] = "query"
            else:
                p["in"] = "body"
            if is_query and p["name"] in QUERY_WIRE_NAMES:
                p["wireName"] = QUERY_WIRE_NAMES[p["name"]]
            stats["paramsIn"][p["in"]] = stats["paramsIn"].get(p["in"], 0) + 1
            if PASSWORD_PARAM.search(p["name"]):
                password_params.append((key, p["name"]))
        rc = a["resultClass"]
        doc = {
            "name": name,
            "javaClass": a["class"],
            "javaPackage": pkg,
            "sourcePath": rel(path, src),
            "method": method,
            "path": apath,
            "pathVariables": path_vars,
            "bodyKey": info.get("parameterName"),
            "needSession": info.get("needSession"),
            "needPoll": info.get("needPoll"),
            "isQuery": is_query,
            "extends": a["extends"],
            "resultClass": rc,
            "resultType": qual_to_key.get(rc) if rc else None,
            "params": plist,
            "nonApiParams": a["nonApiParams"],
        }
        if sindex is not None:
            api = sindex.api_for(name, method, apath)
            if api:
                stats["serverApi"] += 1
                doc["serverApi"] = {"message": api["path"],
                                    "responseClass": api["responseClass"],
                                    "response": api["responsePath"]}
                if api["responsePath"] and doc["resultType"]:
                    result_server.setdefault(doc["resultType"], set()).add(
                        (api["responseClass"], api["responsePath"]))
                for p in plist:
                    if "declaredIn" not in p:
                        refine_param(sindex, api["path"], p, server_nested)
                        if "typeSource" in p:
                            ts = p["typeSource"].split(":")[0]
                            stats["paramTypeSource"][ts] = stats["paramTypeSource"].get(ts, 0) + 1
        missing = [p for p in path_vars if p not in {x["name"] for x in plist}]
        if missing:
            doc["pathVariablesWithoutParam"] = missing
        action_docs[key] = doc
        bk = body_key_class(info.get("parameterName"), name)
        stats["bodyKey"][bk] = stats["bodyKey"].get(bk, 0) + 1
        stats["method"][method] = stats["method"].get(method, 0) + 1
        if not info.get("needSession"):
            stats["noSession"].append(key)
        if info.get("needPoll"):
            stats["needPoll"] += 1
        if is_query:
            stats["query"] += 1
        stats["params"] += len(plist)
        if method == "PUT":
            put_paths.setdefault(apath, []).append(key)
    for key, doc in action_docs.items():
        dump(os.path.join(out, "actions", key + ".json"), doc)

    tstats = {"classes": 0, "enums": 0, "withSuperclass": 0, "fields": 0, "typeSource": {},
              "containerFields": 0}
    for path, pkg, name, kind, m, code, bs, be in types:
        key = tkeys[(name, pkg)]
        imports = imports_of(code)
        doc = {"name": name, "javaPackage": pkg, "sourcePath": rel(path, src),
               "kind": "enum" if kind == "enum" else "class"}
        if kind == "enum":
            tstats["enums"] += 1
            body = code[bs:be]
            body = body.split(";")[0]
            consts = [c.strip() for c in body.split(",")]
            doc["constants"] = [c for c in consts if re.match(r"^\w+$", c)]
        else:
            tstats["classes"] += 1
            ext = m.group("ext")
            doc["superclass"] = ext
            if ext:
                tstats["withSuperclass"] += 1
                rq = resolve_type(ext, pkg, imports, known)
                doc["superclassType"] = qual_to_key.get(rq) if rq else None
            fields = []
            for f in parse_class_fields(code, bs, be):
                if "public" not in f["modifiers"] or "static" in f["modifiers"]:
                    continue
                fd = {"name": f["name"], "type": f["type"]}
                if f["init"] is not None:
                    fd["default"] = f["init"]
                rq = resolve_type(f["type"], pkg, imports, known)
                if rq and rq in qual_to_key:
                    fd["ref"] = qual_to_key[rq]
                base, gargs = split_generic(f["type"])
                if base in CONTAINER_TYPES or f["type"].endswith("[]"):
                    tstats["containerFields"] += 1
                    ci = container_info(base, gargs)
                    if f["type"].endswith("[]"):
                        fd["elementType"] = f["type"][:-2]
                        fd["typeSource"] = "sdk"
                    elif ci:
                        fd.update(ci)
                        fd["typeSource"] = "sdk"
                    elif sindex is not None:
                        rs = sorted(result_server.get(key, ()))
                        if len(rs) == 1:
                            st, sp = sindex.field_type(rs[0][0], f["name"], paths=[rs[0][1]])
                        elif rs:
                            st, sp = "ambiguous", None
                        else:
                            st, sp = sindex.field_type(name, f["name"])
                        sci = container_info(*split_generic(st)) if st and sp else {}
                        if sci:
                            fd.update(sci)
                            fd["serverType"] = st
                            fd["typeSource"] = "server:" + sp
                        else:
                            fd["typeSource"] = "sdk-raw"
                            if st == "ambiguous":
                                fd["serverClassAmbiguous"] = sindex.classes_for_sdk(name)
                            elif st:
                                fd["serverType"] = st
                    else:
                        fd["typeSource"] = "sdk-raw"
                    ts = fd["typeSource"].split(":")[0]
                    tstats["typeSource"][ts] = tstats["typeSource"].get(ts, 0) + 1
                fields.append(fd)
            tstats["fields"] += len(fields)
            doc["fields"] = fields
            if sindex is not None:
                rs = sorted(result_server.get(key, ()))
                doc["serverClasses"] = [p for _, p in rs] or sindex.classes_for_sdk(name)
        dump(os.path.join(out, "types", key + ".json"), doc)

    # classes nested in server messages that typed params name (APICreateVmInstanceMsg.DiskAO)
    taken = set(tkeys.values())
    by_name = {}
    for sp, name in sorted(server_nested):
        by_name.setdefault(name, []).append(sp)
    tstats["serverNestedClasses"] = 0
    for name, sps in sorted(by_name.items()):
        if name in taken or len(sps) != 1:
            continue  # would shadow an SDK class, or two messages nest different classes so named
        sp = sps[0]
        info = sindex.nested_class(sp, name)
        msg = os.path.basename(sp)[:-len(".java")]
        fields = []
        for f in info["fields"]:
            fd = {"name": f["name"], "type": f["type"]}
            base, gargs = split_generic(f["type"])
            if base in CONTAINER_TYPES:
                tstats["containerFields"] += 1
                ci = container_info(base, gargs)
                fd.update(ci)
                fd["typeSource"] = ("server:" + sp) if ci else "sdk-raw"
                ts = fd["typeSource"].split(":")[0]
                tstats["typeSource"][ts] = tstats["typeSource"].get(ts, 0) + 1
            fields.append(fd)
        tstats["classes"] += 1
        tstats["serverNestedClasses"] += 1
        tstats["fields"] += len(fields)
        dump(os.path.join(out, "types", name + ".json"), {
            "name": name, "kind": "class", "origin": "server", "javaPackage": info["package"],
            "javaClass": msg + "." + name, "sourcePath": sp, "superclass": None,
            "fields": fields, "serverClasses": [sp],
            "usedByParams": sorted("%s.%s" % (a, pn) for a, pn in server_nested_uses(
                server_nested, sp, name, action_docs))})

    # password-like params
    evidence = password_evidence(src)
    pw = {
        "note": "Password-like action params (name matches /password/i) and whether the "
                "server expects the SHA-512 hex of the password. Reviewed facts live in "
                "tools/import_zstack.py (_pw); 'sha512Mentions' lists every line of the "
                "checkout's Java sources matching sha512/SHA-512.",
        "params": [],
        "sha512Mentions": evidence,
    }
    for key, pname in sorted(password_params):
        entry = {"action": key, "param": pname}
        entry.update(_PW.get((key, pname), PASSWORD_DEFAULT))
        missing = [e for e in entry["serverEvidence"]
                   if not os.path.exists(os.path.join(src, e.rsplit(":", 1)[0]))]
        if missing:
            entry["serverEvidenceMissing"] = missing
        pw["params"].append(entry)
    pw["reviewedButAbsent"] = sorted("%s.%s" % k for k in _PW
                                     if k not in set(password_params))
    dump(os.path.join(out, "password-hashing.json"), pw)

    groups = {p: sorted(v) for p, v in put_paths.items() if len(v) > 1}
    largest = max(groups.items(), key=lambda kv: (len(kv[1]), kv[0])) if groups else None
    source = {
        "upstreamRepo": repo,
        "commit": commit,
        "commitDate": commit_date,
        "sdkVersion": sdk_version(src),
        "sdkVersionSource": "sdk/pom.xml",
        "importerVersion": IMPORTER_VERSION,
        "importer": "tools/import_zstack.py",
        "paramDefaults": defaults,
        "excludedSdkFiles": sorted(excluded),
        "nameCollisions": {
            "actions": sorted(k for k in akeys.values() if "@" in k),
            "types": sorted(k for k in tkeys.values() if "@" in k),
        },
        "counts": {
            "actions": len(action_docs),
            "queryActions": stats["query"],
            "actionsMatchedToServerApi": stats["serverApi"],
            "needPoll": stats["needPoll"],
            "methods": stats["method"],
            "bodyKey": stats["bodyKey"],
            "params": stats["params"],
            "paramsIn": stats["paramsIn"],
            "rawParamsOfServerMatchedActionsByTypeSource": stats["paramTypeSource"],
            "noSessionActions": sorted(stats["noSession"]),
            "types": len(types) + tstats["serverNestedClasses"],
            "classes": tstats["classes"],
            "serverNestedClasses": tstats["serverNestedClasses"],
            "enums": tstats["enums"],
            "classesWithSuperclass": tstats["withSuperclass"],
            "fields": tstats["fields"],
            "containerFields": tstats["containerFields"],
            "containerFieldsByTypeSource": tstats["typeSource"],
            "putPathGroups": len(groups),
            "putPathLargestGroup": {"path": largest[0], "actions": largest[1]}
            if largest else None,
            "passwordParams": len(pw["params"]),
            "passwordParamsByHashing": {h: sum(1 for e in pw["params"] if e["hashing"] == h)
                                        for h in sorted({e["hashing"] for e in pw["params"]})},
        },
        "putPathGroups": groups,
    }
    dump(os.path.join(out, "SOURCE.json"), source)
    return source


# Reviewed facts about password params (see api/upstream/README.md), keyed by
# (action, param). 'hashing': what the server expects in the field: 'sha512-hex' (the
# lower-case hex SHA-512 of the password; the server stores and compares it verbatim),
# 'plain', or 'unknown'. 'cliHashes': whether zstack-cli applies hashlib.sha512().hexdigest()
# before sending. Server evidence is 'path:line' in the zstack checkout (line numbers of the
# commit in SOURCE.json; the importer flags cited files that are missing).
ZSTACK_CLI = ("zstackio/zstack-utility@001c321cd5a83046084f6130d0b7687397897298:"
              "zstackcli/zstackcli/cli.py Cli.do_command")
_ID = "identity/src/main/java/org/zstack/identity/"
_ACCOUNT_CONST = "header/src/main/java/org/zstack/header/identity/AccountConstant.java:13"
_TESTLIB_LOGIN = "testlib/src/main/java/org/zstack/testlib/EnvSpec.groovy:380"
_PREMIUM = "server handler not in the open-source checkout; evidence is zstack-cli only"
_PW = {}


def _pw(action, param, hashing, cli, server=(), note=None):
    d = {"hashing": hashing, "cliHashes": cli, "serverEvidence": list(server),
         "cliEvidence": ZSTACK_CLI}
    if note:
        d["note"] = note
    _PW[(action, param)] = d


_pw("LogInByAccount", "password", "sha512-hex", True,
    [_ID + "AccountManagerImpl.java:533", _ID + "AccountLoginBackend.java:45", _ACCOUNT_CONST,
     _TESTLIB_LOGIN],
    "compared verbatim with AccountVO.password; the initial admin password is stored as the "
    "SHA-512 hex of 'password' and the test library logs in with that hex string")
_pw("LogIn", "password", "sha512-hex", False, [_ID + "AccountLoginBackend.java:45"],
    "for the account login backend (compared verbatim with AccountVO.password); other "
    "backends (LDAP, login plugins) receive it as sent; zstack-cli does not hash APILogInMsg")
_pw("LogInByUser", "password", "sha512-hex", True, [_ID + "AccountManagerImpl.java:510"],
    "compared verbatim with UserVO.password")
_pw("CreateAccount", "password", "sha512-hex", True, [_ID + "AccountManagerImpl.java:580"],
    "stored verbatim")
_pw("UpdateAccount", "password", "sha512-hex", True, [_ID + "AccountBase.java:106"],
    "stored verbatim")
_pw("UpdateAccount", "oldPassword", "sha512-hex", False,
    [_ID + "AccountManagerImpl.java:1711"],
    "compared verbatim with the stored (hashed) password; zstack-cli does not hash it")
_pw("CreateUser", "password", "sha512-hex", True, [_ID + "AccountBase.java:809"],
    "stored verbatim")
_pw("UpdateUser", "password", "sha512-hex", True, [_ID + "AccountBase.java:618"],
    "stored verbatim")
_pw("UpdateUser", "oldPassword", "sha512-hex", False, [_ID + "AccountBase.java:604"],
    "compared verbatim with the stored (hashed) password; zstack-cli does not hash it")
for _a in ("LoginIAM2VirtualID", "CreateIAM2VirtualID", "UpdateIAM2VirtualID",
           "GetTwoFactorAuthenticationSecret"):
    _pw(_a, "password", "sha512-hex", True, [], _PREMIUM)
_pw("PowerOffHost", "adminPassword", "sha512-hex", True, [], _PREMIUM)
_pw("LogInByLdap", "password", "plain", False,
    ["plugin/ldap/src/main/java/org/zstack/ldap/LdapManagerImpl.java:143"],
    "checked by an LDAP bind with the password as sent")
_pw("LoginIAM2VirtualIDWithLdap", "password", "unknown", False, [],
    _PREMIUM + "; zstack-cli sends it as typed")
PASSWORD_DEFAULT = {"hashing": "unknown", "cliHashes": False, "serverEvidence": [],
                    "cliEvidence": ZSTACK_CLI,
                    "note": "not hashed by zstack-cli; server handling not reviewed"}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--src", default=os.environ.get("ZSTACK_SRC"),
                    help="ZStack checkout (default $ZSTACK_SRC)")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                  "..", "api", "upstream"))
    ap.add_argument("--git-dir", help="git repository to read commit and date from "
                                      "(default: --src)")
    ap.add_argument("--commit")
    ap.add_argument("--commit-date")
    ap.add_argument("--repo", default="zstackio/zstack")
    ap.add_argument("--no-server", action="store_true",
                    help="skip type refinement from server classes")
    a = ap.parse_args(argv)
    if not a.src:
        ap.error("give --src or set ZSTACK_SRC")
    gd = a.git_dir or a.src
    commit = a.commit or git_fact(gd, ["rev-parse", "HEAD"])
    date = a.commit_date or git_fact(gd, ["log", "-1", "--format=%cI", commit or "HEAD"])
    s = import_checkout(a.src, os.path.normpath(a.out), commit, date, a.repo,
                        server=not a.no_server)
    c = s["counts"]
    print("actions %d, types %d (classes %d, enums %d), params %d, containers %s"
          % (c["actions"], c["types"], c["classes"], c["enums"], c["params"],
             c["containerFieldsByTypeSource"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
