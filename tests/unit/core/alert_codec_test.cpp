// The alert codec: every field round-trips (non-ASCII, empty, offsets, zero times), and truncated
// or corrupt bytes are refused with an error naming the field, never a crash.
#include "core/alert_codec.h"

#include <gtest/gtest.h>

namespace nm {
namespace {

Alert fullAlert() {
  Alert a;
  a.labels = {{"alertname", "磁盘满"}, {"namespace", "demo"}, {"severity", "critical"}};
  a.annotations = {{"message", "Ünïcödé ✓\nline two"}, {"summary", ""}};
  a.status = AlertStatus::Resolved;
  a.startsAt = *parseRfc3339("2024-05-01T18:00:00.123456789+08:00", &a.startsAtOffset);
  a.endsAt = *parseRfc3339("2024-05-01T05:30:00-05:30", &a.endsAtOffset);
  a.generatorURL = "http://prometheus/graph?g0.expr=up%3D%3D0";
  finalizeIdentity(a);
  a.receivedAt = TimePoint(Duration(1714557600123456789LL));
  a.format = IngestFormat::AlertArray;
  return a;
}

void expectSame(const Alert& a, const Alert& b) {
  EXPECT_EQ(a.labels, b.labels);
  EXPECT_EQ(a.annotations, b.annotations);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.startsAt, b.startsAt);
  EXPECT_EQ(a.endsAt, b.endsAt);
  EXPECT_EQ(a.startsAtOffset, b.startsAtOffset);
  EXPECT_EQ(a.endsAtOffset, b.endsAtOffset);
  EXPECT_EQ(a.generatorURL, b.generatorURL);
  EXPECT_EQ(a.fingerprint, b.fingerprint);
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.receivedAt, b.receivedAt);
  EXPECT_EQ(a.format, b.format);
}

std::optional<Alert> decode(std::string_view bytes, std::string& err) {
  return decodeAlert(bytes, err);
}

TEST(AlertCodec, RoundTripsEveryField) {
  Alert a = fullAlert();
  ASSERT_EQ(a.startsAtOffset, 8 * 3600);
  ASSERT_EQ(a.endsAtOffset, -(5 * 3600 + 30 * 60));
  std::string err;
  auto b = decode(encodeAlert(a), err);
  ASSERT_TRUE(b) << err;
  expectSame(a, *b);
  // The sender's offsets survive: the time prints as it was written.
  EXPECT_EQ(formatRfc3339(b->startsAt, b->startsAtOffset), "2024-05-01T18:00:00.123456789+08:00");
  EXPECT_EQ(b->fingerprint, b->labels.fingerprint());
}

TEST(AlertCodec, RoundTripsEmptyAlertAndZeroTimes) {
  Alert a;  // no labels, no annotations, every time kZeroTime, empty strings
  std::string err;
  auto b = decode(encodeAlert(a), err);
  ASSERT_TRUE(b) << err;
  expectSame(a, *b);
  EXPECT_EQ(b->startsAt, kZeroTime);
  EXPECT_EQ(b->receivedAt, kZeroTime);
  EXPECT_EQ(b->status, AlertStatus::Firing);
}

TEST(AlertCodec, RoundTripsBinaryAndEmptyValues) {
  Alert a;
  a.labels = {{"", ""}, {std::string("a\0b", 3), std::string("\xff\x00\x01", 3)}};
  a.generatorURL = std::string(70000, 'x');  // longer than 16 bits of length
  std::string err;
  auto b = decode(encodeAlert(a), err);
  ASSERT_TRUE(b) << err;
  expectSame(a, *b);
}

TEST(AlertCodec, AppendsSeveralAlertsToOneBuffer) {
  std::string buf = "prefix";
  Alert a = fullAlert();
  appendEncodedAlert(buf, a);
  std::string err;
  auto b = decode(std::string_view(buf).substr(6), err);
  ASSERT_TRUE(b) << err;
  expectSame(a, *b);
}

TEST(AlertCodec, EveryTruncationIsRefused) {
  std::string bytes = encodeAlert(fullAlert());
  for (size_t n = 0; n < bytes.size(); ++n) {
    std::string err;
    EXPECT_FALSE(decode(std::string_view(bytes).substr(0, n), err)) << "length " << n;
    EXPECT_FALSE(err.empty()) << "length " << n;
  }
}

TEST(AlertCodec, EmptyInputNamesTheVersion) {
  std::string err;
  EXPECT_FALSE(decode("", err));
  EXPECT_EQ(err, "version: needs 1 bytes, 0 left (at byte 0)");
}

TEST(AlertCodec, UnknownVersionIsRefused) {
  std::string bytes = encodeAlert(fullAlert());
  bytes[0] = 7;
  std::string err;
  EXPECT_FALSE(decode(bytes, err));
  EXPECT_EQ(err, "version: 7 is not supported (expected 1 or 2) (at byte 1)");
}

TEST(AlertCodec, HugeLengthIsRefusedWithoutAllocating) {
  Alert a;
  a.labels = {{"alertname", "x"}};
  std::string bytes = encodeAlert(a);
  // labels[0].name length sits after version (1) and count (4).
  bytes[5] = bytes[6] = bytes[7] = bytes[8] = '\xff';
  std::string err;
  EXPECT_FALSE(decode(bytes, err));
  EXPECT_NE(err.find("labels[0].name: length 4294967295 exceeds"), std::string::npos) << err;
}

TEST(AlertCodec, HugeCountIsRefused) {
  std::string bytes = encodeAlert(Alert{});
  bytes[1] = bytes[2] = bytes[3] = bytes[4] = '\xff';
  std::string err;
  EXPECT_FALSE(decode(bytes, err));
  EXPECT_NE(err.find("labels: count 4294967295 cannot fit"), std::string::npos) << err;
}

TEST(AlertCodec, UnsortedOrDuplicateLabelsAreRefused) {
  Alert a;
  a.labels = {{"a", "1"}, {"b", "2"}};
  std::string bytes = encodeAlert(a);
  // Turn the second name "b" into "a": a duplicate.
  size_t at = bytes.find('b');
  ASSERT_NE(at, std::string::npos);
  bytes[at] = 'a';
  std::string err;
  EXPECT_FALSE(decode(bytes, err));
  EXPECT_NE(err.find("labels[1].name: \"a\" is not after \"a\""), std::string::npos) << err;
}

TEST(AlertCodec, BadStatusOffsetAndTrailingBytesAreRefused) {
  Alert a;
  std::string bytes = encodeAlert(a);
  // Empty alert layout: version 1, labels 4, annotations 4, status at 9, startsAt 10..17,
  // startsAtOffset 18..21.
  std::string err;
  std::string badStatus = bytes;
  badStatus[9] = 2;
  EXPECT_FALSE(decode(badStatus, err));
  EXPECT_NE(err.find("status: 2 is neither 0 nor 1"), std::string::npos) << err;

  std::string badOffset = bytes;
  badOffset[21] = '\x7f';
  EXPECT_FALSE(decode(badOffset, err));
  EXPECT_NE(err.find("startsAtOffset:"), std::string::npos) << err;

  EXPECT_FALSE(decode(bytes + "zz", err));
  EXPECT_NE(err.find("2 trailing bytes"), std::string::npos) << err;
}

TEST(AlertCodec, EveryIngestFormatRoundTrips) {
  for (IngestFormat f : {IngestFormat::AlertArray, IngestFormat::Webhook, IngestFormat::Internal}) {
    Alert a = fullAlert();
    a.format = f;
    std::string err;
    auto b = decode(encodeAlert(a), err);
    ASSERT_TRUE(b) << err;
    EXPECT_EQ(b->format, f);
  }
}

TEST(AlertCodec, VersionOneIsStillReadAsWebhook) {
  // Version 1 is version 2 without the trailing format byte.
  Alert a = fullAlert();
  std::string bytes = encodeAlert(a);
  bytes.pop_back();
  bytes[0] = 1;
  std::string err;
  auto b = decode(bytes, err);
  ASSERT_TRUE(b) << err;
  EXPECT_EQ(b->format, IngestFormat::Webhook);
  EXPECT_EQ(b->labels, a.labels);
}

TEST(AlertCodec, UnknownFormatIsRefused) {
  std::string bytes = encodeAlert(Alert{});
  bytes.back() = 9;
  std::string err;
  EXPECT_FALSE(decode(bytes, err));
  EXPECT_NE(err.find("format: 9 is not an ingest format"), std::string::npos) << err;
}

}  // namespace
}  // namespace nm
