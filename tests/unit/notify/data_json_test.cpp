// Tests of the webhook and history JSON bodies (shape, receiver label, escaping), parsed back
// with nlohmann::json.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "notify/data_json.h"
#include "test_helpers.h"

namespace nm {
namespace {

TEST(DataJson, ShapeAndReceiverLabel) {
  Data d;
  auto a = test::makeAlert({{"alertname", "A"}, {"zone", "z1"}});
  auto b = test::makeAlert({{"alertname", "B"}}, AlertStatus::Resolved);
  d.alerts = {a, b};
  d.receiverName = "rcv";
  d.commonAnnotations = LabelSet{{"summary", "s"}};
  auto j = nlohmann::json::parse(dataJson(d));
  EXPECT_EQ(j["receiver"], "rcv");
  EXPECT_EQ(j["status"], "");  // mixed
  EXPECT_EQ(j["alerts"][0]["id"], a->id);
  EXPECT_EQ(j["alerts"][0]["status"], "firing");
  EXPECT_EQ(j["alerts"][1]["status"], "resolved");
  EXPECT_EQ(j["alerts"][0]["fingerprint"], fingerprintHex(a->fingerprint));
  EXPECT_EQ(j["alerts"][0]["generatorURL"], "http://prom/graph");
  EXPECT_EQ(j["alerts"][0]["labels"],
            (nlohmann::json{{"alertname", "A"}, {"receiver", "rcv"}, {"zone", "z1"}}));
  EXPECT_EQ(j["commonAnnotations"]["summary"], "s");
  EXPECT_TRUE(j["groupLabels"].empty());
  EXPECT_EQ(j["version"], "4");
  // The shared alert is not modified.
  EXPECT_FALSE(a->labels.has("receiver"));
}

TEST(DataJson, TimesAreWrittenWithTheSendersOffset) {
  auto a = std::make_shared<Alert>(*test::makeAlert({{"alertname", "A"}}));
  a->startsAt = *parseRfc3339("2024-05-01T19:00:00.5+08:00", &a->startsAtOffset);
  Data d;
  d.alerts = {a};
  auto j = nlohmann::json::parse(dataJson(d));
  EXPECT_EQ(j["alerts"][0]["startsAt"], "2024-05-01T19:00:00.5+08:00");  // as Go marshals it
  EXPECT_EQ(j["alerts"][0]["endsAt"], "0001-01-01T00:00:00Z");
}

TEST(DataJson, EscapesStrings) {
  Data d;
  auto a = std::make_shared<Alert>();
  a->labels = LabelSet{{"q", "a\"b\\c\td\x01"}, {"u", "h\xc3\xa9llo"}};
  d.alerts = {a};
  auto j = nlohmann::json::parse(dataJson(d));
  EXPECT_EQ(j["alerts"][0]["labels"]["q"], "a\"b\\c\td\x01");
  EXPECT_EQ(j["alerts"][0]["labels"]["u"], "h\xc3\xa9llo");
  EXPECT_FALSE(j["alerts"][0]["labels"].contains("receiver"));  // no receiver name
}

TEST(DataJson, HistoryVariant) {
  auto a = test::makeAlert({{"alertname", "A"}});
  TimePoint t = *parseRfc3339("2024-05-01T10:00:05.5Z");
  std::vector<HistoryAlert> h = {
      {a,
       t,
       {{"r1", "webhook", "http://x/"}, {"r1", "email", "a@b"}, {"r2", "webhook", "http://y/"}}}};
  auto j = nlohmann::json::parse(historyJson("history", h));
  EXPECT_EQ(j["receiver"], "history");
  EXPECT_EQ(j["status"], "firing");
  ASSERT_EQ(j["alerts"].size(), 1u);
  EXPECT_EQ(j["alerts"][0]["notificationTime"], "2024-05-01T10:00:05.5Z");
  EXPECT_EQ(j["alerts"][0]["receiver"],
            (nlohmann::json{{"r1", {{"webhook", "http://x/"}, {"email", "a@b"}}},
                            {"r2", {{"webhook", "http://y/"}}}}));
  EXPECT_FALSE(j["alerts"][0]["labels"].contains("receiver"));
}

}  // namespace
}  // namespace nm
