// The throttle over a real curl client with several event loops: sends acquired from several
// threads, answered and settled on different loops, still leave one window after the answer to
// the send `threshold` places earlier.
#include <gtest/gtest.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "notify/http_client_curl.h"
#include "notify/test_http_server.h"
#include "notify/throttle.h"
#include "observe/metrics.h"

namespace nm {
namespace {

using std::chrono::milliseconds;

TEST(ThrottleOverLoops, EverySendLeavesAWindowAfterTheAnswerThresholdPlacesEarlier) {
  test::TestHttpServer robot;
  robot.setDefault({200, R"({"errcode":0})", {}, milliseconds(20)});
  CurlClientOptions o;
  o.loops = 3;
  auto client = makeCurlHttpClient(o);
  metrics::Registry registry;
  Throttle throttle(registry);
  const ThrottleLimit limit{3, milliseconds(150), std::chrono::seconds(30)};
  constexpr int kThreads = 3, kPerThread = 4, kSends = kThreads * kPerThread;

  std::mutex mu;
  std::condition_variable allAnswered;
  std::map<Throttle::Ticket, TimePoint> left, answered;
  auto go = [&](Duration, Throttle::Ticket ticket) {
    {
      std::lock_guard g(mu);
      left[ticket] = now();
    }
    HttpRequest req;
    req.url = robot.url("/robot/send");
    client->send(req, [&, ticket](HttpResponse r) {
      EXPECT_EQ(r.status, 200);
      const TimePoint at = now();
      {
        std::lock_guard g(mu);
        answered[ticket] = at;
      }
      throttle.settle("robot", ticket, at);
      allAnswered.notify_all();
    });
  };
  std::vector<std::thread> senders;
  for (int t = 0; t < kThreads; ++t) {
    senders.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) throttle.acquire("robot", limit, *client, go);
    });
  }
  for (auto& s : senders) s.join();
  {
    std::unique_lock g(mu);
    ASSERT_TRUE(allAnswered.wait_for(g, std::chrono::seconds(20),
                                     [&] { return answered.size() == size_t{kSends}; }));
  }
  client.reset();                          // joins the loops: no callback still runs
  ASSERT_EQ(left.size(), size_t{kSends});  // each send left exactly once
  EXPECT_EQ(robot.requests().size(), size_t{kSends});
  // Timers run on the steady clock, the throttle reads the system clock: allow their skew.
  const Duration skew = milliseconds(2);
  const auto n = static_cast<Throttle::Ticket>(limit.threshold);
  for (Throttle::Ticket k = 1 + n; k <= Throttle::Ticket{kSends}; ++k) {
    EXPECT_GE(left[k] + skew, answered[k - n] + limit.unit) << "ticket " << k;
  }
}

}  // namespace
}  // namespace nm
