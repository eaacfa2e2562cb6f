// Tests of ParkedJournal with NotifyStage: a parked send writes its record before the batch is
// released and erases it once settled; at start records are re-sent and erased, an unknown
// receiver's record is dropped and counted, and another replica's record is left alone.
#include <gtest/gtest.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "interfaces/snapshot.h"
#include "notify/notify_stage.h"
#include "notify/parked_journal.h"
#include "observe/metrics.h"
#include "test_helpers.h"

namespace nm {
namespace {

// A durable backend in a map: what a restarted process would load.
class MapBackend final : public StateBackend {
 public:
  std::string name() const override { return "map"; }
  bool durable() const override { return true; }
  void put(StateTable t, std::string k, std::string v) override {
    std::lock_guard g(mu_);
    tables_[t][k] = std::move(v);
    changed_.notify_all();
  }
  void erase(StateTable t, std::string k) override {
    std::lock_guard g(mu_);
    tables_[t].erase(k);
    changed_.notify_all();
  }
  bool load(StateTable t, const std::function<void(std::string_view, std::string_view)>& fn,
            std::string&) override {
    std::map<std::string, std::string> copy;
    {
      std::lock_guard g(mu_);
      copy = tables_[t];
    }
    for (const auto& [k, v] : copy) fn(k, v);
    return true;
  }
  void flush() override {}
  std::map<std::string, std::string> parked() {
    std::lock_guard g(mu_);
    return tables_[StateTable::ParkedSends];
  }
  bool waitParkedCount(size_t n) {
    std::unique_lock lk(mu_);
    return changed_.wait_for(lk, std::chrono::seconds(5),
                             [&] { return tables_[StateTable::ParkedSends].size() == n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  std::map<StateTable, std::map<std::string, std::string>> tables_;
};

// Parks every send at once; answers when the test says so.
class ParkingNotifier final : public Notifier {
 public:
  void send(std::shared_ptr<const Data> d, TimePoint, SendDone done) override {
    done.parked();
    std::lock_guard g(mu_);
    sent_.push_back(d);
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
  std::vector<std::shared_ptr<const Data>> sent() {
    std::lock_guard g(mu_);
    return sent_;
  }

 private:
  std::mutex mu_;
  std::vector<SendDone> pending_;
  std::vector<std::shared_ptr<const Data>> sent_;
};

// Delivers at once, remembering what it sent.
class RecordingNotifier final : public Notifier {
 public:
  void send(std::shared_ptr<const Data> d, TimePoint, SendDone done) override {
    {
      std::lock_guard g(mu_);
      sent_.push_back(d);
    }
    done(SendOutcome{true, "", 200, 1, "robot", ""});
  }
  std::vector<std::shared_ptr<const Data>> sent() {
    std::lock_guard g(mu_);
    return sent_;
  }

 private:
  std::mutex mu_;
  std::vector<std::shared_ptr<const Data>> sent_;
};

ReceiverPtr receiver(const std::string& name, std::shared_ptr<Notifier> n) {
  auto r = std::make_shared<config::Receiver>();
  r->name = name;
  r->type = "dingtalk";
  r->key = "dingtalk/" + name;
  r->notifier = std::move(n);
  return r;
}

std::shared_ptr<const Data> data(const std::string& alertname) {
  auto d = std::make_shared<Data>();
  d->alerts = {test::makeAlert({{"alertname", alertname}}, AlertStatus::Firing, now())};
  d->groupLabels = {{"alertname", alertname}};
  d->receiverName = "robot";
  return d;
}

std::string storedRecord(const std::string& writer, const std::string& receiverKey,
                         const std::string& alertname) {
  ParkedRecord r;
  r.writer = writer;
  r.receiverKey = receiverKey;
  r.receiverName = "robot";
  r.groupLabels = {{"alertname", alertname}};
  r.alerts = data(alertname)->alerts;
  r.parkedAt = now();
  return encodeParkedRecord(r);
}

TEST(ParkedJournal, AParkedSendIsRecordedBeforeItsBatchIsReleasedAndErasedWhenSettled) {
  metrics::Registry reg;
  MapBackend backend;
  ParkedJournal journal(backend, "nm-0", reg);
  NotifyStage stage(reg, 1000);
  stage.setParkedRecords(&journal);
  auto parking = std::make_shared<ParkingNotifier>();
  std::promise<size_t> recordsAtRelease;
  std::promise<NotifyReport> late;
  stage.run(
      {{receiver("robot", parking), data("Throttled")}}, now() + std::chrono::seconds(5),
      [&](NotifyReport) { recordsAtRelease.set_value(backend.parked().size()); },
      [&](NotifyReport r) { late.set_value(std::move(r)); });
  EXPECT_EQ(recordsAtRelease.get_future().get(), 1u);
  auto records = backend.parked();
  ASSERT_EQ(records.size(), 1u);
  std::string error;
  auto r = decodeParkedRecord(records.begin()->second, error);
  ASSERT_TRUE(r) << error;
  EXPECT_EQ(r->writer, "nm-0");
  EXPECT_EQ(r->receiverKey, "dingtalk/robot");
  EXPECT_EQ(r->groupLabels.get("alertname"), "Throttled");
  ASSERT_EQ(r->alerts.size(), 1u);

  parking->answer(true);
  EXPECT_TRUE(late.get_future().get().results[0].outcome.ok);
  EXPECT_TRUE(backend.waitParkedCount(0));
}

TEST(ParkedJournal, ARecordOfAnEarlierProcessIsResentAndErased) {
  metrics::Registry reg;
  MapBackend backend;
  backend.put(StateTable::ParkedSends, "old-1", storedRecord("local", "dingtalk/robot", "Disk"));
  ParkedJournal journal(backend, "local", reg);
  NotifyStage stage(reg, 1000);
  stage.setParkedRecords(&journal);
  auto sink = std::make_shared<RecordingNotifier>();
  config::Snapshot snap;
  snap.receiversByKey["dingtalk/robot"] = receiver("robot", sink);
  std::promise<NotifyReport> reported;
  ParkedJournal::ResendResult res;
  std::string error;
  ASSERT_TRUE(journal.resend(
      snap, stage, std::chrono::seconds(5), nullptr,
      [&](NotifyReport r) { reported.set_value(std::move(r)); }, res, error));
  EXPECT_EQ(res.resent, 1u);
  EXPECT_TRUE(reported.get_future().get().results[0].outcome.ok);
  EXPECT_TRUE(backend.waitParkedCount(0));
  auto sent = sink->sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]->groupLabels.get("alertname"), "Disk");
  EXPECT_EQ(sent[0]->receiverName, "robot");
  EXPECT_EQ(reg.counter("nm_parked_resent_total", "").with({}).value(), 1u);
}

TEST(ParkedJournal, AResendParkedAgainKeepsOneRecordUnderANewKey) {
  metrics::Registry reg;
  MapBackend backend;
  backend.put(StateTable::ParkedSends, "old-1", storedRecord("local", "dingtalk/robot", "Disk"));
  ParkedJournal journal(backend, "local", reg);
  NotifyStage stage(reg, 1000);
  stage.setParkedRecords(&journal);
  auto parking = std::make_shared<ParkingNotifier>();
  config::Snapshot snap;
  snap.receiversByKey["dingtalk/robot"] = receiver("robot", parking);
  ParkedJournal::ResendResult res;
  std::string error;
  ASSERT_TRUE(journal.resend(snap, stage, std::chrono::seconds(5), nullptr, nullptr, res, error));
  ASSERT_TRUE(backend.waitParkedCount(1));
  EXPECT_EQ(backend.parked().count("old-1"), 0u);
  parking->answer(true);
  EXPECT_TRUE(backend.waitParkedCount(0));
}

TEST(ParkedJournal, AnUnknownReceiverIsDroppedCountedAndErased) {
  metrics::Registry reg;
  MapBackend backend;
  backend.put(StateTable::ParkedSends, "old-1", storedRecord("local", "dingtalk/gone", "Disk"));
  backend.put(StateTable::ParkedSends, "old-2", "garbage");
  ParkedJournal journal(backend, "local", reg);
  NotifyStage stage(reg, 1000);
  config::Snapshot snap;
  ParkedJournal::ResendResult res;
  std::string error;
  ASSERT_TRUE(journal.resend(snap, stage, std::chrono::seconds(5), nullptr, nullptr, res, error));
  EXPECT_EQ(res.resent, 0u);
  EXPECT_EQ(res.dropped, 2u);
  EXPECT_TRUE(backend.parked().empty());
  auto& dropped = reg.counter("nm_parked_dropped_total", "", {"reason"});
  EXPECT_EQ(dropped.with({"unknown_receiver"}).value(), 1u);
  EXPECT_EQ(dropped.with({"unreadable"}).value(), 1u);
}

TEST(ParkedJournal, RecordsTheFilterRefusesAreLeftAlone) {
  metrics::Registry reg;
  MapBackend backend;
  backend.put(StateTable::ParkedSends, "other-1", storedRecord("nm-1", "dingtalk/robot", "Disk"));
  ParkedJournal journal(backend, "nm-0", reg);
  NotifyStage stage(reg, 1000);
  auto sink = std::make_shared<RecordingNotifier>();
  config::Snapshot snap;
  snap.receiversByKey["dingtalk/robot"] = receiver("robot", sink);
  ParkedJournal::ResendResult res;
  std::string error;
  ASSERT_TRUE(journal.resend(
      snap, stage, std::chrono::seconds(5),
      [](const std::string&, const ParkedRecord& r) { return r.writer == "nm-0"; }, nullptr, res,
      error));
  EXPECT_EQ(res.skipped, 1u);
  EXPECT_EQ(backend.parked().size(), 1u);
  EXPECT_TRUE(sink->sent().empty());
}

// Holds every send unanswered until answer(): a resend under way.
class HoldingNotifier final : public Notifier {
 public:
  void send(std::shared_ptr<const Data>, TimePoint, SendDone done) override {
    std::lock_guard g(mu_);
    pending_.push_back(std::move(done));
  }
  size_t held() {
    std::lock_guard g(mu_);
    return pending_.size();
  }
  void answer() {
    std::vector<SendDone> p;
    {
      std::lock_guard g(mu_);
      p.swap(pending_);
    }
    for (auto& d : p) d(SendOutcome{true, "", 200, 1, "robot", ""});
  }

 private:
  std::mutex mu_;
  std::vector<SendDone> pending_;
};

TEST(ParkedJournal, ARecordWhoseResendIsUnderWayIsNotResentAgain) {
  // Adoption calls resend every lease ttl: a record still being re-sent is skipped, not doubled.
  metrics::Registry reg;
  MapBackend backend;
  backend.put(StateTable::ParkedSends, "old-1", storedRecord("gone", "dingtalk/robot", "Disk"));
  ParkedJournal journal(backend, "nm-0", reg);
  NotifyStage stage(reg, 1000);
  stage.setParkedRecords(&journal);
  auto holding = std::make_shared<HoldingNotifier>();
  config::Snapshot snap;
  snap.receiversByKey["dingtalk/robot"] = receiver("robot", holding);
  std::string error;
  ParkedJournal::ResendResult first, second, third;
  ASSERT_TRUE(journal.resend(snap, stage, std::chrono::seconds(5), nullptr, nullptr, first, error));
  ASSERT_TRUE(
      journal.resend(snap, stage, std::chrono::seconds(5), nullptr, nullptr, second, error));
  EXPECT_EQ(first.resent, 1u);
  EXPECT_EQ(second.resent, 0u);
  EXPECT_EQ(holding->held(), 1u);
  holding->answer();
  EXPECT_TRUE(backend.waitParkedCount(0));
  ASSERT_TRUE(journal.resend(snap, stage, std::chrono::seconds(5), nullptr, nullptr, third, error));
  EXPECT_EQ(third.resent, 0u);
  EXPECT_EQ(holding->held(), 0u);
}

}  // namespace
}  // namespace nm
