// libFuzzer target for the configuration path: arbitrary bytes as a YAML/JSON file through the
// decoder and the snapshot builder (no HTTP client, so no notifiers are built).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/snapshot_builder.h"
#include "model/decode.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  nm::model::ResourceSet rs;
  nm::model::Diagnostics diags;
  nm::model::decodeText(text, "fuzz.yaml", rs, diags);
  if (diags.ok()) {
    auto built =
        nm::config::buildSnapshot(std::move(rs), nm::config::BuildOptions{nullptr, "fuzz", 1});
    (void)built;
  }
  (void)diags.str();
  return 0;
}
