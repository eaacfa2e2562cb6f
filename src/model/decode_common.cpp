// Decoders of the shared v2beta2 types: LabelSelector (RE2 compiled for Match), Credential,
// ConfigmapKeySelector and TLSConfig, plus the list of known channel types.
#include <re2/re2.h>

#include <algorithm>

#include "model/decode.h"

namespace nm::model {

const std::vector<std::string>& knownChannelTypes() {
  static const std::vector<std::string> types{"dingtalk", "email",   "feishu",  "pushover",
                                              "sms",      "slack",   "webhook", "wechat",
                                              "discord",  "telegram"};
  return types;
}

bool isKnownChannelType(std::string_view type) {
  const auto& t = knownChannelTypes();
  return std::find(t.begin(), t.end(), type) != t.end();
}

namespace {

std::optional<SelectorOp> parseOp(std::string_view s) {
  if (s == "In") return SelectorOp::In;
  if (s == "NotIn") return SelectorOp::NotIn;
  if (s == "Exists") return SelectorOp::Exists;
  if (s == "DoesNotExist") return SelectorOp::DoesNotExist;
  if (s == "Match") return SelectorOp::Match;
  return std::nullopt;
}

std::optional<MatchExpression> decodeExpression(Reader& r, const YAML::Node& n,
                                                const std::string& path) {
  if (!r.map(n, path)) return std::nullopt;
  r.onlyKeys(n, path, {"key", "operator", "values", "regexValue"});
  MatchExpression e;
  bool ok = true;
  auto key = r.str(n["key"], joinPath(path, "key"));
  if (!key || key->empty()) {
    if (Reader::absent(n["key"])) r.error(joinPath(path, "key"), "required field is missing");
    ok = false;
  } else {
    e.key = *key;
  }
  const std::string opPath = joinPath(path, "operator");
  auto opText = r.str(n["operator"], opPath);
  if (!opText) {
    if (Reader::absent(n["operator"])) r.error(opPath, "required field is missing");
    return std::nullopt;
  }
  auto op = parseOp(*opText);
  if (!op) {
    r.error(opPath,
            "unknown operator \"" + *opText + "\" (want In, NotIn, Exists, DoesNotExist or Match)");
    return std::nullopt;
  }
  e.op = *op;
  e.values = r.strings(n["values"], joinPath(path, "values"));
  const std::string rxPath = joinPath(path, "regexValue");
  e.regexValue = r.str(n["regexValue"], rxPath).value_or("");
  if (e.op == SelectorOp::In || e.op == SelectorOp::NotIn) {
    if (e.values.empty()) {
      r.error(joinPath(path, "values"), "operator " + *opText + " needs at least one value");
      ok = false;
    }
  } else if (e.op == SelectorOp::Match) {
    auto re = std::make_shared<re2::RE2>(e.regexValue, re2::RE2::Quiet);
    if (!re->ok()) {
      r.error(rxPath, "invalid regular expression \"" + e.regexValue + "\": " + re->error());
      ok = false;
    } else {
      e.regex = std::move(re);
    }
  }
  if (!ok) return std::nullopt;
  return e;
}

}  // namespace

std::shared_ptr<const LabelSelector> decodeLabelSelector(Reader& r, const YAML::Node& n,
                                                         const std::string& path) {
  if (Reader::absent(n) || !r.map(n, path)) return nullptr;
  r.onlyKeys(n, path, {"matchLabels", "matchExpressions"});
  auto s = std::make_shared<LabelSelector>();
  s->matchLabels = r.stringMap(n["matchLabels"], joinPath(path, "matchLabels"));
  const YAML::Node exprs = n["matchExpressions"];
  const std::string ePath = joinPath(path, "matchExpressions");
  if (!Reader::absent(exprs)) {
    if (!exprs.IsSequence()) {
      r.error(ePath, "expected a list, got " + describeNode(exprs));
    } else {
      for (size_t i = 0; i < exprs.size(); ++i) {
        if (auto e = decodeExpression(r, exprs[i], indexPath(ePath, i)))
          s->matchExpressions.push_back(std::move(*e));
      }
    }
  }
  return s;
}

std::optional<Credential> decodeCredential(Reader& r, const YAML::Node& n,
                                           const std::string& path) {
  if (Reader::absent(n) || !r.map(n, path)) return std::nullopt;
  r.onlyKeys(n, path, {"value", "valueFrom"});
  Credential c;
  c.value = r.str(n["value"], joinPath(path, "value"));
  const YAML::Node from = n["valueFrom"];
  const std::string fromPath = joinPath(path, "valueFrom");
  if (!Reader::absent(from) && r.map(from, fromPath)) {
    r.onlyKeys(from, fromPath, {"secretKeyRef"});
    const YAML::Node ref = from["secretKeyRef"];
    const std::string refPath = joinPath(fromPath, "secretKeyRef");
    if (Reader::absent(ref)) {
      r.error(refPath, "required field is missing");
    } else if (r.map(ref, refPath)) {
      r.onlyKeys(ref, refPath, {"namespace", "name", "key"});
      SecretKeySelector sel;
      sel.ns = r.str(ref["namespace"], joinPath(refPath, "namespace")).value_or("");
      sel.name = r.str(ref["name"], joinPath(refPath, "name")).value_or("");
      sel.key = r.str(ref["key"], joinPath(refPath, "key")).value_or("");
      if (sel.name.empty()) r.error(joinPath(refPath, "name"), "required field is missing");
      if (sel.key.empty()) r.error(joinPath(refPath, "key"), "required field is missing");
      if (!sel.name.empty() && !sel.key.empty()) c.secretKeyRef = std::move(sel);
    }
  }
  const bool hasFrom = !Reader::absent(from);
  if (c.value && hasFrom) {
    r.error(path, "value and valueFrom are mutually exclusive: set exactly one");
    return std::nullopt;
  }
  if (!c.value && !hasFrom) {
    r.error(path, "a credential needs value or valueFrom.secretKeyRef");
    return std::nullopt;
  }
  if (hasFrom && !c.secretKeyRef) return std::nullopt;
  return c;
}

std::optional<ConfigMapKeySelector> decodeConfigMapKeySelector(Reader& r, const YAML::Node& n,
                                                               const std::string& path) {
  if (Reader::absent(n) || !r.map(n, path)) return std::nullopt;
  r.onlyKeys(n, path, {"namespace", "name", "key"});
  ConfigMapKeySelector s;
  s.ns = r.str(n["namespace"], joinPath(path, "namespace")).value_or("");
  s.name = r.str(n["name"], joinPath(path, "name")).value_or("");
  s.key = r.str(n["key"], joinPath(path, "key")).value_or("");
  if (s.name.empty()) {
    r.error(joinPath(path, "name"), "required field is missing");
    return std::nullopt;
  }
  return s;
}

std::optional<TLSConfig> decodeTlsConfig(Reader& r, const YAML::Node& n, const std::string& path) {
  if (Reader::absent(n) || !r.map(n, path)) return std::nullopt;
  r.onlyKeys(n, path, {"rootCA", "clientCertificate", "serverName", "insecureSkipVerify"});
  TLSConfig t;
  t.rootCA = decodeCredential(r, n["rootCA"], joinPath(path, "rootCA"));
  const YAML::Node cc = n["clientCertificate"];
  const std::string ccPath = joinPath(path, "clientCertificate");
  if (!Reader::absent(cc) && r.map(cc, ccPath)) {
    r.onlyKeys(cc, ccPath, {"cert", "key"});
    t.clientCert = decodeCredential(r, cc["cert"], joinPath(ccPath, "cert"));
    t.clientKey = decodeCredential(r, cc["key"], joinPath(ccPath, "key"));
  }
  t.serverName = r.str(n["serverName"], joinPath(path, "serverName")).value_or("");
  t.insecureSkipVerify =
      r.boolean(n["insecureSkipVerify"], joinPath(path, "insecureSkipVerify")).value_or(false);
  return t;
}

}  // namespace nm::model
