// The built-in templates: this project's own text under the reference's names, rendering what the
// reference's default set renders (the HTML bodies keep this project's own design).
#include "render/default_templates.h"

namespace nm::render {

namespace {

constexpr std::string_view kDefaults = R"TMPL(
{{/* One alert: "[<status>] <message>"; the message may be empty. */}}
{{ define "nm.default.message" -}}
{{ with .Status }}[{{ translate . }}] {{ end }}{{ message . }}
{{- end }}

{{ define "nm.default.message.cn" -}}
{{ with .Status }}[{{ translate . }}] {{ end }}{{ .MessageCN }}
{{- end }}

{{/* A group: its only alert's message, else "N <status> alerts for k=v k=v " (the status
     untranslated and left out when mixed, label names translated, a space after each pair). */}}
{{ define "nm.default.subject" -}}
{{ if eq (len .Alerts) 1 -}}
{{ template "nm.default.message" index .Alerts 0 -}}
{{ else -}}
{{ len .Alerts }} {{ with .Status }}{{ . }} {{ end }}alerts
{{- with .GroupLabels.SortedPairs }} for {{ range . }}{{ translate .Name }}={{ .Value }} {{ end }}{{ end -}}
{{ end -}}
{{ end }}

{{/* "[FIRING] | severity=... | ...": the states present, the common severity, then the only
     alert's labels or, for several alerts, the group labels (fixed keys, untranslated). */}}
{{ define "nm.subject" -}}
{{ if not .Alerts }}Show nothing{{ else -}}
[{{ with .Alerts.Firing }}FIRING{{ end -}}
{{ if and .Alerts.Firing .Alerts.Resolved }}|{{ end -}}
{{ with .Alerts.Resolved }}RESOLVED{{ end -}}
{{ if not (or .Alerts.Firing .Alerts.Resolved) }}UNKNOWN{{ end }}]
{{- with index .CommonLabels "severity" }} | severity={{ . }}{{ end -}}
{{ $labels := .GroupLabels -}}
{{ $keys := stringSlice "alerttype" "alertname" "cluster" "namespace" "node" -}}
{{ if eq (len .Alerts) 1 -}}
{{ $labels = (index .Alerts 0).Labels -}}
{{ $keys = stringSlice "alerttype" "alertname" "cluster" "node" "namespace" "pod" -}}
{{ end -}}
{{ range $k := $keys }}{{ with index $labels $k }} | {{ $k }}={{ . }}{{ end }}{{ end -}}
{{ end -}}
{{ end }}

{{/* Per alert: the message line, "  <label>: <value>" lines for the labels and the annotations
     other than the message ones, then an empty line. */}}
{{ define "nm.default.text" -}}
{{ range .Alerts -}}
{{ template "nm.default.message" . }}{{ "\n" -}}
{{ range .Labels.SortedPairs }}  {{ translate .Name }}: {{ .Value }}{{ "\n" }}{{ end -}}
{{ range .Annotations.SortedPairs.Filter "runbook_url" "message" "summary" "summary_cn" "summaryCn" -}}
{{ "  " }}{{ translate .Name }}: {{ .Value }}{{ "\n" -}}
{{ end -}}
{{ "\n" -}}
{{ end -}}
{{ end }}

{{/* nm.default.text with "### " before the message line and "- " before each field. */}}
{{ define "nm.default.markdown" -}}
{{ range .Alerts -}}
### {{ template "nm.default.message" . }}{{ "\n" -}}
{{ range .Labels.SortedPairs }}- {{ translate .Name }}: {{ .Value }}{{ "\n" }}{{ end -}}
{{ range .Annotations.SortedPairs.Filter "runbook_url" "message" "summary" "summary_cn" "summaryCn" -}}
- {{ translate .Name }}: {{ .Value }}{{ "\n" -}}
{{ end -}}
{{ "\n" -}}
{{ end -}}
{{ end }}

{{/* One alert's message line JSON-escaped, for the Feishu post. */}}
{{ define "nm.feishu.message" -}}
{{ with .Status }}[{{ translate . | escape }}] {{ end }}{{ message . | escape }}
{{- end }}

{{/* Feishu post: per alert a paragraph for the message line, one per field ("  <name>: <value>")
     and a closing "  " paragraph; valid JSON whatever the alerts contain. */}}
{{ define "nm.feishu.post" -}}
{"en_us":{"content":[
{{- range $i, $a := .Alerts -}}
{{ if $i }},{{ end -}}
[{"tag":"text","text":"{{ template "nm.feishu.message" $a }}"}],
{{- range $a.Labels.SortedPairs -}}
[{"tag":"text","text":"  {{ translate .Name | escape }}: {{ escape .Value }}"}],
{{- end -}}
{{ range $a.Annotations.SortedPairs.Filter "runbook_url" "message" "summary" "summary_cn" "summaryCn" -}}
[{"tag":"text","text":"  {{ translate .Name | escape }}: {{ escape .Value }}"}],
{{- end -}}
[{"tag":"text","text":"  "}]
{{- end -}}
]}}
{{- end }}

{{ define "nm.feishu.text" }}{{ template "nm.default.text" . }}{{ end }}

{{/* HTML email bodies: every value HTML-escaped. */}}
{{ define "nm.html.message" -}}
{{ $m := message . }}{{ if not $m }}{{ $m = .Labels.alertname }}{{ end -}}
[{{ translate .Status | html }}] {{ html $m }}
{{- end }}

{{ define "nm.html.subject" -}}
{{ if eq (len .Alerts) 1 -}}
{{ template "nm.html.message" index .Alerts 0 -}}
{{ else -}}
{{ len .Alerts }} {{ with .Status }}{{ html . }} {{ end }}alerts
{{- with .GroupLabels.SortedPairs }} for{{ range . }} {{ translate .Name | html }}={{ html .Value }}{{ end }}{{ end -}}
{{ end -}}
{{ end }}

{{ define "nm.html.alerts" -}}
{{ range .Alerts -}}
<table style="border-collapse: collapse; width: 100%; margin-bottom: 16px;">
<tr><th colspan="2" style="text-align: left; padding: 8px; color: #ffffff; background: {{ if eq .Status "firing" }}#ca2621{{ else }}#55bc8a{{ end }};">{{ template "nm.html.message" . }}</th></tr>
{{- range .Labels.SortedPairs }}
<tr><td style="padding: 4px 8px; border: 1px solid #e3e9ef; width: 30%;">{{ translate .Name | html }}</td><td style="padding: 4px 8px; border: 1px solid #e3e9ef;">{{ html .Value }}</td></tr>
{{- end }}
{{- range .Annotations.SortedPairs.Filter "runbook_url" "message" "summary" "summary_cn" "summaryCn" }}
<tr><td style="padding: 4px 8px; border: 1px solid #e3e9ef; width: 30%;">{{ translate .Name | html }}</td><td style="padding: 4px 8px; border: 1px solid #e3e9ef;">{{ html .Value }}</td></tr>
{{- end }}
{{- with .Annotations.runbook_url }}
<tr><td colspan="2" style="padding: 4px 8px; border: 1px solid #e3e9ef;"><a href="{{ html . }}">{{ translate "runbook" | html }}</a></td></tr>
{{- end }}
</table>
{{ end -}}
{{- end }}

{{ define "nm.default.html" -}}
<!DOCTYPE html>
<html>
<head><meta charset="UTF-8"></head>
<body style="font-family: Arial, Helvetica, sans-serif; font-size: 14px; color: #242e42;">
{{ template "nm.html.alerts" . -}}
</body>
</html>
{{- end }}

{{ define "nm.html" -}}
<!DOCTYPE html>
<html>
<head><meta charset="UTF-8"><title>{{ template "nm.html.subject" . }}</title></head>
<body style="font-family: Arial, Helvetica, sans-serif; font-size: 14px; color: #242e42;">
<h2 style="font-size: 18px;">{{ template "nm.html.subject" . }}</h2>
{{ template "nm.html.alerts" . -}}
</body>
</html>
{{- end }}
)TMPL";

}  // namespace

std::string_view defaultTemplateText() {
  return kDefaults;
}

bool isJsonDataTemplate(std::string_view name) {
  return name == "webhook.default.message" || name == "nm.default.history";
}

}  // namespace nm::render
