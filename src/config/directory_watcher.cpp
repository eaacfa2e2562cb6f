// inotify over the directory tree (re-armed after every burst, as ConfigMap mounts swap whole
// directories), events filtered by the loader's predicate, an eventfd to stop, and the
// mtime-polling fallback.
#include "config/directory_watcher.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string_view>
#include <system_error>
#include <vector>

#include "config/directory_loader.h"
#include "observe/log.h"

namespace nm::config {

namespace fs = std::filesystem;

DirectoryWatcher::DirectoryWatcher(std::string dir, std::function<void()> onChange, Options options)
    : dir_(std::move(dir)), onChange_(std::move(onChange)), options_(options) {}

DirectoryWatcher::~DirectoryWatcher() {
  stop();
}

void DirectoryWatcher::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  stopFd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  thread_ = std::thread([this] { run(); });
}

void DirectoryWatcher::stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  if (stopFd_ >= 0) {
    uint64_t one = 1;
    ssize_t n = write(stopFd_, &one, sizeof one);
    (void)n;
  }
  thread_.join();
  if (stopFd_ >= 0) close(stopFd_);
  stopFd_ = -1;
}

void DirectoryWatcher::run() {
  if (!options_.forcePolling && runInotify()) return;
  inotify_ = false;
  if (stopping_) return;
  log::info("watching configuration directory by polling", {{"dir", dir_}});
  runPolling();
}

namespace {

constexpr uint32_t kMask = IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM |
                           IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF;

// Watches `dir` and every non-dot directory below it; false when the root cannot be watched.
bool addWatches(int fd, const std::string& dir) {
  if (inotify_add_watch(fd, dir.c_str(), kMask) < 0) return false;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::follow_directory_symlink, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it.depth() > 32 || isSkippedEntryName(it->path().filename().string())) {
      it.disable_recursion_pending();
      continue;
    }
    std::error_code dec;
    if (it->is_directory(dec)) inotify_add_watch(fd, it->path().c_str(), kMask);
  }
  return true;
}

// Whether one event can change what the loader reads. Files count when the loader reads their
// name; directories when it descends into them; the ConfigMap mount's `..data` link because every
// file is read through it (the kubelet swaps it to publish an update). Anything else — a log file
// written in the directory, editors' swap files — is ignored.
bool relevant(const inotify_event& ev) {
  if (ev.mask & (IN_Q_OVERFLOW | IN_DELETE_SELF | IN_MOVE_SELF)) return true;
  if (ev.len == 0) return false;  // about the watched directory itself (attributes)
  const std::string_view name(ev.name);
  if (name == "..data") return true;
  if (ev.mask & IN_ISDIR) return !isSkippedEntryName(name);
  return isConfigFileName(name);
}

// Reads every pending inotify event; true when one of them is relevant.
bool drainRelevant(int fd) {
  alignas(inotify_event) char buf[8192];
  bool any = false;
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return any;
    for (char* p = buf; p < buf + n;) {
      const auto* ev = reinterpret_cast<const inotify_event*>(p);
      any = any || relevant(*ev);
      p += sizeof(inotify_event) + ev->len;
    }
  }
}

}  // namespace

bool DirectoryWatcher::runInotify() {
  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return false;
  if (!addWatches(fd, dir_)) {
    close(fd);
    return false;
  }
  inotify_ = true;
  log::info("watching configuration directory with inotify", {{"dir", dir_}});
  using Clock = std::chrono::steady_clock;
  while (!stopping_) {
    pollfd fds[2] = {{fd, POLLIN, 0}, {stopFd_, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) continue;
    if (stopping_ || (fds[1].revents & POLLIN)) break;
    if (!drainRelevant(fd)) continue;
    // Debounce: wait until relevant events have been quiet for `debounce`, at most `maxDelay`
    // after the first one.
    const auto deadline = Clock::now() + options_.maxDelay;
    auto quietUntil = Clock::now() + options_.debounce;
    for (;;) {
      const auto until = std::min(quietUntil, deadline);
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now());
      if (left.count() <= 0) break;
      pollfd more[2] = {{fd, POLLIN, 0}, {stopFd_, POLLIN, 0}};
      int n = poll(more, 2, static_cast<int>(left.count()));
      if (stopping_ || (n > 0 && (more[1].revents & POLLIN))) break;
      if (n > 0 && drainRelevant(fd)) quietUntil = Clock::now() + options_.debounce;
    }
    if (stopping_) break;
    // Directories may have come and gone (ConfigMap ..data swaps): re-arm from scratch. The
    // callback loads after the new watches exist, so no change falls between the two.
    close(fd);
    fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0 || !addWatches(fd, dir_)) {
      log::warn("configuration directory cannot be watched, switching to polling", {{"dir", dir_}});
      if (fd >= 0) close(fd);
      onChange_();
      return false;
    }
    onChange_();
  }
  close(fd);
  return true;
}

std::string DirectoryWatcher::fingerprint() const {
  model::Diagnostics ignored;
  std::string fp;
  for (const auto& f : listConfigFiles(dir_, ignored)) {
    std::error_code ec;
    auto t = fs::last_write_time(f, ec);
    auto size = fs::file_size(f, ec);
    fp += f + '\0' + std::to_string(t.time_since_epoch().count()) + '\0' + std::to_string(size) +
          '\n';
  }
  if (!ignored.ok()) fp += "!unreadable";
  return fp;
}

void DirectoryWatcher::runPolling() {
  std::string last = fingerprint();
  const int intervalMs = static_cast<int>(options_.pollInterval.count());
  while (!stopping_) {
    pollfd p{stopFd_, POLLIN, 0};
    int n = poll(&p, 1, intervalMs);
    if (stopping_ || n > 0) break;
    std::string cur = fingerprint();
    if (cur != last) {
      last = std::move(cur);
      onChange_();
    }
  }
}

}  // namespace nm::config
