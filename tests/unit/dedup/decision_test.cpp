// Unit tests for the dedup rules: first notification, new firing alert, resolved (with and
// without sendResolved), repeat interval, nothing changed, and the entry a send records.
#include <gtest/gtest.h>

#include "dedup/dedup_decision.h"

namespace nm::dedup {
namespace {

using V = std::vector<uint64_t>;
using std::chrono::hours;
using std::chrono::minutes;

const TimePoint kT0 = TimePoint(std::chrono::seconds(1'700'000'000));

NotificationLogEntry entry(V firing, V resolved = {}, TimePoint sentAt = kT0) {
  NotificationLogEntry e;
  e.firing = std::move(firing);
  e.resolved = std::move(resolved);
  e.sentAt = sentAt;
  e.expiresAt = sentAt + hours(8);
  return e;
}

Decision run(const NotificationLogEntry* last, V firing, V resolved, TimePoint now = kT0,
             bool sendResolved = true) {
  return decide(last, firing, resolved, now, hours(4), sendResolved);
}

TEST(DedupDecision, FirstNotificationIsSent) {
  auto d = run(nullptr, {1, 2}, {});
  EXPECT_TRUE(d.send);
  EXPECT_EQ(d.reason, Reason::First);
}

TEST(DedupDecision, OnlyResolvedWithoutEntryIsSuppressed) {
  auto d = run(nullptr, {}, {1});
  EXPECT_FALSE(d.send);
  EXPECT_EQ(d.reason, Reason::ResolvedUnnotified);
}

TEST(DedupDecision, NothingChangedIsSuppressed) {
  auto last = entry({1, 2});
  auto d = run(&last, {1, 2}, {}, kT0 + minutes(1));
  EXPECT_FALSE(d.send);
  EXPECT_EQ(d.reason, Reason::Unchanged);
  // A subset of what was sent (a batch holding part of the group) is no news either.
  EXPECT_FALSE(run(&last, {2}, {}, kT0 + minutes(1)).send);
}

TEST(DedupDecision, NewFiringAlertIsSent) {
  auto last = entry({1, 2});
  auto d = run(&last, {1, 2, 3}, {}, kT0 + minutes(1));
  EXPECT_TRUE(d.send);
  EXPECT_EQ(d.reason, Reason::NewAlerts);
}

TEST(DedupDecision, ResolvedAlertThatWasFiringIsSentOnce) {
  auto last = entry({1, 2});
  auto d = run(&last, {}, {1, 2}, kT0 + minutes(1));
  EXPECT_TRUE(d.send);
  EXPECT_EQ(d.reason, Reason::Resolved);
  // After that send the entry lists nothing firing: the same resolved alerts again are no news.
  auto after = nextEntry(&last, {}, {1, 2}, kT0 + minutes(1), hours(4));
  EXPECT_TRUE(after.firing.empty());
  EXPECT_EQ(after.resolved, (V{1, 2}));
  auto again = run(&after, {}, {1, 2}, kT0 + minutes(2));
  EXPECT_FALSE(again.send);
  EXPECT_EQ(again.reason, Reason::Unchanged);
}

TEST(DedupDecision, SomeResolvedWhileOthersFireIsSent) {
  auto last = entry({1, 2});
  auto d = run(&last, {2}, {1}, kT0 + minutes(1));
  EXPECT_TRUE(d.send);
  EXPECT_EQ(d.reason, Reason::Resolved);
}

TEST(DedupDecision, SendResolvedOffSuppressesAndForgets) {
  auto last = entry({1, 2});
  auto d = run(&last, {}, {1, 2}, kT0 + minutes(1), /*sendResolved=*/false);
  EXPECT_FALSE(d.send);
  EXPECT_EQ(d.reason, Reason::ResolvedNotSent);
  EXPECT_TRUE(d.forget);
  // Once forgotten, the alert firing again is news.
  auto after = nextEntry(&last, {}, {1, 2}, last.sentAt, hours(4));
  auto refire = run(&after, {1}, {}, kT0 + minutes(2), false);
  EXPECT_TRUE(refire.send);
  EXPECT_EQ(refire.reason, Reason::NewAlerts);
}

TEST(DedupDecision, RepeatIntervalPassedIsSent) {
  auto last = entry({1});
  EXPECT_FALSE(run(&last, {1}, {}, kT0 + hours(4) - minutes(1)).send);
  auto d = run(&last, {1}, {}, kT0 + hours(4));
  EXPECT_TRUE(d.send);
  EXPECT_EQ(d.reason, Reason::Repeat);
  // Nothing firing: no reminder of resolved alerts.
  EXPECT_FALSE(run(&last, {}, {}, kT0 + hours(5)).send);
}

TEST(DedupDecision, NextEntryRemembersTheGroupAcrossBatches) {
  auto last = entry({1, 3});
  auto e = nextEntry(&last, {2}, {3}, kT0 + minutes(1), hours(4));
  EXPECT_EQ(e.firing, (V{1, 2}));
  EXPECT_EQ(e.resolved, (V{3}));
  EXPECT_EQ(e.sentAt, kT0 + minutes(1));
  EXPECT_EQ(e.expiresAt, kT0 + minutes(1) + hours(8));
}

}  // namespace
}  // namespace nm::dedup
