// InFlightSends: sharded counts of the fingerprints notifications in flight carry, per
// (receiver, group) key, folded into the log entry the dedup decision reads.
#include "dedup/inflight_sends.h"

#include <algorithm>
#include <functional>

namespace nm::dedup {

namespace {

void addSorted(std::vector<uint64_t>& into, const std::unordered_map<uint64_t, uint32_t>& counts) {
  for (const auto& [fp, n] : counts) {
    (void)n;
    into.push_back(fp);
  }
  std::sort(into.begin(), into.end());
  into.erase(std::unique(into.begin(), into.end()), into.end());
}

}  // namespace

InFlightSends::Shard& InFlightSends::shardFor(const std::string& key) {
  return shards_[std::hash<std::string>{}(key) % shards_.size()];
}

const InFlightSends::Shard& InFlightSends::shardFor(const std::string& key) const {
  return shards_[std::hash<std::string>{}(key) % shards_.size()];
}

std::unique_lock<std::mutex> InFlightSends::lock(const std::string& key) {
  return std::unique_lock<std::mutex>(shardFor(key).mu);
}

NotificationLogEntryPtr InFlightSends::view(const std::string& key, NotificationLogEntryPtr last,
                                            TimePoint now, Duration repeatInterval) const {
  const Shard& sh = shardFor(key);
  auto it = sh.byKey.find(key);
  if (it == sh.byKey.end()) return last;
  NotificationLogEntry e = last ? *last : NotificationLogEntry{};
  addSorted(e.firing, it->second.firing);
  addSorted(e.resolved, it->second.resolved);
  // A send on its way counts as just made: the repeat interval runs from it.
  e.sentAt = now;
  e.expiresAt = now + 2 * repeatInterval;
  return std::make_shared<const NotificationLogEntry>(std::move(e));
}

std::shared_ptr<InFlightSends::Claim> InFlightSends::claim(const std::string& key,
                                                           std::vector<uint64_t> firing,
                                                           std::vector<uint64_t> resolved) {
  Counts& c = shardFor(key).byKey[key];
  for (uint64_t fp : firing) ++c.firing[fp];
  for (uint64_t fp : resolved) ++c.resolved[fp];
  return std::make_shared<Claim>(shared_from_this(), key, std::move(firing), std::move(resolved));
}

void InFlightSends::release(const std::string& key, const std::vector<uint64_t>& firing,
                            const std::vector<uint64_t>& resolved) {
  Shard& sh = shardFor(key);
  std::lock_guard<std::mutex> g(sh.mu);
  auto it = sh.byKey.find(key);
  if (it == sh.byKey.end()) return;
  auto drop = [](std::unordered_map<uint64_t, uint32_t>& m, const std::vector<uint64_t>& fps) {
    for (uint64_t fp : fps) {
      auto f = m.find(fp);
      if (f != m.end() && --f->second == 0) m.erase(f);
    }
  };
  drop(it->second.firing, firing);
  drop(it->second.resolved, resolved);
  if (it->second.firing.empty() && it->second.resolved.empty()) sh.byKey.erase(it);
}

size_t InFlightSends::groups() const {
  size_t n = 0;
  for (const Shard& sh : shards_) {
    std::lock_guard<std::mutex> g(sh.mu);
    n += sh.byKey.size();
  }
  return n;
}

}  // namespace nm::dedup
