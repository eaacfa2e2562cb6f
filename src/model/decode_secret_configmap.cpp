// Decoders of the v1 Secret (base64 `data` merged with `stringData`) and ConfigMap; the namespace
// defaults to "default" as kubectl does.
#include "core/base64.h"
#include "model/decode.h"

namespace nm::model {

namespace {

std::string namespaceOr(const ObjectMeta& m) {
  return m.ns.empty() ? "default" : m.ns;
}

}  // namespace

void decodeSecret(Reader& r, const YAML::Node& doc, const ObjectMeta& m, ResourceSet& out) {
  r.onlyKeys(doc, "",
             {"apiVersion", "kind", "metadata", "data", "stringData", "type", "immutable"});
  SecretResource res;
  res.origin = r.origin();
  res.name = m.name;
  res.ns = namespaceOr(m);
  for (auto& [k, v] : r.stringMap(doc["data"], "data")) {
    auto decoded = decodeBase64(v);
    if (!decoded) {
      // The message must not echo the (secret) value.
      r.error(joinPath("data", k), "invalid base64");
      continue;
    }
    res.data[k] = std::move(*decoded);
  }
  for (auto& [k, v] : r.stringMap(doc["stringData"], "stringData")) res.data[k] = v;
  out.secrets.push_back(std::move(res));
}

void decodeConfigMap(Reader& r, const YAML::Node& doc, const ObjectMeta& m, ResourceSet& out) {
  r.onlyKeys(doc, "", {"apiVersion", "kind", "metadata", "data", "binaryData", "immutable"});
  ConfigMapResource res;
  res.origin = r.origin();
  res.name = m.name;
  res.ns = namespaceOr(m);
  res.data = r.stringMap(doc["data"], "data");
  out.configMaps.push_back(std::move(res));
}

}  // namespace nm::model
