// Queue entry framing: the alerts of one push (and one partition) in one Redis stream entry or
// JetStream message, with a format byte so single-alert entries written before packing still read.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/alert.h"

namespace nm {

// A packed entry, little-endian:
//   u8  format (0x80; a first byte of 1 or 2 is one alert in the alert codec, version 1 or 2)
//   u32 count (at least 1)
//   count × (u32 byte length + the alert codec's bytes of one alert)
inline constexpr uint8_t kAlertPackFormat = 0x80;

// Appends the entry of `alerts` (non-empty) to `out`: a lone alert is written in the plain alert
// codec (readable by releases before packing), several in the packed format.
void appendAlertPack(std::string& out, const std::vector<const Alert*>& alerts);

// The alerts `bytes` hold (either format), or nullopt with `error` naming what is wrong and where
// ("alerts[2]: labels[0].name: ..."). Never reads out of bounds; trailing bytes are an error.
std::optional<std::vector<Alert>> decodeAlertPack(std::string_view bytes, std::string& error);

// The number of alerts an entry says it holds (1 for a single-alert entry), for logging an entry
// that does not decode; 0 when not even its count is readable.
size_t alertPackCount(std::string_view bytes);

// An id for the entry of `alerts` that is the same for a re-post of the same alerts (ids and
// statuses, in order) and differs for any other: a lone alert's is "<id>:<status>" (as before
// packing), several alerts' is "p:" + 32 hex digits of SHA-256 over their ids and statuses.
std::string alertPackId(const std::vector<const Alert*>& alerts);

}  // namespace nm
