// MemoryAlertStore: merge into the downstream value, resolve timeout and the sweep, collection,
// limits, interning, observers and concurrent puts.
#include "store/memory_alert_store.h"

#include <gtest/gtest.h>

#include <thread>

#include "store_test_util.h"

namespace nm::store {
namespace {

using test::A;
using test::at;

// One shard: every string is interned once, so counts of interned strings are exact.
AlertStoreOptions oneShard() {
  AlertStoreOptions o;
  o.shards = 1;
  return o;
}

struct Fixture {
  explicit Fixture(AlertStoreOptions o = {})
      : store(withClock(std::move(o)), nullptr, &drops, nullptr) {
    store.setReinject([this](AlertList l) {
      if (queueFull) return false;
      for (auto& a : l) reinjected.push_back(a);
      return true;
    });
  }
  AlertStoreOptions withClock(AlertStoreOptions o) {
    o.clock = [this] { return clock; };
    return o;
  }
  AlertList put(AlertList l, TimePoint now) {
    clock = now;
    store.put(l, now);
    return l;
  }
  AlertPtr putOne(const A& a, TimePoint now) {
    auto l = put({a.make()}, now);
    return l.empty() ? nullptr : l[0];
  }
  std::vector<StoredAlert> all() {
    std::vector<StoredAlert> v;
    store.forEach([&](const StoredAlert& s) { v.push_back(s); });
    return v;
  }
  TimePoint clock = at(0);
  test::Drops drops;
  bool queueFull = false;
  AlertList reinjected;
  MemoryAlertStore store;
};

TEST(MemoryAlertStore, WithoutEndsAtHeldUntilTimeoutAndSentFiringAsIs) {
  Fixture f;
  A a;
  AlertPtr in = a.make();
  AlertList l{in};
  f.store.put(l, at(0));
  ASSERT_EQ(l.size(), 1u);
  EXPECT_EQ(l[0], in);  // nothing to merge: the very alert goes on
  EXPECT_EQ(l[0]->endsAt, kZeroTime);
  auto held = f.all();
  ASSERT_EQ(held.size(), 1u);
  EXPECT_TRUE(held[0].endsAtFromTimeout);
  EXPECT_EQ(held[0].alert->endsAt, at(300));
  EXPECT_EQ(held[0].tenant, "ns1");
  EXPECT_EQ(held[0].alert->status, AlertStatus::Firing);
}

TEST(MemoryAlertStore, OverlapKeepsEarliestStartDownstream) {
  Fixture f;
  A first;
  first.endsAt = at(100);
  f.putOne(first, at(0));
  A later = first;
  later.startsAt = at(50);
  later.endsAt = at(200);
  later.receivedAt = at(60);
  AlertPtr out = f.putOne(later, at(60));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->startsAt, at(0));
  EXPECT_EQ(out->endsAt, at(200));
  EXPECT_EQ(out->id, first.make()->id);  // the id follows startsAt
}

TEST(MemoryAlertStore, NoOverlapReplaces) {
  Fixture f;
  A first;
  first.endsAt = at(10);
  first.status = AlertStatus::Resolved;
  f.putOne(first, at(20));
  A again;
  again.startsAt = at(100);
  again.receivedAt = at(100);
  AlertPtr out = f.putOne(again, at(100));
  EXPECT_EQ(out->startsAt, at(100));
  EXPECT_EQ(out->status, AlertStatus::Firing);
  EXPECT_EQ(f.all()[0].alert->startsAt, at(100));
}

TEST(MemoryAlertStore, SentEndsAtBeatsNewerTimeout) {
  Fixture f;
  A first;
  first.endsAt = at(1000);  // Prometheus: an explicit end
  f.putOne(first, at(0));
  A noEnd;
  noEnd.receivedAt = at(10);  // timeout end 310 < 1000
  AlertPtr out = f.putOne(noEnd, at(10));
  EXPECT_EQ(out->endsAt, at(1000));
  EXPECT_FALSE(f.all()[0].endsAtFromTimeout);
}

TEST(MemoryAlertStore, NewerUpdateOwnsAnnotations) {
  Fixture f;
  A newer;
  newer.annotations = {{"summary", "new"}};
  newer.receivedAt = at(50);
  f.putOne(newer, at(50));
  A older;
  older.annotations = {{"summary", "old"}};
  older.receivedAt = at(40);  // a redelivered, older batch
  AlertPtr out = f.putOne(older, at(60));
  EXPECT_EQ(out->annotations.get("summary"), "new");
  A newest;
  newest.annotations = {{"summary", "newest"}, {"x", "y"}};
  newest.receivedAt = at(70);
  out = f.putOne(newest, at(70));
  EXPECT_EQ(out->annotations.get("summary"), "newest");
  EXPECT_EQ(f.all()[0].alert->annotations.get("x"), "y");
}

TEST(MemoryAlertStore, TimeoutSweepReinjectsResolvedOnce) {
  Fixture f;
  f.store.setResolveTimeout(std::chrono::seconds(2));
  f.putOne(A{}, at(0));
  f.store.sweepOnce(at(1));
  EXPECT_TRUE(f.reinjected.empty());
  EXPECT_EQ(f.store.firing(), 1u);
  f.clock = at(3);
  f.store.sweepOnce(at(3));
  ASSERT_EQ(f.reinjected.size(), 1u);
  const Alert& r = *f.reinjected[0];
  EXPECT_EQ(r.status, AlertStatus::Resolved);
  EXPECT_EQ(r.format, IngestFormat::Internal);
  EXPECT_EQ(r.endsAt, at(2));
  EXPECT_EQ(r.labels.get("pod"), "p1");
  f.store.sweepOnce(at(4));
  EXPECT_EQ(f.reinjected.size(), 1u);  // offered once
  EXPECT_EQ(f.store.reinjected(), 1u);

  // The re-injected alert comes back through the pipeline: resolved downstream.
  auto l = f.put({f.reinjected[0]}, at(4));
  ASSERT_EQ(l.size(), 1u);
  EXPECT_EQ(l[0]->status, AlertStatus::Resolved);
  // Held until notified, then collected by the next sweep.
  f.store.sweepOnce(at(5));
  EXPECT_EQ(f.store.size(), 1u);
  f.store.resolvedNotified(r.fingerprint);
  f.store.sweepOnce(at(6));
  EXPECT_EQ(f.store.size(), 0u);
}

TEST(MemoryAlertStore, AlertmanagerWebhookAlertsExpireWithoutReinjection) {
  Fixture f;
  f.store.setResolveTimeout(std::chrono::seconds(1));
  A a;
  a.format = IngestFormat::Webhook;  // Alertmanager: firing alerts come with a zero endsAt
  f.putOne(a, at(0));
  f.clock = at(2);
  f.store.sweepOnce(at(2));
  EXPECT_TRUE(f.reinjected.empty());
  EXPECT_EQ(f.store.size(), 0u);
}

TEST(MemoryAlertStore, FullQueueRetriesNextSweep) {
  Fixture f;
  f.store.setResolveTimeout(std::chrono::seconds(1));
  f.putOne(A{}, at(0));
  f.queueFull = true;
  f.clock = at(2);
  f.store.sweepOnce(at(2));
  EXPECT_TRUE(f.reinjected.empty());
  f.queueFull = false;
  f.store.sweepOnce(at(3));
  EXPECT_EQ(f.reinjected.size(), 1u);
}

TEST(MemoryAlertStore, ReinjectionSupersededByNewFiringValue) {
  Fixture f;
  f.store.setResolveTimeout(std::chrono::seconds(1));
  f.putOne(A{}, at(0));
  f.clock = at(2);
  f.store.sweepOnce(at(2));
  ASSERT_EQ(f.reinjected.size(), 1u);
  A fresh;
  fresh.startsAt = at(3);
  fresh.receivedAt = at(3);
  f.putOne(fresh, at(3));
  auto l = f.put({f.reinjected[0]}, at(3));
  EXPECT_TRUE(l.empty());  // stale: the alert fires again
  EXPECT_EQ(f.all()[0].alert->status, AlertStatus::Firing);
}

TEST(MemoryAlertStore, SentResolvedKeptUntilNotified) {
  Fixture f;
  f.putOne(A{}, at(0));
  A res;
  res.status = AlertStatus::Resolved;
  res.endsAt = at(5);
  res.receivedAt = at(6);
  AlertPtr out = f.putOne(res, at(6));
  EXPECT_EQ(out->status, AlertStatus::Resolved);
  f.store.sweepOnce(at(7));
  EXPECT_TRUE(f.reinjected.empty());  // its resolved value already went through
  EXPECT_EQ(f.store.size(), 1u);
  f.store.resolvedNotified(out->fingerprint);
  f.store.sweepOnce(at(8));
  EXPECT_EQ(f.store.size(), 0u);
}

TEST(MemoryAlertStore, NotifiedFiringAlertIsNotCollected) {
  Fixture f;
  AlertPtr out = f.putOne(A{}, at(0));
  f.store.resolvedNotified(out->fingerprint);  // a stale hook after it fired again
  f.store.sweepOnce(at(1));
  EXPECT_EQ(f.store.size(), 1u);
}

A podAlert(int i, const std::string& ns = "ns1") {
  A a;
  a.labels = {{"alertname", "X"}, {"namespace", ns}, {"pod", "pod-" + std::to_string(i)}};
  return a;
}

TEST(MemoryAlertStore, TotalLimitRefusesNewButUpdatesHeld) {
  AlertStoreOptions o;
  o.maxAlerts = 2;
  Fixture f(o);
  auto l = f.put({podAlert(1).make(), podAlert(2).make(), podAlert(3).make()}, at(0));
  EXPECT_EQ(l.size(), 2u);
  EXPECT_EQ(f.drops.counts[DropReason::StoreLimit], 1u);
  A update = podAlert(1);
  update.annotations = {{"summary", "changed"}};
  update.receivedAt = at(1);
  l = f.put({update.make()}, at(1));
  ASSERT_EQ(l.size(), 1u);
  EXPECT_EQ(f.drops.counts[DropReason::StoreLimit], 1u);
  // A resolved alert over the limit still goes through, unheld.
  A res = podAlert(4);
  res.status = AlertStatus::Resolved;
  res.endsAt = at(1);
  l = f.put({res.make()}, at(2));
  EXPECT_EQ(l.size(), 1u);
  EXPECT_EQ(f.store.size(), 2u);
}

TEST(MemoryAlertStore, PerTenantLimit) {
  AlertStoreOptions o;
  o.maxAlertsPerTenant = 2;
  Fixture f(o);
  auto l = f.put({podAlert(1, "a").make(), podAlert(2, "a").make(), podAlert(3, "a").make(),
                  podAlert(4, "b").make()},
                 at(0));
  EXPECT_EQ(l.size(), 3u);
  EXPECT_EQ(f.drops.counts[DropReason::StoreLimit], 1u);
  // Collecting one frees a place in its tenant.
  A res = podAlert(1, "a");
  res.status = AlertStatus::Resolved;
  res.endsAt = at(1);
  auto out = f.put({res.make()}, at(1));
  f.store.resolvedNotified(out[0]->fingerprint);
  f.store.sweepOnce(at(2));
  EXPECT_EQ(f.put({podAlert(3, "a").make()}, at(2)).size(), 1u);
}

TEST(MemoryAlertStore, BytesLimit) {
  AlertStoreOptions o;
  o.maxAlerts = 0;
  o.maxBytes = 1;  // below what even an empty store holds
  Fixture f(o);
  EXPECT_TRUE(f.put({podAlert(1).make()}, at(0)).empty());
  EXPECT_EQ(f.drops.counts[DropReason::StoreLimit], 1u);
}

TEST(MemoryAlertStore, BytesLimitHoldsWithinOneBatch) {
  // Where the limit falls when alerts come one by one...
  Fixture one(oneShard());
  std::vector<size_t> bytesAfter{one.store.bytes()};
  for (int i = 0; i < 10; ++i) {
    one.put({podAlert(i).make()}, at(0));
    bytesAfter.push_back(one.store.bytes());
  }
  const size_t limit = bytesAfter[5];
  size_t held = 0;
  while (bytesAfter[held] < limit) ++held;
  // ...is where it falls inside a single batch of the same alerts.
  AlertStoreOptions o = oneShard();
  o.maxBytes = limit;
  Fixture f(o);
  AlertList batch;
  for (int i = 0; i < 10; ++i) batch.push_back(podAlert(i).make());
  f.put(batch, at(0));
  EXPECT_EQ(f.store.size(), held);
  EXPECT_EQ(f.drops.counts[DropReason::StoreLimit], 10 - held);
}

TEST(MemoryAlertStore, InternedStringsFreedWithTheirLastAlert) {
  Fixture f(oneShard());
  const size_t base = f.store.internedStrings();  // "namespace"
  AlertList l;
  for (int i = 0; i < 100; ++i) {
    A a = podAlert(i);
    a.status = AlertStatus::Resolved;
    a.endsAt = at(0);
    l.push_back(a.make());
  }
  f.put(l, at(1));
  // alertname X ns1 pod summary s "" (generatorURL), pod-0..99
  EXPECT_EQ(f.store.internedStrings(), base + 7 + 100);
  for (auto& a : l) f.store.resolvedNotified(a->fingerprint);
  f.store.sweepOnce(at(2));
  EXPECT_EQ(f.store.size(), 0u);
  EXPECT_EQ(f.store.internedStrings(), base);
}

TEST(MemoryAlertStore, ReSendsChangingOneAnnotationValueHoldOneCopyOfEach) {
  Fixture f(oneShard());
  const size_t base = f.store.internedStrings();  // "namespace"
  A a;
  a.annotations = {{"summary", "s"}, {"value", "0"}};
  for (int i = 0; i < 50; ++i) {
    a.annotations = {{"summary", "s"}, {"value", std::to_string(i)}};
    a.receivedAt = at(i);
    f.putOne(a, at(i));
  }
  // alertname X ns1 pod p1 summary s value "" (generatorURL), and only the last value "49".
  EXPECT_EQ(f.store.internedStrings(), base + 10);
  EXPECT_EQ(f.all()[0].alert->annotations.get("value"), "49");
  EXPECT_EQ(f.all()[0].alert->annotations.get("summary"), "s");
  // Another name in the same place replaces the pairs (names and values).
  a.annotations = {{"summary", "s"}, {"valve", "49"}};
  a.receivedAt = at(60);
  f.putOne(a, at(60));
  EXPECT_EQ(f.all()[0].alert->annotations.get("valve"), "49");
  EXPECT_EQ(f.all()[0].alert->annotations.get("value"), "");
  EXPECT_EQ(f.store.internedStrings(), base + 10);
}

TEST(MemoryAlertStore, ObserverSeesUpsertsAndRemovals) {
  Fixture f;
  test::Recorder rec;
  f.store.subscribe(rec);
  A a;
  a.status = AlertStatus::Resolved;
  a.endsAt = at(1);
  auto out = f.put({a.make()}, at(2));
  ASSERT_EQ(rec.upserts.size(), 1u);
  EXPECT_EQ(rec.upserts[0].status, AlertStatus::Resolved);
  f.store.resolvedNotified(out[0]->fingerprint);
  f.store.sweepOnce(at(3));
  ASSERT_EQ(rec.removals.size(), 1u);
  EXPECT_EQ(rec.removals[0], out[0]->fingerprint);
}

TEST(MemoryAlertStore, ConcurrentPuts) {
  Fixture f;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&f, t] {
      for (int round = 0; round < 5; ++round) {
        AlertList l;
        for (int i = 0; i < 2000; ++i) {
          A a = podAlert(i, "ns" + std::to_string(i % 7));
          a.annotations = {{"summary", "t" + std::to_string(t)}};
          a.receivedAt = at(round);
          l.push_back(a.make());
        }
        f.store.put(l, at(round));
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(f.store.size(), 2000u);
  size_t n = 0;
  f.store.forEach([&](const StoredAlert& s) {
    ++n;
    EXPECT_EQ(s.alert->labels.size(), 3u);
  });
  EXPECT_EQ(n, 2000u);
}

}  // namespace
}  // namespace nm::store
