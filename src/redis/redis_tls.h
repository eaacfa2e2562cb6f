// TLS settings of the Redis client (rediss://, --store.redis.tls-*) and the OpenSSL client
// context built from them: verification on by default (system CA store or --store.redis.tls-ca).
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>

namespace nm {

struct RedisTls {
  std::string caFile;               // --store.redis.tls-ca; empty: the system CA store
  std::string certFile;             // --store.redis.tls-cert (client certificate, with keyFile)
  std::string keyFile;              // --store.redis.tls-key
  bool insecureSkipVerify = false;  // --store.redis.tls-insecure-skip-verify
};

struct SslCtxFree {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;

// The client context for `tls`, or null with `error` naming the flag whose file is unusable.
SslCtxPtr makeRedisTlsContext(const RedisTls& tls, std::string& error);

// OpenSSL's queued errors as one line (emptying the queue); `fallback` when there are none.
std::string takeSslErrors(const std::string& fallback);

}  // namespace nm
