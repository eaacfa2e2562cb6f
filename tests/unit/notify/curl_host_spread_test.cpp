// Tests of HostSpread and loopShare: exact split of connection limits over curl loops and the
// least-loaded choice of a loop per host.
#include "notify/curl_host_spread.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace nm {
namespace {

TEST(LoopShare, PartsSumToTheLimitForEveryStart) {
  for (long limit : {0L, 1L, 2L, 3L, 7L, 8L, 64L}) {
    for (size_t loops : {1u, 2u, 3u, 4u, 5u}) {
      for (size_t first = 0; first < loops; ++first) {
        long sum = 0, lo = limit, hi = 0;
        for (size_t i = 0; i < loops; ++i) {
          long s = loopShare(limit, loops, first, i);
          sum += s;
          lo = std::min(lo, s);
          hi = std::max(hi, s);
        }
        EXPECT_EQ(sum, limit) << "limit " << limit << " loops " << loops << " first " << first;
        EXPECT_LE(hi - lo, 1);
      }
    }
  }
}

TEST(LoopShare, RemainderStartsAtFirstAndWraps) {
  // 5 over 3 loops from loop 2: loops 2 and 0 take the extra connection.
  EXPECT_EQ(loopShare(5, 3, 2, 2), 2);
  EXPECT_EQ(loopShare(5, 3, 2, 0), 2);
  EXPECT_EQ(loopShare(5, 3, 2, 1), 1);
}

TEST(HostSpread, AlternatesLoopsOfEqualShare) {
  HostSpread s(2, 8);
  const std::string h = "http://sink:80";
  std::multiset<size_t> picks;
  for (int i = 0; i < 8; ++i) picks.insert(s.take(h));
  EXPECT_EQ(picks.count(0), 4u);
  EXPECT_EQ(picks.count(1), 4u);
}

TEST(HostSpread, FollowsSharesWhenTheyDiffer) {
  HostSpread s(2, 3);  // one loop 2 connections, the other 1
  const std::string h = "http://sink:80";
  const size_t big = s.share(h, 0) == 2 ? 0 : 1;
  ASSERT_EQ(s.share(h, big), 2);
  ASSERT_EQ(s.share(h, 1 - big), 1);
  for (int i = 0; i < 30; ++i) s.take(h);
  EXPECT_EQ(s.pending(h, big), 20);
  EXPECT_EQ(s.pending(h, 1 - big), 10);
}

TEST(HostSpread, HostBelowTheLoopCountUsesOnlyLoopsWithAShare) {
  HostSpread s(3, 1);
  const std::string h = "https://oapi.dingtalk.com";
  const size_t only = s.firstLoop(h);
  EXPECT_EQ(s.share(h, only), 1);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(s.take(h), only);
}

TEST(HostSpread, LimitsOfDifferentHostsStartOnDifferentLoops) {
  HostSpread s(2, 1);
  std::set<size_t> firsts;
  for (int i = 0; i < 32; ++i) firsts.insert(s.firstLoop("http://host-" + std::to_string(i)));
  EXPECT_EQ(firsts.size(), 2u);
}

TEST(HostSpread, TiesGoToThePreferredLoopAndLoadWins) {
  HostSpread s(2, 8);
  const std::string h = "http://sink:80";
  EXPECT_EQ(s.take(h, 1), 1u);  // 0/4 vs 0/4: the caller's loop
  EXPECT_EQ(s.take(h, 1), 0u);  // loop 1 is busier now
  EXPECT_EQ(s.take(h, 0), 0u);
  EXPECT_EQ(s.take(h, 0), 1u);
}

TEST(HostSpread, FinishedRequestsFreeTheirLoopAndTheHostIsForgotten) {
  HostSpread s(2, 8);
  const std::string h = "http://sink:80";
  size_t a = s.take(h), b = s.take(h);
  ASSERT_NE(a, b);
  s.finished(h, a);
  EXPECT_EQ(s.take(h), a);  // a is idle again, b still holds one
  s.finished(h, a);
  s.finished(h, b);
  EXPECT_EQ(s.hostsTracked(), 0u);
  s.finished(h, b);  // an unknown completion is ignored
  EXPECT_EQ(s.hostsTracked(), 0u);
}

TEST(HostSpread, NoLimitSpreadsOverEveryLoop) {
  HostSpread s(2, 0);
  const std::string h = "http://sink:80";
  EXPECT_NE(s.take(h), s.take(h));
}

}  // namespace
}  // namespace nm
