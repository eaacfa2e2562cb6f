// RuleSources: the per-rule source index (equal-label key → firing sources) kept current by the
// store's upserts and removals.
#include "inhibit/rule_sources.h"

#include <algorithm>

namespace nm::inhibit {

namespace {

constexpr TimePoint kForever = TimePoint::max();

// Firing until endsAt when set; a resolved alert without endsAt never fires.
TimePoint firingUntil(const Alert& a) {
  if (a.endsAt != kZeroTime) return a.endsAt;
  return a.status == AlertStatus::Firing ? kForever : kZeroTime;
}

void appendLength(std::string& out, size_t n) {
  do {
    out.push_back(static_cast<char>((n & 0x7f) | (n > 0x7f ? 0x80 : 0)));
    n >>= 7;
  } while (n);
}

}  // namespace

void appendEqualKey(const LabelSet& labels, const std::vector<std::string>& equal,
                    std::string& out) {
  for (const auto& name : equal) {
    const std::string_view v = labels.get(name);
    appendLength(out, v.size());
    out.append(v);
  }
}

RuleSources::RuleSources(std::shared_ptr<const model::LabelSelector> source,
                         std::shared_ptr<const model::LabelSelector> target,
                         std::vector<std::string> equal)
    : source_(std::move(source)), target_(std::move(target)), equal_(std::move(equal)) {}

void RuleSources::upsert(const Alert& alert) {
  if (auto it = keyOf_.find(alert.fingerprint); it != keyOf_.end()) {
    erase(alert.fingerprint, it->second);
    keyOf_.erase(it);
  }
  if (!model::selectorMatches(source_, alert.labels)) return;
  Held held{std::string(), model::selectorMatches(target_, alert.labels)};
  appendEqualKey(alert.labels, equal_, held.key);
  Bucket& b = byEqual_[held.key];
  (held.twoSided ? b.twoSided : b.oneSided).push_back({alert.fingerprint, firingUntil(alert)});
  keyOf_.emplace(alert.fingerprint, std::move(held));
}

void RuleSources::remove(uint64_t fingerprint) {
  auto it = keyOf_.find(fingerprint);
  if (it == keyOf_.end()) return;
  erase(fingerprint, it->second);
  keyOf_.erase(it);
}

void RuleSources::erase(uint64_t fingerprint, const Held& held) {
  auto b = byEqual_.find(held.key);
  if (b == byEqual_.end()) return;
  auto& list = held.twoSided ? b->second.twoSided : b->second.oneSided;
  std::erase_if(list, [&](const Source& s) { return s.fingerprint == fingerprint; });
  if (b->second.empty()) byEqual_.erase(b);
}

bool RuleSources::anyFiring(const std::vector<Source>& sources, TimePoint now) {
  return std::any_of(sources.begin(), sources.end(),
                     [&](const Source& s) { return now < s.until; });
}

bool RuleSources::inhibits(const Alert& target, TimePoint now) const {
  if (byEqual_.empty()) return false;
  thread_local std::string key;
  key.clear();
  appendEqualKey(target.labels, equal_, key);
  auto it = byEqual_.find(std::string_view(key));
  if (it == byEqual_.end()) return false;
  const Bucket& b = it->second;
  // The alert inhibiting itself (or its twin) is only possible through a two-sided source.
  if (anyFiring(b.oneSided, now)) return true;
  if (b.twoSided.empty()) return false;
  if (model::selectorMatches(source_, target.labels)) return false;
  return anyFiring(b.twoSided, now);
}

}  // namespace nm::inhibit
