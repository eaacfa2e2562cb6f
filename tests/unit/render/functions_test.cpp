// Every template function: string helpers, regexes with Go's $-expansion, JSON escaping,
// translate/message by language, URL helpers, date/tz/since, humanizeDuration and toJson.
#include <gtest/gtest.h>

#include "render/functions.h"
#include "render/go_time.h"
#include "render_fixtures.h"

using namespace nm;
using namespace nm::render;
using namespace nm::render::testing;

namespace {

std::string r(std::string_view tmpl, const char* lang = "English") {
  return renderWith(
      *rendererFor(lang, std::string("{{ define \"t\" }}") + std::string(tmpl) + "{{ end }}"), "t",
      oneAlert());
}

}  // namespace

TEST(Functions, Strings) {
  EXPECT_EQ(r("{{ toUpper \"abc é ж\" }}|{{ toLower \"ABC É Ж\" }}"), "ABC É Ж|abc é ж");
  EXPECT_EQ(r("{{ title \"hello wide-world foo_bar 1st\" }}"), "Hello Wide-World Foo_bar 1st");
  EXPECT_EQ(r("{{ join \", \" (stringSlice \"a\" \"b\" \"c\") }}|{{ stringSlice }}"), "a, b, c|[]");
  EXPECT_EQ(r("[{{ trimSpace \"  \\t x y \\n\" }}]"), "[x y]");
  EXPECT_EQ(r("{{ safeHtml \"<b>\" }} {{ safeUrl \"http://x?a=1&b\" }}"), "<b> http://x?a=1&b");
}

TEST(Functions, MatchAndReplace) {
  EXPECT_EQ(r("{{ match \"^web-[0-9]+$\" \"web-12\" }} {{ match \"x\" \"abc\" }}"), "true false");
  EXPECT_EQ(r("{{ reReplaceAll \"(\\\\w+)@(\\\\w+)\" \"$2 at $1\" \"joe@host, ann@box\" }}"),
            "host at joe, box at ann");
  EXPECT_EQ(r("{{ reReplaceAll \"a(?P<n>b)?\" \"[${n}|$1x|$$|$]\" \"ab a\" }}"),
            "[b||$|$] [||$|$]");
  EXPECT_EQ(r("{{ reReplaceAll \"x*\" \"-\" \"abc\" }}"), "-a-b-c-");
  EXPECT_EQ(r("{{ reReplaceAll \"^\" \">\" \"a\" }}"), ">a");
  std::string out, err;
  EXPECT_FALSE(regexReplaceAll("(", "", "x", out, err));
  EXPECT_NE(r("{{ match \"(\" \"x\" }}").find("error calling match: error parsing regexp"),
            std::string::npos);
}

TEST(Functions, EscapeAsGoJson) {
  std::string out;
  jsonEscape(out, "a\"b\\c\n\t\r<>&\x01\x1f \u2028 \xff ok é");
  EXPECT_EQ(out, "a\\\"b\\\\c\\n\\t\\r\\u003c\\u003e\\u0026\\u0001\\u001f \\u2028 \\ufffd ok é");
  EXPECT_EQ(jsonEscapedSize("\n"), 2u);
  EXPECT_EQ(r("{{ escape \"x\\\"y\" }}"), "x\\\"y");
}

TEST(Functions, TranslateAndMessage) {
  EXPECT_EQ(r("{{ translate \"firing\" }} {{ translate \"Resolved\" }} {{ translate \"pod\" }}"),
            "FIRING RESOLVED pod");
  EXPECT_EQ(r("{{ translate \"FIRING\" }} {{ translate \"Pod\" }} {{ translate \"unknownKey\" }}",
              "zh-cn"),
            "触发中 容器组 unknownKey");
  EXPECT_EQ(r("{{ range .Alerts }}{{ message . }}{{ end }}"), "Pod demo/web-1 restarts");
  EXPECT_EQ(r("{{ range .Alerts }}{{ message . }}{{ end }}", "zh-cn"), "容器组崩溃循环");
  EXPECT_NE(r("{{ message . }}").find("expected *template.Alert; got *template.Data"),
            std::string::npos);
}

TEST(Functions, UrlUnescape) {
  EXPECT_EQ(r("{{ urlUnescape \"a%20b+c%2F\" }}"), "a b c/");
  EXPECT_NE(r("{{ urlUnescape \"a%zz\" }}").find("invalid URL escape \"%zz\""), std::string::npos);
}

TEST(Functions, DateTzSince) {
  EXPECT_EQ(r("{{ range .Alerts }}{{ date \"2006-01-02 15:04:05 Mon Jan _2 3PM -07:00 MST .000\" "
              ".StartsAt }}{{ end }}"),
            "2024-05-01 10:00:00 Wed May  1 10AM +00:00 UTC .000");
  EXPECT_EQ(r("{{ range .Alerts }}{{ .StartsAt | tz \"Asia/Shanghai\" }}|{{ date \"15:04 "
              "Z07:00\" (tz \"Europe/Berlin\" .StartsAt) }}{{ end }}"),
            "2024-05-01 18:00:00 +0800 CST|12:00 +02:00");
  EXPECT_NE(r("{{ range .Alerts }}{{ tz \"Nowhere/City\" .StartsAt }}{{ end }}")
                .find("unknown time zone Nowhere/City"),
            std::string::npos);
  EXPECT_NE(r("{{ date \"2006\" \"x\" }}").find("expected time.Time; got string"),
            std::string::npos);
  const std::string since =
      r("{{ range .Alerts }}{{ (since .StartsAt).Hours | printf \"%.0f\" "
        "| len | lt 1 }}{{ end }}");
  EXPECT_EQ(since, "true");
}

TEST(Functions, HumanizeDuration) {
  EXPECT_EQ(humanizeDuration(0), "0s");
  EXPECT_EQ(humanizeDuration(1.5), "1.5s");
  EXPECT_EQ(humanizeDuration(90), "1m 30s");
  EXPECT_EQ(humanizeDuration(3725), "1h 2m 5s");
  EXPECT_EQ(humanizeDuration(2 * 86400 + 5), "2d 0h 0m 5s");
  EXPECT_EQ(humanizeDuration(-90), "-1m 30s");
  EXPECT_EQ(humanizeDuration(0.0012), "1.2ms");
  EXPECT_EQ(
      r("{{ humanizeDuration 61 }} {{ humanizeDuration \"0.5\" }} {{ humanizeDuration 1.25 }}"),
      "1m 1s 500ms 1.25s");
  EXPECT_NE(r("{{ humanizeDuration \"abc\" }}").find("strconv.ParseFloat: parsing \"abc\""),
            std::string::npos);
}

TEST(Functions, ToJson) {
  EXPECT_EQ(r("{{ toJson .GroupLabels }} {{ toJson (stringSlice \"a\" \"<\") }} {{ toJson 1.5 }} "
              "{{ toJson nil }}"),
            "{\"alertname\":\"KubePodCrashLooping\"} [\"a\",\"\\u003c\"] 1.5 null");
  const std::string alert = r("{{ toJson (index .Alerts 0) }}");
  EXPECT_EQ(alert.rfind("{\"id\":\"", 0), 0u) << alert;
  EXPECT_NE(alert.find("\"startsAt\":\"2024-05-01T10:00:00Z\",\"endsAt\":\"0001-01-01T00:00:00Z\""),
            std::string::npos)
      << alert;
}

TEST(GoTime, FormatLayouts) {
  GoTime t = GoTime::fromTimePoint(*parseRfc3339("2009-11-10T23:04:05.123456789Z"));
  EXPECT_EQ(goTimeString(t), "2009-11-10 23:04:05.123456789 +0000 UTC");
  EXPECT_EQ(goFormatTime(t, "Monday, 02-Jan-06 03:04:05 PM .999 ,00 002 __2 1/2"),
            "Tuesday, 10-Nov-09 11:04:05 PM .123 ,12 314 314 11/10");
  EXPECT_EQ(goFormatTime(t, "2006-01-02T15:04:05Z07:00"), "2009-11-10T23:04:05Z");
  GoTime zero = GoTime::fromTimePoint(kZeroTime);
  EXPECT_TRUE(zero.isZero());
  EXPECT_EQ(goTimeString(zero), "0001-01-01 00:00:00 +0000 UTC");
}
