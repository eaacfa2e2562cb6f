// Decoding of valid resources: every kind's fields, multi-document files, kind: List, Secrets.
#include <gtest/gtest.h>

#include <algorithm>

#include "decode_test_util.h"

namespace nm::model::test {
namespace {

TEST(DecodeResources, KnownChannelTypes) {
  const auto& t = knownChannelTypes();
  EXPECT_EQ(t.size(), 10u);
  for (const char* want : {"dingtalk", "email", "feishu", "pushover", "sms", "slack", "webhook",
                           "wechat", "discord", "telegram"})
    EXPECT_NE(std::find(t.begin(), t.end(), want), t.end()) << want;
}

TEST(DecodeResources, NotificationManagerFields) {
  auto d = decode(R"(apiVersion: notification.kubesphere.io/v2beta2
kind: NotificationManager
metadata: {name: notification-manager}
spec:
  replicas: 1
  image: kubesphere/notification-manager:v2.6.0
  resources: {limits: {cpu: 500m}}
  env: [{name: TZ, value: Asia/Shanghai}]
  defaultConfigSelector: {matchLabels: {type: default}}
  defaultSecretNamespace: kubesphere-monitoring-system
  receivers:
    tenantKey: user
    globalReceiverSelector: {matchLabels: {type: global}}
    tenantReceiverSelector: {matchLabels: {type: tenant}}
    options:
      global: {template: nm.default.text, cluster: host}
      webhook: {notificationTimeout: 7, template: webhook.default.message}
      email: {notificationTimeout: 5, tmplType: html}
  history:
    webhook: {url: "http://history:8080/"}
  groupLabels: [alertname, namespace]
  batchMaxSize: 50
  batchMaxWait: 6s
  routePolicy: RouterFirst
  template:
    text: {name: notification-manager-template, namespace: kubesphere-monitoring-system}
    reloadCycle: 2m
    language: zh-cn
    languagePack: [{name: zh-cn, namespace: kubesphere-monitoring-system}]
)");
  ASSERT_TRUE(d.diags.ok()) << d.diags.str();
  ASSERT_EQ(d.rs.notificationManagers.size(), 1u);
  const auto& nm = d.rs.notificationManagers[0];
  EXPECT_EQ(nm.name, "notification-manager");
  ASSERT_TRUE(nm.defaultConfigSelector);
  EXPECT_EQ(nm.defaultConfigSelector->matchLabels.at("type"), "default");
  EXPECT_EQ(nm.defaultSecretNamespace, "kubesphere-monitoring-system");
  EXPECT_EQ(nm.tenantKey, "user");
  EXPECT_EQ(nm.globalReceiverSelector.at("type"), "global");
  EXPECT_EQ(nm.globalTemplate, "nm.default.text");
  EXPECT_EQ(nm.cluster, "host");
  ASSERT_TRUE(nm.channelOptions.count("webhook"));
  EXPECT_EQ(nm.channelOptions.at("webhook").notificationTimeout, 7);
  EXPECT_EQ(nm.channelOptions.at("webhook").templateName, "webhook.default.message");
  EXPECT_EQ(nm.channelOptions.at("email").raw["tmplType"].as<std::string>(), "html");
  ASSERT_TRUE(nm.historyWebhook.node().IsMap());
  EXPECT_EQ(nm.historyWebhook.node()["url"].as<std::string>(), "http://history:8080/");
  EXPECT_EQ(nm.groupLabels, (std::vector<std::string>{"alertname", "namespace"}));
  EXPECT_EQ(nm.batchMaxSize, 50);
  EXPECT_EQ(nm.batchMaxWait, std::chrono::seconds(6));
  EXPECT_EQ(nm.routePolicy, RoutePolicy::RouterFirst);
  ASSERT_TRUE(nm.templateSpec.text);
  EXPECT_EQ(nm.templateSpec.text->name, "notification-manager-template");
  EXPECT_EQ(nm.templateSpec.reloadCycle, std::chrono::minutes(2));
  EXPECT_EQ(nm.templateSpec.language, "zh-cn");
  EXPECT_EQ(nm.templateSpec.languagePack.size(), 1u);
  EXPECT_EQ(nm.origin.file, "f.yaml");
  EXPECT_EQ(nm.origin.document, 1);
}

TEST(DecodeResources, NotificationManagerDefaults) {
  auto d = decode(
      "apiVersion: notification.kubesphere.io/v2beta2\nkind: NotificationManager\n"
      "metadata: {name: nm}\n");
  ASSERT_TRUE(d.diags.ok()) << d.diags.str();
  const auto& nm = d.rs.notificationManagers.at(0);
  EXPECT_EQ(nm.batchMaxSize, 100);
  EXPECT_EQ(nm.batchMaxWait, std::chrono::minutes(1));
  EXPECT_EQ(nm.routePolicy, RoutePolicy::All);
  EXPECT_EQ(nm.tenantKey, "namespace");
  EXPECT_TRUE(nm.historyWebhook.empty());
}

TEST(DecodeResources, ReceiverSharedFieldsAndRawBlock) {
  auto d = decode(R"(apiVersion: notification.kubesphere.io/v2beta2
kind: Receiver
metadata:
  name: team-a
  labels: {type: tenant, namespace: team-a}
spec:
  webhook:
    enabled: false
    url: http://hook/
    alertSelector: {matchLabels: {severity: critical}}
    webhookConfigSelector: {matchLabels: {team: a}}
    template: my.tmpl
    tmplText: {name: cm, key: t}
  email:
    to: [a@b.c]
)");
  ASSERT_TRUE(d.diags.ok()) << d.diags.str();
  ASSERT_EQ(d.rs.receivers.size(), 1u);
  const auto& r = d.rs.receivers[0];
  EXPECT_EQ(r.labels.get("namespace"), "team-a");
  ASSERT_EQ(r.channels.size(), 2u);
  const auto& wh = r.channels[0];
  EXPECT_EQ(wh.type, "webhook");
  EXPECT_EQ(wh.path, "spec.webhook");
  EXPECT_FALSE(wh.enabled);
  ASSERT_TRUE(wh.alertSelector);
  EXPECT_EQ(wh.alertSelector->matchLabels.at("severity"), "critical");
  ASSERT_TRUE(wh.configSelector);
  EXPECT_EQ(wh.configSelector->matchLabels.at("team"), "a");
  EXPECT_EQ(wh.templateName, "my.tmpl");
  ASSERT_TRUE(wh.tmplText);
  EXPECT_EQ(wh.tmplText->key, "t");
  EXPECT_EQ(wh.spec.node()["url"].as<std::string>(), "http://hook/");
  EXPECT_TRUE(r.channels[1].enabled);
  EXPECT_FALSE(r.channels[1].configSelector);
}

TEST(DecodeResources, ConfigDropsBlockLabels) {
  auto d = decode(R"(apiVersion: notification.kubesphere.io/v2beta2
kind: Config
metadata: {name: c, labels: {type: default, priority: "3"}}
spec:
  webhook: {labels: {a: b}}
  email: {from: a@b.c, labels: {x: y}}
  slack:
)");
  ASSERT_TRUE(d.diags.ok()) << d.diags.str();
  const auto& c = d.rs.configs.at(0);
  ASSERT_EQ(c.channels.size(), 3u);
  EXPECT_FALSE(c.channels[0].spec.node()["labels"]);
  EXPECT_EQ(c.channels[1].spec.node()["from"].as<std::string>(), "a@b.c");
  EXPECT_FALSE(c.channels[1].spec.node()["labels"]);
  EXPECT_TRUE(c.channels[2].spec.node().IsMap());
  EXPECT_EQ(c.labels.get("priority"), "3");
}

TEST(DecodeResources, RouterFields) {
  auto d = decode(R"(apiVersion: notification.kubesphere.io/v2beta2
kind: Router
metadata: {name: r}
spec:
  enabled: false
  alertSelector:
    matchExpressions: [{key: severity, operator: In, values: [critical, error]}]
  receivers:
    name: [a, b]
    regexName: "^team-"
    selector: {matchLabels: {team: x}}
    type: webhook
    channels: [{tenant: t1, type: [email, webhook]}]
)");
  ASSERT_TRUE(d.diags.ok()) << d.diags.str();
  const auto& r = d.rs.routers.at(0);
  EXPECT_FALSE(r.enabled);
  ASSERT_TRUE(r.alertSelector);
  EXPECT_EQ(r.alertSelector->matchExpressions.at(0).values.size(), 2u);
  EXPECT_TRUE(r.alertSelector->matches(LabelSet{{"severity", "error"}}));
  EXPECT_EQ(r.receiverNames, (std::vector<std::string>{"a", "b"}));
  ASSERT_TRUE(r.regexNameCompiled);
  EXPECT_EQ(r.regexName, "^team-");
  EXPECT_EQ(r.receiverSelector->matchLabels.at("team"), "x");
  EXPECT_EQ(r.type, "webhook");
  ASSERT_EQ(r.channels.size(), 1u);
  EXPECT_EQ(r.channels[0].tenant, "t1");
  EXPECT_EQ(r.channels[0].types.size(), 2u);
}

TEST(DecodeResources, SilenceFields) {
  auto d = decode(R"(apiVersion: notification.kubesphere.io/v2beta2
kind: Silence
metadata: {name: s, labels: {type: global}}
spec:
  matcher:
    matchExpressions: [{key: pod, operator: Match, regexValue: "web-.*"}]
  startsAt: "2024-01-02T03:04:05Z"
  schedule: "0 2 * * *"
  duration: 1h30m
)");
  ASSERT_TRUE(d.diags.ok()) << d.diags.str();
  const auto& s = d.rs.silences.at(0);
  EXPECT_TRUE(s.enabled);
  ASSERT_TRUE(s.matcher);
  EXPECT_TRUE(s.matcher->matches(LabelSet{{"pod", "my-web-1"}}));
  EXPECT_FALSE(s.matcher->matches(LabelSet{{"x", "y"}}));
  ASSERT_TRUE(s.startsAt);
  EXPECT_EQ(*s.startsAt, *parseRfc3339("2024-01-02T03:04:05Z"));
  EXPECT_EQ(s.scheduleText, "0 2 * * *");
  EXPECT_TRUE(s.schedule);
  EXPECT_EQ(s.duration, std::chrono::minutes(90));
}

TEST(DecodeResources, SecretAndConfigMap) {
  auto d = decode(R"(apiVersion: v1
kind: Secret
metadata: {name: s}
type: Opaque
data: {token: aHVudGVyMg==, empty: ""}
stringData: {plain: text}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm, namespace: mon}
data: {template: "{{ define \"x\" }}x{{ end }}"}
)");
  ASSERT_TRUE(d.diags.ok()) << d.diags.str();
  const auto& s = d.rs.secrets.at(0);
  EXPECT_EQ(s.ns, "default");
  EXPECT_EQ(s.data.at("token"), "hunter2");
  EXPECT_EQ(s.data.at("empty"), "");
  EXPECT_EQ(s.data.at("plain"), "text");
  EXPECT_EQ(s.origin.document, 1);
  const auto& cm = d.rs.configMaps.at(0);
  EXPECT_EQ(cm.ns, "mon");
  EXPECT_EQ(cm.origin.document, 2);
  EXPECT_NE(cm.data.at("template").find("define"), std::string::npos);
}

TEST(DecodeResources, MultiDocumentSkipsEmptyAndCountsPositions) {
  auto d = decode(R"(---
apiVersion: v1
kind: ConfigMap
metadata: {name: a}
---
---
# only a comment
---
apiVersion: v1
kind: ConfigMap
metadata: {name: b}
bogus: 1
)");
  ASSERT_EQ(d.rs.configMaps.size(), 2u);
  ASSERT_EQ(d.diags.items().size(), 1u) << d.diags.str();
  // The error points at the document where `b` sits, counting the empty ones.
  EXPECT_EQ(d.diags.items()[0].origin.document, d.rs.configMaps[1].origin.document);
  EXPECT_GT(d.rs.configMaps[1].origin.document, 2);
}

TEST(DecodeResources, KubectlList) {
  auto d = decode(R"({"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""},
  "items": [
    {"apiVersion": "notification.kubesphere.io/v2beta2", "kind": "Receiver",
     "metadata": {"name": "r1", "labels": {"type": "global"}, "resourceVersion": "1"},
     "spec": {"webhook": {"url": "http://x/"}}, "status": {}},
    {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "n"},
     "data": {"k": "dg=="}}
  ]})",
                  "list.json");
  ASSERT_TRUE(d.diags.ok()) << d.diags.str();
  ASSERT_EQ(d.rs.receivers.size(), 1u);
  EXPECT_EQ(d.rs.receivers[0].origin.file, "list.json");
  EXPECT_EQ(d.rs.receivers[0].origin.kind, "Receiver");
  EXPECT_EQ(d.rs.secrets.at(0).data.at("k"), "v");
}

TEST(DecodeResources, AppendResources) {
  auto a = decode("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n");
  auto b = decode("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n");
  appendResources(a.rs, std::move(b.rs));
  ASSERT_EQ(a.rs.configMaps.size(), 2u);
  EXPECT_EQ(a.rs.configMaps[1].name, "b");
}

}  // namespace
}  // namespace nm::model::test
