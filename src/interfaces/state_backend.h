// The state persistence seam: keyed records of the stateful parts (active alerts, notification
// log, API silences) written through, read back at start, and (Redis) shared between replicas.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace nm {

// One table per stateful part. Keys and values are the part's own encoding (opaque here).
// ParkedSends: notifications acked out of their batch while they wait behind a throttle
// (notify/parked_journal.h). Appended last: the tables' numbers index the backends' arrays.
enum class StateTable : uint8_t { Alerts, NotificationLog, Silences, ParkedSends };
inline constexpr size_t kStateTableCount = 4;
inline constexpr StateTable kStateTables[kStateTableCount] = {
    StateTable::Alerts, StateTable::NotificationLog, StateTable::Silences, StateTable::ParkedSends};

inline const char* toString(StateTable t) {
  switch (t) {
    case StateTable::Alerts:
      return "alerts";
    case StateTable::NotificationLog:
      return "nflog";
    case StateTable::Silences:
      return "silences";
    case StateTable::ParkedSends:
      return "parked";
  }
  return "?";
}

// Threads: put/erase run on hot paths (worker threads, the HTTP client's loop) and must not block
// on I/O: an implementation queues them and writes in batches on a thread of its own. The last
// write of a key wins. load runs once per table at start, before any put.

// A record of `key` written by ANOTHER replica sharing the backend: its current value, or nullopt
// when the key was erased.
using StateWatch = std::function<void(std::string_view key, std::optional<std::string_view> value)>;

class StateBackend {
 public:
  virtual ~StateBackend() = default;
  // "memory", "sqlite:/var/lib/nm/state.db": for logs and /api/v2/status.
  virtual std::string name() const = 0;
  // False when writes are lost on restart (the memory backend): callers may skip encoding.
  virtual bool durable() const = 0;
  virtual void put(StateTable table, std::string key, std::string value) = 0;
  virtual void erase(StateTable table, std::string key) = 0;
  // Calls `fn` for every record of `table` as last written. Returns false with `error` set when
  // the records cannot be read (the caller decides whether to start empty).
  virtual bool load(StateTable table,
                    const std::function<void(std::string_view key, std::string_view value)>& fn,
                    std::string& error) = 0;
  // Blocks until everything put/erased before the call is durable (shutdown, tests).
  virtual void flush() = 0;
  // Tells `fn` of records of `table` written by other replicas (a shared backend; the memory and
  // SQLite backends are not shared and never call it). Register after load(table).
  // - Thread: one thread of the backend's own calls every watcher, one call at a time; `fn` must
  //   not call watch(). An empty `fn` removes the table's watcher and returns once no call of the
  //   old one is running (call it before the watcher's owner is destroyed).
  // - Order: per key, calls follow the order of the other replicas' writes, and the value given
  //   is the backend's value when the call is made (a later write of the same key may already
  //   show: parts apply values idempotently, newest wins).
  // - A replica is never called for its own writes (the change notices carry the writer's id).
  //   A value equal to the one this replica last wrote or was given for the key is not delivered
  //   (the other replica's write was already overwritten by this one's).
  // - After the backend reconnects (notices may have been missed) it re-reads the whole table and
  //   calls `fn` for every record that differs from what it last knew and with nullopt for every
  //   key it knew that is gone: a full resync. The first registration of a table also resyncs,
  //   which covers writes between load() and watch().
  virtual void watch(StateTable table, StateWatch fn) {
    (void)table;
    (void)fn;
  }
};

// The embedded default without --storage.path: keeps nothing.
class MemoryStateBackend final : public StateBackend {
 public:
  std::string name() const override { return "memory"; }
  bool durable() const override { return false; }
  void put(StateTable, std::string, std::string) override {}
  void erase(StateTable, std::string) override {}
  bool load(StateTable, const std::function<void(std::string_view, std::string_view)>&,
            std::string&) override {
    return true;
  }
  void flush() override {}
};

}  // namespace nm
