// Shared fixtures of the notify tests: alerts, a map-backed SecretResolver, receivers built
// through the webhook descriptor, and a one-shot waiter for asynchronous callbacks.
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <string>

#include "core/alert.h"
#include "interfaces/channel.h"
#include "interfaces/snapshot.h"
#include "notify/channel_registry.h"
#include "test_services.h"

namespace nm::test {

inline AlertPtr makeAlert(std::initializer_list<Label> labels,
                          AlertStatus status = AlertStatus::Firing,
                          TimePoint receivedAt = kZeroTime) {
  auto a = std::make_shared<Alert>();
  a->labels = LabelSet(labels);
  a->annotations = LabelSet{{"message", "hello \"world\"\n"}};
  a->status = status;
  a->startsAt = *parseRfc3339("2024-05-01T10:00:00Z");
  a->generatorURL = "http://prom/graph";
  a->receivedAt = receivedAt;
  finalizeIdentity(*a);
  return a;
}

// Inline values, or secrets keyed "namespace/name/key".
class MapSecrets final : public config::SecretResolver {
 public:
  std::map<std::string, std::string> secrets;
  std::optional<std::string> resolve(const model::Credential& c,
                                     std::string& error) const override {
    if (c.value) return *c.value;
    if (c.secretKeyRef) {
      std::string k = c.secretKeyRef->ns + "/" + c.secretKeyRef->name + "/" + c.secretKeyRef->key;
      if (auto it = secrets.find(k); it != secrets.end()) return it->second;
      error = "secret " + c.secretKeyRef->name + " key " + c.secretKeyRef->key + " not found";
    }
    return std::nullopt;
  }
};

struct DecodeResult {
  std::shared_ptr<const ChannelSpec> spec;
  model::Diagnostics diags;
};

inline DecodeResult decodeWebhook(const std::string& yaml) {
  DecodeResult r;
  YAML::Node node = YAML::Load(yaml);
  model::Origin origin{"receivers.yaml", 1, "Receiver", "r1"};
  std::string path = "spec.webhook";
  DecodeContext ctx{node, origin, path, r.diags};
  r.spec = findChannel("webhook")->decodeReceiver(ctx);
  return r;
}

// A webhook receiver "webhook/<name>" with its notifier built (or notifierError set).
inline std::shared_ptr<config::Receiver> buildWebhookReceiver(const std::string& yaml,
                                                              const config::Snapshot& snap,
                                                              const config::SecretResolver& secrets,
                                                              HttpClient& http,
                                                              const std::string& name = "r1") {
  auto rcv = std::make_shared<config::Receiver>();
  rcv->name = name;
  rcv->type = "webhook";
  rcv->key = "webhook/" + name;
  rcv->spec = decodeWebhook(yaml).spec;
  NotifierContext ctx{*rcv, nullptr, snap, secrets, nm::test::servicesFor(http)};
  std::string error;
  auto n = findChannel("webhook")->make(ctx, error);
  rcv->notifier = std::move(n);
  rcv->notifierError = error;
  return rcv;
}

// Captures one callback value; get() waits up to 20 s.
template <class T>
class Waiter {
 public:
  std::function<void(T)> callback() {
    return [p = promise_](T v) { p->set_value(std::move(v)); };
  }
  T get() {
    auto f = promise_->get_future();
    if (f.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
      throw std::runtime_error("callback not called");
    }
    return f.get();
  }

 private:
  std::shared_ptr<std::promise<T>> promise_ = std::make_shared<std::promise<T>>();
};

}  // namespace nm::test
