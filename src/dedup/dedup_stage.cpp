// DedupStage::process: fingerprint sets per notification, one log query, the decision, and the
// record armed on the notification (written by the notify step only when the send succeeded).
#include "dedup/dedup_stage.h"

#include <algorithm>
#include <string>
#include <vector>

#include "aggregate/aggregate_stage.h"
#include "dedup/dedup_decision.h"
#include "dedup/dedup_settings.h"
#include "interfaces/snapshot.h"

namespace nm::dedup {

namespace {

void sortUnique(std::vector<uint64_t>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// The Data without its resolved alerts (sendResolved off), common labels recomputed.
std::shared_ptr<const Data> firingOnly(const Data& d) {
  auto out = std::make_shared<Data>();
  for (const AlertPtr& a : d.alerts)
    if (a->status == AlertStatus::Firing) out->alerts.push_back(a);
  out->groupLabels = d.groupLabels;
  out->commonLabels = commonLabels(out->alerts);
  out->commonAnnotations = commonAnnotations(out->alerts);
  out->receiverName = d.receiverName;
  return out;
}

}  // namespace

DedupStage::DedupStage(std::shared_ptr<NotificationLog> log, metrics::Registry& registry)
    : log_(std::move(log)),
      suppressed_(registry.counter("nm_notifications_deduplicated_total",
                                   "Notifications not sent because the receiver was already told "
                                   "(notification log), by reason.",
                                   {"reason"})),
      passed_(registry.counter("nm_dedup_passed_total",
                               "Notifications the dedup stage let through, by reason (off: "
                               "dedup does not apply to their alerts' format).",
                               {"reason"})) {}

void DedupStage::process(Work& work) {
  if (!work.snapshot || work.notifications.empty()) return;
  const TimePoint now = work.now == kZeroTime ? nm::now() : work.now;
  std::vector<uint64_t> firing, resolved;
  size_t kept = 0;
  auto keep = [&](Notification& note) {
    if (&work.notifications[kept] != &note) work.notifications[kept] = std::move(note);
    ++kept;
  };
  for (Notification& note : work.notifications) {
    if (!note.receiver || !note.data) {
      keep(note);
      continue;
    }
    const model::DedupPolicy policy =
        effectivePolicy(work.snapshot->nm.dedup, note.receiver->dedup);
    if (!appliesTo(policy, note.data->alerts)) {
      passed_.with({"off"}).inc();
      keep(note);
      continue;
    }
    firing.clear();
    resolved.clear();
    for (const AlertPtr& a : note.data->alerts)
      (a->status == AlertStatus::Firing ? firing : resolved).push_back(a->fingerprint);
    sortUnique(firing);
    sortUnique(resolved);
    std::string group = groupKey(note.data->groupLabels);
    const std::string& receiverKey = note.receiver->key;
    const std::string claimKey = receiverKey + '\n' + group;
    std::unique_lock<std::mutex> decideLock = inflight_->lock(claimKey);
    NotificationLogEntryPtr last = log_->query(receiverKey, group);
    if (last && last->expiresAt <= now) last.reset();
    NotificationLogEntryPtr told = inflight_->view(claimKey, last, now, policy.repeatInterval);
    const Decision d =
        decide(told.get(), firing, resolved, now, policy.repeatInterval, policy.sendResolved);
    const NotificationLogEntry* lastPtr = last.get();
    if (!d.send) {
      suppressed_.with({toString(d.reason)}).inc();
      if (d.forget && last) {
        NotificationLogEntry e =
            nextEntry(lastPtr, firing, resolved, last->sentAt, policy.repeatInterval);
        log_->record(receiverKey, group, std::move(e));
      }
      continue;
    }
    passed_.with({toString(d.reason)}).inc();
    if (!policy.sendResolved && !resolved.empty()) note.data = firingOnly(*note.data);
    std::shared_ptr<InFlightSends::Claim> claim = inflight_->claim(claimKey, firing, resolved);
    decideLock.unlock();
    // The entry is computed when the send completes, against the log as it is then; the claim
    // goes with the notification (released after the record, or when a failed one is dropped).
    note.onDelivered = [log = log_, receiverKey = receiverKey, group = std::move(group), firing,
                        resolved, repeat = policy.repeatInterval,
                        claim = std::move(claim)](TimePoint sentAt) {
      NotificationLogEntryPtr prev = log->query(receiverKey, group);
      log->record(receiverKey, group, nextEntry(prev.get(), firing, resolved, sentAt, repeat));
    };
    keep(note);
  }
  work.notifications.resize(kept);
}

}  // namespace nm::dedup
