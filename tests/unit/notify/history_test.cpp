// Tests of the history step: which alerts it reports (once each, with every receiver), the body
// it posts to the history webhook, retries, and draining with waitIdle.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "history/history_stage.h"
#include "interfaces/http_client.h"
#include "interfaces/snapshot.h"
#include "notify/http_client_curl.h"
#include "test_helpers.h"
#include "test_http_server.h"

namespace nm {
namespace {

using test::TestHttpServer;

ReceiverPtr plainReceiver(const std::string& name, const std::string& type) {
  auto r = std::make_shared<config::Receiver>();
  r->name = name;
  r->type = type;
  r->key = type + "/" + name;
  return r;
}

struct Fixture {
  AlertPtr a = test::makeAlert({{"alertname", "A"}});
  AlertPtr b = test::makeAlert({{"alertname", "B"}});
  AlertPtr c = test::makeAlert({{"alertname", "C"}});
  NotifyReport report;

  Fixture() {
    auto d1 = std::make_shared<Data>();
    d1->alerts = {a, b};
    auto d2 = std::make_shared<Data>();
    d2->alerts = {b};
    auto d3 = std::make_shared<Data>();
    d3->alerts = {c};
    TimePoint t = now();
    report.results = {
        {plainReceiver("r1", "webhook"), d1, {true, "", 200, 1, "http://one/", ""}, t},
        {plainReceiver("r2", "email"), d2, {true, "", 0, 1, "x@y", ""}, t},
        {plainReceiver("r3", "webhook"), d3, {false, "HTTP 500", 500, 3, "http://three/", ""}, t},
    };
  }
};

TEST(History, AlertsOnceWithEveryReceiver) {
  Fixture f;
  auto h = historyAlerts(f.report);
  ASSERT_EQ(h.size(), 2u);  // c failed
  EXPECT_EQ(h[0].alert, f.a);
  ASSERT_EQ(h[0].receivers.size(), 1u);
  EXPECT_EQ(h[0].receivers[0].receiverName, "r1");
  EXPECT_EQ(h[1].alert, f.b);
  ASSERT_EQ(h[1].receivers.size(), 2u);
  EXPECT_EQ(h[1].receivers[1].receiverName, "r2");
  EXPECT_EQ(h[1].receivers[1].type, "email");
  EXPECT_EQ(h[1].receivers[1].target, "x@y");
  EXPECT_NE(h[0].notificationTime, kZeroTime);
}

TEST(History, PostsToTheHistoryWebhook) {
  TestHttpServer server;
  auto client = makeCurlHttpClient();
  config::Snapshot snap;
  test::MapSecrets secrets;
  auto history = test::buildWebhookReceiver("{url: '" + server.url("/history") + "'}", snap,
                                            secrets, *client, "notification-history");
  ASSERT_TRUE(history->notifier);
  Fixture f;
  metrics::Registry registry;
  HistoryStage stage(registry);
  stage.record(f.report, history);
  ASSERT_TRUE(stage.waitIdle(std::chrono::seconds(20)));
  EXPECT_EQ(stage.pending(), 0u);
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  auto j = nlohmann::json::parse(reqs[0].body);
  EXPECT_EQ(j["receiver"], "notification-history");
  ASSERT_EQ(j["alerts"].size(), 2u);
  EXPECT_EQ(j["alerts"][0]["labels"]["alertname"], "A");
  EXPECT_EQ(j["alerts"][1]["receiver"],
            (nlohmann::json{{"r1", {{"webhook", "http://one/"}}}, {"r2", {{"email", "x@y"}}}}));
  EXPECT_TRUE(j["alerts"][1]["notificationTime"].is_string());
}

TEST(History, RetriesThreeTimesThenGivesUp) {
  TestHttpServer server;
  server.setDefault({500, "no", {}, {}});
  auto client = makeCurlHttpClient();
  config::Snapshot snap;
  test::MapSecrets secrets;
  auto history =
      test::buildWebhookReceiver("{url: '" + server.url() + "'}", snap, secrets, *client);
  HistoryStage::Options o;
  o.retry.initial = std::chrono::milliseconds(10);
  o.retry.max = std::chrono::milliseconds(20);
  metrics::Registry registry;
  HistoryStage stage(registry, o);
  Fixture f;
  stage.record(f.report, history);
  ASSERT_TRUE(stage.waitIdle(std::chrono::seconds(20)));
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST(History, NothingWithoutHistoryReceiverOrSuccesses) {
  metrics::Registry registry;
  HistoryStage stage(registry);
  Fixture f;
  stage.record(f.report, nullptr);
  EXPECT_EQ(stage.pending(), 0u);
  NotifyReport failedOnly;
  failedOnly.results.push_back(f.report.results[2]);
  EXPECT_TRUE(historyAlerts(failedOnly).empty());
  EXPECT_TRUE(stage.waitIdle(std::chrono::milliseconds(1)));
}

}  // namespace
}  // namespace nm
