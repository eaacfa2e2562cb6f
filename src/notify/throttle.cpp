// Throttle: acquire over a ThrottleWindow (reserve, count and log waits, then wait until clear),
// and the chat job runner that settles each send when it is answered.
#include "notify/throttle.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "observe/log.h"
#include "observe/metrics.h"

namespace nm {

ThrottleLimit decodeThrottleLimit(model::Reader& r, const YAML::Node& n, const std::string& path,
                                  ThrottleLimit d) {
  if (model::Reader::absent(n) || !r.map(n, path)) return d;
  r.onlyKeys(n, path, {"threshold", "unit", "maxWaitTime"});
  if (auto t = r.integer(n["threshold"], model::joinPath(path, "threshold"))) d.threshold = *t;
  if (auto u = r.duration(n["unit"], model::joinPath(path, "unit"))) {
    if (*u <= Duration::zero()) {
      r.error(model::joinPath(path, "unit"), "must be positive");
    } else {
      d.unit = *u;
    }
  }
  if (auto w = r.duration(n["maxWaitTime"], model::joinPath(path, "maxWaitTime"))) d.maxWait = *w;
  return d;
}

Throttle::Throttle(metrics::Registry& registry, std::unique_ptr<ThrottleWindow> window)
    : throttled_(registry.counter(
          "nm_throttle_delayed_total",
          "Sends delayed by a channel throttle; outcome waited (within maxWaitTime) or deferred.",
          {"outcome"})),
      window_(std::move(window)) {}

Duration Throttle::reserve(const std::string& key, const ThrottleLimit& limit, TimePoint at) {
  if (limit.threshold <= 0 || limit.unit <= Duration::zero()) return Duration::zero();
  return local_.reserveNow(key, limit, at).wait;
}

void Throttle::settle(const std::string& key, Ticket ticket, TimePoint at) {
  if (ticket == 0) return;
  (window_ ? *window_ : local_).settle(key, ticket, at);
}

void Throttle::acquire(const std::string& key, const ThrottleLimit& limit, HttpClient& timers,
                       std::function<void(Duration, Ticket)> go,
                       std::function<void()> deferredHook) {
  if (limit.threshold <= 0 || limit.unit <= Duration::zero()) {
    go(Duration::zero(), 0);
    return;
  }
  ThrottleWindow& window = window_ ? *window_ : local_;
  const TimePoint start = now();
  window.reserve(
      key, limit, start,
      [this, &window, key, limit, start, &timers, go = std::move(go),
       deferredHook = std::move(deferredHook)](Duration wait, Ticket ticket) mutable {
        if (wait > Duration::zero()) {
          const bool deferred = wait > limit.maxWait;
          throttled_.with({deferred ? "deferred" : "waited"}).inc();
          if (deferred) {
            log::debug(
                "throttle: send deferred past maxWaitTime",
                {{"wait_ms",
                  std::to_string(
                      std::chrono::duration_cast<std::chrono::milliseconds>(wait).count())}});
            if (deferredHook) deferredHook();
          }
        }
        window.whenClear(key, limit, ticket, start, timers,
                         [start, ticket, go = std::move(go)](TimePoint reached) {
                           go(reached - start, ticket);
                         });
      });
}

namespace {

struct JobRun : std::enable_shared_from_this<JobRun> {
  HttpClient& http;
  Throttle& throttle;
  std::vector<ChatJob> jobs;
  TimePoint deadline;
  SendDone done;
  SendOutcome total;
  size_t next = 0;
  int failures = 0;

  JobRun(HttpClient& h, Throttle& t, std::vector<ChatJob> j, TimePoint d, SendDone fn)
      : http(h), throttle(t), jobs(std::move(j)), deadline(d), done(std::move(fn)) {
    total.ok = true;
  }

  void addTarget(const std::string& t) {
    if (t.empty()) return;
    for (size_t p = 0; (p = total.channelTarget.find(t, p)) != std::string::npos; p += t.size()) {
      const size_t e = p + t.size();
      if ((p == 0 || total.channelTarget[p - 1] == ' ') &&
          (e == total.channelTarget.size() || total.channelTarget[e] == ',')) {
        return;
      }
    }
    if (!total.channelTarget.empty()) total.channelTarget += ", ";
    total.channelTarget += t;
  }

  void step() {
    if (next == jobs.size()) {
      done(std::move(total));
      return;
    }
    ChatJob& job = jobs[next++];
    addTarget(job.target);
    auto go = [self = shared_from_this(), &job](Duration waited, Throttle::Ticket ticket) {
      job.run(self->deadline + waited, [self, &job, ticket](SendOutcome o) {
        if (ticket != 0) self->throttle.settle(job.throttleKey, ticket, now());
        self->finished(std::move(o));
      });
    };
    if (job.throttleKey.empty()) {
      go(Duration::zero(), 0);
    } else {
      throttle.acquire(job.throttleKey, job.limit, http, std::move(go),
                       [self = shared_from_this()] { self->done.parked(); });
    }
  }

  void finished(SendOutcome o) {
    total.attempts += o.attempts;
    if (o.httpStatus != 0) total.httpStatus = o.httpStatus;
    if (!o.ok) {
      total.ok = false;
      if (++failures <= 3) {
        if (!total.error.empty()) total.error += "; ";
        total.error += o.error;
      }
    }
    step();
  }
};

}  // namespace

void runChatJobs(HttpClient& http, Throttle& throttle, std::vector<ChatJob> jobs,
                 TimePoint deadline, SendDone done) {
  if (jobs.empty()) {
    SendOutcome o;
    o.ok = true;
    done(std::move(o));
    return;
  }
  auto run = std::make_shared<JobRun>(http, throttle, std::move(jobs), deadline, std::move(done));
  run->step();
}

}  // namespace nm
