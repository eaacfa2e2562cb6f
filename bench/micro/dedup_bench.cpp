// Google Benchmark for deduplication (issue #11): the decision alone, the notification log's
// query and record with 10,000 groups logged, and DedupStage per notification (suppressed, and
// sent with its record after the send) for groups of 1 and 10 alerts.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "dedup/dedup_decision.h"
#include "dedup/dedup_settings.h"
#include "dedup/dedup_stage.h"
#include "dedup/memory_notification_log.h"
#include "interfaces/snapshot.h"

namespace nm {
namespace {

constexpr int kGroups = 10000;

std::string group(int i) {
  return dedup::groupKey(LabelSet{{"alertname", "Alert" + std::to_string(i)}});
}

NotificationLogEntry entryOf(size_t alerts) {
  NotificationLogEntry e;
  for (size_t i = 0; i < alerts; ++i) e.firing.push_back(0x1000 + i * 7919);
  e.sentAt = now();
  e.expiresAt = e.sentAt + std::chrono::hours(8);
  return e;
}

void BM_DedupDecide(benchmark::State& state) {
  const auto alerts = static_cast<size_t>(state.range(0));
  NotificationLogEntry last = entryOf(alerts);
  std::vector<uint64_t> firing = last.firing, resolved;
  const TimePoint t = now();
  for (auto _ : state) {
    auto d = dedup::decide(&last, firing, resolved, t, std::chrono::hours(4), true);
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DedupDecide)->Arg(1)->Arg(10);

struct LogFixture {
  std::shared_ptr<dedup::MemoryNotificationLog> log =
      std::make_shared<dedup::MemoryNotificationLog>();
  std::vector<std::string> groups;
  LogFixture() {
    for (int i = 0; i < kGroups; ++i) {
      groups.push_back(group(i));
      log->record("webhook/ops", groups.back(), entryOf(10));
    }
  }
};

void BM_NflogQuery(benchmark::State& state) {
  LogFixture f;
  size_t i = 0;
  for (auto _ : state) {
    auto e = f.log->query("webhook/ops", f.groups[i++ % kGroups]);
    benchmark::DoNotOptimize(e);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NflogQuery);

void BM_NflogRecord(benchmark::State& state) {
  LogFixture f;
  NotificationLogEntry e = entryOf(10);
  size_t i = 0;
  for (auto _ : state) f.log->record("webhook/ops", f.groups[i++ % kGroups], e);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NflogRecord);

// One notification (a group of range(0) alerts) through DedupStage per iteration; range(1) = 1:
// nothing new (suppressed), 0: a new alert each time (sent, then onDelivered records).
void BM_DedupStage(benchmark::State& state) {
  const auto alerts = static_cast<size_t>(state.range(0));
  const bool suppressed = state.range(1) == 1;
  metrics::Registry reg;
  LogFixture f;
  dedup::DedupStage stage(f.log, reg);
  auto snapshot = std::make_shared<config::Snapshot>();
  auto receiver = std::make_shared<config::Receiver>();
  receiver->key = "webhook/ops";
  std::vector<std::shared_ptr<Data>> datas;
  for (int g = 0; g < kGroups; ++g) {
    auto d = std::make_shared<Data>();
    d->groupLabels = LabelSet{{"alertname", "Alert" + std::to_string(g)}};
    for (size_t i = 0; i < alerts; ++i) {
      auto a = std::make_shared<Alert>();
      a->labels = LabelSet{{"alertname", "Alert" + std::to_string(g)},
                           {"instance", "host" + std::to_string(i)}};
      a->format = IngestFormat::AlertArray;
      finalizeIdentity(*a);
      d->alerts.push_back(std::move(a));
    }
    datas.push_back(std::move(d));
  }
  // Log what the suppressed case will see: every group already notified with these alerts.
  for (int g = 0; g < kGroups; ++g) {
    NotificationLogEntry e = entryOf(0);
    for (const auto& a : datas[g]->alerts) e.firing.push_back(a->fingerprint);
    std::sort(e.firing.begin(), e.firing.end());
    if (!suppressed) e.firing.clear();  // every alert is new: sent
    f.log->record("webhook/ops", f.groups[g], e);
  }
  size_t i = 0, sent = 0;
  Work w;
  w.snapshot = snapshot;
  for (auto _ : state) {
    const size_t g = i++ % kGroups;
    w.notifications.clear();
    w.notifications.push_back(Notification{receiver, datas[g], nullptr});
    stage.process(w);
    if (!w.notifications.empty()) {
      ++sent;
      w.notifications[0].onDelivered(now());
      // Undo the record so the next round of this group is new again.
      NotificationLogEntry e = entryOf(0);
      f.log->record("webhook/ops", f.groups[g], e);
    }
  }
  if (sent != (suppressed ? 0 : static_cast<size_t>(state.iterations())))
    state.SkipWithError("unexpected decisions");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DedupStage)->Args({1, 1})->Args({10, 1})->Args({1, 0})->Args({10, 0});

}  // namespace
}  // namespace nm
