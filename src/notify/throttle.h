// Per-key sliding-window send throttle for chat channels (DingTalk chatbot 20/min per webhook,
// conversation 25/s per app): a send over the limit is scheduled for its slot, never dropped.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include <vector>

#include "core/time.h"
#include "model/decode_reader.h"
#include "notify/http_client.h"
#include "notify/notifier.h"

namespace nm {

struct ThrottleLimit {
  int threshold = 20;                       // sends per unit; <= 0 disables the throttle
  Duration unit = std::chrono::minutes(1);  // the sliding window
  Duration maxWait = std::chrono::seconds(10);
};

// Decodes {threshold, unit, maxWaitTime} at `path` over `defaults` (absent fields keep theirs).
ThrottleLimit decodeThrottleLimit(model::Reader& r, const YAML::Node& n, const std::string& path,
                                  ThrottleLimit defaults);

class Throttle {
 public:
  // The process-wide throttle (windows survive config reloads).
  static Throttle& global();

  // Reserves the earliest slot for `key` under `limit` and runs `go(wait)` then: inline when the
  // slot is now, else via timers.after(wait). A wait within maxWait counts as "waited"; a longer
  // one as "deferred" (logged and counted). Either way the send happens exactly once and its
  // slot is held, so a backlog is spread over the windows, never dropped and never over the
  // limit. Returns the wait.
  Duration acquire(const std::string& key, const ThrottleLimit& limit, HttpClient& timers,
                   std::function<void(Duration)> go);

  // The reservation alone (no scheduling), for tests: the wait of a send at `at`.
  Duration reserve(const std::string& key, const ThrottleLimit& limit, TimePoint at);

 private:
  std::mutex mu_;
  std::map<std::string, std::deque<TimePoint>> windows_;  // reserved send times, ascending
};

// One vendor request of a notification (a chunk to a webhook, a chunk to a chat id…).
struct ChatJob {
  std::string throttleKey;  // empty: not throttled
  ThrottleLimit limit;
  std::string target;  // for SendOutcome::channelTarget; never a secret
  // Sends with retries until `deadline` and reports once.
  std::function<void(TimePoint deadline, std::function<void(SendOutcome)>)> run;
};

// Runs `jobs` one after another (chunks arrive in order), each after its throttle slot; a
// throttle wait extends that job's deadline by the wait, so waiting never eats the retry budget.
// `done` gets ok when every job succeeded, the summed attempts, the first failures' reasons and
// the distinct targets.
void runChatJobs(HttpClient& http, std::vector<ChatJob> jobs, TimePoint deadline,
                 std::function<void(SendOutcome)> done);

}  // namespace nm
