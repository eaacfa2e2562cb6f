// Stub functions and the small data model (KV, Pairs, Alert, Alerts, Data) shared with the C++
// driver, so cases exercise FuncMap calls and methods with arguments.
package main

import (
	htmltemplate "html/template"
	"errors"
	"sort"
	"strings"
)

func stubFuncs() map[string]interface{} {
	return map[string]interface{}{
		"toUpper":   strings.ToUpper,
		"toLower":   strings.ToLower,
		"trimSpace": strings.TrimSpace,
		"join":      func(sep string, s []string) string { return strings.Join(s, sep) },
		"split":     func(s, sep string) []string { return strings.Split(s, sep) },
		"replace":   func(s, old, new string) string { return strings.ReplaceAll(s, old, new) },
		"repeat":    func(s string, n int) string { return strings.Repeat(s, n) },
		"add":       func(a, b int) int { return a + b },
		"mulf":      func(a, b float64) float64 { return a * b },
		"isTrue":    func(b bool) string { if b { return "yes" }; return "no" },
		"fail":      func(s string) (string, error) { return "", errors.New(s) },
		"safeHtml":  func(s string) htmltemplate.HTML { return htmltemplate.HTML(s) },
		"stringSlice": func(s ...string) []string { return s },
		"kindOf": func(v interface{}) string {
			switch v.(type) {
			case nil:
				return "nil"
			case string:
				return "string"
			case int:
				return "int"
			case float64:
				return "float64"
			case bool:
				return "bool"
			case []interface{}:
				return "list"
			case map[string]interface{}:
				return "map"
			}
			return "other"
		},
	}
}

type KV map[string]string

type Pair struct {
	Name  string
	Value string
}

type Pairs []Pair

func (kv KV) SortedPairs() Pairs {
	var ps Pairs
	var keys []string
	for k := range kv {
		if k == "alertname" || k == "rule_id" {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if v, ok := kv["alertname"]; ok {
		ps = append(ps, Pair{"alertname", v})
	}
	for _, k := range keys {
		ps = append(ps, Pair{k, kv[k]})
	}
	return ps
}

func (kv KV) Names() []string {
	var s []string
	for _, p := range kv.SortedPairs() {
		s = append(s, p.Name)
	}
	return s
}

func (kv KV) Values() []string {
	var s []string
	for _, p := range kv.SortedPairs() {
		s = append(s, p.Value)
	}
	return s
}

func (kv KV) Remove(keys []string) KV {
	out := KV{}
	for k, v := range kv {
		out[k] = v
	}
	for _, k := range keys {
		delete(out, k)
	}
	return out
}

func (ps Pairs) Names() []string {
	var s []string
	for _, p := range ps {
		s = append(s, p.Name)
	}
	return s
}

func (ps Pairs) Values() []string {
	var s []string
	for _, p := range ps {
		s = append(s, p.Value)
	}
	return s
}

func (ps Pairs) Filter(keys ...string) Pairs {
	var out Pairs
	for _, p := range ps {
		skip := false
		for _, k := range keys {
			if p.Name == k {
				skip = true
			}
		}
		if !skip {
			out = append(out, p)
		}
	}
	return out
}

type Alert struct {
	Status      string
	Labels      KV
	Annotations KV
	StartsAt    string
	EndsAt      string
}

func (a *Alert) Message() string {
	for _, k := range []string{"message", "summary", "summaryCn"} {
		if v := a.Annotations[k]; v != "" {
			return v
		}
	}
	return ""
}

func (a *Alert) MessageCN() string {
	for _, k := range []string{"summaryCn", "message", "summary"} {
		if v := a.Annotations[k]; v != "" {
			return v
		}
	}
	return ""
}

type Alerts []*Alert

func (as Alerts) Firing() Alerts {
	out := Alerts{}
	for _, a := range as {
		if a.Status == "firing" {
			out = append(out, a)
		}
	}
	return out
}

func (as Alerts) Resolved() Alerts {
	out := Alerts{}
	for _, a := range as {
		if a.Status == "resolved" {
			out = append(out, a)
		}
	}
	return out
}

type Data struct {
	Receiver          string
	Alerts            Alerts
	GroupLabels       KV
	CommonLabels      KV
	CommonAnnotations KV
}

func (d *Data) Status() string {
	if len(d.Alerts.Resolved()) == 0 {
		return "firing"
	}
	if len(d.Alerts.Firing()) == 0 {
		return "resolved"
	}
	return ""
}

func toKV(v interface{}) KV {
	kv := KV{}
	if m, ok := v.(map[string]interface{}); ok {
		for k, x := range m {
			if s, ok := x.(string); ok {
				kv[k] = s
			}
		}
	}
	return kv
}

func str(v interface{}) string {
	s, _ := v.(string)
	return s
}

func toModel(v interface{}) *Data {
	m, _ := v.(map[string]interface{})
	d := &Data{
		Receiver:          str(m["receiver"]),
		GroupLabels:       toKV(m["groupLabels"]),
		CommonLabels:      toKV(m["commonLabels"]),
		CommonAnnotations: toKV(m["commonAnnotations"]),
		Alerts:            Alerts{},
	}
	list, _ := m["alerts"].([]interface{})
	for _, x := range list {
		am, _ := x.(map[string]interface{})
		d.Alerts = append(d.Alerts, &Alert{
			Status:      str(am["status"]),
			Labels:      toKV(am["labels"]),
			Annotations: toKV(am["annotations"]),
			StartsAt:    str(am["startsAt"]),
			EndsAt:      str(am["endsAt"]),
		})
	}
	return d
}
