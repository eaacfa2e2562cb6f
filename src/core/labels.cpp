// LabelSet implementation: binary search over sorted pairs and the FNV-1a fingerprint.
// The fingerprint must stay byte-compatible with Prometheus/Alertmanager.
#include "core/labels.h"

#include <algorithm>

namespace nm {

namespace {
constexpr uint64_t kFnvOffset = 14695981039346656037ULL;
constexpr uint64_t kFnvPrime = 1099511628211ULL;

inline uint64_t fnvAdd(uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= kFnvPrime;
  }
  return h;
}
inline uint64_t fnvAddByte(uint64_t h, unsigned char c) {
  h ^= c;
  h *= kFnvPrime;
  return h;
}

auto lowerBound(const std::vector<Label>& v, std::string_view name) {
  return std::lower_bound(v.begin(), v.end(), name,
                          [](const Label& l, std::string_view n) { return l.first < n; });
}
}  // namespace

LabelSet::LabelSet(std::initializer_list<Label> init) : pairs_(init) {
  normalize();
}

void LabelSet::set(std::string name, std::string value) {
  auto it = std::lower_bound(pairs_.begin(), pairs_.end(), name,
                             [](const Label& l, const std::string& n) { return l.first < n; });
  if (it != pairs_.end() && it->first == name) {
    it->second = std::move(value);
  } else {
    pairs_.emplace(it, std::move(name), std::move(value));
  }
}

bool LabelSet::setIfAbsent(std::string_view name, std::string_view value) {
  auto it = std::lower_bound(pairs_.begin(), pairs_.end(), name,
                             [](const Label& l, std::string_view n) { return l.first < n; });
  if (it != pairs_.end() && it->first == name) return false;
  pairs_.emplace(it, std::string(name), std::string(value));
  return true;
}

bool LabelSet::erase(std::string_view name) {
  auto it = std::lower_bound(pairs_.begin(), pairs_.end(), name,
                             [](const Label& l, std::string_view n) { return l.first < n; });
  if (it == pairs_.end() || it->first != name) return false;
  pairs_.erase(it);
  return true;
}

const std::string* LabelSet::find(std::string_view name) const {
  auto it = lowerBound(pairs_, name);
  if (it == pairs_.end() || it->first != name) return nullptr;
  return &it->second;
}

std::string_view LabelSet::get(std::string_view name) const {
  const std::string* v = find(name);
  return v ? std::string_view(*v) : std::string_view();
}

uint64_t LabelSet::fingerprint() const {
  uint64_t h = kFnvOffset;
  for (const auto& [n, v] : pairs_) {
    h = fnvAdd(h, n);
    h = fnvAddByte(h, 0xff);
    h = fnvAdd(h, v);
    h = fnvAddByte(h, 0xff);
  }
  return h;
}

void LabelSet::normalize() {
  std::stable_sort(pairs_.begin(), pairs_.end(),
                   [](const Label& a, const Label& b) { return a.first < b.first; });
  // Keep the last of each run of equal names.
  std::vector<Label> out;
  out.reserve(pairs_.size());
  for (auto& p : pairs_) {
    if (!out.empty() && out.back().first == p.first) {
      out.back().second = std::move(p.second);
    } else {
      out.push_back(std::move(p));
    }
  }
  pairs_ = std::move(out);
}

namespace {

// The bytes fingerprint() hashes: name 0xff value 0xff per pair.
void signatureBytes(const LabelSet& set, std::string& out) {
  out.clear();
  for (const auto& [n, v] : set) {
    out += n;
    out += '\xff';
    out += v;
    out += '\xff';
  }
}

}  // namespace

void fingerprintMany(const LabelSet* const* sets, size_t n, uint64_t* out) {
  thread_local std::string bytes[4];
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    for (size_t k = 0; k < 4; ++k) signatureBytes(*sets[i + k], bytes[k]);
    const auto* p0 = reinterpret_cast<const unsigned char*>(bytes[0].data());
    const auto* p1 = reinterpret_cast<const unsigned char*>(bytes[1].data());
    const auto* p2 = reinterpret_cast<const unsigned char*>(bytes[2].data());
    const auto* p3 = reinterpret_cast<const unsigned char*>(bytes[3].data());
    const size_t common = std::min(std::min(bytes[0].size(), bytes[1].size()),
                                   std::min(bytes[2].size(), bytes[3].size()));
    uint64_t h0 = kFnvOffset, h1 = kFnvOffset, h2 = kFnvOffset, h3 = kFnvOffset;
    for (size_t j = 0; j < common; ++j) {
      h0 = (h0 ^ p0[j]) * kFnvPrime;
      h1 = (h1 ^ p1[j]) * kFnvPrime;
      h2 = (h2 ^ p2[j]) * kFnvPrime;
      h3 = (h3 ^ p3[j]) * kFnvPrime;
    }
    uint64_t h[4] = {h0, h1, h2, h3};
    for (size_t k = 0; k < 4; ++k)
      out[i + k] = fnvAdd(h[k], std::string_view(bytes[k]).substr(common));
  }
  for (; i < n; ++i) out[i] = sets[i]->fingerprint();
}

std::string fingerprintHex(uint64_t fp) {
  // By hand: snprintf was 3 % of the daemon's CPU on re-sent alerts (every alert gets an id).
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, fp >>= 4) out[static_cast<size_t>(i)] = kDigits[fp & 0xf];
  return out;
}

}  // namespace nm
