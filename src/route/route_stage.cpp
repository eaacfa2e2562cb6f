// Routing a batch: alerts are grouped by (cluster, namespace) so the tenant resolver runs once
// per group; receivers are deduped with a per-alert stamp over the index's dense receiver ids.
#include "route/route_stage.h"

#include <functional>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "observe/log.h"

namespace nm {

namespace {

using GroupKey = std::pair<std::string_view, std::string_view>;

struct GroupKeyHash {
  size_t operator()(const GroupKey& k) const {
    size_t h = std::hash<std::string_view>{}(k.first);
    return h ^
           (std::hash<std::string_view>{}(k.second) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
  }
};

}  // namespace

std::shared_ptr<const RouteIndex> RouteStage::indexFor(
    const std::shared_ptr<const config::Snapshot>& s) {
  std::lock_guard<std::mutex> g(mu_);
  bool same = !indexed_.owner_before(s) && !s.owner_before(indexed_) && index_;
  if (!same) {
    index_ = RouteIndex::build(*s);
    indexed_ = s;
  }
  return index_;
}

void RouteStage::process(Work& work) {
  work.routed.clear();
  if (!work.snapshot || work.alerts.empty()) return;
  const auto index = indexFor(work.snapshot);
  const RouteIndex& idx = *index;
  const model::RoutePolicy policy = work.snapshot->nm.routePolicy;
  const size_t n = idx.receivers.size();
  const auto& declared = work.snapshot->nm.tenantSidecar;
  std::optional<SidecarTenantResolver::AtPort> atPort;
  if (sidecar_ && declared) atPort.emplace(*sidecar_, declared->port);
  const TenantResolver& resolver = atPort ? static_cast<const TenantResolver&>(*atPort) : resolver_;

  // Candidate (global + tenant) receivers per (cluster, namespace) group.
  std::vector<std::vector<uint32_t>> groupCandidates;
  std::unordered_map<GroupKey, uint32_t, GroupKeyHash> groups;
  std::vector<uint32_t> groupStamp(n, 0);
  uint32_t groupEpoch = 0;
  auto candidatesFor = [&](const Alert& a) -> const std::vector<uint32_t>& {
    GroupKey key{a.labels.get("cluster"), a.labels.get("namespace")};
    auto [it, inserted] = groups.try_emplace(key, static_cast<uint32_t>(groupCandidates.size()));
    if (inserted) {
      std::vector<uint32_t> c = idx.global;
      if (!key.second.empty()) {
        ++groupEpoch;
        for (uint32_t i : c) groupStamp[i] = groupEpoch;
        for (const std::string& t : resolver.tenants(key.first, key.second)) {
          const std::vector<uint32_t>* ids = idx.tenant(t);
          if (!ids) continue;
          for (uint32_t i : *ids) {
            if (groupStamp[i] == groupEpoch) continue;
            groupStamp[i] = groupEpoch;
            c.push_back(i);
          }
        }
      }
      groupCandidates.push_back(std::move(c));
    }
    return groupCandidates[it->second];
  };

  // Per-alert dedup: receiver i is taken for the current alert when stamp[i] == epoch.
  std::vector<uint32_t> stamp(n, 0);
  uint32_t epoch = 0;
  std::vector<int32_t> slot(n, -1);
  size_t noReceiver = 0, byPolicy = 0;
  const bool debug = log::enabled(log::Level::Debug);
  for (const AlertPtr& ap : work.alerts) {
    const Alert& a = *ap;
    ++epoch;
    bool routerMatched = false, any = false;
    auto add = [&](uint32_t i) {
      if (stamp[i] == epoch) return;
      stamp[i] = epoch;
      any = true;
      if (slot[i] < 0) {
        slot[i] = static_cast<int32_t>(work.routed.size());
        work.routed.push_back(RoutedAlerts{idx.receivers[i], {}});
      }
      work.routed[static_cast<size_t>(slot[i])].alerts.push_back(ap);
    };
    for (const auto& r : idx.routers) {
      if (r.alertSelector && !r.alertSelector->matches(a.labels)) continue;
      routerMatched = true;
      for (uint32_t i : r.receivers) add(i);
    }
    bool useCandidates = policy == model::RoutePolicy::All ||
                         (policy == model::RoutePolicy::RouterFirst && !routerMatched);
    if (useCandidates) {
      const auto& c = candidatesFor(a);
      for (uint32_t i : c) add(i);
    }
    if (any) continue;
    const bool policyDrop = policy == model::RoutePolicy::RouterOnly && !routerMatched;
    ++(policyDrop ? byPolicy : noReceiver);
    if (debug) {
      std::string fp = fingerprintHex(a.fingerprint);
      log::debug("alert reaches no receiver",
                 {{"fingerprint", fp}, {"reason", policyDrop ? "route_policy" : "no_receiver"}});
    }
  }
  work.countDropped(DropReason::NoReceiver, noReceiver);
  work.countDropped(DropReason::RoutePolicy, byPolicy);
}

}  // namespace nm
