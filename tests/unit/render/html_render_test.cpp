// Renderer::renderHtml: the built-in email body in HTML mode escapes alert data, the escaped
// set is cached per Renderer, and escaping errors are reported like render()'s errors.
#include <gtest/gtest.h>

#include "render_fixtures.h"

using namespace nm;
using namespace nm::render;
using namespace nm::render::testing;

TEST(RendererHtml, DefaultHtmlBodyEscapesData) {
  auto r = Renderer::builtin();
  Data d = oneAlert();
  RenderResult text = r->render("nm.default.html", d);
  RenderResult html = r->renderHtml("nm.default.html", d);
  ASSERT_TRUE(html.ok()) << html.error;
  ASSERT_TRUE(text.ok()) << text.error;
  EXPECT_NE(html.text.find("<table"), std::string::npos);
  EXPECT_NE(html.text.find("web-1"), std::string::npos);
}

TEST(RendererHtml, InlineTextAndErrors) {
  auto r = rendererFor("English",
                       "{{ define \"x.html\" }}<a href=\"{{ .CommonLabels.pod }}\">"
                       "{{ .CommonLabels.pod }}</a>{{ end }}"
                       "{{ define \"bad.html\" }}{{ if .Alerts }}<a href=\"{{ end }}{{ end }}");
  ASSERT_TRUE(r);
  Data d = oneAlert();
  RenderResult ok = r->renderHtml("x.html", d);
  ASSERT_TRUE(ok.ok()) << ok.error;
  EXPECT_EQ(ok.text, "<a href=\"web-1\">web-1</a>");
  RenderResult bad = r->renderHtml("bad.html", d);
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.error.find("branches end in different contexts"), std::string::npos);
  RenderResult inline1 = r->renderHtml("<p>{{ template \"x.html\" . }}</p>", d);
  ASSERT_TRUE(inline1.ok()) << inline1.error;
  EXPECT_EQ(inline1.text, "<p><a href=\"web-1\">web-1</a></p>");
}

TEST(RendererHtml, DataModelObjectsInScriptAreTheirJson) {
  // Go's html/template writes a value in a JavaScript context with json.Marshal; the data
  // model's objects marshal as toJson writes them (with </script> and <!-- kept out).
  auto r = rendererFor("English",
                       "{{ define \"js\" }}<script>var a = {{ index .Alerts 0 }};"
                       " var t = {{ (index .Alerts 0).StartsAt }};</script>{{ end }}"
                       "{{ define \"json\" }}{{ toJson (index .Alerts 0) }}|"
                       "{{ toJson (index .Alerts 0).StartsAt }}{{ end }}");
  ASSERT_TRUE(r);
  Data d = oneAlert();
  RenderResult js = r->renderHtml("js", d);
  ASSERT_TRUE(js.ok()) << js.error;
  RenderResult json = r->render("json", d);
  ASSERT_TRUE(json.ok()) << json.error;
  // notificationTime is the time of each render: compare without it.
  auto withoutNow = [](std::string s) {
    auto p = s.find("\"notificationTime\":\"");
    if (p != std::string::npos) s.erase(p, s.find('"', p + 20) + 1 - p);
    return s;
  };
  const std::string alertJson = withoutNow(json.text.substr(0, json.text.find('|')));
  const std::string timeJson = json.text.substr(json.text.find('|') + 1);
  EXPECT_NE(alertJson.find("\"labels\":{"), std::string::npos) << alertJson;
  EXPECT_EQ(withoutNow(js.text),
            "<script>var a = " + alertJson + "; var t = " + timeJson + ";</script>");
}
