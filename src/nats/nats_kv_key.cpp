// natsKvKey: bytes to lowercase hex and back, for NATS KV keys.
#include "nats/nats_kv_key.h"

namespace nm {

std::string natsKvKey(std::string_view key) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(key.size() * 2);
  for (unsigned char c : key) {
    s += kHex[c >> 4];
    s += kHex[c & 0xf];
  }
  return s;
}

std::optional<std::string> natsKvKeyDecode(std::string_view kvKey) {
  if (kvKey.size() % 2 != 0) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  out.reserve(kvKey.size() / 2);
  for (size_t i = 0; i < kvKey.size(); i += 2) {
    const int hi = nibble(kvKey[i]), lo = nibble(kvKey[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

}  // namespace nm
