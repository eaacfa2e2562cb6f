// Decoding of the SMS blocks: Receiver spec.sms (phone numbers checked against ^(\+)?(\d+)$),
// Config spec.sms (defaultProvider, providers with their required fields) and options.sms.
#include <re2/re2.h>

#include "model/decode.h"
#include "notify/channel_common.h"
#include "notify/channels/sms.h"

namespace nm {

using model::joinPath;
using model::Reader;

namespace {

// A required plain string; "required field is missing" at its path when absent or empty.
std::string required(Reader& r, const YAML::Node& parent, const std::string& path,
                     const char* key) {
  const std::string p = joinPath(path, key);
  auto v = r.str(parent[key], p);
  if (Reader::absent(parent[key]) || (v && v->empty())) {
    r.error(p, "required field is missing");
  }
  return v.value_or("");
}

model::Credential requiredCredential(Reader& r, const YAML::Node& parent, const std::string& path,
                                     const char* key) {
  const std::string p = joinPath(path, key);
  if (auto c = model::decodeCredential(r, parent[key], p)) return *c;
  if (Reader::absent(parent[key])) r.error(p, "required field is missing");
  return {};
}

std::string optional(Reader& r, const YAML::Node& parent, const std::string& path,
                     const char* key) {
  return r.str(parent[key], joinPath(path, key)).value_or("");
}

SmsAliyunSpec decodeAliyun(Reader& r, const YAML::Node& n, const std::string& p) {
  r.onlyKeys(n, p, {"signName", "templateCode", "accessKeyId", "accessKeySecret", "endpoint"});
  SmsAliyunSpec s;
  s.signName = required(r, n, p, "signName");
  s.templateCode = required(r, n, p, "templateCode");
  s.accessKeyId = requiredCredential(r, n, p, "accessKeyId");
  s.accessKeySecret = requiredCredential(r, n, p, "accessKeySecret");
  s.endpoint = optional(r, n, p, "endpoint");
  return s;
}

SmsTencentSpec decodeTencent(Reader& r, const YAML::Node& n, const std::string& p) {
  r.onlyKeys(n, p,
             {"sign", "templateID", "smsSdkAppid", "secretId", "secretKey", "region", "endpoint"});
  SmsTencentSpec s;
  s.sign = required(r, n, p, "sign");
  s.templateId = required(r, n, p, "templateID");
  s.smsSdkAppid = required(r, n, p, "smsSdkAppid");
  s.secretId = requiredCredential(r, n, p, "secretId");
  s.secretKey = requiredCredential(r, n, p, "secretKey");
  if (auto region = optional(r, n, p, "region"); !region.empty()) s.region = region;
  s.endpoint = optional(r, n, p, "endpoint");
  return s;
}

SmsHuaweiSpec decodeHuawei(Reader& r, const YAML::Node& n, const std::string& p) {
  r.onlyKeys(n, p,
             {"url", "signature", "templateId", "templateParas", "sender", "appKey", "appSecret",
              "endpoint"});
  SmsHuaweiSpec s;
  s.url = optional(r, n, p, "url");
  s.signature = optional(r, n, p, "signature");  // only domestic (China) templates need one
  s.templateId = required(r, n, p, "templateId");
  s.sender = required(r, n, p, "sender");
  s.appKey = requiredCredential(r, n, p, "appKey");
  s.appSecret = requiredCredential(r, n, p, "appSecret");
  s.endpoint = optional(r, n, p, "endpoint");
  const YAML::Node paras = n["templateParas"];
  const std::string pp = joinPath(p, "templateParas");
  if (!Reader::absent(paras)) {
    std::vector<std::string> names;
    if (paras.IsScalar()) {
      // The reference's docs show a single string; accept "a,b,c".
      std::string v = paras.Scalar();
      for (size_t b = 0; b <= v.size();) {
        size_t e = v.find(',', b);
        if (e == std::string::npos) e = v.size();
        std::string name = v.substr(b, e - b);
        name.erase(0, name.find_first_not_of(' '));
        name.erase(name.find_last_not_of(' ') + 1);
        if (!name.empty()) names.push_back(name);
        b = e + 1;
      }
    } else {
      names = r.strings(paras, pp);
    }
    if (names.empty()) {
      r.error(pp, "at least one label or annotation name is required");
    } else if (names.size() > 20) {
      r.error(pp, "at most 20 names (Huawei templates have at most 20 variables)");
    } else {
      s.templateParas = std::move(names);
    }
  }
  return s;
}

SmsAwsSpec decodeAws(Reader& r, const YAML::Node& n, const std::string& p) {
  r.onlyKeys(n, p, {"region", "accessKeyId", "secretAccessKey", "endpoint"});
  SmsAwsSpec s;
  s.region = required(r, n, p, "region");
  s.accessKeyId = requiredCredential(r, n, p, "accessKeyId");
  s.secretAccessKey = requiredCredential(r, n, p, "secretAccessKey");
  s.endpoint = optional(r, n, p, "endpoint");
  return s;
}

}  // namespace

std::vector<std::string> smsHuaweiDefaultParas() {
  return {"alertname", "severity", "message",   "summary",  "alerttype",
          "cluster",   "node",     "namespace", "workload", "pod"};
}

std::string smsChooseProvider(const SmsConfigSpec& c) {
  if (!c.defaultProvider.empty()) return c.defaultProvider;
  if (c.aliyun) return "aliyun";
  if (c.tencent) return "tencent";
  if (c.huawei) return "huawei";
  if (c.aws) return "aws";
  return "";
}

std::shared_ptr<const ChannelSpec> decodeSmsReceiver(const DecodeContext& ctx) {
  static const RE2 kPhone(R"(^(\+)?(\d+)$)");
  Reader r(ctx.origin, ctx.diags);
  const size_t before = ctx.diags.items().size();
  const std::string& path = ctx.path;
  if (!r.map(ctx.node, path)) return nullptr;
  r.onlyKeys(
      ctx.node, path,
      {"enabled", "alertSelector", "smsConfigSelector", "template", "tmplText", "phoneNumbers"});
  auto spec = std::make_shared<SmsSpec>();
  const YAML::Node phones = ctx.node["phoneNumbers"];
  const std::string pp = joinPath(path, "phoneNumbers");
  if (Reader::absent(phones)) {
    r.error(pp, "required field is missing");
  } else if (!phones.IsSequence()) {
    r.error(pp, "expected a list of strings, got " + model::describeNode(phones));
  } else {
    for (size_t i = 0; i < phones.size(); ++i) {
      const std::string ip = model::indexPath(pp, i);
      auto v = r.str(phones[i], ip);
      if (!v) continue;
      if (!RE2::FullMatch(*v, kPhone)) {
        r.error(ip, "\"" + *v + "\" is not a phone number (^(\\+)?(\\d+)$)");
        continue;
      }
      spec->phoneNumbers.push_back(*v);
    }
    if (phones.size() == 0) r.error(pp, "at least one phone number is required");
  }
  if (ctx.diags.items().size() != before) return nullptr;
  return spec;
}

std::shared_ptr<const ChannelSpec> decodeSmsConfig(const DecodeContext& ctx) {
  Reader r(ctx.origin, ctx.diags);
  const size_t before = ctx.diags.items().size();
  const std::string& path = ctx.path;
  auto spec = std::make_shared<SmsConfigSpec>();
  if (Reader::absent(ctx.node) || !r.map(ctx.node, path)) {
    if (Reader::absent(ctx.node)) r.error(joinPath(path, "providers"), "required field is missing");
    return nullptr;
  }
  r.onlyKeys(ctx.node, path, {"labels", "defaultProvider", "providers"});
  const YAML::Node prov = ctx.node["providers"];
  const std::string pp = joinPath(path, "providers");
  if (Reader::absent(prov)) {
    r.error(pp, "required field is missing");
  } else if (r.map(prov, pp)) {
    r.onlyKeys(prov, pp, {"aliyun", "tencent", "huawei", "aws"});
    auto block = [&](const char* name, auto decode, auto& slot) {
      const YAML::Node n = prov[name];
      const std::string p = joinPath(pp, name);
      if (!Reader::absent(n) && r.map(n, p)) slot = decode(r, n, p);
    };
    block("aliyun", decodeAliyun, spec->aliyun);
    block("tencent", decodeTencent, spec->tencent);
    block("huawei", decodeHuawei, spec->huawei);
    block("aws", decodeAws, spec->aws);
    if (!spec->aliyun && !spec->tencent && !spec->huawei && !spec->aws &&
        ctx.diags.items().size() == before) {
      r.error(pp, "at least one provider (aliyun, tencent, huawei, aws) is required");
    }
  }
  const std::string dp = joinPath(path, "defaultProvider");
  spec->defaultProvider = r.str(ctx.node["defaultProvider"], dp).value_or("");
  const std::string& d = spec->defaultProvider;
  if (!d.empty()) {
    if (d != "aliyun" && d != "tencent" && d != "huawei" && d != "aws") {
      r.error(dp, "unknown provider \"" + d + "\" (aliyun, tencent, huawei or aws)");
    } else if ((d == "aliyun" && !spec->aliyun) || (d == "tencent" && !spec->tencent) ||
               (d == "huawei" && !spec->huawei) || (d == "aws" && !spec->aws)) {
      r.error(dp, "provider \"" + d + "\" is not configured under providers");
    }
  }
  if (ctx.diags.items().size() != before) return nullptr;
  return spec;
}

SmsOptions smsOptions(const model::NotificationManager& nm, std::string& error) {
  SmsOptions o;
  readChannelOptions(nm, "sms", o.timeoutSeconds, o.templateName, error,
                     [](Reader& r, const YAML::Node& n, const std::string& p) {
                       r.onlyKeys(n, p, {"notificationTimeout", "template"});
                     });
  return o;
}

}  // namespace nm
