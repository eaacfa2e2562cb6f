// ParkedJournal: the durable records of parked sends in the StateBackend (table ParkedSends),
// written when a send parks, erased when it settles, and re-sent at start (or by another replica
// once their writer stopped: app/parked_adoption).
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <set>
#include <string>

#include "interfaces/snapshot.h"
#include "interfaces/state_backend.h"
#include "notify/notify_stage.h"
#include "notify/parked_record.h"
#include "observe/metrics.h"

namespace nm {

// Durability: a record is put before the parked send releases its batch, but the backend queues
// writes and commits them in batches (SQLite every 50 ms, Redis every 20 ms, NATS KV at its
// writer's pace), so a process killed within that bound after the ack loses the parked send. A
// record erased after a delivery can likewise survive a kill within the bound: that
// notification is sent again at the next start (at least once, never lost past the bound).
//
// Replicas sharing a backend (Redis, NATS KV): every record carries its writer's replica id,
// and resendAtStart takes a predicate choosing which records this process re-sends. The daemon
// re-sends every record on a backend no other process shares (SQLite), and on a shared backend
// only records written under its own replica id (--store.redis.consumer / NATS replica name):
// a replica restarted under the same name takes back what it parked, while a live replica's
// records are never re-sent by another (which would notify twice). Records of a replica that
// never comes back under its name are re-sent by one live replica once the writer's heartbeat is
// older than the lease ttl (app/parked_adoption).
class ParkedJournal final : public ParkedRecords {
 public:
  // `writer`: this process's replica id, recorded in every record.
  ParkedJournal(StateBackend& backend, std::string writer, metrics::Registry& registry);

  std::string parked(const Notification& note) override;
  void settled(const std::string& key) override;

  struct ResendResult {
    size_t resent = 0;
    size_t dropped = 0;  // unknown receiver or unreadable record: logged, counted, erased
    size_t skipped = 0;  // left to their writer (`mine` said no)
  };
  // Which records a call re-sends: (record key, record) → true to re-send it.
  using Choice = std::function<bool(const std::string& key, const ParkedRecord&)>;
  // Loads the table and re-sends, through `notify` (so the throttle applies and a resend may park
  // again under a new record), every record `mine` accepts (all when empty), to the receiver of
  // that key in `snapshot`. A record is erased once its resend settled or parked again; until
  // then a later call skips it. `report` receives the reports (history). False with `error` when
  // the table cannot be read.
  bool resend(const config::Snapshot& snapshot, NotifyStage& notify, Duration timeout,
              const Choice& mine, const std::function<void(NotifyReport)>& report,
              ResendResult& result, std::string& error);

 private:
  StateBackend& backend_;
  const std::string writer_;
  const std::string keyPrefix_;  // unique per process: writer + random
  std::atomic<uint64_t> seq_{0};
  metrics::Counter& written_;
  metrics::Counter& resent_;
  metrics::Family<metrics::Counter>& dropped_;
  std::mutex resendingMu_;
  std::set<std::string> resending_;  // keys re-sent and not yet settled
};

}  // namespace nm
