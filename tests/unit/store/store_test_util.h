// Helpers of the store tests: alerts from a few fields, a fake durable StateBackend, a recording
// observer and drop sink.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/alert.h"
#include "interfaces/alert_store.h"
#include "interfaces/stage.h"
#include "interfaces/state_backend.h"

namespace nm::store::test {

inline TimePoint at(int seconds) {
  return TimePoint(std::chrono::seconds(1'700'000'000 + seconds));
}

struct A {
  LabelSet labels{{"alertname", "X"}, {"namespace", "ns1"}, {"pod", "p1"}};
  LabelSet annotations{{"summary", "s"}};
  AlertStatus status = AlertStatus::Firing;
  TimePoint startsAt = at(0), endsAt = kZeroTime, receivedAt = at(0);
  IngestFormat format = IngestFormat::AlertArray;
  std::string generatorURL;

  AlertPtr make() const {
    auto a = std::make_shared<Alert>();
    a->labels = labels;
    a->annotations = annotations;
    a->status = status;
    a->startsAt = startsAt;
    a->endsAt = endsAt;
    a->receivedAt = receivedAt;
    a->format = format;
    a->generatorURL = generatorURL;
    finalizeIdentity(*a);
    return a;
  }
};

class FakeBackend final : public StateBackend {
 public:
  std::string name() const override { return "fake"; }
  bool durable() const override { return true; }
  void put(StateTable t, std::string k, std::string v) override {
    std::lock_guard<std::mutex> g(mu);
    ++puts;
    tables[t][k] = std::move(v);
  }
  void erase(StateTable t, std::string k) override {
    std::lock_guard<std::mutex> g(mu);
    tables[t].erase(k);
  }
  bool load(StateTable t, const std::function<void(std::string_view, std::string_view)>& fn,
            std::string&) override {
    auto copy = tables[t];
    for (auto& [k, v] : copy) fn(k, v);
    return true;
  }
  void flush() override {}
  std::mutex mu;
  std::map<StateTable, std::map<std::string, std::string>> tables;
  size_t puts = 0;
};

class Drops final : public DropSink {
 public:
  void dropped(DropReason r, uint64_t n) override { counts[r] += n; }
  std::map<DropReason, uint64_t> counts;
};

class Recorder final : public AlertStoreObserver {
 public:
  void upserted(const Alert& a, TimePoint) override {
    std::lock_guard<std::mutex> g(mu);
    upserts.push_back(a);
  }
  void removed(uint64_t fp) override {
    std::lock_guard<std::mutex> g(mu);
    removals.push_back(fp);
  }
  std::mutex mu;
  std::vector<Alert> upserts;
  std::vector<uint64_t> removals;
};

}  // namespace nm::store::test
