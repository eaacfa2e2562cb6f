// Go side of the template benchmark: the same template, data and ~200-line set as
// bench/micro/template_bench.cpp, timed with testing.Benchmark. Stdlib only.
package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"text/template"
)

const text = `{{ define "nm.default.message" }}[{{ .status | toUpper }}] {{ or .annotations.message .annotations.summary }}{{ end }}
{{ define "nm.default.text" }}{{ range .alerts }}{{ template "nm.default.message" . }}
{{ range $k, $v := .labels }}{{ if ne $k "rule_id" }}  {{ $k }}: {{ $v }}
{{ end }}{{ end }}{{ range $k, $v := .annotations }}{{ if and (ne $k "message") (ne $k "summary") (ne $k "runbook_url") }}  {{ $k }}: {{ $v }}
{{ end }}{{ end }}{{ end }}{{ end }}`

func groupJSON(n int) string {
	var b strings.Builder
	b.WriteString(`{"status":"firing","alerts":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		k := strconv.Itoa(i)
		b.WriteString(`{"status":"firing","labels":{"alertname":"KubePodCrashLooping","cluster":"prod",` +
			`"namespace":"kube-system","pod":"coredns-` + k +
			`","container":"coredns","severity":"critical","rule_id":"r` + k +
			`"},"annotations":{"message":"Pod kube-system/coredns-` + k +
			` is restarting 3 times / 5 minutes.","summary":"Pod is crash looping",` +
			`"runbook_url":"http://runbook/crashloop","description":"container restarted"}}`)
	}
	b.WriteString("]}")
	return b.String()
}

func bigSet() string {
	var out strings.Builder
	for i := 0; i < 20; i++ {
		t := text
		for _, from := range []string{"nm.default.message", "nm.default.text"} {
			t = strings.ReplaceAll(t, from, from+strconv.Itoa(i))
		}
		out.WriteString(t + "\n{{/* set " + strconv.Itoa(i) + " */}}\n")
		for l := 0; l < 4; l++ {
			out.WriteString(`{{ define "line` + strconv.Itoa(i*4+l) + `" }}{{ printf "%s=%v" .a .b }}` + "\n{{ end }}\n")
		}
	}
	return out.String()
}

var funcs = template.FuncMap{"toUpper": strings.ToUpper}

func main() {
	t := template.Must(template.New("bench").Funcs(funcs).Option("missingkey=zero").Parse(text))
	var data interface{}
	d := json.NewDecoder(strings.NewReader(groupJSON(10)))
	d.UseNumber()
	if err := d.Decode(&data); err != nil {
		panic(err)
	}
	var sb strings.Builder
	if err := t.ExecuteTemplate(&sb, "nm.default.text", data); err != nil {
		panic(err)
	}
	size := sb.Len()
	render := testing.Benchmark(func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			sb.Reset()
			if err := t.ExecuteTemplate(&sb, "nm.default.text", data); err != nil {
				b.Fatal(err)
			}
		}
	})
	set := bigSet()
	parse := testing.Benchmark(func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := template.New("set").Funcs(funcs).Parse(set); err != nil {
				b.Fatal(err)
			}
		}
	})
	fmt.Printf("GoRenderDefaultText10 %d ns/op (%d bytes)\n", render.NsPerOp(), size)
	fmt.Printf("GoParseSet200Lines %d ns/op (%d lines)\n", parse.NsPerOp(), strings.Count(set, "\n")+1)
}
