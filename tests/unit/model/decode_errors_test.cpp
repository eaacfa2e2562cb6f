// Decoder error classes: each names file, document, kind/name and the field path.
#include <gtest/gtest.h>

#include "decode_test_util.h"

namespace nm::model::test {
namespace {

constexpr const char* kHeader = "apiVersion: notification.kubesphere.io/v2beta2\n";

TEST(DecodeErrors, UnknownKind) {
  auto d = decode(std::string(kHeader) + "kind: Recevier\nmetadata: {name: a}\n");
  ASSERT_EQ(d.diags.items().size(), 1u) << d.diags.str();
  EXPECT_EQ(d.diags.items()[0].path, "kind");
  EXPECT_TRUE(hasDiag(d.diags, "f.yaml: document 1 (Recevier/a): kind: unknown kind \"Recevier\""))
      << d.diags.str();
}

TEST(DecodeErrors, WrongAndMissingApiVersion) {
  auto d = decode(
      "apiVersion: notification.kubesphere.io/v2alpha1\nkind: Receiver\nmetadata: {name: a}\n"
      "---\nkind: Config\nmetadata: {name: b}\n"
      "---\napiVersion: notification.kubesphere.io/v2beta2\nkind: Secret\nmetadata: {name: s}\n");
  ASSERT_EQ(d.diags.items().size(), 3u) << d.diags.str();
  EXPECT_TRUE(hasDiag(d.diags,
                      "document 1 (Receiver/a): apiVersion: unsupported apiVersion "
                      "\"notification.kubesphere.io/v2alpha1\""));
  EXPECT_TRUE(hasDiag(d.diags, "document 2 (Config/b): apiVersion: required field is missing"));
  EXPECT_TRUE(hasDiag(d.diags, "document 3 (Secret/s): apiVersion: unsupported apiVersion"));
  EXPECT_TRUE(d.rs.receivers.empty());
}

TEST(DecodeErrors, MissingName) {
  auto d = decode(std::string(kHeader) + "kind: Router\nmetadata: {labels: {a: b}}\n");
  EXPECT_TRUE(hasDiag(d.diags, "f.yaml: document 1 (Router): metadata.name: required"))
      << d.diags.str();
  auto d2 = decode(std::string(kHeader) + "kind: Router\n");
  EXPECT_TRUE(hasDiag(d2.diags, "metadata.name: required")) << d2.diags.str();
}

TEST(DecodeErrors, WrongTypes) {
  auto d = decode(std::string(kHeader) +
                  "kind: NotificationManager\nmetadata: {name: nm}\nspec:\n"
                  "  batchMaxSize: abc\n"
                  "  defaultSecretNamespace: {a: b}\n"
                  "  groupLabels: alertname\n");
  EXPECT_TRUE(hasDiag(d.diags,
                      "(NotificationManager/nm): spec.batchMaxSize: expected an "
                      "integer, got \"abc\""))
      << d.diags.str();
  EXPECT_TRUE(hasDiag(d.diags, "spec.defaultSecretNamespace: expected a string, got a map"));
  EXPECT_TRUE(hasDiag(d.diags, "spec.groupLabels: expected a list of strings"));
}

TEST(DecodeErrors, BadRegexNamesPath) {
  auto d = decode(std::string(kHeader) +
                  "kind: Silence\nmetadata: {name: s}\nspec:\n  matcher:\n"
                  "    matchExpressions:\n    - {key: a, operator: Match, regexValue: '(x'}\n");
  EXPECT_TRUE(hasDiag(d.diags,
                      "f.yaml: document 1 (Silence/s): "
                      "spec.matcher.matchExpressions[0].regexValue: invalid regular "
                      "expression \"(x\""))
      << d.diags.str();
  auto r = decode(std::string(kHeader) +
                  "kind: Router\nmetadata: {name: r}\nspec:\n  alertSelector: {matchLabels: "
                  "{a: b}}\n  receivers: {regexName: '[z'}\n");
  EXPECT_TRUE(hasDiag(r.diags, "(Router/r): spec.receivers.regexName: invalid regular"))
      << r.diags.str();
}

TEST(DecodeErrors, BadCronAndDuration) {
  auto d = decode(std::string(kHeader) +
                  "kind: Silence\nmetadata: {name: s}\nspec:\n  matcher: {matchLabels: {a: b}}\n"
                  "  schedule: '61 * * * *'\n  duration: 5 minutes\n  startsAt: yesterday\n");
  EXPECT_TRUE(hasDiag(d.diags, "(Silence/s): spec.schedule: invalid cron schedule"))
      << d.diags.str();
  EXPECT_TRUE(hasDiag(d.diags, "(Silence/s): spec.duration: invalid duration \"5 minutes\""));
  EXPECT_TRUE(hasDiag(d.diags, "(Silence/s): spec.startsAt: invalid RFC 3339 time"));
  auto nm = decode(std::string(kHeader) +
                   "kind: NotificationManager\nmetadata: {name: nm}\nspec: {batchMaxWait: 1x}\n");
  EXPECT_TRUE(hasDiag(nm.diags, "spec.batchMaxWait: invalid duration")) << nm.diags.str();
}

TEST(DecodeErrors, CredentialValueAndValueFrom) {
  auto d = decode(std::string(kHeader) +
                  "kind: Config\nmetadata: {name: c}\nspec:\n  slack:\n    slackTokenSecret:\n"
                  "      value: x\n      valueFrom: {secretKeyRef: {name: s, key: k}}\n");
  // Raw channel blocks are the channel's to validate; the shared decoder is exercised directly.
  EXPECT_TRUE(d.diags.ok()) << d.diags.str();
  Diagnostics diags;
  Origin o{"f.yaml", 2, "Receiver", "r"};
  Reader r(o, diags);
  YAML::Node both = YAML::Load("{value: x, valueFrom: {secretKeyRef: {name: s, key: k}}}");
  EXPECT_FALSE(decodeCredential(r, both, "spec.webhook.httpConfig.bearerToken"));
  EXPECT_TRUE(hasDiag(diags,
                      "f.yaml: document 2 (Receiver/r): "
                      "spec.webhook.httpConfig.bearerToken: value and valueFrom are "
                      "mutually exclusive"))
      << diags.str();
  Diagnostics d2;
  Reader r2(o, d2);
  EXPECT_FALSE(decodeCredential(r2, YAML::Load("{}"), "spec.x"));
  EXPECT_TRUE(hasDiag(d2, "spec.x: a credential needs value or valueFrom"));
  Diagnostics d3;
  Reader r3(o, d3);
  EXPECT_FALSE(decodeCredential(r3, YAML::Load("{valueFrom: {secretKeyRef: {name: s}}}"), "c"));
  EXPECT_TRUE(hasDiag(d3, "c.valueFrom.secretKeyRef.key: required")) << d3.str();
  Diagnostics d4;
  Reader r4(o, d4);
  auto ok = decodeCredential(
      r4, YAML::Load("{valueFrom: {secretKeyRef: {namespace: n, name: s, key: k}}}"), "c");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->secretKeyRef->ns, "n");
  EXPECT_TRUE(d4.ok());
}

TEST(DecodeErrors, UnknownFieldIsNamed) {
  auto d = decode(std::string(kHeader) +
                  "kind: NotificationManager\nmetadata: {name: nm}\nspec:\n"
                  "  receivers: {tenantKey: user, tenantKye: x}\n  image: foo\n  replicas: 2\n");
  ASSERT_EQ(d.diags.items().size(), 1u) << d.diags.str();
  EXPECT_EQ(d.diags.items()[0].path, "spec.receivers.tenantKye");
  EXPECT_TRUE(hasDiag(d.diags, "unknown field \"tenantKye\""));
  auto s = decode(std::string(kHeader) +
                  "kind: Silence\nmetadata: {name: s}\nspec: {matcher: {matchLabel: {a: b}}}\n");
  EXPECT_TRUE(hasDiag(s.diags, "spec.matcher.matchLabel: unknown field")) << s.diags.str();
  auto top = decode(std::string(kHeader) + "kind: Silence\nmetadata: {name: s}\nspce: {}\n");
  EXPECT_TRUE(hasDiag(top.diags, "(Silence/s): spce: unknown field")) << top.diags.str();
}

TEST(DecodeErrors, UnknownChannelType) {
  auto d = decode(std::string(kHeader) +
                  "kind: Receiver\nmetadata: {name: r}\nspec:\n  webhok: {url: http://x}\n"
                  "---\n" +
                  kHeader + "kind: Config\nmetadata: {name: c}\nspec: {mail: {}}\n");
  EXPECT_TRUE(hasDiag(d.diags, "document 1 (Receiver/r): spec.webhok: unknown channel type"))
      << d.diags.str();
  EXPECT_TRUE(hasDiag(d.diags, "document 2 (Config/c): spec.mail: unknown channel type"));
}

TEST(DecodeErrors, RequiredMatcherAndAlertSelector) {
  auto d = decode(std::string(kHeader) + "kind: Silence\nmetadata: {name: s}\nspec: {}\n---\n" +
                  kHeader + "kind: Router\nmetadata: {name: r}\nspec: {receivers: {name: [a]}}\n");
  EXPECT_TRUE(hasDiag(d.diags, "(Silence/s): spec.matcher: required")) << d.diags.str();
  EXPECT_TRUE(hasDiag(d.diags, "(Router/r): spec.alertSelector: required"));
}

TEST(DecodeErrors, SelectorOperatorChecks) {
  auto d = decode(std::string(kHeader) +
                  "kind: Silence\nmetadata: {name: s}\nspec:\n  matcher:\n    matchExpressions:\n"
                  "    - {key: a, operator: Like}\n    - {key: b, operator: In}\n"
                  "    - {operator: Exists}\n");
  EXPECT_TRUE(hasDiag(d.diags, "spec.matcher.matchExpressions[0].operator: unknown operator"))
      << d.diags.str();
  EXPECT_TRUE(hasDiag(d.diags, "spec.matcher.matchExpressions[1].values: operator In needs"));
  EXPECT_TRUE(hasDiag(d.diags, "spec.matcher.matchExpressions[2].key: required"));
}

TEST(DecodeErrors, YamlSyntaxErrorHasLineAndColumn) {
  auto d = decode("kind: Receiver\nmetadata: {name: [unclosed\n");
  ASSERT_EQ(d.diags.items().size(), 1u);
  EXPECT_TRUE(hasDiag(d.diags, "f.yaml: YAML syntax error at line ")) << d.diags.str();
  EXPECT_TRUE(hasDiag(d.diags, "column"));
}

TEST(DecodeErrors, StrayCommaDoesNotHangTheParser) {
  // yaml-cpp 0.7's LoadAll loops forever on this (jbeder/yaml-cpp#1040).
  for (const char* s : {",", "\n,\n", "a: b\n---\n,\n"}) {
    auto d = decode(s);
    EXPECT_TRUE(hasDiag(d.diags, "f.yaml: YAML syntax error at line ")) << s << d.diags.str();
  }
  auto ok = decode("---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n");
  EXPECT_TRUE(ok.diags.ok()) << ok.diags.str();
  EXPECT_EQ(ok.rs.configMaps.size(), 1u);
}

TEST(DecodeErrors, DocumentNotAMap) {
  auto d = decode("- a\n- b\n---\njust a string\n");
  ASSERT_EQ(d.diags.items().size(), 2u) << d.diags.str();
  EXPECT_TRUE(hasDiag(d.diags, "document 1: expected a map, got a list"));
  EXPECT_TRUE(hasDiag(d.diags, "document 2: expected a map, got a string"));
}

TEST(DecodeErrors, InvalidBase64SecretDoesNotEchoValue) {
  auto d = decode(
      "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n"
      "data: {token: 'not base64 secretvalue!'}\n");
  ASSERT_EQ(d.diags.items().size(), 1u) << d.diags.str();
  EXPECT_TRUE(hasDiag(d.diags, "(Secret/s): data.token: invalid base64"));
  EXPECT_EQ(d.diags.str().find("secretvalue"), std::string::npos);
}

TEST(DecodeErrors, SecretWhereMapExpectedIsNotEchoed) {
  Diagnostics diags;
  Origin o{"f.yaml", 1, "Receiver", "r"};
  Reader r(o, diags);
  EXPECT_FALSE(decodeCredential(r, YAML::Load("hunter2"), "spec.webhook.httpConfig.bearerToken"));
  EXPECT_TRUE(hasDiag(diags, "bearerToken: expected a map, got a string"));
  EXPECT_EQ(diags.str().find("hunter2"), std::string::npos);
}

TEST(DecodeErrors, ListItemErrorsArePrefixed) {
  auto d = decode(
      "apiVersion: v1\nkind: List\nitems:\n"
      "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: ok}\n"
      "- apiVersion: notification.kubesphere.io/v2beta2\n  kind: Router\n"
      "  metadata: {name: r}\n  spec: {enabled: maybe, alertSelector: {}}\n");
  EXPECT_TRUE(hasDiag(d.diags,
                      "f.yaml: document 1 (Router/r): items[1].spec.enabled: expected a "
                      "boolean, got \"maybe\""))
      << d.diags.str();
  EXPECT_EQ(d.rs.configMaps.size(), 1u);
}

TEST(DecodeErrors, NeverThrowsOnOddInput) {
  for (const char* s : {"{", "]", "!!binary x", "*alias", "? [a]\n: b", "kind: [a]\n",
                        "apiVersion: v1\nkind: Secret\nmetadata: {name: [x]}\n",
                        "apiVersion: v1\nkind: List\nitems: 5\n",
                        "apiVersion: v1\nkind: List\nitems: [5, {kind: List}]\n"}) {
    EXPECT_NO_THROW(decode(s)) << s;
  }
}

}  // namespace
}  // namespace nm::model::test
