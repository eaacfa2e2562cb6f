// Unit tests for signing/encoding, signing/crypto and signing/utc_format: RFC test vectors for
// SHA-256, HMAC and base64, RFC 3986 percent-encoding edge cases and UTC formatting.
#include <gtest/gtest.h>

#include "notify/signing/crypto.h"
#include "notify/signing/encoding.h"
#include "notify/signing/utc_format.h"

namespace nm::signing {
namespace {

TEST(SigningHex, LowercasePairsPerByte) {
  EXPECT_EQ(hexLower(""), "");
  EXPECT_EQ(hexLower(std::string("\x00\x0f\xa0\xff", 4)), "000fa0ff");
}

// RFC 4648 §10 test vectors.
TEST(SigningBase64, Rfc4648Vectors) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(base64("foob"), "Zm9vYg==");
  EXPECT_EQ(base64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
}

TEST(SigningBase64, LongInputHasNoLineBreaks) {
  std::string out = base64(std::string(300, 'x'));
  EXPECT_EQ(out.size(), 400u);
  EXPECT_EQ(out.find('\n'), std::string::npos);
}

// FIPS 180-2 "abc" and the empty string.
TEST(SigningSha256, KnownDigests) {
  EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256("abc").size(), 32u);
}

// RFC 4231 test case 2 (HMAC-SHA256) and RFC 2202 test case 2 (HMAC-SHA1).
TEST(SigningHmac, RfcVectors) {
  EXPECT_EQ(hexLower(hmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hexLower(hmacSha1("Jefe", "what do ya want for nothing?")),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}

// Empty key and empty message are valid HMAC inputs. Expected values from
// `printf '' | openssl dgst -sha256 -mac HMAC -macopt hexkey:00` (a zero byte key is the same
// HMAC key as the empty key) and Python's hmac module.
TEST(SigningHmac, EmptyKeyAndMessage) {
  EXPECT_EQ(hexLower(hmacSha256("", "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
  EXPECT_EQ(hexLower(hmacSha1("", "")), "fbdb1d1b18aa6c08324b7d64b71fb76370690e1d");
}

TEST(SigningPercentEncode, UnreservedKeptEverythingElseEncoded) {
  EXPECT_EQ(percentEncode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(percentEncode(" "), "%20");
  EXPECT_EQ(percentEncode("*"), "%2A");
  EXPECT_EQ(percentEncode("+"), "%2B");
  EXPECT_EQ(percentEncode("/=&?#%"), "%2F%3D%26%3F%23%25");
  EXPECT_EQ(percentEncode("!'()"), "%21%27%28%29");
  EXPECT_EQ(percentEncode(""), "");
  EXPECT_EQ(percentEncode(std::string("\x00\x7f", 2)), "%00%7F");
}

// UTF-8 is encoded byte by byte with uppercase hex; cross-checked with Python's
// urllib.parse.quote(s, safe="-_.~").
TEST(SigningPercentEncode, Utf8Bytes) {
  EXPECT_EQ(percentEncode("告警"), "%E5%91%8A%E8%AD%A6");
  EXPECT_EQ(percentEncode("Alert: disk 95% *full* ~now/ünïcode"),
            "Alert%3A%20disk%2095%25%20%2Afull%2A%20~now%2F%C3%BCn%C3%AFcode");
}

TEST(SigningPercentEncode, PathKeepsSlash) {
  EXPECT_EQ(percentEncodePath("/a b/c*d/"), "/a%20b/c%2Ad/");
}

TEST(SigningUtcFormat, RendersUtc) {
  EXPECT_EQ(amzDate(1440938160), "20150830T123600Z");
  EXPECT_EQ(utcIso8601(1499827339), "2017-07-12T02:42:19Z");
  EXPECT_EQ(utcDate(1551113065), "2019-02-25");  // 2019-02-26 00:44:25 in UTC+8
  EXPECT_EQ(utcIso8601(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(utcIso8601(-1), "1969-12-31T23:59:59Z");
}

}  // namespace
}  // namespace nm::signing
