// Unit tests for Tencent Cloud TC3-HMAC-SHA256 against the worked POST example of Tencent's
// "Signature v3" documentation (CVM DescribeInstances, timestamp 1551113065).
#include <gtest/gtest.h>

#include "notify/signing/crypto.h"
#include "notify/signing/tencent.h"

namespace nm::signing {
namespace {

// https://www.tencentcloud.com/document/api/213/33224 (签名方法 v3,
// https://cloud.tencent.com/document/api/213/30654): SecretId
// AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******, SecretKey Gu5t9xGARNpq86cd98joQYCN3******* (the page
// computes its published values with these literal masked strings), POST to
// cvm.tencentcloudapi.com, Content-Type "application/json; charset=utf-8", the body below,
// timestamp 1551113065 (2019-02-26 00:44:25 in UTC+8, so the scope date is 2019-02-25).
// Published: payload hash 35e9c5b0…, canonical request hash 5ffe6a04…, signature 2230eefd….
TencentTc3Request docExample() {
  TencentTc3Request r;
  r.secretId = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******";
  r.secretKey = "Gu5t9xGARNpq86cd98joQYCN3*******";
  r.service = "cvm";
  r.host = "cvm.tencentcloudapi.com";
  r.action = "DescribeInstances";
  r.version = "2017-03-12";
  r.region = "ap-guangzhou";
  r.timestamp = 1551113065;
  r.payload =
      R"({"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]})";
  return r;
}

TEST(TencentTc3, DocumentationExampleCanonicalRequest) {
  EXPECT_EQ(tc3CanonicalRequest(docExample()),
            "POST\n/\n\n"
            "content-type:application/json; charset=utf-8\n"
            "host:cvm.tencentcloudapi.com\n\n"
            "content-type;host\n"
            "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064");
}

TEST(TencentTc3, DocumentationExampleStringToSign) {
  EXPECT_EQ(tc3CredentialScope(docExample()), "2019-02-25/cvm/tc3_request");
  EXPECT_EQ(tc3StringToSign(docExample()),
            "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n"
            "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031");
}

TEST(TencentTc3, DocumentationExampleSignatureAndAuthorization) {
  EXPECT_EQ(tc3Signature(docExample()),
            "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c");
  EXPECT_EQ(tc3Authorization(docExample()),
            "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******/2019-02-25/cvm/"
            "tc3_request, SignedHeaders=content-type;host, "
            "Signature=2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c");
}

TEST(TencentTc3, HeadersToSend) {
  auto r = docExample();
  auto h = tc3Headers(r);
  ASSERT_EQ(h.size(), 7u);
  EXPECT_EQ(h[0].first, "Authorization");
  EXPECT_EQ(h[1], (std::pair<std::string, std::string>{"Content-Type",
                                                       "application/json; charset=utf-8"}));
  EXPECT_EQ(h[2].second, "cvm.tencentcloudapi.com");
  EXPECT_EQ(h[3].second, "DescribeInstances");
  EXPECT_EQ(h[4].second, "1551113065");
  EXPECT_EQ(h[5].second, "2017-03-12");
  EXPECT_EQ(h[6], (std::pair<std::string, std::string>{"X-TC-Region", "ap-guangzhou"}));

  r.region.clear();
  r.token = "tmp-token";
  h = tc3Headers(r);
  ASSERT_EQ(h.size(), 7u);
  EXPECT_EQ(h[6], (std::pair<std::string, std::string>{"X-TC-Token", "tmp-token"}));
  // The token is not signed: the signature is unchanged.
  EXPECT_EQ(tc3Signature(r), tc3Signature(docExample()));
}

TEST(TencentTc3, HeaderValuesAreTrimmedAndLowercasedInTheCanonicalForm) {
  auto r = docExample();
  r.contentType = " Application/JSON; charset=UTF-8 ";
  r.host = "CVM.tencentcloudapi.com";
  EXPECT_EQ(tc3CanonicalRequest(r), tc3CanonicalRequest(docExample()));
}

TEST(TencentTc3, DerivedKeyChain) {
  std::string byHand =
      hmacSha256(hmacSha256(hmacSha256("TC3secret", "2019-02-25"), "cvm"), "tc3_request");
  EXPECT_EQ(tc3SigningKey("secret", "2019-02-25", "cvm"), byHand);
  EXPECT_NE(tc3SigningKey("secret", "2019-02-26", "cvm"), byHand);
}

TEST(TencentTc3, Utf8PayloadIsHashedAsBytes) {
  auto r = docExample();
  r.payload = R"({"TemplateParamSet":["磁盘告警"]})";
  // sha256 of the UTF-8 bytes, cross-checked with: printf '%s' '<payload>' | openssl dgst -sha256
  EXPECT_NE(tc3CanonicalRequest(r).find(
                "\ncontent-type;host\n"
                "a66442ba9f0063b892f29fe0f9c4de34a2ad2317dec9a263d98d13a20031cf15"),
            std::string::npos);
}

}  // namespace
}  // namespace nm::signing
