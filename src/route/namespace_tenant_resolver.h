// The default TenantResolver: a namespace's tenant is the namespace itself (file mode and native
// Kubernetes mode without the KubeSphere tenant sidecar).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "interfaces/tenant_resolver.h"

namespace nm {

class NamespaceTenantResolver final : public TenantResolver {
 public:
  std::vector<std::string> tenants(std::string_view, std::string_view ns) const override {
    if (ns.empty()) return {};
    return {std::string(ns)};
  }
};

}  // namespace nm
