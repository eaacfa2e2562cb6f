// NatsQueue packing against a real nats-server -js (skipped when it is not installed): a push is
// one message per partition it touches, pushAsync answers once stored, size() counts messages, a
// batch holds whole messages, and a partition's alerts past kNatsPackBytes split into messages.
#include "queue/nats_queue.h"

#include <gtest/gtest.h>

#include <future>
#include <set>

#include "nats_test_server.h"

namespace nm {
namespace {

using namespace std::chrono_literals;

class NatsQueuePackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!nm::testing::natsServerBinary()) GTEST_SKIP() << "nats-server not installed";
    ASSERT_TRUE(server_.start());
  }
  void TearDown() override { queue_.reset(); }

  NatsQueue& queue() {
    NatsQueueOptions o;
    o.connect.url.servers = {{"127.0.0.1", server_.port()}};
    o.ackWait = 5s;
    queue_ = std::make_unique<NatsQueue>(o);
    std::string err;
    EXPECT_TRUE(queue_->start(err)) << err;
    return *queue_;
  }

  // n alerts in namespace `ns`, each with an annotation of `pad` bytes.
  static AlertList alerts(int n, const std::string& prefix, const std::string& ns, size_t pad = 0) {
    AlertList out;
    for (int i = 0; i < n; ++i) {
      Alert a;
      a.labels = {{"alertname", prefix + std::to_string(i)}, {"namespace", ns}};
      if (pad) a.annotations = {{"pad", std::string(pad, 'x')}};
      a.format = IngestFormat::AlertArray;
      finalizeIdentity(a);
      out.push_back(std::make_shared<const Alert>(std::move(a)));
    }
    return out;
  }

  // Pulls until `alerts` alerts came out; the batches as pulled (not settled).
  static std::vector<PulledBatch> pullAll(NatsQueue& q, size_t maxSize, size_t alerts) {
    std::vector<PulledBatch> out;
    size_t got = 0;
    auto end = std::chrono::steady_clock::now() + 10s;
    while (got < alerts && std::chrono::steady_clock::now() < end) {
      std::optional<PulledBatch> b = q.pull(maxSize, 50ms);
      if (!b) break;
      got += b->alerts.size();
      out.push_back(std::move(*b));
    }
    return out;
  }

  nm::testing::NatsTestServer server_;
  std::unique_ptr<NatsQueue> queue_;
};

TEST_F(NatsQueuePackTest, APushIsOneMessagePerPartitionAndBatchesHoldWholeMessages) {
  NatsQueue& q = queue();
  // Three namespaces (the default partitioner: namespace alone), 10 alerts each.
  AlertList list;
  std::set<uint32_t> parts;
  static const std::vector<std::string> kNoGroup;
  for (const std::string ns : {"a", "b", "c"}) {
    for (const AlertPtr& a : alerts(10, ns, ns)) {
      list.push_back(a);
      parts.insert(partitionOfAlert(*a, "namespace", kNoGroup, q.partitions()));
    }
  }
  std::promise<PushResult> answer;
  q.pushAsync(list, [&](PushResult r) { answer.set_value(r); });
  std::future<PushResult> f = answer.get_future();
  ASSERT_EQ(f.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(f.get(), PushResult::Accepted);
  EXPECT_EQ(q.size(), parts.size());  // messages, not alerts

  // maxSize 1: every batch is one whole message, over maxSize.
  std::vector<PulledBatch> batches = pullAll(q, 1, list.size());
  ASSERT_EQ(batches.size(), parts.size());
  size_t total = 0;
  for (const PulledBatch& b : batches) {
    EXPECT_EQ(b.alerts.size() % 10, 0u);
    total += b.alerts.size();
    q.ack(b);
  }
  EXPECT_EQ(total, list.size());
}

TEST_F(NatsQueuePackTest, APartitionsAlertsPastThePackBytesSplitIntoMessages) {
  NatsQueue& q = queue();
  // 40 alerts of ~10 KiB in one namespace: more than kNatsPackBytes, so at least two messages.
  AlertList list = alerts(40, "big", "ns", 10 * 1024);
  ASSERT_EQ(q.push(list, 0s), PushResult::Accepted);
  const size_t messages = q.size();
  EXPECT_GE(messages, 2u);
  EXPECT_LE(messages, 3u);
  std::vector<PulledBatch> batches = pullAll(q, 1, list.size());
  ASSERT_EQ(batches.size(), messages);
  std::vector<std::string> order;
  for (const PulledBatch& b : batches) {
    EXPECT_GT(b.alerts.size(), 1u);
    for (const AlertPtr& a : b.alerts) order.push_back(a->id);
    q.ack(b);
  }
  std::vector<std::string> want;
  for (const AlertPtr& a : list) want.push_back(a->id);
  EXPECT_EQ(order, want);  // one partition: the push's order
}

}  // namespace
}  // namespace nm
