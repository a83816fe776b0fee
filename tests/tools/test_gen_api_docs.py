"""Unit tests for the doc comments tools/gen_api.py writes into the generated headers (what
Doxygen turns into the API reference): parameter constraints, action facts, queryable fields,
type and field comments, and the summaries derived from API names.

Run: python3 -m unittest discover -s tests/tools
"""

import glob
import os
import re
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tools"))

import gen_api  # noqa: E402


class FakeModel:
    """Just what the Emitter's doc functions read: a few types, one of them an enum upstream."""

    def __init__(self):
        self.types = {
            "VmNicInventory": {"fields": [("uuid", "String", "sdk"), ("createDate", "Timestamp", "sdk"),
                                          ("lastOpDate", "Timestamp", "sdk"), ("ip", "String", "sdk"),
                                          ("mac", "String", "sdk")], "base": None, "doc": False,
                               "origin": "sdk/src/main/java/org/zstack/sdk/VmNicInventory.java"},
            "VmInstanceInventory": {"fields": [("uuid", "String", "sdk"), ("name", "String", "sdk"),
                                               ("description", "String", "sdk"), ("createDate", "Timestamp", "sdk"),
                                               ("lastOpDate", "Timestamp", "sdk"), ("state", "String", "sdk"),
                                               ("hostUuid", "String", "sdk"), ("vmNics", "List<VmNicInventory>", "server"),
                                               ("extra", "Json", "json-fallback")],
                                    "base": None, "doc": False,
                                    "origin": "sdk/src/main/java/org/zstack/sdk/VmInstanceInventory.java"},
        }
        self.up_types = {
            "VmInstanceInventory": {"kind": "class", "fields": [
                {"name": "state", "type": "VmInstanceState", "ref": "VmInstanceState"}]},
            "VmInstanceState": {"kind": "enum", "constants": ["Running", "Stopped"]},
        }
        self.doc_types = {}
        self.doc_actions = {}


def action(name, **kw):
    a = {"name": name, "method": "POST", "path": "/vm-instances", "needSession": True, "needPoll": True,
         "isQuery": False, "origin": "sdk/src/main/java/org/zstack/sdk/%sAction.java" % name, "doc": False,
         "summary": "", "bodyKey": "params", "sendsBody": True, "reply": ("inventory", "VmInstanceInventory"),
         "params": [], "area": "vm_instances"}
    a.update(kw)
    return a


class ParamDocs(unittest.TestCase):
    def setUp(self):
        self.em = gen_api.Emitter(FakeModel(), [])

    def test_required_with_valid_values(self):
        doc = self.em.param_doc({"name": "protocolType", "cppType": "String", "loc": "Body", "required": True,
                                 "validValues": ["TCP", "UDP"]})
        self.assertTrue(doc.startswith("  ///< Required;"), doc)
        self.assertIn("one of `TCP`, `UDP`", doc)

    def test_optional_and_path(self):
        self.assertEqual(self.em.param_doc({"name": "x", "cppType": "String", "loc": "Body"}), "  ///< Optional.")
        self.assertEqual(self.em.param_doc({"name": "uuid", "cppType": "String", "loc": "Path", "required": True}),
                         "  ///< Path variable; required.")

    def test_every_constraint(self):
        doc = self.em.param_doc({"name": "adminPassword", "cppType": "String", "loc": "Body", "required": True,
                                 "nonEmpty": True, "minLength": 6, "maxLength": 32, "default": "\"x\"",
                                 "validRegexValues": "[a-z]+\\", "sha512": True})
        for part in ("Required", "not empty", "length 6 to 32", "Java SDK default `\"x\"`",
                     "must match `[a-z]+\\` as a whole (a Java regex; checked before sending", "SHA-512", "secret: never logged"):
            self.assertIn(part, doc)
        self.assertTrue(doc.endswith("."), "a // comment ending in a backslash would swallow the next line")
        doc = self.em.param_doc({"name": "port", "cppType": "Integer", "loc": "Body", "numberRange": [1, 65535],
                                 "default": "0L"})
        self.assertIn("range [1, 65535]", doc)
        self.assertIn("Java SDK default `0`", doc)
        self.assertNotIn("default", self.em.param_doc({"name": "l", "cppType": "List<String>", "loc": "Body",
                                                         "default": "new ArrayList<>()"}))

    def test_rule_carries_the_pattern(self):
        rules = []
        self.assertEqual(self.em.rule({"name": "n", "validRegexValues": " [a-z\\]+\" "}, rules), "&kRule0")
        self.assertTrue(rules[-1].endswith(r', "[a-z\\]+\""};' + "\n"), rules[-1])  # trimmed, C-escaped
        self.assertEqual(self.em.rule({"name": "m", "maxLength": 3}, rules), "&kRule1")
        self.assertTrue(rules[-1].endswith(", nullptr};\n"), rules[-1])
        self.assertEqual(self.em.rule({"name": "b", "validRegexValues": "  "}, rules), "nullptr")  # blank: none

    def test_code_span_holds_backticks(self):
        self.assertEqual(gen_api.code_span("a`b"), "`` a`b ``")
        self.assertEqual(gen_api.code_span("<T>"), "`<T>`")


class ActionDocs(unittest.TestCase):
    def setUp(self):
        self.em = gen_api.Emitter(FakeModel(), [])

    def test_async_session_reply(self):
        doc = self.em.doc_comment(action("CreateVmInstance"))
        lines = doc.splitlines()
        self.assertEqual(lines[0], "/// Creates a VM instance.")
        self.assertIn('`POST /v1/vm-instances`, body `{"params": {...}}`', doc)
        self.assertIn("Asynchronous", doc)
        self.assertIn("Needs a session", doc)
        self.assertIn("Reply: \\ref InventoryReply of \\ref VmInstanceInventory.", doc)
        doc = self.em.doc_comment(action("GetVersion", method="GET", path="/management-nodes/version",
                                         needSession=False, needPoll=False, sendsBody=False, reply=("empty", None)))
        self.assertIn("Synchronous.", doc)
        self.assertIn("Needs no session.", doc)
        self.assertIn("\\ref EmptyReply", doc)
        self.assertTrue(all(line.startswith("///") for line in doc.splitlines()))

    def test_manual_summary_wins(self):
        doc = self.em.doc_comment(action("ChangeVipState", doc=True, summary="Enable or disable a virtual IP."))
        self.assertTrue(doc.startswith("/// Enables or disables a virtual IP.\n"), doc)
        self.assertIn("`api/actions/ChangeVipState.json` (the manual)", doc)

    def test_query_lists_fields(self):
        doc = self.em.doc_comment(action("QueryVmInstance", method="GET", isQuery=True, needPoll=False,
                                         sendsBody=False, reply=("inventories", "VmInstanceInventory")))
        self.assertIn("\\ref QueryReply of \\ref VmInstanceInventory", doc)
        fields = re.search(r"Queryable fields[^`]*`([^`]*)`", doc).group(1).split(", ")
        self.assertEqual(fields, ["uuid", "name", "description", "createDate", "lastOpDate", "state", "hostUuid",
                                  "extra"])
        self.assertIn("`vmNics.{uuid, createDate, lastOpDate, ip, mac}`", doc)

    def test_derived_summaries(self):
        cases = {
            "CreateVmInstance": "Creates a VM instance.",
            "QueryL3Network": "Queries L3 networks.",
            "ChangeSecurityGroupState": "Changes the state of the security group.",
            "AttachL3NetworkToVm": "Attaches the L3 network to the VM.",
            "LogInByAccount": "Logs in by account.",
            "AddIpRange": "Adds an IP range.",
            "GetCandidateIsoForAttachingVm": "Gets the candidate ISO for attaching the VM.",
            "BatchDeleteVolumeSnapshot": "Deletes volume snapshots in one batch.",
            "CreateAliyunRouterInterfaceRemote": "Creates an Aliyun router interface (remote).",
            "SNSDingTalkTestConnection": "Calls the ZStack API `SNSDingTalkTestConnection`.",  # no verb: generic
        }
        for name, want in cases.items():
            self.assertEqual(gen_api.derived_summary(name), want, name)


class TypeDocs(unittest.TestCase):
    def setUp(self):
        self.em = gen_api.Emitter(FakeModel(), [action("QueryVmInstance", isQuery=True,
                                                       reply=("inventories", "VmInstanceInventory"))])
        self.em.comp_of = {t: [t] for t in self.em.m.types}
        self.em.graph = {t: [] for t in self.em.m.types}

    def test_struct_and_fields(self):
        s = self.em.struct_decl("VmInstanceInventory")
        self.assertIn("/// Inventory of a VM instance: what the server reports about it.", s)
        self.assertIn("/// Queried with \\ref QueryVmInstanceAction.", s)
        self.assertIn("std::string state;  ///< String; one of `Running`, `Stopped` (enum `VmInstanceState`).", s)
        self.assertIn("hostUuid;  ///< String; UUID of the host.", s)
        self.assertIn("vmNics;  ///< List of \\ref VmNicInventory.", s)
        self.assertIn("extra;  ///< Free-form JSON; its element type is unknown upstream: kept as JSON.", s)
        self.assertIn("describe();  ///<", s)


class CheckedInHeaders(unittest.TestCase):
    """The checked-in output carries the comments (gen_api.py --check proves it is current)."""

    def test_every_struct_is_documented(self):
        headers = glob.glob(os.path.join(ROOT, "include", "zstack", "actions", "*.hpp")) + \
            glob.glob(os.path.join(ROOT, "include", "zstack", "types", "*.hpp"))
        structs = 0
        for path in headers:
            with open(path, encoding="utf-8") as f:
                lines = f.read().splitlines()
            for i, line in enumerate(lines):
                if re.match(r"struct \w+( : .*)? \{$", line):
                    structs += 1
                    self.assertTrue(lines[i - 1].startswith("///"), "%s: %s has no doc comment" % (path, line))
                elif line.startswith("  ") and line.rstrip().endswith(";") and "(" not in line:
                    self.fail("%s:%d: member without a doc comment: %s" % (path, i + 1, line))
                if "//" in line and line.endswith("\\"):
                    self.fail("%s:%d: a comment ends in a backslash" % (path, i + 1))
        self.assertGreater(structs, 1887 + 700)


if __name__ == "__main__":
    unittest.main()
