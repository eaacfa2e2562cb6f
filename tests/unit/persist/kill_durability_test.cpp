// kill -9 durability: a child process puts records, flush()es, tells the parent, and is killed
// with SIGKILL; the parent reopens the file and finds every flushed record.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "persist/persist_test_util.h"
#include "persist/sqlite_state_backend.h"

namespace nm::persist {
namespace {

using test::readTable;
using test::TempDir;

[[noreturn]] void childPutsFlushesAndWaits(const std::string& directory, int readyFd) {
  metrics::Registry reg;
  SqliteOptions o;
  o.directory = directory;
  o.commitInterval = std::chrono::hours(1);  // only flush() commits
  std::string error;
  auto b = SqliteStateBackend::open(o, reg, error);
  if (!b) _exit(3);
  for (int i = 0; i < 5000; ++i) {
    b->put(StateTable::Alerts, "alert" + std::to_string(i), std::string(200, 'a'));
    b->put(StateTable::NotificationLog, "nflog" + std::to_string(i % 100), std::to_string(i));
  }
  b->erase(StateTable::Alerts, "alert0");
  b->flush();
  char ok = 1;
  if (write(readyFd, &ok, 1) != 1) _exit(4);
  // Writes after the flush may or may not survive; the parent does not count on them.
  for (int i = 0;; ++i) {
    b->put(StateTable::Silences, "after" + std::to_string(i % 1000), "x");
    usleep(100);
  }
}

TEST(SqliteKill, FlushedRecordsSurviveSigkill) {
  TempDir dir;
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    childPutsFlushesAndWaits(dir.path(), fds[1]);
  }
  close(fds[1]);
  char ok = 0;
  ssize_t n = read(fds[0], &ok, 1);  // blocks until the child flushed (or died: 0 bytes)
  close(fds[0]);
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_EQ(n, 1) << "the child died before it flushed, status " << status;
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

  metrics::Registry reg;
  SqliteOptions o;
  o.directory = dir.path();
  std::string error;
  auto b = SqliteStateBackend::open(o, reg, error);
  ASSERT_NE(b, nullptr) << error;
  auto alerts = readTable(*b, StateTable::Alerts);
  EXPECT_EQ(alerts.size(), 4999u);
  EXPECT_EQ(alerts.count("alert0"), 0u);
  EXPECT_EQ(alerts["alert4999"], std::string(200, 'a'));
  auto nflog = readTable(*b, StateTable::NotificationLog);
  ASSERT_EQ(nflog.size(), 100u);
  EXPECT_EQ(nflog["nflog99"], "4999");
}

}  // namespace
}  // namespace nm::persist
