// Tenant resolution seam: which tenants own a namespace. Identity in file and native Kubernetes
// mode (tenant = namespace); the KubeSphere sidecar protocol plugs in here later.
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

class NamespaceTenantResolver final : public TenantResolver {
 public:
  std::vector<std::string> tenants(std::string_view, std::string_view ns) const override {
    if (ns.empty()) return {};
    return {std::string(ns)};
  }
};

}  // namespace nm
