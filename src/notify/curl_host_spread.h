// How the curl event loops share connection limits: each host's limit (and the total) is split
// exactly over the loops, and the next request to a host goes to its least-loaded loop.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace nm {

// The part of `limit` that loop `loop` of `loops` may use when the remainder starts at loop
// `first`: limit / loops, plus one for the `limit % loops` loops from `first` on (wrapping).
// The parts of all loops sum to `limit` exactly.
long loopShare(long limit, size_t loops, size_t first, size_t loop);

// Per-host bookkeeping of requests handed to each loop (queued or active there). Thread-safe.
class HostSpread {
 public:
  static constexpr size_t kNoLoop = static_cast<size_t>(-1);

  HostSpread(size_t loops, long hostLimit);

  size_t loops() const { return loops_; }
  // Where the remainder of `host`'s limit starts: hosts spread their extra connections (and,
  // with a limit below the loop count, their only ones) over different loops.
  size_t firstLoop(const std::string& host) const;
  // The connections loop `loop` may open to `host`; 0: the loop never takes that host (with no
  // limit, <= 0, every loop takes every host).
  long share(const std::string& host, size_t loop) const;

  // Picks the loop for one more request to `host` and counts it there: the loop with a share
  // whose requests per connection would stay lowest; ties go to `preferred` (the calling loop,
  // so a retry stays where it was sent), then to the lowest index.
  size_t take(const std::string& host, size_t preferred = kNoLoop);
  // A request given to `loop` by take() has completed.
  void finished(const std::string& host, size_t loop);

  // Requests of `host` currently counted on `loop` (tests and diagnostics).
  long pending(const std::string& host, size_t loop) const;
  size_t hostsTracked() const;

 private:
  size_t loops_;
  long hostLimit_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::vector<long>> pending_;  // host → per loop; erased at 0
};

}  // namespace nm
