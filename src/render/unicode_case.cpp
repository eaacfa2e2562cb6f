// Binary search over the generated case runs. Written here because ICU's full case mapping
// (libicu-dev) differs from Go's simple per-rune mapping, which the templates must match exactly.
#include "render/unicode_case.h"

#include <algorithm>
#include <cstdint>
#include <iterator>

namespace nm::render {

namespace {

struct CaseRun {
  char32_t lo;
  char32_t hi;
  int32_t upper;
  int32_t lower;
  int32_t title;
  bool alternating;  // even offsets from lo are upper (lower is +1), odd are lower (upper is -1)
};

constexpr CaseRun kRuns[] = {
#include "render/unicode_case_table.inc"
};

enum class Case { Upper, Lower, Title };

char32_t mapCase(char32_t r, Case c) {
  if (r < 0x80) {
    if (c == Case::Lower) return r >= 'A' && r <= 'Z' ? r + 32 : r;
    return r >= 'a' && r <= 'z' ? r - 32 : r;
  }
  auto it = std::upper_bound(std::begin(kRuns), std::end(kRuns), r,
                             [](char32_t v, const CaseRun& run) { return v < run.lo; });
  if (it == std::begin(kRuns)) return r;
  const CaseRun& run = *std::prev(it);
  if (r > run.hi) return r;
  if (run.alternating) {
    const bool isUpper = (r - run.lo) % 2 == 0;
    if (c == Case::Lower) return isUpper ? r + 1 : r;
    return isUpper ? r : r - 1;
  }
  const int32_t d = c == Case::Upper ? run.upper : c == Case::Lower ? run.lower : run.title;
  return static_cast<char32_t>(static_cast<int32_t>(r) + d);
}

}  // namespace

char32_t goToUpper(char32_t r) {
  return mapCase(r, Case::Upper);
}
char32_t goToLower(char32_t r) {
  return mapCase(r, Case::Lower);
}
char32_t goToTitle(char32_t r) {
  return mapCase(r, Case::Title);
}

}  // namespace nm::render
