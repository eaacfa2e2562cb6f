// Source selection: flag conflicts and the "what is needed" message live here; Kubernetes mode
// also exports NAMESPACE (when unset) so every part of the daemon agrees on its namespace.
#include "app/source_select.h"

#include <cstdlib>

#include "config/cluster_source.h"
#include "config/directory_source.h"
#include "kube/kube_config.h"
#include "observe/log.h"

namespace nm::app {

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

}  // namespace

std::unique_ptr<config::ConfigSource> selectConfigSource(const Flags& flags, std::string& error) {
  if (!flags.configDir.empty() && !flags.kubeconfig.empty()) {
    error =
        "--config.dir and --kubeconfig are both given: pass --config.dir for file mode or "
        "--kubeconfig for Kubernetes mode, not both";
    return nullptr;
  }
  if (!flags.configDir.empty()) return std::make_unique<config::DirectorySource>(flags.configDir);
  std::optional<kube::KubeConfig> cfg;
  std::string kubeconfig = flags.kubeconfig;
  if (kubeconfig.empty()) {
    // KUBECONFIG may list several files; the first one is read.
    kubeconfig = env("KUBECONFIG");
    if (auto colon = kubeconfig.find(':'); colon != std::string::npos)
      kubeconfig = kubeconfig.substr(0, colon);
  }
  if (!kubeconfig.empty()) {
    cfg = kube::loadKubeconfig(kubeconfig, error);
  } else if (!env("KUBERNETES_SERVICE_HOST").empty()) {
    cfg = kube::inClusterConfig(error);
  } else {
    error =
        "no configuration source: pass --config.dir DIR (file mode), or --kubeconfig PATH or "
        "KUBECONFIG (Kubernetes mode), or run in a cluster (KUBERNETES_SERVICE_HOST and "
        "KUBERNETES_SERVICE_PORT set)";
    return nullptr;
  }
  if (!cfg) return nullptr;
  // Before any thread starts: the Secret resolver's default namespace reads NAMESPACE.
  if (env("NAMESPACE").empty()) setenv("NAMESPACE", cfg->ns.c_str(), 1);
  log::info("Kubernetes mode", {{"server", cfg->server},
                                {"config", cfg->origin},
                                {"namespace", cfg->ns},
                                {"tls_verify", cfg->insecureSkipTlsVerify ? "false" : "true"}});
  return std::make_unique<config::ClusterSource>(std::move(*cfg));
}

}  // namespace nm::app
