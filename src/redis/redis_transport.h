// The byte stream under a Redis connection: a TCP socket, or a TLS session over it (rediss://).
// Hand-written because Debian 12's hiredis 0.14 has no TLS; its parser and formatter are reused.
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <string_view>

#include "core/time.h"

namespace nm {

// Every wait (connect, handshake, each read or write) is bounded by `timeout` without progress,
// like SO_RCVTIMEO/SO_SNDTIMEO, so a silent server cannot hang the owner. `fatal` is set when the
// failure is a setting that retrying will not fix (certificate verification, a TLS alert, a
// plain server behind rediss://), not the network.
class RedisTransport {
 public:
  RedisTransport() = default;
  ~RedisTransport() { close(); }
  RedisTransport(const RedisTransport&) = delete;
  RedisTransport& operator=(const RedisTransport&) = delete;

  // Connects to host:port (each resolved address in turn); with `tls`, then the handshake,
  // verifying that the certificate names `host` when the context verifies peers.
  bool open(const std::string& host, int port, SSL_CTX* tls, Duration timeout, std::string& error,
            bool& fatal);
  bool isOpen() const { return fd_ >= 0; }
  bool sendAll(std::string_view data, std::string& error, bool& fatal);
  // At least one byte into buf (up to cap); 0 with `error` when the stream failed or closed.
  size_t receive(char* buf, size_t cap, std::string& error, bool& fatal);
  void close();
  // For a subscriber waiting on pushed messages: 1 when bytes can be read now (buffered TLS
  // records count), 0 when none arrived within `wait`, -1 when the socket cannot be polled.
  int waitReadable(Duration wait);

 private:
  struct SslFree {
    void operator()(SSL* s) const { SSL_free(s); }
  };
  bool connectTcp(const std::string& host, int port, std::string& error);
  bool handshake(const std::string& host, SSL_CTX* tls, std::string& error, bool& fatal);
  // Waits for `events` on the socket; false with `error` on timeout.
  bool waitFor(short events, std::string& error);
  // After an SSL call failed: waits when OpenSSL wants I/O (true), else describes the failure.
  bool sslRetry(int ret, std::string& error, bool& fatal);
  // TLS 1.3 reports a refused client certificate only after the handshake, by an alert that a
  // write racing it would turn into a bare reset: when the server asked for a certificate we did
  // not have, waits for its first records (session tickets, or the alert) before any command.
  bool awaitClientCertVerdict(std::string& error, bool& fatal);
  static int onCertRequest(SSL* ssl, void* self);

  int fd_ = -1;
  std::unique_ptr<SSL, SslFree> ssl_;
  Duration timeout_ = std::chrono::seconds(5);
  bool askedForMissingCert_ = false;
};

}  // namespace nm
