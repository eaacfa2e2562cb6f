// makeQueue: maps --store.type to a backend: memory, Redis Streams; NATS comes with issue #12.
#include "queue/queue_factory.h"

#include "queue/memory_queue.h"

namespace nm {

std::unique_ptr<AlertQueue> makeQueue(const QueueOptions& options, metrics::Registry& metrics,
                                      std::string& error) {
  if (options.type == "memory") return std::make_unique<MemoryQueue>(options.memoryCapacity);
  if (options.type == "redis") {
    RedisQueueOptions ro = options.redis;
    std::optional<RedisUrl> url = parseRedisUrl(options.redisUrl, error);
    if (!url || !applyRedisTls(*url, options.redisTls, error)) return nullptr;
    ro.url = *url;
    auto q = std::make_unique<RedisQueue>(std::move(ro), metrics);
    if (!q->start(error)) return nullptr;
    return q;
  }
  if (options.type == "nats") {
    error = "--store.type " + options.type + ": not available in this build: see issue #12";
    return nullptr;
  }
  error = "--store.type \"" + options.type + "\" is not a queue backend (memory, redis, nats)";
  return nullptr;
}

}  // namespace nm
