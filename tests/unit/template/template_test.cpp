// Unit tests of the template engine's public API: parse/execute, options, overriding by
// parse-on-top and clone, user functions, limits, and concurrent execution of one set.
#include <gtest/gtest.h>

#include <thread>

#include "template/json_value.h"
#include "template/template.h"

using namespace nm::tmpl;

namespace {

std::string render(TemplateSet& t, std::string_view json, std::string* err = nullptr) {
  Arena a;
  Value v;
  std::string e;
  EXPECT_TRUE(jsonToValue(json, a, v, e)) << e;
  std::string out;
  if (!t.execute(out, v, err)) return "ERR";
  return out;
}

}  // namespace

TEST(Template, RendersFieldsRangeAndPrintf) {
  TemplateSet t("x");
  ASSERT_TRUE(t.parse(R"({{range $i, $e := .l}}{{$i}}:{{printf "%03d" $e}} {{end}}{{.s}})"));
  EXPECT_EQ(render(t, R"({"l":[1,2],"s":"ok"})"), "0:001 1:002 ok");
}

TEST(Template, ParseErrorHasGoFormat) {
  TemplateSet t("x");
  std::string err;
  EXPECT_FALSE(t.parse("a\n{{if}}", &err));
  EXPECT_EQ(err, "template: x:2: missing value for if");
}

TEST(Template, ExecErrorHasLocationAndContext) {
  TemplateSet t("x");
  ASSERT_TRUE(t.parse("ab {{.a.b}}"));
  std::string err;
  EXPECT_EQ(render(t, R"({"a":1})", &err), "ERR");
  EXPECT_EQ(
      err,
      "template: x:1:7: executing \"x\" at <.a.b>: can't evaluate field b in type interface {}");
}

TEST(Template, MissingKeyOptions) {
  TemplateSet t("x");
  ASSERT_TRUE(t.parse("[{{.nope}}]"));
  EXPECT_EQ(render(t, "{}"), "[<no value>]");
  ASSERT_TRUE(t.option("missingkey=error"));
  std::string err;
  EXPECT_EQ(render(t, "{}", &err), "ERR");
  EXPECT_NE(err.find("map has no entry for key \"nope\""), std::string::npos);
  EXPECT_FALSE(t.option("missingkey=bogus"));
}

TEST(Template, ParseOnTopOverridesAndCloneIsIndependent) {
  TemplateSet base("main");
  ASSERT_TRUE(base.parse(R"({{define "msg"}}base{{end}}{{template "msg"}})"));
  TemplateSet user = base.clone();
  ASSERT_TRUE(user.parseNamed("user", R"({{define "msg"}}user{{end}})"));
  EXPECT_EQ(render(base, "null"), "base");
  EXPECT_EQ(render(user, "null"), "user");
  // An empty body parsed on top keeps the main body (Go's AddParseTree rule).
  ASSERT_TRUE(user.parse("  {{/* nothing */}}  "));
  EXPECT_EQ(render(user, "null"), "user");
  EXPECT_TRUE(user.has("msg"));
  EXPECT_FALSE(user.has("nope"));
}

TEST(Template, ExecuteTemplateUnknownName) {
  TemplateSet t("main");
  ASSERT_TRUE(t.parse("x"));
  std::string out, err;
  EXPECT_FALSE(t.executeTemplate(out, "nope", Value(), &err));
  EXPECT_EQ(err, "template: no template \"nope\" associated with template \"main\"");
}

TEST(Template, UserFunctionsAndErrors) {
  TemplateSet t("f");
  FuncMap fm;
  Function up;
  up.params = {Param::String};
  up.fn = [](Context& c, const Value&, std::span<const Value> a) {
    std::string s(a[0].s());
    for (auto& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return CallResult::ok(c.arena().str(s));
  };
  Function bad;
  bad.fn = [](Context&, const Value&, std::span<const Value>) { return CallResult::fail("nope"); };
  fm["up"] = up;
  fm["bad"] = bad;
  t.funcs(fm);
  ASSERT_TRUE(t.parse("{{.s | up}}"));
  EXPECT_EQ(render(t, R"({"s":"abc"})"), "ABC");
  TemplateSet t2 = t.clone();
  ASSERT_TRUE(t2.parse("{{bad}}"));
  std::string err;
  EXPECT_EQ(render(t2, "{}", &err), "ERR");
  EXPECT_EQ(err, "template: f:1:2: executing \"f\" at <bad>: error calling bad: nope");
  std::string perr;
  TemplateSet t3("g");
  EXPECT_FALSE(t3.parse("{{up .}}", &perr));
  EXPECT_EQ(perr, "template: g:1: function \"up\" not defined");
}

TEST(Template, StepAndDepthLimitsStopRunawayTemplates) {
  TemplateSet t("r");
  ASSERT_TRUE(t.parse(R"({{define "loop"}}{{template "loop" .}}{{end}}{{template "loop" .}})"));
  std::string err;
  EXPECT_EQ(render(t, "1", &err), "ERR");
  EXPECT_NE(err.find("exceeded maximum template depth (1000)"), std::string::npos);
  TemplateSet s("s");
  s.options().maxSteps = 100;
  ASSERT_TRUE(s.parse("{{range .}}{{range $}}x{{end}}{{end}}"));
  EXPECT_EQ(render(s, "[1,2,3,4,5,6,7,8,9,10,11,12]", &err), "ERR");
  EXPECT_NE(err.find("exceeded maximum steps"), std::string::npos);
}

TEST(Template, OneParsedSetRendersConcurrently) {
  TemplateSet t("c");
  ASSERT_TRUE(t.parse(R"({{range .}}{{printf "%v-" .}}{{end}})"));
  Arena a;
  Value v;
  std::string e;
  ASSERT_TRUE(jsonToValue("[1,2.5,\"x\",true]", a, v, e));
  std::vector<std::thread> ts;
  std::atomic<int> bad{0};
  for (int i = 0; i < 4; ++i) {
    ts.emplace_back([&] {
      for (int k = 0; k < 200; ++k) {
        std::string out;
        if (!t.execute(out, v) || out != "1-2.5-x-true-") bad++;
      }
    });
  }
  for (auto& th : ts) th.join();
  EXPECT_EQ(bad.load(), 0);
}

TEST(Template, JsonNumbersMapToIntAndFloat64) {
  TemplateSet t("j");
  ASSERT_TRUE(t.parse(R"({{printf "%T %T %T %T" .a .b .c .d}})"));
  EXPECT_EQ(render(t, R"({"a":1,"b":1.0,"c":1e2,"d":-3})"), "int float64 float64 int");
}

TEST(Template, HostileNestingIsAParseErrorNotACrash) {
  TemplateSet t("n");
  std::string deep = "{{" + std::string(100000, '(') + "1" + std::string(100000, ')') + "}}";
  std::string err;
  EXPECT_FALSE(t.parse(deep, &err));
  EXPECT_NE(err.find("nesting too deep"), std::string::npos);
  std::string ifs;
  for (int i = 0; i < 5000; ++i) ifs += "{{if 1}}";
  EXPECT_FALSE(t.parse(ifs, &err));
}
