// libFuzzer target for the alert codec: arbitrary bytes must decode or fail with an error, never
// crash; whatever decodes must encode back to exactly the same bytes (the format has one spelling).
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
  if (nm::encodeAlert(*a) != bytes) std::abort();
  return 0;
}
