// The Redis queue's dead letters (<stream>:dead, fields a, error, id, partition) for the
// `deadletter` command: read with XRANGE, replayed with MULTI XADD <stream>:<p> + XDEL.
#pragma once

#include "queue/dead_letters.h"
#include "redis/redis_connection.h"

namespace nm {

class RedisDeadLetters final : public DeadLetters {
 public:
  // `stream` is --store.redis.stream; `partitions` maps an entry's partition onto the live
  // streams (an entry from a partition beyond it goes to partition % partitions).
  RedisDeadLetters(RedisUrl url, std::string stream, uint32_t partitions);

  // Connects once; false with `error` when the server is unreachable or refuses the login.
  bool connect(std::string& error);

  bool list(std::vector<DeadEntry>& out, std::string& error) override;
  bool replay(const DeadEntry& entry, std::string& error) override;
  bool remove(const DeadEntry& entry, std::string& error) override;

  std::string deadStream() const { return stream_ + ":dead"; }

 private:
  RedisConnection conn_;
  std::string stream_;
  uint32_t partitions_;
};

}  // namespace nm
