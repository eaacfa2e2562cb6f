// runNotify: fan-out of a batch's notifications to their notifiers, fan-in of the outcomes,
// with failure logs (receiver, type, attempts, reason, fingerprints) and delivery metrics.
#include "notify/notify_stage.h"

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "interfaces/snapshot.h"
#include "observe/log.h"
#include "observe/metrics.h"

namespace nm {

namespace {

constexpr size_t kLoggedFingerprints = 5;

}  // namespace

struct NotifyStage::Shared {
  explicit Shared(metrics::Registry& registry, size_t parkedLimit)
      : r(registry), parked(parkedLimit, parkedGauge) {}
  metrics::Registry& r;
  metrics::Family<metrics::Counter>& total =
      r.counter("nm_notifications_total", "Notifications attempted, by channel type and receiver.",
                {"type", "receiver"});
  metrics::Family<metrics::Counter>& failed =
      r.counter("nm_notifications_failed_total", "Notifications that failed, by reason class.",
                {"type", "receiver", "reason_class"});
  metrics::Family<metrics::Histogram>& latency =
      r.histogram("nm_notification_latency_seconds",
                  "Time from send to outcome of one notification, retries included.", {"type"},
                  metrics::latencyBuckets());
  metrics::Family<metrics::Counter>& delivered = r.counter(
      "nm_alerts_delivered_total", "Alerts delivered in successful notifications.", {"type"});
  metrics::Histogram& ingestToDelivery =
      r.histogram("nm_ingest_to_delivery_seconds",
                  "Time from an alert's ingest to its successful delivery.", {},
                  metrics::latencyBuckets())
          .with({});
  metrics::Gauge& inFlight =
      r.gauge("nm_notifications_in_flight", "Notifications being sent.").with({});
  metrics::Gauge& parkedGauge =
      r.gauge("nm_notifications_parked",
              "Notifications waiting past maxWaitTime for a throttle slot, released from their "
              "batch.")
          .with({});
  ParkedSends parked;
  ParkedRecords* records = nullptr;
};

namespace {

// States of one notification of a Run.
enum : int { kSending = 0, kParked = 1, kAnswered = 2 };

struct Run {
  std::shared_ptr<NotifyStage::Shared> shared;
  std::vector<Notification> notes;
  NotifyReport report;
  std::atomic<size_t> remaining{0};  // notifications still holding `done`
  std::unique_ptr<std::atomic<int>[]> state;
  // Keys of the durable records of parked sends: written before a send turns kParked, read
  // after an exchange sees kParked (so ordered by the state's acq_rel).
  std::vector<std::string> recordKeys;
  std::function<void(NotifyReport)> done;
  std::function<void(NotifyReport)> late;
};

std::string fingerprints(const Data* d) {
  std::string out;
  if (!d) return out;
  size_t n = 0;
  for (const auto& a : d->alerts) {
    if (n == kLoggedFingerprints) {
      out += ",...";
      break;
    }
    if (n++) out += ',';
    out += fingerprintHex(a->fingerprint);
  }
  return out;
}

void record(NotifyStage::Shared& m, const Notification& note, const SendOutcome& o,
            TimePoint started, TimePoint at) {
  const std::string& type = note.receiver ? note.receiver->type : std::string();
  const std::string& key = note.receiver ? note.receiver->key : std::string();
  m.total.with({type, key}).inc();
  if (started != kZeroTime) {
    m.latency.with({type}).observe(std::chrono::duration<double>(at - started).count());
  }
  if (o.ok) {
    if (note.data) {
      m.delivered.with({type}).inc(note.data->alerts.size());
      for (const auto& a : note.data->alerts) {
        if (a->receivedAt != kZeroTime) {
          m.ingestToDelivery.observe(std::chrono::duration<double>(at - a->receivedAt).count());
        }
      }
    }
    return;
  }
  const char* cls = failureClass(o);
  m.failed.with({type, key, cls}).inc();
  std::string attempts = std::to_string(o.attempts);
  std::string fps = fingerprints(note.data.get());
  log::error("notification failed", {{"receiver", key},
                                     {"type", type},
                                     {"attempts", attempts},
                                     {"reason_class", cls},
                                     {"reason", o.error},
                                     {"fingerprints", fps}});
}

size_t alertCount(const Notification& note) {
  return note.data ? note.data->alerts.size() : 0;
}

void release(const std::shared_ptr<Run>& run) {
  if (run->remaining.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    auto done = std::move(run->done);
    done(std::move(run->report));
  }
}

void complete(const std::shared_ptr<Run>& run, size_t i, SendOutcome o, TimePoint started) {
  TimePoint at = now();
  const Notification& note = run->notes[i];
  record(*run->shared, note, o, started, at);
  if (o.ok && note.onDelivered) note.onDelivered(at);
  DeliveryResult r;
  r.receiver = note.receiver;
  r.data = note.data;
  r.outcome = std::move(o);
  r.sentAt = at;
  if (run->state[i].exchange(kAnswered, std::memory_order_acq_rel) == kParked) {
    // Released from the batch earlier: the outcome goes on alone.
    run->shared->parked.release(alertCount(note));
    NotifyReport lateReport;
    lateReport.results.push_back(std::move(r));
    run->late(std::move(lateReport));
    if (!run->recordKeys[i].empty()) run->shared->records->settled(run->recordKeys[i]);
    return;
  }
  run->report.results[i] = std::move(r);
  release(run);
}

// The send of notification i waits past maxWaitTime for its throttle slot.
void park(const std::shared_ptr<Run>& run, size_t i) {
  if (!run->late || !run->shared->parked.admit(alertCount(run->notes[i])))
    return;  // keeps holding the batch
  // The durable record is queued before the batch can be acked (release below).
  ParkedRecords* records = run->shared->records;
  if (records) run->recordKeys[i] = records->parked(run->notes[i]);
  int expected = kSending;
  if (!run->state[i].compare_exchange_strong(expected, kParked, std::memory_order_acq_rel)) {
    run->shared->parked.release(alertCount(run->notes[i]));  // answered meanwhile
    if (records && !run->recordKeys[i].empty()) records->settled(run->recordKeys[i]);
    return;
  }
  DeliveryResult& r = run->report.results[i];
  r.receiver = run->notes[i].receiver;
  r.data = run->notes[i].data;
  r.parked = true;
  log::debug("notification parked behind its throttle; the batch goes on",
             {{"receiver", r.receiver ? r.receiver->key : std::string()}});
  release(run);
}

}  // namespace

const char* failureClass(const SendOutcome& o) {
  if (!o.failureClass.empty()) return o.failureClass.c_str();
  if (o.attempts == 0 && o.httpStatus == 0 && !o.error.starts_with("deadline")) return "config";
  if (o.httpStatus >= 500) return "http_5xx";
  if (o.httpStatus >= 400) return "http_4xx";
  // A 2xx whose body carries the vendor's error (errcode, ok:false, Code != "OK").
  if (o.httpStatus >= 200 && o.httpStatus < 300) return "vendor";
  if (o.error.starts_with("timeout") || o.error.starts_with("deadline")) return "timeout";
  return "transport";
}

NotifyStage::NotifyStage(metrics::Registry& registry, size_t parkedLimit)
    : shared_(std::make_shared<Shared>(registry, parkedLimit)) {}

NotifyStage::~NotifyStage() = default;

ParkedSends& NotifyStage::parked() {
  return shared_->parked;
}

void NotifyStage::run(std::vector<Notification> notes, TimePoint deadline,
                      std::function<void(NotifyReport)> done,
                      std::function<void(NotifyReport)> late) {
  if (notes.empty()) {
    done(NotifyReport{});
    return;
  }
  auto run = std::make_shared<Run>();
  run->shared = shared_;
  run->notes = std::move(notes);
  run->report.results.resize(run->notes.size());
  run->remaining.store(run->notes.size());
  run->state = std::make_unique<std::atomic<int>[]>(run->notes.size());
  run->recordKeys.resize(run->notes.size());
  run->done = std::move(done);
  run->late = std::move(late);
  for (size_t i = 0; i < run->notes.size(); ++i) {
    const Notification& note = run->notes[i];
    if (!note.receiver || !note.receiver->notifier || !note.data) {
      SendOutcome o;
      o.error = !note.receiver                         ? "notification without receiver"
                : !note.data                           ? "notification without data"
                : note.receiver->notifierError.empty() ? "no notifier"
                                                       : note.receiver->notifierError;
      complete(run, i, std::move(o), kZeroTime);
      continue;
    }
    shared_->inFlight.add(1);
    TimePoint started = now();
    note.receiver->notifier->send(note.data, deadline,
                                  SendDone(
                                      [run, i, started](SendOutcome o) {
                                        run->shared->inFlight.add(-1);
                                        complete(run, i, std::move(o), started);
                                      },
                                      [run, i] { park(run, i); }));
  }
}

void NotifyStage::setParkedRecords(ParkedRecords* records) {
  shared_->records = records;
}

ParkedSends::ParkedSends(size_t limit, metrics::Gauge& gauge) : limit_(limit), gauge_(gauge) {}

bool ParkedSends::admit(size_t alerts) {
  {
    std::lock_guard g(mu_);
    if (notifications_ > 0 && alerts_ + alerts > limit_) return false;
    alerts_ += alerts;
    ++notifications_;
  }
  gauge_.add(1);
  return true;
}

void ParkedSends::release(size_t alerts) {
  {
    std::lock_guard g(mu_);
    alerts_ -= alerts;
    --notifications_;
  }
  gauge_.add(-1);
  idle_.notify_all();
}

size_t ParkedSends::alerts() const {
  std::lock_guard g(mu_);
  return alerts_;
}

size_t ParkedSends::notifications() const {
  std::lock_guard g(mu_);
  return notifications_;
}

bool ParkedSends::waitIdle(Duration timeout) {
  std::unique_lock lk(mu_);
  return idle_.wait_for(lk, timeout, [&] { return notifications_ == 0; });
}

}  // namespace nm
