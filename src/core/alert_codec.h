// The alert codec: one Alert to bytes and back without loss, for queues that store alerts
// outside the process (Redis Streams, NATS JetStream). Decoding untrusted bytes never crashes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/alert.h"

namespace nm {

// Format version 2, little-endian throughout:
//   u8  version (2; 1 is still read: it lacks the trailing format byte and decodes as Webhook)
//   labels, annotations: u32 count, then count × (string name, string value), names strictly
//                        ascending (a LabelSet's order)
//   u8  status (0 firing, 1 resolved)
//   i64 startsAt (ns since the Unix epoch; kZeroTime is INT64_MIN), i32 startsAtOffset (s)
//   i64 endsAt, i32 endsAtOffset
//   string generatorURL, u64 fingerprint, string id, i64 receivedAt
//   u8  format (IngestFormat: 0 AlertArray, 1 Webhook, 2 Internal; version 2 only)
// where string is u32 byte length + bytes (any bytes: labels are not required to be UTF-8 here).
inline constexpr uint8_t kAlertCodecVersion = 2;

// Appends the encoding of `a` to `out`.
void appendEncodedAlert(std::string& out, const Alert& a);
std::string encodeAlert(const Alert& a);

// The alert `bytes` encode, or nullopt with `error` naming what is wrong and where
// ("labels[2].value: length 900 exceeds the 12 bytes left at offset 40"). Never reads out of
// bounds, never allocates more than the input can hold; trailing bytes are an error.
std::optional<Alert> decodeAlert(std::string_view bytes, std::string& error);

}  // namespace nm
