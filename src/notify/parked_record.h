// The parked-send record: what a notification parked behind its throttle needs to be sent again
// after a restart, encoded to bytes for the StateBackend and decoded without trusting them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/alert.h"
#include "core/time.h"

namespace nm {

struct ParkedRecord {
  std::string writer;        // replica (process) id of the writer
  std::string receiverKey;   // the snapshot's name of the receiver: "type/name"
  std::string receiverName;  // Data::receiverName
  LabelSet groupLabels;      // the notification's group key
  LabelSet commonLabels;
  LabelSet commonAnnotations;
  AlertList alerts;
  TimePoint parkedAt = kZeroTime;
};

// Format version 1, little-endian:
//   u8 version (1), string writer, string receiverKey, string receiverName,
//   labels groupLabels, labels commonLabels, labels commonAnnotations, i64 parkedAt (ns since
//   the Unix epoch), u32 alert count, then count × string (core/alert_codec encoding)
// where string is u32 byte length + bytes and labels is u32 count + count × (string, string),
// names strictly ascending.
inline constexpr uint8_t kParkedRecordVersion = 1;

std::string encodeParkedRecord(const ParkedRecord& r);

// The record `bytes` encode, or nullopt with `error` naming the field and offset at fault. Never
// reads out of bounds; trailing bytes are an error.
std::optional<ParkedRecord> decodeParkedRecord(std::string_view bytes, std::string& error);

}  // namespace nm
