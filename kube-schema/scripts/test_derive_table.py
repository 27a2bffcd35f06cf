"""Tests of derive-table.py on the miniature sources in testdata/ (python3 -m unittest, from this directory).

The table derived from the fixture is also the golden file the Java reader's test reads
(src/test/resources/curation-fixture-table.json); UPDATE_GOLDEN=1 rewrites it after an intended change.
"""

import importlib.util
import json
import os
import shutil
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("derive_table", os.path.join(HERE, "derive-table.py"))
derive_table = importlib.util.module_from_spec(spec)
sys.modules["derive_table"] = derive_table
spec.loader.exec_module(derive_table)

DATA = os.path.join(HERE, "testdata")
GOLDEN = os.path.join(os.path.dirname(HERE), "src/test/resources/curation-fixture-table.json")
TREES = {
    "api": (os.path.join(DATA, "api"), "v0.0.0-fixture", "1" * 40),
    "apimachinery": (os.path.join(DATA, "apimachinery"), "v0.0.0-fixture", "2" * 40),
}
APPS = "io.k8s.api.apps.v1."


def derive(sources=os.path.join(DATA, "sources")):
    text, _, warnings = derive_table.derive(TREES, ["k8s.io/api/apps/v1"], sources, "0.0")
    return text, json.loads(text), warnings


class DeriveTableTest(unittest.TestCase):

    def setUp(self):
        self.text, self.table, self.warnings = derive()
        self.types = self.table["types"]
        self.spec = self.types[APPS + "DeploymentSpec"]["fields"]

    def test_kinds_are_the_registered_objects_with_metadata(self):
        self.assertEqual(self.table["kinds"], {"apps/v1/Deployment": APPS + "Deployment",
                                               "apps/v1/StatefulSet": APPS + "StatefulSet"})

    def test_embedded_type_meta_is_inlined_and_unexported_or_dash_fields_skipped(self):
        fields = self.types[APPS + "Deployment"]["fields"]
        self.assertEqual(sorted(fields), ["apiVersion", "kind", "metadata", "spec"])
        self.assertNotIn("internal", self.spec)
        self.assertNotIn("Ignored", self.spec)
        self.assertNotIn("NotAType", str(self.types))

    def test_list_semantics_follow_schemaconv(self):
        self.assertEqual((self.spec["targets"]["listType"], self.spec["targets"]["listMapKeys"],
                          self.spec["targets"]["listTypeFrom"]), ("map", ["name", "zone"], "marker"))
        self.assertEqual((self.spec["ports"]["listType"], self.spec["ports"]["listMapKeys"],
                          self.spec["ports"]["listTypeFrom"]), ("map", ["port"], "patchStrategy"))
        self.assertEqual((self.spec["hosts"]["listType"], self.spec["hosts"]["listTypeFrom"]), ("set", "patchStrategy"))
        self.assertEqual((self.spec["args"]["listType"], self.spec["args"]["listTypeFrom"]), ("atomic", "unmarked"))
        self.assertEqual((self.spec["zones"]["listType"], self.spec["zones"]["listTypeFrom"]), ("set", "marker"))

    def test_maps_and_structs(self):
        self.assertEqual(self.spec["nodeSelector"]["mapType"], "atomic")
        self.assertEqual(self.spec["limits"], {"type": "map", "mapType": "granular", "omitempty": True,
                                               "values": {"type": "quantity", "goStruct": True, "zero": "0"}})
        self.assertEqual(self.types["io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"]["structType"], "atomic")
        self.assertEqual(self.types[APPS + "Owner"]["structType"], "atomic")
        self.assertEqual(self.spec["owner"]["structType"], "granular")
        self.assertEqual(self.types[APPS + "Empty"], {"fields": {}})

    def test_scalars_pointers_omitempty_required(self):
        self.assertEqual(self.spec["replicas"], {"type": "integer", "format": "int32", "omitempty": True,
                                                 "pointer": True})
        self.assertEqual(self.spec["paused"], {"type": "boolean", "required": True})
        self.assertTrue(self.spec["selector"]["required"])
        self.assertEqual(self.spec["data"], {"type": "string", "format": "byte", "zero": None, "omitempty": True})
        port = self.types[APPS + "Port"]["fields"]
        self.assertEqual(port["targetPort"]["type"], "int-or-string")
        self.assertEqual(port["protocol"]["type"], "string")
        meta = self.types["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]["fields"]
        self.assertEqual(meta["creationTimestamp"]["format"], "date-time")

    def test_marker_defaults_resolve_constants_and_curated_defaults_win(self):
        port = self.types[APPS + "Port"]["fields"]
        self.assertEqual((port["protocol"]["default"], port["protocol"]["defaultSource"]), ("TCP", "marker"))
        self.assertEqual((port["name"]["default"], port["name"]["defaultSource"]), ("web", "fixture#override @ none"))
        self.assertEqual(len(self.warnings), 1)
        self.assertIn("differs from the Go +default marker 'http'", self.warnings[0])
        self.assertEqual(self.spec["revisionHistoryLimit"]["default"], 10)
        rule = self.spec["strategy"]["defaultRule"]
        self.assertEqual(rule["name"], "deploymentStrategy")
        self.assertEqual(rule["description"], "RollingUpdate with maxUnavailable and maxSurge 25% when no type is given.")

    def test_immutable_fields_are_merged_sorted(self):
        self.assertEqual([(i["kind"], i["path"], i.get("when")) for i in self.table["immutable"]],
                         [("apps/v1/StatefulSet", "spec.selector", None),
                          ("apps/v1/StatefulSet", "spec.serviceName", "always, # not a comment")])
        selector = self.table["immutable"][0]
        self.assertEqual((selector["errorType"], selector["errorField"], selector["value"]),
                         ("Invalid", "spec", "v1.LabelSelector{...}"))

    def test_unknown_curated_keys_are_warned_about(self):
        odd = tempfile.mkdtemp()
        try:
            with open(os.path.join(odd, "defaults.yaml"), "w") as f:
                f.write("- {type: io.k8s.api.apps.v1.DeploymentSpec, field: paused, value: false, source: x, note: y}\n")
            _, _, warnings = derive(odd)
        finally:
            shutil.rmtree(odd)
        self.assertEqual(len(warnings), 1)
        self.assertIn("ignored keys note", warnings[0])

    def test_header_names_sources_and_curated_files(self):
        header = self.table["header"]
        self.assertEqual([(s["repository"], s["tag"], s["commit"]) for s in header["sources"]],
                         [("github.com/kubernetes/api", "v0.0.0-fixture", "1" * 40),
                          ("github.com/kubernetes/apimachinery", "v0.0.0-fixture", "2" * 40)])
        self.assertEqual([(c["file"], c["entries"]) for c in header["curated"]],
                         [("kube-schema/sources/defaults.yaml", 3), ("kube-schema/sources/immutable.yaml", 2)])

    def test_without_curated_files_the_table_has_no_curated_defaults(self):
        empty = tempfile.mkdtemp()
        try:
            _, table, _ = derive(empty)
        finally:
            shutil.rmtree(empty)
        self.assertEqual(table["header"]["curated"], [])
        self.assertEqual(table["immutable"], [])
        spec = table["types"][APPS + "DeploymentSpec"]["fields"]
        self.assertNotIn("default", spec["revisionHistoryLimit"])
        self.assertEqual(table["types"][APPS + "Port"]["fields"]["name"]["default"], "http")

    def test_a_curated_entry_naming_an_unknown_field_is_refused_with_its_place(self):
        bad = tempfile.mkdtemp()
        try:
            with open(os.path.join(bad, "defaults.yaml"), "w") as f:
                f.write("- {type: io.k8s.api.apps.v1.DeploymentSpec, field: replica, value: 1, source: x}\n")
            with self.assertRaises(derive_table.SourceError) as e:
                derive(bad)
            self.assertIn("defaults.yaml entry 1", str(e.exception))
            self.assertIn("has no field replica", str(e.exception))
            os.remove(os.path.join(bad, "defaults.yaml"))
            with open(os.path.join(bad, "immutable.yaml"), "w") as f:
                f.write("- {kind: apps/v1/StatefulSet, path: spec.selectr, message: field is immutable, source: x}\n")
            with self.assertRaises(derive_table.SourceError) as e:
                derive(bad)
            self.assertIn("path spec.selectr does not resolve", str(e.exception))
        finally:
            shutil.rmtree(bad)

    def test_output_is_deterministic_and_one_line_per_type(self):
        again, _, _ = derive()
        self.assertEqual(self.text, again)
        self.assertEqual(sum(1 for line in self.text.split("\n") if line.startswith('"io.k8s.')), len(self.types))

    def test_golden_file_read_by_the_java_test(self):
        if os.environ.get("UPDATE_GOLDEN") == "1":
            with open(GOLDEN, "w", encoding="utf-8") as f:
                f.write(self.text)
        with open(GOLDEN, encoding="utf-8") as f:
            self.assertEqual(f.read(), self.text, "run with UPDATE_GOLDEN=1 after an intended change")


class YamlSubsetTest(unittest.TestCase):

    def test_block_flow_and_scalars(self):
        text = """
# comment
- a: 1
  b: "x: y"   # trailing comment
  c: 'it''s'
  d: [1, two, "3"]
  e: {k: v, n: null, t: true}
  f: |
    line one
    line two
  g:
    nested: 2.5
-   {x: 1}
"""
        self.assertEqual(derive_table.parse_yaml(text, "t"), [
            {"a": 1, "b": "x: y", "c": "it's", "d": [1, "two", "3"], "e": {"k": "v", "n": None, "t": True},
             "f": "line one\nline two", "g": {"nested": 2.5}},
            {"x": 1}])


if __name__ == "__main__":
    unittest.main()
