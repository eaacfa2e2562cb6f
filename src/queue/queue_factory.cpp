// makeQueue: maps --store.type to a backend: memory, Redis Streams or NATS JetStream.
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
    NatsQueueOptions no = options.nats;
    std::optional<NatsUrl> url = parseNatsUrl(options.natsUrl, error);
    if (!url) return nullptr;
    no.connect.url = *url;
    auto q = std::make_unique<NatsQueue>(std::move(no));
    if (!q->start(error)) return nullptr;
    return q;
  }
  error = "--store.type \"" + options.type + "\" is not a queue backend (memory, redis, nats)";
  return nullptr;
}

}  // namespace nm
