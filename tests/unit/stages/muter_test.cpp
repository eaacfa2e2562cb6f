// Unit tests for the Muter seam: the silence MuterProvider per scope (global, tenant, inactive,
// none) and the generic MuteStage driven by a hand-made Muter, as inhibition will drive it.
#include <gtest/gtest.h>

#include "fixtures.h"
#include "interfaces/muter.h"
#include "pipeline/mute_stage.h"
#include "silence/silence_muter.h"

namespace nm {
namespace {

using test::at;

model::SilenceResource silenceFor(const std::string& name, const std::string& alertname) {
  model::SilenceResource s;
  s.name = name;
  s.matcher = test::matchLabels({{"alertname", alertname}});
  return s;
}

AlertPtr alert(const std::string& name) {
  auto a = std::make_shared<Alert>();
  a->labels = LabelSet{{"alertname", name}};
  a->fingerprint = a->labels.fingerprint();
  return a;
}

TEST(SilenceMuterProvider, GlobalScopeUsesGlobalSilencesOnly) {
  config::Snapshot snap;
  auto global = silenceFor("g", "A");
  auto tenant = silenceFor("t", "B");
  snap.globalSilences = {&global};
  snap.tenantSilences["team"] = {&tenant};
  SilenceMuterProvider p;
  auto m = p.muterFor(snap, at("2024-01-01T00:00:00Z"), "");
  ASSERT_TRUE(m);
  std::string by;
  EXPECT_TRUE(m->mutes(*alert("A"), &by));
  EXPECT_EQ(by, "g");
  EXPECT_FALSE(m->mutes(*alert("B"), nullptr));
  auto t = p.muterFor(snap, at("2024-01-01T00:00:00Z"), "team");
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->mutes(*alert("B"), &by));
  EXPECT_EQ(by, "t");
  EXPECT_FALSE(t->mutes(*alert("A"), nullptr));
}

TEST(SilenceMuterProvider, NoActiveSilenceGivesNoMuter) {
  config::Snapshot snap;
  auto s = silenceFor("g", "A");
  s.enabled = false;
  snap.globalSilences = {&s};
  SilenceMuterProvider p;
  EXPECT_FALSE(p.muterFor(snap, at("2024-01-01T00:00:00Z"), ""));
  EXPECT_FALSE(p.muterFor(snap, at("2024-01-01T00:00:00Z"), "unknown-tenant"));
}

// A Muter that mutes alerts by name: what an inhibitor looks like to the stage.
class ByName final : public MuterProvider {
 public:
  explicit ByName(std::string name) : name_(std::move(name)) {}
  std::unique_ptr<const Muter> muterFor(const config::Snapshot&, TimePoint,
                                        std::string_view tenant) const override {
    struct M final : Muter {
      std::string name;
      bool mutes(const Alert& a, std::string* by) const override {
        if (a.labels.get("alertname") != name) return false;
        if (by) *by = "rule-1";
        return true;
      }
    };
    if (!tenant.empty()) return nullptr;
    auto m = std::make_unique<M>();
    m->name = name_;
    return m;
  }

 private:
  std::string name_;
};

TEST(MuteStage, RemovesWhatTheMuterMutesKeepingOrder) {
  Work w;
  w.snapshot = std::make_shared<config::Snapshot>();
  w.alerts = {alert("A"), alert("B"), alert("C"), alert("B")};
  MuteStage stage("inhibit", DropReason::GlobalSilence, std::make_shared<ByName>("B"));
  stage.process(w);
  ASSERT_EQ(w.alerts.size(), 2u);
  EXPECT_EQ(w.alerts[0]->labels.get("alertname"), "A");
  EXPECT_EQ(w.alerts[1]->labels.get("alertname"), "C");
  EXPECT_STREQ(stage.name(), "inhibit");
}

}  // namespace
}  // namespace nm
