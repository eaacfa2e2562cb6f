// The default bounds on one alert's labels (--webhook.max-labels-per-alert, --webhook.max-label-
// value-bytes), stated once for the decoder, the API and the flags; no simdjson in this header.
#pragma once

#include <cstddef>

namespace nm::ingest {

// Real alerts carry 5 to 40 labels and short identifier values; these defaults are far above
// that and only stop bodies built to make every later stage sort, hash and copy huge label sets.
inline constexpr size_t kDefaultMaxLabelsPerAlert = 1000;
inline constexpr size_t kDefaultMaxLabelValueBytes = 64 << 10;

}  // namespace nm::ingest
