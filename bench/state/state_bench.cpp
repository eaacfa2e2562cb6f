// Google Benchmark of the SQLite state backend (issue #11): records/s through put + commit (wall
// clock: the writer thread does the work), and put alone on the hot path behind the writer.
//   build/bench/nm-state-bench [--benchmark_filter=...]   (the database lives in $TMPDIR)
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "persist/sqlite_state_backend.h"

namespace nm::persist {
namespace {

struct Db {
  Db() {
    std::string pattern = (std::filesystem::temp_directory_path() / "nm-state-bench-XXXXXX");
    dir = mkdtemp(pattern.data());
    SqliteOptions o;
    o.directory = dir;
    std::string error;
    backend = SqliteStateBackend::open(o, reg, error);
    if (!backend) throw std::runtime_error(error);
  }
  ~Db() {
    backend.reset();
    std::filesystem::remove_all(dir);
  }
  std::string dir;
  metrics::Registry reg;
  std::unique_ptr<SqliteStateBackend> backend;
};

// A notification-log-sized record (~300 bytes), keys of a 100,000-record table rewritten.
const std::string kValue(300, 'v');

// Puts range(0) distinct records then flush(): records/s committed to disk (WAL, NORMAL).
void BM_StatePutAndCommit(benchmark::State& state) {
  Db db;
  const int64_t n = state.range(0);
  int64_t next = 0;
  for (auto _ : state) {
    for (int64_t i = 0; i < n; ++i)
      db.backend->put(StateTable::Alerts, "alert-" + std::to_string(next++ % 100000), kValue);
    db.backend->flush();
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_StatePutAndCommit)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(10000)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// put() alone, the writer committing every 50 ms behind it: the hot path's cost.
void BM_StatePutOnly(benchmark::State& state) {
  Db db;
  int64_t next = 0;
  for (auto _ : state)
    db.backend->put(StateTable::Alerts, "alert-" + std::to_string(next++ % 100000), kValue);
  state.SetItemsProcessed(state.iterations());
  db.backend->flush();
}
BENCHMARK(BM_StatePutOnly)->UseRealTime();

// An erase per record (an alert collected): put then erase the same keys, committed.
void BM_StateEraseAndCommit(benchmark::State& state) {
  Db db;
  for (int64_t i = 0; i < 10000; ++i)
    db.backend->put(StateTable::Alerts, "alert-" + std::to_string(i), kValue);
  db.backend->flush();
  for (auto _ : state) {
    for (int64_t i = 0; i < 10000; ++i)
      db.backend->erase(StateTable::Alerts, "alert-" + std::to_string(i));
    db.backend->flush();
    state.PauseTiming();
    for (int64_t i = 0; i < 10000; ++i)
      db.backend->put(StateTable::Alerts, "alert-" + std::to_string(i), kValue);
    db.backend->flush();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * 10000);
}
BENCHMARK(BM_StateEraseAndCommit)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace nm::persist
