// The dead-letter seam the `deadletter` command works through: list the entries a backend's
// queue set aside, put one back into the live queue, delete one (Redis and NATS implement it).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nm {

// One dead-lettered alert as the backend stores it.
struct DeadEntry {
  std::string id;         // Redis: the dead stream's entry id; NATS: the dead stream's sequence
  std::string reason;     // why it was set aside (undecodable, max-deliver)
  std::string error;      // the decoder's or the queue's message
  std::string partition;  // the live stream / subject it came from ("" when unknown)
  std::string bytes;      // the encoded alert (alert_codec.h), possibly undecodable
  int64_t timeMs = 0;     // when it was dead-lettered (ms since the Unix epoch)
};

class DeadLetters {
 public:
  virtual ~DeadLetters() = default;
  // Every entry, oldest first; false with `error` when the backend cannot be read.
  virtual bool list(std::vector<DeadEntry>& out, std::string& error) = 0;
  // Puts `entry` back into the live queue and deletes it from the dead letters (Redis: in one
  // MULTI; NATS: publish with a replay id, then delete, so a retry is not queued twice).
  virtual bool replay(const DeadEntry& entry, std::string& error) = 0;
  virtual bool remove(const DeadEntry& entry, std::string& error) = 0;
};

}  // namespace nm
