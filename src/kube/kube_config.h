// Where the Kubernetes API is and how to authenticate: a kubeconfig file's current context, or the
// in-cluster service account. Errors name the file and the field.
#pragma once

#include <optional>
#include <string>

namespace nm::kube {

struct KubeConfig {
  std::string server;  // "https://10.0.0.1:443", no trailing slash
  // TLS: the CA as a file or PEM bytes; verification is on unless insecureSkipTlsVerify.
  std::string caFile;
  std::string caData;
  bool insecureSkipTlsVerify = false;
  // Bearer token: inline, or a file re-read when it rotates (in-cluster: the service account's).
  std::string token;
  std::string tokenFile;
  // Client certificate and key: files or PEM bytes.
  std::string clientCertFile;
  std::string clientCertData;
  std::string clientKeyFile;
  std::string clientKeyData;
  // The daemon's own namespace (Events on cluster-scoped objects, default Secret namespace).
  std::string ns = "default";
  std::string origin;  // "kubeconfig /path (context c)" or "in-cluster", for logs
};

// Parses kubeconfig YAML `text` read from `path` (relative file names resolve against its
// folder). nullopt and `error` naming the path and field on failure.
std::optional<KubeConfig> parseKubeconfig(const std::string& text, const std::string& path,
                                          std::string& error);
std::optional<KubeConfig> loadKubeconfig(const std::string& path, std::string& error);

// The service-account folder: env NM_SERVICEACCOUNT_DIR (tests), else
// /var/run/secrets/kubernetes.io/serviceaccount.
std::string serviceAccountDir();

// In-cluster: KUBERNETES_SERVICE_HOST/PORT, the service account's token file and ca.crt, the
// namespace from NAMESPACE, POD_NAMESPACE, the namespace file, else "default".
std::optional<KubeConfig> inClusterConfig(std::string& error);

// NAMESPACE, else POD_NAMESPACE, else "" (the daemon's namespace given by the deployment).
std::string namespaceFromEnv();

}  // namespace nm::kube
