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
