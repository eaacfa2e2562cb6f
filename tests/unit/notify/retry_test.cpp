// Tests of sendWithRetry and its helpers: retry on 5xx, none on 4xx, Retry-After, the deadline,
// attempt caps, and the reasons reported.
#include <gtest/gtest.h>

#include "interfaces/http_client.h"
#include "notify/http_client_curl.h"
#include "notify/retry.h"
#include "test_helpers.h"
#include "test_http_server.h"

namespace nm {
namespace {

using test::TestHttpServer;
using test::Waiter;

SendOutcome send(HttpClient& c, const std::string& url, RetryPolicy p, Duration budget) {
  Waiter<SendOutcome> w;
  HttpRequest req;
  req.url = url;
  req.body = "{}";
  sendWithRetry(c, req, p, now() + budget, defaultClassify, w.callback());
  return w.get();
}

RetryPolicy fast() {
  return {std::chrono::milliseconds(10), std::chrono::milliseconds(50), 2.0, 0};
}

TEST(Retry, RetriesA500ThenSucceeds) {
  TestHttpServer server;
  server.script({{500, "boom", {}, {}}, {200, "ok", {}, {}}});
  auto client = makeCurlHttpClient();
  SendOutcome o = send(*client, server.url(), fast(), std::chrono::seconds(10));
  EXPECT_TRUE(o.ok);
  EXPECT_EQ(o.attempts, 2);
  EXPECT_EQ(o.httpStatus, 200);
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(Retry, DoesNotRetryA400) {
  TestHttpServer server;
  server.setDefault({400, "bad input", {}, {}});
  auto client = makeCurlHttpClient();
  SendOutcome o = send(*client, server.url(), fast(), std::chrono::seconds(10));
  EXPECT_FALSE(o.ok);
  EXPECT_EQ(o.attempts, 1);
  EXPECT_EQ(o.httpStatus, 400);
  EXPECT_EQ(o.error, "HTTP 400: bad input");
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(Retry, HonoursRetryAfterOverALongBackoff) {
  TestHttpServer server;
  server.script({{429, "slow down", {{"Retry-After", "0"}}, {}}, {200, "ok", {}, {}}});
  auto client = makeCurlHttpClient();
  // Without Retry-After the first backoff could be up to 60 s, far past the deadline.
  RetryPolicy p{std::chrono::seconds(60), std::chrono::seconds(60), 2.0, 0};
  SendOutcome o = send(*client, server.url(), p, std::chrono::seconds(20));
  EXPECT_TRUE(o.ok);
  EXPECT_EQ(o.attempts, 2);
}

TEST(Retry, AVendorReaderTakesTheWaitFromTheBody) {
  TestHttpServer server;
  server.script({{429, R"({"retry_after":0})", {}, {}}, {200, "ok", {}, {}}});
  auto client = makeCurlHttpClient();
  RetryPolicy p{std::chrono::seconds(60), std::chrono::seconds(60), 2.0, 0};
  int reads = 0;
  Waiter<SendOutcome> w;
  HttpRequest req;
  req.url = server.url();
  sendWithRetry(*client, req, p, now() + std::chrono::seconds(20), defaultClassify, w.callback(),
                [&reads](const HttpResponse& r, TimePoint) -> std::optional<Duration> {
                  ++reads;
                  if (r.body == R"({"retry_after":0})") return Duration::zero();
                  return std::nullopt;
                });
  SendOutcome o = w.get();
  EXPECT_TRUE(o.ok);  // the 60 s backoff alone could have passed the deadline
  EXPECT_EQ(o.attempts, 2);
  EXPECT_EQ(reads, 1);
}

TEST(Retry, GivesUpWhenRetryAfterIsPastTheDeadline) {
  TestHttpServer server;
  server.setDefault({503, "maintenance", {{"Retry-After", "3600"}}, {}});
  auto client = makeCurlHttpClient();
  SendOutcome o = send(*client, server.url(), fast(), std::chrono::seconds(10));
  EXPECT_FALSE(o.ok);
  EXPECT_EQ(o.attempts, 1);
  EXPECT_EQ(o.error, "HTTP 503: maintenance");
}

TEST(Retry, StopsAtTheDeadline) {
  TestHttpServer server;
  server.setDefault({500, "always", {}, {}});
  auto client = makeCurlHttpClient();
  // Long enough that a loaded machine still answers the first attempt well before it.
  TimePoint deadline = now() + std::chrono::milliseconds(1500);
  Waiter<SendOutcome> w;
  HttpRequest req;
  req.url = server.url();
  sendWithRetry(*client, req, fast(), deadline, defaultClassify, w.callback());
  SendOutcome o = w.get();
  EXPECT_FALSE(o.ok);
  EXPECT_GE(o.attempts, 2);
  EXPECT_EQ(o.httpStatus, 500);
  EXPECT_NE(o.error.find("HTTP 500: always"), std::string::npos) << o.error;
  EXPECT_LE(static_cast<size_t>(o.attempts), server.requests().size() + 1);
  // No retry is scheduled past the deadline: were one, the loop would go on and w.get() above
  // would have given up waiting.
}

TEST(Retry, AnAttemptCutShortByTheDeadlineKeepsTheVendorsAnswer) {
  // The server answers 500 at once, then stalls: the second attempt can only time out at the
  // deadline, and the outcome still reports the vendor's 500 rather than a bare timeout.
  TestHttpServer server;
  server.script({{500, "first", {}, {}}, {200, "late", {}, std::chrono::seconds(5)}});
  auto client = makeCurlHttpClient();
  RetryPolicy p{std::chrono::milliseconds(1), std::chrono::milliseconds(1), 2.0, 0};
  SendOutcome o = send(*client, server.url(), p, std::chrono::milliseconds(1500));
  EXPECT_FALSE(o.ok);
  EXPECT_EQ(o.attempts, 2);
  EXPECT_EQ(o.httpStatus, 500);
  EXPECT_EQ(o.error, "deadline exceeded: HTTP 500: first");
}

TEST(Retry, EachAttemptIsPreparedAfresh) {
  // Signatures with a timestamp or nonce are made per attempt: the server sees two different
  // signatures, and the request the caller passed is never signed in place.
  TestHttpServer server;
  server.script({{500, "boom", {}, {}}, {200, "ok", {}, {}}});
  auto client = makeCurlHttpClient();
  int n = 0;
  Waiter<SendOutcome> w;
  HttpRequest req;
  req.url = server.url();
  req.body = "{}";
  sendWithRetry(*client, req, fast(), now() + std::chrono::seconds(10), defaultClassify,
                w.callback(), nullptr, [&n](HttpRequest& r) {
                  r.headers.emplace_back("X-Signature", "sig-" + std::to_string(++n));
                });
  SendOutcome o = w.get();
  EXPECT_TRUE(o.ok);
  ASSERT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(server.requests()[0].header("x-signature"), "sig-1");
  EXPECT_EQ(server.requests()[1].header("x-signature"), "sig-2");
}

TEST(Retry, MaxAttemptsCapsRetries) {
  TestHttpServer server;
  server.setDefault({500, "always", {}, {}});
  auto client = makeCurlHttpClient();
  RetryPolicy p = fast();
  p.maxAttempts = 3;
  SendOutcome o = send(*client, server.url(), p, std::chrono::seconds(30));
  EXPECT_FALSE(o.ok);
  EXPECT_EQ(o.attempts, 3);
}

TEST(Retry, ExpiredDeadlineFailsWithoutSending) {
  TestHttpServer server;
  auto client = makeCurlHttpClient();
  SendOutcome o = send(*client, server.url(), fast(), -std::chrono::seconds(1));
  EXPECT_FALSE(o.ok);
  EXPECT_EQ(o.attempts, 0);
  EXPECT_EQ(server.requests().size(), 0u);
}

TEST(Retry, TransportErrorReason) {
  int port;
  {
    TestHttpServer closed;
    port = closed.port();
  }
  auto client = makeCurlHttpClient();
  RetryPolicy p = fast();
  p.maxAttempts = 2;
  SendOutcome o =
      send(*client, "http://127.0.0.1:" + std::to_string(port) + "/", p, std::chrono::seconds(10));
  EXPECT_FALSE(o.ok);
  EXPECT_EQ(o.attempts, 2);
  EXPECT_EQ(o.error.rfind("connect: ", 0), 0u) << o.error;
}

TEST(Retry, DefaultClassifier) {
  HttpResponse r;
  r.status = 204;
  EXPECT_EQ(defaultClassify(r).verdict, Verdict::Success);
  r.status = 502;
  r.body = std::string(1000, 'x');
  auto c = defaultClassify(r);
  EXPECT_EQ(c.verdict, Verdict::Transient);
  EXPECT_EQ(c.reason, "HTTP 502: " + std::string(256, 'x'));
  r.status = 429;
  EXPECT_EQ(defaultClassify(r).verdict, Verdict::Transient);
  r.status = 404;
  EXPECT_EQ(defaultClassify(r).verdict, Verdict::Permanent);
  r.status = 0;
  r.error = "connect: refused";
  EXPECT_EQ(defaultClassify(r).verdict, Verdict::Transient);
  EXPECT_EQ(defaultClassify(r).reason, "connect: refused");
}

TEST(Retry, ParsesRetryAfter) {
  TimePoint t = *parseRfc3339("2015-10-21T07:28:00Z");
  EXPECT_EQ(parseRetryAfter("120", t), std::chrono::seconds(120));
  EXPECT_EQ(parseRetryAfter(" 5 ", t), std::chrono::seconds(5));
  EXPECT_EQ(parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", t), std::chrono::seconds(30));
  EXPECT_EQ(parseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", t), Duration::zero());
  EXPECT_FALSE(parseRetryAfter("soon", t).has_value());
  EXPECT_FALSE(parseRetryAfter("", t).has_value());
  EXPECT_FALSE(parseRetryAfter("-3", t).has_value());
}

TEST(Retry, BackoffIsBoundedFullJitter) {
  RetryPolicy p{std::chrono::milliseconds(100), std::chrono::milliseconds(1000), 2.0, 0};
  for (int i = 0; i < 200; ++i) {
    EXPECT_LE(backoffDelay(p, 1), std::chrono::milliseconds(100));
    EXPECT_LE(backoffDelay(p, 3), std::chrono::milliseconds(400));
    Duration d = backoffDelay(p, 30);
    EXPECT_GE(d, Duration::zero());
    EXPECT_LE(d, std::chrono::milliseconds(1000));
  }
}

}  // namespace
}  // namespace nm
