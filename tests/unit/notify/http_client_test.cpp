// Tests of the libcurl HttpClient against the in-process server: request shape, keep-alive
// reuse, timeouts, transport errors, timers and shutdown.
#include <gtest/gtest.h>

#include <atomic>

#include "interfaces/http_client.h"
#include "notify/http_client_curl.h"
#include "test_helpers.h"
#include "test_http_server.h"

namespace nm {
namespace {

using test::TestHttpServer;
using test::Waiter;

HttpResponse roundTrip(HttpClient& c, HttpRequest req) {
  Waiter<HttpResponse> w;
  c.send(std::move(req), w.callback());
  return w.get();
}

TEST(HttpClient, PostSendsHeadersBodyAndReadsReply) {
  TestHttpServer server;
  server.script({{201, "created!", {{"X-Reply", "1"}}, {}}});
  auto client = makeCurlHttpClient();
  HttpRequest req;
  req.url = server.url("/hook?x=1");
  req.headers = {{"Content-Type", "application/json"}, {"X-Custom", "abc"}};
  req.body = R"({"a":1})";
  req.basicAuthUser = "user";
  req.basicAuthPassword = "pass";
  HttpResponse r = roundTrip(*client, req);
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, "created!");
  EXPECT_TRUE(r.error.empty());
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].target, "/hook?x=1");
  EXPECT_EQ(reqs[0].body, R"({"a":1})");
  EXPECT_EQ(reqs[0].header("Content-Type"), "application/json");
  EXPECT_EQ(reqs[0].header("X-Custom"), "abc");
  EXPECT_EQ(reqs[0].header("Authorization"), "Basic dXNlcjpwYXNz");
  EXPECT_EQ(reqs[0].header("Expect"), "");
}

TEST(HttpClient, ReusesOneConnectionForSequentialRequests) {
  TestHttpServer server;
  auto client = makeCurlHttpClient();
  for (int i = 0; i < 4; ++i) {
    HttpRequest req;
    req.url = server.url("/n" + std::to_string(i));
    req.body = "x";
    EXPECT_EQ(roundTrip(*client, req).status, 200);
  }
  EXPECT_EQ(server.requests().size(), 4u);
  EXPECT_EQ(server.connections(), 1);
}

TEST(HttpClient, CapturesRetryAfterAndCapsBody) {
  TestHttpServer server;
  server.script({{429, std::string(100 * 1024, 'b'), {{"Retry-After", "7"}}, {}}});
  auto client = makeCurlHttpClient();
  HttpRequest req;
  req.url = server.url();
  HttpResponse r = roundTrip(*client, req);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.retryAfter, "7");
  EXPECT_EQ(r.body.size(), 64u * 1024u);
}

TEST(HttpClient, FeishuRateLimitResetCountsAsRetryAfterUnlessRetryAfterIsSent) {
  TestHttpServer server;
  server.script({{429, "{}", {{"x-ogw-ratelimit-reset", "3"}}, {}},
                 {429, "{}", {{"x-ogw-ratelimit-reset", "3"}, {"Retry-After", "9"}}, {}}});
  auto client = makeCurlHttpClient();
  HttpRequest req;
  req.url = server.url();
  EXPECT_EQ(roundTrip(*client, req).retryAfter, "3");
  EXPECT_EQ(roundTrip(*client, req).retryAfter, "9");
}

TEST(HttpClient, TimesOut) {
  TestHttpServer server;
  server.script({{200, "late", {}, std::chrono::milliseconds(5000)}});
  auto client = makeCurlHttpClient();
  HttpRequest req;
  req.url = server.url();
  req.timeout = std::chrono::milliseconds(200);
  HttpResponse r = roundTrip(*client, req);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error.rfind("timeout: ", 0), 0u) << r.error;
}

TEST(HttpClient, ConnectionRefusedIsATransportError) {
  int port;
  {
    TestHttpServer closed;
    port = closed.port();
  }
  auto client = makeCurlHttpClient();
  HttpRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(port) + "/";
  HttpResponse r = roundTrip(*client, req);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error.rfind("connect: ", 0), 0u) << r.error;
}

TEST(HttpClient, TimersRunInDelayOrder) {
  auto client = makeCurlHttpClient();
  std::mutex mu;
  std::vector<int> order;
  Waiter<bool> w;
  auto cb = w.callback();
  client->after(std::chrono::milliseconds(60), [&, cb] {
    {
      std::lock_guard<std::mutex> g(mu);
      order.push_back(2);
    }
    cb(true);
  });
  client->after(std::chrono::milliseconds(1), [&] {
    std::lock_guard<std::mutex> g(mu);
    order.push_back(1);
  });
  w.get();
  std::lock_guard<std::mutex> g(mu);
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

TEST(HttpClient, DestructionCompletesPendingWithError) {
  TestHttpServer server;
  server.setDefault({200, "late", {}, std::chrono::milliseconds(10000)});
  auto client = makeCurlHttpClient();
  std::atomic<int> stopped{0};
  for (int i = 0; i < 3; ++i) {
    HttpRequest req;
    req.url = server.url();
    req.timeout = std::chrono::seconds(30);
    client->send(req, [&](HttpResponse r) {
      if (r.status == 0 && r.error == "client stopped") ++stopped;
    });
  }
  ASSERT_TRUE(server.waitRequests(1, std::chrono::seconds(10)));
  client.reset();
  EXPECT_EQ(stopped.load(), 3);
}

}  // namespace
}  // namespace nm
