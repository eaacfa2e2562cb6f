// --store.type redis|nats, --storage.path and --storage.allow-memory-fallback: share state in
// Redis, NATS KV, open the SQLite state database, or keep state in memory, saying so in the log and
// in the description /-/ready and /status show.
#include "app/storage_select.h"

#include "app/redis_flags.h"

#include "nats/nats_url.h"
#include "observe/log.h"
#include "persist/nats_state_backend.h"
#include "persist/redis_state_backend.h"
#include "persist/sqlite_state_backend.h"
#include "redis/redis_url.h"

namespace nm::app {

StateStorage selectStateStorage(const Flags& flags, metrics::Registry& metrics,
                                std::string& error) {
  StateStorage s;
  if (flags.storeType == "redis") {
    // Replicas share their state in Redis; a local database beside it would fork it.
    if (!flags.storagePath.empty()) {
      error =
          "--storage.path cannot be used with --store.type redis: the replicas share their state "
          "(active alerts, notification log, API silences) in Redis at --store.redis.url; drop "
          "--storage.path";
      return s;
    }
    std::string urlError;
    std::optional<RedisUrl> url = redisUrlFromFlags(flags, urlError);
    if (!url) {
      error = urlError;
      return s;
    }
    persist::RedisStateOptions options;
    options.url = *url;
    options.prefix = flags.storeRedisStatePrefix;
    s.backend = std::make_unique<persist::RedisStateBackend>(std::move(options), metrics);
    s.description = s.backend->name();
    log::info("state storage: shared by the replicas in Redis",
              {{"backend", s.description}, {"prefix", flags.storeRedisStatePrefix}});
    return s;
  }
  if (flags.storeType == "nats") {
    if (!flags.storagePath.empty()) {
      error =
          "--storage.path cannot be used with --store.type nats: the replicas share their state "
          "(active alerts, notification log, API silences) in NATS KV at --store.nats.url; drop "
          "--storage.path";
      return s;
    }
    std::optional<NatsUrl> url = parseNatsUrl(flags.storeNatsUrl, error);
    if (!url) return s;
    persist::NatsStateOptions options;
    options.connect.url = *url;
    options.connect.credsFile = flags.storeNatsCreds;
    options.connect.tlsCa = flags.storeNatsTlsCa;
    auto backend = std::make_unique<persist::NatsStateBackend>(std::move(options), metrics);
    if (!backend->start(error)) return s;
    s.description = backend->name();
    s.backend = std::move(backend);
    log::info("state storage: shared by the replicas in NATS KV",
              {{"backend", s.description}, {"buckets", "NM_STATE_alerts|nflog|silences"}});
    return s;
  }
  if (flags.storagePath.empty()) {
    s.backend = std::make_unique<MemoryStateBackend>();
    s.description = "memory";
    log::info("state storage: memory only (no --storage.path); alert state is lost on restart");
    return s;
  }
  persist::SqliteOptions options;
  options.directory = flags.storagePath;
  std::string openError;
  s.backend = persist::SqliteStateBackend::open(options, metrics, openError);
  if (s.backend) {
    s.description = s.backend->name();
    log::info("state storage opened", {{"backend", s.description}});
    return s;
  }
  if (!flags.storageAllowMemoryFallback) {
    error = openError + " (--storage.allow-memory-fallback runs with memory-only state instead)";
    return s;
  }
  log::error(
      "STATE STORAGE UNAVAILABLE: running with memory-only state because "
      "--storage.allow-memory-fallback is set; active alerts, the notification log and API "
      "silences will be lost on restart",
      {{"error", openError}});
  s.backend = std::make_unique<MemoryStateBackend>();
  s.description = "memory-only (fallback: " + openError + ")";
  return s;
}

}  // namespace nm::app
