// Which merges the store writes to a durable StateBackend: every change of state, but a re-post
// that refreshes endsAt and annotations only once the written endsAt has used up half its margin.
#include <gtest/gtest.h>

#include "observe/metrics.h"
#include "store/memory_alert_store.h"
#include "store_test_util.h"

namespace nm::store {
namespace {

using test::A;
using test::at;

constexpr int kMinute = 60;

// Prometheus' shape: every post says endsAt = now + 4 resend intervals.
struct Prometheus {
  test::FakeBackend backend;
  TimePoint clock = at(0);
  metrics::Registry registry;
  MemoryAlertStore store;
  A alert;

  Prometheus() : store(options(&clock), &backend, nullptr, &registry) {}

  static AlertStoreOptions options(TimePoint* clock) {
    AlertStoreOptions o;
    o.clock = [clock] { return *clock; };
    return o;
  }

  // Posts the alert at `seconds` with endsAt `seconds + horizon`; returns the backend's puts.
  size_t postAt(int seconds, int horizon = 4 * kMinute) {
    clock = at(seconds);
    alert.receivedAt = at(seconds);
    alert.endsAt = at(seconds + horizon);
    AlertList l{alert.make()};
    store.put(l, at(seconds));
    return backend.puts;
  }

  TimePoint writtenEndsAt() {
    MemoryAlertStore reloaded({}, &backend, nullptr, nullptr);
    std::string error;
    EXPECT_TRUE(reloaded.load(error)) << error;
    TimePoint ends = kZeroTime;
    reloaded.forEach([&](const StoredAlert& sa) { ends = sa.alert->endsAt; });
    return ends;
  }

  bool metricSays(const std::string& line) {
    return registry.render().find(line) != std::string::npos;
  }
};

TEST(AlertStoreWrites, ARePostIsWrittenOnlyWhenTheWrittenEndsAtRunsLow) {
  Prometheus p;
  EXPECT_EQ(p.postAt(0), 1u);            // new
  EXPECT_EQ(p.postAt(1 * kMinute), 1u);  // written end 3 min ahead of 4: deferred
  EXPECT_EQ(p.postAt(2 * kMinute), 1u);  // 2 min ahead: still half the horizon, twice the gap
  EXPECT_EQ(p.writtenEndsAt(), at(4 * kMinute));
  EXPECT_EQ(p.postAt(3 * kMinute), 2u);  // 1 min ahead: written
  EXPECT_EQ(p.writtenEndsAt(), at(7 * kMinute));
  EXPECT_TRUE(p.metricSays("nm_alert_store_writes_deferred_total 2"));
}

TEST(AlertStoreWrites, RefreshedAnnotationsRideOnTheNextWrite) {
  Prometheus p;
  p.postAt(0);
  p.alert.annotations = {{"summary", "value is 3"}};
  p.alert.generatorURL = "http://prom/graph";
  EXPECT_EQ(p.postAt(1 * kMinute), 1u);  // a re-evaluated annotation: deferred like endsAt
  p.alert.annotations = {{"summary", "value is 4"}};
  EXPECT_EQ(p.postAt(3 * kMinute), 2u);  // written with the margin
  MemoryAlertStore reloaded({}, &p.backend, nullptr, nullptr);
  std::string error;
  ASSERT_TRUE(reloaded.load(error)) << error;
  reloaded.forEach([&](const StoredAlert& sa) {
    EXPECT_EQ(sa.alert->annotations.get("summary"), "value is 4");
    EXPECT_EQ(sa.alert->generatorURL, "http://prom/graph");
  });
}

TEST(AlertStoreWrites, EveryChangeOfStateIsWrittenAtOnce) {
  Prometheus p;
  p.postAt(0);
  EXPECT_EQ(p.postAt(30), 1u);  // only endsAt moved: deferred
  p.alert.startsAt = at(-100);
  EXPECT_EQ(p.postAt(50), 2u);  // an earlier startsAt is merged in
  p.alert.status = AlertStatus::Resolved;
  EXPECT_EQ(p.postAt(60, 0), 3u);  // resolved
  EXPECT_EQ(p.writtenEndsAt(), at(60));
  p.alert.status = AlertStatus::Firing;
  p.alert.startsAt = at(70);
  EXPECT_EQ(p.postAt(70), 4u);  // firing again
}

TEST(AlertStoreWrites, ASenderPostingRarelyIsWrittenEachTime) {
  // endsAt 4 min ahead, posts 90 s apart: after a skipped write the written end would be less
  // than twice the gap between posts ahead, so every post is written.
  Prometheus p;
  EXPECT_EQ(p.postAt(0), 1u);
  EXPECT_EQ(p.postAt(90), 2u);
  EXPECT_EQ(p.postAt(180), 3u);
}

TEST(AlertStoreWrites, ARestartAfterDeferredWritesKeepsTheAlertFiring) {
  Prometheus p;
  for (int t = 0; t <= 2 * kMinute; t += 15) p.postAt(t);
  ASSERT_LT(p.backend.puts, 9u);
  // kill -9 now: what a restart reads is firing and ends later than the sender's next post.
  TimePoint ends = p.writtenEndsAt();
  EXPECT_GT(ends, at(2 * kMinute + 2 * 15));
}

TEST(AlertStoreWrites, WithoutADurableBackendNothingIsCountedAsDeferred) {
  TimePoint clock = at(0);
  metrics::Registry registry;
  AlertStoreOptions o;
  o.clock = [&clock] { return clock; };
  MemoryAlertStore s(o, nullptr, nullptr, &registry);
  A a;
  for (int t = 0; t < 60; t += 10) {
    clock = at(t);
    a.receivedAt = at(t);
    a.endsAt = at(t + 240);
    AlertList l{a.make()};
    s.put(l, at(t));
  }
  EXPECT_NE(registry.render().find("nm_alert_store_writes_deferred_total 0"), std::string::npos);
}

}  // namespace
}  // namespace nm::store
