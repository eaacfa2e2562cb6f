// MemoryAlertStore::applyRemote (shared state): another replica's record is held, told to the
// observers and never written back; an erase removes it; the sweep re-injects only what this
// replica owns (by default: what it put last; setSweepOwns overrides).
#include <gtest/gtest.h>

#include "core/labels.h"
#include "store/memory_alert_store.h"
#include "store_test_util.h"

namespace nm::store {
namespace {

using test::A;
using test::at;

AlertStoreOptions clockAt(TimePoint* clock) {
  AlertStoreOptions o;
  o.clock = [clock] { return *clock; };
  o.resolveTimeout = std::chrono::seconds(60);
  return o;
}

// Replica "a" puts one firing alert (resolve timeout: no endsAt); its record is what "b" gets.
struct TwoReplicas {
  TimePoint clock = at(10);
  test::FakeBackend backendA, backendB;
  MemoryAlertStore a{clockAt(&clock), &backendA, nullptr, nullptr};
  MemoryAlertStore b{clockAt(&clock), &backendB, nullptr, nullptr};
  test::Recorder observed;
  uint64_t fp = 0;

  TwoReplicas() {
    b.subscribe(observed);
    AlertList l{A{}.make()};
    a.put(l, at(10));
    fp = l[0]->fingerprint;
  }
  std::string record() { return backendA.tables[StateTable::Alerts].at(fingerprintHex(fp)); }
};

TEST(AlertStoreRemote, UpsertIsHeldToldAndNotWrittenBack) {
  TwoReplicas r;
  r.b.applyRemote(fingerprintHex(r.fp), r.record());
  EXPECT_EQ(r.b.size(), 1u);
  ASSERT_EQ(r.observed.upserts.size(), 1u);
  EXPECT_EQ(r.observed.upserts[0].fingerprint, r.fp);
  EXPECT_EQ(r.observed.upserts[0].labels.get("alertname"), "X");
  EXPECT_TRUE(r.backendB.tables[StateTable::Alerts].empty());
  // The same record again (a resync): still one alert.
  r.b.applyRemote(fingerprintHex(r.fp), r.record());
  EXPECT_EQ(r.b.size(), 1u);
}

TEST(AlertStoreRemote, EraseRemovesAndTellsObservers) {
  TwoReplicas r;
  r.b.applyRemote(fingerprintHex(r.fp), r.record());
  r.b.applyRemote(fingerprintHex(r.fp), std::nullopt);
  EXPECT_EQ(r.b.size(), 0u);
  ASSERT_EQ(r.observed.removals.size(), 1u);
  EXPECT_EQ(r.observed.removals[0], r.fp);
  // Unknown or malformed keys are ignored.
  r.b.applyRemote("not-hex", std::nullopt);
  r.b.applyRemote(fingerprintHex(r.fp), std::string_view("\x09garbage"));
  EXPECT_EQ(r.b.size(), 0u);
}

TEST(AlertStoreRemote, SweepReinjectsOnlyOwnedAlerts) {
  TwoReplicas r;
  r.b.applyRemote(fingerprintHex(r.fp), r.record());
  size_t reinjectedA = 0, reinjectedB = 0;
  r.a.setReinject([&](AlertList l) {
    reinjectedA += l.size();
    return true;
  });
  r.b.setReinject([&](AlertList l) {
    reinjectedB += l.size();
    return true;
  });
  r.clock = at(100);  // past the resolve timeout
  r.a.sweepOnce(r.clock);
  r.b.sweepOnce(r.clock);
  EXPECT_EQ(reinjectedA, 1u);  // a put it
  EXPECT_EQ(reinjectedB, 0u);  // b only got it from a
  // Partition ownership (leases) decides once set.
  r.b.setSweepOwns([](const Alert&) { return true; });
  r.b.sweepOnce(r.clock);
  EXPECT_EQ(reinjectedB, 1u);
}

TEST(AlertStoreRemote, LocalPutTakesOwnershipBack) {
  TwoReplicas r;
  r.b.applyRemote(fingerprintHex(r.fp), r.record());
  AlertList l{A{}.make()};
  r.b.put(l, at(20));
  size_t reinjected = 0;
  r.b.setReinject([&](AlertList x) {
    reinjected += x.size();
    return true;
  });
  r.clock = at(200);
  r.b.sweepOnce(r.clock);
  EXPECT_EQ(reinjected, 1u);
}

}  // namespace
}  // namespace nm::store
