// libFuzzer target for HTML mode: parses arbitrary input, escapes it with Go html/template's
// contextual escaper and executes every template against data that carries the input too.
#include <cstddef>
#include <cstdint>
#include <string>

#include "template/html_escape.h"
#include "template/html_escapers.h"
#include "template/json_value.h"
#include "template/template.h"

namespace {

const nm::tmpl::Value& fixedData() {
  static nm::tmpl::Arena arena;
  static nm::tmpl::Value v = [] {
    nm::tmpl::Value out;
    std::string err;
    nm::tmpl::jsonToValue(R"({"s":"<b>x</b>","u":"javascript:x","i":42,"f":3.5,"b":true,)"
                          R"("n":null,"l":[1,"a",null,[2,3]],"m":{"a":1,"b":{"c":"d"}},"e":[]})",
                          arena, out, err);
    return out;
  }();
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // Every escaper on the raw input as a plain and as a trusted string.
  for (auto c : {nm::tmpl::Content::Plain, nm::tmpl::Content::HTML, nm::tmpl::Content::URL}) {
    using namespace nm::tmpl::html;
    (void)htmlEscaper(input, c), (void)attrEscaper(input, c), (void)htmlNospaceEscaper(input, c);
    (void)urlNormalizer(input, c), (void)urlEscaper(input, c), (void)srcsetEscaper(input, c);
    (void)jsStrEscaper(input, c), (void)jsRegexpEscaper(input, c), (void)cssEscaper(input, c);
    (void)cssValueFilter(input, c), (void)htmlNameFilter(input, c), (void)stripTags(input);
  }
  nm::tmpl::TemplateSet t("fuzz");
  t.options().maxSteps = 20000;
  t.options().maxDepth = 100;
  t.options().maxOutput = 1 << 20;
  std::string err;
  if (!t.parse(input, &err)) return 0;
  nm::tmpl::HtmlTemplateSet h(t);
  std::string out;
  h.execute(out, fixedData(), &err);
  for (const auto& name : t.names()) {
    out.clear();
    h.executeTemplate(out, name, fixedData(), &err);
  }
  return 0;
}
