// The reloader over a DirectorySource: initial load, version bumps, a bad edit keeps the running
// snapshot and records the error, a new file is picked up (directly and through the watcher).
#include "config/config_reloader.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "config/directory_source.h"
#include "config_test_util.h"
#include "observe/metrics.h"
#include "wait_for.h"

namespace nm::config::test {
namespace {

metrics::Registry registry;  // the reloaders' metrics

std::string globalReceiver(const std::string& name) {
  return std::string(kV2) + "kind: Receiver\nmetadata: {name: " + name +
         ", labels: {type: global}}\nspec: {webhook: {url: 'http://127.0.0.1:1/'}}\n";
}

TEST(ConfigReloader, InitialAndReload) {
  TempDir d;
  d.write("a.yaml", globalReceiver("a"));
  SnapshotStore store;
  DirectorySource src(d.path());
  ConfigReloader r(src, store, nullptr, registry);
  auto out = r.initial();
  ASSERT_TRUE(out.ok) << out.error;
  ASSERT_TRUE(store.current());
  EXPECT_EQ(store.current()->version, 1u);
  EXPECT_EQ(store.current()->source, "dir:" + d.path());
  EXPECT_EQ(r.status().version, 1u);

  d.write("b.yaml", globalReceiver("b"));
  ASSERT_TRUE(r.reload().ok);
  EXPECT_EQ(store.current()->version, 2u);
  EXPECT_EQ(store.current()->receivers.size(), 2u);
}

TEST(ConfigReloader, BadEditKeepsSnapshotAndRecordsError) {
  TempDir d;
  d.write("a.yaml", globalReceiver("a"));
  SnapshotStore store;
  DirectorySource src(d.path());
  ConfigReloader r(src, store, nullptr, registry);
  ASSERT_TRUE(r.initial().ok);
  SnapshotPtr before = store.current();

  const std::string bad = d.write("bad.yaml", std::string(kV2) +
                                                  "kind: Silence\nmetadata: {name: s}\n"
                                                  "spec: {matcher: {}, duration: forever}\n");
  auto out = r.reload();
  EXPECT_FALSE(out.ok);
  EXPECT_NE(out.error.find(bad + ": document 1 (Silence/s): spec.duration"), std::string::npos)
      << out.error;
  EXPECT_EQ(store.current(), before);
  auto st = r.status();
  EXPECT_EQ(st.version, 1u);
  EXPECT_EQ(st.lastError, out.error);
  EXPECT_NE(st.lastErrorTime, kZeroTime);

  // Reverted: the content is the running snapshot's again, so nothing is rebuilt and the
  // refusal is no longer reported.
  std::filesystem::remove(bad);
  auto reverted = r.reload();
  ASSERT_TRUE(reverted.ok);
  EXPECT_TRUE(reverted.skipped);
  EXPECT_EQ(store.current(), before);
  EXPECT_TRUE(r.status().lastError.empty());
}

TEST(ConfigReloader, InitialFailure) {
  SnapshotStore store;
  DirectorySource src("/nonexistent/nm-dir");
  ConfigReloader r(src, store, nullptr, registry);
  auto out = r.initial();
  EXPECT_FALSE(out.ok);
  EXPECT_FALSE(out.error.empty());
  EXPECT_FALSE(store.current());
}

bool hasReceivers(const SnapshotStore& store, size_t receivers) {
  auto s = store.current();
  return s && s->receivers.size() == receivers;
}

void watcherPicksUpNewFile(bool polling) {
  TempDir d;
  const std::string a = globalReceiver("a");
  d.write("a.yaml", a);
  SnapshotStore store;
  DirectoryWatcher::Options opts;
  opts.debounce = std::chrono::milliseconds(50);
  opts.pollInterval = std::chrono::milliseconds(50);
  opts.forcePolling = polling;
  DirectorySource src(d.path(), opts);
  ConfigReloader r(src, store, nullptr, registry);
  ASSERT_TRUE(r.initial().ok);
  r.start();
  // The watcher is armed once it reports a change: edit a.yaml (a growing comment, so size and
  // mtime differ each time; polling takes its first fingerprint after start) until a reload
  // publishes version 2. Only then is a missed new file the watcher's fault.
  std::string comment;
  ASSERT_TRUE(nm::test::waitFor([&] {
    if (r.status().version >= 2) return true;
    comment += "#";
    d.write("a.yaml", a + comment + "\n");
    return nm::test::waitFor([&] { return r.status().version >= 2; },
                             std::chrono::milliseconds(200));
  })) << "the watcher never reported an edit of a.yaml";
  d.write("sub/b.yaml", globalReceiver("b"));
  EXPECT_TRUE(nm::test::waitFor([&] { return hasReceivers(store, 2); }))
      << "sub/b.yaml was not picked up";
  r.stop();
}

TEST(ConfigReloader, WatcherInotify) {
  watcherPicksUpNewFile(false);
}
TEST(ConfigReloader, WatcherPolling) {
  watcherPicksUpNewFile(true);
}

}  // namespace
}  // namespace nm::config::test
