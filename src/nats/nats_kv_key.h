// Table and throttle keys as NATS KV keys: KV keys allow only [-/_=.a-zA-Z0-9], so any byte string
// is stored as its lowercase hex (shared state buckets and the throttle bucket alike).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nm {

std::string natsKvKey(std::string_view key);
// nullopt when `kvKey` is not lowercase hex of even length.
std::optional<std::string> natsKvKeyDecode(std::string_view kvKey);

}  // namespace nm
