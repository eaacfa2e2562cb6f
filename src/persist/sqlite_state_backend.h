// SqliteStateBackend: the StateBackend on <--storage.path>/state.db. put/erase only queue in
// memory (coalesced per key); an owned writer thread commits them in batches.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/time.h"
#include "interfaces/state_backend.h"
#include "observe/metrics.h"
#include "persist/sqlite_db.h"

namespace nm::persist {

struct SqliteOptions {
  std::string directory;                                    // state.db is created inside
  Duration commitInterval = std::chrono::milliseconds(50);  // a batch is committed this often
  size_t commitBatch = 10000;                               // or as soon as this many pend
  size_t maxPending = 1000000;  // distinct pending keys; past it new keys are dropped, counted
  Duration retryInterval = std::chrono::seconds(1);  // after a failed commit
  Duration flushTimeout = std::chrono::seconds(10);  // flush() gives up (logged) past it
  Duration busyTimeout = std::chrono::seconds(5);    // waiting for another process's lock
};

class SqliteStateBackend final : public StateBackend {
 public:
  // Opens (creating the directory and file when missing) and starts the writer; null with
  // `error` naming the file and SQLite's message when the file cannot be used.
  static std::unique_ptr<SqliteStateBackend> open(const SqliteOptions& options,
                                                  metrics::Registry& metrics, std::string& error);
  // Commits what is pending (one last attempt) and joins the writer.
  ~SqliteStateBackend() override;

  std::string name() const override { return "sqlite:" + db_.path(); }
  bool durable() const override { return true; }
  void put(StateTable table, std::string key, std::string value) override;
  void erase(StateTable table, std::string key) override;
  bool load(StateTable table,
            const std::function<void(std::string_view key, std::string_view value)>& fn,
            std::string& error) override;
  void flush() override;

  size_t pending() const;
  const std::string& path() const { return db_.path(); }

 private:
  SqliteStateBackend(SqliteDb db, const SqliteOptions& options, metrics::Registry& metrics);
  void enqueue(StateTable table, std::string key, std::optional<std::string> value);
  void writerLoop();
  // Commits `batch` (taken from pending); true when committed. Caller holds no lock.
  bool commitBatch(const TableWrites (&batch)[kStateTableCount]);

  SqliteDb db_;
  std::mutex dbMu_;  // the connection: writer commits, load reads
  const SqliteOptions options_;

  mutable std::mutex mu_;
  std::condition_variable wake_;     // the writer: batch full, flush asked, stopping
  std::condition_variable flushed_;  // flush(): committed_ advanced
  TableWrites pending_[kStateTableCount];
  size_t pendingCount_ = 0;
  size_t committingCount_ = 0;  // taken out of pending_ by the commit in progress
  uint64_t enqueued_ = 0;       // writes accepted so far (sequence)
  uint64_t committed_ = 0;      // the sequence committed so far
  bool flushWanted_ = false;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point lastDropLog_{};

  metrics::Counter* writes_[kStateTableCount];
  metrics::Counter& writeErrors_;
  metrics::Counter& dropped_;
  metrics::Gauge& pendingGauge_;
  metrics::Histogram& commitSeconds_;

  std::thread writer_;  // last: started once everything above exists
};

}  // namespace nm::persist
