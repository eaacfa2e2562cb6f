// Tests of runNotify: parallel fan-out, the ordered report, receivers without notifier, failure
// classes and the delivery metrics.
#include <gtest/gtest.h>

#include <thread>

#include "config/snapshot.h"
#include "notify/notify_stage.h"
#include "observe/metrics.h"
#include "test_helpers.h"

namespace nm {
namespace {

// Completes on another thread with a fixed outcome.
class FakeNotifier final : public Notifier {
 public:
  explicit FakeNotifier(SendOutcome o) : outcome_(std::move(o)) {}
  void send(std::shared_ptr<const Data>, TimePoint,
            std::function<void(SendOutcome)> done) override {
    std::thread([o = outcome_, done = std::move(done)] { done(o); }).detach();
  }

 private:
  SendOutcome outcome_;
};

ReceiverPtr receiver(const std::string& name, std::shared_ptr<Notifier> n, std::string err = "") {
  auto r = std::make_shared<config::Receiver>();
  r->name = name;
  r->type = "webhook";
  r->key = "webhook/" + name;
  r->notifier = std::move(n);
  r->notifierError = std::move(err);
  return r;
}

std::shared_ptr<const Data> data(const std::string& alertname) {
  auto d = std::make_shared<Data>();
  d->alerts = {test::makeAlert({{"alertname", alertname}}, AlertStatus::Firing, now())};
  return d;
}

TEST(NotifyStage, ReportsEveryOutcomeInOrder) {
  SendOutcome ok{true, "", 200, 1, "http://ok/", ""};
  SendOutcome bad{false, "HTTP 503: down", 503, 4, "http://bad/", ""};
  auto& delivered = metrics::Registry::global()
                        .counter("nm_alerts_delivered_total", "", {"type"})
                        .with({"webhook"});
  uint64_t before = delivered.value();
  std::vector<Notification> notes = {
      {receiver("a", std::make_shared<FakeNotifier>(ok)), data("A")},
      {receiver("b", nullptr, "webhook: bearerToken: secret s key k not found"), data("B")},
      {receiver("c", std::make_shared<FakeNotifier>(bad)), data("C")},
  };
  test::Waiter<NotifyReport> w;
  runNotify(notes, now() + std::chrono::seconds(5), w.callback());
  NotifyReport rep = w.get();
  ASSERT_EQ(rep.results.size(), 3u);
  EXPECT_EQ(rep.results[0].receiver->name, "a");
  EXPECT_TRUE(rep.results[0].outcome.ok);
  EXPECT_EQ(rep.results[0].outcome.channelTarget, "http://ok/");
  EXPECT_NE(rep.results[0].sentAt, kZeroTime);
  EXPECT_EQ(rep.results[0].data, notes[0].data);
  EXPECT_FALSE(rep.results[1].outcome.ok);
  EXPECT_EQ(rep.results[1].outcome.error, "webhook: bearerToken: secret s key k not found");
  EXPECT_EQ(failureClass(rep.results[1].outcome), std::string("config"));
  EXPECT_FALSE(rep.results[2].outcome.ok);
  EXPECT_EQ(rep.results[2].outcome.attempts, 4);
  EXPECT_EQ(delivered.value(), before + 1);
  auto& failed = metrics::Registry::global()
                     .counter("nm_notifications_failed_total", "", {})
                     .with({"webhook", "webhook/c", "http_5xx"});
  EXPECT_GE(failed.value(), 1u);
}

TEST(NotifyStage, EmptyCompletesInline) {
  bool called = false;
  runNotify({}, now(), [&](NotifyReport r) {
    called = true;
    EXPECT_TRUE(r.results.empty());
  });
  EXPECT_TRUE(called);
}

TEST(NotifyStage, FailureClasses) {
  EXPECT_STREQ(failureClass({false, "no config", 0, 0, "", ""}), "config");
  EXPECT_STREQ(failureClass({false, "HTTP 500", 500, 2, "", ""}), "http_5xx");
  EXPECT_STREQ(failureClass({false, "HTTP 404", 404, 1, "", ""}), "http_4xx");
  EXPECT_STREQ(failureClass({false, "timeout: x", 0, 3, "", ""}), "timeout");
  EXPECT_STREQ(failureClass({false, "deadline exceeded before the first attempt", 0, 0, "", ""}),
               "timeout");
  EXPECT_STREQ(failureClass({false, "connect: refused", 0, 3, "", ""}), "transport");
  EXPECT_STREQ(failureClass({false, "wecom errcode 40014: invalid token", 200, 1, "", ""}),
               "vendor");
  SendOutcome smtp{false, "rejected <a@b>: 550 no such user", 0, 1, "", ""};
  smtp.failureClass = "smtp_5xx";
  EXPECT_STREQ(failureClass(smtp), "smtp_5xx");
}

}  // namespace
}  // namespace nm
