// Direct sends for the verify and notifications endpoints: the request's receiver is built like a
// configured one (classification, config selection, notifier), then aggregate and notify run on
// it alone — no silence, route or filter, as the Go daemon does.
#include "app/direct_send.h"

#include "aggregate/aggregate_stage.h"
#include "config/snapshot_builder.h"
#include "notify/notify_stage.h"
#include "observe/log.h"

namespace nm::app {

AlertList verifyAlerts() {
  auto a = std::make_shared<Alert>();
  TimePoint t = now();
  a->labels.set("alertname", "verify");
  a->labels.set("alerttype", "verify");
  a->labels.set("alerttime", formatRfc3339(t));
  a->annotations.set("message", "Congratulations, your notification configuration is correct!");
  a->status = AlertStatus::Firing;
  a->startsAt = t;
  a->receivedAt = t;
  finalizeIdentity(*a);
  return {a};
}

void directSend(const DirectSendContext& ctx, const YAML::Node& receiver, const YAML::Node& config,
                AlertList alerts, std::string okMessage, api::Completion done) {
  config::AdhocResult built =
      config::buildAdhocReceiver(receiver, config, ctx.snapshots.current(), &ctx.services);
  if (!built.diags.ok()) {
    done({400, built.diags.str()});
    return;
  }
  if (built.receivers.empty()) {
    done({400, "receiver: no channel block (spec.<type>) to send to"});
    return;
  }
  if (alerts.empty()) {
    done({400, "alert: no alerts to send"});
    return;
  }
  Work work;
  work.snapshot = built.snapshot;
  work.now = now();
  work.deadline = work.now + ctx.timeout;
  for (const auto& r : built.receivers) work.routed.push_back({r, alerts});
  AggregateStage().process(work);
  auto keepAlive = built.snapshot;
  ctx.notify.run(
      std::move(work.notifications), work.deadline,
      [done = std::move(done), okMessage = std::move(okMessage), keepAlive](NotifyReport report) {
        std::string failures;
        for (const auto& r : report.results) {
          if (r.outcome.ok) continue;
          if (!failures.empty()) failures += "; ";
          failures += r.receiver->key + ": " + r.outcome.error;
        }
        if (failures.empty()) {
          done({200, okMessage});
        } else {
          done({400, failures});
        }
      });
}

}  // namespace nm::app
