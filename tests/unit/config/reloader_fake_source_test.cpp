// The reloader against a fake ConfigSource (no directory): a change publishes a new snapshot,
// the same content is skipped and counted, a refused load keeps the last good snapshot.
#include <gtest/gtest.h>

#include <functional>
#include <mutex>

#include "config/config_reloader.h"
#include "config/secret_resolver.h"
#include "config_test_util.h"
#include "observe/metrics.h"

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
    return out;
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

}  // namespace
}  // namespace nm::config::test
