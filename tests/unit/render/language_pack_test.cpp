// Language packs: the reference YAML format, lowercased keys, merging over the built-ins, and
// parse errors naming the list index and field.
#include <gtest/gtest.h>

#include "render/language_pack.h"

using namespace nm::render;

TEST(LanguagePack, BuiltinEnglishAndChinese) {
  const auto& b = LanguagePacks::builtin();
  ASSERT_NE(b.find("English"), nullptr);
  EXPECT_EQ(translate(b.find("english"), "firing"), "FIRING");
  EXPECT_EQ(translate(b.find("English"), "Resolved"), "RESOLVED");
  ASSERT_NE(b.find("zh-cn"), nullptr);
  EXPECT_EQ(b.find("zh-cn")->size(), 31u);
  EXPECT_EQ(translate(b.find("zh-CN"), "Namespace"), "项目");
  EXPECT_EQ(translate(b.find("zh-cn"), "resolved"), "已解决");
  EXPECT_EQ(translate(b.find("zh-cn"), "requestReceivedTimestamp"), "请求接收时间");
  // As the reference's pack: annotation names and "receiver" stay as they are.
  EXPECT_EQ(translate(b.find("zh-cn"), "description"), "description");
  EXPECT_EQ(translate(b.find("zh-cn"), "receiver"), "receiver");
  EXPECT_EQ(translate(b.find("zh-cn"), "NotThere"), "NotThere");
  EXPECT_EQ(translate(nullptr, "firing"), "firing");
  EXPECT_EQ(b.find("fr"), nullptr);
}

TEST(LanguagePack, AddMissingKeepsConfiguredLanguagesAlone) {
  LanguagePacks p;
  std::string err;
  ASSERT_TRUE(p.merge("- name: zh-cn\n  dictionary: {team: 团队}\n", err)) << err;
  ASSERT_TRUE(p.merge("- name: zh-cn\n  dictionary: {firing: 告警中}\n", err)) << err;
  p.addMissing(LanguagePacks::builtin());
  EXPECT_EQ(p.find("zh-cn")->size(), 2u);  // configured packs of a language merge together
  EXPECT_EQ(translate(p.find("zh-cn"), "firing"), "告警中");
  EXPECT_EQ(translate(p.find("zh-cn"), "team"), "团队");
  EXPECT_EQ(translate(p.find("zh-cn"), "pod"), "pod");          // no built-in key mixed in
  EXPECT_EQ(translate(p.find("English"), "firing"), "FIRING");  // nobody configured English
}

TEST(LanguagePack, MergeLowercasesKeysAndOverridesBuiltins) {
  LanguagePacks p = LanguagePacks::builtin();
  std::string err;
  ASSERT_TRUE(
      p.merge("- name: zh-cn\n  dictionary: {Firing: 告警中, Team: 团队}\n"
              "- name: fr\n  dictionary:\n    firing: EN COURS\n",
              err))
      << err;
  EXPECT_EQ(translate(p.find("zh-cn"), "firing"), "告警中");
  EXPECT_EQ(translate(p.find("zh-cn"), "team"), "团队");
  EXPECT_EQ(translate(p.find("zh-cn"), "pod"), "容器组");
  EXPECT_EQ(translate(p.find("fr"), "FIRING"), "EN COURS");
}

TEST(LanguagePack, ParseErrors) {
  LanguagePacks p;
  std::string err;
  EXPECT_FALSE(p.merge("name: x", err));
  EXPECT_NE(err.find("expected a list"), std::string::npos);
  EXPECT_FALSE(p.merge("- dictionary: {a: b}", err));
  EXPECT_EQ(err, "[0].name: required string");
  EXPECT_FALSE(p.merge("- name: x\n  dictionary: [a]", err));
  EXPECT_EQ(err, "[0].dictionary: expected a map of strings");
  EXPECT_FALSE(p.merge("- name: x\n  dictionary: {a: {b: c}}", err));
  EXPECT_EQ(err, "[0].dictionary.a: expected a string");
  EXPECT_FALSE(p.merge("- name: x\n  dict: {}", err));
  EXPECT_EQ(err, "[0].dict: unknown field");
  EXPECT_FALSE(p.merge("- name: [unclosed", err));
  EXPECT_NE(err.find("invalid YAML"), std::string::npos);
  EXPECT_EQ(p.find("x"), nullptr);  // nothing merged on error
}
