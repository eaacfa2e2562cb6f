// The queue backend chosen by --store.type: memory or redis; nats answers that it is not
// available in this build (issue #12) so a misconfigured daemon stops at startup.
#pragma once

#include <memory>
#include <string>

#include "interfaces/alert_queue.h"
#include "queue/redis_queue.h"

namespace nm {

struct QueueOptions {
  std::string type = "memory";                      // --store.type
  size_t memoryCapacity = 10000;                    // --store.memory.queue
  std::string redisUrl = "redis://127.0.0.1:6379";  // --store.redis.url, parsed into redis.url
  RedisTls redisTls;                                // --store.redis.tls-*, joined to redis.url
  RedisQueueOptions redis;
};

// The queue, or nullptr with `error` naming the flag and the reason.
// A durable backend counts in `metrics`, which must outlive the queue.
std::unique_ptr<AlertQueue> makeQueue(const QueueOptions& options, metrics::Registry& metrics,
                                      std::string& error);

}  // namespace nm
