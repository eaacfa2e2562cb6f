// RedisThrottleWindow against a real redis-server (skipped when it is not installed): the script's
// reserve/clear/settle semantics, NOSCRIPT recovery, two replicas sharing one window over real
// timers, and the fallback to the local window when Redis cannot be reached.
#include "notify/redis_throttle_window.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>
#include <thread>
#include <vector>

#include "notify/http_client_curl.h"
#include "notify/throttle.h"
#include "wait_for.h"

extern char** environ;

namespace nm {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

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

double epochMs() {
  return static_cast<double>(
      std::chrono::duration_cast<milliseconds>(now().time_since_epoch()).count());
}

class RedisThrottleWindowTest : public ::testing::Test {
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
  double score(const std::string& key, const std::string& member) {
    std::string err;
    RedisReply r = probe_->run(RedisCommand{"ZSCORE", key, member}, err);
    return r && r->type == REDIS_REPLY_STRING ? std::stod(std::string(redisString(r.get()))) : -1;
  }
  long long card(const std::string& key) {
    std::string err;
    RedisReply r = probe_->run(RedisCommand{"ZCARD", key}, err);
    return r ? r->integer : -1;
  }

  RedisUrl url_;
  std::unique_ptr<RedisConnection> probe_;
  pid_t pid_ = -1;
};

TEST_F(RedisThrottleWindowTest, ReserveGivesFirstComeSlotsUnderTheThreshold) {
  metrics::Registry reg;
  RedisThrottleWindow w(url_, reg);
  const ThrottleLimit lim{3, 2s, 10s};
  for (int i = 1; i <= 3; ++i) EXPECT_EQ(w.call("reserve", "k", w.member(i), lim), 0) << i;
  // The 4th waits for the 1st to leave the window (the server's clock moved a few ms since).
  auto fourth = w.call("reserve", "k", w.member(4), lim);
  ASSERT_TRUE(fourth);
  EXPECT_GT(*fourth, 1900);
  EXPECT_LE(*fourth, 2000);
  // First come, first served: the 5th is not before the 4th.
  auto fifth = w.call("reserve", "k", w.member(5), lim);
  ASSERT_TRUE(fifth);
  EXPECT_GE(*fifth, *fourth - 5);
  EXPECT_EQ(w.call("reserve", "other", w.member(6), lim), 0);  // keys are independent
  EXPECT_EQ(card("nm:throttle:{k}"), 5);
  // Its slot is not reached: clear answers the remaining wait.
  auto early = w.call("clear", "k", w.member(4), lim);
  ASSERT_TRUE(early);
  EXPECT_GT(*early, 1800);
}

TEST_F(RedisThrottleWindowTest, InFlightSendsBlockUntilSettledThenCountFromTheAnswer) {
  metrics::Registry reg;
  RedisThrottleWindow w(url_, reg);
  const ThrottleLimit lim{1, milliseconds(100), 10s};
  ASSERT_EQ(w.call("reserve", "k", w.member(1), lim), 0);
  ASSERT_EQ(w.call("clear", "k", w.member(1), lim), 0);  // left: in flight
  EXPECT_EQ(card("nm:throttle:{k}:flight"), 1);
  auto wait = w.call("reserve", "k", w.member(2), lim);
  ASSERT_TRUE(wait);
  EXPECT_GT(*wait, 50);
  // Long after its slot the 2nd still may not leave: the 1st is unanswered (the answer to ask
  // again is the 50 ms poll).
  ASSERT_TRUE(test::waitFor([&] {
    auto c = w.call("clear", "k", w.member(2), lim);
    return c && *c == 50 && score("nm:throttle:{k}", w.member(2)) + 150 < epochMs();
  }));
  const double departed = score("nm:throttle:{k}", w.member(1));
  ASSERT_EQ(w.call("settle", "k", w.member(1), lim), 0);
  EXPECT_EQ(card("nm:throttle:{k}:flight"), 0);
  EXPECT_GT(score("nm:throttle:{k}", w.member(1)), departed + 100);  // moved to the answer
  // Now it counts from the answer: one unit later, not at once.
  auto after = w.call("clear", "k", w.member(2), lim);
  ASSERT_TRUE(after);
  EXPECT_GT(*after, 80);
  ASSERT_TRUE(test::waitFor([&] { return w.call("clear", "k", w.member(2), lim) == 0; }));
}

TEST_F(RedisThrottleWindowTest, ScriptIsLoadedAgainAfterAFlush) {
  metrics::Registry reg;
  RedisThrottleWindow w(url_, reg);
  const ThrottleLimit lim{5, 1s, 10s};
  ASSERT_EQ(w.call("reserve", "k", w.member(1), lim), 0);
  std::string err;
  ASSERT_TRUE(probe_->run(RedisCommand{"SCRIPT", "FLUSH"}, err)) << err;
  EXPECT_EQ(w.call("reserve", "k", w.member(2), lim), 0);
  EXPECT_EQ(card("nm:throttle:{k}"), 2);
}

TEST_F(RedisThrottleWindowTest, TwoReplicasTogetherKeepTheWindow) {
  CurlClientOptions o;
  o.loops = 2;
  auto timers = makeCurlHttpClient(o);
  metrics::Registry reg1, reg2;
  Throttle a(reg1, std::make_unique<RedisThrottleWindow>(url_, reg1));
  Throttle b(reg2, std::make_unique<RedisThrottleWindow>(url_, reg2));
  const ThrottleLimit lim{3, milliseconds(300), 30s};
  constexpr int kSends = 12;
  std::mutex mu;
  std::vector<std::pair<TimePoint, TimePoint>> sends;  // left, answered
  for (int i = 0; i < kSends; ++i) {
    Throttle& t = i % 2 ? a : b;
    t.acquire("robot", lim, *timers, [&, &t = t](Duration, Throttle::Ticket ticket) {
      const TimePoint left = now();
      timers->after(milliseconds(20), [&, &t = t, ticket, left] {  // the vendor answers
        const TimePoint answered = now();
        t.settle("robot", ticket, answered);
        std::lock_guard g(mu);
        sends.emplace_back(left, answered);
      });
    });
  }
  ASSERT_TRUE(test::waitFor(
      [&] {
        std::lock_guard g(mu);
        return sends.size() == kSends;
      },
      20s));
  std::sort(sends.begin(), sends.end());
  // The vendor saw each between leaving and the answer: the send `threshold` places later left
  // one window after the earlier one's answer (2 ms for the server's ms clock).
  for (size_t i = 3; i < sends.size(); ++i) {
    EXPECT_GE(sends[i].first - sends[i - 3].second, milliseconds(298)) << i;
  }
  timers->shutdown();
}

TEST(RedisThrottleWindowFallback, UnreachableRedisUsesTheLocalWindowAndCounts) {
  RedisUrl url;
  url.port = freePort();  // nothing listens
  metrics::Registry reg;
  Throttle t(reg, std::make_unique<RedisThrottleWindow>(url, reg, 200ms));
  CurlClientOptions o;
  o.loops = 1;
  auto timers = makeCurlHttpClient(o);
  const ThrottleLimit lim{1, milliseconds(100), 10s};
  std::atomic<int> sent{0};
  for (int i = 0; i < 2; ++i) {
    t.acquire("k", lim, *timers, [&](Duration, Throttle::Ticket ticket) {
      ++sent;
      t.settle("k", ticket, now());
    });
  }
  ASSERT_TRUE(test::waitFor([&] { return sent == 2; })) << "a send was dropped";
  EXPECT_NE(reg.render().find("nm_throttle_redis_fallback_total 2"), std::string::npos)
      << reg.render();
  timers->shutdown();
}

}  // namespace
}  // namespace nm
