// Unit tests for silence activity windows (startsAt/duration, cron schedules incl. one across
// midnight, disabled) and the global silence stage (selectors, counting, evaluation time).
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

#include "core/cron.h"
#include "fixtures.h"
#include "model/silence_activity.h"
#include "silence/silence_stage.h"

namespace nm {
namespace {

using namespace std::chrono_literals;
using test::at;

class UtcZone : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* tz = std::getenv("TZ")) old_ = tz;
    setenv("TZ", "UTC", 1);
    tzset();
  }
  void TearDown() override {
    if (old_.empty())
      unsetenv("TZ");
    else
      setenv("TZ", old_.c_str(), 1);
    tzset();
  }

 private:
  std::string old_;
};

model::SilenceResource silence() {
  model::SilenceResource s;
  s.name = "s";
  s.matcher = test::matchLabels({{"alertname", "A"}});
  return s;
}

TEST(SilenceActivity, NoWindowIsAlwaysActiveUnlessDisabled) {
  auto s = silence();
  EXPECT_TRUE(isSilenceActive(s, at("2024-01-01T00:00:00Z")));
  s.enabled = false;
  EXPECT_FALSE(isSilenceActive(s, at("2024-01-01T00:00:00Z")));
}

TEST(SilenceActivity, StartsAtWithDuration) {
  auto s = silence();
  s.startsAt = at("2024-01-01T10:00:00Z");
  s.duration = Duration(1h);
  EXPECT_FALSE(isSilenceActive(s, at("2024-01-01T09:59:59Z")));
  EXPECT_TRUE(isSilenceActive(s, at("2024-01-01T10:00:00Z")));
  EXPECT_TRUE(isSilenceActive(s, at("2024-01-01T10:59:59.999Z")));
  EXPECT_FALSE(isSilenceActive(s, at("2024-01-01T11:00:00Z")));
  s.enabled = false;
  EXPECT_FALSE(isSilenceActive(s, at("2024-01-01T10:30:00Z")));
}

TEST(SilenceActivity, StartsAtWithoutDurationLastsForever) {
  auto s = silence();
  s.startsAt = at("2024-01-01T10:00:00Z");
  EXPECT_FALSE(isSilenceActive(s, at("2024-01-01T09:00:00Z")));
  EXPECT_TRUE(isSilenceActive(s, at("2024-01-01T10:00:00Z")));
  EXPECT_TRUE(isSilenceActive(s, at("2034-01-01T10:00:00Z")));
}

TEST_F(UtcZone, ScheduleWithoutDurationIsAlwaysActive) {
  auto s = silence();
  std::string err;
  s.scheduleText = "0 22 * * *";
  s.schedule = parseCron(s.scheduleText, err);
  ASSERT_TRUE(s.schedule) << err;
  EXPECT_TRUE(isSilenceActive(s, at("2024-01-01T12:00:00Z")));
  s.enabled = false;
  EXPECT_FALSE(isSilenceActive(s, at("2024-01-01T12:00:00Z")));
}

TEST_F(UtcZone, ScheduleWindowAcrossMidnight) {
  auto s = silence();
  std::string err;
  s.scheduleText = "0 22 * * *";
  s.schedule = parseCron(s.scheduleText, err);
  ASSERT_TRUE(s.schedule) << err;
  s.duration = Duration(10h);
  EXPECT_TRUE(isSilenceActive(s, at("2024-01-01T22:00:00Z")));
  EXPECT_TRUE(isSilenceActive(s, at("2024-01-01T23:00:00Z")));
  EXPECT_TRUE(isSilenceActive(s, at("2024-01-02T07:59:00Z")));
  EXPECT_FALSE(isSilenceActive(s, at("2024-01-02T08:00:00Z")));
  EXPECT_FALSE(isSilenceActive(s, at("2024-01-02T21:59:00Z")));
  // A schedule wins over startsAt.
  s.startsAt = at("2030-01-01T00:00:00Z");
  EXPECT_TRUE(isSilenceActive(s, at("2024-01-01T23:00:00Z")));
}

TEST(SilenceActivity, UncompiledScheduleWithDurationIsInactive) {
  auto s = silence();
  s.scheduleText = "not a cron";
  s.duration = Duration(1h);
  EXPECT_FALSE(isSilenceActive(s, at("2024-01-01T12:00:00Z")));
}

Work workWith(config::SnapshotPtr snap, AlertList alerts, TimePoint now) {
  Work w;
  w.drops = &test::drops();
  w.snapshot = std::move(snap);
  w.alerts = std::move(alerts);
  w.now = now;
  return w;
}

std::vector<std::string> names(const AlertList& l) {
  std::vector<std::string> out;
  for (const auto& a : l) out.emplace_back(a->labels.get("alertname"));
  return out;
}

TEST(SilenceStage, RemovesAlertsMatchedByActiveGlobalSilences) {
  test::SnapshotBuilder b;
  b.globalSilence("by-name", test::matchLabels({{"alertname", "A"}}));
  b.globalSilence("by-severity", test::expression("severity", model::SelectorOp::In, {"info"}));
  auto& later = b.globalSilence("later", test::matchLabels({{"alertname", "C"}}));
  later.startsAt = at("2030-01-01T00:00:00Z");
  auto snap = b.build();
  uint64_t before = test::droppedCount("global_silence");
  Work w = workWith(
      snap,
      {test::alert({{"alertname", "A"}}), test::alert({{"alertname", "B"}}),
       test::alert({{"alertname", "C"}}), test::alert({{"alertname", "D"}, {"severity", "info"}})},
      at("2024-01-01T00:00:00Z"));
  SilenceStage().process(w);
  EXPECT_EQ(names(w.alerts), (std::vector<std::string>{"B", "C"}));
  EXPECT_EQ(test::droppedCount("global_silence") - before, 2u);
  // At a time the "later" silence is active, C goes too.
  w = workWith(snap, {test::alert({{"alertname", "C"}})}, at("2030-06-01T00:00:00Z"));
  SilenceStage().process(w);
  EXPECT_TRUE(w.alerts.empty());
}

TEST(SilenceStage, RegexMatcherNeverMutesAlertsLackingTheLabel) {
  test::SnapshotBuilder b;
  b.globalSilence("regex", test::regexMatch("namespace", "kube-.*"));
  auto snap = b.build();
  Work w = workWith(snap,
                    {test::alert({{"alertname", "A"}, {"namespace", "kube-system"}}),
                     test::alert({{"alertname", "B"}, {"namespace", "default"}}),
                     test::alert({{"alertname", "C"}})},
                    at("2024-01-01T00:00:00Z"));
  SilenceStage().process(w);
  EXPECT_EQ(names(w.alerts), (std::vector<std::string>{"B", "C"}));
}

TEST(SilenceStage, DisabledSilenceAndNotInSelector) {
  test::SnapshotBuilder b;
  b.globalSilence("off", test::matchLabels({{"alertname", "A"}})).enabled = false;
  b.globalSilence("not-prod", test::expression("env", model::SelectorOp::NotIn, {"prod"}));
  auto snap = b.build();
  Work w = workWith(
      snap,
      {test::alert({{"alertname", "A"}, {"env", "prod"}}),
       test::alert({{"alertname", "B"}, {"env", "dev"}}), test::alert({{"alertname", "C"}})},
      at("2024-01-01T00:00:00Z"));
  SilenceStage().process(w);
  EXPECT_EQ(names(w.alerts), (std::vector<std::string>{"A"}));
}

TEST(SilenceStage, UnsetNowMeansCurrentTime) {
  test::SnapshotBuilder b;
  auto& s = b.globalSilence("window", test::matchLabels({{"alertname", "A"}}));
  s.startsAt = nm::now() - std::chrono::hours(1);
  s.duration = Duration(std::chrono::hours(2));
  Work w = workWith(b.build(), {test::alert({{"alertname", "A"}})}, kZeroTime);
  SilenceStage().process(w);
  EXPECT_TRUE(w.alerts.empty());
}

}  // namespace
}  // namespace nm
