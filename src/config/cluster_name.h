// The cluster name added as label `cluster` to incoming alerts and asked of the tenant sidecar,
// resolved from the loaded resources in the reference's order.
#pragma once

#include <string>

#include "model/resources.h"

namespace nm::config {

inline constexpr const char* kDefaultClusterName = "default";

// options.global.cluster → annotation cluster.kubesphere.io/name on Namespace kubesphere-system →
// ConfigMap kubesphere-system/kubesphere-config key kubesphere.yaml at multicluster.clusterName →
// "default". A kubesphere.yaml that does not parse is logged as a warning and skipped.
std::string resolveClusterName(const model::NotificationManager& nm,
                               const model::ResourceSet& resources);

}  // namespace nm::config
