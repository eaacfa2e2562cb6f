// --store.nats.url parsing: schemes, server lists, user info and tokens (percent-decoded), IPv6,
// default port; malformed URLs are refused naming the flag, without repeating the password.
#include "nats/nats_url.h"

#include <gtest/gtest.h>

namespace nm {
namespace {

NatsUrl parsed(const std::string& s) {
  std::string err;
  auto u = parseNatsUrl(s, err);
  EXPECT_TRUE(u) << s << ": " << err;
  return u.value_or(NatsUrl{});
}

std::string refused(const std::string& s) {
  std::string err;
  EXPECT_FALSE(parseNatsUrl(s, err)) << s;
  EXPECT_EQ(err.rfind("--store.nats.url: ", 0), 0u) << err;
  return err;
}

TEST(NatsUrl, OneServerWithDefaultPort) {
  NatsUrl u = parsed("nats://queue.example");
  ASSERT_EQ(u.servers.size(), 1u);
  EXPECT_EQ(u.servers[0].host, "queue.example");
  EXPECT_EQ(u.servers[0].port, 4222);
  EXPECT_FALSE(u.tls);
  EXPECT_TRUE(u.user.empty());
  EXPECT_EQ(natsServerUrls(u), std::vector<std::string>{"nats://queue.example:4222"});
}

TEST(NatsUrl, ServerListWithOrWithoutRepeatedScheme) {
  NatsUrl u = parsed("nats://a:4001,b:4002,nats://[::1]:4003");
  ASSERT_EQ(u.servers.size(), 3u);
  EXPECT_EQ(u.servers[1].host, "b");
  EXPECT_EQ(u.servers[1].port, 4002);
  EXPECT_EQ(u.servers[2].host, "::1");
  EXPECT_EQ(natsServerUrls(u)[2], "nats://[::1]:4003");
}

TEST(NatsUrl, UserPasswordAndToken) {
  NatsUrl u = parsed("nats://nm:p%40ss@10.0.0.7:4222");
  EXPECT_EQ(u.user, "nm");
  EXPECT_EQ(u.password, "p@ss");
  EXPECT_EQ(redactedNatsUrl(u), "nats://nm:xxxxx@10.0.0.7:4222");
  u = parsed("nats://s3cret@host:1");
  EXPECT_TRUE(u.user.empty());
  EXPECT_EQ(u.password, "s3cret");
  EXPECT_EQ(redactedNatsUrl(u).find("s3cret"), std::string::npos);
}

TEST(NatsUrl, TlsScheme) {
  NatsUrl u = parsed("tls://secure:4443,other:4444");
  EXPECT_TRUE(u.tls);
  EXPECT_EQ(natsServerUrls(u)[1], "tls://other:4444");
}

TEST(NatsUrl, BadValuesAreNamed) {
  EXPECT_NE(refused("").find("is empty"), std::string::npos);
  EXPECT_NE(refused("http://h:1").find("the scheme must be nats:// or tls://"), std::string::npos);
  EXPECT_NE(refused("h:4222").find("the scheme must be"), std::string::npos);
  EXPECT_NE(refused("nats://h:99999").find("\"99999\" is not a number in 1..65535"),
            std::string::npos);
  EXPECT_NE(refused("nats://h:x").find("is not a number"), std::string::npos);
  EXPECT_NE(refused("nats://h:").find("is not a number"), std::string::npos);
  EXPECT_NE(refused("nats://:4222").find("the host is empty"), std::string::npos);
  EXPECT_NE(refused("nats://a:1,").find("server 2: the host is empty"), std::string::npos);
  EXPECT_NE(refused("nats://a:1,redis://b:2").find("server 2: the scheme"), std::string::npos);
  EXPECT_NE(refused("nats://a:1,u:p@b:2").find("credentials go on the first server"),
            std::string::npos);
  EXPECT_NE(refused("nats://[::1:4222").find("closing ]"), std::string::npos);
  EXPECT_NE(refused("nats://h:1/path").find("a path is not allowed"), std::string::npos);
  std::string err = refused("nats://u:secret%zz@h:1");
  EXPECT_NE(err.find("bad percent escape"), std::string::npos);
  EXPECT_EQ(err.find("secret"), std::string::npos);
}

}  // namespace
}  // namespace nm
