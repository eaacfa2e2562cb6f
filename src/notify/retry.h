// Retry with exponential backoff and full jitter over the HttpClient: transient failures
// (transport, 5xx, 429) are retried until a deadline, honouring Retry-After; permanent ones end at
// once.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "core/retry_policy.h"
#include "core/time.h"
#include "interfaces/http_client.h"
#include "interfaces/notifier.h"

namespace nm {

enum class Verdict { Success, Transient, Permanent };

struct Classification {
  Verdict verdict = Verdict::Permanent;
  std::string reason;  // empty on success; never a secret
};

// Decides what a response means. Channels whose vendors answer 200 with an errcode body pass
// their own.
using Classifier = std::function<Classification(const HttpResponse&)>;

// 2xx success; transport errors, 5xx and 429 transient; other statuses permanent. Reasons read
// "HTTP 500: <first 256 bytes of body>" or the transport error ("connect: ...").
Classification defaultClassify(const HttpResponse& r);

// Retry-After as seconds or an HTTP-date, relative to `now`; nullopt when absent or malformed.
std::optional<Duration> parseRetryAfter(const std::string& value, TimePoint now);

// The full-jitter backoff before retry number `retry` (1 = first retry): uniform in
// [0, min(max, initial * multiplier^(retry-1))].
Duration backoffDelay(const RetryPolicy& p, int retry);

// How long the vendor asked to wait before the next attempt, read from a response at `now`;
// nullopt: no request, back off exponentially. The default reads the Retry-After header.
using RetryAfterReader = std::function<std::optional<Duration>(const HttpResponse&, TimePoint now)>;

// Sends `request`, retrying transient failures. No retry is scheduled past `deadline`, and each
// attempt's timeout is clipped to the time left. `done` runs exactly once (on the client's thread,
// or inline when the deadline already passed). The outcome's channelTarget is left empty.
// Vendors that say how long to wait in their body (Telegram's parameters.retry_after, Discord's
// fractional retry_after) pass `retryAfter`.
// `prepare` runs on each attempt's copy of the request just before it leaves: vendors whose
// signatures carry a timestamp or nonce (the SMS APIs) are signed afresh for every attempt.
using RequestPreparer = std::function<void(HttpRequest&)>;
void sendWithRetry(HttpClient& client, HttpRequest request, RetryPolicy policy, TimePoint deadline,
                   Classifier classify, std::function<void(SendOutcome)> done,
                   RetryAfterReader retryAfter = nullptr, RequestPreparer prepare = nullptr);

}  // namespace nm
