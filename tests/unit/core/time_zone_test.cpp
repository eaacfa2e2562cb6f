// Unit tests for core/time_zone: Go's LoadLocation names and errors, offsets far past the last
// transition of a zone file (POSIX footer rules, slim files), and Local following TZ.
#include "core/time_zone.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/slim_zone.h"
#include "core/tz_env.h"

namespace nm {
namespace {

using test::at;

int64_t unixOf(const char* rfc3339) {
  return std::chrono::floor<std::chrono::seconds>(at(rfc3339)).time_since_epoch().count();
}

// "offset abbr" of zone `name` at an instant, or the load error.
std::string shown(const char* name, const char* rfc3339) {
  std::string err;
  auto zone = loadLocation(name, err);
  if (!zone) return "error: " + err;
  ZoneAt z = zoneAt(*zone, unixOf(rfc3339));
  return std::to_string(z.offset) + " " + z.abbr;
}

TEST(TimeZone, UtcAndEmptyNames) {
  EXPECT_EQ(shown("", "2024-01-01T00:00:00Z"), "0 UTC");
  EXPECT_EQ(shown("UTC", "2024-07-01T00:00:00Z"), "0 UTC");
}

TEST(TimeZone, GoErrorsForBadAndUnknownNames) {
  EXPECT_EQ(shown("Nowhere/City", "2024-01-01T00:00:00Z"), "error: unknown time zone Nowhere/City");
  EXPECT_EQ(shown("America", "2024-01-01T00:00:00Z"), "error: unknown time zone America");
  EXPECT_EQ(shown("../etc/localtime", "2024-01-01T00:00:00Z"),
            "error: time: invalid location name");
  EXPECT_EQ(shown("/etc/localtime", "2024-01-01T00:00:00Z"), "error: time: invalid location name");
  EXPECT_EQ(shown("\\x", "2024-01-01T00:00:00Z"), "error: time: invalid location name");
  // cctz's own names are not Go's: no zone file is called like this.
  EXPECT_EQ(shown("Fixed/UTC+08:00", "2024-01-01T00:00:00Z"),
            "error: unknown time zone Fixed/UTC+08:00");
  EXPECT_EQ(shown("file:Europe/Berlin", "2024-01-01T00:00:00Z"),
            "error: unknown time zone file:Europe/Berlin");
}

TEST(TimeZone, IanaZonesNowAndFarFuture) {
  EXPECT_EQ(shown("Asia/Shanghai", "2024-05-01T10:00:00Z"), "28800 CST");
  EXPECT_EQ(shown("Asia/Kolkata", "2024-05-01T10:00:00Z"), "19800 IST");
  EXPECT_EQ(shown("Asia/Dubai", "2024-05-01T10:00:00Z"), "14400 +04");  // numeric abbreviation
  // Past 2037 (the end of the explicit transitions of fat files) the POSIX rule decides.
  EXPECT_EQ(shown("America/New_York", "2045-07-01T12:00:00Z"), "-14400 EDT");
  EXPECT_EQ(shown("America/New_York", "2045-01-15T12:00:00Z"), "-18000 EST");
  EXPECT_EQ(shown("Europe/Berlin", "2045-07-01T12:00:00Z"), "7200 CEST");
  EXPECT_EQ(shown("Europe/Berlin", "2045-12-01T12:00:00Z"), "3600 CET");
  // The 2045 switch to summer time in Berlin: last Sunday of March, 01:00Z.
  EXPECT_EQ(shown("Europe/Berlin", "2045-03-26T00:59:59Z"), "3600 CET");
  EXPECT_EQ(shown("Europe/Berlin", "2045-03-26T01:00:00Z"), "7200 CEST");
}

TEST(TimeZone, SlimZoneFileFollowsItsPosixRule) {
  const std::string root = test::slimZoneRoot();
  ASSERT_FALSE(root.empty());
  std::ifstream file(root + "/Test/Slim", std::ios::binary | std::ios::ate);
  ASSERT_TRUE(file) << "zic wrote no Test/Slim";
  EXPECT_LT(file.tellg(), 800) << "not a slim file (the fat one is 1.5 KB)";
  test::ScopedEnv dir("TZDIR", root.c_str());
  EXPECT_EQ(shown("Test/Slim", "1985-06-01T00:00:00Z"), "18000 +05");
  EXPECT_EQ(shown("Test/Slim", "2000-07-01T00:00:00Z"), "21600 TDT");
  EXPECT_EQ(shown("Test/Slim", "2007-12-01T00:00:00Z"), "18000 TST");  // last listed transition
  // After it, summer and winter come from the footer.
  EXPECT_EQ(shown("Test/Slim", "2026-07-01T00:00:00Z"), "21600 TDT");
  EXPECT_EQ(shown("Test/Slim", "2031-01-15T00:00:00Z"), "18000 TST");
  EXPECT_EQ(shown("Test/Slim", "2031-07-01T00:00:00Z"), "21600 TDT");
  EXPECT_EQ(shown("Test/Slim", "2150-12-01T00:00:00Z"), "18000 TST");
  // 2031-03-09 02:00 TST (21:00Z the day before) starts daylight time.
  EXPECT_EQ(shown("Test/Slim", "2031-03-08T20:59:59Z"), "18000 TST");
  EXPECT_EQ(shown("Test/Slim", "2031-03-08T21:00:00Z"), "21600 TDT");
}

TEST(TimeZone, LocalFollowsTz) {
  {
    test::ScopedTz tz("Asia/Tokyo");
    EXPECT_EQ(shown("Local", "2024-01-01T00:00:00Z"), "32400 JST");
    EXPECT_EQ(zoneAt(localZone(), unixOf("2024-01-01T00:00:00Z")).abbr, "JST");
  }
  {
    test::ScopedTz tz(":Europe/Berlin");
    EXPECT_EQ(shown("Local", "2045-07-01T12:00:00Z"), "7200 CEST");
  }
  {
    test::ScopedTz tz("UTC");
    EXPECT_EQ(shown("Local", "2024-01-01T00:00:00Z"), "0 UTC");
  }
  {
    test::ScopedTz tz("Nowhere/City");  // Go falls back to UTC
    EXPECT_EQ(shown("Local", "2024-01-01T00:00:00Z"), "0 UTC");
  }
}

TEST(TimeZone, AZoneFileIsReadOnce) {
  const std::string root = test::slimZoneRoot();
  ASSERT_FALSE(root.empty());
  std::filesystem::copy_file(root + "/Test/Slim", root + "/Test/ReadOnce");
  test::ScopedEnv dir("TZDIR", root.c_str());
  EXPECT_EQ(shown("Test/ReadOnce", "2031-07-01T00:00:00Z"), "21600 TDT");
  std::filesystem::remove(root + "/Test/ReadOnce");
  // Gone from disk, still served: later calls do not open the file again.
  EXPECT_EQ(shown("Test/ReadOnce", "2031-01-15T00:00:00Z"), "18000 TST");
}

}  // namespace
}  // namespace nm
