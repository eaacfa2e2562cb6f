// Unit tests of SMS decoding: receiver phone numbers, config providers and their required fields,
// defaultProvider checks, Huawei templateParas, options, and the provider choice.
#include <gtest/gtest.h>

#include <algorithm>

#include "sms_helpers.h"

namespace nm {
namespace {

std::vector<std::string> paths(const test::Decoded& d) {
  std::vector<std::string> out;
  for (const auto& i : d.diags.items()) out.push_back(i.path);
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

const char* kAliyun =
    "aliyun: {signName: S, templateCode: T, accessKeyId: {value: AK}, "
    "accessKeySecret: {value: SK}}";
const char* kTencent =
    "tencent: {sign: S, templateID: '1', smsSdkAppid: '1400', secretId: {value: ID}, "
    "secretKey: {value: KEY}}";
const char* kAws = "aws: {region: us-east-1, accessKeyId: {value: A}, secretAccessKey: {value: B}}";

TEST(SmsDecode, ReceiverPhoneNumbers) {
  auto ok = test::decodeBlock("sms", "{phoneNumbers: ['+8613800000000', '13900000000']}", false);
  ASSERT_TRUE(ok.spec) << ok.firstError();
  auto spec = std::dynamic_pointer_cast<const SmsSpec>(ok.spec);
  EXPECT_EQ(spec->phoneNumbers, (std::vector<std::string>{"+8613800000000", "13900000000"}));

  auto bad = test::decodeBlock("sms", "{phoneNumbers: ['138', '+86-139', '1 2']}", false);
  EXPECT_FALSE(bad.spec);
  auto p = paths(bad);
  EXPECT_EQ(p, (std::vector<std::string>{"spec.sms.phoneNumbers[1]", "spec.sms.phoneNumbers[2]"}));

  auto missing = test::decodeBlock("sms", "{smsConfigSelector: {matchLabels: {a: b}}}", false);
  EXPECT_EQ(missing.firstError(), "spec.sms.phoneNumbers: required field is missing");
  auto unknown = test::decodeBlock("sms", "{phoneNumbers: ['1'], to: ['2']}", false);
  EXPECT_EQ(unknown.firstError(), "spec.sms.to: unknown field \"to\"");
}

TEST(SmsDecode, ConfigRequiredFieldsNameTheirPaths) {
  auto d = test::decodeBlock(
      "sms", "{providers: {aliyun: {signName: S, accessKeyId: {value: AK}}, huawei: {sender: x}}}",
      true);
  EXPECT_FALSE(d.spec);
  auto p = paths(d);
  EXPECT_TRUE(has(p, "spec.sms.providers.aliyun.templateCode"));
  EXPECT_TRUE(has(p, "spec.sms.providers.aliyun.accessKeySecret"));
  EXPECT_TRUE(has(p, "spec.sms.providers.huawei.templateId"));
  EXPECT_TRUE(has(p, "spec.sms.providers.huawei.appKey"));
  EXPECT_TRUE(has(p, "spec.sms.providers.huawei.appSecret"));
  EXPECT_FALSE(has(p, "spec.sms.providers.huawei.signature"));  // optional (international)

  auto none = test::decodeBlock("sms", "{defaultProvider: aliyun}", true);
  EXPECT_EQ(none.firstError(), "spec.sms.providers: required field is missing");
  auto empty = test::decodeBlock("sms", "{providers: {}}", true);
  EXPECT_EQ(empty.firstError(),
            "spec.sms.providers: at least one provider (aliyun, tencent, huawei, aws) is required");
}

TEST(SmsDecode, UnknownProviderAndDefaultProvider) {
  auto u = test::decodeBlock("sms", "{providers: {twilio: {sid: x}}}", true);
  EXPECT_TRUE(has(paths(u), "spec.sms.providers.twilio"));
  auto bad = test::decodeBlock(
      "sms", std::string("{defaultProvider: twilio, providers: {") + kAliyun + "}}", true);
  EXPECT_FALSE(bad.spec);
  EXPECT_EQ(bad.firstError(),
            "spec.sms.defaultProvider: unknown provider \"twilio\" (aliyun, tencent, huawei or "
            "aws)");
  auto unconfigured = test::decodeBlock(
      "sms", std::string("{defaultProvider: tencent, providers: {") + kAliyun + "}}", true);
  EXPECT_FALSE(unconfigured.spec);
  EXPECT_EQ(unconfigured.firstError(),
            "spec.sms.defaultProvider: provider \"tencent\" is not configured under providers");
}

TEST(SmsDecode, ProviderChoiceIsDefaultElseFixedOrder) {
  auto both =
      test::decodeBlock("sms", std::string("{providers: {") + kAws + ", " + kTencent + "}}", true);
  ASSERT_TRUE(both.spec) << both.firstError();
  EXPECT_EQ(smsChooseProvider(*std::dynamic_pointer_cast<const SmsConfigSpec>(both.spec)),
            "tencent");
  auto withDefault = test::decodeBlock(
      "sms", std::string("{defaultProvider: aws, providers: {") + kAliyun + ", " + kAws + "}}",
      true);
  ASSERT_TRUE(withDefault.spec) << withDefault.firstError();
  EXPECT_EQ(smsChooseProvider(*std::dynamic_pointer_cast<const SmsConfigSpec>(withDefault.spec)),
            "aws");
}

TEST(SmsDecode, TencentRegionAndHuaweiTemplateParas) {
  auto t = test::decodeBlock(
      "sms",
      "{providers: {tencent: {sign: S, templateID: 1, smsSdkAppid: 1400, secretId: {value: I}, "
      "secretKey: {value: K}}, huawei: {templateId: t, sender: s, appKey: {value: a}, "
      "appSecret: {value: b}, templateParas: 'alertname, pod'}}}",
      true);
  ASSERT_TRUE(t.spec) << t.firstError();
  auto c = std::dynamic_pointer_cast<const SmsConfigSpec>(t.spec);
  EXPECT_EQ(c->tencent->region, "ap-guangzhou");
  EXPECT_EQ(c->tencent->templateId, "1");
  EXPECT_EQ(c->huawei->templateParas, (std::vector<std::string>{"alertname", "pod"}));
  auto list = test::decodeBlock("sms",
                                "{providers: {huawei: {templateId: t, sender: s, appKey: {value: "
                                "a}, appSecret: {value: b}, templateParas: [severity]}}}",
                                true);
  ASSERT_TRUE(list.spec) << list.firstError();
  EXPECT_EQ(std::dynamic_pointer_cast<const SmsConfigSpec>(list.spec)->huawei->templateParas,
            (std::vector<std::string>{"severity"}));
  auto defaults = test::decodeBlock(
      "sms",
      "{providers: {huawei: {templateId: t, sender: s, appKey: {value: a}, appSecret: "
      "{value: b}}}}",
      true);
  ASSERT_TRUE(defaults.spec);
  EXPECT_EQ(std::dynamic_pointer_cast<const SmsConfigSpec>(defaults.spec)->huawei->templateParas,
            smsHuaweiDefaultParas());
  EXPECT_EQ(smsHuaweiDefaultParas().size(), 10u);
}

TEST(SmsDecode, Options) {
  model::NotificationManager nm;
  std::string err;
  EXPECT_EQ(smsOptions(nm, err).timeoutSeconds, 5);
  model::ChannelOptions co;
  co.notificationTimeout = 9;
  co.templateName = "my.sms";
  co.raw = YAML::Load("{notificationTimeout: 9, template: my.sms, bogus: 1}");
  nm.channelOptions["sms"] = co;
  SmsOptions o = smsOptions(nm, err);
  EXPECT_EQ(o.timeoutSeconds, 9);
  EXPECT_EQ(o.templateName, "my.sms");
  EXPECT_EQ(err, "spec.receivers.options.sms.bogus: unknown field \"bogus\"");
}

TEST(SmsNotifier, NeedsAConfig) {
  test::FakeHttp http;
  config::Snapshot snap;
  auto b = test::build("sms", "{phoneNumbers: ['13800000000']}", "", snap, http);
  EXPECT_FALSE(b.notifier);
  EXPECT_EQ(b.error, "sms: no sms config matched the receiver");
}

}  // namespace
}  // namespace nm
