// How a notification log entry is stored through the StateBackend (StateTable::NotificationLog):
// the record key joins receiver key and group key, the value is a small versioned text line.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "interfaces/notification_log.h"

namespace nm::dedup {

// receiverKey "\n" groupKey (a receiver key, "type/name", never holds a newline).
std::string logKey(std::string_view receiverKey, std::string_view groupKey);
// Splits a logKey; false when it has no separator.
bool splitLogKey(std::string_view key, std::string_view& receiverKey, std::string_view& groupKey);

// "1 <sentAt ns> <expiresAt ns> <n> <fp hex>... <m> <fp hex>..." (firing, then resolved).
std::string encodeEntry(const NotificationLogEntry& e);
// Null when the text is not an entry of this version (the record is skipped and logged).
std::optional<NotificationLogEntry> decodeEntry(std::string_view text);

}  // namespace nm::dedup
