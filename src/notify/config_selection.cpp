// Config selection: filter by type and ownership, then the lowest `priority` label (stable by
// name), with the tenant → default fallback of the reference.
#include "notify/config_selection.h"

namespace nm {

namespace {

using EntryPtr = std::shared_ptr<const config::ConfigEntry>;

// Keeps the better of best/candidate: lower priority, then lower name.
void consider(EntryPtr& best, const EntryPtr& c) {
  if (!best || c->priority < best->priority ||
      (c->priority == best->priority && c->name < best->name))
    best = c;
}

}  // namespace

EntryPtr selectConfig(const config::Receiver& receiver, const std::vector<EntryPtr>& configs) {
  EntryPtr best;
  if (!receiver.global) {
    for (const auto& c : configs) {
      if (!c || c->type != receiver.type || c->tenant.empty() || c->tenant != receiver.tenant)
        continue;
      if (model::selectorMatches(receiver.configSelector, c->labels)) consider(best, c);
    }
    if (best) return best;
    for (const auto& c : configs) {
      if (c && c->type == receiver.type && c->isDefault) consider(best, c);
    }
    return best;
  }
  for (const auto& c : configs) {
    if (!c || c->type != receiver.type || !c->isDefault) continue;
    if (model::selectorMatches(receiver.configSelector, c->labels)) consider(best, c);
  }
  return best;
}

EntryPtr selectConfig(const config::Receiver& receiver, const config::Snapshot& snapshot) {
  auto it = snapshot.configsByType.find(receiver.type);
  if (it == snapshot.configsByType.end()) return nullptr;
  return selectConfig(receiver, it->second);
}

}  // namespace nm
