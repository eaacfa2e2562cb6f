// parseRedisUrl: scheme (redis:// or rediss://), optional userinfo (percent-decoded), host (IPv6
// in brackets), port 1..65535 and a database number; anything else is an error naming the flag.
#include "redis/redis_url.h"

#include <charconv>

namespace nm {

namespace {

constexpr const char* kFlag = "--store.redis.url";

bool parseInt(std::string_view s, int lo, int hi, int& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && out >= lo && out <= hi;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool percentDecode(std::string_view in, std::string& out) {
  out.clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return false;
    int hi = hexValue(in[i + 1]), lo = hexValue(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return true;
}

}  // namespace

std::optional<RedisUrl> parseRedisUrl(std::string_view url, std::string& error) {
  auto fail = [&](const std::string& what) {
    // The URL itself is not repeated: it may hold a password.
    error = std::string(kFlag) + ": " + what;
    return std::nullopt;
  };
  RedisUrl u;
  std::string_view rest;
  if (url.starts_with("redis://")) {
    rest = url.substr(8);
  } else if (url.starts_with("rediss://")) {
    rest = url.substr(9);
    u.tls = true;
  } else {
    return fail("the scheme must be redis:// or rediss:// (TLS)");
  }
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == rest.npos ? std::string_view() : rest.substr(slash + 1);
  size_t at = authority.rfind('@');
  if (at != authority.npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    size_t colon = userinfo.find(':');
    std::string_view user = userinfo.substr(0, colon);
    std::string_view pass =
        colon == userinfo.npos ? std::string_view() : userinfo.substr(colon + 1);
    if (colon == userinfo.npos) std::swap(user, pass);  // redis://secret@host: a password
    if (!percentDecode(user, u.user) || !percentDecode(pass, u.password))
      return fail("the user or password has a bad percent escape");
  }
  std::string_view host = authority, port;
  if (authority.starts_with('[')) {
    size_t close = authority.find(']');
    if (close == authority.npos) return fail("an IPv6 host lacks its closing ]");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return fail("unexpected text after the IPv6 host");
      port = after.substr(1);
    }
  } else if (size_t colon = authority.rfind(':'); colon != authority.npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return fail("the host is empty");
  u.host = std::string(host);
  if (!port.empty() || authority.ends_with(':')) {
    if (!parseInt(port, 1, 65535, u.port))
      return fail("the port \"" + std::string(port) + "\" is not a number in 1..65535");
  }
  if (!path.empty() && !parseInt(path, 0, 1 << 20, u.db))
    return fail("the database \"" + std::string(path) + "\" is not a number");
  return u;
}

bool applyRedisTls(RedisUrl& url, const RedisTls& tls, std::string& error) {
  const char* given = !tls.caFile.empty()      ? "--store.redis.tls-ca"
                      : !tls.certFile.empty()  ? "--store.redis.tls-cert"
                      : !tls.keyFile.empty()   ? "--store.redis.tls-key"
                      : tls.insecureSkipVerify ? "--store.redis.tls-insecure-skip-verify"
                                               : nullptr;
  if (given && !url.tls) {
    error = std::string(given) + ": TLS flags need a rediss:// --store.redis.url";
    return false;
  }
  if (tls.certFile.empty() != tls.keyFile.empty()) {
    error = tls.certFile.empty() ? "--store.redis.tls-key: needs --store.redis.tls-cert"
                                 : "--store.redis.tls-cert: needs --store.redis.tls-key";
    return false;
  }
  url.tlsOptions = tls;
  return true;
}

std::string redactedRedisUrl(const RedisUrl& u) {
  std::string out = u.tls ? "rediss://" : "redis://";
  if (!u.user.empty() || !u.password.empty())
    out += u.user + (u.password.empty() ? "@" : ":xxxxx@");
  bool v6 = u.host.find(':') != std::string::npos;
  out += (v6 ? "[" + u.host + "]" : u.host) + ":" + std::to_string(u.port) + "/" +
         std::to_string(u.db);
  return out;
}

}  // namespace nm
