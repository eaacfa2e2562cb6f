// Incremental snapshot builds: a rebuild reuses what did not change (receivers with their
// notifiers, config entries, the renderer) and rebuilds what a changed Secret, Config or
// template reaches.
#include <gtest/gtest.h>

#include "config/snapshot_builder.h"
#include "config_test_util.h"
#include "test_services.h"

namespace nm::config::test {
namespace {

std::string receiver(const std::string& name, const std::string& url,
                     const std::string& extra = "") {
  return std::string(kV2) + "kind: Receiver\nmetadata: {name: " + name +
         ", labels: {type: tenant, namespace: " + name + "}}\nspec: {webhook: {url: '" + url + "'" +
         extra + "}}\n---\n";
}

std::string config(const std::string& tenant, const std::string& labels = "") {
  return std::string(kV2) + "kind: Config\nmetadata: {name: c-" + tenant +
         ", labels: {type: tenant, namespace: " + tenant + labels +
         "}}\nspec: {webhook: {}}\n---\n";
}

std::string secret(const std::string& value) {
  return "apiVersion: v1\nkind: Secret\nmetadata: {name: tok, namespace: default}\n"
         "stringData: {k: '" +
         value + "'}\n---\n";
}

class IncrementalBuild : public ::testing::Test {
 protected:
  // Builds `yaml` on top of the last snapshot built here.
  BuildResult next(const std::string& yaml) {
    model::Diagnostics diags;
    auto rs = decodeYaml(yaml, diags);
    EXPECT_TRUE(diags.ok()) << diags.str();
    BuildOptions o{&services_, "test", ++version_, "", last_};
    BuildResult r = buildSnapshot(std::move(rs), o);
    EXPECT_TRUE(r.snapshot) << r.diags.str();
    if (r.snapshot) last_ = r.snapshot;
    return r;
  }
  const Receiver& at(const SnapshotPtr& s, const std::string& key) {
    return *s->receiversByKey.at(key);
  }

  nm::test::FakeHttpClient http_ = nullHttpClient();
  const ChannelServices& services_ = nm::test::servicesFor(http_);
  SnapshotPtr last_;
  uint64_t version_ = 0;
};

TEST_F(IncrementalBuild, ChangingOneReceiverReusesTheOthersNotifiers) {
  const std::string rest = receiver("b", "http://b/") + receiver("c", "http://c/") + config("a") +
                           config("b") + config("c");
  auto first = next(receiver("a", "http://a/") + rest);
  ASSERT_TRUE(first.snapshot);
  EXPECT_EQ(first.receiversBuilt, 3u);
  EXPECT_EQ(first.receiversReused, 0u);
  auto second = next(receiver("a", "http://a-changed/") + rest);
  ASSERT_TRUE(second.snapshot);
  EXPECT_EQ(second.receiversBuilt, 1u);
  EXPECT_EQ(second.receiversReused, 2u);
  for (const char* k : {"webhook/b", "webhook/c"}) {
    EXPECT_EQ(first.snapshot->receiversByKey.at(k), second.snapshot->receiversByKey.at(k)) << k;
    EXPECT_EQ(at(first.snapshot, k).notifier, at(second.snapshot, k).notifier) << k;
    ASSERT_TRUE(at(second.snapshot, k).notifier) << k;
  }
  EXPECT_NE(at(first.snapshot, "webhook/a").notifier, at(second.snapshot, "webhook/a").notifier);
  // Config entries and the renderer are shared too.
  EXPECT_EQ(first.snapshot->renderer, second.snapshot->renderer);
  EXPECT_EQ(at(first.snapshot, "webhook/b").config, at(second.snapshot, "webhook/b").config);
  ASSERT_TRUE(at(second.snapshot, "webhook/b").config);
}

TEST_F(IncrementalBuild, ChangedSecretRebuildsOnlyTheReceiverThatReadsIt) {
  const std::string token =
      ", httpConfig: {bearerToken: {valueFrom: {secretKeyRef: "
      "{namespace: default, name: tok, key: k}}}}";
  const std::string rest =
      receiver("a", "http://a/", token) + receiver("b", "http://b/") + config("a") + config("b");
  auto first = next(secret("one") + rest);
  auto second = next(secret("two") + rest);
  ASSERT_TRUE(first.snapshot && second.snapshot);
  EXPECT_NE(at(first.snapshot, "webhook/a").notifier, at(second.snapshot, "webhook/a").notifier);
  ASSERT_TRUE(at(second.snapshot, "webhook/a").notifier);
  EXPECT_EQ(at(first.snapshot, "webhook/b").notifier, at(second.snapshot, "webhook/b").notifier);
  // A missing Secret fails the notifier; its return builds it again.
  auto third = next(rest);
  EXPECT_FALSE(at(third.snapshot, "webhook/a").notifier);
  EXPECT_NE(at(third.snapshot, "webhook/a").notifierError.find("tok"), std::string::npos);
  auto fourth = next(secret("two") + rest);
  EXPECT_TRUE(at(fourth.snapshot, "webhook/a").notifier);
}

TEST_F(IncrementalBuild, ChangedConfigRebuildsTheReceiverThatSelectsIt) {
  const std::string receivers = receiver("a", "http://a/") + receiver("b", "http://b/");
  auto first = next(receivers + config("a") + config("b"));
  auto second = next(receivers + config("a", ", priority: '1'") + config("b"));
  ASSERT_TRUE(first.snapshot && second.snapshot);
  EXPECT_NE(at(first.snapshot, "webhook/a").config, at(second.snapshot, "webhook/a").config);
  EXPECT_NE(at(first.snapshot, "webhook/a").notifier, at(second.snapshot, "webhook/a").notifier);
  EXPECT_EQ(at(first.snapshot, "webhook/b").notifier, at(second.snapshot, "webhook/b").notifier);
  // A Config removed: the receiver falls back to no config, with a new notifier.
  auto third = next(receivers + config("b"));
  EXPECT_FALSE(at(third.snapshot, "webhook/a").config);
  EXPECT_NE(at(second.snapshot, "webhook/a").notifier, at(third.snapshot, "webhook/a").notifier);
}

TEST_F(IncrementalBuild, ChangedNotificationManagerOrTemplateRebuildsEveryReceiver) {
  const std::string receivers = receiver("a", "http://a/") + receiver("b", "http://b/");
  const std::string nm = std::string(kV2) +
                         "kind: NotificationManager\nmetadata: {name: nm}\nspec: {template: "
                         "{text: {name: tpl, namespace: default}}}\n---\n";
  auto tpl = [](const std::string& text) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: tpl, namespace: default}\n"
           "data: {t: '" +
           text + "'}\n---\n";
  };
  auto first = next(nm + tpl("{{ define \"x\" }}one{{ end }}") + receivers);
  auto second = next(nm + tpl("{{ define \"x\" }}two{{ end }}") + receivers);
  ASSERT_TRUE(first.snapshot && second.snapshot);
  EXPECT_NE(first.snapshot->renderer, second.snapshot->renderer);
  EXPECT_EQ(second.receiversReused, 0u);
  EXPECT_NE(at(first.snapshot, "webhook/b").notifier, at(second.snapshot, "webhook/b").notifier);
  auto third = next(nm + tpl("{{ define \"x\" }}two{{ end }}") + receivers);
  EXPECT_EQ(second.snapshot->renderer, third.snapshot->renderer);
  EXPECT_EQ(third.receiversReused, 2u);
  // Another NotificationManager spec (here its options): everything is built again.
  auto fourth = next(std::string(kV2) +
                     "kind: NotificationManager\nmetadata: {name: nm}\nspec: {template: {text: "
                     "{name: tpl, namespace: default}}, receivers: {options: {webhook: "
                     "{notificationTimeout: 9}}}}\n---\n" +
                     tpl("{{ define \"x\" }}two{{ end }}") + receivers);
  EXPECT_EQ(fourth.receiversReused, 0u);
  EXPECT_EQ(fourth.receiversBuilt, 2u);
}

}  // namespace
}  // namespace nm::config::test
