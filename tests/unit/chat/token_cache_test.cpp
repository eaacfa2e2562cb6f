// Unit tests of the token cache: single-flight fetches, expiry, invalidation by the same key, and
// the token-aware send that refreshes once on an invalid-token code.
#include <gtest/gtest.h>

#include "chat_helpers.h"
#include "notify/token_cache.h"

namespace nm {
namespace {

TEST(TokenCache, ConcurrentGetsShareOneFetch) {
  TokenCache cache;
  int fetches = 0;
  std::function<void(TokenFetch)> pending;
  TokenCache::Fetcher fetch = [&](std::function<void(TokenFetch)> report) {
    ++fetches;
    pending = std::move(report);
  };
  std::vector<std::string> got;
  for (int i = 0; i < 3; ++i) {
    cache.get("k", fetch, [&](std::string t, std::string) { got.push_back(t); });
  }
  EXPECT_EQ(fetches, 1);
  EXPECT_TRUE(got.empty());
  pending(TokenFetch{"tok1", std::chrono::hours(2), ""});
  EXPECT_EQ(got, (std::vector<std::string>{"tok1", "tok1", "tok1"}));
  cache.get("k", fetch, [&](std::string t, std::string) { got.push_back(t); });
  EXPECT_EQ(fetches, 1);  // cached
  EXPECT_EQ(got.back(), "tok1");
}

TEST(TokenCache, InvalidateUsesTheLookupKeyAndKeepsNewerTokens) {
  TokenCache cache;
  int n = 0;
  TokenCache::Fetcher fetch = [&](std::function<void(TokenFetch)> report) {
    report(TokenFetch{"tok" + std::to_string(++n), std::chrono::hours(2), ""});
  };
  const std::string key = TokenCache::key("wecom", "corp1", "secret1");
  std::string t;
  cache.get(key, fetch, [&](std::string tok, std::string) { t = tok; });
  EXPECT_EQ(t, "tok1");
  cache.invalidate(key, "some-older-token");  // not the cached one: kept
  cache.get(key, fetch, [&](std::string tok, std::string) { t = tok; });
  EXPECT_EQ(t, "tok1");
  cache.invalidate(key, "tok1");
  cache.get(key, fetch, [&](std::string tok, std::string) { t = tok; });
  EXPECT_EQ(t, "tok2");
}

TEST(TokenCache, KeyIsPerCredentialAndHidesTheSecret) {
  const std::string a = TokenCache::key("wecom", "corp", "s3cr3t-value");
  EXPECT_NE(a, TokenCache::key("wecom", "corp", "other"));
  EXPECT_NE(a, TokenCache::key("dingtalk", "corp", "s3cr3t-value"));
  EXPECT_EQ(a.find("s3cr3t-value"), std::string::npos);
}

TEST(TokenCache, ErrorsReachEveryWaiterAndAreNotCached) {
  TokenCache cache;
  int fetches = 0;
  TokenCache::Fetcher fetch = [&](std::function<void(TokenFetch)> report) {
    ++fetches;
    report(TokenFetch{"", {}, "access token: wecom errcode 40013: invalid corpid"});
  };
  std::string err;
  cache.get("k", fetch, [&](std::string, std::string e) { err = e; });
  EXPECT_EQ(err, "access token: wecom errcode 40013: invalid corpid");
  cache.get("k", fetch, [&](std::string, std::string e) { err = e; });
  EXPECT_EQ(fetches, 2);
}

TEST(TokenCache, ExpiredEntriesAreRefetched) {
  TokenCache cache;
  int n = 0;
  TokenCache::Fetcher fetch = [&](std::function<void(TokenFetch)> report) {
    report(TokenFetch{"tok" + std::to_string(++n), std::chrono::seconds(0), ""});
  };
  std::string t;
  cache.get("k", fetch, [&](std::string tok, std::string) { t = tok; });
  cache.get("k", fetch, [&](std::string tok, std::string) { t = tok; });
  EXPECT_EQ(t, "tok2");
}

TEST(TokenFetcher, ReadsAccessTokenAndCapsTtl) {
  test::FakeHttp http;
  http.handler = [](const HttpRequest&) {
    return test::reply(200, R"({"errcode":0,"access_token":"T1","expires_in":7200})");
  };
  HttpRequest get;
  get.method = "GET";
  get.url = "http://x/gettoken";
  TokenFetch got;
  tokenFetcher(http, get, wecomCodes(), std::chrono::minutes(30),
               now() + std::chrono::seconds(5))([&](TokenFetch f) { got = f; });
  EXPECT_EQ(got.token, "T1");
  EXPECT_EQ(got.ttl, std::chrono::minutes(30));
  http.handler = [](const HttpRequest&) {
    return test::reply(200, R"({"errcode":40001,"errmsg":"invalid credential"})");
  };
  tokenFetcher(http, get, wecomCodes(), std::chrono::minutes(30),
               now() + std::chrono::seconds(5))([&](TokenFetch f) { got = f; });
  EXPECT_FALSE(got.ok());
  EXPECT_EQ(got.error, "access token: wecom errcode 40001: invalid credential");
}

TEST(SendWithToken, RefreshesOnceOnAnExpiredTokenCode) {
  test::FakeHttp http;
  TokenCache cache;
  int tokens = 0;
  http.handler = [&](const HttpRequest& r) {
    if (r.url.find("gettoken") != std::string::npos) {
      return test::reply(200, R"({"errcode":0,"access_token":"T)" + std::to_string(++tokens) +
                                  R"(","expires_in":7200})");
    }
    if (r.url.ends_with("access_token=T1")) {
      return test::reply(200, R"({"errcode":42001,"errmsg":"access_token expired"})");
    }
    return test::reply(200, R"({"errcode":0,"errmsg":"ok"})");
  };
  HttpRequest get;
  get.method = "GET";
  get.url = "http://x/gettoken";
  const std::string key = TokenCache::key("wecom", "refresh-once", "s");
  auto deadline = now() + std::chrono::seconds(5);
  SendOutcome out;
  sendWithToken(
      http, cache, key, tokenFetcher(http, get, wecomCodes(), std::chrono::hours(2), deadline),
      [](const std::string& t) {
        HttpRequest r;
        r.url = "http://x/send?access_token=" + t;
        return r;
      },
      wecomCodes(), nullptr, RetryPolicy{}, deadline, [&](SendOutcome o) { out = o; });
  EXPECT_TRUE(out.ok) << out.error;
  EXPECT_EQ(tokens, 2);
  EXPECT_EQ(out.attempts, 2);

  // An always-expired token: one refresh only, then the vendor's error.
  http.handler = [&](const HttpRequest& r) {
    if (r.url.find("gettoken") != std::string::npos) {
      return test::reply(200, R"({"errcode":0,"access_token":"X","expires_in":7200})");
    }
    return test::reply(200, R"({"errcode":40014,"errmsg":"invalid access_token"})");
  };
  http.requests.clear();
  const std::string key2 = TokenCache::key("wecom", "always-expired", "s");
  sendWithToken(
      http, cache, key2, tokenFetcher(http, get, wecomCodes(), std::chrono::hours(2), deadline),
      [](const std::string& t) {
        HttpRequest r;
        r.url = "http://x/send?access_token=" + t;
        return r;
      },
      wecomCodes(), nullptr, RetryPolicy{}, deadline, [&](SendOutcome o) { out = o; });
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.error, "wecom errcode 40014: invalid access_token");
  EXPECT_EQ(http.requests.size(), 4u);  // token, send, token, send
}

}  // namespace
}  // namespace nm
