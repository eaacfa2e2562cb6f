// Tenant resolution seam: which tenants own a namespace. Identity in file and native Kubernetes
// mode (route/namespace_tenant_resolver.h); the KubeSphere sidecar protocol plugs in here later.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nm {

class TenantResolver {
 public:
  virtual ~TenantResolver() = default;
  virtual std::vector<std::string> tenants(std::string_view cluster, std::string_view ns) const = 0;
};

}  // namespace nm
