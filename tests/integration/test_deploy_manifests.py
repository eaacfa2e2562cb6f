"""deploy/: the CRDs are what tools/gen_crds.py generates; every example object (deploy/examples/
and the file-mode examples/config/) validates against their schemas with the fake API server's
validator; every kustomization under deploy/ renders offline with the real `kubectl kustomize`."""

import glob
import os
import shutil
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "fake_kube"))
sys.path.insert(0, os.path.join(ROOT, "tools"))

try:
    import yaml
except ImportError:  # python3-yaml (scripts/install-deps.sh)
    raise unittest.SkipTest("needs python3-yaml")

import gen_crds  # noqa: E402
import resources  # noqa: E402
import schema  # noqa: E402

DEPLOY = os.path.join(ROOT, "deploy")
KUBECTL = shutil.which("kubectl")
GROUP = "notification.kubesphere.io"


def documents(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d]


def objects(docs):
    for d in docs:
        if d.get("kind") == "List":
            yield from d.get("items") or []
        else:
            yield d


class Crds(unittest.TestCase):
    kinds = None

    @classmethod
    def setUpClass(cls):
        cls.kinds = {k.kind: k for k in resources.load_crds(os.path.join(DEPLOY, "crds"))}

    def test_generated_files_are_up_to_date(self):
        for name, text in gen_crds.render().items():
            with open(os.path.join(DEPLOY, "crds", name), encoding="utf-8") as f:
                self.assertEqual(f.read(), text, f"deploy/crds/{name} differs from "
                                 "tools/gen_crds.py's output: run python3 tools/gen_crds.py")

    def test_names_scope_and_columns(self):
        self.assertEqual(sorted(self.kinds), ["Config", "InhibitRule", "NotificationManager",
                                              "Receiver", "Router", "Silence"])
        short = {k: v.short for k, v in self.kinds.items()}
        self.assertEqual(short, {"NotificationManager": ["nm"], "Config": ["nc"],
                                 "Receiver": ["nr"], "Router": [], "Silence": [],
                                 "InhibitRule": []})
        for k in self.kinds.values():
            self.assertEqual((k.group, k.version, k.namespaced, k.categories, k.status),
                             (GROUP, "v2beta2", False, ["notification-manager"], True))
            self.assertEqual(k.columns[-1][:3], ("Age", "date", ".metadata.creationTimestamp"))
        names = [c[0] for c in self.kinds["Receiver"].columns if c[3] == 0]
        self.assertEqual(names, ["Type", "Tenant", "Channels", "Age"])

    def test_preserve_unknown_fields_only_where_free_form(self):
        found = []

        def walk(s, path):
            if s.get("x-kubernetes-preserve-unknown-fields"):
                found.append(path)
            for k, sub in (s.get("properties") or {}).items():
                walk(sub, f"{path}.{k}")
            for key in ("items", "additionalProperties"):
                if isinstance(s.get(key), dict):
                    walk(s[key], f"{path}.{key}")

        for k in self.kinds.values():
            walk(k.schema, k.kind)
        self.assertEqual(sorted(found), sorted([
            "NotificationManager.spec.resources", "NotificationManager.spec.affinity",
            "NotificationManager.spec.tolerations.items", "NotificationManager.spec.env.items",
            "NotificationManager.spec.volumes.items",
            "NotificationManager.spec.volumeMounts.items",
            "NotificationManager.spec.sidecars.additionalProperties"]))

    def check_objects(self, paths):
        checked = 0
        for path in paths:
            for obj in objects(documents(path)):
                api = obj.get("apiVersion", "")
                if not api.startswith(GROUP + "/"):
                    continue
                with self.subTest(file=os.path.relpath(path, ROOT),
                                  name=obj.get("metadata", {}).get("name")):
                    self.assertEqual(api, f"{GROUP}/v2beta2")
                    kind = self.kinds[obj["kind"]]
                    unknown, errors = schema.validate(kind.schema, obj)
                    self.assertEqual(unknown, [])
                    self.assertEqual(errors, [])
                    checked += 1
        return checked

    def test_repository_examples_validate(self):
        """examples/config is what the daemon's decoders accept in file mode."""
        files = glob.glob(os.path.join(ROOT, "examples", "config", "**", "*.yaml"),
                          recursive=True)
        self.assertGreater(self.check_objects(files), 0)

    def test_deploy_examples_validate(self):
        folder = os.path.join(DEPLOY, "examples")
        if not os.path.isdir(folder):
            self.skipTest("deploy/examples/ does not exist yet")
        files = sorted(glob.glob(os.path.join(folder, "**", "*.yaml"), recursive=True) +
                       glob.glob(os.path.join(folder, "**", "*.yml"), recursive=True))
        kinds = set()
        for path in files:
            kinds |= {o.get("kind") for o in objects(documents(path))}
        self.assertGreater(self.check_objects(files), 0)
        self.assertLessEqual(set(self.kinds), kinds, "deploy/examples lacks a kind")

    def test_values_the_decoders_refuse_are_refused(self):
        rcv = self.kinds["Receiver"].schema
        bad = {
            "spec.sms.phoneNumbers[0]": {"sms": {"phoneNumbers": ["12a"]}},
            "spec.pushover.profiles[0].userKey": {"pushover": {"profiles": [{"userKey": "x"}]}},
            "spec.email.tmplType": {"email": {"to": ["a@b.c"], "tmplType": "rtf"}},
            "spec.discord.mentionedUsers[0]": {"discord": {"webhook": {"value": "u"},
                                                           "mentionedUsers": ["bob"]}},
            "spec.webhook.httpConfig.bearerToken": {"webhook": {"url": "http://a", "httpConfig": {
                "bearerToken": {"value": "t", "valueFrom": {"secretKeyRef": {
                    "name": "s", "key": "k"}}}}}},
            "spec.slack": {"slack": {}},
            "spec.telegram.channels[0]": {"telegram": {"channels": ["not a chat"]}},
        }
        for field, spec in bad.items():
            with self.subTest(field=field):
                _, errors = schema.validate(rcv, {"apiVersion": f"{GROUP}/v2beta2",
                                                  "kind": "Receiver",
                                                  "metadata": {"name": "x"}, "spec": spec})
                self.assertIn(field, [e["field"] for e in errors])
        nm = self.kinds["NotificationManager"].schema
        _, errors = schema.validate(nm, {"metadata": {"name": "x"}, "spec": {
            "batchMaxWait": "5 minutes", "routePolicy": "Sometimes", "batchMaxSize": 0}})
        self.assertEqual(sorted(e["field"] for e in errors),
                         ["spec.batchMaxSize", "spec.batchMaxWait", "spec.routePolicy"])


@unittest.skipUnless(KUBECTL, "needs kubectl (scripts/install-deps.sh)")
class Kustomize(unittest.TestCase):
    def test_every_kustomization_renders(self):
        dirs = sorted(os.path.dirname(p) for p in glob.glob(
            os.path.join(DEPLOY, "**", "kustomization.yaml"), recursive=True))
        self.assertIn(os.path.join(DEPLOY, "crds"), dirs)
        kinds = {k.kind: k for k in resources.load_crds(os.path.join(DEPLOY, "crds"))}
        for d in dirs:
            with self.subTest(dir=os.path.relpath(d, ROOT)):
                r = subprocess.run([KUBECTL, "kustomize", d], capture_output=True, text=True,
                                   timeout=120)
                self.assertEqual(r.returncode, 0, r.stderr)
                docs = [x for x in yaml.safe_load_all(r.stdout) if x]
                self.assertTrue(docs)
                for obj in docs:
                    if obj.get("apiVersion", "").startswith(GROUP + "/"):
                        unknown, errors = schema.validate(kinds[obj["kind"]].schema, obj)
                        self.assertEqual((unknown, errors), ([], []), obj["metadata"])


if __name__ == "__main__":
    unittest.main()
