// libFuzzer target for the template engine: parses arbitrary input and executes it against a
// fixed data value with step, depth and output limits, so every input terminates.
#include <cstddef>
#include <cstdint>
#include <string>

#include "template/json_value.h"
#include "template/template.h"

namespace {

const nm::tmpl::Value& fixedData() {
  static nm::tmpl::Arena arena;
  static nm::tmpl::Value v = [] {
    nm::tmpl::Value out;
    std::string err;
    nm::tmpl::jsonToValue(R"({"s":"hello","i":42,"f":3.5,"b":true,"n":null,"l":[1,"a",null,[2,3]],)"
                          R"("m":{"a":1,"b":{"c":"d"}},"e":[]})",
                          arena, out, err);
    return out;
  }();
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // The first byte picks the missingkey option so all three paths are explored.
  int mode = size ? data[0] % 3 : 0;
  nm::tmpl::TemplateSet t("fuzz");
  t.options().maxSteps = 20000;
  t.options().maxDepth = 100;
  t.options().maxOutput = 1 << 20;
  t.option(mode == 0 ? "missingkey=default" : mode == 1 ? "missingkey=zero" : "missingkey=error");
  std::string err;
  if (!t.parse(input, &err)) return 0;
  std::string out;
  t.execute(out, fixedData(), &err);
  for (const auto& name : t.names()) {
    out.clear();
    t.executeTemplate(out, name, fixedData(), &err);
  }
  return 0;
}
