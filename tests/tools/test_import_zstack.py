"""Unit tests for tools/import_zstack.py over the synthetic Java files in fixtures/.

Run: python3 -m unittest discover -s tests/tools
"""

import filecmp
import json
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))

import import_zstack  # noqa: E402

FIXTURES = os.path.join(HERE, "fixtures")


def load(out, *parts):
    with open(os.path.join(out, *parts), encoding="utf-8") as f:
        return json.load(f)


class ImportFixtures(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.out = os.path.join(cls.tmp.name, "upstream")
        cls.source = import_zstack.import_checkout(
            FIXTURES, cls.out, commit="0" * 40, commit_date="2024-01-01T00:00:00+00:00")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def params(self, action):
        return {p["name"]: p for p in load(self.out, "actions", action + ".json")["params"]}

    def test_files(self):
        self.assertEqual(sorted(os.listdir(os.path.join(self.out, "actions"))),
                         ["MakeThing.json", "QueryThing.json"])
        self.assertEqual(sorted(os.listdir(os.path.join(self.out, "types"))),
                         ["BaseInventory.json", "MakeThingResult.json", "PartAO.json",
                          "QueryThingResult.json", "ThingInventory.json", "ThingState@sdk.json",
                          "ThingState@zwatch.json"])

    def test_rest_info(self):
        a = load(self.out, "actions", "MakeThing.json")
        self.assertEqual(a["method"], "POST")
        self.assertEqual(a["path"], "/zones/{zoneUuid}/things")
        self.assertEqual(a["pathVariables"], ["zoneUuid"])
        self.assertEqual(a["bodyKey"], "null")  # the string "null", recorded exactly
        self.assertIs(a["needSession"], True)
        self.assertIs(a["needPoll"], True)
        self.assertIs(a["isQuery"], False)
        self.assertEqual(a["javaPackage"], "org.zstack.sdk")
        self.assertEqual(a["resultClass"], "org.zstack.sdk.MakeThingResult")
        self.assertEqual(a["resultType"], "MakeThingResult")
        self.assertEqual(a["nonApiParams"], [{"name": "timeout", "type": "long",
                                              "default": "-1"}])

    def test_params(self):
        p = self.params("MakeThing")
        self.assertEqual(list(p), ["name", "zoneUuid", "mode", "code", "size", "tags", "labels",
                                   "force", "sessionId", "password"])
        self.assertEqual(p["name"], {"name": "name", "type": "java.lang.String", "in": "body",
                                     "required": True, "maxLength": 255, "nonempty": False,
                                     "nullElements": False, "emptyString": True,
                                     "noTrim": False})
        self.assertEqual(p["zoneUuid"]["in"], "path")
        self.assertEqual(p["mode"]["validValues"], ["Permissive", "Enforcing"])
        self.assertEqual(p["mode"]["default"], '"Permissive"')
        self.assertEqual(p["code"]["validRegexValues"], '^[a-z]\\d{2}\uff08"$')
        self.assertEqual(p["code"]["minLength"], 2)
        self.assertNotIn("maxLength", p["code"])
        self.assertEqual(p["size"]["numberRange"], [1, 9223372036854775807])
        self.assertEqual(p["size"]["numberRangeUnit"], ["byte", "bytes"])
        self.assertEqual(p["size"]["type"], "long")
        self.assertEqual(p["size"]["default"], "0L")
        t = p["tags"]
        self.assertEqual((t["type"], t["nonempty"], t["nullElements"], t["noTrim"],
                          t["emptyString"]), ("java.util.List", True, True, True, False))
        self.assertEqual(p["labels"]["type"], "java.util.Map")
        self.assertEqual((p["force"]["type"], p["force"]["default"]), ("boolean", "false"))
        self.assertEqual(p["sessionId"]["in"], "auth")

    def test_query_action(self):
        a = load(self.out, "actions", "QueryThing.json")
        self.assertEqual(a["javaPackage"], "org.zstack.sdk.zwatch")
        self.assertIs(a["isQuery"], True)
        self.assertEqual(a["bodyKey"], "")
        self.assertIs(a["needSession"], False)
        p = {x["name"]: x for x in a["params"]}
        self.assertEqual(p["conditions"]["wireName"], "q")
        self.assertEqual(p["conditions"]["in"], "query")
        self.assertEqual(p["conditions"]["declaredIn"], "QueryAction")
        self.assertEqual(p["sortDirection"]["validValues"], ["asc", "desc"])
        self.assertEqual(a["serverApi"]["responseClass"], "APIQueryThingReply")

    def test_types(self):
        inv = load(self.out, "types", "ThingInventory.json")
        self.assertEqual(inv["superclass"], "org.zstack.sdk.BaseInventory")
        self.assertEqual(inv["superclassType"], "BaseInventory")
        f = {x["name"]: x for x in inv["fields"]}
        self.assertEqual(list(f), ["parts", "options", "notes", "aliases", "state"])
        srv = "server:header/src/main/java/org/zstack/header/thing/ThingInventory.java"
        self.assertEqual((f["parts"]["elementType"], f["parts"]["typeSource"]),
                         ("PartInventory", srv))
        self.assertEqual((f["options"]["keyType"], f["options"]["elementType"]),
                         ("String", "List<String>"))
        self.assertEqual(f["notes"]["typeSource"], "sdk-raw")  # absent from the server class
        self.assertNotIn("elementType", f["notes"])
        self.assertEqual((f["aliases"]["elementType"], f["aliases"]["typeSource"]),
                         ("String", "sdk"))
        self.assertEqual(f["state"]["ref"], "ThingState@sdk")
        self.assertNotIn("typeSource", f["state"])
        res = load(self.out, "types", "QueryThingResult.json")
        inv_f = res["fields"][0]
        self.assertEqual(inv_f["elementType"], "ThingInventory")
        self.assertTrue(inv_f["typeSource"].endswith("/APIQueryThingReply.java"))
        mk = load(self.out, "types", "MakeThingResult.json")
        self.assertEqual(mk["fields"][0], {"name": "inventory", "type": "ThingInventory",
                                           "ref": "ThingInventory"})
        # the reply sends its `thingKinds` as `kinds` (@RestResponse fieldsTo)
        self.assertEqual(mk["fields"][1], {
            "name": "kinds", "type": "java.util.List", "elementType": "String",
            "serverType": "List<String>",
            "typeSource": "server:header/src/main/java/org/zstack/header/thing/APIMakeThingEvent.java"})

    def test_param_types_from_the_server_message(self):
        msg = "header/src/main/java/org/zstack/header/thing/APIMakeThingMsg.java"
        p = self.params("MakeThing")
        self.assertEqual((p["tags"]["elementType"], p["tags"]["serverType"], p["tags"]["typeSource"]),
                         ("PartAO", "List<PartAO>", "server:" + msg))
        self.assertEqual((p["labels"]["keyType"], p["labels"]["elementType"]), ("String", "String"))
        self.assertNotIn("typeSource", p["name"])  # typed by the SDK already
        # the nested class the element type names becomes a type of its own
        part = load(self.out, "types", "PartAO.json")
        self.assertEqual((part["origin"], part["javaClass"], part["sourcePath"]),
                         ("server", "APIMakeThingMsg.PartAO", msg))
        self.assertEqual(part["usedByParams"], ["MakeThing.tags"])
        f = {x["name"]: x for x in part["fields"]}
        self.assertEqual(list(f), ["name", "size", "notes"])  # the static constant is not a field
        self.assertEqual((f["size"]["type"], f["notes"]["elementType"]), ("long", "String"))
        self.assertEqual(self.source["counts"]["serverNestedClasses"], 1)
        # QueryThing's server message has no such params: only raw containers are refined
        q = {x["name"]: x for x in load(self.out, "actions", "QueryThing.json")["params"]}
        self.assertTrue(all("typeSource" not in x for x in q.values()))

    def test_rest_response_renames(self):
        self.assertEqual(import_zstack.rest_response_renames(
            '@RestResponse(fieldsTo = {"all", "types=l2NetworkTypes"})\n@Deprecated\n'),
            {"types": "l2NetworkTypes"})
        self.assertEqual(import_zstack.rest_response_renames('@RestResponse(allTo = "inventory")\n'), {})
        self.assertEqual(import_zstack.rest_response_renames("public class X"), {})

    def test_enums_and_collisions(self):
        self.assertEqual(load(self.out, "types", "ThingState@sdk.json")["constants"],
                         ["Enabled", "Disabled"])
        z = load(self.out, "types", "ThingState@zwatch.json")
        self.assertEqual((z["kind"], z["javaPackage"], z["constants"]),
                         ("enum", "org.zstack.sdk.zwatch", ["Up", "Down"]))
        self.assertEqual(self.source["nameCollisions"]["types"],
                         ["ThingState@sdk", "ThingState@zwatch"])

    def test_source_and_passwords(self):
        s = load(self.out, "SOURCE.json")
        self.assertEqual(s["commit"], "0" * 40)
        c = s["counts"]
        self.assertEqual((c["actions"], c["types"], c["enums"], c["queryActions"]), (2, 7, 2, 1))  # PartAO too
        self.assertEqual(c["bodyKey"], {"": 1, "null": 1})
        self.assertEqual(c["noSessionActions"], ["QueryThing"])
        self.assertEqual(c["containerFieldsByTypeSource"], {"sdk": 1, "sdk-raw": 1, "server": 5})  # + kinds, PartAO.notes
        pw = load(self.out, "password-hashing.json")
        self.assertEqual([(e["action"], e["param"], e["hashing"]) for e in pw["params"]],
                         [("MakeThing", "password", "unknown")])

    def test_deterministic(self):
        out2 = os.path.join(self.tmp.name, "again")
        import_zstack.import_checkout(FIXTURES, out2, commit="0" * 40,
                                      commit_date="2024-01-01T00:00:00+00:00")
        for sub in ("", "actions", "types"):
            cmp = filecmp.dircmp(os.path.join(self.out, sub), os.path.join(out2, sub))
            self.assertEqual((cmp.left_only, cmp.right_only, cmp.diff_files), ([], [], []))
        with open(os.path.join(out2, "SOURCE.json"), encoding="utf-8") as f:
            text = f.read()
        self.assertTrue(text.endswith("}\n"))
        self.assertEqual(text, json.dumps(json.loads(text), indent=2, sort_keys=True,
                                          ensure_ascii=False) + "\n")


class Lexing(unittest.TestCase):
    def test_annotation_args(self):
        got = import_zstack.parse_annotation_args(
            'required = false, validValues = {"a,b", "c"}, numberRange = {-1L, 5}, '
            'validRegexValues = "\\\\u4e00\\"", maxLength = 3')
        self.assertEqual(got, {"required": False, "validValues": ["a,b", "c"],
                               "numberRange": [-1, 5], "validRegexValues": '\\u4e00"',
                               "maxLength": 3})

    def test_strip_comments_keeps_strings(self):
        self.assertEqual(import_zstack.strip_comments('a = "//x/*"; // c\nb /* d */ e'),
                         'a = "//x/*"; \nb   e')


if __name__ == "__main__":
    unittest.main()
