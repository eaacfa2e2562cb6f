// Inhibitor implementation: per-rule caches updated under one lock by the store's callbacks, built
// on demand from the store, and the batch Muter that asks them through a SelectorIndex.
#include "inhibit/inhibitor.h"

#include <unordered_set>
#include <vector>

#include "inhibit/selector_index.h"
#include "interfaces/snapshot.h"

namespace nm::inhibit {

namespace {

struct MutingRule {
  std::shared_ptr<const void> owner;  // keeps `sources` alive
  const RuleSources* sources;
  std::string name;
};

class InhibitMuter final : public Muter {
 public:
  InhibitMuter(std::vector<MutingRule> rules, TimePoint at, std::shared_mutex& mu)
      : rules_(std::move(rules)), index_(targets(rules_)), at_(at), mu_(mu) {}

  bool mutes(const Alert& alert, std::string* by) const override {
    std::shared_lock lock(mu_);
    return index_.anyCandidate(alert.labels, [&](size_t i) {
      const MutingRule& r = rules_[i];
      if (!r.sources->targetMatches(alert.labels) || !r.sources->inhibits(alert, at_)) return false;
      if (by) *by = r.name;
      return true;
    });
  }

 private:
  static std::vector<const model::LabelSelector*> targets(const std::vector<MutingRule>& rules);

  std::vector<MutingRule> rules_;
  SelectorIndex index_;
  TimePoint at_;
  std::shared_mutex& mu_;
};

// A null selector (not given) matches everything, as the empty one does.
const model::LabelSelector* orEverything(const std::shared_ptr<const model::LabelSelector>& s) {
  static const model::LabelSelector kEverything;
  return s ? s.get() : &kEverything;
}

std::vector<const model::LabelSelector*> InhibitMuter::targets(
    const std::vector<MutingRule>& rules) {
  std::vector<const model::LabelSelector*> out;
  out.reserve(rules.size());
  for (const auto& r : rules) out.push_back(orEverything(r.sources->targetSelector()));
  return out;
}

}  // namespace

void Inhibitor::follow(AlertStore& store) {
  store_ = &store;
  store.subscribe(*this);
}

void Inhibitor::upserted(const Alert& merged, TimePoint) {
  std::unique_lock lock(mu_);
  sourceIndex_.anyCandidate(merged.labels, [&](size_t i) {
    cacheList_[i]->sources.upsert(merged);
    return false;
  });
}

void Inhibitor::reindexSources() const {
  cacheList_.clear();
  std::vector<const model::LabelSelector*> selectors;
  for (auto& [key, cache] : caches_) {
    cacheList_.push_back(cache.get());
    selectors.push_back(orEverything(cache->sources.sourceSelector()));
  }
  sourceIndex_ = SelectorIndex(selectors);
}

void Inhibitor::removed(uint64_t fingerprint) {
  std::unique_lock lock(mu_);
  for (auto& [key, cache] : caches_) cache->sources.remove(fingerprint);
}

size_t Inhibitor::cachedRules() const {
  std::shared_lock lock(mu_);
  return caches_.size();
}

std::shared_ptr<const Inhibitor::Cache> Inhibitor::cacheFor(
    const model::InhibitRuleResource& rule) const {
  auto ready = [&]() -> std::shared_ptr<const Cache> {
    std::shared_lock lock(mu_);
    auto it = caches_.find(rule.key);
    return it != caches_.end() && it->second->ready ? it->second : nullptr;
  };
  if (auto c = ready()) return c;
  std::lock_guard build(buildMu_);
  if (auto c = ready()) return c;
  auto cache = std::make_shared<Cache>(rule);
  {
    // Registered first, so changes the store makes while it is read reach this cache too.
    std::unique_lock lock(mu_);
    caches_[rule.key] = cache;
    reindexSources();
  }
  if (store_) {
    store_->forEach([&](const StoredAlert& s) {
      if (!s.alert) return;
      std::unique_lock lock(mu_);
      cache->sources.upsert(*s.alert);
    });
  }
  cache->ready = true;
  return cache;
}

void Inhibitor::dropCachesNotIn(const config::Snapshot& snapshot) const {
  std::unordered_set<std::string_view> keep;
  for (const auto* r : snapshot.globalInhibitRules) keep.insert(r->key);
  for (const auto& [tenant, rules] : snapshot.tenantInhibitRules)
    for (const auto* r : rules) keep.insert(r->key);
  std::unique_lock lock(mu_);
  if (snapshot.version <= newestVersion_) return;
  newestVersion_ = snapshot.version;
  if (std::erase_if(caches_, [&](const auto& kv) { return !keep.contains(kv.first); }))
    reindexSources();
}

std::unique_ptr<const Muter> Inhibitor::muterFor(const config::Snapshot& snapshot, TimePoint at,
                                                 std::string_view tenant) const {
  const std::vector<const model::InhibitRuleResource*>* scope = &snapshot.globalInhibitRules;
  if (!tenant.empty()) {
    auto it = snapshot.tenantInhibitRules.find(std::string(tenant));
    if (it == snapshot.tenantInhibitRules.end()) return nullptr;
    scope = &it->second;
  }
  {
    std::shared_lock lock(mu_);
    const bool newer = snapshot.version > newestVersion_;
    lock.unlock();
    if (newer) dropCachesNotIn(snapshot);
  }
  std::vector<MutingRule> rules;
  for (const auto* r : *scope) {
    if (!r || !r->enabled) continue;
    auto cache = cacheFor(*r);
    rules.push_back({cache, &cache->sources, r->name});
  }
  if (rules.empty()) return nullptr;
  return std::make_unique<InhibitMuter>(std::move(rules), at, mu_);
}

}  // namespace nm::inhibit
