// Throttle: a sliding-window log of reserved send times per key; the slot of a new send is the
// later of now and the send `threshold` places earlier plus the window.
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

Throttle& Throttle::global() {
  static Throttle t;
  return t;
}

Duration Throttle::reserve(const std::string& key, const ThrottleLimit& limit, TimePoint at) {
  if (limit.threshold <= 0 || limit.unit <= Duration::zero()) return Duration::zero();
  std::lock_guard lock(mu_);
  auto& w = windows_[key];
  while (!w.empty() && w.front() + limit.unit <= at) w.pop_front();
  TimePoint slot = at;
  const size_t n = static_cast<size_t>(limit.threshold);
  if (w.size() >= n) slot = std::max(at, w[w.size() - n] + limit.unit);
  if (!w.empty()) slot = std::max(slot, w.back());
  w.push_back(slot);
  return slot - at;
}

Duration Throttle::acquire(const std::string& key, const ThrottleLimit& limit, HttpClient& timers,
                           std::function<void(Duration)> go) {
  Duration wait = reserve(key, limit, now());
  if (wait <= Duration::zero()) {
    go(Duration::zero());
    return Duration::zero();
  }
  static auto& throttled = metrics::Registry::global().counter(
      "nm_throttle_delayed_total",
      "Sends delayed by a channel throttle; outcome waited (within maxWaitTime) or deferred.",
      {"outcome"});
  const bool deferred = wait > limit.maxWait;
  throttled.with({deferred ? "deferred" : "waited"}).inc();
  if (deferred) {
    log::info(
        "throttle: send deferred past maxWaitTime",
        {{"wait_ms",
          std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(wait).count())}});
  }
  timers.after(wait, [go = std::move(go), wait] { go(wait); });
  return wait;
}

namespace {

struct JobRun : std::enable_shared_from_this<JobRun> {
  HttpClient& http;
  std::vector<ChatJob> jobs;
  TimePoint deadline;
  std::function<void(SendOutcome)> done;
  SendOutcome total;
  size_t next = 0;
  int failures = 0;

  JobRun(HttpClient& h, std::vector<ChatJob> j, TimePoint d, std::function<void(SendOutcome)> fn)
      : http(h), jobs(std::move(j)), deadline(d), done(std::move(fn)) {
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
      auto fn = std::move(done);
      fn(std::move(total));
      return;
    }
    ChatJob& job = jobs[next++];
    addTarget(job.target);
    auto go = [self = shared_from_this(), &job](Duration waited) {
      job.run(self->deadline + waited, [self](SendOutcome o) { self->finished(std::move(o)); });
    };
    if (job.throttleKey.empty()) {
      go(Duration::zero());
    } else {
      Throttle::global().acquire(job.throttleKey, job.limit, http, std::move(go));
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

void runChatJobs(HttpClient& http, std::vector<ChatJob> jobs, TimePoint deadline,
                 std::function<void(SendOutcome)> done) {
  if (jobs.empty()) {
    SendOutcome o;
    o.ok = true;
    done(std::move(o));
    return;
  }
  auto run = std::make_shared<JobRun>(http, std::move(jobs), deadline, std::move(done));
  run->step();
}

}  // namespace nm
