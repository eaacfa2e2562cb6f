// RedisQueue against a real redis-server (skipped when it is not installed): push then pull in
// batches, a nack redelivers the batch whole with deliveries + 1 after its delay, a second settle
// is ignored, the length follows acks, and close hands out what is held then ends pull. A push
// is one entry per partition; batches hold whole entries; entries written before packing (one
// alert each) still read; an undecodable packed entry is dead-lettered whole; a failed take-over
// scan of a newly owned partition is tried again.
#include "queue/redis_queue.h"

#include "core/alert_codec.h"
#include "queue/alert_pack.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <future>
#include <thread>

extern char** environ;

namespace nm {
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

class RedisQueueTest : public ::testing::Test {
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
    RedisUrl url;
    url.port = port_;
    RedisConnection probe(url, 1s);
    std::string err;
    bool refused = false;
    for (int i = 0; i < 200 && !probe.connect(err, refused); ++i) std::this_thread::sleep_for(20ms);
    ASSERT_TRUE(probe.connected()) << err;
  }
  void TearDown() override {
    queue_.reset();
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  RedisQueue& queue(size_t maxLen = 100, uint32_t partitions = 16) {
    RedisQueueOptions o;
    o.url.port = port_;
    o.maxLen = maxLen;
    o.partitions = partitions;
    queue_ = std::make_unique<RedisQueue>(o, metrics_);
    std::string err;
    EXPECT_TRUE(queue_->start(err)) << err;
    return *queue_;
  }
  static AlertList alerts(int n, const std::string& prefix) {
    AlertList out;
    for (int i = 0; i < n; ++i) {
      Alert a;
      a.labels = {{"alertname", prefix + std::to_string(i)}};
      a.format = IngestFormat::AlertArray;
      finalizeIdentity(a);
      out.push_back(std::make_shared<const Alert>(std::move(a)));
    }
    return out;
  }

  // One push per alert: one entry each.
  static void pushEach(RedisQueue& q, const AlertList& list) {
    for (const AlertPtr& a : list) ASSERT_EQ(q.push({a}, 0s), PushResult::Accepted);
  }
  RedisReply run(const RedisCommand& cmd) {
    RedisUrl url;
    url.port = port_;
    RedisConnection c(url, 1s);
    std::string err;
    bool refused = false;
    EXPECT_TRUE(c.connect(err, refused)) << err;
    RedisReply r = c.run(cmd, err);
    EXPECT_TRUE(r) << err;
    return r;
  }

  metrics::Registry metrics_;
  int port_ = 0;
  pid_t pid_ = -1;
  std::unique_ptr<RedisQueue> queue_;
};

TEST_F(RedisQueueTest, PushPullAckInBatches) {
  RedisQueue& q = queue();
  pushEach(q, alerts(5, "a"));
  EXPECT_EQ(q.size(), 5u);
  auto b = q.pull(3, 10s);  // full at 3: no waiting
  ASSERT_TRUE(b);
  ASSERT_EQ(b->alerts.size(), 3u);
  EXPECT_EQ(b->alerts[0]->labels.get("alertname"), "a0");
  EXPECT_EQ(b->alerts[0]->format, IngestFormat::AlertArray);
  EXPECT_EQ(b->deliveries, 1u);
  auto rest = q.pull(3, 50ms);  // 2 left: due after maxWait
  ASSERT_TRUE(rest);
  EXPECT_EQ(rest->alerts.size(), 2u);
  q.ack(*b);
  q.ack(*b);  // ignored
  q.ack(*rest);
  auto deadline = now() + 5s;
  while (q.size() != 0 && now() < deadline) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(q.size(), 0u);
}

TEST_F(RedisQueueTest, NackRedeliversWholeAfterDelayWithDeliveriesPlusOne) {
  RedisQueue& q = queue();
  pushEach(q, alerts(2, "n"));
  auto b = q.pull(2, 1s);
  ASSERT_TRUE(b);
  TimePoint nacked = now();
  q.nack(*b, 300ms);
  q.nack(*b, 0s);  // a second settle is ignored
  auto again = q.pull(10, 50ms);
  ASSERT_TRUE(again);
  EXPECT_GE(now() - nacked, 300ms);
  EXPECT_EQ(again->alerts.size(), 2u);
  EXPECT_EQ(again->deliveries, 2u);
  EXPECT_EQ(q.size(), 2u);  // still in the stream until acked
  q.ack(*again);
}

TEST_F(RedisQueueTest, FullOverMaxLenAndCloseEndsPull) {
  RedisQueue& q = queue(3);
  pushEach(q, alerts(3, "f"));
  EXPECT_EQ(q.push(alerts(1, "g"), 0s), PushResult::Full);
  EXPECT_EQ(q.push(alerts(4, "h"), 0s), PushResult::Full);
  auto b = q.pull(1, 1s);
  ASSERT_TRUE(b);
  q.close();
  EXPECT_EQ(q.push(alerts(1, "i"), 0s), PushResult::Closed);
  q.nack(*b, 1h);  // once closed, held batches are due at once
  auto again = q.pull(10, 1s);
  ASSERT_TRUE(again);
  q.ack(*again);
  // Unread entries stay in the stream for the next start; pull ends.
  EXPECT_FALSE(q.pull(10, 1s));
}

TEST_F(RedisQueueTest, UnreachableServerAnswersUnavailable) {
  RedisQueueOptions o;
  o.url.port = freePort();  // nothing listens
  o.commandTimeout = 500ms;
  RedisQueue q(o, metrics_);
  std::string err;
  ASSERT_TRUE(q.start(err)) << err;
  EXPECT_EQ(q.push(alerts(1, "u"), 0s), PushResult::Unavailable);
  EXPECT_FALSE(q.available());
  EXPECT_NE(q.unavailableReason().find("127.0.0.1:" + std::to_string(o.url.port)),
            std::string::npos)
      << q.unavailableReason();
  EXPECT_NE(metrics_.render().find("nm_queue_backend_up 0"), std::string::npos);
}

TEST_F(RedisQueueTest, ServerStoppedIsUnavailableWithAReason) {
  RedisQueue& q = queue();
  EXPECT_TRUE(q.available());
  EXPECT_EQ(q.unavailableReason(), "");
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
  auto deadline = now() + 10s;
  while (q.available() && now() < deadline) std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(q.available());
  EXPECT_FALSE(q.unavailableReason().empty());
  std::string text = metrics_.render();
  EXPECT_NE(text.find("nm_queue_backend_up 0"), std::string::npos) << text;
}

TEST_F(RedisQueueTest, MetricsCountRoundTripsAndRedeliveries) {
  RedisQueue& q = queue();
  ASSERT_EQ(q.push(alerts(2, "m"), 0s), PushResult::Accepted);
  auto b = q.pull(2, 5s);
  ASSERT_TRUE(b);
  q.nack(*b, 0s);
  auto again = q.pull(2, 5s);
  ASSERT_TRUE(again);
  q.ack(*again);
  auto deadline = now() + 5s;
  while (q.size() != 0 && now() < deadline) std::this_thread::sleep_for(20ms);
  std::string text = metrics_.render();
  EXPECT_NE(text.find("nm_queue_backend_latency_seconds_count{op=\"push\"} 1"), std::string::npos)
      << text;
  EXPECT_NE(text.find("nm_queue_backend_latency_seconds_count{op=\"ack\"} 1"), std::string::npos)
      << text;
  EXPECT_NE(text.find("nm_queue_redelivered_total 2"), std::string::npos) << text;
  EXPECT_NE(text.find("nm_queue_backend_up 1"), std::string::npos) << text;
}

TEST_F(RedisQueueTest, APushIsOneEntryPerPartitionAndBatchesHoldWholeEntries) {
  RedisQueue& q = queue(100, 1);
  ASSERT_EQ(q.push(alerts(5, "p"), 0s), PushResult::Accepted);
  ASSERT_EQ(q.push(alerts(3, "q"), 0s), PushResult::Accepted);
  EXPECT_EQ(q.size(), 2u);  // entries
  RedisReply len = run({"XLEN", "nm:alerts:0"});
  EXPECT_EQ(len->integer, 2);
  // maxSize 4: the first entry alone has more, so it comes whole; the second does not fit.
  auto b = q.pull(4, 10s);
  ASSERT_TRUE(b);
  ASSERT_EQ(b->alerts.size(), 5u);
  EXPECT_EQ(b->alerts[4]->labels.get("alertname"), "p4");
  auto c = q.pull(8, 50ms);
  ASSERT_TRUE(c);
  ASSERT_EQ(c->alerts.size(), 3u);
  // A nack redelivers the entry whole; its ack deletes it.
  q.nack(*c, 0s);
  auto again = q.pull(8, 50ms);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->alerts.size(), 3u);
  EXPECT_EQ(again->deliveries, 2u);
  q.ack(*b);
  q.ack(*again);
  auto deadline = now() + 5s;
  while (q.size() != 0 && now() < deadline) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(q.size(), 0u);
  EXPECT_NE(metrics_.render().find("nm_queue_redelivered_total 3"), std::string::npos);
}

TEST_F(RedisQueueTest, EntriesWrittenBeforePackingStillRead) {
  RedisQueue& q = queue(100, 1);
  // What a release before packing wrote: field a = one alert in the plain codec.
  AlertList old = alerts(2, "old");
  for (const AlertPtr& a : old) run({"XADD", "nm:alerts:0", "*", "a", encodeAlert(*a)});
  ASSERT_EQ(q.push(alerts(2, "new"), 0s), PushResult::Accepted);
  auto b = q.pull(4, 10s);
  ASSERT_TRUE(b);
  ASSERT_EQ(b->alerts.size(), 4u);
  EXPECT_EQ(b->alerts[0]->labels.get("alertname"), "old0");
  EXPECT_EQ(b->alerts[1]->labels.get("alertname"), "old1");
  EXPECT_EQ(b->alerts[3]->labels.get("alertname"), "new1");
  EXPECT_EQ(b->alerts[0]->format, IngestFormat::AlertArray);
  q.ack(*b);
  auto deadline = now() + 5s;
  while (q.size() != 0 && now() < deadline) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(q.size(), 0u);
}

TEST_F(RedisQueueTest, AnUndecodablePackedEntryIsDeadLetteredWhole) {
  RedisQueue& q = queue(100, 1);
  AlertList two = alerts(2, "x");
  std::string packed;
  appendAlertPack(packed, {two[0].get(), two[1].get()});
  packed.resize(packed.size() - 3);  // the second alert cut short
  run({"XADD", "nm:alerts:0", "*", "a", packed});
  ASSERT_EQ(q.push(alerts(1, "fine"), 0s), PushResult::Accepted);
  auto b = q.pull(10, 200ms);
  ASSERT_TRUE(b);
  ASSERT_EQ(b->alerts.size(), 1u);
  EXPECT_EQ(b->alerts[0]->labels.get("alertname"), "fine0");
  q.ack(*b);
  auto deadline = now() + 5s;
  while (run({"XLEN", "nm:alerts:dead"})->integer != 1 && now() < deadline)
    std::this_thread::sleep_for(20ms);
  EXPECT_EQ(run({"XLEN", "nm:alerts:dead"})->integer, 1);
  while (q.size() != 0 && now() < deadline) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(q.size(), 0u);  // the poisoned entry is acked and deleted too
  EXPECT_NE(metrics_.render().find("nm_queue_dead_lettered_total{reason=\"undecodable\"} 1"),
            std::string::npos);
}

TEST_F(RedisQueueTest, PushAsyncAnswersOnceStoredAndFullAtOnce) {
  RedisQueue& q = queue(2, 1);
  std::promise<PushResult> stored;
  q.pushAsync(alerts(3, "s"), [&](PushResult r) { stored.set_value(r); });
  auto answer = stored.get_future();
  ASSERT_EQ(answer.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(answer.get(), PushResult::Accepted);
  EXPECT_EQ(run({"XLEN", "nm:alerts:0"})->integer, 1);  // stored before the answer
  ASSERT_EQ(q.push(alerts(1, "t"), 0s), PushResult::Accepted);
  PushResult full = PushResult::Accepted;
  q.pushAsync(alerts(1, "u"), [&](PushResult r) { full = r; });  // answered on this thread
  EXPECT_EQ(full, PushResult::Full);
  q.close();
  PushResult closed = PushResult::Accepted;
  q.pushAsync(alerts(1, "v"), [&](PushResult r) { closed = r; });
  EXPECT_EQ(closed, PushResult::Closed);
}

TEST_F(RedisQueueTest, AFailedTakeOverScanOfANewlyOwnedPartitionIsRetried) {
  // "old" reads three entries of the one partition and dies with them unacked. "new" is given the
  // partition while its user may not run XAUTOCLAIM: the take-over scan fails. Once allowed, the
  // retry brings the entries at once, long before --store.redis.claim-idle (an hour here) would.
  {
    RedisQueueOptions o;
    o.url.port = port_;
    o.partitions = 1;
    o.consumer = "old";
    RedisQueue old(o, metrics_);
    std::string err;
    ASSERT_TRUE(old.start(err)) << err;
    pushEach(old, alerts(3, "T"));
    auto b = old.pull(10, 200ms);
    ASSERT_TRUE(b);
    ASSERT_EQ(b->alerts.size(), 3u);
  }  // gone without an ack: the entries stay pending under "old"
  run({"ACL", "SETUSER", "nm", "on", ">pw", "~*", "&*", "+@all", "-xautoclaim"});
  RedisQueueOptions o;
  o.url.port = port_;
  o.url.user = "nm";
  o.url.password = "pw";
  o.partitions = 1;
  o.consumer = "new";
  o.claimIdle = std::chrono::hours(1);
  RedisQueue q(o, metrics_);
  std::string err;
  ASSERT_TRUE(q.start(err)) << err;
  q.setOwned({});
  q.setOwned({0});
  auto pulled = std::async(std::launch::async, [&q] { return q.pull(10, 100ms); });
  // The scan was refused (Redis' ACL log has it); then XAUTOCLAIM is allowed again.
  bool refused = false;
  for (int i = 0; i < 500 && !refused; ++i) {
    RedisReply log = run({"ACL", "LOG"});
    refused = log && log->type == REDIS_REPLY_ARRAY && log->elements > 0;
    if (!refused) std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(refused) << "the take-over scan never ran";
  run({"ACL", "SETUSER", "nm", "+xautoclaim"});
  if (pulled.wait_for(20s) != std::future_status::ready) {
    q.close();  // ends the pull
    FAIL() << "the take-over scan was not tried again";
  }
  std::optional<PulledBatch> taken = pulled.get();
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->alerts.size(), 3u);
  EXPECT_EQ(taken->deliveries, 2u);
  q.ack(*taken);
}

}  // namespace
}  // namespace nm
