// Unit tests for core/time: RFC 3339 parsing and formatting (zero time, offsets, fractions) and
// Go duration strings in both directions.
#include <gtest/gtest.h>

#include "core/time.h"

namespace nm {
namespace {

using namespace std::chrono_literals;

TEST(Rfc3339, ParsesUtcAndFractions) {
  auto t = parseRfc3339("2024-01-02T03:04:05Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->time_since_epoch(), Duration(1704164645s));
  auto f = parseRfc3339("2024-01-02T03:04:05.123456789Z");
  ASSERT_TRUE(f);
  EXPECT_EQ(*f - *t, Duration(123456789ns));
  auto g = parseRfc3339("2024-01-02T03:04:05.5Z");
  ASSERT_TRUE(g);
  EXPECT_EQ(*g - *t, Duration(500ms));
  EXPECT_EQ(parseRfc3339("1970-01-01T00:00:00Z")->time_since_epoch(), Duration(0));
}

TEST(Rfc3339, ParsesOffsets) {
  auto utc = parseRfc3339("2024-01-02T03:04:05Z");
  EXPECT_EQ(parseRfc3339("2024-01-02T11:04:05+08:00"), utc);
  EXPECT_EQ(parseRfc3339("2024-01-01T21:34:05-05:30"), utc);
  EXPECT_EQ(parseRfc3339("2024-01-02T03:04:05+00:00"), utc);
}

TEST(Rfc3339, KeepsAndWritesTheOffset) {
  int32_t off = 1;
  auto t = parseRfc3339("2026-11-25T18:00:00.25+08:00", &off);
  ASSERT_TRUE(t);
  EXPECT_EQ(off, 8 * 3600);
  EXPECT_EQ(formatRfc3339(*t), "2026-11-25T10:00:00.25Z");
  EXPECT_EQ(formatRfc3339(*t, off), "2026-11-25T18:00:00.25+08:00");
  ASSERT_TRUE(parseRfc3339("2026-11-25T04:30:00-05:30", &off));
  EXPECT_EQ(off, -(5 * 3600 + 30 * 60));
  EXPECT_EQ(formatRfc3339(*parseRfc3339("2026-11-25T04:30:00-05:30"), off),
            "2026-11-25T04:30:00-05:30");
  ASSERT_TRUE(parseRfc3339("2026-11-25T04:30:00Z", &off));
  EXPECT_EQ(off, 0);
  EXPECT_EQ(formatRfc3339(kZeroTime, 3600), "0001-01-01T00:00:00Z");
}

TEST(Rfc3339, ZeroTime) {
  EXPECT_EQ(parseRfc3339("0001-01-01T00:00:00Z"), kZeroTime);
  EXPECT_EQ(formatRfc3339(kZeroTime), "0001-01-01T00:00:00Z");
}

TEST(Rfc3339, RejectsMalformed) {
  for (const char* bad : {"", "2024-01-02", "2024-01-02T03:04:05", "2024-13-02T03:04:05Z",
                          "2024-02-30T03:04:05Z", "2024-01-02T24:04:05Z", "2024-01-02T03:04:05.Z",
                          "2024-01-02T03:04:05+0800", "2024-01-02T03:04:05Zjunk", "abcd"}) {
    EXPECT_FALSE(parseRfc3339(bad)) << bad;
  }
}

TEST(Rfc3339, FormatsLikeGoRfc3339Nano) {
  EXPECT_EQ(formatRfc3339(*parseRfc3339("2024-01-02T11:04:05+08:00")), "2024-01-02T03:04:05Z");
  EXPECT_EQ(formatRfc3339(*parseRfc3339("2024-01-02T03:04:05.120Z")), "2024-01-02T03:04:05.12Z");
  EXPECT_EQ(formatRfc3339(*parseRfc3339("2024-01-02T03:04:05.000000001Z")),
            "2024-01-02T03:04:05.000000001Z");
  EXPECT_EQ(formatRfc3339(TimePoint(Duration(-1s))), "1969-12-31T23:59:59Z");
  std::string out = "at ";
  appendRfc3339(out, TimePoint(Duration(0)));
  EXPECT_EQ(out, "at 1970-01-01T00:00:00Z");
}

TEST(GoDuration, Parses) {
  EXPECT_EQ(parseGoDuration("300ms"), Duration(300ms));
  EXPECT_EQ(parseGoDuration("-1.5h"), Duration(-90min));
  EXPECT_EQ(parseGoDuration("2h45m"), Duration(165min));
  EXPECT_EQ(parseGoDuration("1m30s"), Duration(90s));
  EXPECT_EQ(parseGoDuration("0"), Duration(0));
  EXPECT_EQ(parseGoDuration("+5s"), Duration(5s));
  EXPECT_EQ(parseGoDuration("1us"), Duration(1us));
  EXPECT_EQ(parseGoDuration("1\xC2\xB5s"), Duration(1us));
  EXPECT_EQ(parseGoDuration("10ns"), Duration(10ns));
  EXPECT_EQ(parseGoDuration(".5s"), Duration(500ms));
}

TEST(GoDuration, RejectsMalformed) {
  for (const char* bad : {"", "1", "s", "1x", "-", "1h-5m", "1.2.3s"}) {
    EXPECT_FALSE(parseGoDuration(bad)) << bad;
  }
}

TEST(GoDuration, FormatsLikeGo) {
  EXPECT_EQ(formatGoDuration(Duration(0)), "0s");
  EXPECT_EQ(formatGoDuration(Duration(60s)), "1m0s");
  EXPECT_EQ(formatGoDuration(Duration(1500ms)), "1.5s");
  EXPECT_EQ(formatGoDuration(Duration(1h)), "1h0m0s");
  EXPECT_EQ(formatGoDuration(Duration(165min)), "2h45m0s");
  EXPECT_EQ(formatGoDuration(Duration(300ms)), "300ms");
  EXPECT_EQ(formatGoDuration(Duration(1500us)), "1.5ms");
  EXPECT_EQ(formatGoDuration(Duration(1us)), "1\xC2\xB5s");
  EXPECT_EQ(formatGoDuration(Duration(42ns)), "42ns");
  EXPECT_EQ(formatGoDuration(Duration(-1500ms)), "-1.5s");
}

}  // namespace
}  // namespace nm
