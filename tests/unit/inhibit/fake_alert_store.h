// A fake of the active-alert store for the inhibition tests: alerts by fingerprint, no merging,
// every change told to the subscribed observers as the real store does.
#pragma once

#include <map>
#include <vector>

#include "interfaces/alert_store.h"

namespace nm::test {

class FakeAlertStore final : public AlertStore {
 public:
  void put(AlertList& alerts, TimePoint now) override {
    for (const auto& a : alerts) {
      StoredAlert& s = held_[a->fingerprint];
      s.alert = a;
      s.updatedAt = now;
      for (auto* o : observers_) o->upserted(*a, now);
    }
  }
  void resolvedNotified(uint64_t fingerprint) override { remove(fingerprint); }
  void forEach(const std::function<void(const StoredAlert&)>& fn) const override {
    ++forEachCalls;
    for (const auto& [fp, s] : held_) fn(s);
  }
  size_t size() const override { return held_.size(); }
  void subscribe(AlertStoreObserver& observer) override { observers_.push_back(&observer); }

  void put(std::initializer_list<AlertPtr> alerts, TimePoint now = kZeroTime) {
    AlertList list(alerts);
    put(list, now);
  }
  void remove(uint64_t fingerprint) {
    held_.erase(fingerprint);
    for (auto* o : observers_) o->removed(fingerprint);
  }

  mutable int forEachCalls = 0;

 private:
  std::map<uint64_t, StoredAlert> held_;
  std::vector<AlertStoreObserver*> observers_;
};

}  // namespace nm::test
