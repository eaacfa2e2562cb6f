// The state database file: opening <dir>/state.db (WAL, synchronous=NORMAL), the checks at open
// (quick_check, schema version, writable) and one transaction of coalesced writes.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "interfaces/state_backend.h"

struct sqlite3;

namespace nm::persist {

// The schema this build writes (PRAGMA user_version). A file with a newer one is refused.
inline constexpr int kSchemaVersion = 1;

// Pending writes of one table: key -> value, or nullopt for an erase. Last write wins.
using TableWrites = std::map<std::string, std::optional<std::string>, std::less<>>;

// Row counts of one committed transaction, per table (for nm_state_writes_total{table}).
struct CommitCounts {
  size_t perTable[kStateTableCount] = {};
};

// One connection, used by one thread at a time (the backend serializes its callers).
class SqliteDb {
 public:
  // Creates `directory` when missing, opens or creates state.db in it and checks it. Returns
  // nullopt with `error` naming the file and SQLite's message: corrupt, not a database, a newer
  // schema, read-only, an unwritable directory.
  // `busyTimeout`: how long a write waits for another connection's lock before failing.
  static std::optional<SqliteDb> open(const std::string& directory, int busyTimeoutMs,
                                      std::string& error);

  SqliteDb(SqliteDb&& o) noexcept;
  SqliteDb& operator=(SqliteDb&&) = delete;
  SqliteDb(const SqliteDb&) = delete;
  ~SqliteDb();

  const std::string& path() const { return path_; }
  // Writes every table's pending records in one transaction; on failure rolls back and returns
  // false with `error` (SQLite's message).
  bool commit(const TableWrites (&tables)[kStateTableCount], CommitCounts& counts,
              std::string& error);
  bool load(StateTable table,
            const std::function<void(std::string_view key, std::string_view value)>& fn,
            std::string& error);

 private:
  SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  bool exec(const char* sql, std::string& error);
  std::string message() const;

  sqlite3* db_ = nullptr;
  std::string path_;
};

}  // namespace nm::persist
