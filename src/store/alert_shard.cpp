// AlertShard: entries in 4,096-entry chunks (stable addresses, freed slots reused), an
// open-addressing index by fingerprint, and every string interned in the shard's pool.
#include "store/alert_shard.h"

#include <cstring>

namespace nm::store {

AlertShard::AlertShard() : namespaceName_(pool_.intern("namespace")), index_(64, 0) {}

AlertShard::~AlertShard() = default;

size_t AlertShard::indexSlot(uint64_t fp) const {
  const size_t mask = index_.size() - 1;
  for (size_t i = mix(fp) & mask;; i = (i + 1) & mask) {
    uint32_t v = index_[i];
    if (v == 0 || slot(v - 1).fp == fp) return i;
  }
}

Entry* AlertShard::find(uint64_t fp) {
  uint32_t v = index_[indexSlot(fp)];
  return v == 0 ? nullptr : &slot(v - 1);
}

void AlertShard::growIndex() {
  std::vector<uint32_t> old(index_.size() * 2, 0);
  old.swap(index_);
  const size_t mask = index_.size() - 1;
  for (uint32_t v : old) {
    if (v == 0) continue;
    size_t i = mix(slot(v - 1).fp) & mask;
    while (index_[i] != 0) i = (i + 1) & mask;
    index_[i] = v;
  }
}

void AlertShard::eraseIndexSlot(size_t i) {
  const size_t mask = index_.size() - 1;
  index_[i] = 0;
  for (size_t j = (i + 1) & mask; index_[j] != 0; j = (j + 1) & mask) {
    size_t home = mix(slot(index_[j] - 1).fp) & mask;
    if (((j - home) & mask) >= ((j - i) & mask)) {
      index_[i] = index_[j];
      index_[j] = 0;
      i = j;
    }
  }
}

Entry& AlertShard::insert(const Alert& a) {
  if ((size_ + 1) * 4 > index_.size() * 3) growIndex();
  uint32_t s;
  if (!freeSlots_.empty()) {
    s = freeSlots_.back();
    freeSlots_.pop_back();
  } else {
    s = next_++;
    if ((s >> kChunkBits) >= chunks_.size())
      chunks_.push_back(std::make_unique<Entry[]>(size_t{1} << kChunkBits));
  }
  Entry& e = slot(s);
  e = Entry{};
  e.fp = a.fingerprint;
  e.flags = kLive;
  e.nLabels = static_cast<uint16_t>(a.labels.size());
  e.nAnnotations = static_cast<uint16_t>(a.annotations.size());
  e.pairs = pool_.slab().alloc(e.nLabels + e.nAnnotations);
  uint32_t* p = pairsOf(e);
  for (const auto& [n, v] : a.labels) {
    *p++ = pool_.intern(n);
    *p++ = pool_.intern(v);
  }
  for (const auto& [n, v] : a.annotations) {
    *p++ = pool_.intern(n);
    *p++ = pool_.intern(v);
  }
  e.generatorURL = pool_.intern(a.generatorURL);
  index_[indexSlot(e.fp)] = s + 1;
  ++size_;
  return e;
}

void AlertShard::erase(Entry& e) {
  const uint32_t* p = pairsOf(e);
  const uint32_t n = e.nLabels + e.nAnnotations;
  for (uint32_t i = 0; i < 2 * n; ++i) pool_.release(p[i]);
  pool_.slab().free(e.pairs, n);
  pool_.release(e.generatorURL);
  size_t i = indexSlot(e.fp);
  uint32_t s = index_[i] - 1;
  eraseIndexSlot(i);
  e.flags = 0;
  freeSlots_.push_back(s);
  --size_;
}

void AlertShard::updateAnnotations(Entry& e, const LabelSet& annotations) {
  if (annotations.size() != e.nAnnotations) return setAnnotations(e, annotations);
  uint32_t* p = pairsOf(e) + 2 * e.nLabels;
  for (const auto& [n, v] : annotations) {
    if (pool_.view(p[0]) != n) return setAnnotations(e, annotations);
    p += 2;
  }
  p = pairsOf(e) + 2 * e.nLabels;
  for (const auto& pair : annotations) {
    const std::string_view v = pair.second;
    if (pool_.view(p[1]) != v) {
      const uint32_t h = pool_.intern(v);
      pool_.release(p[1]);
      p[1] = h;
    }
    p += 2;
  }
}

void AlertShard::setAnnotations(Entry& e, const LabelSet& annotations) {
  const uint32_t oldHandle = e.pairs;
  const uint32_t oldPairs = e.nLabels + e.nAnnotations;
  const uint32_t* old = pairsOf(e);
  const uint16_t nAnn = static_cast<uint16_t>(annotations.size());
  uint32_t handle = pool_.slab().alloc(e.nLabels + nAnn);
  // alloc may not move old blocks (slab chunks are stable), so `old` stays valid.
  uint32_t* p = reinterpret_cast<uint32_t*>(pool_.slab().at(handle));
  std::memcpy(p, old, sizeof(uint32_t) * 2 * e.nLabels);
  p += 2 * e.nLabels;
  for (const auto& [n, v] : annotations) {
    *p++ = pool_.intern(n);
    *p++ = pool_.intern(v);
  }
  for (uint32_t i = 2 * e.nLabels; i < 2 * oldPairs; ++i) pool_.release(old[i]);
  pool_.slab().free(oldHandle, oldPairs);
  e.pairs = handle;
  e.nAnnotations = nAnn;
}

void AlertShard::setGeneratorURL(Entry& e, std::string_view url) {
  if (pool_.view(e.generatorURL) == url) return;
  uint32_t h = pool_.intern(url);
  pool_.release(e.generatorURL);
  e.generatorURL = h;
}

std::string_view AlertShard::tenant(const Entry& e) const {
  const uint32_t* p = pairsOf(e);
  for (uint32_t i = 0; i < e.nLabels; ++i)
    if (p[2 * i] == namespaceName_) return pool_.view(p[2 * i + 1]);
  return {};
}

void AlertShard::annotationsInto(const Entry& e, LabelSet& out) const {
  const uint32_t* p = pairsOf(e) + 2 * e.nLabels;
  out = LabelSet();
  out.reserve(e.nAnnotations);
  for (uint32_t i = 0; i < e.nAnnotations; ++i)
    out.appendUnsorted(std::string(pool_.view(p[2 * i])), std::string(pool_.view(p[2 * i + 1])));
}

void AlertShard::materialise(const Entry& e, Alert& out) const {
  const uint32_t* p = pairsOf(e);
  out.labels = LabelSet();
  out.labels.reserve(e.nLabels);
  for (uint32_t i = 0; i < e.nLabels; ++i)
    out.labels.appendUnsorted(std::string(pool_.view(p[2 * i])),
                              std::string(pool_.view(p[2 * i + 1])));
  annotationsInto(e, out.annotations);
  out.generatorURL = std::string(pool_.view(e.generatorURL));
  out.startsAt = fromNs(e.startsAt);
  out.startsAtOffset = e.startsOff;
  out.endsAt = fromNs(e.endsAt);
  out.endsAtOffset = e.endsOff;
  out.receivedAt = fromNs(e.updatedAt);
  finalizeIdentity(out);
}

size_t AlertShard::bytes() const {
  return chunks_.size() * (sizeof(Entry) << kChunkBits) + chunks_.capacity() * sizeof(chunks_[0]) +
         freeSlots_.capacity() * sizeof(uint32_t) + index_.capacity() * sizeof(uint32_t) +
         pool_.reservedBytes();
}

}  // namespace nm::store
