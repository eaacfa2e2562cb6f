// makeRedisTlsContext: TLS 1.2+, peer verification unless skipped, the CA file or the system
// store, an optional client certificate whose key must match it.
#include "redis/redis_tls.h"

#include <openssl/err.h>

namespace nm {

std::string takeSslErrors(const std::string& fallback) {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    const char* reason = ERR_reason_error_string(e);
    if (!out.empty()) out += "; ";
    out += reason ? reason : buf;
  }
  return out.empty() ? fallback : out;
}

SslCtxPtr makeRedisTlsContext(const RedisTls& tls, std::string& error) {
  ERR_clear_error();
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) {
    error = "--store.redis.url: cannot create a TLS context: " + takeSslErrors("out of memory");
    return nullptr;
  }
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  if (tls.insecureSkipVerify) {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  } else {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
    if (!tls.caFile.empty()) {
      if (SSL_CTX_load_verify_locations(ctx.get(), tls.caFile.c_str(), nullptr) != 1) {
        error = "--store.redis.tls-ca " + tls.caFile +
                ": cannot load CA certificates: " + takeSslErrors("unreadable");
        return nullptr;
      }
    } else if (SSL_CTX_set_default_verify_paths(ctx.get()) != 1) {
      error =
          "--store.redis.url: cannot load the system CA store: " + takeSslErrors("unknown error") +
          " (give --store.redis.tls-ca)";
      return nullptr;
    }
  }
  if (!tls.certFile.empty()) {
    if (SSL_CTX_use_certificate_chain_file(ctx.get(), tls.certFile.c_str()) != 1) {
      error = "--store.redis.tls-cert " + tls.certFile +
              ": cannot load the client certificate: " + takeSslErrors("unreadable");
      return nullptr;
    }
    if (SSL_CTX_use_PrivateKey_file(ctx.get(), tls.keyFile.c_str(), SSL_FILETYPE_PEM) != 1) {
      error = "--store.redis.tls-key " + tls.keyFile +
              ": cannot load the client key, or it does not match --store.redis.tls-cert: " +
              takeSslErrors("unreadable");
      return nullptr;
    }
    if (SSL_CTX_check_private_key(ctx.get()) != 1) {
      error = "--store.redis.tls-key " + tls.keyFile +
              ": does not match --store.redis.tls-cert: " + takeSslErrors("mismatch");
      return nullptr;
    }
  }
  return ctx;
}

}  // namespace nm
