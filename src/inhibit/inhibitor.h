// The inhibitor: follows the active-alert store (every alert, silenced or not) and, as a
// MuterProvider, mutes targets of the InhibitRules of one scope while a matching source fires.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "inhibit/rule_sources.h"
#include "inhibit/selector_index.h"
#include "interfaces/alert_store.h"
#include "interfaces/muter.h"
#include "model/resources.h"

namespace nm::inhibit {

// Each rule's sources are cached by the rule's identity (model::InhibitRuleResource::key), so
// snapshots that keep a rule keep its cache; a new or changed rule's cache is built from the
// store (AlertStore::forEach) the first time a batch needs it, and caches of rules the newest
// snapshot no longer has are dropped. Thread-safe: the store's workers upsert while batches ask.
// Muters it returns must not outlive it.
class Inhibitor final : public AlertStoreObserver, public MuterProvider {
 public:
  Inhibitor() = default;
  Inhibitor(const Inhibitor&) = delete;
  Inhibitor& operator=(const Inhibitor&) = delete;

  // Subscribes to `store` and reads it when a rule's cache is built. Call once, before the
  // store's first put; without it the inhibitor knows no sources and mutes nothing.
  void follow(AlertStore& store);

  void upserted(const Alert& merged, TimePoint now) override;
  void removed(uint64_t fingerprint) override;

  // Null when the scope (tenant "" = global) has no enabled rule.
  std::unique_ptr<const Muter> muterFor(const config::Snapshot& snapshot, TimePoint at,
                                        std::string_view tenant) const override;

  size_t cachedRules() const;

 private:
  struct Cache {
    RuleSources sources;
    std::atomic<bool> ready{false};
    explicit Cache(const model::InhibitRuleResource& rule)
        : sources(rule.source, rule.target, rule.equal) {}
  };

  std::shared_ptr<const Cache> cacheFor(const model::InhibitRuleResource& rule) const;
  void dropCachesNotIn(const config::Snapshot& snapshot) const;
  // After caches_ changed (mu_ held): which caches an upserted alert can be a source of. An
  // alert's labels never change (they make its fingerprint), so the others need no update.
  void reindexSources() const;

  AlertStore* store_ = nullptr;
  // Guards caches_ and every RuleSources; never held while calling into the store.
  mutable std::shared_mutex mu_;
  mutable std::unordered_map<std::string, std::shared_ptr<Cache>> caches_;
  mutable std::vector<Cache*> cacheList_;  // caches_' values, as sourceIndex_ numbers them
  mutable SelectorIndex sourceIndex_{{}};
  mutable uint64_t newestVersion_ = 0;
  // Serializes cache builds (taken before the store's locks, never inside mu_).
  mutable std::mutex buildMu_;
};

}  // namespace nm::inhibit
