// Unit tests of the Tencent SMS provider: TC3-signed SendSms, "+86" defaulting, batches of 200,
// per-number failures, RequestLimitExceeded retried with a fresh signature, AuthFailure not.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "notify/signing/tencent.h"
#include "sms_helpers.h"

namespace nm {
namespace {

using json = nlohmann::json;

SmsTencentSpec spec() {
  SmsTencentSpec s;
  s.sign = "NM";
  s.templateId = "1001";
  s.smsSdkAppid = "1400000000";
  s.secretId = test::cred("AKIDT");
  s.secretKey = test::cred("TC-SECRET");
  s.endpoint = "http://127.0.0.1:9";
  return s;
}

// Ok for every number of the request.
HttpResponse allOk(const HttpRequest& r) {
  json set = json::array();
  const json body = json::parse(r.body);
  for (const auto& n : body["PhoneNumberSet"]) {
    set.push_back({{"PhoneNumber", n}, {"Code", "Ok"}, {"Message", "send success"}});
  }
  json resp;
  resp["Response"]["SendStatusSet"] = set;
  resp["Response"]["RequestId"] = "r";
  return test::reply(200, resp.dump());
}

TEST(SmsTencent, SignedRequestShape) {
  test::FakeHttp http;
  http.handler = allOk;
  auto p = makeTencentSms(test::providerContext(http), spec());
  ASSERT_TRUE(p);
  auto out = test::runProvider(http, *p, Data{}, "disk \"full\"", {"13800000000", "+14155550100"});
  EXPECT_TRUE(out.ok) << out.error;
  ASSERT_EQ(http.requests.size(), 1u);
  const HttpRequest& r = http.requests[0];
  EXPECT_EQ(r.url, "http://127.0.0.1:9/");
  json body = json::parse(r.body);
  EXPECT_EQ(body["PhoneNumberSet"], json::array({"+8613800000000", "+14155550100"}));
  EXPECT_EQ(body["SmsSdkAppId"], "1400000000");
  EXPECT_EQ(body["SignName"], "NM");
  EXPECT_EQ(body["TemplateId"], "1001");
  EXPECT_EQ(body["TemplateParamSet"], json::array({"disk \"full\""}));
  EXPECT_EQ(test::header(r, "X-TC-Action"), "SendSms");
  EXPECT_EQ(test::header(r, "X-TC-Version"), "2021-01-11");
  EXPECT_EQ(test::header(r, "X-TC-Region"), "ap-guangzhou");
  signing::TencentTc3Request sig;
  sig.secretId = "AKIDT";
  sig.secretKey = "TC-SECRET";
  sig.service = "sms";
  sig.host = "127.0.0.1:9";
  sig.timestamp = std::stoll(test::header(r, "X-TC-Timestamp"));
  sig.payload = r.body;
  sig.contentType = test::header(r, "Content-Type");
  EXPECT_EQ(test::header(r, "Authorization"), signing::tc3Authorization(sig));
}

TEST(SmsTencent, TwoHundredAndOneNumbersMakeTwoRequests) {
  test::FakeHttp http;
  http.handler = allOk;
  auto p = makeTencentSms(test::providerContext(http), spec());
  auto out = test::runProvider(http, *p, Data{}, "m", test::numbers(201));
  EXPECT_TRUE(out.ok) << out.error;
  ASSERT_EQ(http.requests.size(), 2u);
  EXPECT_EQ(json::parse(http.requests[0].body)["PhoneNumberSet"].size(), 200u);
  EXPECT_EQ(json::parse(http.requests[1].body)["PhoneNumberSet"].size(), 1u);
}

TEST(SmsTencent, FailedNumbersReportedWithCodes) {
  test::FakeHttp http;
  http.handler = [](const HttpRequest&) {
    return test::reply(200, R"({"Response":{"SendStatusSet":[
      {"PhoneNumber":"+8613800000000","Code":"Ok","Message":"send success"},
      {"PhoneNumber":"+8613800000001","Code":"LimitExceeded.PhoneNumberDailyLimit",
       "Message":"daily limit"}],"RequestId":"r"}})");
  };
  auto p = makeTencentSms(test::providerContext(http), spec());
  auto out = test::runProvider(http, *p, Data{}, "m", {"13800000000", "13800000001"});
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(http.requests.size(), 1u);
  EXPECT_EQ(out.error,
            "tencent: 1 of 2 numbers failed: +8613800000001: "
            "LimitExceeded.PhoneNumberDailyLimit (daily limit)");
}

TEST(SmsTencent, RateLimitRetriedAuthFailureNot) {
  test::FakeHttp http;
  int calls = 0;
  http.handler = [&](const HttpRequest& r) {
    if (++calls == 1) {
      return test::reply(
          200, R"({"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"too fast"}}})");
    }
    return allOk(r);
  };
  auto p = makeTencentSms(test::providerContext(http), spec());
  auto out = test::runProvider(http, *p, Data{}, "m", {"13800000000"});
  EXPECT_TRUE(out.ok) << out.error;
  EXPECT_EQ(http.requests.size(), 2u);

  test::FakeHttp denied;
  denied.handler = [](const HttpRequest&) {
    return test::reply(200, R"({"Response":{"Error":{"Code":"AuthFailure.SignatureFailure",
      "Message":"The provided credentials could not be validated."}}})");
  };
  auto q = makeTencentSms(test::providerContext(denied), spec());
  auto bad = test::runProvider(denied, *q, Data{}, "m", {"13800000000"});
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(denied.requests.size(), 1u);
  EXPECT_EQ(bad.error,
            "tencent AuthFailure.SignatureFailure: The provided credentials could not be "
            "validated.");
  EXPECT_EQ(bad.error.find("TC-SECRET"), std::string::npos);
  EXPECT_EQ(bad.channelTarget.find("TC-SECRET"), std::string::npos);
}

}  // namespace
}  // namespace nm
