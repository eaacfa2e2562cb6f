// Unit tests of the Huawei SMS provider: the batchSendSms form with X-WSSE, templateParas taken
// from labels/annotations (20-character cap, workload aliases, message fallback), per-number and
// vendor errors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "notify/signing/huawei.h"
#include "sms_helpers.h"

namespace nm {
namespace {

using json = nlohmann::json;

SmsHuaweiSpec spec() {
  SmsHuaweiSpec s;
  s.signature = "NMsign";
  s.templateId = "tmpl-1";
  s.sender = "csms1234";
  s.appKey = test::cred("APPKEY");
  s.appSecret = test::cred("HW-SECRET");
  s.endpoint = "http://127.0.0.1:9";
  return s;
}

HttpResponse ok(const HttpRequest& r) {
  json result = json::array();
  std::string to = test::parseForm(r.body)["to"];
  for (size_t b = 0; b < to.size();) {
    size_t e = to.find(',', b);
    if (e == std::string::npos) e = to.size();
    result.push_back({{"originTo", to.substr(b, e - b)}, {"status", "000000"}});
    b = e + 1;
  }
  return test::reply(
      200, json{{"code", "000000"}, {"description", "Success"}, {"result", result}}.dump());
}

// The value of key="…" in an X-WSSE header.
std::string attr(const std::string& h, const std::string& key) {
  auto b = h.find(key + "=\"");
  if (b == std::string::npos) return "";
  b += key.size() + 2;
  return h.substr(b, h.find('"', b) - b);
}

TEST(SmsHuawei, FormAndWsse) {
  test::FakeHttp http;
  http.handler = ok;
  auto p = makeHuaweiSms(test::providerContext(http), spec());
  ASSERT_TRUE(p);
  auto data = test::chatData(1);
  auto out = test::runProvider(http, *p, *data, "message", {"13800000000", "+447700900000"});
  EXPECT_TRUE(out.ok) << out.error;
  ASSERT_EQ(http.requests.size(), 1u);
  const HttpRequest& r = http.requests[0];
  EXPECT_EQ(r.url, "http://127.0.0.1:9/sms/batchSendSms/v1");
  auto f = test::parseForm(r.body);
  EXPECT_EQ(f["from"], "csms1234");
  EXPECT_EQ(f["to"], "+8613800000000,+447700900000");
  EXPECT_EQ(f["templateId"], "tmpl-1");
  EXPECT_EQ(f["signature"], "NMsign");
  EXPECT_TRUE(f.count("statusCallback"));
  json paras = json::parse(f["templateParas"]);
  ASSERT_EQ(paras.size(), 10u);      // the reference's ten names, in order
  EXPECT_EQ(paras[0], "A0");         // alertname
  EXPECT_EQ(paras[2], "disk full");  // message annotation
  EXPECT_EQ(paras[7], "ns1");        // namespace
  EXPECT_EQ(test::header(r, "Authorization"), signing::kHuaweiWsseAuthorization);
  const std::string wsse = test::header(r, "X-WSSE");
  EXPECT_EQ(attr(wsse, "Username"), "APPKEY");
  EXPECT_EQ(attr(wsse, "PasswordDigest"),
            signing::huaweiPasswordDigest(attr(wsse, "Nonce"), attr(wsse, "Created"), "HW-SECRET"));
}

TEST(SmsHuawei, UrlFieldAndDefault) {
  test::FakeHttp http;
  http.handler = ok;
  SmsHuaweiSpec s = spec();
  s.endpoint.clear();
  auto p = makeHuaweiSms(test::providerContext(http), s);
  test::runProvider(http, *p, Data{}, "m", {"13800000000"});
  EXPECT_EQ(http.requests.at(0).url,
            "https://rtcsms.cn-north-1.myhuaweicloud.com:10743/sms/batchSendSms/v1");
  s.url = "https://sms.example.com/sms/batchSendSms/v1";
  s.endpoint = "http://127.0.0.1:7";
  auto q = makeHuaweiSms(test::providerContext(http), s);
  test::runProvider(http, *q, Data{}, "m", {"13800000000"});
  EXPECT_EQ(http.requests.at(1).url, "http://127.0.0.1:7/sms/batchSendSms/v1");
}

TEST(SmsHuawei, TemplateParasMapping) {
  Data d;
  d.commonLabels = LabelSet{{"alertname", "KubePodCrashLooping"}, {"statefulset", "db"}};
  d.commonAnnotations = LabelSet{{"summary", "一二三四五六七八九十一二三四五六七八九十一二"}};
  auto a = std::make_shared<Alert>(*test::chatAlert("X"));
  a->labels.set("severity", "critical");
  d.alerts.push_back(a);
  auto v = smsHuaweiTemplateParas({"alertname", "severity", "summary", "workload", "pod"}, d, "m");
  ASSERT_EQ(v.size(), 5u);
  EXPECT_EQ(v[0], "KubePodCrashLooping");
  EXPECT_EQ(v[1], "critical");  // from the first alert
  EXPECT_EQ(smsCharCount(v[2]), 20u);
  EXPECT_EQ(v[2], "一二三四五六七八九十一二三四五六七八九…");
  EXPECT_EQ(v[3], "db");  // workload from statefulset
  EXPECT_EQ(v[4], "-");   // no value: placeholder keeps the positions
  auto none = smsHuaweiTemplateParas({"pod"}, Data{}, "a message longer than twenty characters");
  EXPECT_EQ(none, (std::vector<std::string>{"a message longer th…"}));
}

TEST(SmsHuawei, ErrorsReportedWithCodeAndDescription) {
  test::FakeHttp http;
  http.handler = [](const HttpRequest&) {
    return test::reply(200, R"({"code":"E000510","description":"The SMS fails to be sent.",
      "result":[{"originTo":"+8613800000000","status":"E200028"}]})");
  };
  auto p = makeHuaweiSms(test::providerContext(http), spec());
  auto out = test::runProvider(http, *p, Data{}, "m", {"13800000000"});
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(http.requests.size(), 1u);
  EXPECT_EQ(out.error, "huawei E000510: The SMS fails to be sent. (+8613800000000: E200028)");
  EXPECT_EQ(out.error.find("HW-SECRET"), std::string::npos);

  EXPECT_EQ(
      classifyHuaweiSms(test::reply(401, R"({"code":"E000101","description":"auth"})")).verdict,
      Verdict::Permanent);
  EXPECT_EQ(
      classifyHuaweiSms(test::reply(500, R"({"code":"E000000","description":"busy"})")).verdict,
      Verdict::Transient);
  auto partial = classifyHuaweiSms(test::reply(200, R"({"code":"000000","description":"Success",
      "result":[{"originTo":"+1","status":"000000"},{"originTo":"+2","status":"E200015"}]})"));
  EXPECT_EQ(partial.verdict, Verdict::Permanent);
  EXPECT_EQ(partial.reason, "huawei: 1 of 2 numbers failed: +2: E200015");
}

}  // namespace
}  // namespace nm
