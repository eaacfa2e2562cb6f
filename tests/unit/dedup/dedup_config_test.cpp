// Unit tests for the dedup configuration: spec.dedup and spec.<type>.dedup decoding (defaults,
// values, errors naming the field path), the channel decoders not seeing `dedup`, the effective
// policy, and the ingest format the decoder stamps on alerts.
#include <gtest/gtest.h>

#include "config/receiver_factory.h"
#include "dedup/dedup_settings.h"
#include "ingest/alert_decoder.h"
#include "model/decode.h"

namespace nm::dedup {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

struct Decoded {
  model::ResourceSet set;
  model::Diagnostics diags;
};

Decoded decode(const std::string& yaml) {
  Decoded d;
  model::decodeText(yaml, "test.yaml", d.set, d.diags);
  return d;
}

const char* kNmHead =
    "apiVersion: notification.kubesphere.io/v2beta2\n"
    "kind: NotificationManager\n"
    "metadata: {name: nm}\n";

const char* kReceiverHead =
    "apiVersion: notification.kubesphere.io/v2beta2\n"
    "kind: Receiver\n"
    "metadata: {name: ops, labels: {type: global}}\n";

TEST(DedupConfig, DefaultsWithoutSpecDedup) {
  auto d = decode(std::string(kNmHead) + "spec: {}\n");
  ASSERT_TRUE(d.diags.ok()) << d.diags.str();
  const model::DedupPolicy& p = d.set.notificationManagers.at(0).dedup;
  EXPECT_TRUE(p.alertArray);
  EXPECT_FALSE(p.webhook);
  EXPECT_EQ(p.repeatInterval, hours(4));
  EXPECT_TRUE(p.sendResolved);
}

TEST(DedupConfig, SpecDedupValues) {
  auto d = decode(std::string(kNmHead) +
                  "spec:\n  dedup: {alertArray: false, webhook: true, repeatInterval: 30m, "
                  "sendResolved: false}\n");
  ASSERT_TRUE(d.diags.ok()) << d.diags.str();
  const model::DedupPolicy& p = d.set.notificationManagers.at(0).dedup;
  EXPECT_FALSE(p.alertArray);
  EXPECT_TRUE(p.webhook);
  EXPECT_EQ(p.repeatInterval, minutes(30));
  EXPECT_FALSE(p.sendResolved);
}

TEST(DedupConfig, SpecDedupErrorsNameTheField) {
  auto d = decode(std::string(kNmHead) +
                  "spec:\n  dedup: {alertArray: maybe, repeatInterval: 0s, color: red}\n");
  const std::string s = d.diags.str();
  EXPECT_NE(s.find("spec.dedup.alertArray"), std::string::npos) << s;
  EXPECT_NE(s.find("spec.dedup.repeatInterval: must be positive"), std::string::npos) << s;
  EXPECT_NE(s.find("spec.dedup.color"), std::string::npos) << s;
  auto bad = decode(std::string(kNmHead) + "spec:\n  dedup: [1]\n");
  EXPECT_NE(bad.diags.str().find("spec.dedup"), std::string::npos) << bad.diags.str();
  auto dur = decode(std::string(kNmHead) + "spec:\n  dedup: {repeatInterval: soon}\n");
  EXPECT_NE(dur.diags.str().find("spec.dedup.repeatInterval"), std::string::npos)
      << dur.diags.str();
}

TEST(DedupConfig, ReceiverOverrideDecodedAndHiddenFromTheChannel) {
  auto d = decode(std::string(kReceiverHead) +
                  "spec:\n  webhook:\n    url: http://127.0.0.1:1/\n"
                  "    dedup: {webhook: true, repeatInterval: 1h}\n");
  ASSERT_TRUE(d.diags.ok()) << d.diags.str();
  const model::ReceiverChannel& ch = d.set.receivers.at(0).channels.at(0);
  EXPECT_EQ(ch.dedup.webhook, true);
  EXPECT_EQ(ch.dedup.repeatInterval, hours(1));
  EXPECT_FALSE(ch.dedup.alertArray);
  EXPECT_FALSE(ch.dedup.sendResolved);
  // The webhook channel's own decoder (which refuses unknown keys) does not see `dedup`.
  model::Diagnostics diags;
  config::Classification cls;
  cls.global = true;
  auto r = config::makeReceiver(d.set.receivers.at(0), ch, cls, diags);
  EXPECT_TRUE(diags.ok()) << diags.str();
  EXPECT_EQ(r->dedup.webhook, true);
  model::DedupPolicy p = effectivePolicy(model::DedupPolicy{}, r->dedup);
  EXPECT_TRUE(p.alertArray);  // not overridden
  EXPECT_TRUE(p.webhook);
  EXPECT_EQ(p.repeatInterval, hours(1));
}

TEST(DedupConfig, ReceiverOverrideErrorsNameTheField) {
  auto d = decode(std::string(kReceiverHead) +
                  "spec:\n  email:\n    to: [a@example.com]\n"
                  "    dedup: {sendResolved: 3, repeatInterval: -5m, often: true}\n");
  const std::string s = d.diags.str();
  EXPECT_NE(s.find("spec.email.dedup.sendResolved"), std::string::npos) << s;
  EXPECT_NE(s.find("spec.email.dedup.repeatInterval: must be positive"), std::string::npos) << s;
  EXPECT_NE(s.find("spec.email.dedup.often"), std::string::npos) << s;
}

TEST(DedupConfig, IngestStampsTheFormat) {
  auto arr = ingest::decodeAlerts(R"([{"labels":{"alertname":"A"}}])");
  ASSERT_EQ(arr.alerts.size(), 1u);
  EXPECT_EQ(arr.alerts[0]->format, IngestFormat::AlertArray);
  auto hook = ingest::decodeAlerts(
      R"({"receiver":"x","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"A"}}]})");
  ASSERT_EQ(hook.alerts.size(), 1u);
  EXPECT_EQ(hook.alerts[0]->format, IngestFormat::Webhook);
}

}  // namespace
}  // namespace nm::dedup
