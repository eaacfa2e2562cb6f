// The reloader against a fake ConfigSource (no directory): a change publishes a new snapshot,
// the same content is skipped and counted, a refused load keeps the last good snapshot; with
// skipInvalidObjects an invalid object is left out, reported and counted while the others build.
#include <gtest/gtest.h>

#include <functional>
#include <mutex>

#include "config/config_reloader.h"
#include "config/secret_resolver.h"
#include "config_test_util.h"
#include "observe/metrics.h"
#include "test_services.h"

namespace nm::config::test {
namespace {

metrics::Registry registry;  // the reloaders' metrics

// Serves whatever YAML the test sets; the fingerprint is the YAML itself. change() notifies
// the watcher callback as a real source's thread would.
class FakeSource final : public ConfigSource {
 public:
  void set(std::string yaml) {
    std::lock_guard<std::mutex> g(mu_);
    yaml_ = std::move(yaml);
  }
  // Kubernetes mode: loads ask for invalid objects to be skipped; `decodeSkipped` is what the
  // source itself left out.
  void skipInvalid(model::Diagnostics decodeSkipped = {}) {
    std::lock_guard<std::mutex> g(mu_);
    skipInvalid_ = true;
    decodeSkipped_ = std::move(decodeSkipped);
  }
  std::vector<model::Diagnostics> reported() const {
    std::lock_guard<std::mutex> g(mu_);
    return reported_;
  }
  void change() {
    std::function<void()> cb;
    {
      std::lock_guard<std::mutex> g(mu_);
      cb = onChange_;
    }
    ASSERT_TRUE(cb) << "watch() was not called";
    cb();
  }
  int loads() const {
    std::lock_guard<std::mutex> g(mu_);
    return loads_;
  }

  std::string name() const override { return "fake"; }
  SourceLoad load(const std::string& unlessFingerprint) override {
    std::lock_guard<std::mutex> g(mu_);
    ++loads_;
    SourceLoad out;
    if (unlessFingerprint == "fp:" + yaml_) {
      out.unchanged = true;
      return out;
    }
    out.config.resources = decodeYaml(yaml_, out.diags, "fake.yaml");
    out.config.secrets = makeResourceSecretResolver(out.config.resources);
    out.config.fingerprint = "fp:" + yaml_;
    out.config.items = 1;
    out.config.skipInvalidObjects = skipInvalid_;
    out.config.skipped = decodeSkipped_;
    return out;
  }
  void reportSkipped(const model::Diagnostics& skipped) override {
    std::lock_guard<std::mutex> g(mu_);
    reported_.push_back(skipped);
  }
  void watch(std::function<void()> onChange) override {
    std::lock_guard<std::mutex> g(mu_);
    onChange_ = std::move(onChange);
  }
  void stop() override {
    std::lock_guard<std::mutex> g(mu_);
    onChange_ = nullptr;
  }

 private:
  mutable std::mutex mu_;
  std::string yaml_;
  std::function<void()> onChange_;
  int loads_ = 0;
  bool skipInvalid_ = false;
  model::Diagnostics decodeSkipped_;
  std::vector<model::Diagnostics> reported_;
};

std::string receiver(const std::string& name) {
  return std::string(kV2) + "kind: Receiver\nmetadata: {name: " + name +
         ", labels: {type: global}}\nspec: {webhook: {url: 'http://127.0.0.1:1/'}}\n";
}

uint64_t skippedMetric() {
  return registry.counter("nm_config_reloads_skipped_total", "").with({}).value();
}

TEST(ReloaderWithFakeSource, ChangePublishesSameContentSkipsBadLoadKeepsLastGood) {
  FakeSource src;
  src.set(receiver("a"));
  SnapshotStore store;
  ConfigReloader r(src, store, nullptr, registry);
  ASSERT_TRUE(r.initial().ok);
  r.start();
  SnapshotPtr v1 = store.current();
  ASSERT_TRUE(v1);
  EXPECT_EQ(v1->version, 1u);
  EXPECT_EQ(v1->source, "fake");
  EXPECT_EQ(v1->fingerprint, "fp:" + receiver("a"));

  // A real change: a new snapshot with the new content.
  src.set(receiver("a") + "---\n" + receiver("b"));
  src.change();
  SnapshotPtr v2 = store.current();
  ASSERT_NE(v2, v1);
  EXPECT_EQ(v2->version, 2u);
  EXPECT_EQ(v2->receivers.size(), 2u);

  // The same content again: no rebuild, the same snapshot object, counted.
  const uint64_t skippedBefore = skippedMetric();
  src.change();
  EXPECT_EQ(store.current(), v2);
  EXPECT_EQ(r.status().skipped, 1u);
  EXPECT_EQ(skippedMetric(), skippedBefore + 1);
  EXPECT_EQ(src.loads(), 3);

  // A refused load: the last good snapshot keeps running, the error is recorded.
  src.set(receiver("a") + "---\n" + std::string(kV2) +
          "kind: Silence\nmetadata: {name: s}\nspec: {matcher: {}, duration: forever}\n");
  src.change();
  EXPECT_EQ(store.current(), v2);
  const ReloadStatus st = r.status();
  EXPECT_EQ(st.version, 2u);
  EXPECT_NE(st.lastError.find("fake.yaml: document 2 (Silence/s): spec.duration"),
            std::string::npos)
      << st.lastError;
  EXPECT_EQ(st.skipped, 1u);

  // Back to the running content: skipped, and the refusal is cleared.
  src.set(receiver("a") + "---\n" + receiver("b"));
  auto out = r.reload();
  EXPECT_TRUE(out.ok);
  EXPECT_TRUE(out.skipped);
  EXPECT_EQ(store.current(), v2);
  EXPECT_TRUE(r.status().lastError.empty());

  r.stop();
}

TEST(ReloaderWithFakeSource, RefusedInitialLoadPublishesNothing) {
  FakeSource src;
  src.set(std::string(kV2) +
          "kind: Silence\nmetadata: {name: s}\nspec: {matcher: {}, duration: forever}\n");
  SnapshotStore store;
  ConfigReloader r(src, store, nullptr, registry);
  auto out = r.initial();
  EXPECT_FALSE(out.ok);
  EXPECT_FALSE(store.current());
  EXPECT_EQ(r.status().skipped, 0u);
}

std::string tenantReceiver(const std::string& name, const std::string& url) {
  return std::string(kV2) + "kind: Receiver\nmetadata: {name: " + name +
         ", labels: {type: tenant, namespace: " + name + "}}\nspec: {webhook: {url: '" + url +
         "'}}\n";
}

double objectsSkippedMetric() {
  return registry.gauge("nm_config_objects_skipped", "").with({}).value();
}

TEST(ReloaderWithFakeSource, SkipsAnInvalidReceiverAndBuildsTheOthers) {
  FakeSource src;
  model::Diagnostics decodeSkipped;
  decodeSkipped.error(model::Origin::apiObject("Silence", "", "s", "9"), "spec.duration",
                      "not a duration");
  src.skipInvalid(decodeSkipped);
  src.set(tenantReceiver("a", "http://127.0.0.1:1/") + "---\n" +
          tenantReceiver("bad", "ftp://nowhere/") + "---\n" +
          tenantReceiver("c", "http://127.0.0.1:1/"));
  SnapshotStore store;
  auto http = nullHttpClient();
  ConfigReloader r(src, store, &nm::test::servicesFor(http), registry);
  auto out = r.initial();
  ASSERT_TRUE(out.ok) << out.error;
  SnapshotPtr s = store.current();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->receivers.size(), 2u);
  EXPECT_TRUE(s->receiversByKey.count("webhook/a"));
  EXPECT_TRUE(s->receiversByKey.count("webhook/c"));
  EXPECT_FALSE(s->receiversByKey.count("webhook/bad"));
  EXPECT_TRUE(s->receiversByKey.at("webhook/a")->notifier);
  // Reported back to the source, on the status (for /-/ready) and in the gauge: the source's
  // skip and the builder's.
  const auto reported = src.reported();
  ASSERT_EQ(reported.size(), 1u);
  EXPECT_TRUE(hasDiag(reported[0], "Receiver/bad"));
  EXPECT_TRUE(hasDiag(reported[0], "Silence s"));
  const ReloadStatus st = r.status();
  EXPECT_TRUE(st.lastError.empty());
  ASSERT_EQ(st.skippedObjects.size(), 2u);
  EXPECT_NE(st.skippedObjects[0].find("Silence s (resourceVersion 9): spec.duration"),
            std::string::npos)
      << st.skippedObjects[0];
  EXPECT_NE(st.skippedObjects[1].find("Receiver/bad): spec.webhook.url"), std::string::npos)
      << st.skippedObjects[1];
  EXPECT_EQ(objectsSkippedMetric(), 2.0);

  // Fixed: nothing is skipped any more, the receiver is delivered to again.
  src.skipInvalid();
  src.set(tenantReceiver("a", "http://127.0.0.1:1/") + "---\n" +
          tenantReceiver("bad", "http://127.0.0.1:2/") + "---\n" +
          tenantReceiver("c", "http://127.0.0.1:1/"));
  ASSERT_TRUE(r.reload().ok);
  EXPECT_EQ(store.current()->receivers.size(), 3u);
  EXPECT_TRUE(r.status().skippedObjects.empty());
  EXPECT_EQ(objectsSkippedMetric(), 0.0);
  EXPECT_EQ(src.reported().size(), 2u);
  EXPECT_TRUE(src.reported().back().ok());
}

TEST(ReloaderWithFakeSource, AnInvalidNotificationManagerRefusesEvenWhenSkipping) {
  FakeSource src;
  src.skipInvalid();
  const std::string good = tenantReceiver("a", "http://127.0.0.1:1/");
  src.set(good);
  SnapshotStore store;
  ConfigReloader r(src, store, nullptr, registry);
  ASSERT_TRUE(r.initial().ok);
  SnapshotPtr v1 = store.current();
  // The NotificationManager's template ConfigMap is missing: no single object can be left out.
  src.set(good + "---\n" + std::string(kV2) +
          "kind: NotificationManager\nmetadata: {name: nm}\nspec: {template: {text: {name: "
          "nope, namespace: default}}}\n");
  auto out = r.reload();
  EXPECT_FALSE(out.ok);
  EXPECT_NE(out.error.find("NotificationManager/nm): spec.template.text"), std::string::npos)
      << out.error;
  EXPECT_EQ(store.current(), v1);
  EXPECT_EQ(src.reported().size(), 1u);  // only the first, successful build
  // A template that does not parse: its ConfigMap is blamed, then the NotificationManager misses
  // it; refused, with both reasons.
  src.set(good + "---\n" + std::string(kV2) +
          "kind: NotificationManager\nmetadata: {name: nm}\nspec: {template: {text: {name: "
          "tpl, namespace: default}}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: "
          "tpl, namespace: default}\ndata: {t: '{{ if }}'}\n");
  out = r.reload();
  EXPECT_FALSE(out.ok);
  EXPECT_NE(out.error.find("ConfigMap/tpl): data.t"), std::string::npos) << out.error;
  EXPECT_NE(out.error.find("ConfigMap default/tpl not found"), std::string::npos) << out.error;
  EXPECT_EQ(store.current(), v1);
}

}  // namespace
}  // namespace nm::config::test
