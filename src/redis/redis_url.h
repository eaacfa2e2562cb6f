// Parses --store.redis.url (redis[s]://[[user]:password@]host[:port][/db]) into what a Redis
// connection needs, and joins the --store.redis.tls-* flags to a rediss:// URL.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "redis/redis_tls.h"

namespace nm {

struct RedisUrl {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string user;  // Redis 6 ACL user; empty: AUTH with the password alone
  std::string password;
  int db = 0;
  bool tls = false;  // rediss://
  RedisTls tlsOptions;
};

// The parsed URL, or nullopt with `error` naming the flag and what is wrong.
std::optional<RedisUrl> parseRedisUrl(std::string_view url, std::string& error);

// Joins the TLS flags to a parsed URL: false with `error` naming the flag when they contradict
// it (TLS flags with redis://, a client certificate without its key or the reverse).
bool applyRedisTls(RedisUrl& url, const RedisTls& tls, std::string& error);

// The URL with the password replaced by "xxxxx", for logs.
std::string redactedRedisUrl(const RedisUrl& u);

}  // namespace nm
