// NatsStateBackend against a real nats-server -js (skipped when it is not installed): two backends
// as two replicas see each other's writes (not their own), erases, load, a batch past the
// publishes in flight, a late watcher's resync and the resync after the server restarts.
#include "persist/nats_state_backend.h"

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <thread>

#include "nats/nats_kv_key.h"
#include "nats_test_server.h"

namespace nm::persist {
namespace {

using namespace std::chrono_literals;

struct Seen {
  std::mutex mu;
  std::map<std::string, std::string> last;
  size_t calls = 0;
  StateWatch fn() {
    return [this](std::string_view k, std::optional<std::string_view> v) {
      std::lock_guard<std::mutex> g(mu);
      last[std::string(k)] = v ? std::string(*v) : "<erased>";
      ++calls;
    };
  }
  bool has(const std::string& k, const std::string& v) {
    std::lock_guard<std::mutex> g(mu);
    auto it = last.find(k);
    return it != last.end() && it->second == v;
  }
  size_t count() {
    std::lock_guard<std::mutex> g(mu);
    return calls;
  }
};

template <class F>
bool eventually(F f, std::chrono::milliseconds deadline = 10s) {
  auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    if (f()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return f();
}

class NatsStateBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!nm::testing::natsServerBinary()) GTEST_SKIP() << "nats-server not installed";
    ASSERT_TRUE(server_.start());
  }
  std::unique_ptr<NatsStateBackend> backend(const std::string& id) {
    NatsStateOptions o;
    o.connect.url.servers = {{"127.0.0.1", server_.port()}};
    o.connect.timeout = 2s;
    o.replicaId = id;
    auto b = std::make_unique<NatsStateBackend>(o, metrics_);
    std::string error;
    EXPECT_TRUE(b->start(error)) << error;
    return b;
  }
  static void loadAll(NatsStateBackend& b, StateTable t, std::map<std::string, std::string>& got) {
    std::string error;
    ASSERT_TRUE(b.load(
        t, [&](std::string_view k, std::string_view v) { got[std::string(k)] = std::string(v); },
        error))
        << error;
  }

  nm::testing::NatsTestServer server_;
  metrics::Registry metrics_;
};

TEST(NatsKvKey, HexRoundTripsAnyBytes) {
  const std::string key = "recv\ngroup/1:{a=\"b\"}";
  const std::string enc = natsKvKey(key);
  EXPECT_EQ(enc.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(natsKvKeyDecode(enc), key);
  EXPECT_FALSE(natsKvKeyDecode("zz"));
  EXPECT_FALSE(natsKvKeyDecode("abc"));
}

TEST_F(NatsStateBackendTest, OtherReplicasWritesReachTheWatcherOwnDoNot) {
  auto a = backend("replica-a");
  auto b = backend("replica-b");
  EXPECT_EQ(a->name(), "nats:127.0.0.1:" + std::to_string(server_.port()));
  std::map<std::string, std::string> none;
  loadAll(*a, StateTable::NotificationLog, none);
  loadAll(*b, StateTable::NotificationLog, none);
  Seen seenA, seenB;
  a->watch(StateTable::NotificationLog, seenA.fn());
  b->watch(StateTable::NotificationLog, seenB.fn());
  // A key with a newline, a slash and a colon (the notification log's keys carry them).
  a->put(StateTable::NotificationLog, "recv\ngroup/1:x", "v1");
  a->put(StateTable::Alerts, "ignored", "not watched by b");
  ASSERT_TRUE(eventually([&] { return seenB.has("recv\ngroup/1:x", "v1"); }));
  a->put(StateTable::NotificationLog, "recv\ngroup/1:x", "v2");
  ASSERT_TRUE(eventually([&] { return seenB.has("recv\ngroup/1:x", "v2"); }));
  a->erase(StateTable::NotificationLog, "recv\ngroup/1:x");
  ASSERT_TRUE(eventually([&] { return seenB.has("recv\ngroup/1:x", "<erased>"); }));
  const size_t bCalls = seenB.count();
  b->put(StateTable::NotificationLog, "k2", "from b");
  ASSERT_TRUE(eventually([&] { return seenA.has("k2", "from b"); }));
  b->flush();
  // The marker written after b's own write: b was told of the marker only.
  a->put(StateTable::NotificationLog, "marker", "m");
  ASSERT_TRUE(eventually([&] { return seenB.has("marker", "m"); }));
  EXPECT_EQ(seenB.count(), bCalls + 1);
  EXPECT_EQ(seenA.count(), 1u);  // a never saw its own writes
}

TEST_F(NatsStateBackendTest, LoadReadsEveryRecordWithoutErasedOnes) {
  auto a = backend("replica-a");
  for (int i = 0; i < 300; ++i)
    a->put(StateTable::Silences, "s" + std::to_string(i), "v" + std::to_string(i));
  a->erase(StateTable::Silences, "s7");
  a->flush();
  EXPECT_EQ(a->pending(), 0u);
  auto b = backend("replica-b");
  std::map<std::string, std::string> got;
  loadAll(*b, StateTable::Silences, got);
  EXPECT_EQ(got.size(), 299u);
  EXPECT_EQ(got["s42"], "v42");
  EXPECT_FALSE(got.count("s7"));
  std::map<std::string, std::string> empty;
  loadAll(*b, StateTable::Alerts, empty);  // an empty bucket ends at once
  EXPECT_TRUE(empty.empty());
}

TEST_F(NatsStateBackendTest, ABatchPastThePublishesInFlightIsWrittenWhole) {
  // More records than the writer keeps in flight, in two tables, erases among them: one batch of
  // pipelined publishes, every record stored with its revision, none lost.
  auto a = backend("replica-a");
  const int n = 3 * 4096 + 17;
  for (int i = 0; i < n; ++i) {
    a->put(StateTable::Alerts, "a" + std::to_string(i), "v" + std::to_string(i));
    if (i % 10 == 0) a->put(StateTable::NotificationLog, "n" + std::to_string(i), "x");
  }
  for (int i = 0; i < n; i += 100) a->erase(StateTable::Alerts, "a" + std::to_string(i));
  a->flush();
  EXPECT_EQ(a->pending(), 0u);
  auto b = backend("replica-b");
  std::map<std::string, std::string> alerts, nflog;
  loadAll(*b, StateTable::Alerts, alerts);
  loadAll(*b, StateTable::NotificationLog, nflog);
  EXPECT_EQ(alerts.size(), static_cast<size_t>(n - (n + 99) / 100));
  EXPECT_EQ(alerts["a12304"], "v12304");
  EXPECT_FALSE(alerts.count("a12300"));
  EXPECT_EQ(nflog.size(), static_cast<size_t>((n + 9) / 10));
  // a's own writes, known with their revisions, are not delivered back to it; b's are.
  Seen seen;
  a->watch(StateTable::Alerts, seen.fn());
  b->put(StateTable::Alerts, "a1", "from b");
  ASSERT_TRUE(eventually([&] { return seen.has("a1", "from b"); }));
  EXPECT_EQ(seen.count(), 1u);
}

TEST_F(NatsStateBackendTest, LateWatcherIsResyncedWithWhatItDidNotLoad) {
  auto a = backend("replica-a");
  a->put(StateTable::Alerts, "k1", "old");
  a->put(StateTable::Alerts, "k3", "doomed");
  a->flush();
  auto b = backend("replica-b");
  std::map<std::string, std::string> got;
  loadAll(*b, StateTable::Alerts, got);
  ASSERT_EQ(got.size(), 2u);
  // Written between b's load and its watch: the first registration's resync delivers it.
  a->put(StateTable::Alerts, "k1", "new");
  a->put(StateTable::Alerts, "k2", "added");
  a->erase(StateTable::Alerts, "k3");
  a->flush();
  Seen seen;
  b->watch(StateTable::Alerts, seen.fn());
  ASSERT_TRUE(eventually([&] {
    return seen.has("k1", "new") && seen.has("k2", "added") && seen.has("k3", "<erased>");
  }));
}

TEST_F(NatsStateBackendTest, ServerRestartResyncsAndWritesResume) {
  auto a = backend("replica-a");
  auto b = backend("replica-b");
  std::map<std::string, std::string> none;
  loadAll(*b, StateTable::Silences, none);
  Seen seen;
  b->watch(StateTable::Silences, seen.fn());
  a->put(StateTable::Silences, "s1", "v1");
  ASSERT_TRUE(eventually([&] { return seen.has("s1", "v1"); }));
  server_.stop();
  a->put(StateTable::Silences, "s2", "written while down");  // stays pending, retried
  ASSERT_TRUE(server_.start());
  ASSERT_TRUE(eventually([&] { return seen.has("s2", "written while down"); }, 20s));
  a->put(StateTable::Silences, "s1", "after");
  ASSERT_TRUE(eventually([&] { return seen.has("s1", "after"); }, 10s));
}

}  // namespace
}  // namespace nm::persist
