// The daemon's HTTP server: Boost.Beast over an Asio event loop with a few io threads (no thread
// per request) and a small blocking pool for work that may wait (queue push, reload, send).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "api/api_backend.h"

namespace nm::api {

class HttpServer {
 public:
  // address in Go form: ":19093", "0.0.0.0:19093", "127.0.0.1:0", "[::1]:19093".
  HttpServer(ApiDeps deps, std::string address, int threads);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving; throws std::runtime_error naming the address and the reason.
  void start();
  // The bound port (useful with port 0); 0 before start().
  uint16_t port() const;
  // Closes the listening socket; connections in flight finish their requests.
  void stopAccepting();
  // Stops everything now: open connections are closed, replies not yet written are dropped.
  // Call from a thread that is not one of the server's.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nm::api
