// Parses --store.redis.url (redis://[[user]:password@]host[:port][/db]) into what a hiredis
// connection needs; rediss:// is refused because Debian 12's hiredis 0.14 has no TLS.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nm {

struct RedisUrl {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string user;  // Redis 6 ACL user; empty: AUTH with the password alone
  std::string password;
  int db = 0;
};

// The parsed URL, or nullopt with `error` naming the flag and what is wrong.
std::optional<RedisUrl> parseRedisUrl(std::string_view url, std::string& error);

// The URL with the password replaced by "xxxxx", for logs.
std::string redactedRedisUrl(const RedisUrl& u);

}  // namespace nm
