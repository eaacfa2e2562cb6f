// Alert identity: fingerprint from labels (Alertmanager-compatible) and an occurrence id.
// Kept here so every source (HTTP, later Kubernetes events, CloudEvents) computes it the same way.
#include "core/alert.h"

#include <algorithm>

namespace nm {

namespace {

void setId(Alert& a) {
  uint64_t h = a.fingerprint;
  uint64_t t =
      a.startsAt == kZeroTime ? 0 : static_cast<uint64_t>(a.startsAt.time_since_epoch().count());
  // splitmix64 finalizer over fingerprint ^ startsAt: cheap and well distributed.
  uint64_t z = h ^ (t + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  a.id = fingerprintHex(z);
}

}  // namespace

void finalizeIdentity(Alert& a) {
  a.fingerprint = a.labels.fingerprint();
  setId(a);
}

void finalizeIdentities(Alert* const* alerts, size_t n) {
  constexpr size_t kChunk = 64;
  const LabelSet* sets[kChunk];
  uint64_t fps[kChunk];
  for (size_t i = 0; i < n; i += kChunk) {
    const size_t m = std::min(kChunk, n - i);
    for (size_t k = 0; k < m; ++k) sets[k] = &alerts[i + k]->labels;
    fingerprintMany(sets, m, fps);
    for (size_t k = 0; k < m; ++k) {
      alerts[i + k]->fingerprint = fps[k];
      setId(*alerts[i + k]);
    }
  }
}

}  // namespace nm
