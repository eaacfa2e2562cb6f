// libFuzzer target for the parked-send record codec: arbitrary bytes decode or fail with an
// error, never crash; whatever decodes encodes to bytes that decode and encode to themselves
// (alerts in the legacy version 1 come back in the current alert format).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "notify/parked_record.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::string error;
  std::optional<nm::ParkedRecord> r = nm::decodeParkedRecord(bytes, error);
  if (!r) {
    if (error.empty()) std::abort();
    return 0;
  }
  if (!error.empty()) std::abort();
  const std::string encoded = nm::encodeParkedRecord(*r);
  if (encoded == bytes) return 0;
  std::optional<nm::ParkedRecord> again = nm::decodeParkedRecord(encoded, error);
  if (!again || nm::encodeParkedRecord(*again) != encoded) std::abort();
  return 0;
}
