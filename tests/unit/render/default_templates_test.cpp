// The built-in template set rendered for a 1-alert and a 3-alert group in English and zh-cn
// (golden strings), Feishu post validity as JSON, and every define rendering without error.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "render/default_templates.h"
#include "render_fixtures.h"

using namespace nm;
using namespace nm::render;
using namespace nm::render::testing;

namespace {

const char* kTextOneEn =
    "[FIRING] Pod demo/web-1 restarts\n"
    "  alertname: KubePodCrashLooping\n"
    "  namespace: demo\n"
    "  pod: web-1\n"
    "  receiver: team-a\n"
    "  severity: warning\n"
    "  description: restarts often";

const char* kTextOneZh =
    "[触发中] 容器组崩溃循环\n"
    "  告警名称: KubePodCrashLooping\n"
    "  项目: demo\n"
    "  容器组: web-1\n"
    "  receiver: team-a\n"
    "  告警级别: warning\n"
    "  description: restarts often";

}  // namespace

TEST(DefaultTemplates, TextOneAlertEnglishAndChinese) {
  EXPECT_EQ(renderWith(*rendererFor("English"), "nm.default.text", oneAlert()), kTextOneEn);
  EXPECT_EQ(renderWith(*rendererFor("zh-cn"), "nm.default.text", oneAlert()), kTextOneZh);
}

TEST(DefaultTemplates, TextThreeAlertsSeparatedByBlankLines) {
  const std::string out = renderWith(*rendererFor("English"), "nm.default.text", threeAlerts());
  EXPECT_EQ(out.substr(0, std::string(kTextOneEn).size()), kTextOneEn);
  EXPECT_NE(out.find("description: restarts often\n\n[FIRING] Pod demo/web-2 restarts\n"),
            std::string::npos);
  EXPECT_EQ(out.substr(out.size() - 29), "  description: restarts often");
  EXPECT_EQ(out.find("rule_id"), std::string::npos);
  EXPECT_EQ(out.find("runbook"), std::string::npos);
  EXPECT_EQ(out.find("summary"), std::string::npos);
}

TEST(DefaultTemplates, Subject) {
  auto en = rendererFor("English");
  auto zh = rendererFor("zh-cn");
  EXPECT_EQ(renderWith(*en, "nm.default.subject", oneAlert()), "[FIRING] Pod demo/web-1 restarts");
  EXPECT_EQ(renderWith(*en, "nm.default.subject", threeAlerts()),
            "3 firing alerts for alertname=KubePodCrashLooping namespace=demo");
  EXPECT_EQ(renderWith(*zh, "nm.default.subject", oneAlert()), "[触发中] 容器组崩溃循环");
  EXPECT_EQ(renderWith(*zh, "nm.default.subject", threeAlerts()),
            "3 firing alerts for 告警名称=KubePodCrashLooping 项目=demo");
  Data mixed = threeAlerts();
  mixed.alerts[1] = podAlert("web-2", "x", AlertStatus::Resolved);
  EXPECT_EQ(renderWith(*en, "nm.default.subject", mixed),
            "3 alerts for alertname=KubePodCrashLooping namespace=demo");
}

TEST(DefaultTemplates, NmSubject) {
  auto en = rendererFor("English");
  EXPECT_EQ(renderWith(*en, "nm.subject", oneAlert()),
            "[FIRING] | severity=warning | alertname=KubePodCrashLooping | namespace=demo | "
            "pod=web-1");
  EXPECT_EQ(renderWith(*en, "nm.subject", threeAlerts()),
            "[FIRING] | severity=warning | alertname=KubePodCrashLooping | namespace=demo");
  EXPECT_EQ(renderWith(*rendererFor("zh-cn"), "nm.subject", threeAlerts()),
            "[FIRING] | severity=warning | alertname=KubePodCrashLooping | namespace=demo");
}

TEST(DefaultTemplates, Markdown) {
  const std::string out = renderWith(*rendererFor("English"), "nm.default.markdown", threeAlerts());
  EXPECT_EQ(out.substr(0, 79),
            "### [FIRING] Pod demo/web-1 restarts\n- alertname: KubePodCrashLooping\n- namespa");
  EXPECT_NE(out.find("\n\n### [FIRING] Pod demo/web-3 restarts\n- alertname"), std::string::npos);
  const std::string zh = renderWith(*rendererFor("zh-cn"), "nm.default.markdown", oneAlert());
  EXPECT_EQ(zh.substr(0, zh.find('\n')), "### [触发中] 容器组崩溃循环");
  EXPECT_NE(zh.find("- 容器组: web-1"), std::string::npos);
}

TEST(DefaultTemplates, MessageMayBeEmptyButHtmlHeadingNamesTheAlert) {
  Data d = makeData({makeAlert({{"alertname", "NoText"}}, {})}, {});
  auto en = rendererFor("English");
  EXPECT_EQ(
      renderWith(*en, "{{ range .Alerts }}{{ template \"nm.default.message\" . }}|{{ end }}", d),
      "[FIRING] |");
  EXPECT_EQ(renderWith(*en, "nm.default.subject", d), "[FIRING]");
  EXPECT_NE(renderWith(*en, "nm.html", d).find("<title>[FIRING] NoText</title>"),
            std::string::npos);
}

TEST(DefaultTemplates, FeishuPostIsValidJsonWhateverTheText) {
  Data d = makeData({makeAlert({{"alertname", "Quote\"Back\\slash"}, {"x", "<tag>&\x01"}},
                               {{"message", "line1\nline2\t\"q\" \xff bad utf8 \u2028"}}),
                     podAlert("web-2", "ok")},
                    {{"alertname", "x"}});
  for (auto lang : {"English", "zh-cn"}) {
    const std::string out = renderWith(*rendererFor(lang), "nm.feishu.post", d);
    rapidjson::Document doc;
    doc.Parse(out.c_str(), out.size());
    ASSERT_FALSE(doc.HasParseError()) << out;
    const auto& content = doc["en_us"]["content"];
    ASSERT_TRUE(content.IsArray());
    EXPECT_EQ(std::string(content[0][0]["text"].GetString()),
              std::string(lang == std::string("English") ? "[FIRING] " : "[触发中] ") +
                  "line1\nline2\t\"q\" \xef\xbf\xbd bad utf8 \u2028");
    EXPECT_EQ(std::string(content[0][0]["tag"].GetString()), "text");
  }
}

TEST(DefaultTemplates, FeishuMessageIsOneAlertsLineJsonEscaped) {
  auto en = rendererFor("English");
  Data d = makeData({makeAlert({{"alertname", "A"}}, {{"message", "say \"hi\"\nnow"}})}, {});
  EXPECT_EQ(
      renderWith(*en, "{{ range .Alerts }}{{ template \"nm.feishu.message\" . }}{{ end }}", d),
      "[FIRING] say \\\"hi\\\"\\nnow");
  EXPECT_EQ(renderWith(*en, "nm.feishu.text", oneAlert()), kTextOneEn);
}

TEST(DefaultTemplates, HtmlEscapesValues) {
  Data d = makeData({makeAlert({{"alertname", "A<b>"}}, {{"message", "x & <y>"}})}, {});
  auto en = rendererFor("English");
  for (auto name : {"nm.default.html", "nm.html"}) {
    const std::string out = renderWith(*en, name, d);
    EXPECT_EQ(out.rfind("<!DOCTYPE html>", 0), 0u) << name;
    EXPECT_NE(out.find("[FIRING] x &amp; &lt;y&gt;"), std::string::npos) << out;
    EXPECT_NE(out.find("A&lt;b&gt;"), std::string::npos);
    EXPECT_EQ(out.find("<b>"), std::string::npos);
    EXPECT_EQ(out.substr(out.size() - 7), "</html>");
  }
  EXPECT_NE(renderWith(*en, "nm.html", d).find("<title>[FIRING] x &amp; &lt;y&gt;</title>"),
            std::string::npos);
}

TEST(DefaultTemplates, EveryDefineRendersBothGroupSizes) {
  for (auto lang : {"English", "zh-cn"}) {
    auto r = rendererFor(lang);
    for (const auto& name : r->templates().names()) {
      if (name == "nm" || name.rfind("nm.default.message", 0) == 0 || name == "nm.html.message" ||
          name == "nm.feishu.message")
        continue;  // take an Alert, not Data
      for (const Data& d : {oneAlert(), threeAlerts()}) {
        RenderResult res = r->render(name, d);
        EXPECT_TRUE(res.ok()) << name << ": " << res.error;
        EXPECT_FALSE(res.text.empty()) << name;
      }
    }
  }
}

TEST(DefaultTemplates, MagicJsonNames) {
  EXPECT_TRUE(isJsonDataTemplate("webhook.default.message"));
  EXPECT_TRUE(isJsonDataTemplate("nm.default.history"));
  EXPECT_FALSE(isJsonDataTemplate("nm.default.text"));
}
