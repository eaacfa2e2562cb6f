// Builds the per-snapshot RouteIndex: Router receiver selection (name, regexName, selector, each
// filtered by type; channels by tenant and types) is independent of the alert, so it is done once.
#include "route/route_index.h"

#include <re2/re2.h>

#include <algorithm>

namespace nm {

namespace {

class Builder {
 public:
  explicit Builder(RouteIndex& out) : out_(out) {}

  uint32_t id(const config::ReceiverPtr& r) {
    auto [it, inserted] = ids_.try_emplace(r->key, static_cast<uint32_t>(out_.receivers.size()));
    if (inserted) out_.receivers.push_back(r);
    return it->second;
  }

  std::vector<uint32_t> enabledIds(const std::vector<config::ReceiverPtr>& list) {
    std::vector<uint32_t> ids;
    for (const auto& r : list)
      if (r && r->enabled) addUnique(ids, id(r));
    return ids;
  }

  static void addUnique(std::vector<uint32_t>& v, uint32_t x) {
    if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
  }

 private:
  RouteIndex& out_;
  std::unordered_map<std::string, uint32_t> ids_;
};

bool typeAllowed(const std::vector<std::string>& types, const std::string& type) {
  return types.empty() || std::find(types.begin(), types.end(), type) != types.end();
}

}  // namespace

const std::vector<uint32_t>* RouteIndex::tenant(std::string_view id) const {
  auto it = byTenant.find(std::string(id));
  return it == byTenant.end() ? nullptr : &it->second;
}

std::shared_ptr<const RouteIndex> RouteIndex::build(const config::Snapshot& s) {
  auto idx = std::make_shared<RouteIndex>();
  Builder b(*idx);
  for (const auto& r : s.receivers)
    if (r) b.id(r);
  idx->global = b.enabledIds(s.globalReceivers);
  for (const auto& [tenant, list] : s.receiversByTenant) idx->byTenant[tenant] = b.enabledIds(list);

  for (const model::RouterResource* rr : s.routers) {
    if (!rr || !rr->enabled) continue;
    RouteIndex::Router out;
    out.alertSelector = rr->alertSelector.get();
    const bool byName = !rr->receiverNames.empty();
    const bool byRegex = rr->regexNameCompiled != nullptr;
    const bool bySelector = rr->receiverSelector != nullptr;
    if (byName || byRegex || bySelector) {
      for (uint32_t i = 0; i < idx->receivers.size(); ++i) {
        const config::ReceiverPtr& r = idx->receivers[i];
        if (!r->enabled || (!rr->type.empty() && r->type != rr->type)) continue;
        bool hit = (byName && std::find(rr->receiverNames.begin(), rr->receiverNames.end(),
                                        r->name) != rr->receiverNames.end()) ||
                   (byRegex && RE2::PartialMatch(r->name, *rr->regexNameCompiled)) ||
                   (bySelector && rr->receiverSelector->matches(r->labels));
        if (hit) Builder::addUnique(out.receivers, i);
      }
    }
    for (const auto& ch : rr->channels) {
      const std::vector<uint32_t>* ids =
          ch.tenant == kGlobalTenantId ? &idx->global : idx->tenant(ch.tenant);
      if (!ids) continue;
      for (uint32_t i : *ids)
        if (typeAllowed(ch.types, idx->receivers[i]->type)) Builder::addUnique(out.receivers, i);
    }
    idx->routers.push_back(std::move(out));
  }
  return idx;
}

}  // namespace nm
