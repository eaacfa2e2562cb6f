// Unit tests for tz's zone conversion (goTimeIn): far-future offsets, a slim zone file, Local
// following TZ, Go's errors, and the template function on top of it.
#include <gtest/gtest.h>

#include "core/slim_zone.h"
#include "core/tz_env.h"
#include "render/go_time.h"

namespace nm::render {
namespace {

using test::at;

// time.Time.String() of `rfc3339` in zone `name`, or the error.
std::string in(const char* name, const char* rfc3339) {
  std::string err;
  auto t = goTimeIn(GoTime::fromTimePoint(at(rfc3339)), name, err);
  return t ? goTimeString(*t) : "error: " + err;
}

TEST(GoTimeIn, FarFutureFollowsTheZoneRule) {
  EXPECT_EQ(in("America/New_York", "2045-07-01T12:00:00Z"), "2045-07-01 08:00:00 -0400 EDT");
  EXPECT_EQ(in("America/New_York", "2045-12-01T12:00:00Z"), "2045-12-01 07:00:00 -0500 EST");
  EXPECT_EQ(in("Europe/Berlin", "2045-07-01T12:00:00Z"), "2045-07-01 14:00:00 +0200 CEST");
  EXPECT_EQ(in("Australia/Sydney", "2045-01-01T00:00:00Z"), "2045-01-01 11:00:00 +1100 AEDT");
}

TEST(GoTimeIn, AbbreviationsAsTheZoneNamesThem) {
  EXPECT_EQ(in("Asia/Shanghai", "2024-05-01T10:00:00Z"), "2024-05-01 18:00:00 +0800 CST");
  EXPECT_EQ(in("Asia/Dubai", "2024-05-01T10:00:00Z"), "2024-05-01 14:00:00 +0400 +04");
  EXPECT_EQ(in("UTC", "2024-05-01T10:00:00Z"), "2024-05-01 10:00:00 +0000 UTC");
  EXPECT_EQ(in("", "2024-05-01T10:00:00Z"), "2024-05-01 10:00:00 +0000 UTC");
}

TEST(GoTimeIn, SlimZoneFile) {
  const std::string root = test::slimZoneRoot();
  ASSERT_FALSE(root.empty());
  test::ScopedEnv dir("TZDIR", root.c_str());
  // Past the file's last transition (2007): the footer's daylight time.
  EXPECT_EQ(in("Test/Slim", "2030-07-01T12:00:00Z"), "2030-07-01 18:00:00 +0600 TDT");
  EXPECT_EQ(in("Test/Slim", "2030-12-01T12:00:00Z"), "2030-12-01 17:00:00 +0500 TST");
}

TEST(GoTimeIn, LocalFollowsTz) {
  {
    test::ScopedTz tz("Europe/Berlin");
    EXPECT_EQ(in("Local", "2045-07-01T12:00:00Z"), "2045-07-01 14:00:00 +0200 CEST");
  }
  {
    test::ScopedTz tz("Asia/Kolkata");
    EXPECT_EQ(in("Local", "2024-05-01T10:00:00Z"), "2024-05-01 15:30:00 +0530 IST");
  }
  {
    test::ScopedTz tz("UTC");
    EXPECT_EQ(in("Local", "2024-05-01T10:00:00Z"), "2024-05-01 10:00:00 +0000 UTC");
  }
}

TEST(GoTimeIn, GoErrors) {
  EXPECT_EQ(in("Nowhere/City", "2024-05-01T10:00:00Z"), "error: unknown time zone Nowhere/City");
  EXPECT_EQ(in("../zoneinfo/UTC", "2024-05-01T10:00:00Z"), "error: time: invalid location name");
  EXPECT_EQ(in("/usr/share/zoneinfo/UTC", "2024-05-01T10:00:00Z"),
            "error: time: invalid location name");
}

TEST(GoTimeLocal, ParsedOffsetTakesLocalsNameWhenLocalShowsIt) {
  const TimePoint t = at("2024-05-01T10:00:00Z");
  {
    test::ScopedTz tz("Asia/Shanghai");  // the Helm chart's TZ
    EXPECT_EQ(goTimeString(GoTime::fromTimePoint(t, 8 * 3600)), "2024-05-01 18:00:00 +0800 CST");
    EXPECT_EQ(goTimeString(GoTime::fromTimePoint(t, 9 * 3600)), "2024-05-01 19:00:00 +0900 +0900");
  }
  {
    test::ScopedTz tz("UTC");
    EXPECT_EQ(goTimeString(GoTime::fromTimePoint(t, 8 * 3600)), "2024-05-01 18:00:00 +0800 +0800");
  }
  {
    test::ScopedTz tz("Europe/Berlin");  // +02:00 is CEST in summer only
    EXPECT_EQ(goTimeString(GoTime::fromTimePoint(t, 2 * 3600)), "2024-05-01 12:00:00 +0200 CEST");
    EXPECT_EQ(goTimeString(GoTime::fromTimePoint(at("2024-01-01T10:00:00Z"), 2 * 3600)),
              "2024-01-01 12:00:00 +0200 +0200");
  }
}

TEST(GoTimeLocal, NowLikeTimesAreInLocal) {
  test::ScopedTz tz("Europe/Berlin");
  EXPECT_EQ(goTimeString(GoTime::inLocal(at("2045-07-01T12:00:00Z"))),
            "2045-07-01 14:00:00 +0200 CEST");
  EXPECT_EQ(goTimeString(GoTime::inLocal(kZeroTime)), "0001-01-01 00:00:00 +0000 UTC");
}

}  // namespace
}  // namespace nm::render
