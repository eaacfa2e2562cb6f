// mergeTimes: Alertmanager's merge rules one by one.
#include "store/alert_merge.h"

#include <gtest/gtest.h>

#include "store_test_util.h"

namespace nm::store {
namespace {

using test::at;

AlertTimes times(int s, int e, int updated, bool timeout = false) {
  AlertTimes t;
  t.startsAt = at(s);
  t.endsAt = at(e);
  t.updatedAt = at(updated);
  t.timeout = timeout;
  return t;
}

TEST(MergeTimes, OverlapKeepsEarliestStartAndNewerEnd) {
  auto r = mergeTimes(times(0, 100, 10), times(50, 200, 60), at(60));
  EXPECT_TRUE(r.merged);
  EXPECT_TRUE(r.incomingOwns);
  EXPECT_EQ(r.times.startsAt, at(0));
  EXPECT_EQ(r.times.endsAt, at(200));
  EXPECT_EQ(r.times.updatedAt, at(60));
}

TEST(MergeTimes, NoOverlapReplaces) {
  auto r = mergeTimes(times(0, 100, 10), times(150, 300, 150), at(150));
  EXPECT_FALSE(r.merged);
  EXPECT_EQ(r.times.startsAt, at(150));
  EXPECT_EQ(r.times.endsAt, at(300));
}

TEST(MergeTimes, LaterSentEndBeatsNewerTimeoutEnd) {
  // Held: endsAt 500 sent explicitly; incoming (newer) without endsAt: timeout end 400.
  auto r = mergeTimes(times(0, 500, 10), times(0, 400, 100, true), at(100));
  EXPECT_EQ(r.times.endsAt, at(500));
  EXPECT_FALSE(r.times.timeout);
}

TEST(MergeTimes, LaterTimeoutEndDoesNotBeatNewerSentEnd) {
  // Held: a timeout end at 500; incoming (newer) ends at 300 as sent: the sent end wins.
  auto r = mergeTimes(times(0, 500, 10, true), times(0, 300, 100), at(100));
  EXPECT_EQ(r.times.endsAt, at(300));
  EXPECT_FALSE(r.times.timeout);
}

TEST(MergeTimes, BothResolvedLatestEndWins) {
  auto r = mergeTimes(times(0, 90, 95), times(0, 80, 96), at(100));
  EXPECT_EQ(r.times.endsAt, at(90));
}

TEST(MergeTimes, ResolvedYoungerIgnoresOlderFiringEnd) {
  // Incoming says it resolved at 50; the held firing end (200) does not win.
  auto r = mergeTimes(times(0, 200, 10), times(0, 50, 60), at(60));
  EXPECT_EQ(r.times.endsAt, at(50));
}

TEST(MergeTimes, OlderIncomingDoesNotOwnAnnotations) {
  auto r = mergeTimes(times(0, 200, 100), times(0, 150, 50), at(100));
  EXPECT_TRUE(r.merged);
  EXPECT_FALSE(r.incomingOwns);
  EXPECT_EQ(r.times.updatedAt, at(100));
  EXPECT_EQ(r.times.endsAt, at(200));
}

}  // namespace
}  // namespace nm::store
