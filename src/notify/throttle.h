// Per-key sliding-window send throttle for chat channels (DingTalk chatbot 20/min per webhook,
// conversation 25/s per app): a send over the limit is scheduled for its slot, never dropped.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/time.h"
#include "interfaces/http_client.h"
#include "interfaces/notifier.h"
#include "model/decode_reader.h"
#include "notify/local_throttle_window.h"
#include "notify/throttle_window.h"
#include "observe/metrics.h"

namespace nm {

// Decodes {threshold, unit, maxWaitTime} at `path` over `defaults` (absent fields keep theirs).
ThrottleLimit decodeThrottleLimit(model::Reader& r, const YAML::Node& n, const std::string& path,
                                  ThrottleLimit defaults);

class Throttle {
 public:
  using Ticket = ThrottleTicket;

  // One per daemon (ChannelServices): windows survive config reloads. `window` keeps the sends
  // per key: null is this process's own (LocalThrottleWindow); RedisThrottleWindow shares them
  // with every replica.
  explicit Throttle(metrics::Registry& registry, std::unique_ptr<ThrottleWindow> window = nullptr);

  // Reserves the earliest slot for `key` under `limit` and runs `go(waited, ticket)` when the
  // send may leave: inline when the slot is now and the window local, else via timers. A wait
  // within maxWait counts as "waited"; a longer one as "deferred" (logged and counted). Either
  // way the send happens exactly once and its slot is held, so a backlog is spread over the
  // windows, never dropped. The caller must settle(key, ticket, t) when the send's last attempt
  // has been answered: the vendor saw the request at some moment before that answer, so a send
  // `threshold` places later leaves only one window after the answer. This keeps the vendor's
  // window under the limit even when requests queue in the HTTP client for a while.
  // `deferred` runs (before any wait) when the first wait exceeds maxWait.
  void acquire(const std::string& key, const ThrottleLimit& limit, HttpClient& timers,
               std::function<void(Duration waited, Ticket ticket)> go,
               std::function<void()> deferred = nullptr);

  // The send of `ticket` was answered at `at` (later sends count from there).
  void settle(const std::string& key, Ticket ticket, TimePoint at);

  // The reservation alone in this process's window (no scheduling, never settled), for tests:
  // the wait of a send at `at`.
  Duration reserve(const std::string& key, const ThrottleLimit& limit, TimePoint at);

 private:
  metrics::Family<metrics::Counter>& throttled_;
  std::unique_ptr<ThrottleWindow> window_;
  LocalThrottleWindow local_;  // reserve() for tests; the window when none was given
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
// the distinct targets; done.parked() runs when a job is deferred past its maxWaitTime.
void runChatJobs(HttpClient& http, Throttle& throttle, std::vector<ChatJob> jobs,
                 TimePoint deadline, SendDone done);

}  // namespace nm
