// ParkedAdoption: which live replica re-sends a stopped replica's parked record, and the owned
// thread that asks every period.
#include "app/parked_adoption.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <thread>

namespace nm {
namespace {

using V = std::vector<std::string>;

TEST(ParkedAdoption, OnlyAStoppedWritersRecordsAreTakenAndByExactlyOneLiveReplica) {
  const V live = {"nm-a", "nm-b", "nm-c"};
  std::map<std::string, int> takers;
  for (int k = 0; k < 300; ++k) {
    const std::string key = "gone-" + std::to_string(k);
    int n = 0;
    for (const auto& self : live) {
      if (ParkedAdoption::adopts(key, "nm-gone", live, self)) {
        ++n;
        ++takers[self];
      }
    }
    EXPECT_EQ(n, 1) << key;
  }
  // Spread over the survivors, not all on one.
  EXPECT_EQ(takers.size(), 3u);
  for (const auto& [self, n] : takers) EXPECT_GT(n, 50) << self;
  // A live writer keeps its records; so does this replica; an empty or foreign live set adopts
  // nothing (the leases have not ticked, or this replica is not seen live yet).
  EXPECT_FALSE(ParkedAdoption::adopts("k", "nm-b", live, "nm-a"));
  EXPECT_FALSE(ParkedAdoption::adopts("k", "nm-a", live, "nm-a"));
  EXPECT_FALSE(ParkedAdoption::adopts("k", "nm-gone", {}, "nm-a"));
  EXPECT_FALSE(ParkedAdoption::adopts("k", "nm-gone", {"nm-b"}, "nm-a"));
  EXPECT_TRUE(ParkedAdoption::adopts("k", "nm-gone", {"nm-a"}, "nm-a"));
}

TEST(ParkedAdoption, TheChoiceIsPinnedSoEveryBuildAgrees) {
  // FNV-1a of the key modulo the live count: replicas of different builds must pick the same one.
  const V live = {"a", "b", "c"};
  EXPECT_TRUE(ParkedAdoption::adopts("nm-0-1", "gone", live, "c"));
  EXPECT_TRUE(ParkedAdoption::adopts("nm-0-2", "gone", live, "a"));
  EXPECT_TRUE(ParkedAdoption::adopts("nm-0-3", "gone", live, "b"));
}

TEST(ParkedAdoption, TheThreadAsksWithTheLiveSetAndStopJoinsIt) {
  std::atomic<int> calls{0};
  std::atomic<bool> adopted{false};
  ParkedAdoption a(
      "nm-a", std::chrono::seconds(1), [] { return V{"nm-a"}; },
      [&](const std::function<bool(const std::string&, const std::string&)>& adopt) {
        adopted = adopt("k", "nm-gone") && !adopt("k", "nm-a");
        ++calls;
      });
  a.start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (calls == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_GE(calls.load(), 1);
  EXPECT_TRUE(adopted.load());
  a.stop();  // joins: no call after it
  const int after = calls.load();
  a.stop();  // twice is harmless
  EXPECT_EQ(calls.load(), after);
}

}  // namespace
}  // namespace nm
