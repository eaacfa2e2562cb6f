// LabelSelector of the v2beta2 resources: matchLabels plus matchExpressions with the Kubernetes
// operators and the custom Match (unanchored RE2). Compiled once at config load.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/labels.h"

namespace re2 {
class RE2;
}

namespace nm::model {

enum class SelectorOp { In, NotIn, Exists, DoesNotExist, Match };

struct MatchExpression {
  std::string key;
  SelectorOp op = SelectorOp::In;
  std::vector<std::string> values;
  std::string regexValue;
  std::shared_ptr<const re2::RE2> regex;  // compiled regexValue when op == Match
};

class LabelSelector {
 public:
  std::map<std::string, std::string> matchLabels;
  std::vector<MatchExpression> matchExpressions;

  // Semantics of the reference:
  // - In: label present and value in values; NotIn: absent or not in values.
  // - Exists / DoesNotExist: presence.
  // - Match: label present and RE2 partial (unanchored) match of regexValue. A missing label
  //   never matches (the Go v2.5.1 fix #257: a regex silence must not mute alerts lacking the
  //   label).
  // - Empty label sets never match a selector (Go: nil labels never match).
  bool matches(const LabelSet& labels) const;

  bool empty() const { return matchLabels.empty() && matchExpressions.empty(); }
};

// A nil selector (not given) matches everything.
inline bool selectorMatches(const std::shared_ptr<const LabelSelector>& s, const LabelSet& l) {
  return !s || s->matches(l);
}

}  // namespace nm::model
