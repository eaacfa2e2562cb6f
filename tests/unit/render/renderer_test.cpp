// The renderer facade: user templates over the built-ins, bare-name wrapping, template text,
// tmplText clones (cached, isolated), the priority chain, language selection, parse/exec errors
// with positions, and right-trimming.
#include <gtest/gtest.h>

#include <thread>

#include "render_fixtures.h"

using namespace nm;
using namespace nm::render;
using namespace nm::render::testing;

TEST(Renderer, BuiltinIsSharedAndEnglish) {
  auto a = Renderer::builtin();
  EXPECT_EQ(a, Renderer::builtin());
  EXPECT_EQ(a->language(), "English");
  EXPECT_EQ(renderWith(*a, "nm.default.subject", oneAlert()), "[FIRING] Pod demo/web-1 restarts");
}

TEST(Renderer, UserTemplatesOverrideAndExtendDefaults) {
  auto r = rendererFor("English",
                       "{{ define \"nm.default.message\" }}<{{ .Labels.pod }}>{{ end }}"
                       "{{ define \"my.tpl\" }}{{ len .Alerts }} alerts  \n\r\n{{ end }}");
  ASSERT_TRUE(r);
  EXPECT_EQ(renderWith(*r, "nm.default.subject", oneAlert()), "<web-1>");
  EXPECT_EQ(renderWith(*r, "my.tpl", threeAlerts()), "3 alerts");  // right-trimmed
  // The process-wide defaults are untouched.
  EXPECT_EQ(renderWith(*Renderer::builtin(), "nm.default.subject", oneAlert()),
            "[FIRING] Pod demo/web-1 restarts");
}

TEST(Renderer, BareNameIsWrappedAndTemplateTextParsed) {
  auto r = Renderer::builtin();
  RenderResult missing = r->render("no.such.template", oneAlert());
  EXPECT_FALSE(missing.ok());
  EXPECT_EQ(missing.error,
            "template: nm:1:12: executing \"nm\" at <{{template \"no.such.template\" .}}>: "
            "template \"no.such.template\" not defined");
  EXPECT_EQ(renderWith(*r, "Subject: {{ template \"nm.default.subject\" . }}!", oneAlert()),
            "Subject: [FIRING] Pod demo/web-1 restarts!");
  EXPECT_EQ(renderWith(*r, "{{- template \"nm.subject\" . }}", oneAlert()).substr(0, 8),
            "[FIRING]");
  EXPECT_TRUE(invokesTemplate("a {{template \"x\" .}}"));
  EXPECT_TRUE(invokesTemplate("{{- template `x` }}"));
  EXPECT_FALSE(invokesTemplate("{{ .templates }}"));
  EXPECT_FALSE(invokesTemplate("nm.default.text"));
}

TEST(Renderer, TmplTextIsParsedOnACachedClone) {
  auto base = rendererFor("English");
  std::string err;
  const std::string text = "{{ define \"nm.default.message\" }}R:{{ .Labels.pod }}{{ end }}";
  auto child = base->withTemplates(text, err);
  ASSERT_TRUE(child) << err;
  EXPECT_EQ(child, base->withTemplates(text, err));  // compiled once
  EXPECT_EQ(renderWith(*child, "nm.default.subject", oneAlert()), "R:web-1");
  EXPECT_EQ(renderWith(*base, "nm.default.subject", oneAlert()),
            "[FIRING] Pod demo/web-1 restarts");
  EXPECT_FALSE(base->withTemplates("{{ define \"x\" }}{{ if }}{{ end }}", err));
  EXPECT_EQ(err, "template: nm:1: missing value for if");
}

TEST(Renderer, BuildReportsEachFailingSource) {
  RendererOptions o;
  o.templates = {{"a", "{{ define \"ok\" }}x{{ end }}"}, {"b", "line1\n{{ end }}"}};
  o.languagePacks = {{"p", "- name: x\n  dictionary: [1]"}};
  std::vector<LoadError> errors;
  EXPECT_FALSE(Renderer::build(o, errors));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_TRUE(errors[0].languagePack);
  EXPECT_EQ(errors[0].message, "[0].dictionary: expected a map of strings");
  EXPECT_FALSE(errors[1].languagePack);
  EXPECT_EQ(errors[1].index, 1u);
  EXPECT_EQ(errors[1].message, "template: nm:2: unexpected {{end}}");
}

TEST(Renderer, LanguagePackAndLanguageSelectTranslations) {
  RendererOptions o;
  o.language = "de";
  o.languagePacks = {{"p", "- name: de\n  dictionary: {firing: AUSGELÖST, alerts: Alarme}"}};
  std::vector<LoadError> errors;
  auto r = Renderer::build(o, errors);
  ASSERT_TRUE(r);
  // The status and "alerts" of the subject are words, as in the reference; label names translate.
  EXPECT_EQ(renderWith(*r, "nm.default.subject", threeAlerts()),
            "3 firing alerts for alertname=KubePodCrashLooping namespace=demo");
  EXPECT_EQ(renderWith(*r, "nm.default.subject", oneAlert()),
            "[AUSGELÖST] Pod demo/web-1 restarts");
}

TEST(Renderer, ConfiguredPackReplacesTheBuiltinOfItsLanguage) {
  RendererOptions o;
  o.language = "zh-cn";
  o.languagePacks = {
      {"p", "- name: zh-cn\n  dictionary: {firing: 告警中}"},
      {"q", "- name: zh-cn\n  dictionary: {pod: 容器}\n- name: de\n  dictionary: {}"}};
  std::vector<LoadError> errors;
  auto zh = Renderer::build(o, errors);
  ASSERT_TRUE(zh);
  // Both configured zh-cn packs, nothing of the built-in zh-cn (namespace, alertname stay).
  EXPECT_EQ(renderWith(*zh, "nm.default.text", oneAlert()),
            "[告警中] 容器组崩溃循环\n"
            "  alertname: KubePodCrashLooping\n"
            "  namespace: demo\n"
            "  容器: web-1\n"
            "  receiver: team-a\n"
            "  severity: warning\n"
            "  description: restarts often");
  // English has no configured pack: the built-in one serves it.
  o.language = "English";
  auto en = Renderer::build(o, errors);
  ASSERT_TRUE(en);
  EXPECT_EQ(renderWith(*en, "nm.default.subject", oneAlert()), "[FIRING] Pod demo/web-1 restarts");
  // Without configured packs the built-in zh-cn serves zh-cn.
  EXPECT_EQ(renderWith(*rendererFor("zh-cn"), "nm.default.subject", oneAlert()),
            "[触发中] 容器组崩溃循环");
}

TEST(Renderer, ExecErrorNamesTemplateLineAndColumn) {
  auto r = rendererFor("English", "{{ define \"bad\" }}\n  {{ index .Alerts 7 }}{{ end }}");
  RenderResult res = r->render("bad", oneAlert());
  EXPECT_FALSE(res.ok());
  EXPECT_EQ(res.error,
            "template: nm:2:5: executing \"bad\" at <index .Alerts 7>: error calling index: index "
            "out of range: 7");
  EXPECT_TRUE(res.text.empty());
}

TEST(Renderer, PriorityChain) {
  EXPECT_EQ(chooseTemplate("nm.default.text", "", "", ""), "nm.default.text");
  EXPECT_EQ(chooseTemplate("nm.default.text", "g", "", ""), "g");
  EXPECT_EQ(chooseTemplate("nm.default.text", "g", "c", ""), "c");
  EXPECT_EQ(chooseTemplate("nm.default.text", "g", "c", "r"), "r");
  EXPECT_EQ(chooseTemplate("nm.default.text", "", "", "r"), "r");
}

TEST(Renderer, ConcurrentRendersWithDifferentLanguages) {
  auto en = rendererFor("English");
  auto zh = rendererFor("zh-cn");
  const Data d = oneAlert();
  std::vector<std::thread> ts;
  std::atomic<int> bad{0};
  for (int i = 0; i < 4; ++i) {
    ts.emplace_back([&, i] {
      for (int n = 0; n < 200; ++n) {
        const auto& r = i % 2 ? *zh : *en;
        const std::string out = renderWith(r, "nm.default.subject", d);
        if (out != (i % 2 ? "[触发中] 容器组崩溃循环" : "[FIRING] Pod demo/web-1 restarts")) ++bad;
      }
    });
  }
  for (auto& t : ts) t.join();
  EXPECT_EQ(bad.load(), 0);
}
