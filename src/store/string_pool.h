// StringPool: refcounted interned strings on a Slab (header: refcount + length, then the bytes),
// found through an open-addressing index of 32-bit handles; a string is freed with its last use.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "store/slab.h"

namespace nm::store {

// Not thread-safe: each store shard owns one (a string used in two shards is held twice).
class StringPool {
 public:
  StringPool();

  // The handle of `s`, one more reference to it.
  uint32_t intern(std::string_view s);
  // The handle of `s` when held (no reference taken), else kAbsent.
  uint32_t find(std::string_view s) const;
  void retain(uint32_t h);
  // One reference less; the string is freed with its last.
  void release(uint32_t h);

  std::string_view view(uint32_t h) const {
    const char* p = slab_.at(h);
    uint32_t len;
    __builtin_memcpy(&len, p + 4, 4);
    return {p + 8, len};
  }
  uint32_t refs(uint32_t h) const {
    uint32_t r;
    __builtin_memcpy(&r, slab_.at(h), 4);
    return r;
  }

  size_t size() const { return count_; }
  size_t stringBytes() const { return stringBytes_; }  // the strings' own bytes
  // Everything the pool holds: slab chunks and the index (of which stringBytes() are strings).
  size_t reservedBytes() const;

  // The slab is shared with the store shard's label-pair arrays.
  Slab& slab() { return slab_; }
  const Slab& slab() const { return slab_; }

  static constexpr uint32_t kAbsent = 0xffffffffu;

 private:
  static uint64_t hash(std::string_view s);
  size_t slotOf(std::string_view s, uint64_t h) const;
  void grow();
  void eraseSlot(size_t i);

  Slab slab_;
  std::vector<uint32_t> index_;  // handle + 1; 0 = empty; linear probing, backward-shift delete
  size_t count_ = 0;
  size_t stringBytes_ = 0;
};

}  // namespace nm::store
