// Tests of NotifyStage::run: parallel fan-out, the ordered report, receivers without notifier,
// failure classes and the delivery metrics.
#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "interfaces/snapshot.h"
#include "notify/notify_stage.h"
#include "observe/metrics.h"
#include "test_helpers.h"

namespace nm {
namespace {

// The stage under test and the registry it counts into.
metrics::Registry registry;
NotifyStage stage(registry, 100000);

// Completes on another thread with a fixed outcome.
class FakeNotifier final : public Notifier {
 public:
  explicit FakeNotifier(SendOutcome o) : outcome_(std::move(o)) {}
  void send(std::shared_ptr<const Data>, TimePoint, SendDone done) override {
    std::thread([o = outcome_, done = std::move(done)]() mutable { done(o); }).detach();
  }

 private:
  SendOutcome outcome_;
};

// Parks at once, then answers when the test releases it.
class ParkingNotifier final : public Notifier {
 public:
  void send(std::shared_ptr<const Data>, TimePoint, SendDone done) override {
    done.parked();
    std::lock_guard g(mu_);
    pending_.push_back(std::move(done));
  }
  void answer(bool ok) {
    std::vector<SendDone> p;
    {
      std::lock_guard g(mu_);
      p.swap(pending_);
    }
    for (auto& d : p) d(SendOutcome{ok, ok ? "" : "HTTP 500: x", ok ? 200 : 500, 1, "robot", ""});
  }

 private:
  std::mutex mu_;
  std::vector<SendDone> pending_;
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
  auto& delivered = registry.counter("nm_alerts_delivered_total", "", {"type"}).with({"webhook"});
  uint64_t before = delivered.value();
  std::vector<Notification> notes = {
      {receiver("a", std::make_shared<FakeNotifier>(ok)), data("A")},
      {receiver("b", nullptr, "webhook: bearerToken: secret s key k not found"), data("B")},
      {receiver("c", std::make_shared<FakeNotifier>(bad)), data("C")},
  };
  test::Waiter<NotifyReport> w;
  stage.run(notes, now() + std::chrono::seconds(5), w.callback());
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
  auto& failed = registry.counter("nm_notifications_failed_total", "", {})
                     .with({"webhook", "webhook/c", "http_5xx"});
  EXPECT_GE(failed.value(), 1u);
}

TEST(NotifyStage, EmptyCompletesInline) {
  bool called = false;
  stage.run({}, now(), [&](NotifyReport r) {
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

TEST(NotifyStage, AParkedSendReleasesTheBatchAndReportsLate) {
  auto parking = std::make_shared<ParkingNotifier>();
  SendOutcome ok{true, "", 200, 1, "http://ok/", ""};
  std::vector<Notification> notes = {
      {receiver("robot", parking), data("Throttled")},
      {receiver("hook", std::make_shared<FakeNotifier>(ok)), data("Other")},
  };
  test::Waiter<NotifyReport> done;
  test::Waiter<NotifyReport> late;
  stage.run(notes, now() + std::chrono::seconds(5), done.callback(), late.callback());
  NotifyReport rep = done.get();  // does not wait for the parked send
  ASSERT_EQ(rep.results.size(), 2u);
  EXPECT_TRUE(rep.results[0].parked);
  EXPECT_EQ(rep.results[0].receiver->name, "robot");
  EXPECT_FALSE(rep.results[1].parked);
  EXPECT_TRUE(rep.results[1].outcome.ok);
  EXPECT_EQ(stage.parked().notifications(), 1u);
  EXPECT_EQ(stage.parked().alerts(), 1u);

  parking->answer(true);
  NotifyReport after = late.get();
  ASSERT_EQ(after.results.size(), 1u);
  EXPECT_EQ(after.results[0].receiver->name, "robot");
  EXPECT_TRUE(after.results[0].outcome.ok);
  EXPECT_FALSE(after.results[0].parked);
  EXPECT_TRUE(stage.parked().waitIdle(std::chrono::seconds(5)));
  EXPECT_EQ(stage.parked().alerts(), 0u);
}

TEST(NotifyStage, WithoutALateCallbackAParkedSendHoldsTheBatch) {
  auto parking = std::make_shared<ParkingNotifier>();
  std::vector<Notification> notes = {{receiver("robot", parking), data("Throttled")}};
  std::atomic<bool> finished{false};
  test::Waiter<NotifyReport> done;
  stage.run(notes, now() + std::chrono::seconds(5), [&](NotifyReport r) {
    finished = true;
    done.callback()(std::move(r));
  });
  EXPECT_FALSE(finished.load());
  EXPECT_EQ(stage.parked().notifications(), 0u);
  parking->answer(false);
  NotifyReport rep = done.get();
  ASSERT_EQ(rep.results.size(), 1u);
  EXPECT_FALSE(rep.results[0].parked);
  EXPECT_FALSE(rep.results[0].outcome.ok);
}

TEST(NotifyStage, PastTheParkedBudgetASendHoldsTheBatchAgain) {
  NotifyStage stage(registry, 1);
  auto first = std::make_shared<ParkingNotifier>();
  auto second = std::make_shared<ParkingNotifier>();
  test::Waiter<NotifyReport> done1, late1, late2;
  stage.run({{receiver("one", first), data("A")}}, now() + std::chrono::seconds(5),
            done1.callback(), late1.callback());
  EXPECT_TRUE(done1.get().results[0].parked);  // the budget admits one alert

  std::atomic<bool> finished2{false};
  test::Waiter<NotifyReport> done2;
  stage.run(
      {{receiver("two", second), data("B")}}, now() + std::chrono::seconds(5),
      [&](NotifyReport r) {
        finished2 = true;
        done2.callback()(std::move(r));
      },
      late2.callback());
  EXPECT_FALSE(finished2.load());  // over the budget: the batch is held, not released
  second->answer(true);
  NotifyReport rep2 = done2.get();
  EXPECT_FALSE(rep2.results[0].parked);
  EXPECT_TRUE(rep2.results[0].outcome.ok);
  first->answer(true);
  EXPECT_TRUE(late1.get().results[0].outcome.ok);
}

}  // namespace
}  // namespace nm
