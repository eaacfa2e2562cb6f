// Unit tests for core/cron: every syntax element of robfig ParseStandard, error messages, next()
// across boundaries, the dom/dow rule, @every, and evaluation in the process's local zone or the
// zone of a TZ= prefix (DST transitions, far-future dates, a slim zone file).
#include <gtest/gtest.h>

#include "core/cron.h"
#include "core/slim_zone.h"
#include "core/tz_env.h"

namespace nm {
namespace {

using test::at;

class CronUtc : public ::testing::Test {
 protected:
  test::ScopedTz tz_{"UTC"};

  static std::shared_ptr<const CronSchedule> parse(const char* spec) {
    std::string err;
    auto s = parseCron(spec, err);
    EXPECT_TRUE(s) << spec << ": " << err;
    EXPECT_TRUE(err.empty());
    return s;
  }
  static std::string next(const char* spec, const char* from) {
    auto s = parse(spec);
    return s ? formatRfc3339(s->next(at(from))) : "<parse error>";
  }
  static std::string error(const char* spec) {
    std::string err;
    auto s = parseCron(spec, err);
    EXPECT_FALSE(s) << spec;
    return err;
  }
};

TEST_F(CronUtc, EveryMinuteIsStrictlyAfter) {
  EXPECT_EQ(next("* * * * *", "2024-01-01T00:00:00Z"), "2024-01-01T00:01:00Z");
  EXPECT_EQ(next("* * * * *", "2024-01-01T00:00:30.5Z"), "2024-01-01T00:01:00Z");
  EXPECT_EQ(next("* * * * *", "2024-01-01T00:00:59.999Z"), "2024-01-01T00:01:00Z");
}

TEST_F(CronUtc, MinuteHourDayMonthYearBoundaries) {
  EXPECT_EQ(next("0 * * * *", "2024-01-01T10:15:00Z"), "2024-01-01T11:00:00Z");
  EXPECT_EQ(next("0 * * * *", "2024-01-01T23:30:00Z"), "2024-01-02T00:00:00Z");
  EXPECT_EQ(next("0 0 * * *", "2024-01-31T23:59:00Z"), "2024-02-01T00:00:00Z");
  EXPECT_EQ(next("0 0 1 * *", "2024-01-15T00:00:00Z"), "2024-02-01T00:00:00Z");
  EXPECT_EQ(next("0 0 1 1 *", "2024-06-01T00:00:00Z"), "2025-01-01T00:00:00Z");
  EXPECT_EQ(next("59 23 31 12 *", "2024-12-31T23:59:00Z"), "2025-12-31T23:59:00Z");
  EXPECT_EQ(next("0 0 31 * *", "2024-04-01T00:00:00Z"), "2024-05-31T00:00:00Z");
}

TEST_F(CronUtc, LeapDayAndImpossibleDates) {
  EXPECT_EQ(next("0 0 29 2 *", "2024-03-01T00:00:00Z"), "2028-02-29T00:00:00Z");
  auto never = parse("0 0 30 2 *");
  ASSERT_TRUE(never);
  EXPECT_EQ(never->next(at("2024-01-01T00:00:00Z")), kZeroTime);
  EXPECT_EQ(never->next(kZeroTime), kZeroTime);
}

TEST_F(CronUtc, ListsRangesAndSteps) {
  EXPECT_EQ(next("5,10 * * * *", "2024-01-01T00:05:00Z"), "2024-01-01T00:10:00Z");
  EXPECT_EQ(next("5,10 * * * *", "2024-01-01T00:10:00Z"), "2024-01-01T01:05:00Z");
  EXPECT_EQ(next("10-12 * * * *", "2024-01-01T00:11:00Z"), "2024-01-01T00:12:00Z");
  EXPECT_EQ(next("10-12 * * * *", "2024-01-01T00:12:00Z"), "2024-01-01T01:10:00Z");
  EXPECT_EQ(next("*/15 * * * *", "2024-01-01T00:00:00Z"), "2024-01-01T00:15:00Z");
  EXPECT_EQ(next("*/15 * * * *", "2024-01-01T00:46:00Z"), "2024-01-01T01:00:00Z");
  EXPECT_EQ(next("10-30/10 * * * *", "2024-01-01T00:20:00Z"), "2024-01-01T00:30:00Z");
  EXPECT_EQ(next("10-30/10 * * * *", "2024-01-01T00:30:00Z"), "2024-01-01T01:10:00Z");
  // "a/n" means "a-max/n".
  EXPECT_EQ(next("50/5 * * * *", "2024-01-01T00:50:00Z"), "2024-01-01T00:55:00Z");
  EXPECT_EQ(next("50/5 * * * *", "2024-01-01T00:55:00Z"), "2024-01-01T01:50:00Z");
  EXPECT_EQ(next("0 1-3,22 * * *", "2024-01-01T03:00:00Z"), "2024-01-01T22:00:00Z");
}

TEST_F(CronUtc, MonthAndWeekdayNamesAreCaseInsensitive) {
  // 2024-01-01 is a Monday.
  EXPECT_EQ(next("0 0 * * mon", "2024-01-01T00:00:00Z"), "2024-01-08T00:00:00Z");
  EXPECT_EQ(next("0 0 * * fri-SAT", "2024-01-01T00:00:00Z"), "2024-01-05T00:00:00Z");
  EXPECT_EQ(next("0 0 1 Feb,DEC *", "2024-03-01T00:00:00Z"), "2024-12-01T00:00:00Z");
  EXPECT_EQ(next("0 0 1 jan-mar/2 *", "2024-01-01T00:00:00Z"), "2024-03-01T00:00:00Z");
  EXPECT_EQ(next("0 0 * * 0", "2024-01-01T00:00:00Z"), "2024-01-07T00:00:00Z");
}

TEST_F(CronUtc, DomDowRule) {
  // Both restricted: either matches. 2024-09-02 is a Monday, 2024-09-15 a Sunday.
  EXPECT_EQ(next("0 0 15 * MON", "2024-09-01T00:00:00Z"), "2024-09-02T00:00:00Z");
  EXPECT_EQ(next("0 0 15 * MON", "2024-09-09T00:00:00Z"), "2024-09-15T00:00:00Z");
  EXPECT_EQ(next("0 0 15 * MON", "2024-09-15T00:00:00Z"), "2024-09-16T00:00:00Z");
  // One of them `*` or `?`: both must match, i.e. only the restricted one counts.
  EXPECT_EQ(next("0 0 15 * *", "2024-09-01T00:00:00Z"), "2024-09-15T00:00:00Z");
  EXPECT_EQ(next("0 0 15 * ?", "2024-09-01T00:00:00Z"), "2024-09-15T00:00:00Z");
  EXPECT_EQ(next("0 0 * * MON", "2024-09-03T00:00:00Z"), "2024-09-09T00:00:00Z");
  EXPECT_EQ(next("0 0 ? * MON", "2024-09-03T00:00:00Z"), "2024-09-09T00:00:00Z");
  // robfig: `*/1` keeps the star, an explicit full range does not (then every day matches).
  EXPECT_EQ(next("0 0 */1 * MON", "2024-09-03T00:00:00Z"), "2024-09-09T00:00:00Z");
  EXPECT_EQ(next("0 0 1-31 * MON", "2024-09-03T00:00:00Z"), "2024-09-04T00:00:00Z");
  // "13 * FRI" is any Friday or any 13th, not Friday the 13th: 2024-09-06 is a Friday.
  EXPECT_EQ(next("0 0 13 * FRI", "2024-09-01T00:00:00Z"), "2024-09-06T00:00:00Z");
}

TEST_F(CronUtc, Descriptors) {
  const char* from = "2024-05-15T10:20:30Z";  // a Wednesday
  EXPECT_EQ(next("@yearly", from), "2025-01-01T00:00:00Z");
  EXPECT_EQ(next("@annually", from), "2025-01-01T00:00:00Z");
  EXPECT_EQ(next("@monthly", from), "2024-06-01T00:00:00Z");
  EXPECT_EQ(next("@weekly", from), "2024-05-19T00:00:00Z");
  EXPECT_EQ(next("@daily", from), "2024-05-16T00:00:00Z");
  EXPECT_EQ(next("@midnight", from), "2024-05-16T00:00:00Z");
  EXPECT_EQ(next("@hourly", from), "2024-05-15T11:00:00Z");
}

TEST_F(CronUtc, Every) {
  EXPECT_EQ(next("@every 1h30m", "2024-01-01T10:00:00Z"), "2024-01-01T11:30:00Z");
  // Sub-second part of t is dropped: next = t + d - t.nanos.
  EXPECT_EQ(next("@every 1h30m", "2024-01-01T10:00:00.5Z"), "2024-01-01T11:30:00Z");
  EXPECT_EQ(next("@every 10s", "2024-01-01T10:00:07.25Z"), "2024-01-01T10:00:17Z");
  // At least one second, truncated to whole seconds.
  EXPECT_EQ(next("@every 500ms", "2024-01-01T10:00:00Z"), "2024-01-01T10:00:01Z");
  EXPECT_EQ(next("@every 1.7s", "2024-01-01T10:00:00Z"), "2024-01-01T10:00:01Z");
}

TEST_F(CronUtc, WhitespaceAndUtcPrefix) {
  EXPECT_EQ(next("  0   12 * * *  ", "2024-01-01T00:00:00Z"), "2024-01-01T12:00:00Z");
  EXPECT_EQ(next("CRON_TZ=UTC 0 12 * * *", "2024-01-01T00:00:00Z"), "2024-01-01T12:00:00Z");
  EXPECT_EQ(next("TZ=UTC @daily", "2024-01-01T01:00:00Z"), "2024-01-02T00:00:00Z");
}

TEST_F(CronUtc, ErrorsNameTheField) {
  EXPECT_EQ(error("61 * * * *"), "minute field \"61\": value out of range 0-59");
  EXPECT_EQ(error("* 24 * * *"), "hour field \"24\": value out of range 0-23");
  EXPECT_EQ(error("* * 0 * *"), "day-of-month field \"0\": value out of range 1-31");
  EXPECT_EQ(error("* * * 13 *"), "month field \"13\": value out of range 1-12");
  EXPECT_EQ(error("* * * * 7"), "day-of-week field \"7\": value out of range 0-6");
  EXPECT_EQ(error("* * * * 1-7"), "day-of-week field \"1-7\": value out of range 0-6");
  EXPECT_EQ(error("* * * FOO *"), "month field \"FOO\": \"FOO\" is not a number or name");
  EXPECT_EQ(error("x * * * *"), "minute field \"x\": \"x\" is not a number");
  EXPECT_EQ(error("*/0 * * * *"), "minute field \"*/0\": step \"0\" must be a positive number");
  EXPECT_EQ(error("1-2-3 * * * *"), "minute field \"1-2-3\": too many hyphens");
  EXPECT_EQ(error("1/2/3 * * * *"), "minute field \"1/2/3\": too many slashes");
  EXPECT_EQ(error("5-1 * * * *"), "minute field \"5-1\": range start 5 is after its end 1");
  EXPECT_EQ(error("0 0 * * SAT-SUN"),
            "day-of-week field \"SAT-SUN\": range start 6 is after its end 0");
  EXPECT_EQ(error("1,,2 * * * *"), "minute field \"1,,2\": empty list element");
  EXPECT_EQ(error("-5 * * * *"), "minute field \"-5\": \"\" is not a number");
  EXPECT_NE(error("* * * *").find("expected exactly 5 fields"), std::string::npos);
  EXPECT_NE(error("0 * * * * *").find("found 6"), std::string::npos);
  EXPECT_EQ(error(""), "empty cron spec");
  EXPECT_EQ(error("@fortnightly"), "unrecognized descriptor \"@fortnightly\"");
  EXPECT_EQ(error("@every soon"), "@every: invalid duration \"soon\"");
  EXPECT_EQ(error("TZ=Nowhere/City 0 0 * * *"),
            "time zone \"Nowhere/City\": unknown time zone Nowhere/City");
  EXPECT_EQ(error("CRON_TZ=../x 0 0 * * *"), "time zone \"../x\": time: invalid location name");
  EXPECT_EQ(error("TZ=Asia/Shanghai"), "empty cron spec after time zone");
}

TEST(CronLocalTime, EvaluatedInTheProcessZone) {
  test::ScopedTz tz("Asia/Shanghai");  // UTC+8, no DST
  std::string err;
  auto s = parseCron("0 9 * * *", err);
  ASSERT_TRUE(s) << err;
  // 09:00 in Shanghai is 01:00Z.
  EXPECT_EQ(formatRfc3339(s->next(at("2024-01-01T00:00:00Z"))), "2024-01-01T01:00:00Z");
  EXPECT_EQ(formatRfc3339(s->next(at("2024-01-01T01:00:00Z"))), "2024-01-02T01:00:00Z");
  // Midnight local is 16:00Z the previous day.
  auto daily = parseCron("@daily", err);
  ASSERT_TRUE(daily) << err;
  EXPECT_EQ(formatRfc3339(daily->next(at("2024-01-01T12:00:00Z"))), "2024-01-01T16:00:00Z");
  // An explicit UTC prefix ignores the process zone.
  auto utc = parseCron("TZ=UTC 0 9 * * *", err);
  ASSERT_TRUE(utc) << err;
  EXPECT_EQ(formatRfc3339(utc->next(at("2024-01-01T00:00:00Z"))), "2024-01-01T09:00:00Z");
}

TEST(CronLocalTime, DaylightSavingGapIsSkippedAndRepeatFiresOnce) {
  test::ScopedTz tz("America/New_York");
  std::string err;
  // 2024-03-10: 02:00 EST jumps to 03:00 EDT; 02:30 does not exist that day.
  auto gap = parseCron("30 2 * * *", err);
  ASSERT_TRUE(gap) << err;
  EXPECT_EQ(formatRfc3339(gap->next(at("2024-03-09T12:00:00Z"))), "2024-03-11T06:30:00Z");
  // 2024-11-03: 02:00 EDT falls back to 01:00 EST; 01:30 fires at its first occurrence only.
  auto rep = parseCron("30 1 * * *", err);
  ASSERT_TRUE(rep) << err;
  auto first = rep->next(at("2024-11-03T04:00:00Z"));
  EXPECT_EQ(formatRfc3339(first), "2024-11-03T05:30:00Z");
  EXPECT_EQ(formatRfc3339(rep->next(first)), "2024-11-04T06:30:00Z");
  // Asked from inside the repeated hour (01:10 EST), the next 01:30 is tomorrow's.
  EXPECT_EQ(formatRfc3339(rep->next(at("2024-11-03T06:10:00Z"))), "2024-11-04T06:30:00Z");
}

TEST(CronZonePrefix, EvaluatedInTheNamedZoneAcrossDst) {
  test::ScopedTz tz("Asia/Shanghai");  // the process zone must not matter
  std::string err;
  // 2024-03-31 in Berlin: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist that day.
  auto gap = parseCron("TZ=Europe/Berlin 30 2 * * *", err);
  ASSERT_TRUE(gap) << err;
  EXPECT_EQ(formatRfc3339(gap->next(at("2024-03-30T12:00:00Z"))), "2024-04-01T00:30:00Z");
  // 2024-10-27: 03:00 CEST falls back to 02:00 CET; 02:30 fires once, at 00:30Z (CEST).
  auto first = gap->next(at("2024-10-26T12:00:00Z"));
  EXPECT_EQ(formatRfc3339(first), "2024-10-27T00:30:00Z");
  EXPECT_EQ(formatRfc3339(gap->next(first)), "2024-10-28T01:30:00Z");
  // Descriptors keep the zone.
  auto daily = parseCron("CRON_TZ=Europe/Berlin @daily", err);
  ASSERT_TRUE(daily) << err;
  EXPECT_EQ(formatRfc3339(daily->next(at("2024-07-01T12:00:00Z"))), "2024-07-01T22:00:00Z");
}

TEST(CronZonePrefix, FarFutureUsesTheZoneRule) {
  std::string err;
  auto s = parseCron("CRON_TZ=America/New_York 0 12 1 7 *", err);
  ASSERT_TRUE(s) << err;
  EXPECT_EQ(formatRfc3339(s->next(at("2045-06-30T00:00:00Z"))), "2045-07-01T16:00:00Z");  // EDT
  auto winter = parseCron("TZ=America/New_York 0 12 15 1 *", err);
  ASSERT_TRUE(winter) << err;
  EXPECT_EQ(formatRfc3339(winter->next(at("2045-01-01T00:00:00Z"))), "2045-01-15T17:00:00Z");
}

TEST(CronZonePrefix, SlimZoneFile) {
  const std::string root = test::slimZoneRoot();
  ASSERT_FALSE(root.empty());
  test::ScopedEnv dir("TZDIR", root.c_str());
  std::string err;
  auto noon = parseCron("TZ=Test/Slim 0 12 * * *", err);
  ASSERT_TRUE(noon) << err;
  EXPECT_EQ(formatRfc3339(noon->next(at("2031-01-15T00:00:00Z"))), "2031-01-15T07:00:00Z");  // TST
  EXPECT_EQ(formatRfc3339(noon->next(at("2031-07-01T00:00:00Z"))), "2031-07-01T06:00:00Z");  // TDT
  // 2031-03-09 (second Sunday of March) 02:00 TST jumps to 03:00 TDT: 02:30 is skipped.
  auto gap = parseCron("TZ=Test/Slim 30 2 * * *", err);
  ASSERT_TRUE(gap) << err;
  EXPECT_EQ(formatRfc3339(gap->next(at("2031-03-08T12:00:00Z"))), "2031-03-09T20:30:00Z");
}

TEST(CronLocalTime, LocalFollowsTheProcessZoneInAFarFutureSummer) {
  test::ScopedTz tz("Europe/Berlin");
  std::string err;
  for (const char* spec : {"0 12 * * *", "TZ=Local 0 12 * * *"}) {
    auto s = parseCron(spec, err);
    ASSERT_TRUE(s) << err;
    EXPECT_EQ(formatRfc3339(s->next(at("2045-07-01T00:00:00Z"))), "2045-07-01T10:00:00Z") << spec;
  }
}

}  // namespace
}  // namespace nm
