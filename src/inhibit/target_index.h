// Which rules' target selectors can match an alert, without testing all of them: rules are
// indexed by one required label value (matchLabels, or an In list) when their target has one.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/labels.h"
#include "model/selector.h"

namespace nm::inhibit {

class TargetIndex {
 public:
  // `targets[i]` is rule i's target selector (never null).
  explicit TargetIndex(const std::vector<const model::LabelSelector*>& targets);

  // Calls `fn(i)` for every rule i whose target might match `labels` (a superset: the caller
  // still tests the selector), unindexed rules first, until `fn` returns true. Returns whether
  // one did.
  template <class Fn>
  bool anyCandidate(const LabelSet& labels, Fn&& fn) const {
    for (size_t i : unindexed_)
      if (fn(i)) return true;
    for (const auto& byName : byName_) {
      const std::string* v = labels.find(byName.name);
      if (!v) continue;
      auto it = byName.byValue.find(std::string_view(*v));
      if (it == byName.byValue.end()) continue;
      for (size_t i : it->second)
        if (fn(i)) return true;
    }
    return false;
  }

 private:
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct ByName {
    std::string name;
    std::unordered_map<std::string, std::vector<size_t>, KeyHash, std::equal_to<>> byValue;
  };
  std::vector<size_t> unindexed_;
  std::vector<ByName> byName_;
};

}  // namespace nm::inhibit
