// NatsThrottleWindow against a real nats-server -js (skipped when it is not installed): slots under
// the threshold, in-flight sends blocking, two windows (two replicas) keeping one limit over real
// timers, the stored encoding, and the local fallback when NATS cannot be reached.
#include "notify/nats_throttle_window.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <thread>
#include <vector>

#include "nats_test_server.h"
#include "notify/http_client_curl.h"
#include "notify/throttle.h"
#include "wait_for.h"

namespace nm {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

class NatsThrottleWindowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::natsServerBinary()) GTEST_SKIP() << "nats-server not installed";
    ASSERT_TRUE(server_.start());
  }
  NatsConnectOptions options() const {
    NatsConnectOptions o;
    o.url.servers = {{"127.0.0.1", server_.port()}};
    return o;
  }
  testing::NatsTestServer server_;
};

TEST(ThrottleKvState, EncodeDecodeRoundTrips) {
  ThrottleKvState s;
  s.window["a:1"] = 1700000000123;
  s.window["b:2"] = 5;
  s.flight["a:1"] = 1700000000123;
  ThrottleKvState d = ThrottleKvState::decode(s.encode());
  EXPECT_EQ(d.window, s.window);
  EXPECT_EQ(d.flight, s.flight);
  EXPECT_TRUE(ThrottleKvState::decode("garbage\nw x\n").window.empty());
}

TEST_F(NatsThrottleWindowTest, ReserveGivesFirstComeSlotsUnderTheThreshold) {
  metrics::Registry reg;
  NatsThrottleWindow w(options(), reg);
  const ThrottleLimit lim{3, 2s, 10s};
  for (int i = 1; i <= 3; ++i) EXPECT_EQ(w.call("reserve", "k", w.member(i), lim), 0) << i;
  auto fourth = w.call("reserve", "k", w.member(4), lim);
  ASSERT_TRUE(fourth);
  EXPECT_GT(*fourth, 1900);
  EXPECT_LE(*fourth, 2000);
  auto fifth = w.call("reserve", "k", w.member(5), lim);
  ASSERT_TRUE(fifth);
  EXPECT_GE(*fifth, *fourth - 5);
  EXPECT_EQ(w.call("reserve", "robot/with:odd chars", w.member(6), lim), 0);  // keys independent
  auto early = w.call("clear", "k", w.member(4), lim);
  ASSERT_TRUE(early);
  EXPECT_GT(*early, 1800);
}

TEST_F(NatsThrottleWindowTest, InFlightSendsBlockUntilSettledThenCountFromTheAnswer) {
  metrics::Registry reg;
  NatsThrottleWindow w(options(), reg);
  const ThrottleLimit lim{1, milliseconds(100), 10s};
  ASSERT_EQ(w.call("reserve", "k", w.member(1), lim), 0);
  ASSERT_EQ(w.call("clear", "k", w.member(1), lim), 0);  // left: in flight
  auto wait = w.call("reserve", "k", w.member(2), lim);
  ASSERT_TRUE(wait);
  EXPECT_GT(*wait, 50);
  // Long after its slot (reserved ~100 ms ahead) the 2nd still may not leave: the 1st is
  // unanswered, so the answer is the 50 ms poll.
  const TimePoint reservedAt = now();
  ASSERT_TRUE(test::waitFor([&] {
    auto c = w.call("clear", "k", w.member(2), lim);
    return c && *c == 50 && now() - reservedAt > milliseconds(250);
  }));
  ASSERT_EQ(w.call("settle", "k", w.member(1), lim), 0);
  // Now it counts from the answer: one unit later, not at once.
  auto after = w.call("clear", "k", w.member(2), lim);
  ASSERT_TRUE(after);
  EXPECT_GT(*after, 80);
  ASSERT_TRUE(test::waitFor([&] { return w.call("clear", "k", w.member(2), lim) == 0; }));
}

TEST_F(NatsThrottleWindowTest, TwoReplicasTogetherKeepTheWindow) {
  CurlClientOptions o;
  o.loops = 2;
  auto timers = makeCurlHttpClient(o);
  metrics::Registry reg1, reg2;
  Throttle a(reg1, std::make_unique<NatsThrottleWindow>(options(), reg1));
  Throttle b(reg2, std::make_unique<NatsThrottleWindow>(options(), reg2));
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
  // One clock (this host's) for both windows; 2 ms for the ms resolution of the stored times.
  for (size_t i = 3; i < sends.size(); ++i)
    EXPECT_GE(sends[i].first - sends[i - 3].second, milliseconds(298)) << i;
  EXPECT_EQ(reg1.render().find("nm_throttle_redis_fallback_total 1"), std::string::npos);
  timers->shutdown();
}

TEST(NatsThrottleWindowFallback, UnreachableNatsUsesTheLocalWindowAndCounts) {
  NatsConnectOptions c;
  c.url.servers = {{"127.0.0.1", testing::freeLoopbackPort()}};  // nothing listens
  c.timeout = 200ms;
  metrics::Registry reg;
  Throttle t(reg, std::make_unique<NatsThrottleWindow>(c, reg));
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
