// The built-in templates: this project's own wording and layout under the reference's names,
// readable in English and (through translate/message) Chinese.
#include "render/default_templates.h"

namespace nm::render {

namespace {

constexpr std::string_view kDefaults = R"TMPL(
{{/* One alert: "[<status>] <message>", the alert name when it has no message. */}}
{{ define "nm.default.message" -}}
{{ $m := message . }}{{ if not $m }}{{ $m = .Labels.alertname }}{{ end -}}
[{{ translate .Status }}] {{ $m }}
{{- end }}

{{ define "nm.default.message.cn" -}}
{{ $m := .MessageCN }}{{ if not $m }}{{ $m = .Labels.alertname }}{{ end -}}
[{{ translate .Status }}] {{ $m }}
{{- end }}

{{/* A group: its only alert's message, else "N <status> alerts for k=v ...". */}}
{{ define "nm.default.subject" -}}
{{ if eq (len .Alerts) 1 -}}
{{ range .Alerts }}{{ template "nm.default.message" . }}{{ end -}}
{{ else -}}
{{ len .Alerts }} {{ with .Status }}{{ translate . }} {{ end }}{{ translate "alerts" }}
{{- with .GroupLabels.SortedPairs }} {{ translate "for" }}
{{- range . }} {{ translate .Name }}={{ .Value }}{{ end }}
{{- end }}
{{- end }}
{{- end }}

{{ define "nm.subject" -}}
[{{ with .Status }}{{ translate . }}{{ else }}{{ translate "firing" }}{{ end }}]
{{- range $k := stringSlice "severity" "alerttype" "alertname" "cluster" "node" "namespace" "pod" }}
{{- with index $.CommonLabels $k }} | {{ translate $k }}={{ . }}{{ end }}
{{- end }}
{{- end }}

{{/* Per alert: the message line, then "  <label>: <value>" lines. */}}
{{ define "nm.default.text" -}}
{{ range $i, $a := .Alerts -}}
{{ if $i }}

{{ end -}}
{{ template "nm.default.message" $a }}
{{- range $a.Labels.SortedPairs }}
  {{ translate .Name }}: {{ .Value }}
{{- end }}
{{- range $a.Annotations.SortedPairs.Filter "runbook_url" "message" "summary" "summary_cn" "summaryCn" }}
  {{ translate .Name }}: {{ .Value }}
{{- end }}
{{- end }}
{{- end }}

{{ define "nm.default.markdown" -}}
{{ range $i, $a := .Alerts -}}
{{ if $i }}

{{ end -}}
### {{ template "nm.default.message" $a }}
{{- range $a.Labels.SortedPairs }}
- {{ translate .Name }}: {{ .Value }}
{{- end }}
{{- range $a.Annotations.SortedPairs.Filter "runbook_url" "message" "summary" "summary_cn" "summaryCn" }}
- {{ translate .Name }}: {{ .Value }}
{{- end }}
{{- end }}
{{- end }}

{{/* The message line JSON-escaped, for the Feishu bodies. */}}
{{ define "nm.feishu.escaped.message" -}}
{{ $m := message . }}{{ if not $m }}{{ $m = .Labels.alertname }}{{ end -}}
[{{ escape (translate .Status) }}] {{ escape $m }}
{{- end }}

{{/* Feishu post: one paragraph per line, valid JSON whatever the alerts contain. */}}
{{ define "nm.feishu.post" -}}
{"en_us":{"content":[
{{- range $i, $a := .Alerts -}}
{{ if $i }},[{"tag":"text","text":""}],{{ end -}}
[{"tag":"text","text":"{{ template "nm.feishu.escaped.message" $a }}"}]
{{- range $a.Labels.SortedPairs -}}
,[{"tag":"text","text":"  {{ escape (translate .Name) }}: {{ escape .Value }}"}]
{{- end -}}
{{- range $a.Annotations.SortedPairs.Filter "runbook_url" "message" "summary" "summary_cn" "summaryCn" -}}
,[{"tag":"text","text":"  {{ escape (translate .Name) }}: {{ escape .Value }}"}]
{{- end -}}
{{- end -}}
]}}
{{- end }}

{{/* nm.default.text, JSON-escaped (to embed in a JSON string). */}}
{{ define "nm.feishu.message" -}}
{{ range $i, $a := .Alerts -}}
{{ if $i }}\n\n{{ end -}}
{{ template "nm.feishu.escaped.message" $a }}
{{- range $a.Labels.SortedPairs }}\n  {{ escape (translate .Name) }}: {{ escape .Value }}{{ end }}
{{- range $a.Annotations.SortedPairs.Filter "runbook_url" "message" "summary" "summary_cn" "summaryCn" }}\n  {{ escape (translate .Name) }}: {{ escape .Value }}{{ end }}
{{- end }}
{{- end }}

{{ define "nm.feishu.text" }}{{ template "nm.default.text" . }}{{ end }}

{{/* HTML email bodies: every value HTML-escaped. */}}
{{ define "nm.html.message" -}}
{{ $m := message . }}{{ if not $m }}{{ $m = .Labels.alertname }}{{ end -}}
[{{ translate .Status | html }}] {{ html $m }}
{{- end }}

{{ define "nm.html.subject" -}}
{{ if eq (len .Alerts) 1 -}}
{{ range .Alerts }}{{ template "nm.html.message" . }}{{ end -}}
{{ else -}}
{{ len .Alerts }} {{ with .Status }}{{ translate . | html }} {{ end }}{{ translate "alerts" | html }}
{{- with .GroupLabels.SortedPairs }} {{ translate "for" | html }}
{{- range . }} {{ translate .Name | html }}={{ html .Value }}{{ end }}
{{- end }}
{{- end }}
{{- end }}

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
