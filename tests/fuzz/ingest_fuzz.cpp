// libFuzzer target for the ingest decoder: arbitrary bytes as an HTTP body; every accepted alert
// must satisfy the decoder's invariants (non-empty sorted labels, consistent fingerprint).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ingest/alert_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  nm::ingest::DecodeOptions opts;
  opts.cluster = "fuzz";
  nm::ingest::DecodeResult r = nm::ingest::decodeAlerts(body, opts);
  if (!r.ok() && (!r.alerts.empty() || !r.errors.empty())) std::abort();
  if (r.invalid > 0 && r.errors.empty()) std::abort();
  for (const nm::AlertPtr& a : r.alerts) {
    if (a->labels.empty() || !a->labels.has("cluster")) std::abort();
    if (a->fingerprint != a->labels.fingerprint() || a->id.size() != 16) std::abort();
    std::string_view prev;
    bool first = true;
    for (const auto& [name, value] : a->labels) {
      if (name.empty() || value.empty() || (!first && name <= prev)) std::abort();
      prev = name;
      first = false;
    }
    if (a->startsAt == nm::kZeroTime) std::abort();
  }
  return 0;
}
