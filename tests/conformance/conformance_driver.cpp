// Differential test driver: renders every case with our engine and compares with the Go
// oracle's JSON-lines results (identical output, or identical error class and message).
#include <rapidjson/document.h>

#include <fstream>
#include <iostream>
#include <map>
#include <string>

#include "case_file.h"
#include "render/functions.h"
#include "render/template_data.h"
#include "template/html_escape.h"
#include "template/json_value.h"
#include "template/template.h"
#include "test_model.h"

using namespace nm::tmpl;
using namespace nm::tmpl::conformance;

namespace {

struct Outcome {
  bool ok = false;
  std::string out, cls, err;
};

// The render module's functions plus the test helper parseTime (mirrors oracle/nm_funcs.go).
const FuncMap& nmFuncs() {
  static const FuncMap m = [] {
    FuncMap m = nm::render::templateFuncs();
    Function parseTime;
    parseTime.params = {Param::String};
    parseTime.fn = [](Context& c, const Value&, std::span<const Value> a) {
      auto t = nm::parseRfc3339(a[0].s());
      if (!t) return CallResult::fail("parsing time: bad input");
      return CallResult::ok(
          nm::render::timeValue(c.arena(), nm::render::GoTime::fromTimePoint(*t)));
    };
    m["parseTime"] = parseTime;
    return m;
  }();
  return m;
}

Outcome runCase(const Case& c) {
  Outcome r;
  TemplateSet t("main");
  auto opt = [&](const char* k) -> std::string {
    auto it = c.opts.find(k);
    return it == c.opts.end() ? "" : it->second;
  };
  if (opt("funcs") == "nm") {
    t.funcs(nmFuncs());
  } else if (opt("funcs") != "none") {
    t.funcs(stubFuncs());
  }
  if (!opt("missingkey").empty()) t.option("missingkey=" + opt("missingkey"));
  std::string err;
  if (!t.parse(c.main, &err)) return {false, "", "parse", err};
  for (const auto& [name, text] : c.extra)
    if (!t.parseNamed(name, text, &err)) return {false, "", "parse", err};
  Arena arena;
  Value data;
  if (c.hasData && c.data.find_first_not_of(" \t\n") != std::string::npos) {
    if (!jsonToValue(c.data, arena, data, err)) return {false, "", "data", err};
  }
  if (opt("model") == "nm") data = toModel(arena, data);
  if (opt("model") == "kv") data = toKV(arena, data);
  // translate uses the English pack, as the oracle's.
  nm::render::LanguageScope language(nm::render::LanguagePacks::builtin().find("English"),
                                     "English");
  if (opt("html") == "1") {
    HtmlTemplateSet h(t);
    bool ok = c.opts.count("exec") ? h.executeTemplate(r.out, opt("exec"), data, &err)
                                   : h.execute(r.out, data, &err);
    if (!ok) {
      // Escaper errors are Go's *html/template.Error; lookups fail with plain errors.
      bool escape = err.rfind("html/template:", 0) == 0 &&
                    err.find(" is undefined") == std::string::npos &&
                    err.find(" is an incomplete template") == std::string::npos;
      return {false, "", escape ? "escape" : "exec", err};
    }
    r.ok = true;
    return r;
  }
  bool ok = c.opts.count("exec") ? t.executeTemplate(r.out, opt("exec"), data, &err)
                                 : t.execute(r.out, data, &err);
  if (!ok) return {false, "", "exec", err};
  r.ok = true;
  return r;
}

std::string show(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '\n')
      o += "\\n";
    else
      o += c;
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: template_conformance ORACLE_RESULTS.jsonl CASEFILE...\n";
    return 2;
  }
  std::map<std::string, Outcome> expected;
  {
    std::ifstream in(argv[1]);
    if (!in) {
      std::cerr << "cannot open oracle results " << argv[1] << "\n";
      return 2;
    }
    std::string line;
    while (std::getline(in, line)) {
      rapidjson::Document d;
      d.Parse(line.c_str(), line.size());
      if (d.HasParseError() || !d.IsObject()) continue;
      Outcome o;
      o.ok = d.HasMember("ok") && d["ok"].GetBool();
      if (d.HasMember("out")) o.out.assign(d["out"].GetString(), d["out"].GetStringLength());
      if (d.HasMember("class")) o.cls = d["class"].GetString();
      if (d.HasMember("err")) o.err.assign(d["err"].GetString(), d["err"].GetStringLength());
      expected[d["name"].GetString()] = o;
    }
  }
  int total = 0, failed = 0, msgOnly = 0;
  for (int i = 2; i < argc; ++i) {
    std::vector<Case> cases;
    std::string err;
    if (!readCases(argv[i], cases, err)) {
      std::cerr << err << "\n";
      return 2;
    }
    for (const auto& c : cases) {
      ++total;
      auto it = expected.find(c.name);
      if (it == expected.end()) {
        std::cout << "MISSING oracle result for " << c.name << "\n";
        ++failed;
        continue;
      }
      const Outcome& want = it->second;
      Outcome got = runCase(c);
      bool loose = c.opts.count("loosemsg") > 0;
      if (want.ok != got.ok || (want.ok && want.out != got.out) ||
          (!want.ok && want.cls != got.cls)) {
        ++failed;
        std::cout << "FAIL " << c.name
                  << "\n  go:  " << (want.ok ? "out=" + show(want.out) : want.cls + ": " + want.err)
                  << "\n  c++: " << (got.ok ? "out=" + show(got.out) : got.cls + ": " + got.err)
                  << "\n";
      } else if (!want.ok && want.err != got.err) {
        if (loose) {
          ++msgOnly;
        } else {
          ++failed;
          std::cout << "FAIL(message) " << c.name << "\n  go:  " << want.err
                    << "\n  c++: " << got.err << "\n";
        }
      }
    }
  }
  std::cout << total << " cases, " << (total - failed) << " passed, " << failed << " failed";
  if (msgOnly) std::cout << " (" << msgOnly << " loosemsg cases differ only in message)";
  std::cout << "\n";
  return failed == 0 && total > 0 ? 0 : 1;
}
