// RedisSharedTokens behind TokenCache against a real redis-server (skipped when it is not
// installed): two replicas' caches fetch one token, a refused token is dropped for both, a
// failed fetch releases the lock, and an unreachable Redis falls back to fetching locally.
#include "notify/redis_shared_tokens.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>

#include "notify/token_cache.h"
#include "wait_for.h"

extern char** environ;

namespace nm {
namespace {

using namespace std::chrono_literals;

int freePort() {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t n = sizeof a;
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &n);
  close(s);
  return ntohs(a.sin_port);
}

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

class RedisSharedTokensTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access("/usr/bin/redis-server", X_OK) != 0) GTEST_SKIP() << "redis-server not installed";
    url_.port = freePort();
    std::string port = std::to_string(url_.port);
    std::vector<std::string> args = {
        "redis-server", "--port", port,    "--bind", "127.0.0.1", "--save",   "",
        "--appendonly", "no",     "--dir", "/tmp",   "--logfile", "/dev/null"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ASSERT_EQ(posix_spawn(&pid_, "/usr/bin/redis-server", nullptr, nullptr, argv.data(), environ),
              0);
    probe_ = std::make_unique<RedisConnection>(url_, 1s);
    std::string err;
    bool refused = false;
    ASSERT_TRUE(test::waitFor([&] { return probe_->connect(err, refused); })) << err;
  }
  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  std::string get(const std::string& key) {
    std::string err;
    RedisReply r = probe_->run(RedisCommand{"GET", key}, err);
    return r && r->type == REDIS_REPLY_STRING ? std::string(redisString(r.get())) : "";
  }

  RedisUrl url_;
  pid_t pid_ = -1;
  std::unique_ptr<RedisConnection> probe_;
  const std::string key_ = TokenCache::key("wecom", "corp1", "s3cret");
};

TEST_F(RedisSharedTokensTest, TwoReplicasFetchOneTokenAndRedisHoldsItUnderADigest) {
  RedisSharedTokens sharedA(url_), sharedB(url_);
  TokenCache a(&sharedA), b(&sharedB);
  CountingFetcher fetchA, fetchB;
  Got got;
  a.get(key_, fetchA.fetcher(), got.waiter());
  b.get(key_, fetchB.fetcher(), got.waiter());
  ASSERT_TRUE(test::waitFor([&] { return got.size() == 2; }));
  EXPECT_EQ(fetchA.calls + fetchB.calls, 1);
  EXPECT_EQ(got.tokens[0], "TOKEN-1");
  EXPECT_EQ(got.tokens[1], "TOKEN-1");
  const std::string redisKey = RedisSharedTokens::redisKey(key_);
  EXPECT_EQ(redisKey.find("corp1"), std::string::npos);
  EXPECT_EQ(redisKey.size(), std::string("nm:token:").size() + 64);
  EXPECT_EQ(get(redisKey), "TOKEN-1");
  ASSERT_TRUE(test::waitFor([&] { return get(redisKey + ":lock").empty(); }));
  // A third replica, later: from Redis, no fetch.
  RedisSharedTokens sharedC(url_);
  TokenCache c(&sharedC);
  CountingFetcher fetchC;
  c.get(key_, fetchC.fetcher(), got.waiter());
  ASSERT_TRUE(test::waitFor([&] { return got.size() == 3; }));
  EXPECT_EQ(fetchC.calls, 0);
  EXPECT_EQ(got.tokens[2], "TOKEN-1");
}

TEST_F(RedisSharedTokensTest, ARefusedTokenIsDroppedForEveryReplicaButNotItsSuccessor) {
  RedisSharedTokens sharedA(url_);
  TokenCache a(&sharedA);
  CountingFetcher fetch;
  Got got;
  a.get(key_, fetch.fetcher(0ms), got.waiter());
  ASSERT_TRUE(test::waitFor([&] { return got.size() == 1; }));
  const std::string redisKey = RedisSharedTokens::redisKey(key_);
  // The caller gets the token before its publish to Redis lands.
  ASSERT_TRUE(test::waitFor([&] { return get(redisKey) == "TOKEN-1"; }));
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
  a.invalidate(key_, "TOKEN-1");
  ASSERT_TRUE(test::waitFor([&] { return get(redisKey).empty(); }));
  fetch.token = "TOKEN-2";
  a.get(key_, fetch.fetcher(0ms), got.waiter());
  ASSERT_TRUE(test::waitFor([&] { return got.size() == 2; }));
  EXPECT_EQ(got.tokens[1], "TOKEN-2");
  EXPECT_EQ(fetch.calls, 2);
  EXPECT_TRUE(test::waitFor([&] { return get(redisKey) == "TOKEN-2"; }));  // published after
}

TEST_F(RedisSharedTokensTest, AFailedFetchReleasesTheLockSoAnotherReplicaFetches) {
  RedisSharedTokens sharedA(url_), sharedB(url_);
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
  EXPECT_LT(std::chrono::steady_clock::now() - start, RedisSharedTokens::kLockTtl / 2);
}

TEST_F(RedisSharedTokensTest, UnreachableRedisFetchesLocally) {
  RedisUrl nowhere = url_;
  nowhere.port = freePort();
  RedisSharedTokens shared(nowhere);
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
