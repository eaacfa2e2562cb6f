// Silence resources as Alertmanager silences for GET /api/v2/silences (never for muting: the
// resources mute through their own selectors, see silence_muter.cpp).
#include "silence/resource_silences.h"

#include <re2/re2.h>

#include "model/silence_activity.h"

namespace nm {

namespace {

// A far-future end for silences without one (Go's time.Time max is not JSON-friendly).
const TimePoint kForever = *parseRfc3339("9999-12-31T23:59:59Z");

void add(ApiSilence& s, const std::string& name, MatchType type, std::string value) {
  LabelMatcher m;
  std::string why;
  if (makeMatcher(name, type, std::move(value), m, why))
    s.matchers.push_back(std::move(m));
  else
    s.comment += "; not expressible as a matcher: " + why;
}

std::string alternatives(const std::vector<std::string>& values) {
  std::string re;
  for (const std::string& v : values) {
    if (!re.empty()) re += '|';
    re += RE2::QuoteMeta(v);
  }
  return re;
}

}  // namespace

ApiSilence silenceFromResource(const model::SilenceResource& r, TimePoint loadedAt, TimePoint now,
                               SilenceState& state) {
  ApiSilence s;
  s.id = std::string(kResourceSilencePrefix) + r.name;
  if (r.matcher) {
    for (const auto& [k, v] : r.matcher->matchLabels) add(s, k, MatchType::Equal, v);
    for (const model::MatchExpression& e : r.matcher->matchExpressions) {
      switch (e.op) {
        case model::SelectorOp::In:
        case model::SelectorOp::NotIn: {
          const bool in = e.op == model::SelectorOp::In;
          if (e.values.size() == 1)
            add(s, e.key, in ? MatchType::Equal : MatchType::NotEqual, e.values[0]);
          else
            add(s, e.key, in ? MatchType::Regex : MatchType::NotRegex, alternatives(e.values));
          break;
        }
        case model::SelectorOp::Exists:
          add(s, e.key, MatchType::Regex, ".+");
          break;
        case model::SelectorOp::DoesNotExist:
          add(s, e.key, MatchType::Equal, "");
          break;
        case model::SelectorOp::Match:
          add(s, e.key, MatchType::Regex, ".*(?:" + e.regexValue + ").*");
          break;
      }
    }
  }
  s.startsAt = r.startsAt && *r.startsAt != kZeroTime ? *r.startsAt : loadedAt;
  s.endsAt = r.duration && r.scheduleText.empty() ? s.startsAt + *r.duration : kForever;
  s.updatedAt = loadedAt;
  s.createdBy = "resource";
  s.comment =
      "Silence resource " + r.name + " (read-only: edit the resource to change it)" + s.comment;
  if (!r.enabled)
    state = SilenceState::Expired;
  else if (isSilenceActive(r, now))
    state = SilenceState::Active;
  else if (!r.scheduleText.empty() || now < s.startsAt)
    state = SilenceState::Pending;
  else
    state = SilenceState::Expired;
  return s;
}

}  // namespace nm
