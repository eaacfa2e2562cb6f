// Alertmanager's label matchers (`=`, `!=`, `=~`, `!~`) and its classic text parser (0.25, the one
// amtool 0.25 uses): `{a="x", b=~"y|z",}`. Regexes are RE2, fully anchored; a missing label is "".
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/labels.h"

namespace re2 {
class RE2;
}

namespace nm {

enum class MatchType { Equal, NotEqual, Regex, NotRegex };

const char* toString(MatchType t);  // "=", "!=", "=~", "!~"

struct LabelMatcher {
  std::string name;
  MatchType type = MatchType::Equal;
  std::string value;
  std::shared_ptr<const re2::RE2> regex;  // `^(?:value)$` when type is Regex or NotRegex

  bool isRegex() const { return type == MatchType::Regex || type == MatchType::NotRegex; }
  bool isEqual() const { return type == MatchType::Equal || type == MatchType::Regex; }
  // Tests the value of the label (the caller passes "" when the label is missing).
  bool matches(std::string_view v) const;
  bool matches(const LabelSet& labels) const { return matches(labels.get(name)); }
  // name, operator and the value quoted with \" \\ \n escaped: `a=~"x|y"`.
  std::string toString() const;
  bool operator==(const LabelMatcher& o) const {
    return name == o.name && type == o.type && value == o.value;
  }
};

using LabelMatchers = std::vector<LabelMatcher>;

// True when every matcher matches (an empty list matches everything).
bool matchesAll(const LabelMatchers& ms, const LabelSet& labels);

// Alertmanager's API filter (api/v2 matchFilterLabels): like matchesAll, except that a matcher
// with an empty value only tests presence: `a=""` holds when `a` is absent, `a!=""` when present.
// Filters silences by their matchers' name=value pairs and alerts by their labels.
bool matchesFilter(const LabelMatchers& filter, const LabelSet& labels);

// Builds a matcher; false with `error` set when the name is not a label name
// ([a-zA-Z_][a-zA-Z0-9_]*) or the regex does not compile.
bool makeMatcher(std::string name, MatchType type, std::string value, LabelMatcher& out,
                 std::string& error);

// One matcher: `name op value`, whitespace around each part ignored, the value unquoted or in
// double quotes with the escapes \" \\ \n (any other backslash stays literal).
bool parseMatcher(std::string_view text, LabelMatcher& out, std::string& error);

// A comma-separated list, optionally in braces (both or neither), one trailing comma allowed.
// An empty text (or "{}") gives no matchers.
bool parseMatchers(std::string_view text, LabelMatchers& out, std::string& error);

}  // namespace nm
