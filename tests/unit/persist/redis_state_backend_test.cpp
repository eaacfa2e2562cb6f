// RedisStateBackend against a real redis-server (skipped when it is not installed): two backends
// as two replicas — writes reach the other's watcher (not the writer's own), erases arrive as
// nullopt, load reads every record, and a watcher registered late is resynced.
#include "persist/redis_state_backend.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <mutex>
#include <thread>

extern char** environ;

namespace nm::persist {
namespace {

using namespace std::chrono_literals;

int freePort() {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t n = sizeof a;
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &n);
  close(s);
  return ntohs(a.sin_port);
}

// What a watcher was told, by key ("<erased>" for nullopt).
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

class RedisStateBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access("/usr/bin/redis-server", X_OK) != 0) GTEST_SKIP() << "redis-server not installed";
    port_ = freePort();
    std::string port = std::to_string(port_);
    std::vector<std::string> args = {
        "redis-server", "--port", port,    "--bind", "127.0.0.1", "--save",   "",
        "--appendonly", "no",     "--dir", "/tmp",   "--logfile", "/dev/null"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ASSERT_EQ(posix_spawn(&pid_, "/usr/bin/redis-server", nullptr, nullptr, argv.data(), environ),
              0);
    RedisConnection probe(url(), 1s);
    std::string err;
    bool refused = false;
    for (int i = 0; i < 200 && !probe.connect(err, refused); ++i) std::this_thread::sleep_for(20ms);
    ASSERT_TRUE(probe.connected()) << err;
  }
  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  RedisUrl url() const {
    RedisUrl u;
    u.port = port_;
    return u;
  }
  std::unique_ptr<RedisStateBackend> backend(const std::string& id) {
    RedisStateOptions o;
    o.url = url();
    o.replicaId = id;
    o.subscriberPoll = 20ms;
    return std::make_unique<RedisStateBackend>(o, metrics_);
  }

  int port_ = 0;
  pid_t pid_ = -1;
  metrics::Registry metrics_;
};

TEST_F(RedisStateBackendTest, OtherReplicasWritesReachTheWatcherOwnDoNot) {
  auto a = backend("replica-a");
  auto b = backend("replica-b");
  EXPECT_EQ(a->name(), "redis:127.0.0.1:" + std::to_string(port_));
  Seen seenA, seenB;
  a->watch(StateTable::NotificationLog, seenA.fn());
  b->watch(StateTable::NotificationLog, seenB.fn());
  // A key with a newline and a colon (the notification log's keys carry both).
  a->put(StateTable::NotificationLog, "recv\ngroup:1", "v1");
  a->put(StateTable::Alerts, "ignored", "not watched by b");
  ASSERT_TRUE(eventually([&] { return seenB.has("recv\ngroup:1", "v1"); }));
  a->put(StateTable::NotificationLog, "recv\ngroup:1", "v2");
  ASSERT_TRUE(eventually([&] { return seenB.has("recv\ngroup:1", "v2"); }));
  a->erase(StateTable::NotificationLog, "recv\ngroup:1");
  ASSERT_TRUE(eventually([&] { return seenB.has("recv\ngroup:1", "<erased>"); }));
  // b writes: a is told, and b's own write is not delivered back to b.
  const size_t bCalls = seenB.count();
  b->put(StateTable::NotificationLog, "k2", "from b");
  ASSERT_TRUE(eventually([&] { return seenA.has("k2", "from b"); }));
  b->flush();
  a->put(StateTable::NotificationLog, "marker", "m");
  ASSERT_TRUE(eventually([&] { return seenB.has("marker", "m"); }));
  EXPECT_EQ(seenB.count(), bCalls + 1);  // the marker only
  EXPECT_EQ(seenA.count(), 1u);          // a never saw its own writes
}

TEST_F(RedisStateBackendTest, LoadReadsEveryRecordAndFlushWaits) {
  auto a = backend("replica-a");
  for (int i = 0; i < 2500; ++i)
    a->put(StateTable::Silences, "s" + std::to_string(i), "v" + std::to_string(i));
  a->erase(StateTable::Silences, "s7");
  a->flush();
  EXPECT_EQ(a->pending(), 0u);
  auto b = backend("replica-b");
  std::map<std::string, std::string> got;
  std::string error;
  ASSERT_TRUE(b->load(
      StateTable::Silences,
      [&](std::string_view k, std::string_view v) { got[std::string(k)] = std::string(v); }, error))
      << error;
  EXPECT_EQ(got.size(), 2499u);
  EXPECT_EQ(got["s42"], "v42");
  EXPECT_FALSE(got.count("s7"));
}

TEST_F(RedisStateBackendTest, LateWatcherIsResyncedWithWhatItDidNotLoad) {
  auto a = backend("replica-a");
  a->put(StateTable::Alerts, "k1", "old");
  a->flush();
  auto b = backend("replica-b");
  std::string error;
  ASSERT_TRUE(b->load(
      StateTable::Alerts, [](std::string_view, std::string_view) {}, error));
  // Written between b's load and its watch: the first registration's resync delivers it.
  a->put(StateTable::Alerts, "k1", "new");
  a->put(StateTable::Alerts, "k2", "added");
  a->flush();
  Seen seen;
  b->watch(StateTable::Alerts, seen.fn());
  ASSERT_TRUE(eventually([&] { return seen.has("k1", "new") && seen.has("k2", "added"); }));
}

TEST_F(RedisStateBackendTest, UnreachableRedisFailsLoadAndKeepsWritesPending) {
  RedisStateOptions o;
  RedisUrl u;
  u.port = freePort();  // nothing listens
  o.url = u;
  o.flushTimeout = 200ms;
  RedisStateBackend b(o, metrics_);
  std::string error;
  EXPECT_FALSE(b.load(
      StateTable::Alerts, [](std::string_view, std::string_view) {}, error));
  EXPECT_NE(error.find("redis:127.0.0.1:"), std::string::npos) << error;
  b.put(StateTable::Alerts, "k", "v");
  b.flush();  // gives up after flushTimeout
  EXPECT_EQ(b.pending(), 1u);
}

}  // namespace
}  // namespace nm::persist
