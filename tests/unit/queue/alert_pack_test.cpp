// The queue's entry framing: several alerts round-trip in order, a lone alert is the plain codec
// (as before packing), bad bytes fail with an error naming the part, and the pack id tells a
// re-post of the same alerts from any other set.
#include "queue/alert_pack.h"

#include <gtest/gtest.h>

#include "core/alert_codec.h"

namespace nm {
namespace {

Alert alert(const std::string& name, AlertStatus status = AlertStatus::Firing) {
  Alert a;
  a.labels = {{"alertname", name}, {"namespace", "ns"}};
  a.status = status;
  a.format = IngestFormat::AlertArray;
  finalizeIdentity(a);
  return a;
}

TEST(AlertPack, SeveralAlertsRoundTripInOrder) {
  Alert a = alert("A"), b = alert("B"), c = alert("C", AlertStatus::Resolved);
  std::string bytes;
  appendAlertPack(bytes, {&a, &b, &c});
  EXPECT_EQ(static_cast<uint8_t>(bytes[0]), kAlertPackFormat);
  EXPECT_EQ(alertPackCount(bytes), 3u);
  std::string err;
  auto out = decodeAlertPack(bytes, err);
  ASSERT_TRUE(out) << err;
  ASSERT_EQ(out->size(), 3u);
  EXPECT_EQ((*out)[0].labels.get("alertname"), "A");
  EXPECT_EQ((*out)[2].status, AlertStatus::Resolved);
  EXPECT_EQ(encodeAlert((*out)[1]), encodeAlert(b));
}

TEST(AlertPack, ALoneAlertIsThePlainCodecAndLegacyEntriesDecode) {
  Alert a = alert("A");
  std::string bytes;
  appendAlertPack(bytes, {&a});
  EXPECT_EQ(bytes, encodeAlert(a));
  EXPECT_EQ(alertPackCount(bytes), 1u);
  std::string err;
  auto out = decodeAlertPack(encodeAlert(a), err);
  ASSERT_TRUE(out) << err;
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ((*out)[0].id, a.id);
}

TEST(AlertPack, BadBytesNameWhatIsWrong) {
  Alert a = alert("A"), b = alert("B");
  std::string bytes;
  appendAlertPack(bytes, {&a, &b});
  std::string err;
  EXPECT_FALSE(decodeAlertPack("", err));
  EXPECT_EQ(err, "empty entry");
  EXPECT_FALSE(decodeAlertPack(bytes.substr(0, bytes.size() - 2), err));
  EXPECT_NE(err.find("alerts[1]"), std::string::npos) << err;
  EXPECT_FALSE(decodeAlertPack(bytes + "x", err));
  EXPECT_NE(err.find("trailing"), std::string::npos) << err;
  std::string huge = bytes.substr(0, 1) + std::string("\xff\xff\xff\x7f", 4);
  EXPECT_FALSE(decodeAlertPack(huge, err));
  EXPECT_NE(err.find("count"), std::string::npos) << err;
  std::string zero = bytes.substr(0, 1) + std::string(4, '\0');
  EXPECT_FALSE(decodeAlertPack(zero, err));
  EXPECT_FALSE(decodeAlertPack("\x07junk", err));
}

TEST(AlertPack, IdIsStableForARepostAndDiffersForAnyOtherSet) {
  Alert a = alert("A"), b = alert("B"), ar = alert("A", AlertStatus::Resolved);
  EXPECT_EQ(alertPackId({&a}), a.id + ":firing");
  EXPECT_EQ(alertPackId({&a, &b}), alertPackId({&a, &b}));
  EXPECT_EQ(alertPackId({&a, &b}).size(), 34u);
  EXPECT_NE(alertPackId({&a, &b}), alertPackId({&b, &a}));
  EXPECT_NE(alertPackId({&a, &b}), alertPackId({&ar, &b}));
  Alert c = alert("C");
  EXPECT_NE(alertPackId({&a, &b}), alertPackId({&a, &b, &c}));
}

}  // namespace
}  // namespace nm
