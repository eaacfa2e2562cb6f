// Which of a list of selectors (the rules' targets, or their sources) can match an alert without
// testing all of them: each is indexed by one label value it requires (matchLabels, or an In
// list) when it has one.
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

class SelectorIndex {
 public:
  // `selectors[i]` is rule i's selector (never null).
  explicit SelectorIndex(const std::vector<const model::LabelSelector*>& selectors);

  // Calls `fn(i)` for every rule i whose selector might match `labels` (a superset: the caller
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
