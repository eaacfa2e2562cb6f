// Shared fixtures of the chat channel tests: the shared scripted HttpClient fake, alerts, secrets,
// and receivers built through the registry's descriptors.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/alert.h"
#include "fake_http_client.h"
#include "interfaces/channel.h"
#include "interfaces/http_client.h"
#include "interfaces/snapshot.h"
#include "notify/channel_registry.h"
#include "test_services.h"

namespace nm::test {

// The chat tests' name for the shared fake (default answer 200 {"errcode":0}, timers at once).
using FakeHttp = FakeHttpClient;

inline AlertPtr chatAlert(const std::string& name, const std::string& message = "disk full") {
  auto a = std::make_shared<Alert>();
  a->labels = LabelSet{{"alertname", name}, {"namespace", "ns1"}};
  a->annotations = LabelSet{{"message", message}};
  a->status = AlertStatus::Firing;
  a->startsAt = *parseRfc3339("2024-05-01T10:00:00Z");
  finalizeIdentity(*a);
  return a;
}

inline std::shared_ptr<Data> chatData(size_t n, const std::string& message = "disk full") {
  auto d = std::make_shared<Data>();
  for (size_t i = 0; i < n; ++i) d->alerts.push_back(chatAlert("A" + std::to_string(i), message));
  d->receiverName = "r1";
  return d;
}

class InlineSecrets final : public config::SecretResolver {
 public:
  std::optional<std::string> resolve(const model::Credential& c,
                                     std::string& error) const override {
    if (c.value) return *c.value;
    error = "secret not found";
    return std::nullopt;
  }
};

struct Decoded {
  std::shared_ptr<const ChannelSpec> spec;
  model::Diagnostics diags;
  std::string firstError() const {
    return diags.items().empty()
               ? ""
               : diags.items().front().path + ": " + diags.items().front().message;
  }
};

inline Decoded decodeBlock(const std::string& type, const std::string& yaml, bool config) {
  Decoded d;
  YAML::Node node = YAML::Load(yaml);
  model::Origin origin{"x.yaml", 1, config ? "Config" : "Receiver", "r1"};
  std::string path = "spec." + type;
  DecodeContext ctx{node, origin, path, d.diags};
  const ChannelDescriptor* desc = findChannel(type);
  d.spec = config ? desc->decodeConfig(ctx) : desc->decodeReceiver(ctx);
  return d;
}

// Builds the notifier of a `type` receiver (and optional config block) against `snap`.
struct Built {
  std::shared_ptr<config::Receiver> receiver;
  std::shared_ptr<config::ConfigEntry> config;
  std::unique_ptr<Notifier> notifier;
  std::string error;
};

inline Built build(const std::string& type, const std::string& receiverYaml,
                   const std::string& configYaml, const config::Snapshot& snap, HttpClient& http) {
  static InlineSecrets secrets;
  Built b;
  b.receiver = std::make_shared<config::Receiver>();
  b.receiver->name = "r1";
  b.receiver->type = type;
  b.receiver->key = type + "/r1";
  auto rd = decodeBlock(type, receiverYaml, false);
  b.receiver->spec = rd.spec;
  if (!rd.spec) {
    b.error = rd.firstError();
    return b;
  }
  if (!configYaml.empty()) {
    b.config = std::make_shared<config::ConfigEntry>();
    b.config->type = type;
    auto cd = decodeBlock(type, configYaml, true);
    b.config->spec = cd.spec;
  }
  NotifierContext ctx{*b.receiver, b.config.get(), snap, secrets, nm::test::servicesFor(http)};
  b.notifier = findChannel(type)->make(ctx, b.error);
  return b;
}

// Sends and returns the outcome (FakeHttp completes synchronously).
inline SendOutcome sendNow(Notifier& n, std::shared_ptr<const Data> data) {
  SendOutcome out;
  bool called = false;
  n.send(std::move(data), now() + std::chrono::seconds(30), [&](SendOutcome o) {
    out = std::move(o);
    called = true;
  });
  if (!called) out.error = "done not called";
  return out;
}

}  // namespace nm::test
