// Throttle: a sliding-window log of sends per key; a send leaves one window after the answer to
// the send `threshold` places earlier, so queueing in the HTTP client never pushes it over.
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

Throttle::Throttle(metrics::Registry& registry)
    : throttled_(registry.counter(
          "nm_throttle_delayed_total",
          "Sends delayed by a channel throttle; outcome waited (within maxWaitTime) or deferred.",
          {"outcome"})) {}

namespace {
// An unsettled send older than this is forgotten (no send stays in flight that long: batches
// have deadlines); it only bounds memory if a caller never settles.
constexpr Duration kForgetUnsettled = std::chrono::minutes(10);
}  // namespace

Throttle::Reservation Throttle::reserveLocked(const std::string& key, const ThrottleLimit& limit,
                                              TimePoint at) {
  Window& win = windows_[key];
  auto& w = win.entries;
  while (!w.empty() && w.front().waiters.empty() &&
         (w.front().settled ? w.front().arrived + limit.unit <= at
                            : w.front().slot + limit.unit + kForgetUnsettled <= at)) {
    w.pop_front();
  }
  TimePoint slot = at;
  const size_t n = static_cast<size_t>(limit.threshold);
  if (w.size() >= n) {
    for (size_t j = 0; j + n <= w.size(); ++j) {
      const Entry& e = w[j];
      slot = std::max(slot, (e.settled ? e.arrived : e.slot) + limit.unit);
    }
  }
  if (!w.empty()) slot = std::max(slot, w.back().slot);
  Entry e;
  e.ticket = win.next++;
  e.slot = slot;
  w.push_back(std::move(e));
  return {slot - at, w.back().ticket};
}

Duration Throttle::reserve(const std::string& key, const ThrottleLimit& limit, TimePoint at) {
  if (limit.threshold <= 0 || limit.unit <= Duration::zero()) return Duration::zero();
  std::lock_guard lock(mu_);
  return reserveLocked(key, limit, at).wait;
}

void Throttle::settle(const std::string& key, Ticket ticket, TimePoint at) {
  if (ticket == 0) return;
  std::vector<std::function<void()>> wake;
  {
    std::lock_guard lock(mu_);
    auto it = windows_.find(key);
    if (it == windows_.end()) return;
    auto& w = it->second.entries;
    if (w.empty() || ticket < w.front().ticket) return;
    const size_t idx = static_cast<size_t>(ticket - w.front().ticket);
    if (idx >= w.size()) return;
    Entry& e = w[idx];
    e.settled = true;
    e.arrived = std::max(at, e.slot);
    wake.swap(e.waiters);
  }
  for (auto& fn : wake) fn();
}

void Throttle::whenClear(const std::string& key, const ThrottleLimit& limit, Ticket ticket,
                         TimePoint start, TimePoint reached, HttpClient& timers,
                         std::function<void(Duration, Ticket)> go) {
  const TimePoint at = std::max(now(), reached);
  TimePoint target;
  {
    std::unique_lock lock(mu_);
    auto& w = windows_[key].entries;
    const size_t idx = w.empty() || ticket < w.front().ticket
                           ? w.size()
                           : static_cast<size_t>(ticket - w.front().ticket);
    if (idx >= w.size()) {
      lock.unlock();
      return go(reached - start, ticket);  // forgotten (never settled): just send
    }
    Entry& self = w[idx];
    target = self.slot;
    const size_t n = static_cast<size_t>(limit.threshold);
    for (size_t j = 0; j + n <= idx; ++j) {
      Entry& e = w[j];
      if (!e.settled) {
        // Still on its way to the vendor: its arrival is unknown until it is answered.
        e.waiters.push_back([this, key, limit, ticket, start, at, &timers, go = std::move(go)] {
          whenClear(key, limit, ticket, start, at, timers, go);
        });
        return;
      }
      target = std::max(target, e.arrived + limit.unit);
    }
    self.slot = target;
  }
  if (target > at) {
    timers.after(target - at,
                 [this, key, limit, ticket, start, target, &timers, go = std::move(go)] {
                   whenClear(key, limit, ticket, start, target, timers, go);
                 });
    return;
  }
  go(reached - start, ticket);
}

Duration Throttle::acquire(const std::string& key, const ThrottleLimit& limit, HttpClient& timers,
                           std::function<void(Duration, Ticket)> go,
                           std::function<void()> deferredHook) {
  if (limit.threshold <= 0 || limit.unit <= Duration::zero()) {
    go(Duration::zero(), 0);
    return Duration::zero();
  }
  const TimePoint start = now();
  Reservation r;
  {
    std::lock_guard lock(mu_);
    r = reserveLocked(key, limit, start);
  }
  if (r.wait > Duration::zero()) {
    const bool deferred = r.wait > limit.maxWait;
    throttled_.with({deferred ? "deferred" : "waited"}).inc();
    if (deferred) {
      log::debug("throttle: send deferred past maxWaitTime",
                 {{"wait_ms",
                   std::to_string(
                       std::chrono::duration_cast<std::chrono::milliseconds>(r.wait).count())}});
      if (deferredHook) deferredHook();
    }
  }
  whenClear(key, limit, r.ticket, start, start, timers, std::move(go));
  return r.wait;
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
