// NatsSharedTokens behind TokenCache against a real nats-server -js (skipped when it is not
// installed): three replicas' caches fetch one token, stored under a digest with its expiry; a
// refused token is dropped for all but not its successor; a failed fetch releases the lock; an
// unreachable NATS falls back to fetching locally.
#include "notify/nats_shared_tokens.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>

#include "nats_test_server.h"
#include "notify/token_cache.h"
#include "wait_for.h"

namespace nm {
namespace {

using namespace std::chrono_literals;

// A fetcher that counts its calls and reports `token` from another thread after `delay`.
struct CountingFetcher {
  std::atomic<int> calls{0};
  std::string token = "TOKEN-1";
  std::string error;
  TokenCache::Fetcher fetcher(Duration delay = 100ms) {
    return [this, delay](std::function<void(TokenFetch)> report) {
      ++calls;
      std::thread([this, delay, report = std::move(report)] {
        std::this_thread::sleep_for(delay);  // the vendor's latency, not a wait in the test
        report(TokenFetch{error.empty() ? token : "", std::chrono::hours(2), error});
      }).detach();
    };
  }
};

struct Got {
  std::mutex mu;
  std::vector<std::string> tokens;
  TokenCache::Waiter waiter() {
    return [this](std::string token, std::string) {
      std::lock_guard g(mu);
      tokens.push_back(std::move(token));
    };
  }
  size_t size() {
    std::lock_guard g(mu);
    return tokens.size();
  }
};

class NatsSharedTokensTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::natsServerBinary()) GTEST_SKIP() << "nats-server not installed";
    ASSERT_TRUE(server_.start());
    // The bucket exists before the replicas race for a token (on a loaded machine, three
    // creating it at once may time out one of them, which then fetches locally, by design).
    NatsSharedTokens first(options());
    std::promise<SharedTokenLookup> looked;
    first.acquire("warm-up", [&looked](SharedTokenLookup l) { looked.set_value(std::move(l)); });
    auto lookup = looked.get_future();
    ASSERT_EQ(lookup.wait_for(20s), std::future_status::ready);
    ASSERT_EQ(lookup.get().kind, SharedTokenLookup::Kind::Fetch);
    first.abandon("warm-up");
  }
  void TearDown() override {
    if (kv_) kvStore_Destroy(kv_);
    if (probe_) probe_->close();
  }
  NatsConnectOptions options() const {
    NatsConnectOptions o;
    o.url.servers = {{"127.0.0.1", server_.port()}};
    return o;
  }
  // The stored value of `kvKey` in NM_TOKENS ("" when absent).
  std::string get(const std::string& kvKey) {
    if (!kv_) {
      probe_ = std::make_unique<NatsConnection>(options());
      std::string err;
      if (!probe_->connect(err)) return "";
      jsCtx* js = nullptr;
      natsConnection_JetStream(&js, probe_->get(), nullptr);
      js_.reset(js);
      if (js_KeyValue(&kv_, js_.get(), "NM_TOKENS") != NATS_OK) kv_ = nullptr;
      if (!kv_) return "";
    }
    kvEntry* e = nullptr;
    if (kvStore_Get(&e, kv_, kvKey.c_str()) != NATS_OK) return "";
    std::string v(static_cast<const char*>(kvEntry_Value(e)),
                  static_cast<size_t>(kvEntry_ValueLen(e)));
    kvEntry_Destroy(e);
    return v;
  }
  std::string storedToken(const std::string& kvKey) {
    auto v = parseTokenValue(get(kvKey));
    return v ? v->text : "";
  }

  testing::NatsTestServer server_;
  std::unique_ptr<NatsConnection> probe_;
  JsCtxPtr js_;
  kvStore* kv_ = nullptr;
  const std::string key_ = TokenCache::key("wecom", "corp1", "s3cret");
};

TEST(NatsTokenValue, EncodeParseRoundTrips) {
  EXPECT_EQ(encodeTokenValue({1700000000123, "a b"}), "1700000000123 a b");
  auto v = parseTokenValue("1700000000123 a b");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->expiresMs, 1700000000123);
  EXPECT_EQ(v->text, "a b");
  EXPECT_FALSE(parseTokenValue("garbage"));
  EXPECT_FALSE(parseTokenValue("12x y"));
}

TEST_F(NatsSharedTokensTest, ThreeReplicasFetchOneTokenStoredUnderADigestWithItsExpiry) {
  NatsSharedTokens sharedA(options()), sharedB(options()), sharedC(options());
  TokenCache a(&sharedA), b(&sharedB), c(&sharedC);
  CountingFetcher fetchA, fetchB, fetchC;
  Got got;
  a.get(key_, fetchA.fetcher(), got.waiter());
  b.get(key_, fetchB.fetcher(), got.waiter());
  c.get(key_, fetchC.fetcher(), got.waiter());
  ASSERT_TRUE(test::waitFor([&] { return got.size() == 3; }, 15s));
  EXPECT_EQ(fetchA.calls + fetchB.calls + fetchC.calls, 1);
  for (const std::string& t : got.tokens) EXPECT_EQ(t, "TOKEN-1");
  const std::string tk = NatsSharedTokens::tokenKey(key_);
  EXPECT_EQ(tk.find("corp1"), std::string::npos);
  EXPECT_EQ(tk.size(), 2u + 64u);
  auto stored = parseTokenValue(get(tk));
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->text, "TOKEN-1");
  const int64_t nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  EXPECT_GT(stored->expiresMs, nowMs + 3600 * 1000);  // 2h less TokenCache's margin
  EXPECT_LE(stored->expiresMs, nowMs + 2 * 3600 * 1000);
  // The lock was released: its value ran out.
  ASSERT_TRUE(test::waitFor([&] {
    auto l = parseTokenValue(get(NatsSharedTokens::lockKey(key_)));
    return l && l->expiresMs == 0;
  }));
  // A fourth replica, later: from NATS, no fetch.
  NatsSharedTokens sharedD(options());
  TokenCache d(&sharedD);
  CountingFetcher fetchD;
  d.get(key_, fetchD.fetcher(), got.waiter());
  ASSERT_TRUE(test::waitFor([&] { return got.size() == 4; }));
  EXPECT_EQ(fetchD.calls, 0);
  EXPECT_EQ(got.tokens[3], "TOKEN-1");
}

TEST_F(NatsSharedTokensTest, ARefusedTokenIsDroppedForEveryReplicaButNotItsSuccessor) {
  NatsSharedTokens sharedA(options());
  TokenCache a(&sharedA);
  CountingFetcher fetch;
  Got got;
  a.get(key_, fetch.fetcher(0ms), got.waiter());
  ASSERT_TRUE(test::waitFor([&] { return got.size() == 1; }));
  const std::string tk = NatsSharedTokens::tokenKey(key_);
  ASSERT_EQ(storedToken(tk), "TOKEN-1");
  // A stale drop (another token than the stored one) keeps it: the lookup queued after it
  // still finds the token.
  sharedA.drop(key_, "OLD");
  std::promise<SharedTokenLookup> looked;
  sharedA.acquire(key_, [&looked](SharedTokenLookup l) { looked.set_value(std::move(l)); });
  auto lookup = looked.get_future();
  ASSERT_EQ(lookup.wait_for(5s), std::future_status::ready);
  SharedTokenLookup l = lookup.get();
  EXPECT_EQ(l.kind, SharedTokenLookup::Kind::Found);
  EXPECT_EQ(l.token, "TOKEN-1");
  EXPECT_GT(l.ttl, 1h);
  a.invalidate(key_, "TOKEN-1");
  ASSERT_TRUE(test::waitFor([&] { return storedToken(tk) != "TOKEN-1"; }));
  fetch.token = "TOKEN-2";
  a.get(key_, fetch.fetcher(0ms), got.waiter());
  ASSERT_TRUE(test::waitFor([&] { return got.size() == 2; }));
  EXPECT_EQ(got.tokens[1], "TOKEN-2");
  EXPECT_EQ(fetch.calls, 2);
  EXPECT_TRUE(test::waitFor([&] { return storedToken(tk) == "TOKEN-2"; }));  // published after
}

TEST_F(NatsSharedTokensTest, AFailedFetchReleasesTheLockSoAnotherReplicaFetches) {
  NatsSharedTokens sharedA(options()), sharedB(options());
  TokenCache a(&sharedA), b(&sharedB);
  CountingFetcher failing, working;
  failing.error = "access token: wecom errcode 40001";
  Got got;
  a.get(key_, failing.fetcher(0ms), got.waiter());
  ASSERT_TRUE(test::waitFor([&] { return got.size() == 1; }));
  EXPECT_EQ(got.tokens[0], "");
  const auto start = std::chrono::steady_clock::now();
  b.get(key_, working.fetcher(0ms), got.waiter());
  ASSERT_TRUE(test::waitFor([&] { return got.size() == 2; }));
  EXPECT_EQ(got.tokens[1], "TOKEN-1");
  EXPECT_EQ(working.calls, 1);
  EXPECT_LT(std::chrono::steady_clock::now() - start, NatsSharedTokens::kLockTtl / 2);
}

TEST_F(NatsSharedTokensTest, UnreachableNatsFetchesLocally) {
  NatsConnectOptions nowhere = options();
  nowhere.url.servers = {{"127.0.0.1", testing::freeLoopbackPort()}};
  NatsSharedTokens shared(nowhere);
  TokenCache a(&shared);
  CountingFetcher fetch;
  Got got;
  a.get(key_, fetch.fetcher(0ms), got.waiter());
  ASSERT_TRUE(test::waitFor([&] { return got.size() == 1; }));
  EXPECT_EQ(got.tokens[0], "TOKEN-1");
  EXPECT_EQ(fetch.calls, 1);
}

}  // namespace
}  // namespace nm
