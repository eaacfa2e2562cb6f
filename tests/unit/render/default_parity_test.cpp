// The built-in text, markdown and subject defaults against the reference's default set: every
// name × fixture × language renders the expected text (nm.feishu.post: the same JSON).
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "default_parity_fixtures.h"

using namespace nm;
using namespace nm::render;
using namespace nm::render::testing;

namespace {

struct Golden {
  const char* fixture;
  const char* language;
  const char* name;
  const char* expected;
};

const Golden kGoldens[] = {
#include "default_parity_goldens.inc"
};

bool takesAlert(const std::string& name) {
  return name == "nm.default.message" || name == "nm.default.message.cn" ||
         name == "nm.feishu.message";
}

}  // namespace

TEST(DefaultParity, EveryNameFixtureAndLanguage) {
  const auto fixtures = parityFixtures();
  const auto en = rendererFor("English");
  const auto zh = rendererFor("zh-cn");
  size_t checked = 0;
  for (const Golden& g : kGoldens) {
    const std::string name = g.name;
    const std::string what = std::string(g.fixture) + " " + g.language + " " + name;
    const Renderer& r = std::string(g.language) == "zh-cn" ? *zh : *en;
    const std::string text =
        takesAlert(name) ? "{{ range .Alerts }}{{ template \"" + name + "\" . }}|{{ end }}" : name;
    const std::string out = renderWith(r, text, fixtures.at(g.fixture));
    if (name == "nm.feishu.post") {
      rapidjson::Document got, want;
      got.Parse(out.c_str(), out.size());
      want.Parse(g.expected);
      ASSERT_FALSE(got.HasParseError()) << what << "\n" << out;
      EXPECT_TRUE(got == want) << what << "\n" << out;
    } else {
      EXPECT_EQ(out, g.expected) << what;
    }
    ++checked;
  }
  EXPECT_EQ(checked, 8u * 2u * 9u);
}
