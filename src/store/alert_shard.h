// AlertShard: one shard of the active-alert store — its alerts in compact form (fixed-size
// entries whose labels and annotations are handles into the shard's StringPool), by fingerprint.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "core/alert.h"
#include "store/string_pool.h"

namespace nm::store {

// Entry flags.
inline constexpr uint8_t kLive = 1;             // the slot holds an alert
inline constexpr uint8_t kTimeout = 2;          // endsAt came from the resolve timeout
inline constexpr uint8_t kResolvedSent = 4;     // the resolved value entered the pipeline
inline constexpr uint8_t kReinjectPending = 8;  // ...as the sweep's re-injection, not yet put
inline constexpr uint8_t kNotified = 16;        // the resolved value finished notify + history
inline constexpr uint8_t kRemote = 32;  // last written by another replica (shared state), not here
inline constexpr uint8_t kPersistedFlags = kTimeout | kResolvedSent | kNotified;

// 56 bytes. Times are nanoseconds since the epoch (kZeroTime as INT64_MIN); `pairs` is a slab
// block of nLabels + nAnnotations (name, value) handle pairs, labels first, each part sorted.
struct Entry {
  uint64_t fp;
  int64_t startsAt;
  int64_t endsAt;
  int64_t updatedAt;
  int32_t startsOff;
  int32_t endsOff;
  uint32_t generatorURL;
  uint32_t pairs;
  uint16_t nLabels;
  uint16_t nAnnotations;
  uint8_t flags;
  uint8_t format;
  // Seconds (rounded up) by which the endsAt last written to the state backend trails `endsAt`:
  // re-posts that only extend endsAt are not all written (MemoryAlertStore::needsWrite).
  uint16_t unwrittenEndsS;
};
static_assert(sizeof(Entry) == 56, "the store's memory budget counts on a 56-byte entry");

inline int64_t toNs(TimePoint t) {
  return t.time_since_epoch().count();
}
inline TimePoint fromNs(int64_t ns) {
  return TimePoint(Duration(ns));
}

// Not thread-safe: the store locks `mu` around every use.
class AlertShard {
 public:
  AlertShard();
  ~AlertShard();
  AlertShard(const AlertShard&) = delete;
  AlertShard& operator=(const AlertShard&) = delete;

  std::mutex mu;

  Entry* find(uint64_t fp);
  // Hints for a batch, a few alerts ahead of find (no effect on results): the index slot of
  // `fp`, the entry that slot points to, the entry's label and annotation pairs.
  void prefetchIndex(uint64_t fp) const {
    __builtin_prefetch(&index_[mix(fp) & (index_.size() - 1)]);
  }
  void prefetchEntry(uint64_t fp) const {
    const uint32_t v = index_[mix(fp) & (index_.size() - 1)];
    if (v != 0) __builtin_prefetch(&slot(v - 1));
  }
  void prefetchPairs(uint64_t fp) const {
    const uint32_t v = index_[mix(fp) & (index_.size() - 1)];
    if (v == 0) return;
    const Entry& e = slot(v - 1);
    if (e.fp != fp || !(e.flags & kLive)) return;
    const size_t bytes = 8 * (size_t{e.nLabels} + e.nAnnotations);
    if (bytes == 0) return;
    const char* p = reinterpret_cast<const char*>(pairsOf(e));
    __builtin_prefetch(p);
    __builtin_prefetch(p + bytes - 1);
  }
  // ...then the interned strings of its annotations, which a re-send compares and replaces.
  void prefetchAnnotationStrings(uint64_t fp) const {
    const uint32_t v = index_[mix(fp) & (index_.size() - 1)];
    if (v == 0) return;
    const Entry& e = slot(v - 1);
    if (e.fp != fp || !(e.flags & kLive)) return;
    const uint32_t* p = pairsOf(e) + 2 * e.nLabels;
    for (uint32_t i = 0; i < 2 * uint32_t{e.nAnnotations}; ++i)
      __builtin_prefetch(pool_.slab().at(p[i]));
  }
  // A new entry with `a`'s fingerprint, labels, annotations and generatorURL (times and flags are
  // the caller's to set). `a.fingerprint` must not be held.
  Entry& insert(const Alert& a);
  void erase(Entry& e);

  void setAnnotations(Entry& e, const LabelSet& annotations);
  // setAnnotations when they differ (a no-op when equal). The common re-send (same names, a value
  // or two changed: Prometheus' $value) rewrites only the changed value handles in place.
  void updateAnnotations(Entry& e, const LabelSet& annotations);
  void setGeneratorURL(Entry& e, std::string_view url);
  std::string_view generatorURL(const Entry& e) const { return pool_.view(e.generatorURL); }
  // The value of label `namespace` ("" when absent): the tenant for limits.
  std::string_view tenant(const Entry& e) const;
  // Labels, annotations, generatorURL, times, fingerprint and id (status and format: the
  // caller's).
  void materialise(const Entry& e, Alert& out) const;
  void annotationsInto(const Entry& e, LabelSet& out) const;

  template <class F>
  void forEachEntry(F&& f) {
    for (uint32_t i = 0; i < next_; ++i) {
      Entry& e = slot(i);
      if (e.flags & kLive) f(e);
    }
  }

  size_t size() const { return size_; }
  size_t strings() const { return pool_.size(); }
  size_t stringBytes() const { return pool_.stringBytes(); }
  // Everything this shard holds: entries, index, slab (strings and pair arrays).
  size_t bytes() const;

 private:
  static constexpr uint32_t kChunkBits = 12;  // 4,096 entries per chunk
  static uint64_t mix(uint64_t fp) {
    fp ^= fp >> 33;
    fp *= 0xff51afd7ed558ccdULL;
    return fp ^ (fp >> 33);
  }
  Entry& slot(uint32_t i) const { return chunks_[i >> kChunkBits][i & ((1u << kChunkBits) - 1)]; }
  uint32_t* pairsOf(const Entry& e) const {
    return reinterpret_cast<uint32_t*>(pool_.slab().at(e.pairs));
  }
  size_t indexSlot(uint64_t fp) const;
  void growIndex();
  void eraseIndexSlot(size_t i);

  StringPool pool_;
  uint32_t namespaceName_;  // "namespace", held for the shard's life
  std::vector<std::unique_ptr<Entry[]>> chunks_;
  std::vector<uint32_t> freeSlots_;
  uint32_t next_ = 0;
  std::vector<uint32_t> index_;  // entry slot + 1; 0 = empty; linear probing
  size_t size_ = 0;
};

}  // namespace nm::store
