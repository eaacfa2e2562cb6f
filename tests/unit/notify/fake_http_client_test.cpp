// The shared HttpClient fake (tests/mocks/fake_http_client.h): which script answers a request,
// what it records, and replies held until the test completes them.
#include "fake_http_client.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace nm::test {
namespace {

HttpRequest post(const std::string& url) {
  HttpRequest r;
  r.url = url;
  return r;
}

// Sends and returns the answer (the fake completes synchronously unless replies are deferred).
HttpResponse sendNow(FakeHttpClient& http, const std::string& url) {
  HttpResponse out;
  http.send(post(url), [&](HttpResponse r) { out = std::move(r); });
  return out;
}

TEST(FakeHttpClient, SequenceThenUrlPrefixThenFallback) {
  FakeHttpClient http(transportError("nothing listens"));
  http.replyTo("http://vendor/token", reply(200, "token"));
  http.thenReply(reply(500, "first"));
  http.thenReply(reply(429, "second"));
  EXPECT_EQ(sendNow(http, "http://vendor/token?a=1").body, "first");
  EXPECT_EQ(sendNow(http, "http://vendor/send").status, 429);
  EXPECT_EQ(sendNow(http, "http://vendor/token?a=2").body, "token");
  HttpResponse other = sendNow(http, "http://elsewhere/");
  EXPECT_EQ(other.status, 0);
  EXPECT_EQ(other.error, "nothing listens");
  ASSERT_EQ(http.requests.size(), 4u);
  EXPECT_EQ(http.requests[1].url, "http://vendor/send");
}

TEST(FakeHttpClient, HandlerWinsAndDefaultIsChatSuccess) {
  FakeHttpClient http;
  EXPECT_EQ(sendNow(http, "http://a/").body, R"({"errcode":0,"errmsg":"ok"})");
  http.thenReply(reply(500, "queued"));
  http.handler = [](const HttpRequest& r) { return reply(201, r.url); };
  EXPECT_EQ(sendNow(http, "http://b/").body, "http://b/");
}

TEST(FakeHttpClient, DeferredRepliesWaitForTheTest) {
  FakeHttpClient http;
  http.deferReplies = true;
  std::vector<int> answered;
  http.send(post("http://a/"), [&](HttpResponse r) { answered.push_back(r.status); });
  http.send(post("http://b/"), [&](HttpResponse r) {
    answered.push_back(r.status);
    http.send(post("http://c/"), [&](HttpResponse r2) { answered.push_back(r2.status + 1); });
  });
  EXPECT_TRUE(answered.empty());
  EXPECT_EQ(http.pendingCount(), 2u);
  http.thenReply(reply(503, ""));
  ASSERT_TRUE(http.completeNext());
  EXPECT_EQ(answered, std::vector<int>{503});
  EXPECT_EQ(http.completeAll(), 2u);  // b, then c parked by b's callback
  EXPECT_EQ(answered, (std::vector<int>{503, 200, 201}));
  EXPECT_FALSE(http.completeNext());
}

TEST(FakeHttpClient, TimersRunAtOnceAndAreRecorded) {
  FakeHttpClient http;
  bool ran = false;
  http.after(std::chrono::seconds(3), [&] { ran = true; });
  EXPECT_TRUE(ran);
  ASSERT_EQ(http.delays.size(), 1u);
  EXPECT_EQ(http.delays[0], std::chrono::seconds(3));
}

}  // namespace
}  // namespace nm::test
