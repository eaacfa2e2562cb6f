// Connects to NATS for --store.nats.*: the servers of nats_url, a credentials file, a TLS CA,
// timeouts and reconnect with capped exponential backoff; errors name the flag at fault.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>

#include "core/time.h"
#include "nats/nats_handles.h"
#include "nats/nats_url.h"

namespace nm {

struct NatsConnectOptions {
  NatsUrl url;
  std::string credsFile;                       // --store.nats.creds
  std::string tlsCa;                           // --store.nats.tls-ca
  Duration timeout = std::chrono::seconds(5);  // connect and JetStream API requests
  Duration minBackoff = std::chrono::milliseconds(100);
  Duration maxBackoff = std::chrono::seconds(2);  // between reconnect attempts
  std::string name = "notification-manager";      // the connection name servers show
  // Called from cnats' thread when the connection is lost (false) and is back (true).
  std::function<void(bool up)> onStateChange;
};

// One connection that reconnects by itself forever once it was established. The first connect
// must succeed: an unreachable server, a refused login or an unreadable file is an error naming
// the flag (--store.nats.url, --store.nats.creds, --store.nats.tls-ca).
class NatsConnection {
 public:
  explicit NatsConnection(NatsConnectOptions options) : options_(std::move(options)) {}
  ~NatsConnection();  // close()
  NatsConnection(const NatsConnection&) = delete;
  NatsConnection& operator=(const NatsConnection&) = delete;

  bool connect(std::string& error);
  natsConnection* get() const { return conn_.get(); }
  // Connected now (not reconnecting, not closed).
  bool connected() const;
  // Closes for good (no more reconnects, no state-change call); the handle stays valid. Returns
  // once cnats has run this connection's last callback (its closed callback, queued after any
  // disconnected one), so the object may go right after.
  void close();
  const NatsConnectOptions& options() const { return options_; }

 private:
  static int64_t reconnectDelay(natsConnection* nc, int attempts, void* closure);
  static void onDisconnected(natsConnection* nc, void* closure);
  static void onReconnected(natsConnection* nc, void* closure);
  static void onClosed(natsConnection* nc, void* closure);

  NatsConnectOptions options_;
  NatsConnectionPtr conn_;
  std::atomic<bool> closing_{false};
  std::mutex closedMu_;
  std::condition_variable closedCv_;
  bool closed_ = false;  // the closed callback ran
};

}  // namespace nm
