// Allocator tuning behind allocator.h: mallctl for jemalloc (NM_WITH_JEMALLOC, set by CMake when
// libjemalloc-dev is linked), mallopt/malloc_trim for glibc.
#include "app/allocator.h"

#include <malloc.h>

#ifdef NM_WITH_JEMALLOC
#include <jemalloc/jemalloc.h>
#define NM_STRINGIFY_(x) #x
#define NM_STRINGIFY(x) NM_STRINGIFY_(x)
#endif

namespace nm::app {

const char* allocatorName() {
#ifdef NM_WITH_JEMALLOC
  return "jemalloc";
#else
  return "glibc";
#endif
}

void tuneAllocator(size_t notifyLoops) {
#ifdef NM_WITH_JEMALLOC
  (void)notifyLoops;
#else
  // With only two arenas, two curl loops waited on the arena locks and sent no more than one.
  mallopt(M_ARENA_MAX, static_cast<int>(2 + notifyLoops));
#endif
}

void releaseFreeMemory() {
#ifdef NM_WITH_JEMALLOC
  // Every arena's unused dirty pages, at once (jemalloc would otherwise decay them over ~10 s).
  mallctl("arena." NM_STRINGIFY(MALLCTL_ARENAS_ALL) ".purge", nullptr, nullptr, nullptr, 0);
#else
  malloc_trim(0);
#endif
}

}  // namespace nm::app
