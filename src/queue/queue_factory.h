// The queue backend chosen by --store.type: memory, redis (Streams) or nats (JetStream); a bad
// setting stops the daemon at startup with an error naming the flag.
#pragma once

#include <memory>
#include <string>

#include "interfaces/alert_queue.h"
#include "queue/nats_queue.h"
#include "queue/redis_queue.h"

namespace nm {

struct QueueOptions {
  std::string type = "memory";                      // --store.type
  size_t memoryCapacity = 10000;                    // --store.memory.queue
  std::string redisUrl = "redis://127.0.0.1:6379";  // --store.redis.url, parsed into redis.url
  RedisTls redisTls;                                // --store.redis.tls-*, joined to redis.url
  RedisQueueOptions redis;
  std::string natsUrl = "nats://127.0.0.1:4222";  // --store.nats.url, parsed into nats.connect.url
  NatsQueueOptions nats;
};

// The queue, or nullptr with `error` naming the flag and the reason.
// A durable backend counts in `metrics`, which must outlive the queue.
std::unique_ptr<AlertQueue> makeQueue(const QueueOptions& options, metrics::Registry& metrics,
                                      std::string& error);

}  // namespace nm
