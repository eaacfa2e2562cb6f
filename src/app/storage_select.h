// Which StateBackend the daemon runs on: Redis with --store.type redis, NATS KV with --store.type
// nats (--storage.path refused beside either), SQLite under --storage.path, memory without it, and
// memory after a refused database only with --storage.allow-memory-fallback (never silently).
#pragma once

#include <memory>
#include <string>

#include "app/flags.h"
#include "interfaces/state_backend.h"
#include "observe/metrics.h"

namespace nm::app {

struct StateStorage {
  std::unique_ptr<StateBackend> backend;  // null: refused, the daemon exits 2
  // For /-/ready and /status: "redis:<host>:<port>", "nats:<host>:<port>", "sqlite:<file>",
  // "memory", or "memory-only (fallback: <error>)".
  std::string description;
};

// Opens the backend the flags ask for; on a refused database sets `error` (naming the file and
// SQLite's message) and returns no backend, unless the fallback is allowed.
StateStorage selectStateStorage(const Flags& flags, metrics::Registry& metrics, std::string& error);

}  // namespace nm::app
