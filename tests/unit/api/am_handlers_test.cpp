// The Alertmanager v2 endpoints over real sockets: silences (create, list, filter, get, expire,
// errors naming the field, auth, read-only resources), alerts from a fake store with silence and
// inhibition status and routed receivers, status and receivers.
#include <nlohmann/json.hpp>

#include "server_fixture.h"
#include "silence/api_silences.h"

namespace nm::api::test {
namespace {

using nlohmann::json;

class FakeStore final : public AlertStore {
 public:
  std::vector<StoredAlert> held;
  void put(AlertList&, TimePoint) override {}
  void resolvedNotified(uint64_t) override {}
  void forEach(const std::function<void(const StoredAlert&)>& fn) const override {
    for (const auto& s : held) fn(s);
  }
  size_t size() const override { return held.size(); }
  void subscribe(AlertStoreObserver&) override {}
};

// Inhibits every alert whose `inhibit` label is "yes", by rule "rule-1".
class FakeInhibition final : public MuterProvider {
  class M final : public Muter {
   public:
    bool mutes(const Alert& a, std::string* by) const override {
      if (a.labels.get("inhibit") != "yes") return false;
      if (by) *by = "rule-1";
      return true;
    }
  };

 public:
  std::unique_ptr<const Muter> muterFor(const config::Snapshot&, TimePoint,
                                        std::string_view tenant) const override {
    return tenant.empty() ? std::make_unique<M>() : nullptr;
  }
};

std::string silenceBody(const std::string& matchers, const std::string& ends = "",
                        const std::string& starts = "") {
  auto now = nm::now();
  json j = {{"matchers", json::parse(matchers)},
            {"startsAt", starts.empty() ? formatRfc3339(now) : starts},
            {"endsAt", ends.empty() ? formatRfc3339(now + std::chrono::hours(1)) : ends},
            {"createdBy", "me"},
            {"comment", "c"}};
  return j.dump();
}

const char* kX = R"([{"name":"alertname","value":"X","isRegex":false}])";

class AmApiTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    deps.silences = &silences;
    snap = std::make_shared<config::Snapshot>();
    snap->nm.tenantKey = "namespace";
    snapshots.publish(snap);
  }
  std::string create(Client& c, const std::string& matchers = kX) {
    Response r = c.post("/api/v2/silences", silenceBody(matchers));
    EXPECT_EQ(r.result_int(), 200u) << r.body();
    return json::parse(r.body()).value("silenceID", "");
  }
  void hold(LabelSet labels, TimePoint endsAt = kZeroTime) {
    auto a = std::make_shared<Alert>();
    a->labels = std::move(labels);
    a->startsAt = nm::now() - std::chrono::minutes(1);
    a->endsAt = endsAt;
    finalizeIdentity(*a);
    StoredAlert s;
    s.alert = a;
    s.updatedAt = nm::now();
    store.held.push_back(s);
  }

  ApiSilences silences;
  FakeStore store;
  FakeInhibition inhibition;
  std::shared_ptr<config::Snapshot> snap;
};

TEST_F(AmApiTest, SilenceCreateListGetExpire) {
  start();
  Client c(port());
  std::string id = create(c);
  ASSERT_EQ(id.size(), 36u);

  Response r = c.get("/api/v2/silences");
  ASSERT_EQ(r.result_int(), 200u);
  json list = json::parse(r.body());
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["id"], id);
  EXPECT_EQ(list[0]["status"]["state"], "active");
  EXPECT_EQ(list[0]["matchers"][0],
            json({{"name", "alertname"}, {"value", "X"}, {"isRegex", false}, {"isEqual", true}}));
  EXPECT_EQ(list[0]["createdBy"], "me");

  EXPECT_EQ(json::parse(c.get("/api/v2/silences?filter=alertname%3DX").body()).size(), 1u);
  EXPECT_EQ(json::parse(c.get("/api/v2/silences?filter=alertname%3DY").body()).size(), 0u);

  r = c.get("/api/v2/silence/" + id);
  ASSERT_EQ(r.result_int(), 200u);
  EXPECT_EQ(json::parse(r.body())["id"], id);

  r = c.request(http::verb::delete_, "/api/v2/silence/" + id);
  EXPECT_EQ(r.result_int(), 200u) << r.body();
  EXPECT_EQ(json::parse(c.get("/api/v2/silence/" + id).body())["status"]["state"], "expired");
}

TEST_F(AmApiTest, SilenceBadInput) {
  start();
  Client c(port());
  Response r = c.post("/api/v2/silences", silenceBody(R"([{"name":"a","value":"x","isRegex":false},
                                      {"name":"b","value":"(","isRegex":true}])"));
  EXPECT_EQ(r.result_int(), 400u);
  EXPECT_EQ(json::parse(r.body()).get<std::string>().rfind("matchers[1].value: ", 0), 0u)
      << r.body();

  auto now = nm::now();
  r = c.post("/api/v2/silences",
             silenceBody(kX, formatRfc3339(now), formatRfc3339(now + std::chrono::hours(1))));
  EXPECT_EQ(r.result_int(), 400u);
  EXPECT_EQ(json::parse(r.body()), "endsAt: must be after startsAt");

  r = c.post("/api/v2/silences", "{nope");
  EXPECT_EQ(r.result_int(), 400u);
  EXPECT_EQ(json::parse(r.body()).get<std::string>().rfind("body: not JSON", 0), 0u);

  json withId = json::parse(silenceBody(kX));
  withId["id"] = "unknown";
  r = c.post("/api/v2/silences", withId.dump());
  EXPECT_EQ(r.result_int(), 404u);

  EXPECT_EQ(c.get("/api/v2/silence/unknown").result_int(), 404u);
  EXPECT_EQ(c.request(http::verb::delete_, "/api/v2/silence/unknown").result_int(), 404u);
  r = c.get("/api/v2/silences?filter=a%3D%22x");
  EXPECT_EQ(r.result_int(), 400u);
  EXPECT_EQ(json::parse(r.body()).get<std::string>().rfind("filter: ", 0), 0u) << r.body();
}

TEST_F(AmApiTest, StateChangingCallsNeedTheToken) {
  deps.bearerToken = "tok";
  start();
  Client c(port());
  EXPECT_EQ(c.post("/api/v2/silences", silenceBody(kX)).result_int(), 401u);
  Response r = c.post("/api/v2/silences", silenceBody(kX), {{"Authorization", "Bearer tok"}});
  ASSERT_EQ(r.result_int(), 200u);
  std::string id = json::parse(r.body())["silenceID"];
  EXPECT_EQ(c.request(http::verb::delete_, "/api/v2/silence/" + id).result_int(), 401u);
  EXPECT_EQ(c.get("/api/v2/silences").result_int(), 200u);  // reads stay open
  EXPECT_EQ(
      c.request(http::verb::delete_, "/api/v2/silence/" + id, "", {{"Authorization", "Bearer tok"}})
          .result_int(),
      200u);
}

TEST_F(AmApiTest, ResourceSilencesAreListedReadOnly) {
  model::SilenceResource res;
  res.name = "maintenance";
  auto sel = std::make_shared<model::LabelSelector>();
  sel->matchLabels["alertname"] = "M";
  model::MatchExpression e;
  e.key = "severity";
  e.op = model::SelectorOp::In;
  e.values = {"warning", "info"};
  sel->matchExpressions.push_back(e);
  res.matcher = sel;
  snap->resources.silences.push_back(res);
  snap->globalSilences.push_back(&snap->resources.silences.back());
  start();
  Client c(port());
  json list = json::parse(c.get("/api/v2/silences").body());
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["id"], "resource:maintenance");
  EXPECT_EQ(list[0]["status"]["state"], "active");
  ASSERT_EQ(list[0]["matchers"].size(), 2u);
  EXPECT_EQ(list[0]["matchers"][1]["value"], "warning|info");
  EXPECT_EQ(list[0]["matchers"][1]["isRegex"], true);
  EXPECT_EQ(c.get("/api/v2/silence/resource:maintenance").result_int(), 200u);
  Response r = c.request(http::verb::delete_, "/api/v2/silence/resource:maintenance");
  EXPECT_EQ(r.result_int(), 405u);
  EXPECT_NE(r.body().find("Silence resource"), std::string::npos);
}

TEST_F(AmApiTest, AlertsWithoutStoreIs503) {
  start();
  Client c(port());
  Response r = c.get("/api/v2/alerts");
  EXPECT_EQ(r.result_int(), 503u);
  EXPECT_NE(r.body().find("active-alert store"), std::string::npos);
}

TEST_F(AmApiTest, AlertsStatusFiltersAndReceivers) {
  deps.alertStore = &store;
  deps.inhibition = &inhibition;
  deps.routeReceivers = [](const config::SnapshotPtr&, const AlertList& alerts) {
    std::vector<std::vector<std::string>> out;
    for (const auto& a : alerts)
      out.push_back({"global", "team-" + std::string(a->labels.get("alertname"))});
    return out;
  };
  hold({{"alertname", "X"}});
  hold({{"alertname", "Y"}, {"inhibit", "yes"}});
  hold({{"alertname", "Z"}});
  hold({{"alertname", "Old"}}, nm::now() - std::chrono::minutes(1));  // resolved: not listed
  start();
  Client c(port());
  std::string sid = create(c);

  Response r = c.get("/api/v2/alerts");
  ASSERT_EQ(r.result_int(), 200u) << r.body();
  json all = json::parse(r.body());
  ASSERT_EQ(all.size(), 3u);
  std::map<std::string, json> byName;
  for (auto& a : all) byName[a["labels"]["alertname"]] = a;
  EXPECT_EQ(byName["X"]["status"],
            json({{"state", "suppressed"}, {"silencedBy", {sid}}, {"inhibitedBy", json::array()}}));
  EXPECT_EQ(byName["Y"]["status"]["inhibitedBy"], json({"rule-1"}));
  EXPECT_EQ(byName["Z"]["status"]["state"], "active");
  EXPECT_EQ(byName["Z"]["receivers"], json::parse(R"([{"name":"global"},{"name":"team-Z"}])"));
  EXPECT_EQ(byName["Z"]["fingerprint"].get<std::string>().size(), 16u);
  EXPECT_TRUE(byName["Z"].contains("updatedAt"));

  // amtool's default query.
  json shown = json::parse(
      c.get("/api/v2/alerts?active=true&inhibited=false&silenced=false&unprocessed=false").body());
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_EQ(shown[0]["labels"]["alertname"], "Z");
  json filtered = json::parse(c.get("/api/v2/alerts?filter=alertname%3D~%22X%7CY%22").body());
  EXPECT_EQ(filtered.size(), 2u);
  json byReceiver = json::parse(c.get("/api/v2/alerts?receiver=team-Y").body());
  ASSERT_EQ(byReceiver.size(), 1u);
  EXPECT_EQ(byReceiver[0]["labels"]["alertname"], "Y");

  r = c.get("/api/v2/alerts?silenced=maybe");
  EXPECT_EQ(r.result_int(), 400u);
  EXPECT_EQ(json::parse(r.body()).get<std::string>().rfind("silenced: ", 0), 0u);
  EXPECT_EQ(c.get("/api/v2/alerts?receiver=(").result_int(), 400u);
  EXPECT_EQ(c.get("/api/v2/alerts?filter=%7Ba%3Db").result_int(), 400u);
}

TEST_F(AmApiTest, StatusAndReceivers) {
  auto r1 = std::make_shared<config::Receiver>();
  r1->name = "hook";
  auto r2 = std::make_shared<config::Receiver>();
  r2->name = "hook";  // two channels of one Receiver: one name
  auto r3 = std::make_shared<config::Receiver>();
  r3->name = "mail";
  snap->receivers = {r1, r2, r3};
  start();
  Client c(port());
  json status = json::parse(c.get("/api/v2/status").body());
  EXPECT_EQ(status["cluster"]["status"], "disabled");
  EXPECT_EQ(status["cluster"]["peers"], json::array());
  EXPECT_EQ(status["config"]["original"], "");
  EXPECT_TRUE(status["versionInfo"].contains("version"));
  EXPECT_TRUE(status.contains("uptime"));
  EXPECT_EQ(json::parse(c.get("/api/v2/receivers").body()),
            json::parse(R"([{"name":"hook"},{"name":"mail"}])"));
}

}  // namespace
}  // namespace nm::api::test
