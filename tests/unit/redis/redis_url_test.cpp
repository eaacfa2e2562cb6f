// --store.redis.url parsing: host, port, password (percent-decoded), ACL user, database, IPv6;
// rediss:// (TLS) and its --store.redis.tls-* flags; malformed URLs and contradictory TLS flags
// are refused naming the flag, without repeating the password.
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
  EXPECT_NE(refused("http://h").find("scheme must be redis:// or rediss://"), std::string::npos);
  EXPECT_NE(refused("rediss://h:99999").find("1..65535"), std::string::npos);
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

TEST(RedisUrl, RedissIsTls) {
  RedisUrl u = parsed("rediss://:pw@cache.example:6380/1");
  EXPECT_TRUE(u.tls);
  EXPECT_EQ(u.host, "cache.example");
  EXPECT_EQ(u.port, 6380);
  EXPECT_EQ(u.db, 1);
  EXPECT_EQ(u.password, "pw");
  EXPECT_EQ(redactedRedisUrl(u), "rediss://:xxxxx@cache.example:6380/1");
  EXPECT_FALSE(parsed("redis://h").tls);
}

std::string tlsRefused(const std::string& url, const RedisTls& tls) {
  std::string err;
  RedisUrl u = parsed(url);
  EXPECT_FALSE(applyRedisTls(u, tls, err)) << url;
  return err;
}

TEST(RedisUrl, TlsFlagsJoinARedissUrl) {
  RedisTls tls;
  tls.caFile = "/etc/ca.pem";
  tls.certFile = "/etc/client.pem";
  tls.keyFile = "/etc/client.key";
  RedisUrl u = parsed("rediss://h");
  std::string err;
  ASSERT_TRUE(applyRedisTls(u, tls, err)) << err;
  EXPECT_EQ(u.tlsOptions.caFile, "/etc/ca.pem");
  EXPECT_EQ(u.tlsOptions.certFile, "/etc/client.pem");
  EXPECT_EQ(u.tlsOptions.keyFile, "/etc/client.key");
  EXPECT_FALSE(u.tlsOptions.insecureSkipVerify);
  // No flags: verification against the system store.
  u = parsed("rediss://h");
  ASSERT_TRUE(applyRedisTls(u, RedisTls{}, err)) << err;
  EXPECT_TRUE(u.tlsOptions.caFile.empty());
  RedisUrl plain = parsed("redis://h");
  EXPECT_TRUE(applyRedisTls(plain, RedisTls{}, err)) << err;
}

TEST(RedisUrl, ContradictoryTlsFlagsAreRefusedNamingTheFlag) {
  RedisTls ca;
  ca.caFile = "/ca.pem";
  EXPECT_EQ(tlsRefused("redis://h", ca),
            "--store.redis.tls-ca: TLS flags need a rediss:// --store.redis.url");
  RedisTls skip;
  skip.insecureSkipVerify = true;
  EXPECT_NE(tlsRefused("redis://h", skip).find("--store.redis.tls-insecure-skip-verify"),
            std::string::npos);
  RedisTls certOnly;
  certOnly.certFile = "/c.pem";
  EXPECT_EQ(tlsRefused("rediss://h", certOnly),
            "--store.redis.tls-cert: needs --store.redis.tls-key");
  RedisTls keyOnly;
  keyOnly.keyFile = "/k.pem";
  EXPECT_EQ(tlsRefused("rediss://h", keyOnly),
            "--store.redis.tls-key: needs --store.redis.tls-cert");
}

TEST(RedisTls, UnreadableFilesAreRefusedNamingTheFlag) {
  std::string err;
  RedisTls ca;
  ca.caFile = "/nonexistent/ca.pem";
  EXPECT_FALSE(makeRedisTlsContext(ca, err));
  EXPECT_EQ(err.rfind("--store.redis.tls-ca /nonexistent/ca.pem: ", 0), 0u) << err;
  RedisTls cert;
  cert.certFile = "/nonexistent/c.pem";
  cert.keyFile = "/nonexistent/k.pem";
  cert.insecureSkipVerify = true;
  EXPECT_FALSE(makeRedisTlsContext(cert, err));
  EXPECT_EQ(err.rfind("--store.redis.tls-cert /nonexistent/c.pem: ", 0), 0u) << err;
  RedisTls skip;
  skip.insecureSkipVerify = true;
  EXPECT_TRUE(makeRedisTlsContext(skip, err)) << err;
}

}  // namespace
}  // namespace nm
