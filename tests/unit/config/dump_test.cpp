// Redacted dumps: credential values masked, secret references kept, Secret data never shown,
// filters by tenant and type, selected config names.
#include "config/dump.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "config_test_util.h"

namespace nm::config::test {
namespace {

const std::string kYaml = std::string(kV2) + R"(kind: Receiver
metadata: {name: g, labels: {type: global}}
spec:
  webhook:
    url: http://127.0.0.1:1/
    httpConfig:
      bearerToken: {value: INLINE-TOKEN-123}
      basicAuth:
        username: u
        password: {valueFrom: {secretKeyRef: {name: pw, key: password}}}
---
apiVersion: notification.kubesphere.io/v2beta2
kind: Receiver
metadata: {name: t, labels: {type: tenant, namespace: ns1}}
spec:
  webhook: {url: http://127.0.0.1:2/}
---
apiVersion: notification.kubesphere.io/v2beta2
kind: Config
metadata: {name: d, labels: {type: default}}
spec:
  webhook: {}
  slack: {slackTokenSecret: {value: SLACK-TOKEN-456}}
---
apiVersion: notification.kubesphere.io/v2beta2
kind: Config
metadata: {name: own, labels: {type: tenant, namespace: ns1}}
spec:
  webhook: {}
---
apiVersion: v1
kind: Secret
metadata: {name: pw}
stringData: {password: SECRET-PASSWORD-789}
)";

TEST(Dump, ReceiversRedacted) {
  auto r = build(kYaml);
  ASSERT_TRUE(r.snapshot) << r.diags.str();
  const std::string out = dumpReceivers(*r.snapshot, "", "");
  EXPECT_EQ(out.find("INLINE-TOKEN-123"), std::string::npos) << out;
  EXPECT_EQ(out.find("SECRET-PASSWORD-789"), std::string::npos);
  auto j = nlohmann::json::parse(out);
  ASSERT_EQ(j.size(), 2u);
  const auto& g = j[0];
  EXPECT_EQ(g["key"], "webhook/g");
  EXPECT_EQ(g["global"], true);
  EXPECT_EQ(g["config"], "d");
  EXPECT_EQ(g["labels"]["type"], "global");
  EXPECT_EQ(g["spec"]["httpConfig"]["bearerToken"]["value"], "******");
  EXPECT_EQ(g["spec"]["httpConfig"]["basicAuth"]["password"]["valueFrom"]["secretKeyRef"]["name"],
            "pw");
  EXPECT_EQ(g["spec"]["url"], "http://127.0.0.1:1/");
  const auto& t = j[1];
  EXPECT_EQ(t["tenant"], "ns1");
  EXPECT_EQ(t["config"], "own");
}

TEST(Dump, UrlsShownWithoutTheirSecrets) {
  auto r = build(std::string(kV2) + R"(kind: Receiver
metadata: {name: u, labels: {type: global}}
spec:
  webhook: {url: "http://bob:URL-PASSWORD@127.0.0.1:3/p?access_token=URL-TOKEN&x=1"}
)");
  ASSERT_TRUE(r.snapshot) << r.diags.str();
  const std::string out = dumpReceivers(*r.snapshot, "", "");
  EXPECT_EQ(out.find("URL-PASSWORD"), std::string::npos) << out;
  EXPECT_EQ(out.find("URL-TOKEN"), std::string::npos) << out;
  auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j[0]["spec"]["url"], "http://bob:<redacted>@127.0.0.1:3/p?access_token=<redacted>&x=1");
}

TEST(Dump, ReceiverFilters) {
  auto r = build(kYaml);
  ASSERT_TRUE(r.snapshot) << r.diags.str();
  auto byTenant = nlohmann::json::parse(dumpReceivers(*r.snapshot, "ns1", ""));
  ASSERT_EQ(byTenant.size(), 1u);
  EXPECT_EQ(byTenant[0]["name"], "t");
  EXPECT_EQ(nlohmann::json::parse(dumpReceivers(*r.snapshot, "global", "")).size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(dumpReceivers(*r.snapshot, "", "email")).size(), 0u);
  EXPECT_EQ(nlohmann::json::parse(dumpReceivers(*r.snapshot, "", "webhook")).size(), 2u);
}

TEST(Dump, ConfigsRedacted) {
  auto r = build(kYaml);
  ASSERT_TRUE(r.snapshot) << r.diags.str();
  const std::string out = dumpConfigs(*r.snapshot, "", "");
  EXPECT_EQ(out.find("SLACK-TOKEN-456"), std::string::npos) << out;
  auto j = nlohmann::json::parse(out);
  ASSERT_EQ(j.size(), 3u);
  EXPECT_EQ(j[0]["key"], "slack/d");
  EXPECT_EQ(j[0]["spec"]["slackTokenSecret"]["value"], "******");
  EXPECT_EQ(j[0]["default"], true);
  EXPECT_EQ(nlohmann::json::parse(dumpConfigs(*r.snapshot, "ns1", "")).size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(dumpConfigs(*r.snapshot, "", "webhook")).size(), 2u);
}

TEST(Dump, HistoryReceiverIncluded) {
  auto r = build(std::string(kV2) +
                 "kind: NotificationManager\nmetadata: {name: nm}\nspec:\n  history:\n"
                 "    webhook:\n      url: http://127.0.0.1:1/\n      httpConfig: {bearerToken: "
                 "{value: HISTORY-TOKEN}}\n");
  ASSERT_TRUE(r.snapshot) << r.diags.str();
  const std::string out = dumpReceivers(*r.snapshot, "", "");
  EXPECT_EQ(out.find("HISTORY-TOKEN"), std::string::npos);
  EXPECT_NE(out.find("notification-manager-history"), std::string::npos);
}

TEST(Dump, RedactedJsonScalars) {
  auto j = nlohmann::json::parse(
      redactedJson(YAML::Load("{a: 1, b: true, c: 'x', d: ~, e: [1, '2'], f: {value: s}}")));
  EXPECT_EQ(j["a"], 1);
  EXPECT_EQ(j["b"], true);
  EXPECT_EQ(j["c"], "x");
  EXPECT_TRUE(j["d"].is_null());
  EXPECT_EQ(j["e"][1], "2");
  EXPECT_EQ(j["f"]["value"], "******");
}

}  // namespace
}  // namespace nm::config::test
