// The active-alert store's memory with N (default 1,000,000) realistic Kubernetes alerts held:
// bytes per alert beyond the distinct strings' own bytes, from the store's accounting and from
// the heap (mallinfo2) and RSS deltas. Run: nm-store-memory-bench [N].
#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "k8s_alerts.h"
#include "store/memory_alert_store.h"

namespace {

double rssBytes() {
  std::ifstream f("/proc/self/statm");
  long pages = 0, rss = 0;
  f >> pages >> rss;
  return static_cast<double>(rss) * 4096.0;
}

double heapBytes() {
  struct mallinfo2 m = mallinfo2();
  return static_cast<double>(m.uordblks + m.hblkhd);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace nm;
  const size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  mallopt(M_ARENA_MAX, 1);
  malloc_trim(0);
  const double heap0 = heapBytes(), rss0 = rssBytes();
  store::AlertStoreOptions o;
  o.maxAlerts = 0;
  store::MemoryAlertStore s(o, nullptr, nullptr, nullptr);
  const TimePoint t0 = now();
  auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < n; i += 1000) {
    AlertList batch;
    batch.reserve(1000);
    for (size_t j = i; j < std::min(n, i + 1000); ++j) batch.push_back(bench::k8sAlert(j, t0, t0));
    s.put(batch, t0);
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  malloc_trim(0);
  const double heap = heapBytes() - heap0, rss = rssBytes() - rss0;
  const double strings = static_cast<double>(s.stringBytes());
  const double own = static_cast<double>(s.bytes());
  std::printf("alerts held               %zu (put in %.2f s, %.0f alerts/s, batches of 1000)\n",
              s.size(), secs, static_cast<double>(n) / secs);
  std::printf("distinct strings          %zu, %.1f MB of their own bytes\n", s.internedStrings(),
              strings / 1e6);
  std::printf("store accounting          %.1f MB -> %.1f bytes/alert beyond strings\n", own / 1e6,
              (own - strings) / static_cast<double>(n));
  std::printf("heap delta (mallinfo2)    %.1f MB -> %.1f bytes/alert beyond strings\n", heap / 1e6,
              (heap - strings) / static_cast<double>(n));
  std::printf("RSS delta                 %.1f MB -> %.1f bytes/alert beyond strings\n", rss / 1e6,
              (rss - strings) / static_cast<double>(n));
  return 0;
}
