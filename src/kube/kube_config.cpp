// Kubeconfig parsing (yaml-cpp: current-context → cluster + user) and the in-cluster service
// account configuration, with base64 `*-data` fields decoded here.
#include "kube/kube_config.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/base64.h"

namespace nm::kube {

namespace {

std::optional<std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// Finds `list[i]` with `name == want` and returns its `field` map; sets error naming both (the
// returned node is then meaningless: a default YAML::Node is a defined null).
YAML::Node namedEntry(const YAML::Node& root, const char* list, const char* field,
                      const std::string& want, const std::string& path, std::string& error) {
  const YAML::Node l = root[list];
  if (l && !l.IsSequence()) {
    error = path + ": " + list + ": expected a list";
    return {};
  }
  if (l) {
    for (size_t i = 0; i < l.size(); ++i) {
      const YAML::Node e = l[i];
      if (!e.IsMap() || !e["name"] || !e["name"].IsScalar() || e["name"].Scalar() != want) continue;
      const YAML::Node f = e[field];
      if (!f || !f.IsMap()) {
        error = path + ": " + list + "[" + std::to_string(i) + "]." + field + ": expected a map";
        return {};
      }
      return f;
    }
  }
  error = path + ": " + list + ": no entry named \"" + want + "\"";
  return {};
}

bool scalar(const YAML::Node& m, const char* key, std::string& out, const std::string& where,
            std::string& error) {
  const YAML::Node v = m[key];
  if (!v || v.IsNull()) return true;
  if (!v.IsScalar()) {
    error = where + "." + key + ": expected a string";
    return false;
  }
  out = v.Scalar();
  return true;
}

bool dataField(const YAML::Node& m, const char* key, std::string& out, const std::string& where,
               std::string& error) {
  std::string raw;
  if (!scalar(m, key, raw, where, error)) return false;
  if (raw.empty()) return true;
  auto d = decodeBase64(raw);
  if (!d) {
    error = where + "." + key + ": invalid base64";
    return false;
  }
  out = std::move(*d);
  return true;
}

std::string resolvePath(const std::string& file, const std::string& base) {
  if (file.empty() || file.front() == '/') return file;
  return (std::filesystem::path(base).parent_path() / file).string();
}

}  // namespace

std::string namespaceFromEnv() {
  for (const char* name : {"NAMESPACE", "POD_NAMESPACE"}) {
    if (const char* v = std::getenv(name); v && *v) return v;
  }
  return "";
}

std::optional<KubeConfig> parseKubeconfig(const std::string& text, const std::string& path,
                                          std::string& error) {
  error.clear();
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    error = path + ": YAML syntax error at line " + std::to_string(e.mark.line + 1) + ": " + e.msg;
    return std::nullopt;
  }
  if (!root.IsMap()) {
    error = path + ": expected a kubeconfig map";
    return std::nullopt;
  }
  try {
    std::string context;
    if (!scalar(root, "current-context", context, path + ": ", error)) return std::nullopt;
    if (context.empty()) {
      error = path + ": current-context: required field is missing";
      return std::nullopt;
    }
    const YAML::Node ctx = namedEntry(root, "contexts", "context", context, path, error);
    if (!error.empty()) return std::nullopt;
    std::string clusterName, userName;
    KubeConfig c;
    c.origin = "kubeconfig " + path + " (context " + context + ")";
    const std::string cw = path + ": contexts[" + context + "].context";
    std::string ctxNs;
    if (!scalar(ctx, "cluster", clusterName, cw, error) ||
        !scalar(ctx, "user", userName, cw, error) || !scalar(ctx, "namespace", ctxNs, cw, error))
      return std::nullopt;
    if (clusterName.empty()) {
      error = cw + ".cluster: required field is missing";
      return std::nullopt;
    }
    const YAML::Node cl = namedEntry(root, "clusters", "cluster", clusterName, path, error);
    if (!error.empty()) return std::nullopt;
    const std::string kw = path + ": clusters[" + clusterName + "].cluster";
    std::string insecure;
    if (!scalar(cl, "server", c.server, kw, error) ||
        !scalar(cl, "certificate-authority", c.caFile, kw, error) ||
        !dataField(cl, "certificate-authority-data", c.caData, kw, error) ||
        !scalar(cl, "insecure-skip-tls-verify", insecure, kw, error))
      return std::nullopt;
    if (c.server.empty()) {
      error = kw + ".server: required field is missing";
      return std::nullopt;
    }
    if (!c.server.starts_with("https://") && !c.server.starts_with("http://")) {
      error = kw + ".server: \"" + c.server + "\" is not an http(s) URL";
      return std::nullopt;
    }
    while (c.server.ends_with("/")) c.server.pop_back();
    if (!insecure.empty() && insecure != "true" && insecure != "false") {
      error = kw + ".insecure-skip-tls-verify: expected true or false";
      return std::nullopt;
    }
    c.insecureSkipTlsVerify = insecure == "true";
    c.caFile = resolvePath(c.caFile, path);
    if (!userName.empty()) {
      const YAML::Node u = namedEntry(root, "users", "user", userName, path, error);
      if (!error.empty()) return std::nullopt;
      const std::string uw = path + ": users[" + userName + "].user";
      if (!scalar(u, "token", c.token, uw, error) ||
          !scalar(u, "tokenFile", c.tokenFile, uw, error) ||
          !scalar(u, "client-certificate", c.clientCertFile, uw, error) ||
          !dataField(u, "client-certificate-data", c.clientCertData, uw, error) ||
          !scalar(u, "client-key", c.clientKeyFile, uw, error) ||
          !dataField(u, "client-key-data", c.clientKeyData, uw, error))
        return std::nullopt;
      c.tokenFile = resolvePath(c.tokenFile, path);
      c.clientCertFile = resolvePath(c.clientCertFile, path);
      c.clientKeyFile = resolvePath(c.clientKeyFile, path);
      const bool cert = !c.clientCertFile.empty() || !c.clientCertData.empty();
      const bool key = !c.clientKeyFile.empty() || !c.clientKeyData.empty();
      if (cert != key) {
        error = uw + (cert ? ".client-key" : ".client-certificate") + ": required with " +
                (cert ? "client-certificate" : "client-key");
        return std::nullopt;
      }
    }
    c.ns = namespaceFromEnv();
    if (c.ns.empty()) c.ns = ctxNs.empty() ? "default" : ctxNs;
    return c;
  } catch (const YAML::Exception& e) {
    error = path + ": " + e.what();
    return std::nullopt;
  }
}

std::optional<KubeConfig> loadKubeconfig(const std::string& path, std::string& error) {
  auto text = readFile(path);
  if (!text) {
    error = "cannot read kubeconfig " + path;
    return std::nullopt;
  }
  return parseKubeconfig(*text, path, error);
}

std::string serviceAccountDir() {
  if (const char* d = std::getenv("NM_SERVICEACCOUNT_DIR"); d && *d) return d;
  return "/var/run/secrets/kubernetes.io/serviceaccount";
}

std::optional<KubeConfig> inClusterConfig(std::string& error) {
  const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
  const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
  if (!host || !*host || !port || !*port) {
    error = "in-cluster configuration needs KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT";
    return std::nullopt;
  }
  KubeConfig c;
  c.origin = "in-cluster";
  const std::string h = host;
  c.server = "https://" + (h.find(':') != std::string::npos ? "[" + h + "]" : h) + ":" + port;
  const std::string dir = serviceAccountDir();
  c.tokenFile = dir + "/token";
  c.caFile = dir + "/ca.crt";
  auto token = readFile(c.tokenFile);
  if (!token || trim(*token).empty()) {
    error = "in-cluster configuration: service account token " + c.tokenFile +
            (token ? " is empty" : " cannot be read");
    return std::nullopt;
  }
  if (!std::filesystem::exists(c.caFile)) {
    error = "in-cluster configuration: CA bundle " + c.caFile + " cannot be read";
    return std::nullopt;
  }
  c.ns = namespaceFromEnv();
  if (c.ns.empty()) {
    auto ns = readFile(dir + "/namespace");
    c.ns = ns ? trim(*ns) : "";
  }
  if (c.ns.empty()) c.ns = "default";
  return c;
}

}  // namespace nm::kube
