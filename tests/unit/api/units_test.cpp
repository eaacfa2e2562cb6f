// Small pure pieces of the API, tested without sockets: Go listen addresses, query parameters
// and the JSON reply with its escaping.
#include <gtest/gtest.h>

#include "api/listen_address.h"
#include "api/reply.h"
#include "api/router.h"

namespace nm::api {
namespace {

TEST(ListenAddress, GoForms) {
  std::string err;
  auto a = parseListenAddress(":19093", err);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "");
  EXPECT_EQ(a->port, 19093);
  auto b = parseListenAddress("0.0.0.0:19093", err);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->host, "0.0.0.0");
  auto c = parseListenAddress("[::1]:8080", err);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(c->port, 8080);
  auto d = parseListenAddress("127.0.0.1:0", err);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->port, 0);
  auto e = parseListenAddress("localhost:1", err);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->host, "localhost");
}

TEST(ListenAddress, Errors) {
  std::string err;
  EXPECT_FALSE(parseListenAddress("19093", err));
  EXPECT_NE(err.find("missing port"), std::string::npos);
  EXPECT_FALSE(parseListenAddress(":70000", err));
  EXPECT_NE(err.find("invalid port"), std::string::npos);
  EXPECT_FALSE(parseListenAddress(":", err));
  EXPECT_FALSE(parseListenAddress("::1:80", err));
  EXPECT_FALSE(parseListenAddress("[::1:80", err));
  EXPECT_FALSE(parseListenAddress("host:8x", err));
}

TEST(Request, QueryParamsAreDecoded) {
  Request r;
  r.query = "tenant=team%2Da&type=web+hook&empty=&flag&tenant=second";
  EXPECT_EQ(r.queryParam("tenant"), "team-a");
  EXPECT_EQ(r.queryParam("type"), "web hook");
  EXPECT_EQ(r.queryParam("empty"), "");
  EXPECT_EQ(r.queryParam("flag"), "");
  EXPECT_EQ(r.queryParam("missing"), "");
}

TEST(Reply, JsonIsEscaped) {
  Reply r = jsonReply(
      400, "bad \"x\"\n\\",
      {JsonField::num("n", 3), JsonField::boolean("b", true), JsonField::str("s", "\x01")});
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(r.body, R"({"Status":400,"Message":"bad \"x\"\n\\","n":3,"b":true,"s":"\u0001"})");
  EXPECT_EQ(r.contentType, "application/json");
}

}  // namespace
}  // namespace nm::api
