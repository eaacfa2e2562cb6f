// The state persistence seam: keyed records of the stateful parts (active alerts, notification
// log, API silences) written through and read back at start. SQLite today, Redis/NATS next.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace nm {

// One table per stateful part. Keys and values are the part's own encoding (opaque here).
enum class StateTable : uint8_t { Alerts, NotificationLog, Silences };

inline const char* toString(StateTable t) {
  switch (t) {
    case StateTable::Alerts:
      return "alerts";
    case StateTable::NotificationLog:
      return "nflog";
    case StateTable::Silences:
      return "silences";
  }
  return "?";
}

// Threads: put/erase run on hot paths (worker threads, the HTTP client's loop) and must not block
// on I/O: an implementation queues them and writes in batches on a thread of its own. The last
// write of a key wins. load runs once per table at start, before any put.
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
