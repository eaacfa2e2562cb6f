// SelectorIndex construction: each selector goes under the first label it requires with fixed
// values (matchLabels first, then an In expression), else into the list tested for every alert.
#include "inhibit/selector_index.h"

#include <algorithm>

namespace nm::inhibit {

SelectorIndex::SelectorIndex(const std::vector<const model::LabelSelector*>& selectors) {
  auto slot = [&](const std::string& name) -> ByName& {
    auto it = std::find_if(byName_.begin(), byName_.end(),
                           [&](const ByName& b) { return b.name == name; });
    if (it != byName_.end()) return *it;
    byName_.push_back({name, {}});
    return byName_.back();
  };
  for (size_t i = 0; i < selectors.size(); ++i) {
    const model::LabelSelector& t = *selectors[i];
    if (!t.matchLabels.empty()) {
      const auto& [name, value] = *t.matchLabels.begin();
      slot(name).byValue[value].push_back(i);
      continue;
    }
    auto in = std::find_if(t.matchExpressions.begin(), t.matchExpressions.end(),
                           [](const model::MatchExpression& e) {
                             return e.op == model::SelectorOp::In && !e.values.empty();
                           });
    if (in == t.matchExpressions.end()) {
      unindexed_.push_back(i);
      continue;
    }
    ByName& b = slot(in->key);
    for (const auto& v : in->values) {
      auto& rules = b.byValue[v];
      if (rules.empty() || rules.back() != i) rules.push_back(i);
    }
  }
}

}  // namespace nm::inhibit
