"""Unit tests for tools/sim_catalog.py, the API document zstack-sim serves generically: Java
initialisers become JSON defaults, parameters keep their constraints, types keep their server
class, and the embedded text is exactly the document.

Run: python3 -m unittest discover -s tests/tools
"""

import json
import os
import re
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))

import sim_catalog  # noqa: E402


class FakeModel:
    def __init__(self):
        self.types = {"ClusterInventory": {"fields": [("uuid", "String", "sdk"), ("state", "String", "sdk")],
                                           "base": None},
                      "KVMHostInventory": {"fields": [("username", "String", "sdk")], "base": "HostInventory"}}
        self.up_types = {"ClusterInventory": {"serverClasses": [
            "header/src/main/java/org/zstack/header/cluster/ClusterInventory.java"]}}


ACTION = {"name": "CreateCluster", "method": "POST", "path": "/clusters", "bodyKey": "params", "sendsBody": True,
          "needSession": True, "needPoll": True, "isQuery": False, "reply": ("inventory", "ClusterInventory"),
          "params": [{"name": "name", "cppType": "String", "loc": "Body", "required": True, "maxLength": 255},
                     {"name": "hypervisorType", "cppType": "String", "loc": "Body", "required": True,
                      "validValues": ["KVM", "Simulator"]},
                     {"name": "sshPort", "cppType": "Integer", "loc": "Body", "numberRange": [1, 65535],
                      "default": "22"},
                     {"name": "zoneName", "cppType": "String", "loc": "Body", "validRegexValues": " ^(?! )[a-z]*$ "},
                     {"name": "blank", "cppType": "String", "loc": "Body", "validRegexValues": "  "},
                     {"name": "uuid", "cppType": "String", "loc": "Path", "required": True}]}


class SimCatalogTest(unittest.TestCase):
    def test_java_defaults(self):
        self.assertEqual(sim_catalog.java_default('"Permissive"'), "Permissive")
        self.assertEqual(sim_catalog.java_default("false"), False)
        self.assertEqual(sim_catalog.java_default("0L"), 0)
        self.assertEqual(sim_catalog.java_default("-1"), -1)
        self.assertEqual(sim_catalog.java_default("2.5d"), 2.5)
        self.assertIsNone(sim_catalog.java_default("new ArrayList<>()"))
        self.assertIsNone(sim_catalog.java_default(None))

    def test_document(self):
        doc = sim_catalog.document(FakeModel(), [ACTION])
        a = doc["actions"][0]
        self.assertEqual((a["n"], a["m"], a["p"], a["k"], a["b"], a["a"], a["r"], a["t"]),
                         ("CreateCluster", "POST", "/clusters", "params", 1, 1, "inventory", "ClusterInventory"))
        ps = {p["n"]: p for p in a["ps"]}
        self.assertEqual(ps["name"], {"n": "name", "t": "String", "in": "body", "req": 1, "max": 255})
        self.assertEqual(ps["hypervisorType"]["vv"], ["KVM", "Simulator"])
        self.assertEqual((ps["sshPort"]["rng"], ps["sshPort"]["d"]), ([1, 65535], 22))
        self.assertEqual(ps["uuid"]["in"], "path")
        self.assertEqual(ps["zoneName"]["re"], "^(?! )[a-z]*$")  # trimmed, as ZStack does
        self.assertNotIn("re", ps["blank"])  # blank: no pattern
        self.assertEqual(doc["types"]["ClusterInventory"]["c"], "org.zstack.header.cluster.ClusterInventory")
        self.assertEqual(doc["types"]["KVMHostInventory"], {"b": "HostInventory", "c": "", "f": [["username", "String"]]})

    def test_embedded_text_is_the_document(self):
        path, text = sim_catalog.emit(FakeModel(), [ACTION])
        self.assertEqual(path, "sim/src/generated/api_catalog.cpp")
        parts = re.findall(r'R"zsim\((.*?)\)zsim"', text, re.S)
        self.assertEqual(json.loads("".join(parts)), sim_catalog.document(FakeModel(), [ACTION]))
        self.assertIn("std::string apiCatalogJson()", text)


if __name__ == "__main__":
    unittest.main()
