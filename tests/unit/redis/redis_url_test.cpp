// --store.redis.url parsing: host, port, password (percent-decoded), ACL user, database, IPv6;
// rediss:// and malformed URLs are refused naming the flag, without repeating the password.
#include "redis/redis_url.h"

#include <gtest/gtest.h>

namespace nm {
namespace {

RedisUrl parsed(const std::string& s) {
  std::string err;
  auto u = parseRedisUrl(s, err);
  EXPECT_TRUE(u) << s << ": " << err;
  return u.value_or(RedisUrl{});
}

std::string refused(const std::string& s) {
  std::string err;
  EXPECT_FALSE(parseRedisUrl(s, err)) << s;
  EXPECT_EQ(err.rfind("--store.redis.url: ", 0), 0u) << err;
  return err;
}

TEST(RedisUrl, HostPortDefaults) {
  RedisUrl u = parsed("redis://cache.example");
  EXPECT_EQ(u.host, "cache.example");
  EXPECT_EQ(u.port, 6379);
  EXPECT_EQ(u.db, 0);
  EXPECT_TRUE(u.password.empty());
  u = parsed("redis://10.0.0.7:7000/3");
  EXPECT_EQ(u.host, "10.0.0.7");
  EXPECT_EQ(u.port, 7000);
  EXPECT_EQ(u.db, 3);
}

TEST(RedisUrl, PasswordUserAndEscapes) {
  RedisUrl u = parsed("redis://:p%40ss%3Aw@h:1");
  EXPECT_EQ(u.password, "p@ss:w");
  EXPECT_TRUE(u.user.empty());
  u = parsed("redis://alice:secret@h");
  EXPECT_EQ(u.user, "alice");
  EXPECT_EQ(u.password, "secret");
  u = parsed("redis://secret@h");  // no colon: the password alone
  EXPECT_EQ(u.password, "secret");
  EXPECT_TRUE(u.user.empty());
  EXPECT_EQ(redactedRedisUrl(parsed("redis://alice:secret@h:2/1")), "redis://alice:xxxxx@h:2/1");
}

TEST(RedisUrl, Ipv6) {
  RedisUrl u = parsed("redis://[::1]:6380");
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.port, 6380);
  EXPECT_EQ(redactedRedisUrl(u), "redis://[::1]:6380/0");
}

TEST(RedisUrl, BadUrlsAreRefusedNamingTheProblem) {
  EXPECT_NE(refused("rediss://h:6379").find("no TLS"), std::string::npos);
  EXPECT_NE(refused("http://h").find("scheme must be redis://"), std::string::npos);
  EXPECT_NE(refused("redis://h:0").find("1..65535"), std::string::npos);
  EXPECT_NE(refused("redis://h:abc").find("1..65535"), std::string::npos);
  EXPECT_NE(refused("redis://h:").find("1..65535"), std::string::npos);
  EXPECT_NE(refused("redis://h/x").find("database \"x\""), std::string::npos);
  EXPECT_NE(refused("redis://:6379").find("host is empty"), std::string::npos);
  EXPECT_NE(refused("redis://[::1:6379").find("closing ]"), std::string::npos);
  std::string e = refused("redis://:s3cr%zz@h");
  EXPECT_NE(e.find("percent escape"), std::string::npos);
  EXPECT_EQ(e.find("s3cr"), std::string::npos) << "the password is never repeated";
}

}  // namespace
}  // namespace nm
