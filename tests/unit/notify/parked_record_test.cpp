// Tests of the parked-send record codec: round trip of every field, and errors naming the field
// for truncated, trailing, unsorted and wrong-version bytes.
#include <gtest/gtest.h>

#include "core/alert_codec.h"
#include "notify/parked_record.h"
#include "test_helpers.h"

namespace nm {
namespace {

ParkedRecord sample() {
  ParkedRecord r;
  r.writer = "nm-0";
  r.receiverKey = "dingtalk/robot";
  r.receiverName = "robot";
  r.groupLabels = {{"alertname", "Disk"}, {"namespace", "prod"}};
  r.commonLabels = {{"alertname", "Disk"}, {"namespace", "prod"}, {"severity", "critical"}};
  r.commonAnnotations = {{"summary", "disk full"}};
  r.alerts = {test::makeAlert({{"alertname", "Disk"}, {"pod", "a"}}, AlertStatus::Firing, now()),
              test::makeAlert({{"alertname", "Disk"}, {"pod", "b"}}, AlertStatus::Resolved, now())};
  r.parkedAt = TimePoint(Duration(1'700'000'000'123'456'789LL));
  return r;
}

TEST(ParkedRecord, RoundTripsEveryField) {
  const ParkedRecord r = sample();
  const std::string bytes = encodeParkedRecord(r);
  std::string error;
  auto back = decodeParkedRecord(bytes, error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(back->writer, r.writer);
  EXPECT_EQ(back->receiverKey, r.receiverKey);
  EXPECT_EQ(back->receiverName, r.receiverName);
  EXPECT_EQ(back->groupLabels, r.groupLabels);
  EXPECT_EQ(back->commonLabels, r.commonLabels);
  EXPECT_EQ(back->commonAnnotations, r.commonAnnotations);
  EXPECT_EQ(back->parkedAt, r.parkedAt);
  ASSERT_EQ(back->alerts.size(), 2u);
  for (size_t i = 0; i < 2; ++i)
    EXPECT_EQ(encodeAlert(*back->alerts[i]), encodeAlert(*r.alerts[i]));
  EXPECT_EQ(encodeParkedRecord(*back), bytes);
}

TEST(ParkedRecord, EveryTruncationFailsWithAnError) {
  const std::string bytes = encodeParkedRecord(sample());
  for (size_t n = 0; n < bytes.size(); ++n) {
    std::string error;
    EXPECT_FALSE(decodeParkedRecord(std::string_view(bytes).substr(0, n), error)) << n;
    EXPECT_FALSE(error.empty()) << n;
  }
}

TEST(ParkedRecord, TrailingBytesAndVersionAreNamed) {
  std::string bytes = encodeParkedRecord(sample()) + "x";
  std::string error;
  EXPECT_FALSE(decodeParkedRecord(bytes, error));
  EXPECT_NE(error.find("trailing"), std::string::npos) << error;
  bytes = encodeParkedRecord(sample());
  bytes[0] = 9;
  EXPECT_FALSE(decodeParkedRecord(bytes, error));
  EXPECT_NE(error.find("version"), std::string::npos) << error;
}

TEST(ParkedRecord, AHugeLengthIsRefusedByName) {
  std::string bytes(1, static_cast<char>(kParkedRecordVersion));
  bytes += std::string("\xff\xff\xff\x7f", 4);
  std::string error;
  EXPECT_FALSE(decodeParkedRecord(bytes, error));
  EXPECT_NE(error.find("writer"), std::string::npos) << error;
}

}  // namespace
}  // namespace nm
