// Unit tests for DedupStage: format defaults (array on, webhook off, internal on, mixed), the
// per-receiver override, a record only after a successful send (through the real NotifyStage
// with a fake notifier), sendResolved off, and the counters.
#include <gtest/gtest.h>

#include <future>

#include "dedup/dedup_settings.h"
#include "dedup/dedup_stage.h"
#include "dedup/memory_notification_log.h"
#include "interfaces/snapshot.h"
#include "notify/notify_stage.h"

namespace nm::dedup {
namespace {

AlertPtr alert(std::string name, IngestFormat format, AlertStatus status = AlertStatus::Firing) {
  auto a = std::make_shared<Alert>();
  a->labels = LabelSet{{"alertname", "Disk"}, {"instance", std::move(name)}};
  a->status = status;
  a->format = format;
  finalizeIdentity(*a);
  return a;
}

// Answers every send with `ok`, inline.
class FakeNotifier final : public Notifier {
 public:
  void send(std::shared_ptr<const Data> data, TimePoint, SendDone done) override {
    sent.push_back(std::move(data));
    SendOutcome o;
    o.ok = ok;
    o.attempts = 1;
    o.httpStatus = ok ? 200 : 500;
    done(std::move(o));
  }
  bool ok = true;
  std::vector<std::shared_ptr<const Data>> sent;
};

class DedupStageTest : public ::testing::Test {
 protected:
  DedupStageTest() {
    auto r = std::make_shared<config::Receiver>();
    r->name = "ops";
    r->type = "webhook";
    r->key = "webhook/ops";
    r->notifier = notifier;
    receiver = r;
    snapshot->nm.groupLabels = {"alertname"};
  }

  // One notification of `alerts` through dedup, then (when it survives) through NotifyStage.
  size_t deliver(AlertList alerts) {
    Work w;
    w.snapshot = snapshot;
    auto data = std::make_shared<Data>();
    data->groupLabels = LabelSet{{"alertname", "Disk"}};
    data->alerts = std::move(alerts);
    w.notifications.push_back(Notification{receiver, data, nullptr});
    stage.process(w);
    const size_t n = w.notifications.size();
    std::promise<void> done;
    notify.run(std::move(w.notifications), now() + std::chrono::seconds(5),
               [&](NotifyReport) { done.set_value(); });
    done.get_future().wait();
    return n;
  }

  void setReceiverDedup(model::DedupOverride o) {
    auto r = std::make_shared<config::Receiver>(*receiver);
    r->dedup = o;
    receiver = r;
  }

  double count(const char* family, const char* reason) {
    return reg.counter(family, "", {"reason"}).with({reason}).value();
  }

  metrics::Registry reg;
  std::shared_ptr<MemoryNotificationLog> log = std::make_shared<MemoryNotificationLog>();
  DedupStage stage{log, reg};
  NotifyStage notify{reg, 1000};
  std::shared_ptr<FakeNotifier> notifier = std::make_shared<FakeNotifier>();
  std::shared_ptr<config::Snapshot> snapshot = std::make_shared<config::Snapshot>();
  ReceiverPtr receiver;
};

TEST_F(DedupStageTest, AlertArrayIsDeduplicatedByDefault) {
  auto a = alert("h1", IngestFormat::AlertArray);
  EXPECT_EQ(deliver({a}), 1u);
  EXPECT_EQ(deliver({a}), 0u);
  EXPECT_EQ(deliver({a}), 0u);
  EXPECT_EQ(notifier->sent.size(), 1u);
  EXPECT_EQ(count("nm_dedup_passed_total", "first"), 1);
  EXPECT_EQ(count("nm_notifications_deduplicated_total", "unchanged"), 2);
  auto e = log->query("webhook/ops", groupKey(LabelSet{{"alertname", "Disk"}}));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->firing, (std::vector<uint64_t>{a->fingerprint}));
  EXPECT_EQ(e->expiresAt - e->sentAt, 2 * snapshot->nm.dedup.repeatInterval);
}

TEST_F(DedupStageTest, WebhookFormatIsNotDeduplicatedByDefault) {
  auto a = alert("h1", IngestFormat::Webhook);
  EXPECT_EQ(deliver({a}), 1u);
  EXPECT_EQ(deliver({a}), 1u);
  EXPECT_EQ(notifier->sent.size(), 2u);
  EXPECT_EQ(count("nm_dedup_passed_total", "off"), 2);
  EXPECT_EQ(log->size(), 0u);
}

TEST_F(DedupStageTest, InternalAlertsFollowTheArraySetting) {
  auto a = alert("h1", IngestFormat::Internal);
  EXPECT_EQ(deliver({a}), 1u);
  EXPECT_EQ(deliver({a}), 0u);
}

TEST_F(DedupStageTest, MixedFormatsAreDeduplicatedWhenAnyFormatIs) {
  auto w = alert("h1", IngestFormat::Webhook);
  auto p = alert("h2", IngestFormat::AlertArray);
  EXPECT_EQ(deliver({w, p}), 1u);
  EXPECT_EQ(deliver({w, p}), 0u);
}

TEST_F(DedupStageTest, NotificationManagerSwitchesAndReceiverOverrides) {
  snapshot->nm.dedup.webhook = true;
  snapshot->nm.dedup.alertArray = false;
  auto w = alert("h1", IngestFormat::Webhook);
  auto p = alert("h2", IngestFormat::AlertArray);
  EXPECT_EQ(deliver({w}), 1u);
  EXPECT_EQ(deliver({w}), 0u);
  EXPECT_EQ(deliver({p}), 1u);
  EXPECT_EQ(deliver({p}), 1u);
  // The receiver turns webhook dedup off again and array dedup on.
  model::DedupOverride o;
  o.webhook = false;
  o.alertArray = true;
  setReceiverDedup(o);
  EXPECT_EQ(deliver({w}), 1u);
  EXPECT_EQ(deliver({w}), 1u);
  auto p2 = alert("h3", IngestFormat::AlertArray);
  EXPECT_EQ(deliver({p2}), 1u);
  EXPECT_EQ(deliver({p2}), 0u);
}

TEST_F(DedupStageTest, FailedSendLeavesTheLogUnchanged) {
  auto a = alert("h1", IngestFormat::AlertArray);
  notifier->ok = false;
  EXPECT_EQ(deliver({a}), 1u);
  EXPECT_EQ(log->size(), 0u);
  EXPECT_EQ(deliver({a}), 1u);  // still the first notification: retried
  notifier->ok = true;
  EXPECT_EQ(deliver({a}), 1u);
  const std::string g = groupKey(LabelSet{{"alertname", "Disk"}});
  auto before = log->query("webhook/ops", g);
  ASSERT_TRUE(before);
  // A new alert whose send fails: the entry stays as it was.
  notifier->ok = false;
  auto b = alert("h2", IngestFormat::AlertArray);
  EXPECT_EQ(deliver({a, b}), 1u);
  auto after = log->query("webhook/ops", g);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->firing, before->firing);
  EXPECT_EQ(after->sentAt, before->sentAt);
}

TEST_F(DedupStageTest, ResolvedIsSentOnceWithStatusResolved) {
  auto a = alert("h1", IngestFormat::AlertArray);
  auto ra = alert("h1", IngestFormat::AlertArray, AlertStatus::Resolved);
  ASSERT_EQ(a->fingerprint, ra->fingerprint);
  EXPECT_EQ(deliver({a}), 1u);
  EXPECT_EQ(deliver({ra}), 1u);
  EXPECT_EQ(notifier->sent.back()->status(), "resolved");
  EXPECT_EQ(deliver({ra}), 0u);
  EXPECT_EQ(count("nm_dedup_passed_total", "resolved"), 1);
  // Firing again after the resolved notification is news.
  EXPECT_EQ(deliver({a}), 1u);
  EXPECT_EQ(count("nm_dedup_passed_total", "new_alerts"), 1);
}

TEST_F(DedupStageTest, SendResolvedOffDropsResolvedAlertsAndForgetsThem) {
  snapshot->nm.dedup.sendResolved = false;
  auto a = alert("h1", IngestFormat::AlertArray);
  auto ra = alert("h1", IngestFormat::AlertArray, AlertStatus::Resolved);
  auto b = alert("h2", IngestFormat::AlertArray);
  EXPECT_EQ(deliver({a}), 1u);
  // b is new; a's resolution rides along but is left out of the notification.
  EXPECT_EQ(deliver({ra, b}), 1u);
  ASSERT_EQ(notifier->sent.back()->alerts.size(), 1u);
  EXPECT_EQ(notifier->sent.back()->alerts[0]->fingerprint, b->fingerprint);
  EXPECT_EQ(notifier->sent.back()->commonLabels.get("instance"), "h2");
  auto rb = alert("h2", IngestFormat::AlertArray, AlertStatus::Resolved);
  EXPECT_EQ(deliver({rb}), 0u);
  EXPECT_EQ(count("nm_notifications_deduplicated_total", "send_resolved_off"), 1);
  EXPECT_EQ(deliver({b}), 1u);  // forgotten: firing again is new
}

TEST_F(DedupStageTest, RepeatIntervalFromTheReceiverOverride) {
  model::DedupOverride o;
  o.repeatInterval = std::chrono::seconds(1);  // the entry expires after 2 s
  setReceiverDedup(o);
  auto a = alert("h1", IngestFormat::AlertArray);
  EXPECT_EQ(deliver({a}), 1u);
  Work w;  // evaluated 1.5 s later: the repeat is due, the entry not expired
  w.snapshot = snapshot;
  w.now = now() + std::chrono::milliseconds(1500);
  auto data = std::make_shared<Data>();
  data->groupLabels = LabelSet{{"alertname", "Disk"}};
  data->alerts = {a};
  w.notifications.push_back(Notification{receiver, data, nullptr});
  stage.process(w);
  EXPECT_EQ(w.notifications.size(), 1u);
  EXPECT_EQ(count("nm_dedup_passed_total", "repeat"), 1);
}

// Two batches of one group decided before either was sent (two workers at once): the second
// sees the first's alerts in flight and is suppressed; once the first is gone, the log says so.
TEST_F(DedupStageTest, ABatchInFlightSuppressesTheSameGroupInAnother) {
  auto a = alert("h1", IngestFormat::AlertArray);
  auto work = [&] {
    Work w;
    w.snapshot = snapshot;
    auto data = std::make_shared<Data>();
    data->groupLabels = LabelSet{{"alertname", "Disk"}};
    data->alerts = {a};
    w.notifications.push_back(Notification{receiver, data, nullptr});
    return w;
  };
  Work first = work();
  stage.process(first);
  ASSERT_EQ(first.notifications.size(), 1u);
  Work second = work();
  stage.process(second);  // the first is still on its way
  EXPECT_EQ(second.notifications.size(), 0u);
  // A new alert of the group is still news while the first is in flight.
  Work third = work();
  auto b = alert("h2", IngestFormat::AlertArray);
  std::const_pointer_cast<Data>(third.notifications[0].data)->alerts = {a, b};
  stage.process(third);
  EXPECT_EQ(third.notifications.size(), 1u);
  third.notifications.clear();
  std::promise<void> done;
  notify.run(std::move(first.notifications), now() + std::chrono::seconds(5),
             [&](NotifyReport) { done.set_value(); });
  done.get_future().wait();
  EXPECT_EQ(deliver({a}), 0u);
  EXPECT_EQ(notifier->sent.size(), 1u);
}

// A failed send frees its claim: the next batch sends the group again.
TEST_F(DedupStageTest, AFailedSendInFlightDoesNotSuppressTheNextBatch) {
  auto a = alert("h1", IngestFormat::AlertArray);
  notifier->ok = false;
  EXPECT_EQ(deliver({a}), 1u);
  notifier->ok = true;
  EXPECT_EQ(deliver({a}), 1u);
  EXPECT_EQ(deliver({a}), 0u);
  EXPECT_EQ(notifier->sent.size(), 2u);
}

TEST(DedupSettings, GroupKeyEscapes) {
  EXPECT_EQ(groupKey({}), "{}");
  EXPECT_EQ(groupKey(LabelSet{{"a", "x\"y\\z"}, {"b", "1"}}), "{a=\"x\\\"y\\\\z\",b=\"1\"}");
}

}  // namespace
}  // namespace nm::dedup
