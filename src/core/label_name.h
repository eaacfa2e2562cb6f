// Prometheus' label-name rule, one implementation for alert labels at ingest, InhibitRule `equal`
// and silence matchers: model.LabelName.IsValid as Alertmanager 0.25 has it.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace nm {

namespace label_name_detail {
// Bit 1: may start a Prometheus label name; bit 2: may follow.
inline constexpr std::array<uint8_t, 256> kNameBytes = [] {
  std::array<uint8_t, 256> t{};
  for (int ch = 'a'; ch <= 'z'; ++ch) t[ch] = 3;
  for (int ch = 'A'; ch <= 'Z'; ++ch) t[ch] = 3;
  for (int ch = '0'; ch <= '9'; ++ch) t[ch] = 2;
  t['_'] = 3;
  return t;
}();
}  // namespace label_name_detail

// ^[a-zA-Z_][a-zA-Z0-9_]*$. One table lookup per byte, no branch inside the loop; inline because
// ingest calls it for every label of every alert.
inline bool isLabelName(std::string_view s) {
  using label_name_detail::kNameBytes;
  if (s.empty() || !(kNameBytes[static_cast<unsigned char>(s[0])] & 1)) return false;
  uint8_t all = 2;
  for (size_t i = 1; i < s.size(); ++i) all &= kNameBytes[static_cast<unsigned char>(s[i])];
  return all != 0;
}

}  // namespace nm
