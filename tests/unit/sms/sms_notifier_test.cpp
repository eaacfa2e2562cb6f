// Unit tests of the SMS notifier through the registry: the provider actually used (default vs
// first configured), rendering once for every batch, secrets kept out of outcomes, and the
// UTF-8-safe fitting helpers.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sms_helpers.h"

namespace nm {
namespace {

using json = nlohmann::json;

const char* kAliyun =
    "aliyun: {signName: S, templateCode: T, accessKeyId: {value: AK}, "
    "accessKeySecret: {value: ALI-SECRET}, endpoint: 'http://aliyun.test'}";
const char* kTencent =
    "tencent: {sign: S, templateID: '1', smsSdkAppid: '1400', secretId: {value: ID}, "
    "secretKey: {value: TC-SECRET}, endpoint: 'http://tencent.test'}";
const char* kAws =
    "aws: {region: us-east-1, accessKeyId: {value: A}, secretAccessKey: {value: AWS-SECRET}, "
    "endpoint: 'http://aws.test'}";

test::Built buildWith(test::FakeHttp& http, const config::Snapshot& snap,
                      const std::string& providers, const std::string& def = "") {
  std::string cfg = "{" + (def.empty() ? "" : "defaultProvider: " + def + ", ") + "providers: {" +
                    providers + "}}";
  return test::build("sms", "{phoneNumbers: ['13800000000', '+14155550100']}", cfg, snap, http);
}

TEST(SmsNotifier, DefaultProviderWins) {
  test::FakeHttp http;
  config::Snapshot snap;
  http.handler = [](const HttpRequest&) {
    return test::reply(200, "<PublishResponse><MessageId>1</MessageId></PublishResponse>");
  };
  auto b = buildWith(http, snap, std::string(kAliyun) + ", " + kAws, "aws");
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(1));
  EXPECT_TRUE(out.ok) << out.error;
  ASSERT_EQ(http.requests.size(), 2u);  // one Publish per number
  EXPECT_EQ(http.requests[0].url, "http://aws.test/");
}

TEST(SmsNotifier, FirstConfiguredInFixedOrder) {
  test::FakeHttp http;
  config::Snapshot snap;
  http.handler = [](const HttpRequest&) {
    return test::reply(200, R"({"Response":{"SendStatusSet":[{"Code":"Ok"},{"Code":"Ok"}]}})");
  };
  auto b = buildWith(http, snap, std::string(kAws) + ", " + kTencent);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(2));
  EXPECT_TRUE(out.ok) << out.error;
  ASSERT_EQ(http.requests.size(), 1u);
  EXPECT_EQ(http.requests[0].url, "http://tencent.test/");
  // nm.default.text rendered once, fitted into the one template parameter.
  auto text = json::parse(http.requests[0].body)["TemplateParamSet"][0].get<std::string>();
  EXPECT_NE(text.find("A0"), std::string::npos) << text;
  EXPECT_NE(text.find("A1"), std::string::npos) << text;
}

TEST(SmsNotifier, SecretsStayOutOfOutcomes) {
  test::FakeHttp http;
  config::Snapshot snap;
  http.handler = [](const HttpRequest&) {
    return test::reply(404, R"({"Code":"InvalidAccessKeyId.NotFound","Message":"Specified )"
                            R"(access key is not found."})");
  };
  auto b = buildWith(http, snap, kAliyun);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(1));
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.error, "aliyun InvalidAccessKeyId.NotFound: Specified access key is not found.");
  EXPECT_EQ(out.channelTarget, "aliyun:13800000000,+14155550100");
  for (const auto& r : http.requests) EXPECT_EQ(r.body.find("ALI-SECRET"), std::string::npos);
}

TEST(SmsNotifier, UnresolvedCredentialNamesTheField) {
  test::FakeHttp http;
  config::Snapshot snap;
  auto b = test::build(
      "sms", "{phoneNumbers: ['1']}",
      "{providers: {aws: {region: r, accessKeyId: {valueFrom: {secretKeyRef: {name: s, key: k}}}, "
      "secretAccessKey: {value: AWS-SECRET}}}}",
      snap, http);
  EXPECT_FALSE(b.notifier);
  EXPECT_EQ(b.error, "sms: aws.accessKeyId: secret not found");
}

TEST(SmsFit, Utf8SafeWithMarker) {
  EXPECT_EQ(smsFitChars("short", 10), "short");
  EXPECT_EQ(smsFitChars("abcdef", 4), "abc…");
  EXPECT_EQ(smsFitChars("磁盘已满了", 3), "磁盘…");
  EXPECT_EQ(smsFitBytes("磁盘已满", 9), "磁盘…");  // 6 + 3 bytes
  EXPECT_EQ(smsFitBytes("磁盘已满", 8), "磁…");    // never half a character
  EXPECT_EQ(smsFitBytes("abc", 3), "abc");
  EXPECT_EQ(smsCharCount("a磁é"), 3u);
}

TEST(SmsFit, BatchesAndTargets) {
  auto b = smsBatches(test::numbers(5), 2);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b[2].size(), 1u);
  EXPECT_EQ(smsWithCountryCode("138", "+86"), "+86138");
  EXPECT_EQ(smsWithCountryCode("+1415", "+86"), "+1415");
  EXPECT_EQ(smsTarget("aliyun", test::numbers(7)),
            "aliyun:13800000000,13800000001,13800000002,13800000003,13800000004 +2 more");
  EXPECT_EQ(smsUrlAuthority("http://u:p@127.0.0.1:8080/x?y"), "127.0.0.1:8080");
  EXPECT_NE(smsNonce(), smsNonce());
}

}  // namespace
}  // namespace nm
