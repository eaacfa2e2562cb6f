// HistoryStage: builds the history JSON from a NotifyReport and posts it through the history
// receiver's webhook notifier with bounded retries, tracking pending posts for shutdown.
#include "history/history_stage.h"

#include <unordered_map>

#include "interfaces/snapshot.h"
#include "observe/log.h"
#include "observe/metrics.h"

namespace nm {

std::vector<HistoryAlert> historyAlerts(const NotifyReport& report) {
  std::vector<HistoryAlert> out;
  std::unordered_map<std::string, size_t> index;
  for (const auto& r : report.results) {
    if (!r.outcome.ok || !r.data || !r.receiver) continue;
    for (const auto& a : r.data->alerts) {
      std::string key =
          a->id.empty() ? fingerprintHex(reinterpret_cast<uintptr_t>(a.get())) : a->id;
      auto [it, fresh] = index.try_emplace(key, out.size());
      if (fresh) out.push_back({a, r.sentAt, {}});
      out[it->second].receivers.push_back(
          {r.receiver->name, r.receiver->type, r.outcome.channelTarget});
    }
  }
  return out;
}

HistoryStage::HistoryStage(metrics::Registry& registry) : HistoryStage(registry, Options{}) {}

HistoryStage::HistoryStage(metrics::Registry& registry, Options o)
    : opts_(o), state_(std::make_shared<State>(registry)) {}

HistoryStage::State::State(metrics::Registry& r)
    : total(r.counter("nm_history_total", "History posts attempted.").with({})),
      failed(r.counter("nm_history_failed_total", "History posts that failed after retries.")
                 .with({})) {}

void HistoryStage::record(const NotifyReport& report, const ReceiverPtr& history) {
  if (!history) return;
  auto alerts = historyAlerts(report);
  if (alerts.empty()) return;
  state_->total.inc();
  if (!history->notifier) {
    state_->failed.inc();
    log::error("history not sent",
               {{"receiver", history->key}, {"reason", history->notifierError}});
    return;
  }
  {
    std::lock_guard<std::mutex> g(state_->mu);
    ++state_->pending;
  }
  auto finish = [state = state_, key = history->key,
                 n = std::to_string(alerts.size())](SendOutcome o) {
    if (!o.ok) {
      state->failed.inc();
      std::string attempts = std::to_string(o.attempts);
      log::error("history not sent",
                 {{"receiver", key}, {"alerts", n}, {"attempts", attempts}, {"reason", o.error}});
    }
    std::lock_guard<std::mutex> g(state->mu);
    if (--state->pending == 0) state->cv.notify_all();
  };
  TimePoint deadline = now() + opts_.budget;
  if (auto* poster = dynamic_cast<BodyPoster*>(history->notifier.get())) {
    poster->postBody(historyJson(history->name, alerts), deadline, opts_.retry, std::move(finish));
    return;
  }
  // Another notifier type: send the alerts as a plain Data.
  auto data = std::make_shared<Data>();
  for (const auto& h : alerts) data->alerts.push_back(h.alert);
  data->receiverName = history->name;
  history->notifier->send(std::move(data), deadline, std::move(finish));
}

bool HistoryStage::waitIdle(Duration timeout) {
  std::unique_lock<std::mutex> g(state_->mu);
  return state_->cv.wait_for(g, timeout, [&] { return state_->pending == 0; });
}

size_t HistoryStage::pending() const {
  std::lock_guard<std::mutex> g(state_->mu);
  return state_->pending;
}

}  // namespace nm
