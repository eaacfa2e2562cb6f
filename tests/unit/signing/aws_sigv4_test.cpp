// Unit tests for AWS Signature Version 4 against AWS's published SigV4 test suite (get-vanilla,
// get-vanilla-query-order-key-case, post-x-www-form-urlencoded, post-sts-header-before) and the
// IAM ListUsers worked example of AWS's signing documentation; plus the SNS Publish body.
#include <gtest/gtest.h>

#include "notify/signing/aws_sigv4.h"
#include "notify/signing/crypto.h"
#include "notify/signing/encoding.h"

namespace nm::signing {
namespace {

// AWS Signature Version 4 test suite
// (https://docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html): every case uses
// AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20150830T123600Z, us-east-1, service
// "service", host example.amazonaws.com.
AwsSigV4Request suiteRequest(std::string method) {
  AwsSigV4Request r;
  r.method = std::move(method);
  r.host = "example.amazonaws.com";
  r.path = "/";
  r.accessKeyId = "AKIDEXAMPLE";
  r.secretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  r.region = "us-east-1";
  r.service = "service";
  r.amzDate = "20150830T123600Z";
  return r;
}

constexpr const char* kSuiteCredential =
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ";

// get-vanilla: GET / with no query and no body.
TEST(AwsSigV4, SuiteGetVanilla) {
  auto r = suiteRequest("GET");
  EXPECT_EQ(awsCanonicalRequest(r),
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "host;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(awsAuthorization(r),
            std::string(kSuiteCredential) +
                "SignedHeaders=host;x-amz-date, "
                "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

// get-vanilla-query-order-key-case: GET /?Param2=value2&Param1=value1 (sorted when signed).
TEST(AwsSigV4, SuiteGetVanillaQueryOrderKeyCase) {
  auto r = suiteRequest("GET");
  r.query = {{"Param2", "value2"}, {"Param1", "value1"}};
  EXPECT_EQ(awsCanonicalQuery(r.query), "Param1=value1&Param2=value2");
  EXPECT_EQ(awsSignature(r), "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

// post-x-www-form-urlencoded: POST / with Content-Type application/x-www-form-urlencoded and
// the body Param1=value1; the suite publishes the canonical request, string to sign and
// Authorization.
TEST(AwsSigV4, SuitePostXWwwFormUrlencoded) {
  auto r = suiteRequest("POST");
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  r.payload = "Param1=value1";
  EXPECT_EQ(awsCanonicalRequest(r),
            "POST\n/\n\n"
            "content-type:application/x-www-form-urlencoded\n"
            "host:example.amazonaws.com\n"
            "x-amz-date:20150830T123600Z\n\n"
            "content-type;host;x-amz-date\n"
            "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
  EXPECT_EQ(awsStringToSign(r),
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281");
  EXPECT_EQ(awsAuthorization(r),
            std::string(kSuiteCredential) +
                "SignedHeaders=content-type;host;x-amz-date, "
                "Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a");
}

// post-sts-header-before: the session token is sent as X-Amz-Security-Token and signed.
TEST(AwsSigV4, SuitePostStsHeaderBefore) {
  auto r = suiteRequest("POST");
  r.sessionToken =
      "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSP"
      "fIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT"
      "7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlz"
      "m8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";
  EXPECT_EQ(awsAuthorization(r),
            std::string(kSuiteCredential) +
                "SignedHeaders=host;x-amz-date;x-amz-security-token, "
                "Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead");
  auto h = awsSigV4Headers(r);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0], (std::pair<std::string, std::string>{"X-Amz-Date", "20150830T123600Z"}));
  EXPECT_EQ(h[1].first, "X-Amz-Security-Token");
  EXPECT_EQ(h[1].second, r.sessionToken);
  EXPECT_EQ(h[2].first, "Authorization");
}

// AWS's worked example "Create a signed AWS API request"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html, formerly
// general/latest/gr/sigv4-calculate-signature.html): GET
// https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08 with Content-Type
// "application/x-www-form-urlencoded; charset=utf-8"; published canonical request hash,
// signing key and signature.
TEST(AwsSigV4, IamListUsersDocumentationExample) {
  AwsSigV4Request r;
  r.method = "GET";
  r.host = "iam.amazonaws.com";
  r.query = {{"Action", "ListUsers"}, {"Version", "2010-05-08"}};
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  r.accessKeyId = "AKIDEXAMPLE";
  r.secretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  r.region = "us-east-1";
  r.service = "iam";
  r.amzDate = "20150830T123600Z";
  EXPECT_EQ(sha256Hex(awsCanonicalRequest(r)),
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
  EXPECT_EQ(hexLower(awsSigningKey(r.secretAccessKey, "20150830", "us-east-1", "iam")),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
  EXPECT_EQ(awsAuthorization(r),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, "
            "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

TEST(AwsSigV4, HeaderNamesLowercasedValuesTrimmedAndCollapsed) {
  auto r = suiteRequest("GET");
  r.headers = {{"My-Header1", "  value1  a   b "}, {"my-header1", "value2"}};
  EXPECT_EQ(awsSignedHeaders(r), "host;my-header1;x-amz-date");
  EXPECT_NE(awsCanonicalRequest(r).find("\nmy-header1:value1 a b,value2\n"), std::string::npos);
}

TEST(AwsSigV4, QueryValuesAreRfc3986Encoded) {
  EXPECT_EQ(awsCanonicalQuery({{"b", "2 3"}, {"a", "x/y*~"}, {"a", "1"}}),
            "a=1&a=x%2Fy%2A~&b=2%203");
  EXPECT_EQ(awsCanonicalQuery({}), "");
}

TEST(AwsSigV4, PathIsEncodedTwiceExceptForS3) {
  auto r = suiteRequest("GET");
  r.path = "/a b";
  EXPECT_EQ(awsRequestPath(r), "/a%20b");
  EXPECT_EQ(awsCanonicalRequest(r).substr(0, 14), "GET\n/a%2520b\n\n");
  r.service = "s3";
  EXPECT_EQ(awsCanonicalRequest(r).substr(0, 12), "GET\n/a%20b\n\n");
}

// SNS Publish (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html) as a form body;
// non-ASCII text is sent as percent-encoded UTF-8.
TEST(AwsSnsPublish, FormBody) {
  EXPECT_EQ(awsSnsPublishBody("+8613800000000", "Disk 95% full on 节点-1"),
            "Action=Publish&Message=Disk%2095%25%20full%20on%20%E8%8A%82%E7%82%B9-1"
            "&PhoneNumber=%2B8613800000000&Version=2010-03-31");
  EXPECT_EQ(kAwsFormContentType, "application/x-www-form-urlencoded; charset=utf-8");
}

TEST(AwsSigV4, EmptySecretIsStillADeterministicSignature) {
  auto r = suiteRequest("GET");
  r.secretAccessKey = "";
  std::string byHand =
      hmacSha256(hmacSha256(hmacSha256(hmacSha256("AWS4", "20150830"), "us-east-1"), "service"),
                 "aws4_request");
  EXPECT_EQ(awsSigningKey("", "20150830", "us-east-1", "service"), byHand);
  EXPECT_EQ(awsSignature(r), hexLower(hmacSha256(byHand, awsStringToSign(r))));
}

}  // namespace
}  // namespace nm::signing
