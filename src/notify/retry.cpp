// sendWithRetry: an attempt loop driven by the client's callbacks and timers (no thread blocks),
// with exponential backoff, full jitter, Retry-After and a hard deadline.
#include "notify/retry.h"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <memory>
#include <random>

namespace nm {

namespace {

constexpr size_t kReasonBodyBytes = 256;

std::mt19937_64& rng() {
  thread_local std::mt19937_64 g{std::random_device{}()};
  return g;
}

struct RetryState : std::enable_shared_from_this<RetryState> {
  HttpClient& client;
  HttpRequest request;
  Duration requestTimeout;
  RetryPolicy policy;
  TimePoint deadline;
  Classifier classify;
  std::function<void(SendOutcome)> done;
  RetryAfterReader retryAfter;
  RequestPreparer prepare;
  SendOutcome outcome;
  bool clipped = false;      // the current attempt's timeout was cut to the time left
  int lastVendorStatus = 0;  // the last HTTP status a vendor answered, kept across timeouts

  RetryState(HttpClient& c, HttpRequest r, RetryPolicy p, TimePoint d, Classifier cl,
             std::function<void(SendOutcome)> fn, RetryAfterReader ra, RequestPreparer pr)
      : client(c),
        request(std::move(r)),
        requestTimeout(request.timeout),
        policy(p),
        deadline(d),
        classify(std::move(cl)),
        done(std::move(fn)),
        retryAfter(std::move(ra)),
        prepare(std::move(pr)) {}

  void finish(bool ok, std::string error) {
    outcome.ok = ok;
    outcome.error = std::move(error);
    auto fn = std::move(done);
    fn(std::move(outcome));
  }

  void attempt() {
    Duration left = deadline - now();
    if (left <= Duration::zero()) {
      finish(false, outcome.attempts == 0 ? "deadline exceeded before the first attempt"
                                          : "deadline exceeded: " + outcome.error);
      return;
    }
    HttpRequest req = request;
    if (prepare) prepare(req);
    clipped = left < requestTimeout;
    req.timeout = std::min(requestTimeout, left);
    ++outcome.attempts;
    client.send(std::move(req),
                [self = shared_from_this()](HttpResponse r) { self->onResponse(std::move(r)); });
  }

  void onResponse(HttpResponse r) {
    if (r.status == 0 && clipped && lastVendorStatus != 0 && r.error.rfind("timeout", 0) == 0) {
      // The attempt only ran out of the time the deadline left it: what the vendor said before
      // is the better account of why the send failed.
      outcome.httpStatus = lastVendorStatus;
      return finish(false, "deadline exceeded: " + outcome.error);
    }
    outcome.httpStatus = r.status;
    if (r.status != 0) lastVendorStatus = r.status;
    Classification c = classify(r);
    if (c.verdict == Verdict::Success) return finish(true, "");
    // A stopped client answers every later attempt at once: never a retry loop on it.
    if (c.verdict == Verdict::Permanent || r.error == "client stopped") {
      return finish(false, std::move(c.reason));
    }
    if (policy.maxAttempts > 0 && outcome.attempts >= policy.maxAttempts) {
      return finish(false, std::move(c.reason));
    }
    TimePoint t = now();
    Duration delay = backoffDelay(policy, outcome.attempts);
    if (auto ra = retryAfter(r, t)) delay = std::max(*ra, Duration::zero());
    if (t + delay >= deadline) return finish(false, std::move(c.reason));
    outcome.error = std::move(c.reason);
    client.after(delay, [self = shared_from_this()] { self->attempt(); });
  }
};

}  // namespace

Classification defaultClassify(const HttpResponse& r) {
  if (r.status == 0) {
    // "client stopped" is final: the client is going away and will not serve a retry.
    Verdict v = r.error == "client stopped" ? Verdict::Permanent : Verdict::Transient;
    return {v, r.error.empty() ? std::string("transport error") : r.error};
  }
  if (r.status >= 200 && r.status < 300) return {Verdict::Success, ""};
  std::string reason = "HTTP " + std::to_string(r.status);
  if (!r.body.empty()) reason += ": " + r.body.substr(0, kReasonBodyBytes);
  bool transient = r.status >= 500 || r.status == 429;
  return {transient ? Verdict::Transient : Verdict::Permanent, std::move(reason)};
}

std::optional<Duration> parseRetryAfter(const std::string& value, TimePoint nowAt) {
  auto b = value.find_first_not_of(" \t");
  if (b == std::string::npos) return std::nullopt;
  auto e = value.find_last_not_of(" \t\r\n");
  std::string_view v(value.data() + b, e - b + 1);
  long long secs = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), secs);
  if (ec == std::errc() && p == v.data() + v.size()) {
    if (secs < 0) return std::nullopt;
    return std::chrono::seconds(secs);
  }
  time_t at = curl_getdate(std::string(v).c_str(), nullptr);
  if (at == -1) return std::nullopt;
  auto target = std::chrono::time_point_cast<Duration>(Clock::from_time_t(at));
  return std::max(target - nowAt, Duration::zero());
}

Duration backoffDelay(const RetryPolicy& p, int retry) {
  double cap = static_cast<double>(p.initial.count()) *
               std::pow(p.multiplier, static_cast<double>(std::max(0, retry - 1)));
  cap = std::min(cap, static_cast<double>(p.max.count()));
  if (cap <= 0) return Duration::zero();
  std::uniform_real_distribution<double> dist(0.0, cap);
  return Duration(static_cast<Duration::rep>(dist(rng())));
}

void sendWithRetry(HttpClient& client, HttpRequest request, RetryPolicy policy, TimePoint deadline,
                   Classifier classify, std::function<void(SendOutcome)> done,
                   RetryAfterReader retryAfter, RequestPreparer prepare) {
  if (!classify) classify = defaultClassify;
  if (!retryAfter) {
    retryAfter = [](const HttpResponse& r, TimePoint t) {
      return parseRetryAfter(r.retryAfter, t);
    };
  }
  auto st = std::make_shared<RetryState>(client, std::move(request), policy, deadline,
                                         std::move(classify), std::move(done),
                                         std::move(retryAfter), std::move(prepare));
  st->attempt();
}

}  // namespace nm
