// v2beta1 → v2beta2 conversion: a table of every field v2beta1 had (per kind, by dotted path) says
// which are Secret selectors and nanosecond durations to rewrite; anything else is refused.
#include "model/convert_v2beta1.h"

#include <algorithm>
#include <map>
#include <optional>
#include <vector>

#include "model/resources.h"

namespace nm::model {

namespace {

enum class Field {
  Leaf,        // kept as is; the v2beta2 decoder checks it
  Object,      // a map whose keys must all be in the table
  SecretRef,   // v2beta1 SecretKeySelector {namespace?, name, key} → Credential
  Nanoseconds  // Go time.Duration serialized as integer nanoseconds → "<n>ns"
};

using Schema = std::map<std::string, Field, std::less<>>;

// The v2beta1 channel types; each later type (feishu, sms, pushover, ...) needs v2beta2.
constexpr const char* kV2beta1Types[] = {"dingtalk", "email", "slack", "webhook", "wechat"};

void addLeaves(Schema& s, const std::string& base, std::initializer_list<const char*> names) {
  for (const char* n : names) s[joinPath(base, n)] = Field::Leaf;
}

void addTls(Schema& s, const std::string& base) {
  s[base] = Field::Object;
  s[joinPath(base, "rootCA")] = Field::SecretRef;
  s[joinPath(base, "clientCertificate")] = Field::Object;
  s[joinPath(base, "clientCertificate.cert")] = Field::SecretRef;
  s[joinPath(base, "clientCertificate.key")] = Field::SecretRef;
  addLeaves(s, base, {"serverName", "insecureSkipVerify"});
}

Schema receiverSchema() {
  Schema s{{"spec", Field::Object}};
  for (const char* t : kV2beta1Types) {
    const std::string base = std::string("spec.") + t;
    s[base] = Field::Object;
    addLeaves(s, base, {"enabled", "alertSelector"});
    s[joinPath(base, std::string(t) + "ConfigSelector")] = Field::Leaf;
  }
  s["spec.dingtalk.chatbot"] = Field::Object;
  s["spec.dingtalk.chatbot.webhook"] = Field::SecretRef;
  s["spec.dingtalk.chatbot.secret"] = Field::SecretRef;
  s["spec.dingtalk.chatbot.keywords"] = Field::Leaf;
  s["spec.dingtalk.conversation"] = Field::Object;
  s["spec.dingtalk.conversation.chatids"] = Field::Leaf;
  addLeaves(s, "spec.email", {"to"});
  addLeaves(s, "spec.slack", {"channels"});
  addLeaves(s, "spec.webhook", {"url", "service"});
  s["spec.webhook.httpConfig"] = Field::Object;
  s["spec.webhook.httpConfig.basicAuth"] = Field::Object;
  s["spec.webhook.httpConfig.basicAuth.username"] = Field::Leaf;
  s["spec.webhook.httpConfig.basicAuth.password"] = Field::SecretRef;
  s["spec.webhook.httpConfig.bearerToken"] = Field::SecretRef;
  s["spec.webhook.httpConfig.proxyUrl"] = Field::Leaf;
  addTls(s, "spec.webhook.httpConfig.tlsConfig");
  addLeaves(s, "spec.wechat", {"toUser", "toParty", "toTag"});
  return s;
}

Schema configSchema() {
  Schema s{{"spec", Field::Object}};
  for (const char* t : kV2beta1Types) {
    const std::string base = std::string("spec.") + t;
    s[base] = Field::Object;
    s[joinPath(base, "labels")] = Field::Leaf;
  }
  s["spec.dingtalk.conversation"] = Field::Object;
  s["spec.dingtalk.conversation.appkey"] = Field::SecretRef;
  s["spec.dingtalk.conversation.appsecret"] = Field::SecretRef;
  addLeaves(s, "spec.email",
            {"from", "smartHost", "hello", "authUsername", "authIdentify", "requireTLS"});
  s["spec.email.authPassword"] = Field::SecretRef;
  s["spec.email.authSecret"] = Field::SecretRef;
  addTls(s, "spec.email.tls");
  s["spec.slack.slackTokenSecret"] = Field::SecretRef;
  addLeaves(s, "spec.wechat", {"wechatApiUrl", "wechatApiCorpId", "wechatApiAgentId"});
  s["spec.wechat.wechatApiSecret"] = Field::SecretRef;
  return s;
}

Schema notificationManagerSchema() {
  Schema s{{"spec", Field::Object}};
  addLeaves(s, "spec",
            {"resources", "image", "imagePullPolicy", "replicas", "nodeSelector", "affinity",
             "tolerations", "serviceAccountName", "portName", "defaultConfigSelector",
             "defaultSecretNamespace", "volumes", "volumeMounts", "args"});
  s["spec.receivers"] = Field::Object;
  addLeaves(s, "spec.receivers", {"tenantKey", "globalReceiverSelector", "tenantReceiverSelector"});
  const std::string o = "spec.receivers.options";
  s[o] = Field::Object;
  s[o + ".global"] = Field::Object;
  addLeaves(s, o + ".global", {"templateFile", "template", "cluster"});
  for (const char* t : kV2beta1Types) {
    s[joinPath(o, t)] = Field::Object;
    addLeaves(s, joinPath(o, t), {"notificationTimeout", "template"});
  }
  addLeaves(s, o + ".email", {"deliveryType", "maxEmailReceivers", "subjectTemplate"});
  addLeaves(s, o + ".wechat", {"messageMaxSize"});
  s[o + ".wechat.tokenExpires"] = Field::Nanoseconds;
  addLeaves(s, o + ".dingtalk", {"conversationMessageMaxSize", "chatbotMessageMaxSize"});
  s[o + ".dingtalk.tokenExpires"] = Field::Nanoseconds;
  for (const char* th : {".dingtalk.chatBotThrottle", ".dingtalk.conversationThrottle"}) {
    s[o + th] = Field::Object;
    s[o + th + ".threshold"] = Field::Leaf;
    s[o + th + ".unit"] = Field::Nanoseconds;
    s[o + th + ".maxWaitTime"] = Field::Nanoseconds;
  }
  return s;
}

const Schema* schemaOf(std::string_view kind) {
  static const Schema receiver = receiverSchema();
  static const Schema config = configSchema();
  static const Schema nm = notificationManagerSchema();
  if (kind == "Receiver") return &receiver;
  if (kind == "Config") return &config;
  if (kind == "NotificationManager") return &nm;
  return nullptr;
}

// {namespace?, name, key} → {valueFrom: {secretKeyRef: {...}}}; nullopt (reported) when malformed.
std::optional<YAML::Node> secretRefToCredential(Reader& r, const YAML::Node& n,
                                                const std::string& path) {
  if (!r.map(n, path)) return std::nullopt;
  r.onlyKeys(n, path, {"namespace", "name", "key"});
  bool ok = true;
  for (const char* f : {"name", "key"}) {
    auto v = r.str(n[f], joinPath(path, f));
    if (!v || v->empty()) {
      if (Reader::absent(n[f])) r.error(joinPath(path, f), "required field is missing");
      ok = false;
    }
  }
  if (!Reader::absent(n["namespace"]) && !r.str(n["namespace"], joinPath(path, "namespace")))
    ok = false;
  if (!ok) return std::nullopt;
  YAML::Node ref(YAML::NodeType::Map);
  for (const char* f : {"namespace", "name", "key"}) {
    if (!Reader::absent(n[f])) ref[f] = n[f].Scalar();
  }
  YAML::Node cred(YAML::NodeType::Map);
  cred["valueFrom"]["secretKeyRef"] = ref;
  return cred;
}

bool isDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Walks the map `n` at `path` (an Object of the schema), rewriting its children in place.
// Returns false when something was refused.
bool convertObject(Reader& r, const Schema& schema, YAML::Node n, const std::string& path) {
  if (!n.IsMap()) return true;  // the v2beta2 decoder names the type mismatch
  bool ok = true;
  std::vector<std::pair<std::string, YAML::Node>> replaced;
  for (const auto& kv : n) {
    auto k = r.key(kv.first, path);
    if (!k) {
      ok = false;
      continue;
    }
    const std::string child = joinPath(path, *k);
    auto it = schema.find(child);
    if (it == schema.end()) {
      r.error(child, "unknown field \"" + *k + "\" in apiVersion " + kApiVersionV2beta1 +
                         " (fields added later need apiVersion " + kApiVersion + ")");
      ok = false;
      continue;
    }
    const YAML::Node value = kv.second;
    if (Reader::absent(value)) continue;
    switch (it->second) {
      case Field::Leaf:
        break;
      case Field::Object:
        ok = convertObject(r, schema, value, child) && ok;
        break;
      case Field::SecretRef: {
        auto cred = secretRefToCredential(r, value, child);
        if (cred)
          replaced.emplace_back(*k, *cred);
        else
          ok = false;
        break;
      }
      case Field::Nanoseconds:
        if (value.IsScalar() && isDigits(value.Scalar()))
          replaced.emplace_back(*k, YAML::Node(value.Scalar() + "ns"));
        break;
    }
  }
  for (auto& [k, v] : replaced) n[k] = v;
  return ok;
}

}  // namespace

bool hasV2beta1Form(std::string_view kind) {
  return schemaOf(kind) != nullptr;
}

std::optional<YAML::Node> convertV2beta1(Reader& r, const YAML::Node& doc, std::string_view kind) {
  const Schema* schema = schemaOf(kind);
  if (!schema) return std::nullopt;
  YAML::Node out = YAML::Clone(doc);
  out["apiVersion"] = kApiVersion;
  const YAML::Node spec = out["spec"];
  if (!Reader::absent(spec) && !convertObject(r, *schema, spec, "spec")) return std::nullopt;
  r.warn("apiVersion", std::string("apiVersion ") + kApiVersionV2beta1 +
                           " is deprecated (the Go project removed it in v2.5.0): converted to " +
                           kApiVersion +
                           "; rewrite each {name, key} Secret selector as "
                           "valueFrom.secretKeyRef and update the manifest");
  return out;
}

}  // namespace nm::model
