// SqliteDb::open refuses what it cannot use, naming the file and SQLite's message: a non-database
// file, a corrupt database, a newer schema, an unwritable directory or file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "persist/persist_test_util.h"
#include "persist/sqlite_state_backend.h"

namespace nm::persist {
namespace {

using test::TempDir;
using ::testing::HasSubstr;

std::string openError(const std::string& directory) {
  metrics::Registry reg;
  SqliteOptions o;
  o.directory = directory;
  std::string error;
  auto b = SqliteStateBackend::open(o, reg, error);
  EXPECT_EQ(b, nullptr);
  return error;
}

void writeFile(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << bytes;
}

void sqlExec(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
}

TEST(SqliteOpen, CreatesTheDirectoryAndTheFile) {
  TempDir dir;
  const std::string nested = dir.file("a/b");
  metrics::Registry reg;
  SqliteOptions o;
  o.directory = nested;
  std::string error;
  auto b = SqliteStateBackend::open(o, reg, error);
  ASSERT_NE(b, nullptr) << error;
  EXPECT_TRUE(std::filesystem::exists(nested + "/state.db"));
}

TEST(SqliteOpen, GarbageBytesAreNotADatabase) {
  TempDir dir;
  std::string garbage;
  for (int i = 0; i < 8192; ++i) garbage.push_back(static_cast<char>((i * 131 + 7) & 0xff));
  writeFile(dir.file("state.db"), garbage);
  std::string error = openError(dir.path());
  EXPECT_THAT(error, HasSubstr(dir.file("state.db")));
  EXPECT_THAT(error, HasSubstr("file is not a database"));  // SQLite's own message
}

TEST(SqliteOpen, ADamagedDatabaseIsRefusedAsCorrupt) {
  TempDir dir;
  const std::string path = dir.file("state.db");
  sqlExec(path,
          "PRAGMA page_size=1024; CREATE TABLE t (k TEXT PRIMARY KEY, v BLOB);"
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<2000)"
          "INSERT INTO t SELECT 'key' || i, randomblob(100) FROM n;");
  // Overwrite pages 3..6 (b-tree pages of the table and its index) with garbage.
  {
    std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(2 * 1024);
    for (int i = 0; i < 4 * 1024; ++i) f.put(static_cast<char>(0xA5 ^ (i & 0x3f)));
  }
  std::string error = openError(dir.path());
  EXPECT_THAT(error, HasSubstr(path));
  EXPECT_TRUE(error.find("corrupt") != std::string::npos ||
              error.find("malformed") != std::string::npos)
      << error;
}

TEST(SqliteOpen, ANewerSchemaVersionIsRefused) {
  TempDir dir;
  sqlExec(dir.file("state.db"), "PRAGMA user_version=99;");
  std::string error = openError(dir.path());
  EXPECT_THAT(error, HasSubstr(dir.file("state.db")));
  EXPECT_THAT(error, HasSubstr("schema version 99 is newer than this build's (1)"));
}

TEST(SqliteOpen, ThePreviousSchemaVersionOpens) {
  TempDir dir;
  {
    metrics::Registry reg;
    SqliteOptions o;
    o.directory = dir.path();
    std::string error;
    ASSERT_NE(SqliteStateBackend::open(o, reg, error), nullptr) << error;
  }
  metrics::Registry reg;
  SqliteOptions o;
  o.directory = dir.path();
  std::string error;
  EXPECT_NE(SqliteStateBackend::open(o, reg, error), nullptr) << error;
}

TEST(SqliteOpen, ADirectoryThatCannotBeCreatedIsRefused) {
  TempDir dir;
  writeFile(dir.file("plainfile"), "x");
  std::string error = openError(dir.file("plainfile/state"));
  EXPECT_THAT(error, HasSubstr("cannot create the --storage.path directory " +
                               dir.file("plainfile/state")));
}

// The open error of `directory` as a process without write access to it: as root, a forked
// child that became user 65534 (root writes through permissions); otherwise this process.
std::string openErrorWithoutWriteAccess(const std::string& directory) {
  if (geteuid() != 0) return openError(directory);
  int fds[2];
  if (pipe(fds) != 0) return "pipe failed";
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(3);
    metrics::Registry reg;
    SqliteOptions o;
    o.directory = directory;
    std::string error;
    auto b = SqliteStateBackend::open(o, reg, error);
    if (b) error = "<opened>";
    ssize_t unused = write(fds[1], error.data(), error.size());
    (void)unused;
    _exit(0);
  }
  close(fds[1]);
  std::string out;
  char buf[512];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return out;
}

TEST(SqliteOpen, AnUnwritableDirectoryIsRefused) {
  TempDir dir;
  ASSERT_EQ(chmod(dir.path().c_str(), geteuid() == 0 ? 0755 : 0555), 0);
  std::string error = openErrorWithoutWriteAccess(dir.path());
  EXPECT_THAT(error, HasSubstr(dir.file("state.db")));
  EXPECT_THAT(error, HasSubstr("unable to open database file"));  // SQLite's message
}

TEST(SqliteOpen, AReadOnlyFileIsRefused) {
  TempDir dir;
  sqlExec(dir.file("state.db"), "CREATE TABLE x (k);");
  ASSERT_EQ(chmod(dir.file("state.db").c_str(), 0444), 0);
  ASSERT_EQ(chmod(dir.path().c_str(), 0755), 0);
  std::string error = openErrorWithoutWriteAccess(dir.path());
  EXPECT_THAT(error, HasSubstr(dir.file("state.db")));
  EXPECT_THAT(error, HasSubstr("read-only"));
}

}  // namespace
}  // namespace nm::persist
