// The state database file: open and check <dir>/state.db, commit coalesced writes in one
// transaction, read a table back.
#include "persist/sqlite_db.h"

#include <sqlite3.h>

#include <filesystem>
#include <system_error>

namespace nm::persist {

namespace {

// A prepared statement, finalized when it goes out of scope.
class Stmt {
 public:
  Stmt(sqlite3* db, const std::string& sql) {
    rc_ = sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &s_, nullptr);
  }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  bool ok() const { return rc_ == SQLITE_OK && s_ != nullptr; }
  sqlite3_stmt* get() const { return s_; }

 private:
  sqlite3_stmt* s_ = nullptr;
  int rc_ = SQLITE_OK;
};

constexpr const StateTable (&kTables)[kStateTableCount] = kStateTables;

}  // namespace

std::optional<SqliteDb> SqliteDb::open(const std::string& directory, int busyTimeoutMs,
                                       std::string& error) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(directory, ec);
  if (ec) {
    error = "cannot create the --storage.path directory " + directory + ": " + ec.message();
    return std::nullopt;
  }
  const std::string path = (fs::path(directory) / "state.db").string();
  const bool existed = fs::exists(path, ec);
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  SqliteDb db(raw, path);  // owns the handle even when the open failed
  const std::string what = "state database " + path + ": ";
  if (rc != SQLITE_OK) {
    error = what + "cannot open: " + db.message();
    return std::nullopt;
  }
  sqlite3_busy_timeout(raw, busyTimeoutMs);
  if (sqlite3_db_readonly(raw, "main") == 1) {
    error = what + "the file is read-only; the daemon needs to write it";
    return std::nullopt;
  }
  if (existed) {
    // A damaged file is refused here rather than found broken at the first write or load.
    Stmt check(raw, "PRAGMA quick_check");
    if (!check.ok()) {
      error = what + "not a usable database: " + db.message();
      return std::nullopt;
    }
    std::string problems;
    int step;
    while ((step = sqlite3_step(check.get())) == SQLITE_ROW) {
      const char* row = reinterpret_cast<const char*>(sqlite3_column_text(check.get(), 0));
      std::string line = row ? row : "";
      if (line != "ok") problems += (problems.empty() ? "" : "; ") + line;
    }
    if (step != SQLITE_DONE) {
      error = what + "not a usable database: " + db.message();
      return std::nullopt;
    }
    if (!problems.empty()) {
      error = what + "failed its integrity check (corrupt): " + problems;
      return std::nullopt;
    }
  }
  {
    Stmt version(raw, "PRAGMA user_version");
    if (!version.ok() || sqlite3_step(version.get()) != SQLITE_ROW) {
      error = what + "cannot read the schema version: " + db.message();
      return std::nullopt;
    }
    int v = sqlite3_column_int(version.get(), 0);
    if (v > kSchemaVersion) {
      error = what + "schema version " + std::to_string(v) + " is newer than this build's (" +
              std::to_string(kSchemaVersion) +
              "): it was written by a newer notification-manager; run that version or move the "
              "file away";
      return std::nullopt;
    }
  }
  {
    Stmt wal(raw, "PRAGMA journal_mode=WAL");
    const unsigned char* mode = nullptr;
    if (wal.ok() && sqlite3_step(wal.get()) == SQLITE_ROW) mode = sqlite3_column_text(wal.get(), 0);
    if (!mode || std::string_view(reinterpret_cast<const char*>(mode)) != "wal") {
      error = what + "cannot switch to WAL mode: " + db.message();
      return std::nullopt;
    }
  }
  // WAL + synchronous=NORMAL: a commit is appended to the WAL without an fsync; the WAL is
  // synced at checkpoints. So a process crash (kill -9) loses nothing committed (the WAL is in
  // the page cache), and a power loss or kernel crash may lose the last transactions committed
  // before it (never corrupting the file). flush() returns once its records are committed.
  std::string err;
  if (!db.exec("PRAGMA synchronous=NORMAL", err)) {
    error = what + err;
    return std::nullopt;
  }
  // Creating the tables and writing the version is also the write probe: an unwritable file or
  // directory (the WAL and shared-memory files live beside it) fails here, at start.
  std::string schema = "BEGIN IMMEDIATE;";
  for (StateTable t : kTables)
    schema += std::string("CREATE TABLE IF NOT EXISTS ") + toString(t) +
              " (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;";
  schema += "PRAGMA user_version=" + std::to_string(kSchemaVersion) + ";COMMIT;";
  if (!db.exec(schema.c_str(), err)) {
    std::string ignored;
    db.exec("ROLLBACK", ignored);
    error = what + "cannot write: " + err;
    return std::nullopt;
  }
  return std::optional<SqliteDb>(std::move(db));
}

SqliteDb::SqliteDb(SqliteDb&& o) noexcept : db_(o.db_), path_(std::move(o.path_)) {
  o.db_ = nullptr;
}

SqliteDb::~SqliteDb() {
  if (db_) sqlite3_close_v2(db_);
}

std::string SqliteDb::message() const {
  return db_ ? sqlite3_errmsg(db_) : "out of memory";
}

bool SqliteDb::exec(const char* sql, std::string& error) {
  char* msg = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &msg) == SQLITE_OK) return true;
  error = msg ? msg : message();
  sqlite3_free(msg);
  return false;
}

bool SqliteDb::commit(const TableWrites (&tables)[kStateTableCount], CommitCounts& counts,
                      std::string& error) {
  counts = {};
  if (!exec("BEGIN IMMEDIATE", error)) return false;
  auto fail = [&] {
    error = message();
    std::string ignored;
    exec("ROLLBACK", ignored);
    return false;
  };
  for (size_t i = 0; i < kStateTableCount; ++i) {
    if (tables[i].empty()) continue;
    const std::string name = toString(kTables[i]);
    Stmt upsert(db_, "INSERT OR REPLACE INTO " + name + " (key, value) VALUES (?1, ?2)");
    Stmt remove(db_, "DELETE FROM " + name + " WHERE key = ?1");
    if (!upsert.ok() || !remove.ok()) return fail();
    for (const auto& [key, value] : tables[i]) {
      sqlite3_stmt* s = value ? upsert.get() : remove.get();
      sqlite3_bind_text(s, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
      if (value)
        sqlite3_bind_blob(s, 2, value->data(), static_cast<int>(value->size()), SQLITE_STATIC);
      int rc = sqlite3_step(s);
      sqlite3_reset(s);
      if (rc != SQLITE_DONE) return fail();
      ++counts.perTable[i];
    }
  }
  if (!exec("COMMIT", error)) {
    std::string ignored;
    exec("ROLLBACK", ignored);
    return false;
  }
  return true;
}

bool SqliteDb::load(StateTable table,
                    const std::function<void(std::string_view, std::string_view)>& fn,
                    std::string& error) {
  Stmt select(db_, std::string("SELECT key, value FROM ") + toString(table));
  if (!select.ok()) {
    error = "state database " + path_ + ": " + message();
    return false;
  }
  int rc;
  while ((rc = sqlite3_step(select.get())) == SQLITE_ROW) {
    const char* k = reinterpret_cast<const char*>(sqlite3_column_text(select.get(), 0));
    int kn = sqlite3_column_bytes(select.get(), 0);
    const void* v = sqlite3_column_blob(select.get(), 1);
    int vn = sqlite3_column_bytes(select.get(), 1);
    fn(std::string_view(k ? k : "", static_cast<size_t>(kn)),
       std::string_view(v ? static_cast<const char*>(v) : "", static_cast<size_t>(vn)));
  }
  if (rc != SQLITE_DONE) {
    error = "state database " + path_ + ": reading " + toString(table) + ": " + message();
    return false;
  }
  return true;
}

}  // namespace nm::persist
