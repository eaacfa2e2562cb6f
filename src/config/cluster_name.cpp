// resolveClusterName: the NotificationManager option, then KubeSphere's own records of the
// cluster name (kubesphere-system's annotation, then kubesphere-config's multicluster section).
#include "config/cluster_name.h"

#include <yaml-cpp/yaml.h>

#include "observe/log.h"

namespace nm::config {

namespace {

constexpr const char* kKubeSphereNamespace = "kubesphere-system";
constexpr const char* kClusterAnnotation = "cluster.kubesphere.io/name";
constexpr const char* kKubeSphereConfig = "kubesphere-config";
constexpr const char* kKubeSphereConfigKey = "kubesphere.yaml";

std::string fromNamespace(const model::ResourceSet& rs) {
  for (const auto& ns : rs.namespaces) {
    if (ns.name != kKubeSphereNamespace) continue;
    auto it = ns.annotations.find(kClusterAnnotation);
    if (it != ns.annotations.end()) return it->second;
  }
  return "";
}

std::string fromConfigMap(const model::ResourceSet& rs) {
  for (const auto& cm : rs.configMaps) {
    if (cm.ns != kKubeSphereNamespace || cm.name != kKubeSphereConfig) continue;
    auto it = cm.data.find(kKubeSphereConfigKey);
    if (it == cm.data.end()) return "";
    try {
      const YAML::Node doc = YAML::Load(it->second);
      if (!doc.IsMap()) return "";
      const YAML::Node mc = doc["multicluster"];
      if (!mc || !mc.IsMap()) return "";
      const YAML::Node name = mc["clusterName"];
      if (name && name.IsScalar()) return name.Scalar();
    } catch (const YAML::Exception& e) {
      log::warn("cannot read the cluster name from the KubeSphere configuration",
                {{"configmap", std::string(kKubeSphereNamespace) + "/" + kKubeSphereConfig},
                 {"key", kKubeSphereConfigKey},
                 {"origin", cm.origin.describe()},
                 {"error", e.what()}});
    }
    return "";
  }
  return "";
}

}  // namespace

std::string resolveClusterName(const model::NotificationManager& nm,
                               const model::ResourceSet& resources) {
  if (!nm.cluster.empty()) return nm.cluster;
  if (auto n = fromNamespace(resources); !n.empty()) return n;
  if (auto n = fromConfigMap(resources); !n.empty()) return n;
  return kDefaultClusterName;
}

}  // namespace nm::config
