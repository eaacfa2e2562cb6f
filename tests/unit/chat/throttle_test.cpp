// Unit tests of the sliding-window throttle (slots, waits, deferral, nothing lost) and of the
// sequential chat job runner.
#include <gtest/gtest.h>

#include "chat_helpers.h"
#include "notify/throttle.h"
#include "test_services.h"

namespace nm {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(Throttle, SlotsRespectThresholdPerWindow) {
  metrics::Registry registry;
  Throttle t(registry);
  ThrottleLimit lim{3, seconds(2), seconds(10)};
  TimePoint t0 = now();
  EXPECT_EQ(t.reserve("k", lim, t0), Duration::zero());
  EXPECT_EQ(t.reserve("k", lim, t0), Duration::zero());
  EXPECT_EQ(t.reserve("k", lim, t0), Duration::zero());
  EXPECT_EQ(t.reserve("k", lim, t0), seconds(2));  // waits for the first to leave the window
  EXPECT_EQ(t.reserve("k", lim, t0 + milliseconds(500)), milliseconds(1500));
  EXPECT_EQ(t.reserve("other", lim, t0), Duration::zero());           // keys are independent
  EXPECT_EQ(t.reserve("k", lim, t0 + seconds(5)), Duration::zero());  // window slid
}

TEST(Throttle, NoWindowEverHoldsMoreThanThreshold) {
  metrics::Registry registry;
  Throttle t(registry);
  ThrottleLimit lim{20, seconds(60), seconds(10)};
  TimePoint t0 = now();
  std::vector<TimePoint> slots;
  for (int i = 0; i < 500; ++i) {
    TimePoint at = t0 + milliseconds(i * 37);
    slots.push_back(at + t.reserve("k", lim, at));
  }
  ASSERT_EQ(slots.size(), 500u);  // every send has a slot: none dropped
  for (size_t i = 20; i < slots.size(); ++i) {
    EXPECT_GE(slots[i] - slots[i - 20], seconds(60)) << i;
  }
}

TEST(Throttle, DisabledWhenThresholdIsZero) {
  metrics::Registry registry;
  Throttle t(registry);
  ThrottleLimit lim{0, seconds(1), seconds(1)};
  for (int i = 0; i < 100; ++i) EXPECT_EQ(t.reserve("k", lim, now()), Duration::zero());
}

TEST(Throttle, AcquireWaitsOrDefersButAlwaysRunsOnce) {
  metrics::Registry registry;
  Throttle t(registry);
  test::FakeHttp timers;
  ThrottleLimit lim{1, seconds(60), seconds(1)};
  int runs = 0;
  std::vector<Duration> waits;
  for (int i = 0; i < 3; ++i) {
    t.acquire("k", lim, timers, [&](Duration w, Throttle::Ticket ticket) {
      ++runs;
      waits.push_back(w);
      t.settle("k", ticket, now());
    });
  }
  EXPECT_EQ(runs, 3);
  ASSERT_EQ(timers.delays.size(), 2u);  // the 2nd and 3rd were scheduled, not dropped
  EXPECT_GT(timers.delays[0], seconds(58));
  EXPECT_GT(timers.delays[1], seconds(118));
  EXPECT_EQ(waits[0], Duration::zero());
}

TEST(Throttle, LaterSendCountsFromTheAnswerOfTheEarlierOne) {
  // The HTTP client may hold a request for a while before the vendor sees it; the send one
  // threshold later must leave one window after the earlier send was answered, not reserved.
  metrics::Registry registry;
  Throttle t(registry);
  test::FakeHttp timers;
  ThrottleLimit lim{1, seconds(10), seconds(60)};
  Throttle::Ticket first = 0;
  TimePoint t0 = now();
  t.acquire("slow", lim, timers, [&](Duration, Throttle::Ticket tk) { first = tk; });
  ASSERT_NE(first, 0u);
  int secondRuns = 0;
  Duration secondWait{};
  t.acquire("slow", lim, timers, [&](Duration w, Throttle::Ticket) {
    ++secondRuns;
    secondWait = w;
  });
  EXPECT_EQ(secondRuns, 0);  // the first is still on its way: its arrival is unknown
  t.settle("slow", first, t0 + seconds(5));
  EXPECT_EQ(secondRuns, 1);
  EXPECT_GE(secondWait, seconds(14));   // answered at +5 s, so not before +15 s
  ASSERT_EQ(timers.delays.size(), 1u);  // one timer, armed once the first was answered
  EXPECT_GE(timers.delays[0], seconds(14));
}

TEST(RunChatJobs, RunsInOrderAndAggregates) {
  test::FakeHttp http;
  std::vector<int> order;
  std::vector<ChatJob> jobs;
  for (int i = 0; i < 3; ++i) {
    ChatJob j;
    j.target = i == 2 ? "b" : "a";
    j.run = [&order, i](TimePoint, std::function<void(SendOutcome)> cb) {
      order.push_back(i);
      SendOutcome o;
      o.ok = i != 1;
      o.attempts = 2;
      o.error = o.ok ? "" : "boom";
      cb(o);
    };
    jobs.push_back(std::move(j));
  }
  SendOutcome out;
  runChatJobs(http, nm::test::servicesFor(http).throttle, std::move(jobs), now() + seconds(5),
              [&](SendOutcome o) { out = o; });
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.error, "boom");
  EXPECT_EQ(out.attempts, 6);
  EXPECT_EQ(out.channelTarget, "a, b");
}

TEST(RunChatJobs, ThrottleWaitExtendsTheDeadline) {
  test::FakeHttp http;
  ThrottleLimit lim{1, seconds(30), seconds(1)};
  std::vector<TimePoint> deadlines;
  std::vector<ChatJob> jobs;
  for (int i = 0; i < 2; ++i) {
    ChatJob j;
    j.throttleKey = "extend-deadline";
    j.limit = lim;
    j.run = [&](TimePoint dl, std::function<void(SendOutcome)> cb) {
      deadlines.push_back(dl);
      SendOutcome o;
      o.ok = true;
      cb(o);
    };
    jobs.push_back(std::move(j));
  }
  TimePoint dl = now() + seconds(5);
  SendOutcome out;
  runChatJobs(http, nm::test::servicesFor(http).throttle, std::move(jobs), dl,
              [&](SendOutcome o) { out = o; });
  ASSERT_EQ(deadlines.size(), 2u);
  EXPECT_TRUE(out.ok);
  EXPECT_EQ(deadlines[0], dl);
  EXPECT_GT(deadlines[1], dl + seconds(29));
}

TEST(RunChatJobs, ParksOnlyWhenAWaitPassesMaxWaitTime) {
  // Three jobs on one key allowing one send per 30 s: the first leaves at once, the second's
  // wait (30 s) is past maxWaitTime (1 s), so the send says it is parked, once.
  test::FakeHttp http;
  ThrottleLimit lim{1, seconds(30), seconds(1)};
  std::vector<ChatJob> jobs;
  std::vector<std::string> events;
  for (int i = 0; i < 3; ++i) {
    ChatJob j;
    j.throttleKey = "park-once";
    j.limit = lim;
    j.run = [&events, i](TimePoint, std::function<void(SendOutcome)> cb) {
      events.push_back("sent" + std::to_string(i));
      SendOutcome o;
      o.ok = true;
      cb(o);
    };
    jobs.push_back(std::move(j));
  }
  runChatJobs(http, nm::test::servicesFor(http).throttle, std::move(jobs), now() + seconds(5),
              SendDone([&](SendOutcome o) { events.push_back(o.ok ? "done" : "failed"); },
                       [&] { events.push_back("parked"); }));
  EXPECT_EQ(events, (std::vector<std::string>{"sent0", "parked", "sent1", "sent2", "done"}));
}

TEST(RunChatJobs, AWaitWithinMaxWaitTimeDoesNotPark) {
  test::FakeHttp http;
  ThrottleLimit lim{1, seconds(1), seconds(10)};
  std::vector<ChatJob> jobs;
  for (int i = 0; i < 2; ++i) {
    ChatJob j;
    j.throttleKey = "no-park";
    j.limit = lim;
    j.run = [](TimePoint, std::function<void(SendOutcome)> cb) {
      SendOutcome o;
      o.ok = true;
      cb(o);
    };
    jobs.push_back(std::move(j));
  }
  bool parked = false;
  SendOutcome out;
  runChatJobs(http, nm::test::servicesFor(http).throttle, std::move(jobs), now() + seconds(5),
              SendDone([&](SendOutcome o) { out = o; }, [&] { parked = true; }));
  EXPECT_TRUE(out.ok);
  EXPECT_FALSE(parked);
}

TEST(Throttle, DecodesOptions) {
  model::Diagnostics diags;
  model::Origin origin{"nm.yaml", 1, "NotificationManager", "nm"};
  model::Reader r(origin, diags);
  YAML::Node n = YAML::Load("{threshold: 3, unit: 2s, maxWaitTime: 500ms}");
  ThrottleLimit l = decodeThrottleLimit(r, n, "p", ThrottleLimit{});
  EXPECT_EQ(l.threshold, 3);
  EXPECT_EQ(l.unit, seconds(2));
  EXPECT_EQ(l.maxWait, milliseconds(500));
  decodeThrottleLimit(r, YAML::Load("{threshold: x, bogus: 1}"), "p", ThrottleLimit{});
  ASSERT_EQ(diags.items().size(), 2u);
}

}  // namespace
}  // namespace nm
