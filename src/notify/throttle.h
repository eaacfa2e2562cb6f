// Per-key sliding-window send throttle for chat channels (DingTalk chatbot 20/min per webhook,
// conversation 25/s per app): a send over the limit is scheduled for its slot, never dropped.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/time.h"
#include "interfaces/http_client.h"
#include "interfaces/notifier.h"
#include "model/decode_reader.h"
#include "observe/metrics.h"

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
  using Ticket = uint64_t;  // one reserved send of a key; 0 when the throttle is disabled

  // One per daemon (ChannelServices): windows survive config reloads.
  explicit Throttle(metrics::Registry& registry);

  // Reserves the earliest slot for `key` under `limit` and runs `go(waited, ticket)` when the
  // send may leave: inline when the slot is now, else via timers. A wait within maxWait counts
  // as "waited"; a longer one as "deferred" (logged and counted). Either way the send happens
  // exactly once and its slot is held, so a backlog is spread over the windows, never dropped.
  // The caller must settle(key, ticket, t) when the send's last attempt has been answered: the
  // vendor saw the request at some moment before that answer, so a send `threshold` places
  // later leaves only one window after the answer. This keeps the vendor's window under the
  // limit even when requests queue in the HTTP client for a while. Returns the first wait.
  // `deferred` runs (before any wait) when the first wait exceeds maxWait.
  Duration acquire(const std::string& key, const ThrottleLimit& limit, HttpClient& timers,
                   std::function<void(Duration waited, Ticket ticket)> go,
                   std::function<void()> deferred = nullptr);

  // The send of `ticket` was answered at `at` (later sends count from there).
  void settle(const std::string& key, Ticket ticket, TimePoint at);

  // The reservation alone (no scheduling, never settled), for tests: the wait of a send at `at`.
  Duration reserve(const std::string& key, const ThrottleLimit& limit, TimePoint at);

 private:
  struct Entry {
    Ticket ticket = 0;
    TimePoint slot;     // earliest departure (provisional until the send leaves)
    TimePoint arrived;  // settled: when the answer came (an upper bound of the vendor's time)
    bool settled = false;
    std::vector<std::function<void()>> waiters;  // sends waiting for this one to settle
  };
  struct Window {
    std::deque<Entry> entries;  // in reservation order; tickets contiguous from the front
    Ticket next = 1;
  };
  struct Reservation {
    Duration wait;
    Ticket ticket;
  };

  Reservation reserveLocked(const std::string& key, const ThrottleLimit& limit, TimePoint at);
  // Runs `go` once the send's slot is reached and every send `threshold` places earlier is
  // settled and a window old; else waits on a timer or on the blocking send's settlement, and
  // checks again. `reached`: the time a timer brought us to (start on the first call).
  void whenClear(const std::string& key, const ThrottleLimit& limit, Ticket ticket, TimePoint start,
                 TimePoint reached, HttpClient& timers, std::function<void(Duration, Ticket)> go);

  metrics::Family<metrics::Counter>& throttled_;
  std::mutex mu_;
  std::map<std::string, Window> windows_;
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
