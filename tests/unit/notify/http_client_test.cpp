// Tests of the libcurl HttpClient against the in-process server: request shape, keep-alive
// reuse, timeouts, transport errors, timers, shutdown, and several event loops.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

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

// Sends `n` requests at once; returns the threads their callbacks ran on. Every reply must be 200.
std::set<std::thread::id> sendAll(HttpClient& client, const std::string& url, int n) {
  std::mutex mu;
  std::set<std::thread::id> threads;
  std::vector<std::unique_ptr<Waiter<int>>> waiters;
  for (int i = 0; i < n; ++i) {
    waiters.push_back(std::make_unique<Waiter<int>>());
    HttpRequest req;
    req.url = url;
    req.timeout = std::chrono::seconds(30);
    client.send(req, [&mu, &threads, cb = waiters.back()->callback()](HttpResponse r) {
      {
        std::lock_guard<std::mutex> g(mu);
        threads.insert(std::this_thread::get_id());
      }
      cb(r.status);
    });
  }
  for (auto& w : waiters) EXPECT_EQ(w->get(), 200);
  return threads;
}

TEST(HttpClientLoops, SpreadOneHostOverLoopsWithinItsConnectionLimit) {
  TestHttpServer server;
  server.setDefault({200, "ok", {}, std::chrono::milliseconds(30)});
  CurlClientOptions o;
  o.loops = 3;
  o.maxHostConnections = 5;  // parts 2, 2, 1
  auto client = makeCurlHttpClient(o);
  auto threads = sendAll(*client, server.url(), 40);
  EXPECT_EQ(threads.size(), 3u);  // every loop sent some
  // The server serves one request at a time per connection: connections bound concurrency.
  EXPECT_LE(server.connections(), 5);
  EXPECT_EQ(server.requests().size(), 40u);
}

TEST(HttpClientLoops, HostLimitBelowTheLoopCountStaysExact) {
  TestHttpServer server;
  server.setDefault({200, "ok", {}, std::chrono::milliseconds(10)});
  CurlClientOptions o;
  o.loops = 2;
  o.maxHostConnections = 1;
  auto client = makeCurlHttpClient(o);
  auto threads = sendAll(*client, server.url(), 8);
  EXPECT_EQ(threads.size(), 1u);  // only the loop holding the one connection sends
  EXPECT_EQ(server.connections(), 1);
}

TEST(HttpClientLoops, TotalConnectionLimitIsSplitToo) {
  TestHttpServer server;
  server.setDefault({200, "ok", {}, std::chrono::milliseconds(30)});
  CurlClientOptions o;
  o.loops = 2;
  o.maxHostConnections = 8;
  o.maxTotalConnections = 3;  // parts 2 and 1: the total binds before the host limit
  auto client = makeCurlHttpClient(o);
  auto threads = sendAll(*client, server.url(), 30);
  EXPECT_EQ(threads.size(), 2u);
  EXPECT_LE(server.connections(), 3);
}

TEST(HttpClientLoops, TimerScheduledFromACompletionRunsOnItsLoop) {
  TestHttpServer server;
  CurlClientOptions o;
  o.loops = 2;
  auto client = makeCurlHttpClient(o);
  std::vector<std::unique_ptr<Waiter<bool>>> waiters;
  for (int i = 0; i < 8; ++i) {
    waiters.push_back(std::make_unique<Waiter<bool>>());
    HttpRequest req;
    req.url = server.url();
    client->send(req, [&client, cb = waiters.back()->callback()](HttpResponse) {
      auto completedOn = std::this_thread::get_id();
      client->after(std::chrono::milliseconds(1),
                    [cb, completedOn] { cb(std::this_thread::get_id() == completedOn); });
    });
  }
  for (auto& w : waiters) EXPECT_TRUE(w->get());
}

TEST(HttpClientLoops, DestructionCompletesPendingOfEveryLoop) {
  TestHttpServer server;
  server.setDefault({200, "late", {}, std::chrono::milliseconds(10000)});
  CurlClientOptions o;
  o.loops = 2;
  o.maxHostConnections = 2;  // one active per loop, the others wait
  auto client = makeCurlHttpClient(o);
  std::atomic<int> stopped{0};
  for (int i = 0; i < 6; ++i) {
    HttpRequest req;
    req.url = server.url();
    req.timeout = std::chrono::seconds(30);
    client->send(req, [&](HttpResponse r) {
      if (r.status == 0 && r.error == "client stopped") ++stopped;
    });
  }
  ASSERT_TRUE(server.waitRequests(2, std::chrono::seconds(10)));
  client.reset();
  EXPECT_EQ(stopped.load(), 6);
}

}  // namespace
}  // namespace nm
