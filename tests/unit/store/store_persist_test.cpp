// MemoryAlertStore through a durable StateBackend: every change written, collection erases, and
// a new store loads what the old one held (a resolved alert not yet notified is offered again).
#include <gtest/gtest.h>

#include "store/memory_alert_store.h"
#include "store_test_util.h"

namespace nm::store {
namespace {

using test::A;
using test::at;

AlertStoreOptions clockAt(TimePoint* clock) {
  AlertStoreOptions o;
  o.clock = [clock] { return *clock; };
  return o;
}

TEST(AlertStorePersistence, RoundTrip) {
  test::FakeBackend backend;
  TimePoint clock = at(10);
  uint64_t firingFp = 0, resolvedFp = 0, notifiedFp = 0;
  {
    MemoryAlertStore s(clockAt(&clock), &backend, nullptr, nullptr);
    A firing;
    firing.annotations = {{"summary", "a"}, {"description", "b"}};
    firing.generatorURL = "http://prom/graph";
    firing.startsAt = at(1);
    A resolved;
    resolved.labels.set("pod", "p2");
    resolved.status = AlertStatus::Resolved;
    resolved.endsAt = at(5);
    A notified;
    notified.labels.set("pod", "p3");
    notified.status = AlertStatus::Resolved;
    notified.endsAt = at(5);
    AlertList l{firing.make(), resolved.make(), notified.make()};
    s.put(l, at(10));
    firingFp = l[0]->fingerprint;
    resolvedFp = l[1]->fingerprint;
    notifiedFp = l[2]->fingerprint;
    s.resolvedNotified(notifiedFp);
  }
  ASSERT_EQ(backend.tables[StateTable::Alerts].size(), 3u);

  MemoryAlertStore t(clockAt(&clock), &backend, nullptr, nullptr);
  test::Recorder rec;
  t.subscribe(rec);
  std::string error;
  ASSERT_TRUE(t.load(error)) << error;
  EXPECT_EQ(t.size(), 2u);  // the notified one is done
  EXPECT_EQ(rec.upserts.size(), 2u);
  EXPECT_EQ(backend.tables[StateTable::Alerts].count(fingerprintHex(notifiedFp)), 0u);
  bool sawFiring = false;
  t.forEach([&](const StoredAlert& sa) {
    if (sa.alert->fingerprint != firingFp) return;
    sawFiring = true;
    EXPECT_EQ(sa.alert->annotations.get("description"), "b");
    EXPECT_EQ(sa.alert->generatorURL, "http://prom/graph");
    EXPECT_EQ(sa.alert->startsAt, at(1));
    EXPECT_EQ(sa.alert->endsAt, at(300));
    EXPECT_TRUE(sa.endsAtFromTimeout);
    EXPECT_EQ(sa.updatedAt, at(0));
    EXPECT_EQ(sa.alert->status, AlertStatus::Firing);
  });
  EXPECT_TRUE(sawFiring);

  // The resolved alert had not finished its notification: the sweep offers it again.
  AlertList offered;
  t.setReinject([&](AlertList l) {
    offered = std::move(l);
    return true;
  });
  t.sweepOnce(at(11));
  ASSERT_EQ(offered.size(), 1u);
  EXPECT_EQ(offered[0]->fingerprint, resolvedFp);
  t.put(offered, at(11));
  t.resolvedNotified(resolvedFp);
  clock = at(12);
  t.sweepOnce(at(12));
  EXPECT_EQ(backend.tables[StateTable::Alerts].count(fingerprintHex(resolvedFp)), 0u);
  EXPECT_EQ(backend.tables[StateTable::Alerts].size(), 1u);
}

TEST(AlertStorePersistence, CorruptRecordSkipped) {
  test::FakeBackend backend;
  backend.tables[StateTable::Alerts]["00"] = "garbage";
  MemoryAlertStore s({}, &backend, nullptr, nullptr);
  std::string error;
  EXPECT_TRUE(s.load(error));
  EXPECT_EQ(s.size(), 0u);
}

}  // namespace
}  // namespace nm::store
