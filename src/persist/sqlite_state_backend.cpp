// SqliteStateBackend: the pending map (last write per key wins), the writer thread that commits
// it every commitInterval, flush(), retries on write errors, and the nm_state_* metrics.
#include "persist/sqlite_state_backend.h"

#include <chrono>

#include "observe/log.h"

namespace nm::persist {

namespace {

std::vector<double> commitBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

}  // namespace

std::unique_ptr<SqliteStateBackend> SqliteStateBackend::open(const SqliteOptions& options,
                                                             metrics::Registry& metrics,
                                                             std::string& error) {
  std::optional<SqliteDb> db = SqliteDb::open(
      options.directory,
      static_cast<int>(
          std::chrono::duration_cast<std::chrono::milliseconds>(options.busyTimeout).count()),
      error);
  if (!db) return nullptr;
  return std::unique_ptr<SqliteStateBackend>(
      new SqliteStateBackend(std::move(*db), options, metrics));
}

SqliteStateBackend::SqliteStateBackend(SqliteDb db, const SqliteOptions& options,
                                       metrics::Registry& metrics)
    : db_(std::move(db)),
      options_(options),
      writeErrors_(metrics
                       .counter("nm_state_write_errors_total",
                                "Failed commits to the state database (retried).")
                       .with({})),
      dropped_(metrics
                   .counter("nm_state_writes_dropped_total",
                            "State writes dropped because too many records were pending.")
                   .with({})),
      pendingGauge_(
          metrics.gauge("nm_state_pending_records", "State records waiting to be committed.")
              .with({})),
      commitSeconds_(metrics
                         .histogram("nm_state_commit_seconds",
                                    "Time of one state database transaction.", {}, commitBuckets())
                         .with({})) {
  auto& writes = metrics.counter("nm_state_writes_total",
                                 "State records committed (written or erased).", {"table"});
  for (StateTable t : kStateTables) writes_[static_cast<size_t>(t)] = &writes.with({toString(t)});
  writer_ = std::thread([this] { writerLoop(); });
}

SqliteStateBackend::~SqliteStateBackend() {
  {
    std::lock_guard<std::mutex> g(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  writer_.join();
}

void SqliteStateBackend::put(StateTable table, std::string key, std::string value) {
  enqueue(table, std::move(key), std::move(value));
}

void SqliteStateBackend::erase(StateTable table, std::string key) {
  enqueue(table, std::move(key), std::nullopt);
}

void SqliteStateBackend::enqueue(StateTable table, std::string key,
                                 std::optional<std::string> value) {
  bool wake = false;
  {
    std::lock_guard<std::mutex> g(mu_);
    TableWrites& t = pending_[static_cast<size_t>(table)];
    auto it = t.find(key);
    if (it != t.end()) {
      it->second = std::move(value);  // coalesced: no growth
    } else if (pendingCount_ >= options_.maxPending) {
      dropped_.inc();
      auto n = std::chrono::steady_clock::now();
      if (n - lastDropLog_ >= std::chrono::seconds(10)) {
        lastDropLog_ = n;
        log::error(
            "state write dropped: too many records pending for the state database "
            "(commits failing?); state after a restart will be incomplete",
            {{"file", db_.path()},
             {"table", toString(table)},
             {"pending", std::to_string(pendingCount_)}});
      }
      return;
    } else {
      t.emplace(std::move(key), std::move(value));
      ++pendingCount_;
      pendingGauge_.set(static_cast<double>(pendingCount_));
      wake = pendingCount_ == options_.commitBatch;
    }
    ++enqueued_;
  }
  if (wake) wake_.notify_one();
}

bool SqliteStateBackend::load(StateTable table,
                              const std::function<void(std::string_view, std::string_view)>& fn,
                              std::string& error) {
  std::lock_guard<std::mutex> g(dbMu_);
  return db_.load(table, fn, error);
}

void SqliteStateBackend::flush() {
  std::unique_lock<std::mutex> lk(mu_);
  const uint64_t target = enqueued_;
  if (committed_ >= target) return;
  flushWanted_ = true;
  wake_.notify_one();
  if (!flushed_.wait_for(lk, options_.flushTimeout, [&] { return committed_ >= target; })) {
    log::error("state flush timed out: records not yet committed to the state database",
               {{"file", db_.path()}, {"pending", std::to_string(pendingCount_)}});
  }
}

size_t SqliteStateBackend::pending() const {
  std::lock_guard<std::mutex> g(mu_);
  return pendingCount_ + committingCount_;
}

bool SqliteStateBackend::commitBatch(const TableWrites (&batch)[kStateTableCount]) {
  CommitCounts counts;
  std::string error;
  auto start = std::chrono::steady_clock::now();
  bool ok;
  {
    std::lock_guard<std::mutex> g(dbMu_);
    ok = db_.commit(batch, counts, error);
  }
  commitSeconds_.observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  if (!ok) {
    writeErrors_.inc();
    size_t records = batch[0].size() + batch[1].size() + batch[2].size();
    log::error("cannot write the state database; the records stay pending and are retried",
               {{"file", db_.path()}, {"error", error}, {"records", std::to_string(records)}});
    return false;
  }
  for (size_t i = 0; i < kStateTableCount; ++i)
    if (counts.perTable[i]) writes_[i]->inc(counts.perTable[i]);
  return true;
}

void SqliteStateBackend::writerLoop() {
  std::unique_lock<std::mutex> lk(mu_);
  for (;;) {
    wake_.wait_for(lk, options_.commitInterval, [&] {
      return stopping_ || flushWanted_ || pendingCount_ >= options_.commitBatch;
    });
    flushWanted_ = false;
    if (pendingCount_ == 0) {
      committed_ = enqueued_;  // nothing pending: dropped writes count as settled
      flushed_.notify_all();
      if (stopping_) return;
      continue;
    }
    TableWrites batch[kStateTableCount];
    for (size_t i = 0; i < kStateTableCount; ++i) batch[i].swap(pending_[i]);
    const uint64_t taken = enqueued_;
    committingCount_ = pendingCount_;  // still pending until committed (pending() counts them)
    pendingCount_ = 0;
    lk.unlock();
    bool ok = commitBatch(batch);
    lk.lock();
    committingCount_ = 0;
    if (ok) {
      committed_ = taken;
      pendingGauge_.set(static_cast<double>(pendingCount_));
      flushed_.notify_all();
      continue;
    }
    // Put the batch back under what was written meanwhile (newer writes of a key win).
    for (size_t i = 0; i < kStateTableCount; ++i) {
      for (auto& [key, value] : batch[i]) {
        if (pending_[i].try_emplace(key, std::move(value)).second) ++pendingCount_;
      }
    }
    pendingGauge_.set(static_cast<double>(pendingCount_));
    if (stopping_) {
      log::error("state records lost: the state database could not be written at shutdown",
                 {{"file", db_.path()}, {"records", std::to_string(pendingCount_)}});
      return;
    }
    wake_.wait_for(lk, options_.retryInterval, [&] { return stopping_; });
  }
}

}  // namespace nm::persist
