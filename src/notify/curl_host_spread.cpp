// HostSpread: exact split of connection limits over the curl loops and least-loaded loop choice
// per host, under one mutex (a map update per request and per completion).
#include "notify/curl_host_spread.h"

#include <functional>

namespace nm {

long loopShare(long limit, size_t loops, size_t first, size_t loop) {
  if (loops == 0 || limit <= 0) return 0;
  const long n = static_cast<long>(loops);
  const size_t offset = (loop + loops - first % loops) % loops;  // position after `first`
  return limit / n + (static_cast<long>(offset) < limit % n ? 1 : 0);
}

HostSpread::HostSpread(size_t loops, long hostLimit)
    : loops_(loops == 0 ? 1 : loops), hostLimit_(hostLimit) {}

size_t HostSpread::firstLoop(const std::string& host) const {
  return std::hash<std::string>{}(host) % loops_;
}

long HostSpread::share(const std::string& host, size_t loop) const {
  return loopShare(hostLimit_, loops_, firstLoop(host), loop);
}

size_t HostSpread::take(const std::string& host, size_t preferred) {
  const size_t first = firstLoop(host);
  std::lock_guard g(mu_);
  auto& counts = pending_[host];
  if (counts.empty()) counts.assign(loops_, 0);
  size_t best = kNoLoop;
  long bestShare = 0;
  // Compares (pending + 1) / share across loops without division.
  auto better = [&](size_t i, long s) {
    if (best == kNoLoop) return true;
    const long lhs = (counts[i] + 1) * bestShare, rhs = (counts[best] + 1) * s;
    return lhs < rhs || (lhs == rhs && i == preferred);
  };
  for (size_t i = 0; i < loops_; ++i) {
    const long s = hostLimit_ <= 0 ? 1 : loopShare(hostLimit_, loops_, first, i);
    if (s > 0 && better(i, s)) {
      best = i;
      bestShare = s;
    }
  }
  ++counts[best];
  return best;
}

void HostSpread::finished(const std::string& host, size_t loop) {
  std::lock_guard g(mu_);
  auto it = pending_.find(host);
  if (it == pending_.end() || loop >= it->second.size()) return;
  if (it->second[loop] > 0) --it->second[loop];
  for (long c : it->second) {
    if (c != 0) return;
  }
  pending_.erase(it);
}

long HostSpread::pending(const std::string& host, size_t loop) const {
  std::lock_guard g(mu_);
  auto it = pending_.find(host);
  return it == pending_.end() || loop >= it->second.size() ? 0 : it->second[loop];
}

size_t HostSpread::hostsTracked() const {
  std::lock_guard g(mu_);
  return pending_.size();
}

}  // namespace nm
