// One InhibitRule's source side: the held alerts its source selector matches, indexed by their
// equal-label values, and the O(1) question "does a firing source inhibit this target?".
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/alert.h"
#include "core/time.h"
#include "model/selector.h"

namespace nm::inhibit {

// Appends the values of `equal` in `labels` (a missing label reads as "") as one
// length-prefixed key: equal keys mean equal values for every name.
void appendEqualKey(const LabelSet& labels, const std::vector<std::string>& equal,
                    std::string& out);

// Not thread-safe: the Inhibitor guards it.
class RuleSources {
 public:
  RuleSources(std::shared_ptr<const model::LabelSelector> source,
              std::shared_ptr<const model::LabelSelector> target, std::vector<std::string> equal);

  // Records `alert` when the source selector matches it (replacing its previous value), else
  // forgets it.
  void upsert(const Alert& alert);
  void remove(uint64_t fingerprint);

  bool targetMatches(const LabelSet& labels) const {
    return model::selectorMatches(target_, labels);
  }
  const std::shared_ptr<const model::LabelSelector>& sourceSelector() const { return source_; }
  const std::shared_ptr<const model::LabelSelector>& targetSelector() const { return target_; }
  // True when a source with the equal-label values of `target` is still firing at `now`, with
  // Alertmanager's two-sided guard: when `target` also matches the source selector, a source that
  // also matches the target selector cannot inhibit it. Assumes targetMatches(target.labels).
  bool inhibits(const Alert& target, TimePoint now) const;

  size_t size() const { return keyOf_.size(); }

 private:
  struct Source {
    uint64_t fingerprint;
    TimePoint until;  // firing while now < until (kMaxTime: no endsAt)
  };
  // Sources that also match the target selector are kept apart, so the guard costs no scan.
  struct Bucket {
    std::vector<Source> oneSided;
    std::vector<Source> twoSided;
    bool empty() const { return oneSided.empty() && twoSided.empty(); }
  };
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Held {
    std::string key;
    bool twoSided;
  };

  static bool anyFiring(const std::vector<Source>& sources, TimePoint now);
  void erase(uint64_t fingerprint, const Held& held);

  std::shared_ptr<const model::LabelSelector> source_;
  std::shared_ptr<const model::LabelSelector> target_;
  std::vector<std::string> equal_;
  std::unordered_map<std::string, Bucket, KeyHash, std::equal_to<>> byEqual_;
  std::unordered_map<uint64_t, Held> keyOf_;
};

}  // namespace nm::inhibit
