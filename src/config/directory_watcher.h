// Watches the files the directory loader reads and calls back once per burst of changes to them:
// inotify (debounced), or polling their mtimes every 2 s when inotify is unavailable.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

namespace nm::config {

class DirectoryWatcher {
 public:
  struct Options {
    // A burst ends after `debounce` without a relevant event, or `maxDelay` after its first one
    // (a file rewritten without pause still reloads every maxDelay).
    std::chrono::milliseconds debounce{200};
    std::chrono::milliseconds maxDelay{2000};
    std::chrono::milliseconds pollInterval{2000};
    bool forcePolling = false;  // tests
  };

  DirectoryWatcher(std::string dir, std::function<void()> onChange)
      : DirectoryWatcher(std::move(dir), std::move(onChange), Options{}) {}
  DirectoryWatcher(std::string dir, std::function<void()> onChange, Options options);
  ~DirectoryWatcher();
  DirectoryWatcher(const DirectoryWatcher&) = delete;
  DirectoryWatcher& operator=(const DirectoryWatcher&) = delete;

  void start();
  void stop();
  bool usingInotify() const { return inotify_.load(); }

 private:
  void run();
  bool runInotify();  // false when inotify could not be set up
  void runPolling();
  std::string fingerprint() const;  // paths + mtimes + sizes of every config file

  std::string dir_;
  std::function<void()> onChange_;
  Options options_;
  int stopFd_ = -1;  // eventfd that wakes the thread for stop()
  std::atomic<bool> stopping_{false};
  std::atomic<bool> inotify_{false};
  std::thread thread_;
};

}  // namespace nm::config
