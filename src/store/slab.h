// Slab: a compact allocator of 8-byte units addressed by 32-bit handles, with one free list per
// block size, for the alert store's interned strings and label-pair arrays (no per-block header).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace nm::store {

// Blocks up to kMaxSlabUnits come from 512 KiB chunks (a freed block goes to the free list of
// its size and is reused by the next block of that size); larger blocks get a chunk of their
// own, released when freed. Not thread-safe: each store shard owns one.
class Slab {
 public:
  static constexpr uint32_t kUnit = 8;
  static constexpr uint32_t kChunkBits = 16;  // 65,536 units per chunk
  static constexpr uint32_t kChunkUnits = 1u << kChunkBits;
  static constexpr uint32_t kMaxSlabUnits = 512;  // 4 KiB

  static uint32_t unitsFor(size_t bytes) {
    return static_cast<uint32_t>((bytes + kUnit - 1) / kUnit);
  }

  // A block of `units` (>= 1) units, 8-byte aligned.
  uint32_t alloc(uint32_t units);
  // `units` must be what alloc was given.
  void free(uint32_t handle, uint32_t units);

  char* at(uint32_t handle) const {
    return reinterpret_cast<char*>(chunks_[handle >> kChunkBits].get()) +
           static_cast<size_t>(handle & (kChunkUnits - 1)) * kUnit;
  }

  // Memory held (chunks, big blocks, the bookkeeping vectors), and the part in live blocks.
  size_t reservedBytes() const;
  size_t usedBytes() const { return usedUnits_ * kUnit; }

 private:
  uint32_t newChunk(size_t units);
  void pushFree(uint32_t handle, uint32_t units);

  std::vector<std::unique_ptr<uint64_t[]>> chunks_;
  std::vector<uint32_t> chunkUnits_;  // units of each chunk (0: released big block)
  std::vector<uint32_t> freeChunks_;  // released big-block chunk indexes, for reuse
  std::vector<uint32_t> freeHeads_ = std::vector<uint32_t>(kMaxSlabUnits + 1, kNone);
  uint32_t bumpChunk_ = kNone;  // the chunk small blocks are carved from
  uint32_t bumpNext_ = 0;       // next free unit in it
  size_t reservedUnits_ = 0;
  size_t usedUnits_ = 0;
  static constexpr uint32_t kNone = 0xffffffffu;
};

}  // namespace nm::store
