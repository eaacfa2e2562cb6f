// RedisTransport: a non-blocking socket driven by poll(2), and OpenSSL's SSL object over the
// same descriptor; hostname or IP checked through the verify parameters, SNI for DNS names.
#include "redis/redis_transport.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "redis/redis_tls.h"

namespace nm {

namespace {

bool isIpAddress(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

int toMillis(Duration d) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  return static_cast<int>(std::clamp<int64_t>(ms, 1, 1 << 30));
}

}  // namespace

void RedisTransport::close() {
  ssl_.reset();
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool RedisTransport::waitFor(short events, std::string& error) {
  pollfd p{fd_, events, 0};
  for (;;) {
    int n = ::poll(&p, 1, toMillis(timeout_));
    if (n > 0) return true;
    if (n == 0) {
      error = "timed out";
      return false;
    }
    if (errno != EINTR) {
      error = std::string("poll: ") + std::strerror(errno);
      return false;
    }
  }
}

int RedisTransport::waitReadable(Duration wait) {
  if (fd_ < 0) return -1;
  if (ssl_ && SSL_pending(ssl_.get()) > 0) return 1;
  pollfd p{fd_, POLLIN, 0};
  int n = ::poll(&p, 1, toMillis(wait));
  if (n == 0 || (n < 0 && errno == EINTR)) return 0;
  return n < 0 ? -1 : 1;
}

bool RedisTransport::connectTcp(const std::string& host, int port, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res); rc != 0) {
    error = "cannot resolve " + host + ": " + gai_strerror(rc);
    return false;
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> list(res, freeaddrinfo);
  error = "no address for " + host;
  for (addrinfo* a = res; a; a = a->ai_next) {
    fd_ = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd_ < 0) {
      error = std::string("socket: ") + std::strerror(errno);
      continue;
    }
    int rc = ::connect(fd_, a->ai_addr, a->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      int soErr = 0;
      socklen_t len = sizeof soErr;
      if (!waitFor(POLLOUT, error)) {
        error = "connect: " + error;
        close();
        continue;
      }
      getsockopt(fd_, SOL_SOCKET, SO_ERROR, &soErr, &len);
      rc = soErr == 0 ? 0 : -1;
      errno = soErr;
    }
    if (rc == 0) {
      int one = 1;
      setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      return true;
    }
    error = std::string("connect: ") + std::strerror(errno);
    close();
  }
  return false;
}

bool RedisTransport::sslRetry(int ret, std::string& error, bool& fatal) {
  int e = SSL_get_error(ssl_.get(), ret);
  if (e == SSL_ERROR_WANT_READ) return waitFor(POLLIN, error);
  if (e == SSL_ERROR_WANT_WRITE) return waitFor(POLLOUT, error);
  if (e == SSL_ERROR_ZERO_RETURN) {
    error = "the server closed the TLS session";
  } else if (e == SSL_ERROR_SYSCALL) {
    error = errno != 0 ? std::string(std::strerror(errno)) : "the server closed the connection";
    error = takeSslErrors(error);
  } else {
    fatal = true;
    error = "TLS: " + takeSslErrors("protocol error");
  }
  return false;
}

int RedisTransport::onCertRequest(SSL* ssl, void* self) {
  static_cast<RedisTransport*>(self)->askedForMissingCert_ = SSL_get_certificate(ssl) == nullptr;
  return 1;
}

bool RedisTransport::awaitClientCertVerdict(std::string& error, bool& fatal) {
  const std::string hint =
      " (the server requires a client certificate: give --store.redis.tls-cert and "
      "--store.redis.tls-key)";
  pollfd p{fd_, POLLIN, 0};
  for (;;) {
    int n = ::poll(&p, 1, toMillis(std::min<Duration>(timeout_, std::chrono::seconds(2))));
    if (n == 0) return true;  // nothing said: no verdict to wait for
    if (n < 0 && errno == EINTR) continue;
    ERR_clear_error();
    errno = 0;
    char c;
    int ret = SSL_peek(ssl_.get(), &c, 1);
    if (ret > 0) return true;
    int e = SSL_get_error(ssl_.get(), ret);
    if (e == SSL_ERROR_WANT_READ) return true;  // session tickets: the certificate was accepted
    fatal = true;
    error = e == SSL_ERROR_SSL ? "TLS: " + takeSslErrors("protocol error") + hint
                               : "the server closed the TLS session" + hint;
    return false;
  }
}

bool RedisTransport::handshake(const std::string& host, SSL_CTX* tls, std::string& error,
                               bool& fatal) {
  ssl_.reset(SSL_new(tls));
  if (!ssl_ || SSL_set_fd(ssl_.get(), fd_) != 1) {
    error = "TLS: " + takeSslErrors("cannot create the session");
    return false;
  }
  if (isIpAddress(host)) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_.get()), host.c_str());
  } else {
    SSL_set1_host(ssl_.get(), host.c_str());
    SSL_set_tlsext_host_name(ssl_.get(), host.c_str());
  }
  askedForMissingCert_ = false;
  SSL_set_cert_cb(ssl_.get(), onCertRequest, this);
  for (;;) {
    ERR_clear_error();
    errno = 0;
    int ret = SSL_connect(ssl_.get());
    if (ret == 1) return !askedForMissingCert_ || awaitClientCertVerdict(error, fatal);
    long verify = SSL_get_verify_result(ssl_.get());
    if (verify != X509_V_OK) {
      fatal = true;
      ERR_clear_error();
      error = std::string("TLS handshake: certificate verify failed (") +
              X509_verify_cert_error_string(verify) +
              "): give the CA that signed the server's certificate with --store.redis.tls-ca, "
              "make the URL's host one the certificate names, or (tests only) "
              "--store.redis.tls-insecure-skip-verify";
      return false;
    }
    if (!sslRetry(ret, error, fatal)) {
      error = "TLS handshake: " + error;
      return false;
    }
  }
}

bool RedisTransport::open(const std::string& host, int port, SSL_CTX* tls, Duration timeout,
                          std::string& error, bool& fatal) {
  close();
  fatal = false;
  timeout_ = timeout;
  if (!connectTcp(host, port, error)) return false;
  if (tls && !handshake(host, tls, error, fatal)) {
    close();
    return false;
  }
  return true;
}

bool RedisTransport::sendAll(std::string_view data, std::string& error, bool& fatal) {
  while (!data.empty()) {
    if (ssl_) {
      ERR_clear_error();
      errno = 0;
      int n = SSL_write(ssl_.get(), data.data(),
                        static_cast<int>(std::min<size_t>(data.size(), 1 << 30)));
      if (n > 0) {
        data.remove_prefix(static_cast<size_t>(n));
      } else if (!sslRetry(n, error, fatal)) {
        return false;
      }
      continue;
    }
    ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!waitFor(POLLOUT, error)) return false;
    } else {
      error = std::string("write: ") + std::strerror(errno);
      return false;
    }
  }
  return true;
}

size_t RedisTransport::receive(char* buf, size_t cap, std::string& error, bool& fatal) {
  for (;;) {
    if (ssl_) {
      ERR_clear_error();
      errno = 0;
      int n = SSL_read(ssl_.get(), buf, static_cast<int>(std::min<size_t>(cap, 1 << 30)));
      if (n > 0) return static_cast<size_t>(n);
      if (!sslRetry(n, error, fatal)) return 0;
      continue;
    }
    ssize_t n = ::recv(fd_, buf, cap, 0);
    if (n > 0) return static_cast<size_t>(n);
    if (n == 0) {
      error = "the server closed the connection";
      return 0;
    }
    if (errno == EAGAIN || errno == EINTR) {
      if (!waitFor(POLLIN, error)) return 0;
      continue;
    }
    error = std::string("read: ") + std::strerror(errno);
    return 0;
  }
}

}  // namespace nm
