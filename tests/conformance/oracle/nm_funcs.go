// The Notification Manager and Alertmanager template functions written with Go's standard
// library, for cases with funcs=nm (the C++ side uses src/render/functions.cpp).
package main

import (
	htmltemplate "html/template"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var englishDict = map[string]string{"firing": "FIRING", "resolved": "RESOLVED"}

func humanizeSeconds(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Sprintf("%.4g", v)
	}
	if v == 0 {
		return fmt.Sprintf("%.4gs", v)
	}
	if math.Abs(v) >= 1 {
		sign := ""
		if v < 0 {
			sign = "-"
			v = -v
		}
		d := int64(v)
		s, m, h, days := d%60, (d/60)%60, (d/3600)%24, d/86400
		switch {
		case days != 0:
			return fmt.Sprintf("%s%dd %dh %dm %ds", sign, days, h, m, s)
		case h != 0:
			return fmt.Sprintf("%s%dh %dm %ds", sign, h, m, s)
		case m != 0:
			return fmt.Sprintf("%s%dm %ds", sign, m, s)
		}
		return fmt.Sprintf("%s%.4gs", sign, v)
	}
	prefix := ""
	for _, p := range []string{"m", "u", "n", "p", "f", "a", "z", "y"} {
		if math.Abs(v) >= 1 {
			break
		}
		prefix = p
		v *= 1000
	}
	return fmt.Sprintf("%.4g%ss", v, prefix)
}

func toFloat(i interface{}) (float64, error) {
	switch v := i.(type) {
	case float64:
		return v, nil
	case int:
		return float64(v), nil
	case string:
		return strconv.ParseFloat(v, 64)
	case time.Duration:
		return v.Seconds(), nil
	}
	return 0, fmt.Errorf("can't convert %T to float", i)
}

func nmFuncs() map[string]interface{} {
	return map[string]interface{}{
		"toUpper":   strings.ToUpper,
		"toLower":   strings.ToLower,
		"title":     strings.Title,
		"trimSpace": strings.TrimSpace,
		"join":      func(sep string, s []string) string { return strings.Join(s, sep) },
		"match":     regexp.MatchString,
		"reReplaceAll": func(pattern, repl, text string) string {
			return regexp.MustCompile(pattern).ReplaceAllString(text, repl)
		},
		"safeHtml":    func(s string) htmltemplate.HTML { return htmltemplate.HTML(s) },
		"safeUrl":     func(s string) htmltemplate.URL { return htmltemplate.URL(s) },
		"stringSlice": func(s ...string) []string { return s },
		"urlUnescape": url.QueryUnescape,
		"escape": func(s string) string {
			b, _ := json.Marshal(s)
			return string(b[1 : len(b)-1])
		},
		"translate": func(key string) string {
			if v, ok := englishDict[strings.ToLower(key)]; ok {
				return v
			}
			return key
		},
		"date": func(layout string, t time.Time) string { return t.Format(layout) },
		"tz": func(name string, t time.Time) (time.Time, error) {
			loc, err := time.LoadLocation(name)
			if err != nil {
				return time.Time{}, err
			}
			return t.In(loc), nil
		},
		"humanizeDuration": func(i interface{}) (string, error) {
			v, err := toFloat(i)
			if err != nil {
				return "", err
			}
			return humanizeSeconds(v), nil
		},
		"toJson": func(v interface{}) (string, error) {
			b, err := json.Marshal(v)
			if err != nil {
				return "", err
			}
			return string(b), nil
		},
		// Test helper (both sides): an RFC 3339 "Z" string as a time.Time.
		"parseTime": func(s string) (time.Time, error) { return time.Parse(time.RFC3339Nano, s) },
	}
}
