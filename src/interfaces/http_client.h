// The asynchronous HTTP client every channel sends through: event threads over libcurl's multi
// interface (connection reuse per host, TLS, proxies, timeouts), plus timers for retry backoff.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/time.h"

namespace nm {

struct TlsOptions {
  std::string caPem;    // extra trusted roots (PEM); empty: system store
  std::string certPem;  // client certificate (PEM)
  std::string keyPem;   // client key (PEM)
  std::string serverName;
  bool insecureSkipVerify = false;
};

struct HttpRequest {
  std::string method = "POST";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  Duration timeout = std::chrono::seconds(5);
  TlsOptions tls;
  std::string proxyUrl;
  std::string basicAuthUser;  // with basicAuthPassword: Authorization: Basic
  std::string basicAuthPassword;
};

struct HttpResponse {
  int status = 0;          // 0 when the transport failed
  std::string error;       // transport error text (connect refused, timeout, TLS)
  std::string body;        // capped at 64 KiB
  std::string retryAfter;  // Retry-After header as sent
  Duration elapsed{0};
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Queues the request; `done` runs exactly once on one of the client's threads (several may
  // complete requests at the same time). Keep it short.
  virtual void send(HttpRequest request, std::function<void(HttpResponse)> done) = 0;
  // Runs `fn` on one of the client's threads after `delay` (retry backoff); called from a
  // completion, on the thread that ran it.
  virtual void after(Duration delay, std::function<void()> fn) = 0;
  // Ends all work now and stops the client's threads: pending requests complete with the error
  // "client stopped" (a permanent failure), pending timers run. From then on a send fails at once
  // and a timer runs at once, both on the caller's thread, so every chain of sends and retries
  // finishes and nothing waits for this client any more. Idempotent; destruction implies it.
  virtual void shutdown() = 0;
};

}  // namespace nm
