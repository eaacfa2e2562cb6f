// Slab: chunks carved by a bump pointer, freed blocks kept on per-size free lists (the next
// handle is written in the freed block itself), big blocks in chunks of their own.
#include "store/slab.h"

#include <cstring>

namespace nm::store {

uint32_t Slab::newChunk(size_t units) {
  uint32_t index;
  if (!freeChunks_.empty()) {
    index = freeChunks_.back();
    freeChunks_.pop_back();
  } else {
    index = static_cast<uint32_t>(chunks_.size());
    chunks_.emplace_back();
    chunkUnits_.push_back(0);
  }
  chunks_[index] = std::make_unique_for_overwrite<uint64_t[]>(units);
  chunkUnits_[index] = static_cast<uint32_t>(units);
  reservedUnits_ += units;
  return index;
}

void Slab::pushFree(uint32_t handle, uint32_t units) {
  std::memcpy(at(handle), &freeHeads_[units], sizeof(uint32_t));
  freeHeads_[units] = handle;
}

uint32_t Slab::alloc(uint32_t units) {
  if (units == 0) units = 1;
  usedUnits_ += units;
  if (units > kMaxSlabUnits) return newChunk(units) << kChunkBits;
  if (uint32_t h = freeHeads_[units]; h != kNone) {
    std::memcpy(&freeHeads_[units], at(h), sizeof(uint32_t));
    return h;
  }
  if (bumpChunk_ == kNone || bumpNext_ + units > kChunkUnits) {
    // The tail of the old chunk becomes a free block of its size (at most kMaxSlabUnits).
    if (bumpChunk_ != kNone && bumpNext_ < kChunkUnits)
      pushFree((bumpChunk_ << kChunkBits) | bumpNext_, kChunkUnits - bumpNext_);
    bumpChunk_ = newChunk(kChunkUnits);
    bumpNext_ = 0;
  }
  uint32_t h = (bumpChunk_ << kChunkBits) | bumpNext_;
  bumpNext_ += units;
  return h;
}

void Slab::free(uint32_t handle, uint32_t units) {
  if (units == 0) units = 1;
  usedUnits_ -= units;
  if (units > kMaxSlabUnits) {
    uint32_t index = handle >> kChunkBits;
    chunks_[index].reset();
    reservedUnits_ -= chunkUnits_[index];
    chunkUnits_[index] = 0;
    freeChunks_.push_back(index);
    return;
  }
  pushFree(handle, units);
}

size_t Slab::reservedBytes() const {
  return reservedUnits_ * kUnit + chunks_.capacity() * sizeof(chunks_[0]) +
         chunkUnits_.capacity() * sizeof(uint32_t) + freeChunks_.capacity() * sizeof(uint32_t) +
         freeHeads_.capacity() * sizeof(uint32_t);
}

}  // namespace nm::store
