// libFuzzer target for the queue's entry framing (queue/alert_pack): arbitrary bytes must decode
// or fail with an error, never crash; whatever decodes packs back into an entry that decodes to
// the same alerts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/alert_codec.h"
#include "queue/alert_pack.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::string error;
  auto alerts = nm::decodeAlertPack(bytes, error);
  if (!alerts) {
    if (error.empty()) std::abort();
    return 0;
  }
  if (alerts->empty() || nm::alertPackCount(bytes) != alerts->size()) std::abort();
  std::vector<const nm::Alert*> members;
  for (const nm::Alert& a : *alerts) members.push_back(&a);
  std::string packed;
  nm::appendAlertPack(packed, members);
  auto again = nm::decodeAlertPack(packed, error);
  if (!again || again->size() != alerts->size()) std::abort();
  for (size_t k = 0; k < alerts->size(); ++k)
    if (nm::encodeAlert((*again)[k]) != nm::encodeAlert((*alerts)[k])) std::abort();
  return 0;
}
