// libFuzzer target for the classic matcher parser (amtool's syntax, API filters): arbitrary text;
// an accepted list must print back (LabelMatcher::toString) to text that parses to the same list.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "silence/matchers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  nm::LabelMatchers ms;
  std::string error;
  if (!nm::parseMatchers(text, ms, error)) {
    if (error.empty()) std::abort();
    return 0;
  }
  std::string printed = "{";
  for (const nm::LabelMatcher& m : ms) {
    if (m.name.empty() || (m.isRegex() && !m.regex)) std::abort();
    (void)m.matches("");
    printed += m.toString() + ",";
  }
  printed += "}";
  nm::LabelMatchers again;
  if (!nm::parseMatchers(printed, again, error) || again != ms) std::abort();
  return 0;
}
