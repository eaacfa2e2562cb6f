// API silences: validation, states, Alertmanager's update rules, expiry, retention, limits,
// persistence through a fake StateBackend, and muting (global and tenant-pinned).
#include "silence/api_silences.h"

#include <gtest/gtest.h>

#include <map>

#include "interfaces/snapshot.h"
#include "silence/silence_json.h"
#include "silence/silence_muter.h"

namespace nm {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

const TimePoint kNow = *parseRfc3339("2030-01-01T12:00:00Z");

class FakeBackend final : public StateBackend {
 public:
  std::string name() const override { return "fake"; }
  bool durable() const override { return true; }
  void put(StateTable t, std::string k, std::string v) override {
    ASSERT_EQ(t, StateTable::Silences);
    rows[k] = v;
  }
  void erase(StateTable, std::string k) override { rows.erase(k); }
  bool load(StateTable, const std::function<void(std::string_view, std::string_view)>& fn,
            std::string&) override {
    for (auto& [k, v] : rows) fn(k, v);
    return true;
  }
  void flush() override {}
  std::map<std::string, std::string> rows;
};

LabelMatcher eq(std::string n, std::string v, MatchType t = MatchType::Equal) {
  LabelMatcher m;
  std::string err;
  EXPECT_TRUE(makeMatcher(std::move(n), t, std::move(v), m, err)) << err;
  return m;
}

ApiSilence silence(LabelMatchers ms, TimePoint start, TimePoint end) {
  ApiSilence s;
  s.matchers = std::move(ms);
  s.startsAt = start;
  s.endsAt = end;
  s.createdBy = "me";
  s.comment = "c";
  return s;
}

TEST(ApiSilences, CreateGivesUuidV4AndStartsNowWhenPast) {
  ApiSilences store;
  auto r = store.set(silence({eq("alertname", "X")}, kNow - hours(1), kNow + hours(1)), kNow);
  ASSERT_EQ(r.outcome, ApiSilences::Outcome::Ok) << r.error;
  ASSERT_EQ(r.id.size(), 36u);
  EXPECT_EQ(r.id[14], '4');
  auto s = store.get(r.id);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->startsAt, kNow);
  EXPECT_EQ(s->updatedAt, kNow);
  EXPECT_EQ(stateAt(*s, kNow), SilenceState::Active);
}

TEST(ApiSilences, Validation) {
  ApiSilences store;
  using O = ApiSilences::Outcome;
  auto r = store.set(silence({}, kNow, kNow + hours(1)), kNow);
  EXPECT_EQ(r.outcome, O::Invalid);
  EXPECT_EQ(r.error, "matchers: at least one matcher is required");
  r = store.set(silence({eq("a", "")}, kNow, kNow + hours(1)), kNow);
  EXPECT_EQ(r.outcome, O::Invalid);
  EXPECT_NE(r.error.find("must not match the empty string"), std::string::npos);
  r = store.set(silence({eq("a", "x")}, kNow + hours(2), kNow + hours(1)), kNow);
  EXPECT_EQ(r.error, "endsAt: must be after startsAt");
  r = store.set(silence({eq("a", "x")}, kNow - hours(2), kNow - hours(1)), kNow);
  EXPECT_EQ(r.error, "endsAt: must not be in the past");
  ApiSilence unknown = silence({eq("a", "x")}, kNow, kNow + hours(1));
  unknown.id = "nope";
  EXPECT_EQ(store.set(unknown, kNow).outcome, O::NotFound);
}

TEST(ApiSilences, States) {
  ApiSilence s = silence({eq("a", "x")}, kNow, kNow + hours(1));
  EXPECT_EQ(stateAt(s, kNow - minutes(1)), SilenceState::Pending);
  EXPECT_EQ(stateAt(s, kNow), SilenceState::Active);
  EXPECT_EQ(stateAt(s, kNow + hours(1)), SilenceState::Expired);
}

TEST(ApiSilences, ActiveUpdatedInPlaceWhenStartUnchanged) {
  ApiSilences store;
  auto id = store.set(silence({eq("a", "x")}, kNow, kNow + hours(1)), kNow).id;
  ApiSilence upd = *store.get(id);
  upd.endsAt = kNow + hours(3);
  upd.comment = "longer";
  auto r = store.set(upd, kNow + minutes(5));
  EXPECT_EQ(r.id, id);
  EXPECT_EQ(store.get(id)->endsAt, kNow + hours(3));
  EXPECT_EQ(store.list().size(), 1u);
}

TEST(ApiSilences, ChangedMatchersExpireOldAndCreateNew) {
  ApiSilences store;
  auto id = store.set(silence({eq("a", "x")}, kNow, kNow + hours(1)), kNow).id;
  ApiSilence upd = *store.get(id);
  upd.matchers = {eq("a", "y")};
  TimePoint later = kNow + minutes(5);
  auto r = store.set(upd, later);
  ASSERT_EQ(r.outcome, ApiSilences::Outcome::Ok);
  EXPECT_NE(r.id, id);
  EXPECT_EQ(store.get(id)->endsAt, later);
  EXPECT_EQ(stateAt(*store.get(id), later), SilenceState::Expired);
  EXPECT_EQ(stateAt(*store.get(r.id), later), SilenceState::Active);
}

TEST(ApiSilences, ActiveWithNewStartIsReplaced) {
  ApiSilences store;
  auto id = store.set(silence({eq("a", "x")}, kNow, kNow + hours(1)), kNow).id;
  ApiSilence upd = *store.get(id);
  upd.startsAt = kNow + minutes(30);
  EXPECT_NE(store.set(upd, kNow + minutes(1)).id, id);
}

TEST(ApiSilences, PendingUpdatedInPlaceUnlessStartInPast) {
  ApiSilences store;
  auto id = store.set(silence({eq("a", "x")}, kNow + hours(1), kNow + hours(2)), kNow).id;
  EXPECT_EQ(stateAt(*store.get(id), kNow), SilenceState::Pending);
  ApiSilence upd = *store.get(id);
  upd.startsAt = kNow + minutes(30);
  EXPECT_EQ(store.set(upd, kNow).id, id);
  upd.startsAt = kNow - minutes(30);
  auto r = store.set(upd, kNow);
  EXPECT_NE(r.id, id);
  // The pending one was expired with startsAt = endsAt = now.
  EXPECT_EQ(store.get(id)->startsAt, kNow);
  EXPECT_EQ(store.get(id)->endsAt, kNow);
}

TEST(ApiSilences, ExpiredNeverUpdated) {
  ApiSilences store;
  auto id = store.set(silence({eq("a", "x")}, kNow, kNow + hours(1)), kNow).id;
  ASSERT_EQ(store.expire(id, kNow + minutes(1)).outcome, ApiSilences::Outcome::Ok);
  ApiSilence upd = *store.get(id);
  upd.endsAt = kNow + hours(5);
  auto r = store.set(upd, kNow + minutes(2));
  EXPECT_NE(r.id, id);
  EXPECT_EQ(store.list().size(), 2u);
}

TEST(ApiSilences, ExpireAndErrors) {
  ApiSilences store;
  auto id = store.set(silence({eq("a", "x")}, kNow, kNow + hours(1)), kNow).id;
  EXPECT_EQ(store.expire("nope", kNow).outcome, ApiSilences::Outcome::NotFound);
  EXPECT_EQ(store.expire(id, kNow + minutes(1)).outcome, ApiSilences::Outcome::Ok);
  EXPECT_EQ(store.get(id)->endsAt, kNow + minutes(1));
  auto again = store.expire(id, kNow + minutes(2));
  EXPECT_EQ(again.outcome, ApiSilences::Outcome::Invalid);
  EXPECT_NE(again.error.find("already expired"), std::string::npos);
}

TEST(ApiSilences, RetentionCollectsExpired) {
  ApiSilenceLimits lim;
  lim.retention = hours(2);
  FakeBackend backend;
  ApiSilences store(lim, &backend);
  auto id = store.set(silence({eq("a", "x")}, kNow, kNow + hours(1)), kNow).id;
  EXPECT_EQ(store.collect(kNow + hours(3)), 0u);  // endsAt + 2h not yet past
  EXPECT_EQ(store.collect(kNow + hours(3) + minutes(1)), 1u);
  EXPECT_FALSE(store.get(id));
  EXPECT_TRUE(backend.rows.empty());
}

TEST(ApiSilences, Limits) {
  ApiSilenceLimits lim;
  lim.maxSilences = 1;
  ApiSilences store(lim);
  auto id = store.set(silence({eq("a", "x")}, kNow, kNow + hours(1)), kNow).id;
  auto r = store.set(silence({eq("a", "y")}, kNow, kNow + hours(1)), kNow);
  EXPECT_EQ(r.outcome, ApiSilences::Outcome::LimitExceeded);
  EXPECT_NE(r.error.find("--silences.max"), std::string::npos);
  // Replacing the one silence is allowed (the old one expires).
  ApiSilence upd = *store.get(id);
  upd.matchers = {eq("a", "z")};
  EXPECT_EQ(store.set(upd, kNow).outcome, ApiSilences::Outcome::Ok);

  ApiSilenceLimits small;
  small.maxSilenceBytes = 100;
  ApiSilences tiny(small);
  ApiSilence big = silence({eq("a", "x")}, kNow, kNow + hours(1));
  big.comment = std::string(200, 'c');
  r = tiny.set(big, kNow);
  EXPECT_EQ(r.outcome, ApiSilences::Outcome::LimitExceeded);
  EXPECT_NE(r.error.find("--silences.max-silence-size-bytes"), std::string::npos);
}

TEST(ApiSilences, PersistedAndLoaded) {
  FakeBackend backend;
  std::string id;
  {
    ApiSilences store({}, &backend);
    id = store
             .set(silence({eq("a", "x"), eq("b", "y|z", MatchType::NotRegex)}, kNow,
                          kNow + hours(1)),
                  kNow)
             .id;
    ASSERT_EQ(backend.rows.count(id), 1u);
  }
  backend.rows["garbage"] = "{not json";
  ApiSilences again({}, &backend);
  std::vector<std::string> warnings;
  std::string err;
  ASSERT_TRUE(again.load(kNow, warnings, err)) << err;
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("garbage"), std::string::npos);
  auto s = again.get(id);
  ASSERT_TRUE(s);
  ASSERT_EQ(s->matchers.size(), 2u);
  EXPECT_EQ(s->matchers[1].type, MatchType::NotRegex);
  EXPECT_TRUE(s->matchers[1].matches("w"));
  EXPECT_EQ(s->endsAt, kNow + hours(1));
  EXPECT_EQ(s->createdBy, "me");
}

TEST(SilenceJson, DecodeNamesTheField) {
  auto decode = [](const char* text) {
    json::Parsed p = json::parse(text);
    ApiSilence s;
    std::string err;
    EXPECT_TRUE(p.ok());
    decodeSilence(p.doc, s, err);
    return err;
  };
  const char* tail = R"(,"startsAt":"2030-01-01T00:00:00Z","endsAt":"2030-01-02T00:00:00Z",)"
                     R"("createdBy":"me","comment":"c"})";
  EXPECT_EQ(decode((std::string(R"({"matchers":[{"name":"a","value":"x","isRegex":false},)"
                                R"({"name":"b","value":"(","isRegex":true}])") +
                    tail)
                       .c_str())
                .rfind("matchers[1].value: invalid regular expression", 0),
            0u);
  EXPECT_EQ(
      decode((std::string(R"({"matchers":[{"name":"a-b","value":"x","isRegex":false}])") + tail)
                 .c_str())
          .rfind("matchers[0].name: invalid label name", 0),
      0u);
  EXPECT_EQ(decode(R"({"matchers":[]})"), "matchers: at least one matcher is required");
  EXPECT_EQ(decode(R"({"matchers":[{"name":"a","value":"x"}],"startsAt":"soon"})"),
            "startsAt: not an RFC 3339 time: \"soon\"");
  EXPECT_EQ(decode(R"({"matchers":[{"name":"a","value":1}]})"),
            "matchers[0].value: must be a string");
}

config::Snapshot snapshotWithTenantKey() {
  config::Snapshot s;
  s.nm.tenantKey = "namespace";
  return s;
}

AlertPtr alertWith(LabelSet l) {
  auto a = std::make_shared<Alert>();
  a->labels = std::move(l);
  finalizeIdentity(*a);
  return a;
}

TEST(ApiSilenceMuting, GlobalUnlessPinnedToATenant) {
  ApiSilences store;
  auto global = store.set(silence({eq("alertname", "G")}, kNow, kNow + hours(1)), kNow).id;
  auto pinned =
      store
          .set(silence({eq("alertname", "T"), eq("namespace", "ns-a")}, kNow, kNow + hours(1)),
               kNow)
          .id;
  // A regex on the tenant label does not pin: global.
  auto regex = store
                   .set(silence({eq("alertname", "R"), eq("namespace", "ns-.*", MatchType::Regex)},
                                kNow, kNow + hours(1)),
                        kNow)
                   .id;
  SilenceMuterProvider provider(&store);
  auto snap = snapshotWithTenantKey();
  auto g = provider.muterFor(snap, kNow, "");
  ASSERT_TRUE(g);
  std::string by;
  EXPECT_TRUE(g->mutes(*alertWith({{"alertname", "G"}}), &by));
  EXPECT_EQ(by, global);
  EXPECT_FALSE(g->mutes(*alertWith({{"alertname", "T"}, {"namespace", "ns-a"}}), nullptr));
  EXPECT_TRUE(g->mutes(*alertWith({{"alertname", "R"}, {"namespace", "ns-b"}}), &by));
  EXPECT_EQ(by, regex);

  auto a = provider.muterFor(snap, kNow, "ns-a");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->mutes(*alertWith({{"alertname", "T"}, {"namespace", "ns-a"}}), &by));
  EXPECT_EQ(by, pinned);
  EXPECT_FALSE(a->mutes(*alertWith({{"alertname", "G"}}), nullptr));
  EXPECT_FALSE(provider.muterFor(snap, kNow, "ns-b"));

  // Not active yet / any more: no muter.
  EXPECT_FALSE(provider.muterFor(snap, kNow - minutes(1), ""));
  EXPECT_FALSE(provider.muterFor(snap, kNow + hours(2), "ns-a"));

  auto matching = silencesMatching(&snap, &store, kNow,
                                   *alertWith({{"alertname", "T"}, {"namespace", "ns-a"}}));
  EXPECT_EQ(matching, std::vector<std::string>{pinned});
}

TEST(ApiSilenceMuting, TenantKeyFromTheSnapshot) {
  ApiSilences store;
  auto id =
      store.set(silence({eq("alertname", "T"), eq("user", "bob")}, kNow, kNow + hours(1)), kNow).id;
  SilenceMuterProvider provider(&store);
  config::Snapshot snap;
  snap.nm.tenantKey = "user";
  EXPECT_FALSE(provider.muterFor(snap, kNow, ""));
  auto m = provider.muterFor(snap, kNow, "bob");
  ASSERT_TRUE(m);
  std::string by;
  EXPECT_TRUE(m->mutes(*alertWith({{"alertname", "T"}, {"user", "bob"}}), &by));
  EXPECT_EQ(by, id);
}

// Shared state: a silence made on one replica is applied on another (not written back), its
// expiry replaces it, an older record does not roll it back, and an erase drops it.
TEST(ApiSilences, RemoteRecordsApplyWithoutWriteBack) {
  FakeBackend a, b;
  ApiSilences onA({}, &a), onB({}, &b);
  auto r = onA.set(silence({eq("alertname", "X")}, kNow, kNow + hours(1)), kNow);
  ASSERT_EQ(r.outcome, ApiSilences::Outcome::Ok) << r.error;
  const std::string created = a.rows.at(r.id);
  onB.applyRemote(r.id, created);
  ASSERT_NE(onB.get(r.id), nullptr);
  EXPECT_EQ(onB.activeAt(kNow + minutes(1)).size(), 1u);
  EXPECT_TRUE(b.rows.empty());
  ASSERT_EQ(onA.expire(r.id, kNow + minutes(5)).outcome, ApiSilences::Outcome::Ok);
  onB.applyRemote(r.id, a.rows.at(r.id));
  EXPECT_TRUE(onB.activeAt(kNow + minutes(6)).empty());
  onB.applyRemote(r.id, created);  // older (updatedAt): ignored
  EXPECT_TRUE(onB.activeAt(kNow + minutes(6)).empty());
  onB.applyRemote("other-id", created);  // id does not match its key: skipped
  EXPECT_EQ(onB.get("other-id"), nullptr);
  onB.applyRemote(r.id, std::nullopt);
  EXPECT_EQ(onB.get(r.id), nullptr);
}

}  // namespace
}  // namespace nm
