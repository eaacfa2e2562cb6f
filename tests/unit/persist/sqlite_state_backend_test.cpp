// SqliteStateBackend: round trips per table, coalescing, flush, reopen, the pending bound and
// the metrics.
#include "persist/sqlite_state_backend.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <thread>

#include "persist/persist_test_util.h"

namespace nm::persist {
namespace {

using test::readTable;
using test::TempDir;

std::unique_ptr<SqliteStateBackend> openOrFail(const SqliteOptions& o, metrics::Registry& reg) {
  std::string error;
  auto b = SqliteStateBackend::open(o, reg, error);
  EXPECT_NE(b, nullptr) << error;
  return b;
}

SqliteOptions options(const TempDir& dir) {
  SqliteOptions o;
  o.directory = dir.path();
  return o;
}

TEST(SqliteStateBackend, PutEraseLoadRoundTripPerTable) {
  TempDir dir;
  metrics::Registry reg;
  auto b = openOrFail(options(dir), reg);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->name(), "sqlite:" + dir.file("state.db"));
  EXPECT_TRUE(b->durable());
  b->put(StateTable::Alerts, "a1", "alert one");
  b->put(StateTable::Alerts, "a2", std::string("bin\0ary", 7));
  b->put(StateTable::NotificationLog, "r/g", "log");
  b->put(StateTable::Silences, "s1", "");
  b->put(StateTable::Silences, "s2", "gone");
  b->erase(StateTable::Silences, "s2");
  b->erase(StateTable::Alerts, "never-written");
  b->flush();
  using M = std::map<std::string, std::string>;
  EXPECT_EQ(readTable(*b, StateTable::Alerts),
            (M{{"a1", "alert one"}, {"a2", std::string("bin\0ary", 7)}}));
  EXPECT_EQ(readTable(*b, StateTable::NotificationLog), (M{{"r/g", "log"}}));
  EXPECT_EQ(readTable(*b, StateTable::Silences), (M{{"s1", ""}}));
  // An erase after a commit removes the stored row.
  b->erase(StateTable::Alerts, "a1");
  b->flush();
  EXPECT_EQ(readTable(*b, StateTable::Alerts), (M{{"a2", std::string("bin\0ary", 7)}}));
  EXPECT_EQ(b->pending(), 0u);
}

TEST(SqliteStateBackend, ThousandPutsOfOneKeyCoalesceIntoOneRow) {
  TempDir dir;
  metrics::Registry reg;
  SqliteOptions o = options(dir);
  o.commitInterval = std::chrono::hours(1);  // only flush() commits
  auto b = openOrFail(o, reg);
  ASSERT_TRUE(b);
  for (int i = 0; i < 1000; ++i) b->put(StateTable::Alerts, "k", "v" + std::to_string(i));
  EXPECT_EQ(b->pending(), 1u);
  b->flush();
  EXPECT_EQ(readTable(*b, StateTable::Alerts), (std::map<std::string, std::string>{{"k", "v999"}}));
  EXPECT_NE(reg.render().find("nm_state_writes_total{table=\"alerts\"} 1\n"), std::string::npos)
      << reg.render();
}

TEST(SqliteStateBackend, FlushedRecordsAreInTheFileForAnotherConnection) {
  TempDir dir;
  metrics::Registry reg;
  SqliteOptions o = options(dir);
  o.commitInterval = std::chrono::hours(1);
  auto b = openOrFail(o, reg);
  ASSERT_TRUE(b);
  b->put(StateTable::NotificationLog, "key", "value");
  b->flush();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(dir.file("state.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT value FROM nflog WHERE key='key'", -1, &s, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_EQ(std::string(static_cast<const char*>(sqlite3_column_blob(s, 0)),
                        static_cast<size_t>(sqlite3_column_bytes(s, 0))),
            "value");
  sqlite3_finalize(s);
  sqlite3_close(db);
}

TEST(SqliteStateBackend, TheWriterCommitsWithoutFlush) {
  TempDir dir;
  metrics::Registry reg;
  auto b = openOrFail(options(dir), reg);
  ASSERT_TRUE(b);
  b->put(StateTable::Alerts, "a", "1");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (b->pending() != 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(b->pending(), 0u);
  EXPECT_EQ(readTable(*b, StateTable::Alerts).size(), 1u);
}

TEST(SqliteStateBackend, ReopenAfterCloseSeesEverythingIncludingUnflushedWrites) {
  TempDir dir;
  {
    metrics::Registry reg;
    SqliteOptions o = options(dir);
    o.commitInterval = std::chrono::hours(1);
    auto b = openOrFail(o, reg);
    ASSERT_TRUE(b);
    for (int i = 0; i < 100; ++i) b->put(StateTable::Alerts, "a" + std::to_string(i), "x");
    b->put(StateTable::Silences, "s", "y");
    // No flush: the destructor commits what is pending before it joins the writer.
  }
  metrics::Registry reg;
  auto b = openOrFail(options(dir), reg);
  ASSERT_TRUE(b);
  EXPECT_EQ(readTable(*b, StateTable::Alerts).size(), 100u);
  EXPECT_EQ(readTable(*b, StateTable::Silences).size(), 1u);
  EXPECT_TRUE(readTable(*b, StateTable::NotificationLog).empty());
}

TEST(SqliteStateBackend, PastThePendingBoundNewKeysAreDroppedAndCounted) {
  TempDir dir;
  metrics::Registry reg;
  SqliteOptions o = options(dir);
  o.commitInterval = std::chrono::hours(1);
  o.maxPending = 10;
  auto b = openOrFail(o, reg);
  ASSERT_TRUE(b);
  for (int i = 0; i < 20; ++i) b->put(StateTable::Alerts, "a" + std::to_string(i), "x");
  b->put(StateTable::Alerts, "a0", "rewritten");  // a pending key is still accepted
  EXPECT_EQ(b->pending(), 10u);
  const std::string text = reg.render();
  EXPECT_NE(text.find("nm_state_writes_dropped_total 10\n"), std::string::npos) << text;
  EXPECT_NE(text.find("nm_state_pending_records 10\n"), std::string::npos) << text;
  b->flush();
  auto rows = readTable(*b, StateTable::Alerts);
  EXPECT_EQ(rows.size(), 10u);
  EXPECT_EQ(rows["a0"], "rewritten");
  EXPECT_NE(reg.render().find("nm_state_commit_seconds_count 1\n"), std::string::npos);
}

}  // namespace
}  // namespace nm::persist

namespace nm::persist {
namespace {

// A commit that fails (here: another connection holds the write lock) is counted, logged and
// retried with the records kept; once the lock is gone they are committed.
TEST(SqliteStateBackend, AFailedCommitIsCountedAndRetried) {
  TempDir dir;
  metrics::Registry reg;
  SqliteOptions o = options(dir);
  o.busyTimeout = std::chrono::milliseconds(20);
  o.retryInterval = std::chrono::milliseconds(20);
  o.commitInterval = std::chrono::milliseconds(10);
  auto b = openOrFail(o, reg);
  ASSERT_TRUE(b);
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(dir.file("state.db").c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  b->put(StateTable::Alerts, "k", "v");
  auto errors = [&] {
    return reg.render().find("nm_state_write_errors_total 0\n") == std::string::npos;
  };
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!errors() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_TRUE(errors()) << reg.render();
  EXPECT_EQ(b->pending(), 1u);
  ASSERT_EQ(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);
  b->flush();
  EXPECT_EQ(b->pending(), 0u);
  EXPECT_EQ(readTable(*b, StateTable::Alerts), (std::map<std::string, std::string>{{"k", "v"}}));
}

}  // namespace
}  // namespace nm::persist
