// libFuzzer target for the alert codec: arbitrary bytes must decode or fail with an error, never
// crash; whatever decodes in the current version encodes back to exactly the same bytes (the
// format has one spelling); a legacy version-1 record re-encodes to a current one that decodes
// to the same alert.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/alert_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::string error;
  std::optional<nm::Alert> a = nm::decodeAlert(bytes, error);
  if (!a) {
    if (error.empty()) std::abort();
    return 0;
  }
  if (!error.empty()) std::abort();
  const std::string encoded = nm::encodeAlert(*a);
  if (!bytes.empty() && static_cast<uint8_t>(bytes[0]) == nm::kAlertCodecVersion) {
    if (encoded != bytes) std::abort();
    return 0;
  }
  std::optional<nm::Alert> again = nm::decodeAlert(encoded, error);
  if (!again || nm::encodeAlert(*again) != encoded) std::abort();
  return 0;
}
