// The NATS queue's dead letters (stream NM_DEADLETTER, subjects nm.deadletter.<reason>, headers
// Nm-Dead-Reason, Nm-Error, Nm-Subject) for the `deadletter` command: read by sequence,
// replayed by publishing to the subject the alert came from, then deleted.
#pragma once

#include "nats/nats_connection.h"
#include "queue/dead_letters.h"

namespace nm {

class NatsDeadLetters final : public DeadLetters {
 public:
  explicit NatsDeadLetters(NatsConnectOptions options);

  // Connects and opens JetStream; false with `error` naming the flag when it cannot.
  bool connect(std::string& error);

  bool list(std::vector<DeadEntry>& out, std::string& error) override;
  bool replay(const DeadEntry& entry, std::string& error) override;
  bool remove(const DeadEntry& entry, std::string& error) override;

 private:
  NatsConnection conn_;
  JsCtxPtr js_;
};

}  // namespace nm
