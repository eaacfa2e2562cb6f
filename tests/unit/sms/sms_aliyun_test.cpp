// Unit tests of the Aliyun SMS provider: the signed SendSms form, TemplateParam as valid JSON,
// batches of 1000, re-signing on retry, and the classification of vendor codes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "notify/signing/aliyun.h"
#include "sms_helpers.h"

namespace nm {
namespace {

using json = nlohmann::json;

SmsAliyunSpec spec() {
  SmsAliyunSpec s;
  s.signName = "NM";
  s.templateCode = "SMS_1";
  s.accessKeyId = test::cred("AKID");
  s.accessKeySecret = test::cred("ALI-SECRET");
  s.endpoint = "http://127.0.0.1:9/";
  return s;
}

HttpResponse ok() {
  return test::reply(200, R"({"Code":"OK","Message":"OK","BizId":"1","RequestId":"r"})");
}

TEST(SmsAliyun, SignedFormWithJsonTemplateParam) {
  test::FakeHttp http;
  http.handler = [](const HttpRequest&) { return ok(); };
  auto p = makeAliyunSms(test::providerContext(http), spec());
  ASSERT_TRUE(p);
  const std::string message = "say \"hi\"\nback\\slash";
  auto out = test::runProvider(http, *p, Data{}, message, {"13800000000", "+85200000000"});
  EXPECT_TRUE(out.ok) << out.error;
  ASSERT_EQ(http.requests.size(), 1u);
  const HttpRequest& r = http.requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "http://127.0.0.1:9/");
  auto f = test::parseForm(r.body);
  EXPECT_EQ(f["Action"], "SendSms");
  EXPECT_EQ(f["Version"], "2017-05-25");
  EXPECT_EQ(f["PhoneNumbers"], "13800000000,+85200000000");
  EXPECT_EQ(f["SignName"], "NM");
  EXPECT_EQ(f["TemplateCode"], "SMS_1");
  EXPECT_EQ(f["AccessKeyId"], "AKID");
  EXPECT_EQ(f["SignatureMethod"], "HMAC-SHA1");
  EXPECT_EQ(f["SignatureVersion"], "1.0");
  EXPECT_EQ(f["Format"], "JSON");
  EXPECT_EQ(f["SignatureNonce"].size(), 32u);
  EXPECT_EQ(f["Timestamp"].size(), 20u);
  json param = json::parse(f["TemplateParam"]);  // throws when not valid JSON
  EXPECT_EQ(param, json({{"code", message}}));
  // The signature recomputed over every other parameter with the POST method.
  signing::QueryParams params;
  for (const auto& [k, v] : f) {
    if (k != "Signature") params.emplace_back(k, v);
  }
  EXPECT_EQ(f["Signature"], signing::aliyunSignature("POST", params, "ALI-SECRET"));
  EXPECT_EQ(out.channelTarget, "aliyun:13800000000,+85200000000");
}

TEST(SmsAliyun, MessageFittedToTheVariableLimit) {
  test::FakeHttp http;
  http.handler = [](const HttpRequest&) { return ok(); };
  auto p = makeAliyunSms(test::providerContext(http), spec());
  std::string longText;
  for (int i = 0; i < 50; ++i) longText += "磁";
  test::runProvider(http, *p, Data{}, longText, {"13800000000"});
  auto code = json::parse(test::parseForm(http.requests[0].body)["TemplateParam"])["code"]
                  .get<std::string>();
  EXPECT_EQ(smsCharCount(code), 35u);
  EXPECT_EQ(code.substr(code.size() - 3), "…");
}

TEST(SmsAliyun, ThousandAndOneNumbersMakeTwoRequests) {
  test::FakeHttp http;
  http.handler = [](const HttpRequest&) { return ok(); };
  auto p = makeAliyunSms(test::providerContext(http), spec());
  auto phones = test::numbers(1001);
  auto out = test::runProvider(http, *p, Data{}, "m", phones);
  EXPECT_TRUE(out.ok) << out.error;
  ASSERT_EQ(http.requests.size(), 2u);
  auto first = test::parseForm(http.requests[0].body)["PhoneNumbers"];
  EXPECT_EQ(std::count(first.begin(), first.end(), ',') + 1, 1000);
  EXPECT_EQ(test::parseForm(http.requests[1].body)["PhoneNumbers"], phones.back());
}

TEST(SmsAliyun, ThrottlingRetriedWithAFreshSignature) {
  test::FakeHttp http;
  int calls = 0;
  http.handler = [&](const HttpRequest&) {
    if (++calls == 1) {
      return test::reply(400, R"({"Code":"Throttling.User","Message":"flow control"})");
    }
    return ok();
  };
  auto p = makeAliyunSms(test::providerContext(http), spec());
  auto out = test::runProvider(http, *p, Data{}, "m", {"13800000000"});
  EXPECT_TRUE(out.ok) << out.error;
  ASSERT_EQ(http.requests.size(), 2u);
  EXPECT_NE(test::parseForm(http.requests[0].body)["SignatureNonce"],
            test::parseForm(http.requests[1].body)["SignatureNonce"]);
}

TEST(SmsAliyun, VendorErrorsReportedNotRetried) {
  test::FakeHttp http;
  http.handler = [](const HttpRequest&) {
    return test::reply(200, R"({"Code":"isv.BUSINESS_LIMIT_CONTROL","Message":"触发分钟级流控"})");
  };
  auto p = makeAliyunSms(test::providerContext(http), spec());
  auto out = test::runProvider(http, *p, Data{}, "m", {"13800000000"});
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(http.requests.size(), 1u);
  EXPECT_EQ(out.error, "aliyun isv.BUSINESS_LIMIT_CONTROL: 触发分钟级流控");
  EXPECT_EQ(out.error.find("ALI-SECRET"), std::string::npos);
}

TEST(SmsAliyun, Classification) {
  EXPECT_EQ(classifyAliyunSms(ok()).verdict, Verdict::Success);
  auto sig = classifyAliyunSms(test::reply(
      400, R"({"Code":"SignatureDoesNotMatch","Message":"Specified signature is not matched"})"));
  EXPECT_EQ(sig.verdict, Verdict::Permanent);
  EXPECT_EQ(sig.reason, "aliyun SignatureDoesNotMatch: Specified signature is not matched");
  EXPECT_EQ(
      classifyAliyunSms(test::reply(200, R"({"Code":"isp.SYSTEM_ERROR","Message":"x"})")).verdict,
      Verdict::Transient);
  EXPECT_EQ(classifyAliyunSms(test::reply(503, "busy")).verdict, Verdict::Transient);
  EXPECT_EQ(classifyAliyunSms(test::reply(200, "not json")).verdict, Verdict::Permanent);
  HttpResponse transport;
  transport.error = "connect: refused";
  EXPECT_EQ(classifyAliyunSms(transport).verdict, Verdict::Transient);
}

}  // namespace
}  // namespace nm
