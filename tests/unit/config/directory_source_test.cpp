// DirectorySource: files the loader does not read (a log file, notes, swap files) cause no
// reload, a burst of writes is one or a few reloads, a rewrite with the same bytes is skipped.
#include "config/directory_source.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "config/config_reloader.h"
#include "config_test_util.h"
#include "observe/metrics.h"

namespace nm::config::test {
namespace {

metrics::Registry registry;  // the reloaders' metrics

using namespace std::chrono_literals;

std::string receiver(const std::string& name, int port = 1) {
  return std::string(kV2) + "kind: Receiver\nmetadata: {name: " + name +
         ", labels: {type: global}}\nspec: {webhook: {url: 'http://127.0.0.1:" +
         std::to_string(port) + "/'}}\n";
}

// Counts the source's change calls (each one runs a reload) and lets a test wait for them.
class Changes {
 public:
  std::function<void()> callback(ConfigReloader& r) {
    return [this, &r] {
      r.reload();
      std::lock_guard<std::mutex> g(mu_);
      ++count_;
      if (!markerWritten_) ++beforeMarker_;
      cv_.notify_all();
    };
  }
  // True when `pred(count)` held before `timeout`.
  template <class Pred>
  bool waitFor(std::chrono::milliseconds timeout, Pred pred) {
    std::unique_lock<std::mutex> g(mu_);
    return cv_.wait_for(g, timeout, [&] { return pred(count_); });
  }
  void markerWritten() {
    std::lock_guard<std::mutex> g(mu_);
    markerWritten_ = true;
  }
  int count() {
    std::lock_guard<std::mutex> g(mu_);
    return count_;
  }
  int beforeMarker() {
    std::lock_guard<std::mutex> g(mu_);
    return beforeMarker_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int count_ = 0;
  int beforeMarker_ = 0;
  bool markerWritten_ = false;
};

bool waitUntil(std::chrono::milliseconds timeout, const std::function<bool()>& pred) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);  // polling a condition, bounded by the deadline
  }
  return true;
}

bool hasReceiver(const SnapshotStore& store, const std::string& key) {
  auto s = store.current();
  return s && s->receiversByKey.count(key) > 0;
}

struct Fixture {
  explicit Fixture(DirectoryWatcher::Options o)
      : src(dir.path(), o), reloader(src, store, nullptr, registry) {}
  void startWatching() {
    ASSERT_TRUE(reloader.initial().ok);
    src.watch(changes.callback(reloader));
    ASSERT_TRUE(waitUntil(5s, [&] { return src.usingInotify(); })) << "inotify not armed";
  }
  TempDir dir;
  Changes changes;  // outlives the source, whose watcher thread calls into it
  SnapshotStore store;
  DirectorySource src;
  ConfigReloader reloader;
};

TEST(DirectorySource, FilesTheLoaderDoesNotReadCauseNoReload) {
  DirectoryWatcher::Options o;
  o.debounce = 20ms;
  o.maxDelay = 50ms;
  Fixture f(o);
  f.dir.write("a.yaml", receiver("a"));
  f.startWatching();

  // A daemon log, notes and an editor's swap file written for much longer than maxDelay: had any
  // of them counted, a change call would have come during this wait.
  std::ofstream log(std::filesystem::path(f.dir.path()) / "nm.log", std::ios::app);
  const auto until = std::chrono::steady_clock::now() + 400ms;
  bool reloaded = false;
  for (int i = 0; !reloaded && std::chrono::steady_clock::now() < until; ++i) {
    log << "level=info msg=\"line " << i << "\"\n" << std::flush;
    f.dir.write("notes.txt", "note " + std::to_string(i));
    f.dir.write(".a.yaml.swp", "swap " + std::to_string(i));
    reloaded = f.changes.waitFor(10ms, [](int n) { return n > 0; });
  }
  EXPECT_FALSE(reloaded);

  // The marker: a config file is noticed, and it is the first change call.
  f.changes.markerWritten();
  f.dir.write("b.yaml", receiver("b"));
  ASSERT_TRUE(f.changes.waitFor(10s, [](int n) { return n >= 1; }));
  EXPECT_EQ(f.changes.beforeMarker(), 0);
  EXPECT_TRUE(hasReceiver(f.store, "webhook/b"));
  EXPECT_EQ(f.store.current()->version, 2u);
}

TEST(DirectorySource, BurstOfWritesIsAFewReloads) {
  DirectoryWatcher::Options o;  // the daemon's debounce and max delay
  Fixture f(o);
  f.dir.write("a.yaml", receiver("a"));
  f.startWatching();

  for (int i = 0; i < 49; ++i) f.dir.write("a.yaml", receiver("a", 1000 + i));
  f.dir.write("a.yaml", receiver("final"));
  ASSERT_TRUE(waitUntil(20s, [&] { return hasReceiver(f.store, "webhook/final"); }));
  // The snapshot can be published before the change call that made it is counted: wait for it.
  ASSERT_TRUE(f.changes.waitFor(10s, [](int n) { return n >= 1; }));
  // The marker: a later change is seen after the burst's calls are all done.
  f.changes.markerWritten();
  f.dir.write("c.yaml", receiver("c"));
  ASSERT_TRUE(waitUntil(20s, [&] { return hasReceiver(f.store, "webhook/c"); }));
  const int burst = f.changes.beforeMarker();
  EXPECT_GE(burst, 1);
  EXPECT_LE(burst, 3) << "50 writes in a burst gave " << burst << " reloads";
}

TEST(DirectorySource, RewriteWithSameBytesIsSkipped) {
  DirectoryWatcher::Options o;
  o.debounce = 20ms;
  Fixture f(o);
  const std::string a = f.dir.write("a.yaml", receiver("a"));
  f.startWatching();
  SnapshotPtr v1 = f.store.current();

  f.dir.write("a.yaml", receiver("a"));
  std::filesystem::last_write_time(a, std::filesystem::file_time_type::clock::now());
  ASSERT_TRUE(f.changes.waitFor(10s, [](int n) { return n >= 1; }));
  EXPECT_EQ(f.store.current(), v1);
  EXPECT_GE(f.reloader.status().skipped, 1u);
  EXPECT_TRUE(f.reloader.status().lastError.empty());
}

TEST(DirectorySource, ChangedTemplateFileIsAChangeTouchedConfigIsNot) {
  TempDir dir;
  const std::string tmpl = dir.write("tmpl/extra.tmpl", "{{ define \"x\" }}one{{ end }}");
  dir.write("nm.yaml", std::string(kV2) +
                           "kind: NotificationManager\nmetadata: {name: nm}\nspec:\n"
                           "  receivers:\n    options:\n      global: {templateFile: [\"" +
                           tmpl + "\"]}\n");
  dir.write("a.yaml", receiver("a"));
  DirectorySource src(dir.path());
  SnapshotStore store;
  ConfigReloader r(src, store, nullptr, registry);
  ASSERT_TRUE(r.initial().ok);

  auto same = r.reload();
  EXPECT_TRUE(same.ok && same.skipped);
  EXPECT_EQ(store.current()->version, 1u);

  // The builder reads template files, so their bytes are part of the content.
  dir.write("tmpl/extra.tmpl", "{{ define \"x\" }}two{{ end }}");
  auto changed = r.reload();
  EXPECT_TRUE(changed.ok);
  EXPECT_FALSE(changed.skipped);
  EXPECT_EQ(store.current()->version, 2u);
}

}  // namespace
}  // namespace nm::config::test
