// Conformance oracle: renders every case of the given case files with Go's text/template and
// prints one JSON line per case (output, or error class and message). Stdlib only, offline.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	htmltemplate "html/template"
	"text/template"
)

// Case is one parsed case; the format is documented in docs/templates.md.
type Case struct {
	Name      string
	Opts      map[string]string
	Main      string
	Extra     [][2]string // (name, text) parsed as t.New(name).Parse(text), in order
	Data      string
	HasData   bool
}

type Result struct {
	Name  string `json:"name"`
	OK    bool   `json:"ok"`
	Out   string `json:"out,omitempty"`
	Class string `json:"class,omitempty"`
	Err   string `json:"err,omitempty"`
}

func parseCases(path string) ([]*Case, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var cases []*Case
	var cur *Case
	var section *[]string
	var lines []string
	flush := func() {
		if cur == nil || section == nil {
			return
		}
		*section = append([]string(nil), lines...)
		lines = nil
	}
	var mainL, dataL []string
	var extraL [][]string
	var extraN []string
	finish := func() {
		flush()
		if cur == nil {
			return
		}
		cur.Main = strings.Join(mainL, "\n")
		if dataL != nil {
			cur.Data = strings.Join(dataL, "\n")
			cur.HasData = true
		}
		for i := range extraL {
			cur.Extra = append(cur.Extra, [2]string{extraN[i], strings.Join(extraL[i], "\n")})
		}
		cases = append(cases, cur)
		cur, section, mainL, dataL, extraL, extraN = nil, nil, nil, nil, nil, nil
	}
	defaultData := ""
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "@@data "):
			finish()
			defaultData = strings.TrimPrefix(line, "@@data ")
		case strings.HasPrefix(line, "@ "):
			finish()
			parts := strings.SplitN(line[2:], " :: ", 3)
			c := &Case{Opts: map[string]string{}}
			head := strings.Fields(parts[0])
			c.Name = head[0]
			for _, o := range head[1:] {
				kv := strings.SplitN(o, "=", 2)
				if len(kv) == 2 {
					c.Opts[kv[0]] = kv[1]
				}
			}
			if len(parts) > 1 {
				c.Main = unescapeLine(parts[1])
			}
			if len(parts) > 2 {
				c.Data, c.HasData = parts[2], true
			} else if defaultData != "" {
				c.Data, c.HasData = defaultData, true
			}
			cases = append(cases, c)
		case strings.HasPrefix(line, "### "):
			finish()
			head := strings.Fields(line[4:])
			cur = &Case{Name: head[0], Opts: map[string]string{}}
			for _, o := range head[1:] {
				kv := strings.SplitN(o, "=", 2)
				if len(kv) == 2 {
					cur.Opts[kv[0]] = kv[1]
				}
			}
			section = &mainL
		case cur != nil && line == "--- data":
			flush()
			section = &dataL
			dataL = []string{}
		case cur != nil && strings.HasPrefix(line, "--- tmpl "):
			flush()
			extraN = append(extraN, strings.TrimPrefix(line, "--- tmpl "))
			extraL = append(extraL, nil)
			section = &extraL[len(extraL)-1]
		case cur != nil && line == "--- end":
			finish()
		case cur != nil:
			lines = append(lines, line)
		}
	}
	finish()
	return cases, sc.Err()
}

// unescapeLine turns \n and \t and \\ in one-line cases into the characters.
func unescapeLine(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			switch s[i+1] {
			case 'n':
				b.WriteByte('\n')
				i++
				continue
			case 't':
				b.WriteByte('\t')
				i++
				continue
			case '\\':
				b.WriteByte('\\')
				i++
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// convert maps JSON numbers: integers that fit int64 → int, everything else → float64.
func convert(v interface{}) interface{} {
	switch x := v.(type) {
	case json.Number:
		s := string(x)
		if !strings.ContainsAny(s, ".eE") {
			if i, err := strconv.ParseInt(s, 10, 64); err == nil {
				return int(i)
			}
		}
		f, _ := strconv.ParseFloat(s, 64)
		return f
	case []interface{}:
		for i := range x {
			x[i] = convert(x[i])
		}
		return x
	case map[string]interface{}:
		for k := range x {
			x[k] = convert(x[k])
		}
		return x
	}
	return v
}

func decode(s string) (interface{}, error) {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v interface{}
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return convert(v), nil
}

// runHTML renders a case with html/template (option html=1): contextual autoescaping. Errors
// of the escaper (*html/template.Error) are class "escape".
func runHTML(c *Case) Result {
	r := Result{Name: c.Name}
	t := htmltemplate.New("main")
	if c.Opts["funcs"] == "nm" {
		t.Funcs(nmFuncs())
	} else if c.Opts["funcs"] != "none" {
		t.Funcs(stubFuncs())
	}
	if mk, ok := c.Opts["missingkey"]; ok {
		t.Option("missingkey=" + mk)
	}
	if _, err := t.Parse(c.Main); err != nil {
		return Result{Name: c.Name, Class: "parse", Err: err.Error()}
	}
	for _, e := range c.Extra {
		if _, err := t.New(e[0]).Parse(e[1]); err != nil {
			return Result{Name: c.Name, Class: "parse", Err: err.Error()}
		}
	}
	var data interface{}
	if c.HasData && strings.TrimSpace(c.Data) != "" {
		v, err := decode(c.Data)
		if err != nil {
			return Result{Name: c.Name, Class: "data", Err: err.Error()}
		}
		data = v
	}
	switch c.Opts["model"] {
	case "nm":
		data = toModel(data)
	case "kv":
		data = toKV(data)
	}
	var b strings.Builder
	var err error
	if name, ok := c.Opts["exec"]; ok {
		err = t.ExecuteTemplate(&b, name, data)
	} else {
		err = t.Execute(&b, data)
	}
	if err != nil {
		var he *htmltemplate.Error
		if errors.As(err, &he) {
			return Result{Name: c.Name, Class: "escape", Err: err.Error()}
		}
		return Result{Name: c.Name, Class: "exec", Err: err.Error()}
	}
	r.OK = true
	r.Out = b.String()
	return r
}

func run(c *Case) Result {
	if c.Opts["html"] == "1" {
		return runHTML(c)
	}
	r := Result{Name: c.Name}
	t := template.New("main")
	if c.Opts["funcs"] == "nm" {
		t.Funcs(nmFuncs())
	} else if c.Opts["funcs"] != "none" {
		t.Funcs(stubFuncs())
	}
	if mk, ok := c.Opts["missingkey"]; ok {
		t.Option("missingkey=" + mk)
	}
	if _, err := t.Parse(c.Main); err != nil {
		return Result{Name: c.Name, Class: "parse", Err: err.Error()}
	}
	for _, e := range c.Extra {
		if _, err := t.New(e[0]).Parse(e[1]); err != nil {
			return Result{Name: c.Name, Class: "parse", Err: err.Error()}
		}
	}
	var data interface{}
	if c.HasData && strings.TrimSpace(c.Data) != "" {
		v, err := decode(c.Data)
		if err != nil {
			return Result{Name: c.Name, Class: "data", Err: err.Error()}
		}
		data = v
	}
	switch c.Opts["model"] {
	case "nm":
		data = toModel(data)
	case "kv":
		data = toKV(data)
	}
	var b strings.Builder
	var err error
	if name, ok := c.Opts["exec"]; ok {
		err = t.ExecuteTemplate(&b, name, data)
	} else {
		err = t.Execute(&b, data)
	}
	if err != nil {
		var ee template.ExecError
		if errors.As(err, &ee) {
			return Result{Name: c.Name, Class: "exec", Err: err.Error()}
		}
		return Result{Name: c.Name, Class: "exec", Err: err.Error()}
	}
	r.OK = true
	r.Out = b.String()
	return r
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: oracle CASEFILE...")
		os.Exit(2)
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	names := map[string]bool{}
	for _, p := range os.Args[1:] {
		cases, err := parseCases(p)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		for _, c := range cases {
			if names[c.Name] {
				fmt.Fprintf(os.Stderr, "duplicate case name %q\n", c.Name)
				os.Exit(1)
			}
			names[c.Name] = true
			enc.Encode(run(c))
		}
	}
}

var _ = sort.Strings
