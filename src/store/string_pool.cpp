// StringPool: interning with linear probing (no tombstones: deletion shifts the run back) and a
// refcount in each string's header.
#include "store/string_pool.h"

#include <cstring>

namespace nm::store {

namespace {

void putU32(char* p, uint32_t v) {
  std::memcpy(p, &v, 4);
}

}  // namespace

StringPool::StringPool() : index_(64, 0) {}

uint64_t StringPool::hash(std::string_view s) {
  // FNV-1a 64 then a final mix: short label strings, cheap and well spread.
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  h ^= h >> 32;
  h *= 0x9e3779b97f4a7c15ULL;
  return h ^ (h >> 29);
}

size_t StringPool::slotOf(std::string_view s, uint64_t h) const {
  const size_t mask = index_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    uint32_t v = index_[i];
    if (v == 0 || view(v - 1) == s) return i;
  }
}

uint32_t StringPool::find(std::string_view s) const {
  uint32_t v = index_[slotOf(s, hash(s))];
  return v == 0 ? kAbsent : v - 1;
}

uint32_t StringPool::intern(std::string_view s) {
  uint64_t h = hash(s);
  size_t i = slotOf(s, h);
  if (index_[i] != 0) {
    retain(index_[i] - 1);
    return index_[i] - 1;
  }
  if ((count_ + 1) * 4 > index_.size() * 3) {
    grow();
    i = slotOf(s, h);
  }
  uint32_t handle = slab_.alloc(Slab::unitsFor(8 + s.size()));
  char* p = slab_.at(handle);
  putU32(p, 1);
  putU32(p + 4, static_cast<uint32_t>(s.size()));
  if (!s.empty()) std::memcpy(p + 8, s.data(), s.size());
  index_[i] = handle + 1;
  ++count_;
  stringBytes_ += s.size();
  return handle;
}

void StringPool::retain(uint32_t h) {
  putU32(slab_.at(h), refs(h) + 1);
}

void StringPool::release(uint32_t h) {
  uint32_t r = refs(h);
  if (r > 1) {
    putU32(slab_.at(h), r - 1);
    return;
  }
  std::string_view s = view(h);
  eraseSlot(slotOf(s, hash(s)));
  --count_;
  stringBytes_ -= s.size();
  slab_.free(h, Slab::unitsFor(8 + s.size()));
}

void StringPool::eraseSlot(size_t i) {
  const size_t mask = index_.size() - 1;
  index_[i] = 0;
  // Backward shift: move later members of the run into the hole when their home allows it.
  for (size_t j = (i + 1) & mask; index_[j] != 0; j = (j + 1) & mask) {
    size_t home = hash(view(index_[j] - 1)) & mask;
    // j may move to i when i lies cyclically in [home, j).
    if (((j - home) & mask) >= ((j - i) & mask)) {
      index_[i] = index_[j];
      index_[j] = 0;
      i = j;
    }
  }
}

void StringPool::grow() {
  std::vector<uint32_t> old(index_.size() * 2, 0);
  old.swap(index_);
  const size_t mask = index_.size() - 1;
  for (uint32_t v : old) {
    if (v == 0) continue;
    size_t i = hash(view(v - 1)) & mask;
    while (index_[i] != 0) i = (i + 1) & mask;
    index_[i] = v;
  }
}

size_t StringPool::reservedBytes() const {
  return slab_.reservedBytes() + index_.capacity() * sizeof(uint32_t);
}

}  // namespace nm::store
