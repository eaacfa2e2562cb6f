// The SMS channel: Receiver spec.sms (phone numbers), Config spec.sms (defaultProvider and the
// providers Aliyun, Tencent Cloud, Huawei Cloud, AWS SNS), options.sms, and the provider choice.
// Vendor APIs (one file per provider, sms_<provider>.cpp, cites its pages):
// Aliyun SendSms https://help.aliyun.com/document_detail/419273.html,
// Tencent SendSms https://cloud.tencent.com/document/api/382/55981,
// Huawei batchSendSms https://support.huaweicloud.com/intl/en-us/api-msgsms/sms_05_0001.html,
// AWS SNS Publish https://docs.aws.amazon.com/sns/latest/api/API_Publish.html.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "interfaces/channel.h"
#include "model/resources.h"

namespace nm {

// Receiver spec.sms.
struct SmsSpec final : ChannelSpec {
  std::vector<std::string> phoneNumbers;  // each ^(\+)?(\d+)$
};

// `endpoint` (every provider) is this project's addition: "scheme://host[:port]" replacing the
// vendor's API host (private clouds, tests); NM_SMS_<PROVIDER>_ENDPOINT is used when unset.
struct SmsAliyunSpec {
  std::string signName;
  std::string templateCode;
  model::Credential accessKeyId;
  model::Credential accessKeySecret;
  std::string endpoint;
};

struct SmsTencentSpec {
  std::string sign;
  std::string templateId;  // templateID
  std::string smsSdkAppid;
  model::Credential secretId;
  model::Credential secretKey;
  std::string region = "ap-guangzhou";  // our addition (X-TC-Region)
  std::string endpoint;
};

// The reference's ten template parameters (workload also from deployment/statefulset/daemonset).
std::vector<std::string> smsHuaweiDefaultParas();

struct SmsHuaweiSpec {
  std::string url;  // default https://rtcsms.cn-north-1.myhuaweicloud.com:10743/sms/batchSendSms/v1
  std::string signature;
  std::string templateId;
  std::string sender;
  model::Credential appKey;
  model::Credential appSecret;
  // Our addition: alert label/annotation names filling the template's ${1}..${N}.
  std::vector<std::string> templateParas = smsHuaweiDefaultParas();
  std::string endpoint;
};

struct SmsAwsSpec {
  std::string region;
  model::Credential accessKeyId;
  model::Credential secretAccessKey;
  std::string endpoint;
};

// Config spec.sms.
struct SmsConfigSpec final : ChannelSpec {
  std::string defaultProvider;  // "" or a configured provider (checked when decoding)
  std::optional<SmsAliyunSpec> aliyun;
  std::optional<SmsTencentSpec> tencent;
  std::optional<SmsHuaweiSpec> huawei;
  std::optional<SmsAwsSpec> aws;
};

// The provider a config sends through: defaultProvider, else the first configured in the fixed
// order aliyun, tencent, huawei, aws ("" when none is configured).
std::string smsChooseProvider(const SmsConfigSpec& config);

// NotificationManager spec.receivers.options.sms: {notificationTimeout (default 5 s), template}.
struct SmsOptions {
  int timeoutSeconds = 5;
  std::string templateName;
};
SmsOptions smsOptions(const model::NotificationManager& nm, std::string& error);

std::shared_ptr<const ChannelSpec> decodeSmsReceiver(const DecodeContext& ctx);
std::shared_ptr<const ChannelSpec> decodeSmsConfig(const DecodeContext& ctx);

const ChannelDescriptor& smsDescriptor();

}  // namespace nm
