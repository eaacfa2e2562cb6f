// Unit tests of the AWS SNS provider: one SigV4-signed Publish per number, the 1600-byte cap,
// XML errors, Throttling retried and other codes not.
#include <gtest/gtest.h>

#include "notify/signing/aws_sigv4.h"
#include "sms_helpers.h"

namespace nm {
namespace {

SmsAwsSpec spec() {
  SmsAwsSpec s;
  s.region = "us-east-1";
  s.accessKeyId = test::cred("AKIAEXAMPLE");
  s.secretAccessKey = test::cred("AWS-SECRET");
  s.endpoint = "http://127.0.0.1:9";
  return s;
}

HttpResponse ok() {
  return test::reply(200,
                     "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
                     "<PublishResult><MessageId>m-1</MessageId></PublishResult>"
                     "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>"
                     "</PublishResponse>");
}

HttpResponse error(int status, const std::string& code, const std::string& message) {
  return test::reply(status, "<ErrorResponse><Error><Type>Sender</Type><Code>" + code +
                                 "</Code><Message>" + message +
                                 "</Message></Error><RequestId>r</RequestId></ErrorResponse>");
}

TEST(SmsAws, OnePublishPerNumberSigned) {
  test::FakeHttp http;
  http.handler = [](const HttpRequest&) { return ok(); };
  auto p = makeAwsSms(test::providerContext(http), spec());
  ASSERT_TRUE(p);
  auto out =
      test::runProvider(http, *p, Data{}, "disk full & more", {"+14155550100", "+14155550101"});
  EXPECT_TRUE(out.ok) << out.error;
  ASSERT_EQ(http.requests.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const HttpRequest& r = http.requests[i];
    EXPECT_EQ(r.url, "http://127.0.0.1:9/");
    auto f = test::parseForm(r.body);
    EXPECT_EQ(f["Action"], "Publish");
    EXPECT_EQ(f["Version"], "2010-03-31");
    EXPECT_EQ(f["PhoneNumber"], i == 0 ? "+14155550100" : "+14155550101");
    EXPECT_EQ(f["Message"], "disk full & more");
    signing::AwsSigV4Request s;
    s.method = "POST";
    s.host = "127.0.0.1:9";
    s.headers = {{"Content-Type", test::header(r, "Content-Type")}};
    s.payload = r.body;
    s.accessKeyId = "AKIAEXAMPLE";
    s.secretAccessKey = "AWS-SECRET";
    s.region = "us-east-1";
    s.service = "sns";
    s.amzDate = test::header(r, "X-Amz-Date");
    EXPECT_EQ(test::header(r, "Authorization"), signing::awsAuthorization(s));
  }
  EXPECT_EQ(out.channelTarget, "aws:+14155550100, aws:+14155550101");
}

TEST(SmsAws, MessageCappedAt1600Bytes) {
  test::FakeHttp http;
  http.handler = [](const HttpRequest&) { return ok(); };
  auto p = makeAwsSms(test::providerContext(http), spec());
  std::string text;
  for (int i = 0; i < 700; ++i) text += "é";  // 1400 bytes
  text += std::string(300, 'x');              // 1700 bytes
  test::runProvider(http, *p, Data{}, text, {"+14155550100"});
  std::string m = test::parseForm(http.requests.at(0).body)["Message"];
  EXPECT_LE(m.size(), 1600u);
  EXPECT_EQ(m.substr(m.size() - 3), "…");
  EXPECT_EQ(m.substr(0, 1400), text.substr(0, 1400));
}

TEST(SmsAws, ThrottlingRetriedOtherErrorsNot) {
  test::FakeHttp http;
  int calls = 0;
  http.handler = [&](const HttpRequest&) {
    return ++calls == 1 ? error(400, "Throttling", "Rate exceeded") : ok();
  };
  auto p = makeAwsSms(test::providerContext(http), spec());
  auto out = test::runProvider(http, *p, Data{}, "m", {"+14155550100"});
  EXPECT_TRUE(out.ok) << out.error;
  EXPECT_EQ(http.requests.size(), 2u);

  test::FakeHttp bad;
  bad.handler = [](const HttpRequest&) {
    return error(400, "InvalidParameter", "Invalid parameter: PhoneNumber Reason: &lt;x&gt;");
  };
  auto q = makeAwsSms(test::providerContext(bad), spec());
  auto fail = test::runProvider(bad, *q, Data{}, "m", {"+14155550100"});
  EXPECT_FALSE(fail.ok);
  EXPECT_EQ(bad.requests.size(), 1u);
  EXPECT_EQ(fail.error, "aws InvalidParameter: Invalid parameter: PhoneNumber Reason: <x>");
  EXPECT_EQ(fail.error.find("AWS-SECRET"), std::string::npos);
  EXPECT_EQ(classifyAwsSms(test::reply(200, "<PublishResponse/>")).verdict, Verdict::Permanent);
  EXPECT_EQ(classifyAwsSms(test::reply(503, "")).verdict, Verdict::Transient);
}

}  // namespace
}  // namespace nm
