// Tenant resolution seam: which tenants own a namespace. Identity by default
// (route/namespace_tenant_resolver.h); the KubeSphere sidecar (route/sidecar_tenant_resolver.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nm {

// Called by the route stage from several workers at once, once per batch and (cluster, namespace);
// no tenants means the alerts reach global receivers only.
class TenantResolver {
 public:
  virtual ~TenantResolver() = default;
  virtual std::vector<std::string> tenants(std::string_view cluster, std::string_view ns) const = 0;
};

}  // namespace nm
