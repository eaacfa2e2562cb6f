// The process allocator: jemalloc when the build links it (per-thread caches, no arena locks on
// the ingest and delivery paths), else glibc malloc with few arenas; and returning freed memory.
#pragma once

#include <cstddef>

namespace nm::app {

// "jemalloc" or "glibc", for the startup log.
const char* allocatorName();

// Called once at start, before threads: glibc gets M_ARENA_MAX = 2 + curl loops (more arenas
// only fragment memory); jemalloc needs nothing.
void tuneAllocator(size_t notifyLoops);

// After a large free (a replaced snapshot, the loaded configuration): give the freed pages back
// to the kernel now instead of when the allocator gets round to it.
void releaseFreeMemory();

}  // namespace nm::app
