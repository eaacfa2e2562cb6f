// RouteIndex: what routing needs from one config snapshot, computed once per snapshot: receivers
// numbered densely, enabled global/tenant receiver lists, and each Router's receiver set.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "interfaces/snapshot.h"

namespace nm {

// The Go daemon's tenant id of global receivers; a Router channel naming it selects them.
inline constexpr std::string_view kGlobalTenantId = "notification-manager/type/global";

struct RouteIndex {
  struct Router {
    const model::LabelSelector* alertSelector = nullptr;  // null matches everything
    std::vector<uint32_t> receivers;  // enabled receivers named/selected/by channel, deduped
  };

  // Dense numbering of every receiver (by key), so a batch dedups with a flat array.
  std::vector<config::ReceiverPtr> receivers;
  std::vector<uint32_t> global;                                     // enabled global receivers
  std::unordered_map<std::string, std::vector<uint32_t>> byTenant;  // enabled, per tenant
  std::vector<Router> routers;  // enabled routers, snapshot order

  static std::shared_ptr<const RouteIndex> build(const config::Snapshot& s);

  const std::vector<uint32_t>* tenant(std::string_view id) const;
};

}  // namespace nm
