// LabelSet: the sorted name/value pairs that identify an alert (and label a resource).
// Owns lookup, mutation and the Prometheus-compatible FNV-1a fingerprint.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace nm {

using Label = std::pair<std::string, std::string>;

// Sorted by name, names unique. A sorted vector beats a map for the 5-20 labels an alert carries:
// one allocation, cache-friendly scans, cheap copies.
class LabelSet {
 public:
  LabelSet() = default;
  LabelSet(std::initializer_list<Label> init);

  // Inserts or replaces.
  void set(std::string name, std::string value);
  // Inserts only when absent; returns true when inserted.
  bool setIfAbsent(std::string_view name, std::string_view value);
  bool erase(std::string_view name);

  // nullptr when absent.
  const std::string* find(std::string_view name) const;
  // The Go convention: a missing label reads as "".
  std::string_view get(std::string_view name) const;
  bool has(std::string_view name) const { return find(name) != nullptr; }

  bool empty() const { return pairs_.empty(); }
  size_t size() const { return pairs_.size(); }
  auto begin() const { return pairs_.begin(); }
  auto end() const { return pairs_.end(); }
  const std::vector<Label>& pairs() const { return pairs_; }

  // Prometheus model.LabelSet.Fingerprint(): FNV-1a 64 over name 0xff value 0xff, sorted by name.
  uint64_t fingerprint() const;

  // For building from unsorted input in bulk: append, then normalize once.
  void appendUnsorted(std::string name, std::string value) {
    pairs_.emplace_back(std::move(name), std::move(value));
  }
  // The same, building both strings in place from views (ingest: one copy of each, not two).
  void appendUnsortedCopy(std::string_view name, std::string_view value) {
    pairs_.emplace_back(std::piecewise_construct, std::forward_as_tuple(name),
                        std::forward_as_tuple(value));
  }
  // Room for n pairs, so bulk building (ingest) allocates once.
  void reserve(size_t n) { pairs_.reserve(n); }
  // Sorts by name; on duplicate names the last appended wins.
  void normalize();

  bool operator==(const LabelSet& o) const { return pairs_ == o.pairs_; }

 private:
  std::vector<Label> pairs_;
};

// fingerprint() of n label sets at once (out[i] for sets[i]). FNV-1a is one dependent multiply
// per byte; four sets hashed in lockstep keep four chains in flight (ingest: 25 % of decoding
// was the single chain).
void fingerprintMany(const LabelSet* const* sets, size_t n, uint64_t* out);

// "%016x" as Alertmanager prints fingerprints.
std::string fingerprintHex(uint64_t fp);

}  // namespace nm
