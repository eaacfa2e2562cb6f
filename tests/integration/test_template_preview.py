"""The nm-template preview tool: renders built-in names and template files against a JSON Data
file, with languages and language packs, and reports errors with their position (exit 1)."""

import json
import os
import shutil
import subprocess
import tempfile
import unittest

TOOL = os.environ.get("NM_TEMPLATE_BINARY") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "nm-template")

DATA = {
    "receiver": "team-a",
    "alerts": [
        {"status": "firing",
         "labels": {"alertname": "DiskFull", "pod": "db-0", "severity": "critical",
                    "rule_id": "x"},
         "annotations": {"message": "disk is full", "summaryCn": "磁盘已满",
                         "runbook_url": "http://runbook"},
         "startsAt": "2024-05-01T10:00:00Z", "endsAt": "0001-01-01T00:00:00Z"},
        {"status": "resolved",
         "labels": {"alertname": "DiskFull", "pod": "db-1", "severity": "critical"},
         "annotations": {"message": "disk was full"},
         "startsAt": "2024-05-01T09:00:00Z", "endsAt": "2024-05-01T09:30:00Z"},
    ],
    "groupLabels": {"alertname": "DiskFull"},
    "commonLabels": {"alertname": "DiskFull", "severity": "critical"},
    "commonAnnotations": {},
}


class TemplatePreviewTest(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="nm-tmpl-")
        self.data = self.file("data.json", json.dumps(DATA))

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def file(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def run_tool(self, *args):
        p = subprocess.run([TOOL, "--data", self.data, *args], capture_output=True, timeout=30)
        return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")

    def test_builtin_name_in_english_and_chinese(self):
        rc, out, err = self.run_tool("--name", "nm.default.text")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.splitlines()[:3],
                         ["[FIRING] disk is full", "  alertname: DiskFull", "  pod: db-0"])
        self.assertIn("[RESOLVED] disk was full", out)
        self.assertNotIn("rule_id", out)
        self.assertNotIn("runbook", out)
        rc, out, err = self.run_tool("--name", "nm.default.subject", "--language", "zh-cn")
        self.assertEqual(rc, 0, err)
        # As the Go daemon: status and "alerts" as words (mixed: no status), label names translated.
        self.assertEqual(out, "2 alerts for 告警名称=DiskFull\n")

    def test_template_file_and_language_pack(self):
        tmpl = self.file("t.tmpl", '{{ define "my" }}{{ range .Alerts }}{{ .Status | translate }}'
                                   ' {{ .Labels.pod }} {{ date "15:04" .StartsAt }};{{ end }}'
                                   '{{ end }}Body: {{ len .Alerts }} {{ translate "hello" }}\n')
        pack = self.file("pack.yaml", "- name: fr\n  dictionary: {Firing: EN COURS, resolved: "
                                      "RÉSOLU, hello: bonjour}\n")
        rc, out, err = self.run_tool("--file", tmpl, "--name", "my", "--language", "fr",
                                     "--language-pack", pack)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, "EN COURS db-0 10:00;RÉSOLU db-1 09:00;\n")
        rc, out, err = self.run_tool("--file", tmpl, "--language", "fr", "--language-pack", pack)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, "Body: 2 bonjour\n")
        # A configured zh-cn pack replaces the built-in one: its words only.
        zh = self.file("zh.yaml", "- name: zh-cn\n  dictionary: {firing: 告警中}\n")
        rc, out, err = self.run_tool("--name", "nm.default.text", "--language", "zh-cn",
                                     "--language-pack", zh)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.splitlines()[:2], ["[告警中] 磁盘已满", "  alertname: DiskFull"])
        feishu = self.run_tool("--name", "nm.feishu.post")[1]
        self.assertIn("en_us", json.loads(feishu))

    def test_errors_carry_their_position(self):
        bad = self.file("bad.tmpl", '{{ define "x" }}\nline {{ .Nope }}{{ end }}')
        rc, out, err = self.run_tool("--file", bad, "--name", "x")
        self.assertEqual(rc, 1)
        self.assertEqual(out, "")
        self.assertIn('template: nm:2:8: executing "x" at <.Nope>: can\'t evaluate field Nope',
                      err)
        unparsable = self.file("unparsable.tmpl", "ok\n{{ if }}")
        rc, _, err = self.run_tool("--file", unparsable, "--name", "x")
        self.assertEqual(rc, 1)
        self.assertIn("unparsable.tmpl: template: nm:2: missing value for if", err)
        rc, _, err = self.run_tool("--name", "no.such")
        self.assertEqual(rc, 1)
        self.assertIn('template "no.such" not defined', err)
        self.data = self.file("broken.json", '{"alerts": [')
        rc, _, err = self.run_tool("--name", "nm.default.text")
        self.assertEqual(rc, 1)
        self.assertIn("broken.json", err)


    def test_html_mode_escapes_alert_text(self):
        data = json.loads(json.dumps(DATA))
        data["alerts"][0]["annotations"]["message"] = "<script>alert(1)</script>"
        self.data = self.file("data-html.json", json.dumps(data))
        tmpl = self.file("mail.tmpl", '{{ define "mail" }}<p title="{{ (index .Alerts 0).Annotations.message }}">'
                                      '{{ (index .Alerts 0).Annotations.message }}</p>{{ end }}')
        rc, out, err = self.run_tool("--file", tmpl, "--name", "mail", "--html")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.strip(), '<p title="&lt;script&gt;alert(1)&lt;/script&gt;">'
                                      "&lt;script&gt;alert(1)&lt;/script&gt;</p>")
        rc, out, err = self.run_tool("--file", tmpl, "--name", "mail")  # text mode: as written
        self.assertEqual(rc, 0, err)
        self.assertIn("<script>alert(1)</script></p>", out)

    def test_html_mode_bad_input_is_reported(self):
        rc, out, err = self.run_tool("--file", self.file("x.tmpl", "x"), "--html")
        self.assertNotEqual(rc, 0)
        self.assertIn("--html needs --name", err)
        tmpl = self.file("bad.tmpl", '{{ define "bad" }}<a href="{{ if .Alerts }}x">{{ end }}{{ end }}')
        rc, out, err = self.run_tool("--file", tmpl, "--name", "bad", "--html")
        self.assertNotEqual(rc, 0)
        self.assertIn("1:33: {{if}} branches end in different contexts", err)
        self.assertEqual(out, "")


if __name__ == "__main__":
    unittest.main()
