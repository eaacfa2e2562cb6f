// Aliyun RPC signature v1.0 (HMAC-SHA1) and the SendSms signed query (see aliyun.h for the
// vendor pages). TemplateParam JSON is produced with RapidJSON's writer.
#include "notify/signing/aliyun.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "notify/signing/crypto.h"
#include "notify/signing/encoding.h"

namespace nm::signing {

std::string aliyunPercentEncode(std::string_view s) {
  return percentEncode(s);
}

std::string aliyunCanonicalizedQuery(const QueryParams& params) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(params.size());
  for (const auto& [k, v] : params) {
    if (k == "Signature") continue;
    encoded.emplace_back(aliyunPercentEncode(k), aliyunPercentEncode(v));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [k, v] : encoded) {
    if (!out.empty()) out += '&';
    out += k;
    out += '=';
    out += v;
  }
  return out;
}

std::string aliyunStringToSign(std::string_view httpMethod, const QueryParams& params) {
  std::string out(httpMethod);
  out += "&%2F&";
  out += aliyunPercentEncode(aliyunCanonicalizedQuery(params));
  return out;
}

std::string aliyunSignature(std::string_view httpMethod, const QueryParams& params,
                            std::string_view accessKeySecret) {
  std::string key(accessKeySecret);
  key += '&';
  return base64(hmacSha1(key, aliyunStringToSign(httpMethod, params)));
}

std::string aliyunTemplateParamJson(const std::vector<std::pair<std::string, std::string>>& kv) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  for (const auto& [k, v] : kv) {
    w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

QueryParams aliyunSendSmsParams(const AliyunSendSms& req) {
  std::string phones;
  for (const auto& p : req.phoneNumbers) {
    if (!phones.empty()) phones += ',';
    phones += p;
  }
  QueryParams params{
      {"AccessKeyId", req.accessKeyId}, {"Action", "SendSms"},
      {"Format", req.format},           {"PhoneNumbers", phones},
      {"RegionId", req.regionId},       {"SignName", req.signName},
      {"SignatureMethod", "HMAC-SHA1"}, {"SignatureNonce", req.signatureNonce},
      {"SignatureVersion", "1.0"},      {"TemplateCode", req.templateCode},
      {"Timestamp", req.timestamp},     {"Version", "2017-05-25"},
  };
  if (!req.templateParam.empty()) {
    params.emplace_back("TemplateParam", aliyunTemplateParamJson(req.templateParam));
  }
  if (!req.outId.empty()) params.emplace_back("OutId", req.outId);
  return params;
}

std::string aliyunSendSmsQuery(const AliyunSendSms& req) {
  QueryParams params = aliyunSendSmsParams(req);
  std::string out = "Signature=";
  out += aliyunPercentEncode(aliyunSignature("GET", params, req.accessKeySecret));
  out += '&';
  out += aliyunCanonicalizedQuery(params);
  return out;
}

}  // namespace nm::signing
