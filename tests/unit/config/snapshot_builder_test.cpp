// Snapshot building: NotificationManager choice, receiver classification, duplicates, config
// entries, notifiers, routers/silences indexes, history receiver and ad-hoc receivers.
#include "config/snapshot_builder.h"

#include <gtest/gtest.h>

#include "config_test_util.h"
#include "test_services.h"

namespace nm::config::test {
namespace {

std::string receiver(const std::string& name, const std::string& labels,
                     const std::string& spec = "webhook: {url: 'http://127.0.0.1:1/'}") {
  return std::string(kV2) + "kind: Receiver\nmetadata: {name: " + name + ", labels: {" + labels +
         "}}\nspec: {" + spec + "}\n---\n";
}

TEST(SnapshotBuilder, DefaultsWithoutNotificationManager) {
  auto r = build(receiver("g", "type: global"));
  ASSERT_TRUE(r.snapshot) << r.diags.str();
  const auto& s = *r.snapshot;
  EXPECT_EQ(s.version, 1u);
  EXPECT_EQ(s.source, "test");
  EXPECT_EQ(s.nm.tenantKey, "namespace");
  ASSERT_TRUE(s.nm.defaultConfigSelector);
  EXPECT_EQ(s.nm.defaultConfigSelector->matchLabels.at("type"), "default");
  EXPECT_FALSE(s.history);
}

TEST(SnapshotBuilder, TwoNotificationManagersNameBothFiles) {
  model::Diagnostics diags;
  auto rs = decodeYaml(std::string(kV2) + "kind: NotificationManager\nmetadata: {name: a}\n", diags,
                       "one.yaml");
  auto rs2 = decodeYaml(std::string(kV2) + "kind: NotificationManager\nmetadata: {name: b}\n",
                        diags, "two.yaml");
  model::appendResources(rs, std::move(rs2));
  auto r = buildSnapshot(std::move(rs), {});
  EXPECT_FALSE(r.snapshot);
  ASSERT_EQ(r.diags.items().size(), 1u);
  EXPECT_TRUE(hasDiag(r.diags, "two.yaml: document 1 (NotificationManager/b)"));
  EXPECT_TRUE(hasDiag(r.diags, "one.yaml: document 1 (NotificationManager/a)"));
}

TEST(SnapshotBuilder, ClassifiesGlobalTenantAndNeither) {
  auto r = build(std::string(kV2) +
                 "kind: NotificationManager\nmetadata: {name: nm}\nspec:\n  receivers:\n"
                 "    tenantKey: user\n"
                 "    globalReceiverSelector: {matchLabels: {type: global, scope: all}}\n"
                 "    tenantReceiverSelector: {matchLabels: {type: tenant}}\n---\n" +
                 receiver("g1", "type: global") + receiver("g2", "scope: all") +
                 receiver("t1", "type: tenant, user: alice") +
                 receiver("t-nokey", "type: tenant, namespace: x") + receiver("none", "team: a"));
  ASSERT_TRUE(r.snapshot) << r.diags.str();
  const auto& s = *r.snapshot;
  EXPECT_EQ(s.receivers.size(), 3u);
  EXPECT_EQ(s.globalReceivers.size(), 2u);
  ASSERT_EQ(s.receiversByTenant.count("alice"), 1u);
  const auto& t = s.receiversByTenant.at("alice").at(0);
  EXPECT_EQ(t->key, "webhook/t1");
  EXPECT_FALSE(t->global);
  EXPECT_EQ(t->tenant, "alice");
  EXPECT_TRUE(s.receiversByKey.count("webhook/g1"));
  EXPECT_FALSE(s.receiversByKey.count("webhook/none"));
  EXPECT_FALSE(s.receiversByKey.count("webhook/t-nokey"));
}

TEST(SnapshotBuilder, OneReceiverPerChannelBlock) {
  auto r = build(receiver("multi", "type: global",
                          "webhook: {url: 'http://127.0.0.1:1/'}, email: {to: [a@b.c]}"));
  ASSERT_TRUE(r.snapshot) << r.diags.str();
  const auto& s = *r.snapshot;
  ASSERT_EQ(s.receivers.size(), 2u);
  const auto& email = s.receiversByKey.at("email/multi");
  EXPECT_TRUE(email->spec);  // every type of the reference has a channel now
  EXPECT_EQ(email->notifierError.find("not supported"), std::string::npos);
  EXPECT_TRUE(s.receiversByKey.at("webhook/multi")->spec);
}

TEST(SnapshotBuilder, ChannelDecodeErrorsAreLoadErrors) {
  auto r = build(receiver("bad", "type: global", "webhook: {url: 'http://x/', colour: red}"));
  EXPECT_FALSE(r.snapshot);
  EXPECT_TRUE(hasDiag(r.diags, "(Receiver/bad): spec.webhook.colour")) << r.diags.str();
}

TEST(SnapshotBuilder, NeitherReceiverStillValidated) {
  auto r = build(receiver("bad", "team: a", "webhook: {nourl: 1}"));
  EXPECT_FALSE(r.snapshot);
  EXPECT_TRUE(hasDiag(r.diags, "(Receiver/bad): spec.webhook")) << r.diags.str();
}

TEST(SnapshotBuilder, DuplicateNamesOfSameKind) {
  auto r = build(receiver("a", "type: global") + receiver("a", "type: global") + std::string(kV2) +
                 "kind: Config\nmetadata: {name: a}\nspec: {webhook: {}}\n");
  EXPECT_FALSE(r.snapshot);
  ASSERT_EQ(r.diags.items().size(), 1u) << r.diags.str();
  EXPECT_TRUE(hasDiag(r.diags,
                      "f.yaml: document 2 (Receiver/a): metadata.name: duplicate "
                      "Receiver \"a\", already defined in f.yaml: document 1"));
}

TEST(SnapshotBuilder, ConfigEntries) {
  auto r =
      build(std::string(kV2) +
            "kind: Config\nmetadata: {name: d, labels: {type: default, priority: '5'}}\n"
            "spec: {webhook: {}, email: {from: a@b.c, smartHost: {host: h, port: 25}}}\n---\n" +
            kV2 +
            "kind: Config\nmetadata: {name: t, labels: {type: tenant, namespace: ns1}}\n"
            "spec: {webhook: {}}\n");
  ASSERT_TRUE(r.snapshot) << r.diags.str();
  const auto& byType = r.snapshot->configsByType;
  ASSERT_EQ(byType.at("webhook").size(), 2u);
  ASSERT_EQ(byType.at("email").size(), 1u);
  const auto& d = byType.at("webhook")[0];
  EXPECT_TRUE(d->isDefault);
  EXPECT_EQ(d->priority, 5);
  EXPECT_TRUE(d->tenant.empty());
  const auto& t = byType.at("webhook")[1];
  EXPECT_FALSE(t->isDefault);
  EXPECT_EQ(t->tenant, "ns1");
  EXPECT_EQ(t->priority, 2147483646);
}

TEST(SnapshotBuilder, BadPriorityLabel) {
  auto r = build(std::string(kV2) +
                 "kind: Config\nmetadata: {name: c, labels: {type: default, priority: high}}\n"
                 "spec: {webhook: {}}\n");
  EXPECT_FALSE(r.snapshot);
  EXPECT_TRUE(hasDiag(r.diags, "(Config/c): metadata.labels.priority: expected an integer"))
      << r.diags.str();
}

TEST(SnapshotBuilder, NotifiersBuiltOnlyWithHttpClient) {
  const std::string yaml = receiver("g", "type: global") +
                           receiver("sec", "type: global",
                                    "webhook: {url: 'http://127.0.0.1:1/', httpConfig: "
                                    "{bearerToken: {valueFrom: {secretKeyRef: {name: missing, "
                                    "key: k}}}}}");
  auto without = build(yaml);
  ASSERT_TRUE(without.snapshot) << without.diags.str();
  EXPECT_FALSE(without.snapshot->receiversByKey.at("webhook/g")->notifier);
  auto http = nullHttpClient();
  auto with = build(yaml, &http);
  ASSERT_TRUE(with.snapshot) << with.diags.str();
  const auto& g = with.snapshot->receiversByKey.at("webhook/g");
  EXPECT_TRUE(g->notifier);
  EXPECT_TRUE(g->notifierError.empty());
  // A missing secret is the receiver's problem, not a load error.
  const auto& sec = with.snapshot->receiversByKey.at("webhook/sec");
  EXPECT_FALSE(sec->notifier);
  EXPECT_NE(sec->notifierError.find("missing"), std::string::npos) << sec->notifierError;
}

TEST(SnapshotBuilder, RoutersAndSilencesIndexed) {
  auto r = build(std::string(kV2) +
                 "kind: Router\nmetadata: {name: on}\nspec: {alertSelector: {matchLabels: "
                 "{a: b}}}\n---\n" +
                 kV2 +
                 "kind: Router\nmetadata: {name: off}\nspec: {enabled: false, alertSelector: "
                 "{matchLabels: {a: b}}}\n---\n" +
                 kV2 +
                 "kind: Silence\nmetadata: {name: g, labels: {type: global}}\n"
                 "spec: {matcher: {matchLabels: {a: b}}}\n---\n" +
                 kV2 +
                 "kind: Silence\nmetadata: {name: t, labels: {type: tenant, namespace: ns1}}\n"
                 "spec: {matcher: {matchLabels: {a: b}}}\n---\n" +
                 kV2 +
                 "kind: Silence\nmetadata: {name: disabled, labels: {type: global}}\n"
                 "spec: {enabled: false, matcher: {matchLabels: {a: b}}}\n---\n" +
                 kV2 +
                 "kind: Silence\nmetadata: {name: orphan}\nspec: {matcher: {matchLabels: "
                 "{a: b}}}\n");
  ASSERT_TRUE(r.snapshot) << r.diags.str();
  const auto& s = *r.snapshot;
  ASSERT_EQ(s.routers.size(), 1u);
  EXPECT_EQ(s.routers[0]->name, "on");
  ASSERT_EQ(s.globalSilences.size(), 1u);
  EXPECT_EQ(s.globalSilences[0]->name, "g");
  ASSERT_EQ(s.tenantSilences.at("ns1").size(), 1u);
  EXPECT_EQ(s.tenantSilences.at("ns1")[0]->name, "t");
  // The pointers point into the snapshot's own resources.
  EXPECT_EQ(s.routers[0], &s.resources.routers[0]);
}

TEST(SnapshotBuilder, InhibitRulesIndexedLikeSilences) {
  auto rule = [](const std::string& name, const std::string& labels, const std::string& extra) {
    return std::string(kV2) + "kind: InhibitRule\nmetadata: {name: " + name + ", labels: {" +
           labels + "}}\nspec: {source: {matchLabels: {a: b}}, target: {matchLabels: {c: d}}" +
           extra + "}\n---\n";
  };
  auto r = build(rule("g", "type: global", "") + rule("t", "type: tenant, namespace: ns1", "") +
                 rule("off", "type: global", ", enabled: false") + rule("orphan", "", ""));
  ASSERT_TRUE(r.snapshot) << r.diags.str();
  const auto& s = *r.snapshot;
  ASSERT_EQ(s.globalInhibitRules.size(), 1u);
  EXPECT_EQ(s.globalInhibitRules[0]->name, "g");
  EXPECT_EQ(s.globalInhibitRules[0], &s.resources.inhibitRules[0]);
  ASSERT_EQ(s.tenantInhibitRules.size(), 1u);
  ASSERT_EQ(s.tenantInhibitRules.at("ns1").size(), 1u);
  EXPECT_EQ(s.tenantInhibitRules.at("ns1")[0]->name, "t");

  auto dup = build(rule("g", "type: global", "") + rule("g", "type: global", ""));
  EXPECT_FALSE(dup.snapshot);
  EXPECT_TRUE(hasDiag(dup.diags, "InhibitRule")) << dup.diags.str();
}

TEST(SnapshotBuilder, InvalidInhibitRuleSkippedInKubernetesMode) {
  model::Diagnostics diags;
  auto rs = decodeYaml(std::string(kV2) +
                           "kind: InhibitRule\nmetadata: {name: twice, labels: {type: global}}\n"
                           "spec: {source: {matchLabels: {a: b}}, target: {matchLabels: {c: d}}}\n"
                           "---\n" +
                           kV2 +
                           "kind: InhibitRule\nmetadata: {name: twice, labels: {type: global}}\n"
                           "spec: {source: {matchLabels: {a: b}}, target: {matchLabels: {e: f}}}\n",
                       diags);
  ASSERT_TRUE(diags.ok()) << diags.str();
  BuildOptions opts;
  opts.source = "test";
  opts.skipInvalidObjects = true;
  auto r = buildSnapshot(std::move(rs), opts);
  ASSERT_TRUE(r.snapshot) << r.diags.str();
  EXPECT_FALSE(r.skipped.items().empty());
  EXPECT_TRUE(hasDiag(r.skipped, "InhibitRule")) << r.skipped.str();
}

TEST(SnapshotBuilder, HistoryReceiver) {
  auto http = nullHttpClient();
  auto r = build(std::string(kV2) +
                     "kind: NotificationManager\nmetadata: {name: nm}\nspec:\n  history:\n"
                     "    webhook: {url: 'http://127.0.0.1:1/history'}\n",
                 &http);
  ASSERT_TRUE(r.snapshot) << r.diags.str();
  const auto& h = r.snapshot->history;
  ASSERT_TRUE(h);
  EXPECT_EQ(h->name, "notification-manager-history");
  EXPECT_EQ(h->type, "webhook");
  EXPECT_TRUE(h->spec);
  EXPECT_TRUE(h->notifier);
  EXPECT_TRUE(r.snapshot->receivers.empty());
}

TEST(SnapshotBuilder, HistoryReceiverErrorsNamePath) {
  auto r = build(std::string(kV2) +
                 "kind: NotificationManager\nmetadata: {name: nm}\nspec:\n  history:\n"
                 "    webhook: {url: 'http://x/', httpConfig: {bearerToken: {}}}\n");
  EXPECT_FALSE(r.snapshot);
  EXPECT_TRUE(hasDiag(r.diags, "(NotificationManager/nm): spec.history.webhook.httpConfig"))
      << r.diags.str();
}

TEST(AdhocReceiver, BuildsAgainstCurrentSnapshot) {
  auto http = nullHttpClient();
  auto cur = build(std::string(kV2) +
                       "kind: Config\nmetadata: {name: d, labels: {type: default}}\n"
                       "spec: {webhook: {}}\n",
                   &http);
  ASSERT_TRUE(cur.snapshot) << cur.diags.str();
  YAML::Node rcv = YAML::Load(
      R"({"apiVersion": "notification.kubesphere.io/v2beta2", "kind": "Receiver",
          "metadata": {"name": "v", "labels": {"type": "global"}},
          "spec": {"webhook": {"url": "http://127.0.0.1:1/"}}})");
  auto a = buildAdhocReceiver(rcv, YAML::Node(), cur.snapshot, &nm::test::servicesFor(http));
  ASSERT_TRUE(a.diags.ok()) << a.diags.str();
  ASSERT_EQ(a.receivers.size(), 1u);
  EXPECT_TRUE(a.receivers[0]->notifier);
  ASSERT_TRUE(a.receivers[0]->config);
  EXPECT_EQ(a.receivers[0]->config->name, "d");
  EXPECT_EQ(a.snapshot, cur.snapshot);

  YAML::Node cfg = YAML::Load(
      R"({"apiVersion": "notification.kubesphere.io/v2beta2", "kind": "Config",
          "metadata": {"name": "given"}, "spec": {"webhook": {}}})");
  auto b = buildAdhocReceiver(rcv, cfg, nullptr, &nm::test::servicesFor(http));
  ASSERT_TRUE(b.diags.ok()) << b.diags.str();
  ASSERT_TRUE(b.snapshot);
  EXPECT_EQ(b.receivers.at(0)->config->name, "given");
}

TEST(AdhocReceiver, UnknownTenantAndWrongKind) {
  YAML::Node rcv = YAML::Load(
      "{apiVersion: notification.kubesphere.io/v2beta2, kind: Receiver, metadata: {name: v}, "
      "spec: {webhook: {url: 'http://127.0.0.1:1/'}}}");
  auto a = buildAdhocReceiver(rcv, YAML::Node(), nullptr, nullptr);
  EXPECT_TRUE(hasDiag(a.diags, "unknown tenant")) << a.diags.str();
  EXPECT_TRUE(a.receivers.empty());
  YAML::Node notRcv = YAML::Load("{apiVersion: v1, kind: ConfigMap, metadata: {name: x}}");
  auto b = buildAdhocReceiver(notRcv, YAML::Node(), nullptr, nullptr);
  EXPECT_TRUE(hasDiag(b.diags, "expected exactly one Receiver")) << b.diags.str();
  YAML::Node bad = YAML::Load("{kind: Receiver}");
  auto c = buildAdhocReceiver(bad, YAML::Node(), nullptr, nullptr);
  EXPECT_FALSE(c.diags.ok());
}

}  // namespace
}  // namespace nm::config::test
