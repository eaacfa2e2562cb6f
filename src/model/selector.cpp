// LabelSelector matching (matchLabels AND every matchExpression), with the reference's Match
// operator as an unanchored RE2 partial match compiled at load.
#include "model/selector.h"

#include <re2/re2.h>

#include <algorithm>

namespace nm::model {

bool LabelSelector::matches(const LabelSet& labels) const {
  if (labels.empty()) return false;
  for (const auto& [k, v] : matchLabels) {
    const std::string* got = labels.find(k);
    if (!got || *got != v) return false;
  }
  for (const auto& e : matchExpressions) {
    const std::string* got = labels.find(e.key);
    switch (e.op) {
      case SelectorOp::In:
        if (!got || std::find(e.values.begin(), e.values.end(), *got) == e.values.end())
          return false;
        break;
      case SelectorOp::NotIn:
        if (got && std::find(e.values.begin(), e.values.end(), *got) != e.values.end())
          return false;
        break;
      case SelectorOp::Exists:
        if (!got) return false;
        break;
      case SelectorOp::DoesNotExist:
        if (got) return false;
        break;
      case SelectorOp::Match:
        if (!got || !e.regex || !RE2::PartialMatch(*got, *e.regex)) return false;
        break;
    }
  }
  return true;
}

}  // namespace nm::model
