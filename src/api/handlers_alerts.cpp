// POST /api/v2/alerts: decode (both body formats), queue the valid alerts all-or-nothing, and
// answer 200 / 400 (with what was accepted) / 503 (queue full, backend down or shutting down).
#include <string>

#include "api/router.h"
#include "ingest/alert_decoder.h"
#include "observe/log.h"

namespace nm::api {

namespace http = boost::beast::http;

namespace {

constexpr size_t kMaxListedErrors = 10;

struct AlertMetrics {
  explicit AlertMetrics(metrics::Registry& reg)
      : received(reg.counter("nm_alerts_received_total",
                             "Valid alerts received over HTTP, by status", {"status"})),
        rejected(reg.counter(
            "nm_alerts_rejected_total",
            "Valid alerts refused with 503 because the queue was full, closing or unavailable",
            {"reason"})),
        firing(received.with({"firing"})),
        resolved(received.with({"resolved"})),
        invalid(reg.counter("nm_alerts_invalid_total", "Alerts rejected by validation at ingest")
                    .with({})),
        rejectedFull(rejected.with({"queue_full"})),
        rejectedClosed(rejected.with({"shutting_down"})),
        rejectedUnavailable(rejected.with({"queue_unavailable"})) {}
  metrics::Family<metrics::Counter>& received;
  metrics::Family<metrics::Counter>& rejected;
  metrics::Counter& firing;
  metrics::Counter& resolved;
  metrics::Counter& invalid;
  metrics::Counter& rejectedFull;
  metrics::Counter& rejectedClosed;
  metrics::Counter& rejectedUnavailable;
};

// "alerts[1].labels: ...; alerts[4].status: ... (and 3 more)"
std::string listErrors(const std::vector<std::string>& errors) {
  std::string s;
  for (size_t i = 0; i < errors.size() && i < kMaxListedErrors; ++i) {
    if (i) s += "; ";
    s += errors[i];
  }
  if (errors.size() > kMaxListedErrors) {
    s += " (and " + std::to_string(errors.size() - kMaxListedErrors) + " more)";
  }
  return s;
}

struct Outcome {
  size_t accepted = 0;
  size_t invalid = 0;
  std::string invalidErrors;
};

Reply pushReply(AlertMetrics& m, PushResult result, const Outcome& o) {
  switch (result) {
    case PushResult::Accepted:
      if (o.invalid == 0) return jsonReply(200, "Notification request accepted");
      return jsonReply(400, std::to_string(o.accepted) + " alerts accepted, " +
                                std::to_string(o.invalid) + " invalid: " + o.invalidErrors);
    case PushResult::Full: {
      m.rejectedFull.inc(o.accepted);
      log::warn("alert queue full, request refused", {{"alerts", std::to_string(o.accepted)}});
      Reply r = jsonReply(503, "alert queue is full, retry later");
      r.headers.emplace_back("Retry-After", "1");
      return r;
    }
    case PushResult::Closed:
      m.rejectedClosed.inc(o.accepted);
      return jsonReply(503, "shutting down, alerts are not accepted");
    case PushResult::Unavailable: {
      m.rejectedUnavailable.inc(o.accepted);
      log::warn("alert queue backend unavailable, request refused",
                {{"alerts", std::to_string(o.accepted)}});
      Reply r = jsonReply(503, "alert queue backend is unavailable, retry later");
      r.headers.emplace_back("Retry-After", "1");
      return r;
    }
  }
  return jsonReply(500, "unknown queue result");
}

void handleAlerts(AlertMetrics& m, Request& req, const HandlerEnv& env, Respond respond) {
  const ApiDeps& deps = env.deps;
  auto snapshot = deps.snapshots ? deps.snapshots->current() : nullptr;
  ingest::DecodeOptions opts;
  opts.cluster = snapshot && !snapshot->cluster.empty() ? std::string_view(snapshot->cluster)
                                                        : std::string_view(deps.cluster);
  opts.maxLabelsPerAlert = deps.maxLabelsPerAlert;
  opts.maxLabelValueBytes = deps.maxLabelValueBytes;
  ingest::DecodeResult r = ingest::decodeAlerts(req.body, opts);
  if (!r.ok()) return respond(jsonReply(400, "invalid request body: " + r.fatal));
  m.invalid.inc(r.invalid);
  // Counted per request: an atomic increment per alert bounced the counter's cache line between
  // the HTTP threads.
  size_t firing = 0;
  for (const AlertPtr& a : r.alerts) firing += a->status == AlertStatus::Firing;
  if (firing) m.firing.inc(firing);
  if (r.alerts.size() > firing) m.resolved.inc(r.alerts.size() - firing);
  if (r.alerts.empty()) {
    if (r.invalid == 0) return respond(jsonReply(200, "no alerts"));
    return respond(jsonReply(400, "no valid alerts: " + listErrors(r.errors)));
  }
  if (!deps.queue) return respond(jsonReply(503, "alert queue unavailable"));

  Outcome o;
  o.accepted = r.alerts.size();
  o.invalid = r.invalid;
  if (o.invalid) o.invalidErrors = listErrors(r.errors);
  // Try without waiting: a durable backend answers from its own thread once stored, so the io
  // thread never waits for the round trip; only a full queue sends the wait to the blocking pool
  // (an unavailable backend answers 503 at once).
  AlertList first = r.alerts;
  deps.queue->pushAsync(
      std::move(first), [&m, queue = deps.queue, timeout = deps.pushTimeout,
                         runBlocking = &env.runBlocking, alerts = std::move(r.alerts),
                         o = std::move(o), respond = std::move(respond)](PushResult res) mutable {
        if (res != PushResult::Full || timeout <= Duration::zero())
          return respond(pushReply(m, res, o));
        (*runBlocking)([&m, queue, timeout, alerts = std::move(alerts), o = std::move(o),
                        respond = std::move(respond)]() mutable {
          respond(pushReply(m, queue->push(std::move(alerts), timeout), o));
        });
      });
}

}  // namespace

void addAlertRoutes(Router& router) {
  // The metrics live as long as the route (the router, which outlives every request).
  auto m = std::make_shared<AlertMetrics>(*router.deps().metrics);
  router.add({"/api/v2/alerts", http::verb::post, "alerts",
              [m](Request& req, const HandlerEnv& env, Respond respond) {
                handleAlerts(*m, req, env, std::move(respond));
              }});
}

}  // namespace nm::api
