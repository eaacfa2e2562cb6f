// Endpoint semantics over real sockets with a fake queue and fake backend callbacks: alerts
// (accepted, partial, full, closed, empty, bad JSON), verify, notifications, reload, ready,
// live, metrics, status and the debug dumps.
#include <atomic>

#include "server_fixture.h"

namespace nm::api::test {
namespace {

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST_F(ServerTest, AlertsAreQueuedWithClusterFallback) {
  start();
  Client c(port());
  Response r = c.post("/api/v2/alerts", alertsBody(3));
  ASSERT_EQ(r.result_int(), 200u) << r.body();
  auto pushed = queue.pushed();
  ASSERT_EQ(pushed.size(), 1u);
  ASSERT_EQ(pushed[0].size(), 3u);
  EXPECT_EQ(pushed[0][0]->labels.get("cluster"), "test-cluster");
  EXPECT_EQ(pushed[0][2]->labels.get("alertname"), "A2");
}

TEST_F(ServerTest, SnapshotClusterWinsOverFlag) {
  auto snap = std::make_shared<config::Snapshot>();
  snap->cluster = "from-config";
  snapshots.publish(snap);
  start();
  Client c(port());
  ASSERT_EQ(c.post("/api/v2/alerts", "[{\"labels\":{\"a\":\"b\"}}]").result_int(), 200u);
  EXPECT_EQ(queue.pushed()[0][0]->labels.get("cluster"), "from-config");
}

TEST_F(ServerTest, BadJsonIs400NamingTheProblem) {
  start();
  Client c(port());
  Response r = c.post("/api/v2/alerts", "{\"alerts\":[");
  EXPECT_EQ(r.result_int(), 400u);
  EXPECT_TRUE(contains(r.body(), "invalid JSON")) << r.body();
  Response u = c.post("/api/v2/alerts", "[{\"labels\":{\"a\":\"\xff\"}}]");
  EXPECT_EQ(u.result_int(), 400u);
  EXPECT_TRUE(contains(u.body(), "invalid UTF-8 in body")) << u.body();
  EXPECT_EQ(queue.calls(), 0);
}

TEST_F(ServerTest, PartlyInvalidQueuesTheValidOnesAndSays400) {
  start();
  Client c(port());
  Response r = c.post("/api/v2/alerts", R"({"alerts":[{"labels":{"alertname":"ok"}},
      {"labels":{"alertname":"bad","severity":1}},{"labels":{"alertname":"ok2"}}]})");
  EXPECT_EQ(r.result_int(), 400u);
  EXPECT_TRUE(contains(r.body(), "2 alerts accepted, 1 invalid"));
  EXPECT_TRUE(contains(r.body(), "alerts[1].labels.severity: expected a string")) << r.body();
  ASSERT_EQ(queue.pushed().size(), 1u);
  EXPECT_EQ(queue.pushed()[0].size(), 2u);
}

TEST_F(ServerTest, AllInvalidIs400AndNothingQueued) {
  start();
  Client c(port());
  Response r = c.post("/api/v2/alerts", R"([{"labels":{}}])");
  EXPECT_EQ(r.result_int(), 400u);
  EXPECT_TRUE(contains(r.body(), "no valid alerts: [0].labels")) << r.body();
  EXPECT_EQ(queue.calls(), 0);
}

TEST_F(ServerTest, EmptyListIs200NoAlerts) {
  start();
  Client c(port());
  Response r = c.post("/api/v2/alerts", R"({"alerts":[]})");
  EXPECT_EQ(r.result_int(), 200u);
  EXPECT_EQ(r.body(), R"({"Status":200,"Message":"no alerts"})");
  EXPECT_EQ(queue.calls(), 0);
}

TEST_F(ServerTest, FullQueueIs503WithRetryAfter) {
  queue.immediate = PushResult::Full;
  queue.waiting = PushResult::Full;
  start();
  Client c(port());
  Response r = c.post("/api/v2/alerts", alertsBody(2));
  EXPECT_EQ(r.result_int(), 503u);
  EXPECT_EQ(r[http::field::retry_after], "1");
  EXPECT_TRUE(contains(r.body(), "queue is full"));
  EXPECT_EQ(queue.calls(), 2);  // tried at once, then waited on the blocking pool
}

TEST_F(ServerTest, FullThenRoomAfterWaitingIs200) {
  queue.immediate = PushResult::Full;
  queue.waiting = PushResult::Accepted;
  start();
  Client c(port());
  EXPECT_EQ(c.post("/api/v2/alerts", alertsBody(2)).result_int(), 200u);
  ASSERT_EQ(queue.pushed().size(), 1u);
  EXPECT_EQ(queue.pushed()[0].size(), 2u);
}

TEST_F(ServerTest, ZeroPushTimeoutAnswersFullAtOnce) {
  queue.immediate = PushResult::Full;
  deps.pushTimeout = Duration::zero();
  start();
  Client c(port());
  EXPECT_EQ(c.post("/api/v2/alerts", alertsBody(1)).result_int(), 503u);
  EXPECT_EQ(queue.calls(), 1);
}

TEST_F(ServerTest, ClosedQueueIs503ShuttingDown) {
  queue.immediate = PushResult::Closed;
  start();
  Client c(port());
  Response r = c.post("/api/v2/alerts", alertsBody(1));
  EXPECT_EQ(r.result_int(), 503u);
  EXPECT_TRUE(contains(r.body(), "shutting down"));
  EXPECT_EQ(r.count(http::field::retry_after), 0u);
}

TEST_F(ServerTest, UnavailableBackendIs503WithRetryAfterWithoutWaiting) {
  queue.immediate = PushResult::Unavailable;
  start();
  Client c(port());
  Response r = c.post("/api/v2/alerts", alertsBody(1));
  EXPECT_EQ(r.result_int(), 503u);
  EXPECT_EQ(r[http::field::retry_after], "1");
  EXPECT_TRUE(contains(r.body(), "queue backend is unavailable"));
  EXPECT_EQ(queue.calls(), 1);  // a down backend is not waited for on the blocking pool
}

TEST_F(ServerTest, VerifyPassesReceiverAndConfigAndRepliesWithCompletion) {
  std::atomic<int> calls{0};
  std::string receiverName, configName;
  deps.verify = [&](const YAML::Node& receiver, const YAML::Node& config, Completion done) {
    ++calls;
    receiverName = receiver["metadata"]["name"].as<std::string>();
    configName = config.IsMap() ? config["metadata"]["name"].as<std::string>() : "";
    if (receiverName == "unknown") return done({400, "unknown tenant"});
    // Complete from another thread, as a notifier would.
    std::thread([done] { done({200, "Verify successfully"}); }).detach();
  };
  start();
  Client c(port());
  Response ok = c.post("/api/v2/verify", R"({"receiver":{"metadata":{"name":"r1"},
      "spec":{"webhook":{"url":"http://x"}}},"config":{"metadata":{"name":"c1"}}})");
  EXPECT_EQ(ok.result_int(), 200u);
  EXPECT_EQ(ok.body(), R"({"Status":200,"Message":"Verify successfully"})");
  EXPECT_EQ(receiverName, "r1");
  EXPECT_EQ(configName, "c1");
  Response bad = c.post("/api/v2/verify", R"({"receiver":{"metadata":{"name":"unknown"}}})");
  EXPECT_EQ(bad.result_int(), 400u);
  EXPECT_TRUE(contains(bad.body(), "unknown tenant"));
  EXPECT_EQ(configName, "");
  Response missing = c.post("/api/v2/verify", R"({"config":{}})");
  EXPECT_EQ(missing.result_int(), 400u);
  EXPECT_TRUE(contains(missing.body(), "receiver"));
  Response broken = c.post("/api/v2/verify", "{\"receiver\": [}");
  EXPECT_EQ(broken.result_int(), 400u);
  EXPECT_EQ(calls.load(), 2);
}

TEST_F(ServerTest, NotificationsDecodeTheAlertPayload) {
  AlertList got;
  std::string receiverName;
  deps.notifications = [&](const YAML::Node& receiver, const YAML::Node&, AlertList alerts,
                           Completion done) {
    receiverName = receiver["metadata"]["name"].as<std::string>();
    got = std::move(alerts);
    done({200, "Send alerts successfully"});
  };
  start();
  Client c(port());
  Response r = c.post("/api/v2/notifications", R"({"receiver":{"metadata":{"name":"r"}},
      "alert":{"alerts":[{"labels":{"alertname":"x"}},{"labels":{"alertname":"y"}}]}})");
  EXPECT_EQ(r.result_int(), 200u);
  EXPECT_TRUE(contains(r.body(), "Send alerts successfully"));
  EXPECT_EQ(receiverName, "r");
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1]->labels.get("alertname"), "y");
  EXPECT_EQ(got[1]->labels.get("cluster"), "test-cluster");

  Response bad = c.post("/api/v2/notifications", R"({"receiver":{"metadata":{"name":"r"}},
      "alert":{"alerts":[{"labels":{"alertname":3}}]}})");
  EXPECT_EQ(bad.result_int(), 400u);
  EXPECT_TRUE(contains(bad.body(), "alert.alerts[0].labels.alertname: expected a string"))
      << bad.body();
  Response noAlert = c.post("/api/v2/notifications", R"({"receiver":{}})");
  EXPECT_EQ(noAlert.result_int(), 400u);
  EXPECT_TRUE(contains(noAlert.body(), "alert: missing"));
}

TEST_F(ServerTest, ReloadRepliesWithTheBackendResult) {
  std::atomic<int> calls{0};
  deps.reload = [&] {
    ++calls;
    return ApiResult{400, "configuration refused: receivers.yaml: document 1: spec: bad"};
  };
  start();
  Client c(port());
  Response r = c.post("/-/reload", "");
  EXPECT_EQ(r.result_int(), 400u);
  EXPECT_TRUE(contains(r.body(), "receivers.yaml: document 1"));
  EXPECT_EQ(calls.load(), 1);
}

TEST_F(ServerTest, ReadyIs503WithTheReloadError) {
  bool ready = false;
  deps.ready = [&] {
    ReadyReport rep;
    rep.ready = ready;
    rep.snapshotVersion = 7;
    if (!ready)
      rep.lastReloadError = "routers.yaml: document 2 (Router/r): spec.alertSelector: missing";
    return rep;
  };
  start();
  Client c(port());
  Response r = c.get("/-/ready");
  EXPECT_EQ(r.result_int(), 503u);
  EXPECT_TRUE(contains(r.body(), "spec.alertSelector: missing")) << r.body();
  EXPECT_TRUE(contains(r.body(), "\"ready\":false"));
  ready = true;
  Response ok = c.get("/-/ready");
  EXPECT_EQ(ok.result_int(), 200u);
  EXPECT_TRUE(contains(ok.body(), "\"snapshotVersion\":7"));
}

TEST_F(ServerTest, ReadyIs503NamingTheUnreachableQueueBackend) {
  deps.ready = [] {
    ReadyReport rep;
    rep.ready = false;
    rep.snapshotVersion = 1;
    rep.queueError = "queue backend unreachable: redis://r:6379/0: connect: Connection refused";
    return rep;
  };
  start();
  Client c(port());
  Response r = c.get("/-/ready");
  EXPECT_EQ(r.result_int(), 503u);
  EXPECT_TRUE(contains(r.body(),
                       "\"Message\":\"not ready: queue backend unreachable: "
                       "redis://r:6379/0: connect: Connection refused\""))
      << r.body();
  EXPECT_TRUE(contains(r.body(), "\"queueError\":")) << r.body();
}

TEST_F(ServerTest, ReadyListsSkippedObjectsAndStaysReady) {
  deps.ready = [] {
    ReadyReport rep;
    rep.ready = true;
    rep.snapshotVersion = 3;
    rep.skippedObjects = {"Receiver bad (resourceVersion 7): spec.webhook.url: \"x\" is no URL"};
    return rep;
  };
  start();
  Client c(port());
  Response r = c.get("/-/ready");
  EXPECT_EQ(r.result_int(), 200u);
  EXPECT_TRUE(contains(r.body(),
                       "\"skippedObjects\":[\"Receiver bad (resourceVersion 7): "
                       "spec.webhook.url: \\\"x\\\" is no URL\"]"))
      << r.body();
}

TEST_F(ServerTest, ReadyWithoutCallbackFollowsTheSnapshot) {
  start();
  Client c(port());
  EXPECT_EQ(c.get("/-/ready").result_int(), 503u);
  snapshots.publish(std::make_shared<config::Snapshot>());
  EXPECT_EQ(c.get("/-/ready").result_int(), 200u);
}

TEST_F(ServerTest, MetricsIsPrometheusText) {
  start();
  Client c(port());
  c.post("/api/v2/alerts", alertsBody(1));
  Response r = c.get("/metrics");
  EXPECT_EQ(r.result_int(), 200u);
  EXPECT_EQ(r[http::field::content_type], "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_TRUE(contains(r.body(), "nm_http_requests_total")) << r.body();
  EXPECT_TRUE(contains(r.body(), "nm_http_request_duration_seconds"));
  EXPECT_TRUE(contains(r.body(), "nm_alerts_received_total"));
}

TEST_F(ServerTest, LiveAndStatus) {
  auto snap = std::make_shared<config::Snapshot>();
  snap->version = 42;
  snapshots.publish(snap);
  start();
  Client c(port());
  EXPECT_EQ(c.get("/-/live").result_int(), 200u);
  Response s = c.get("/status");
  EXPECT_EQ(s.result_int(), 200u);
  EXPECT_TRUE(contains(s.body(), "\"version\":\"")) << s.body();
  EXPECT_TRUE(contains(s.body(), "\"snapshotVersion\":42"));
}

TEST_F(ServerTest, DebugDumpsNeedASnapshot) {
  start();
  Client c(port());
  EXPECT_EQ(c.get("/receivers").result_int(), 503u);
  snapshots.publish(std::make_shared<config::Snapshot>());
  Response r = c.get("/receivers?tenant=team-a&type=webhook");
  EXPECT_EQ(r.result_int(), 200u);
  EXPECT_EQ(r.body(), "[]");
  Response cf = c.get("/configs");
  EXPECT_EQ(cf.result_int(), 200u);
  EXPECT_EQ(cf.body(), "[]");
}

}  // namespace
}  // namespace nm::api::test
