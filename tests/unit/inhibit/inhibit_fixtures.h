// Fixtures of the inhibition tests: InhibitRules made by hand and a snapshot that indexes them
// (global, or per tenant) on top of the stage tests' SnapshotBuilder.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "stages/fixtures.h"

namespace nm::test {

inline model::InhibitRuleResource inhibitRule(const std::string& name, SelectorPtr source,
                                              SelectorPtr target,
                                              std::vector<std::string> equal = {}) {
  model::InhibitRuleResource r;
  r.name = name;
  r.source = std::move(source);
  r.target = std::move(target);
  r.equal = std::move(equal);
  r.key = name;
  for (const auto& e : r.equal) r.key += "|" + e;
  return r;
}

// Builds `b`'s snapshot with `rules` (tenant "" = global) as its InhibitRules, at `version`.
inline config::SnapshotPtr withRules(
    SnapshotBuilder& b, std::vector<std::pair<std::string, model::InhibitRuleResource>> rules,
    uint64_t version = 1) {
  // A snapshot of its own (the builder's is edited by the next call); silences and routers
  // still point into the builder's, which outlives the test's snapshots.
  auto s = std::make_shared<config::Snapshot>(*b.build());
  s->version = version;
  s->globalInhibitRules.clear();
  s->tenantInhibitRules.clear();
  s->resources.inhibitRules.clear();
  for (auto& [tenant, r] : rules) s->resources.inhibitRules.push_back(std::move(r));
  for (size_t i = 0; i < rules.size(); ++i) {
    const auto* r = &s->resources.inhibitRules[i];
    if (rules[i].first.empty())
      s->globalInhibitRules.push_back(r);
    else
      s->tenantInhibitRules[rules[i].first].push_back(r);
  }
  return s;
}

}  // namespace nm::test
