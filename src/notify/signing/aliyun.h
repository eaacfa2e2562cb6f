// Aliyun (Alibaba Cloud) RPC-style API signature, version 1.0 with HMAC-SHA1, and the signed
// query of the SMS SendSms call (dysmsapi 2017-05-25).
// Implements Aliyun's "Request signatures" (RPC 签名机制,
// https://www.alibabacloud.com/help/doc-detail/28139.htm) and the SendSms signature example
// (https://help.aliyun.com/document_detail/56189.html).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nm::signing {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Aliyun's percent-encoding: RFC 3986 (space → %20, '*' → %2A, '~' unescaped), UTF-8 bytes.
std::string aliyunPercentEncode(std::string_view s);
// Parameters (a "Signature" entry is ignored) sorted by name, each name and value encoded,
// joined "k=v&k=v".
std::string aliyunCanonicalizedQuery(const QueryParams& params);
// httpMethod + "&%2F&" + percentEncode(canonicalizedQuery).
std::string aliyunStringToSign(std::string_view httpMethod, const QueryParams& params);
// base64(HMAC-SHA1(key = accessKeySecret + "&", stringToSign)), not URL-encoded.
std::string aliyunSignature(std::string_view httpMethod, const QueryParams& params,
                            std::string_view accessKeySecret);

// One SendSms call. Every time-dependent value is an input.
struct AliyunSendSms {
  std::string accessKeyId;
  std::string accessKeySecret;
  std::vector<std::string> phoneNumbers;  // joined with ',' (the API takes up to 1000)
  std::string signName;
  std::string templateCode;
  // TemplateParam as a JSON object of string values, in this order; omitted when empty.
  std::vector<std::pair<std::string, std::string>> templateParam;
  std::string signatureNonce;  // unique per request, e.g. a UUID
  std::string timestamp;       // UTC ISO 8601, "2017-07-12T02:42:19Z" (see utcIso8601)
  std::string regionId = "cn-hangzhou";
  std::string format = "JSON";
  std::string outId;  // optional
};

// {"k":"v",...} written with a JSON writer, so quotes, backslashes, control characters and
// newlines in values are escaped (the Go version pasted the message in unescaped).
std::string aliyunTemplateParamJson(const std::vector<std::pair<std::string, std::string>>& kv);
// The common and SendSms parameters, unsigned (Action, Version, SignatureMethod, ...).
QueryParams aliyunSendSmsParams(const AliyunSendSms& req);
// The full signed query for GET https://dysmsapi.aliyuncs.com/?<this>:
// "Signature=<encoded>&" + canonicalized query.
std::string aliyunSendSmsQuery(const AliyunSendSms& req);

}  // namespace nm::signing
