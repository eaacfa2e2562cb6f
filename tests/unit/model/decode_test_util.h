// Test helpers of the model tests: decode inline YAML as file "f.yaml" and search diagnostics.
#pragma once

#include <string>

#include "model/decode.h"

namespace nm::model::test {

struct Decoded {
  ResourceSet rs;
  Diagnostics diags;
};

inline Decoded decode(const std::string& yaml, const std::string& file = "f.yaml") {
  Decoded d;
  decodeText(yaml, file, d.rs, d.diags);
  return d;
}

// True when one diagnostic's full text contains `needle`.
inline bool hasDiag(const Diagnostics& diags, const std::string& needle) {
  for (const auto& d : diags.items()) {
    if (d.str().find(needle) != std::string::npos) return true;
  }
  return false;
}

}  // namespace nm::model::test
