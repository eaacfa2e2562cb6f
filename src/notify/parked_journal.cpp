// ParkedJournal: record keys, the put on park and erase on settle, and the resend at start with
// its drop accounting (nm_parked_resent_total, nm_parked_dropped_total{reason}).
#include "notify/parked_journal.h"

#include <random>
#include <vector>

#include "observe/log.h"

namespace nm {

namespace {

std::string randomHex() {
  std::random_device rd;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 4; ++i) {
    uint32_t v = rd();
    for (int j = 0; j < 4; ++j, v >>= 8) {
      s += kHex[(v >> 4) & 0xf];
      s += kHex[v & 0xf];
    }
  }
  return s;
}

}  // namespace

ParkedJournal::ParkedJournal(StateBackend& backend, std::string writer, metrics::Registry& registry)
    : backend_(backend),
      writer_(std::move(writer)),
      keyPrefix_(randomHex() + "-"),
      written_(registry
                   .counter("nm_parked_records_written_total",
                            "Durable records written for notifications parked behind a throttle.")
                   .with({})),
      resent_(registry
                  .counter("nm_parked_resent_total",
                           "Parked notifications of an earlier process sent again at start.")
                  .with({})),
      dropped_(registry.counter("nm_parked_dropped_total",
                                "Parked notifications of an earlier process given up at start.",
                                {"reason"})) {}

std::string ParkedJournal::parked(const Notification& note) {
  if (!backend_.durable() || !note.receiver || !note.data) return {};
  ParkedRecord r;
  r.writer = writer_;
  r.receiverKey = note.receiver->key;
  r.receiverName = note.data->receiverName;
  r.groupLabels = note.data->groupLabels;
  r.commonLabels = note.data->commonLabels;
  r.commonAnnotations = note.data->commonAnnotations;
  r.alerts = note.data->alerts;
  r.parkedAt = now();
  std::string key = keyPrefix_ + std::to_string(seq_.fetch_add(1, std::memory_order_relaxed));
  backend_.put(StateTable::ParkedSends, key, encodeParkedRecord(r));
  written_.inc();
  return key;
}

void ParkedJournal::settled(const std::string& key) {
  backend_.erase(StateTable::ParkedSends, key);
}

bool ParkedJournal::resend(const config::Snapshot& snapshot, NotifyStage& notify, Duration timeout,
                           const Choice& mine, const std::function<void(NotifyReport)>& report,
                           ResendResult& result, std::string& error) {
  struct Loaded {
    std::string key;
    std::optional<ParkedRecord> record;
    std::string error;
  };
  std::vector<Loaded> loaded;
  if (!backend_.load(
          StateTable::ParkedSends,
          [&loaded](std::string_view key, std::string_view value) {
            Loaded l;
            l.key = key;
            l.record = decodeParkedRecord(value, l.error);
            loaded.push_back(std::move(l));
          },
          error))
    return false;
  auto drop = [this, &result](const std::string& key, const char* reason,
                              std::initializer_list<log::Field> fields) {
    log::warn("parked notification of an earlier process dropped", fields);
    dropped_.with({reason}).inc();
    ++result.dropped;
    backend_.erase(StateTable::ParkedSends, key);
  };
  for (Loaded& l : loaded) {
    if (!l.record) {
      drop(l.key, "unreadable", {{"record", l.key}, {"reason", "unreadable: " + l.error}});
      continue;
    }
    ParkedRecord& r = *l.record;
    if (mine && !mine(l.key, r)) {
      ++result.skipped;
      continue;
    }
    {
      std::lock_guard<std::mutex> g(resendingMu_);
      if (!resending_.insert(l.key).second) continue;  // an earlier call's resend is under way
    }
    auto it = snapshot.receiversByKey.find(r.receiverKey);
    if (it == snapshot.receiversByKey.end() || !it->second) {
      drop(l.key, "unknown_receiver",
           {{"record", l.key},
            {"receiver", r.receiverKey},
            {"alerts", std::to_string(r.alerts.size())},
            {"reason", "no receiver of that name in the current configuration"}});
      continue;
    }
    auto data = std::make_shared<Data>();
    data->alerts = std::move(r.alerts);
    data->groupLabels = std::move(r.groupLabels);
    data->commonLabels = std::move(r.commonLabels);
    data->commonAnnotations = std::move(r.commonAnnotations);
    data->receiverName = std::move(r.receiverName);
    Notification note;
    note.receiver = it->second;
    note.data = std::move(data);
    std::vector<Notification> notes;
    notes.push_back(std::move(note));
    resent_.inc();
    ++result.resent;
    // `done` runs once the resend settled or parked again under a record of its own: either way
    // this record has done its work.
    notify.run(
        std::move(notes), now() + timeout,
        [this, key = l.key, report](NotifyReport rep) {
          bool parkedAgain = !rep.results.empty() && rep.results[0].parked;
          if (report && !parkedAgain) report(std::move(rep));
          backend_.erase(StateTable::ParkedSends, key);
          std::lock_guard<std::mutex> g(resendingMu_);
          resending_.erase(key);
        },
        [report](NotifyReport rep) {  // set even without `report`: a resend may park again
          if (report) report(std::move(rep));
        });
  }
  if (result.resent || result.dropped)
    log::info("parked notifications of an earlier process",
              {{"resent", std::to_string(result.resent)},
               {"dropped", std::to_string(result.dropped)},
               {"left_to_their_writer", std::to_string(result.skipped)}});
  return true;
}

}  // namespace nm
