// A real nats-server with JetStream for unit tests: a random loopback port, a temporary store
// directory, started by posix_spawn and stopped by its PID (tests skip when it is not installed).
#pragma once

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace nm::testing {

inline const char* natsServerBinary() {
  for (const char* p : {"/usr/sbin/nats-server", "/usr/bin/nats-server"})
    if (access(p, X_OK) == 0) return p;
  return nullptr;
}

inline int freeLoopbackPort() {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t n = sizeof a;
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &n);
  close(s);
  return ntohs(a.sin_port);
}

inline bool portAccepts(int port) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(s);
  return ok;
}

class NatsTestServer {
 public:
  NatsTestServer() = default;
  NatsTestServer(const NatsTestServer&) = delete;
  NatsTestServer& operator=(const NatsTestServer&) = delete;
  ~NatsTestServer() {
    stop();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // Starts on a new random port (first call) or the same port and store (after stop()).
  bool start() {
    const char* bin = natsServerBinary();
    if (!bin) return false;
    if (dir_.empty()) {
      char tmpl[] = "/tmp/nm-nats-test-XXXXXX";
      if (!mkdtemp(tmpl)) return false;
      dir_ = tmpl;
      port_ = freeLoopbackPort();
    }
    std::vector<std::string> args = {"nats-server",         "-js", "-a", "127.0.0.1", "-p",
                                     std::to_string(port_), "-sd", dir_};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    int rc = posix_spawn(&pid_, bin, &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) return false;
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < end) {
      if (portAccepts(port_)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  int port() const { return port_; }

 private:
  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace nm::testing
