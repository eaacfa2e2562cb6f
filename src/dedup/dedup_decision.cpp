// The dedup rules on sorted fingerprint sets: subset and intersection tests, no allocation on
// the suppress path.
#include "dedup/dedup_decision.h"

#include <algorithm>
#include <iterator>

namespace nm::dedup {

namespace {

bool intersects(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  auto i = a.begin(), j = b.begin();
  while (i != a.end() && j != b.end()) {
    if (*i < *j)
      ++i;
    else if (*j < *i)
      ++j;
    else
      return true;
  }
  return false;
}

// std::includes for a small `sub` of a large sorted `all` (a few new alerts of a group whose log
// entry holds thousands): a binary search from the last match per element, not a walk of `all`.
bool includesSorted(const std::vector<uint64_t>& all, const std::vector<uint64_t>& sub) {
  if (sub.size() * 16 >= all.size())
    return std::includes(all.begin(), all.end(), sub.begin(), sub.end());
  auto from = all.begin();
  for (uint64_t fp : sub) {
    from = std::lower_bound(from, all.end(), fp);
    if (from == all.end() || *from != fp) return false;
  }
  return true;
}

}  // namespace

const char* toString(Reason r) {
  switch (r) {
    case Reason::First:
      return "first";
    case Reason::NewAlerts:
      return "new_alerts";
    case Reason::Resolved:
      return "resolved";
    case Reason::Repeat:
      return "repeat";
    case Reason::Unchanged:
      return "unchanged";
    case Reason::ResolvedNotSent:
      return "send_resolved_off";
    case Reason::ResolvedUnnotified:
      return "resolved_unnotified";
  }
  return "?";
}

Decision decide(const NotificationLogEntry* last, const std::vector<uint64_t>& firing,
                const std::vector<uint64_t>& resolved, TimePoint now, Duration repeatInterval,
                bool sendResolved) {
  if (!last) {
    if (!firing.empty()) return {true, Reason::First, false};
    return {false, Reason::ResolvedUnnotified, false};
  }
  if (!includesSorted(last->firing, firing)) return {true, Reason::NewAlerts, false};
  const bool resolvedNews = intersects(resolved, last->firing);
  if (resolvedNews && sendResolved) return {true, Reason::Resolved, false};
  if (!firing.empty() && now - last->sentAt >= repeatInterval) return {true, Reason::Repeat, false};
  if (resolvedNews) return {false, Reason::ResolvedNotSent, true};
  return {false, Reason::Unchanged, false};
}

NotificationLogEntry nextEntry(const NotificationLogEntry* last,
                               const std::vector<uint64_t>& firing,
                               const std::vector<uint64_t>& resolved, TimePoint sentAt,
                               Duration repeatInterval) {
  NotificationLogEntry e;
  std::vector<uint64_t> all;
  if (last) {
    all.reserve(last->firing.size() + firing.size());
    std::set_union(last->firing.begin(), last->firing.end(), firing.begin(), firing.end(),
                   std::back_inserter(all));
  } else {
    all = firing;
  }
  e.firing.reserve(all.size());
  std::set_difference(all.begin(), all.end(), resolved.begin(), resolved.end(),
                      std::back_inserter(e.firing));
  e.resolved = resolved;
  e.sentAt = sentAt;
  e.expiresAt = sentAt + 2 * repeatInterval;
  return e;
}

}  // namespace nm::dedup
