// Decoders of the v1 Secret (base64 `data` merged with `stringData`) and ConfigMap; the namespace
// defaults to "default" as kubectl does.
#include <openssl/evp.h>

#include "model/decode.h"

namespace nm::model {

namespace {

// Standard base64 with padding, whitespace tolerated (as the Kubernetes API accepts it).
std::optional<std::string> decodeBase64(const std::string& in) {
  std::string clean;
  clean.reserve(in.size());
  for (char c : in) {
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') clean += c;
  }
  if (clean.size() % 4 != 0) return std::nullopt;
  for (size_t i = 0; i < clean.size(); ++i) {
    const char c = clean[i];
    const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (alnum || c == '+' || c == '/') continue;
    // '=' only as the last one or two characters.
    if (c == '=' && i + 2 >= clean.size() && (i + 1 == clean.size() || clean[i + 1] == '='))
      continue;
    return std::nullopt;
  }
  if (clean.empty()) return std::string();
  std::string out(clean.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(clean.data()),
                                static_cast<int>(clean.size()));
  if (n < 0) return std::nullopt;
  size_t len = static_cast<size_t>(n);
  // EVP_DecodeBlock counts the padding as decoded zero bytes.
  if (clean.ends_with("=="))
    len -= 2;
  else if (clean.ends_with("="))
    len -= 1;
  out.resize(len);
  return out;
}

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
