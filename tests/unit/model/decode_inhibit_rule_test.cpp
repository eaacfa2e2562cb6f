// InhibitRule decoding: source, target (with Match), equal and enabled; every error names the
// file, document, InhibitRule and field path; the cache identity follows what the rule does.
#include <re2/re2.h>

#include <gtest/gtest.h>

#include "decode_test_util.h"

namespace nm::model::test {
namespace {

std::string rule(const std::string& spec, const std::string& name = "r") {
  return "apiVersion: notification.kubesphere.io/v2beta2\nkind: InhibitRule\nmetadata: {name: " +
         name + ", labels: {type: global}}\n" + spec;
}

TEST(DecodeInhibitRule, AllFields) {
  auto d = decode(
      rule("spec:\n  enabled: false\n  source: {matchLabels: {severity: critical}}\n"
           "  target:\n    matchExpressions:\n    - {key: severity, operator: Match, regexValue: "
           "'warn|info'}\n  equal: [namespace, pod]\n"));
  ASSERT_TRUE(d.diags.ok()) << d.diags.str();
  ASSERT_EQ(d.rs.inhibitRules.size(), 1u);
  const auto& r = d.rs.inhibitRules[0];
  EXPECT_EQ(r.name, "r");
  EXPECT_FALSE(r.enabled);
  EXPECT_EQ(r.labels.get("type"), "global");
  ASSERT_TRUE(r.source && r.target);
  EXPECT_TRUE(r.source->matches(LabelSet{{"severity", "critical"}}));
  EXPECT_TRUE(r.target->matches(LabelSet{{"severity", "warning"}}));
  EXPECT_FALSE(r.target->matches(LabelSet{{"severity", "critical"}}));
  EXPECT_EQ(r.equal, (std::vector<std::string>{"namespace", "pod"}));
  auto e = decode(rule("spec: {source: {matchLabels: {a: b}}, target: {matchLabels: {c: d}}}\n"));
  ASSERT_TRUE(e.diags.ok()) << e.diags.str();
  EXPECT_TRUE(e.rs.inhibitRules[0].enabled) << "enabled defaults to true";
  EXPECT_TRUE(e.rs.inhibitRules[0].equal.empty());
}

TEST(DecodeInhibitRule, ErrorsNameTheFieldPath) {
  auto missing = decode(rule("spec: {equal: [a]}\n"));
  EXPECT_TRUE(hasDiag(missing.diags,
                      "f.yaml: document 1 (InhibitRule/r): spec.source: required field is missing"))
      << missing.diags.str();
  EXPECT_TRUE(hasDiag(missing.diags, "(InhibitRule/r): spec.target: required field is missing"));
  auto noSpec = decode(rule(""));
  EXPECT_TRUE(hasDiag(noSpec.diags, "(InhibitRule/r): spec.source: required field is missing"))
      << noSpec.diags.str();

  auto bad =
      decode(rule("spec:\n  enabled: maybe\n  source: {matchLabel: {a: b}}\n  target:\n"
                  "    matchExpressions:\n    - {key: a, operator: Match, regexValue: '(x'}\n"
                  "  equal: [ok_name, 'bad-name', 1abc]\n  equals: [x]\n"));
  EXPECT_TRUE(hasDiag(bad.diags, "(InhibitRule/r): spec.enabled:")) << bad.diags.str();
  EXPECT_TRUE(hasDiag(bad.diags, "(InhibitRule/r): spec.source.matchLabel: unknown field"));
  EXPECT_TRUE(hasDiag(bad.diags,
                      "(InhibitRule/r): spec.target.matchExpressions[0].regexValue: invalid "
                      "regular expression \"(x\""));
  EXPECT_TRUE(
      hasDiag(bad.diags, "(InhibitRule/r): spec.equal[1]: invalid label name \"bad-name\""));
  EXPECT_TRUE(hasDiag(bad.diags, "(InhibitRule/r): spec.equal[2]: invalid label name \"1abc\""));
  EXPECT_FALSE(hasDiag(bad.diags, "spec.equal[0]"));
  EXPECT_TRUE(hasDiag(bad.diags, "(InhibitRule/r): spec.equals: unknown field"));

  auto notList =
      decode(rule("spec: {source: {matchLabels: {a: b}}, target: {matchLabels: "
                  "{c: d}}, equal: namespace}\n"));
  EXPECT_TRUE(hasDiag(notList.diags, "(InhibitRule/r): spec.equal:")) << notList.diags.str();
}

TEST(DecodeInhibitRule, KeyFollowsWhatTheRuleDoes) {
  auto key = [](const std::string& spec, const std::string& name = "r") {
    auto d = decode(rule(spec, name));
    EXPECT_TRUE(d.diags.ok()) << d.diags.str();
    return d.rs.inhibitRules.at(0).key;
  };
  const std::string base =
      "spec: {source: {matchLabels: {a: b}}, target: {matchLabels: {c: d}}, equal: [x]}\n";
  EXPECT_EQ(key(base), key(base, "renamed"));
  EXPECT_EQ(key(base), key("spec: {enabled: true, source: {matchLabels: {a: b}}, target: "
                           "{matchLabels: {c: d}}, equal: [x]}\n"));
  EXPECT_NE(key(base), key("spec: {source: {matchLabels: {a: b}}, target: {matchLabels: {c: d}}, "
                           "equal: [y]}\n"));
  EXPECT_NE(key(base), key("spec: {source: {matchLabels: {a: z}}, target: {matchLabels: {c: d}}, "
                           "equal: [x]}\n"));
}

}  // namespace
}  // namespace nm::model::test
