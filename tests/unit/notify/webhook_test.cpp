// Tests of the webhook channel: receiver decoding and its diagnostics, service URLs, targets,
// and the built notifier's request (auth headers, JSON body, timeout, secret resolution).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "interfaces/http_client.h"
#include "notify/channel_registry.h"
#include "notify/channels/webhook.h"
#include "notify/http_client_curl.h"
#include "test_helpers.h"
#include "test_http_server.h"

namespace nm {
namespace {

using test::decodeWebhook;
using test::TestHttpServer;
using test::Waiter;

bool hasError(const model::Diagnostics& d, const std::string& path, const std::string& fragment) {
  for (const auto& i : d.items()) {
    if (i.path == path && i.message.find(fragment) != std::string::npos) return true;
  }
  return false;
}

TEST(WebhookDecode, AcceptsUrlAndSharedFields) {
  auto r = decodeWebhook(R"(
url: https://hooks.example.com/a?b=c
enabled: true
template: webhook.default.message
alertSelector: {matchLabels: {severity: critical}}
httpConfig:
  bearerToken: {value: t0ken}
  proxyUrl: http://proxy:3128
  tlsConfig: {insecureSkipVerify: true, serverName: example.com}
)");
  ASSERT_TRUE(r.spec) << r.diags.str();
  auto* s = dynamic_cast<const WebhookSpec*>(r.spec.get());
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->url, "https://hooks.example.com/a?b=c");
  EXPECT_EQ(s->proxyUrl, "http://proxy:3128");
  ASSERT_TRUE(s->bearerToken);
  EXPECT_EQ(*s->bearerToken->value, "t0ken");
  ASSERT_TRUE(s->tls);
  EXPECT_TRUE(s->tls->insecureSkipVerify);
  EXPECT_EQ(s->tls->serverName, "example.com");
}

TEST(WebhookDecode, UrlAndServiceTogetherIsAnError) {
  auto r = decodeWebhook("{url: 'http://a/', service: {namespace: ns, name: svc}}");
  EXPECT_FALSE(r.spec);
  EXPECT_TRUE(hasError(r.diags, "spec.webhook", "mutually exclusive")) << r.diags.str();
}

TEST(WebhookDecode, NeitherUrlNorServiceIsAnError) {
  auto r = decodeWebhook("{enabled: true}");
  EXPECT_FALSE(r.spec);
  EXPECT_TRUE(hasError(r.diags, "spec.webhook", "required")) << r.diags.str();
}

TEST(WebhookDecode, BadUrls) {
  for (const char* u : {"ftp://host/x", "not a url", "http://"}) {
    auto r = decodeWebhook(std::string("{url: '") + u + "'}");
    EXPECT_FALSE(r.spec) << u;
    EXPECT_EQ(r.diags.items().size(), 1u) << u;
    EXPECT_TRUE(hasError(r.diags, "spec.webhook.url", "")) << u << ": " << r.diags.str();
  }
}

TEST(WebhookDecode, UnknownFieldsNamePaths) {
  auto r = decodeWebhook(R"(
url: http://a/
colour: blue
httpConfig: {basicAuth: {username: u, password: {value: p}, realm: x}}
)");
  EXPECT_FALSE(r.spec);
  EXPECT_TRUE(hasError(r.diags, "spec.webhook.colour", "unknown field")) << r.diags.str();
  EXPECT_TRUE(hasError(r.diags, "spec.webhook.httpConfig.basicAuth.realm", "unknown field"));
}

TEST(WebhookDecode, BadCredential) {
  auto r = decodeWebhook(R"(
url: http://a/
httpConfig:
  bearerToken: {value: x, valueFrom: {secretKeyRef: {name: s, key: k}}}
)");
  EXPECT_FALSE(r.spec);
  EXPECT_TRUE(hasError(r.diags, "spec.webhook.httpConfig.bearerToken", "")) << r.diags.str();
  auto r2 = decodeWebhook(
      "{url: 'http://a/', httpConfig: {bearerToken: {valueFrom: {secretKeyRef: {name: s}}}}}");
  EXPECT_FALSE(r2.spec);
  EXPECT_TRUE(
      hasError(r2.diags, "spec.webhook.httpConfig.bearerToken.valueFrom.secretKeyRef.key", ""))
      << r2.diags.str();
}

TEST(WebhookDecode, ServiceUrl) {
  auto r = decodeWebhook("{service: {namespace: mon, name: sink, port: 8080, path: alerts}}");
  ASSERT_TRUE(r.spec) << r.diags.str();
  EXPECT_EQ(dynamic_cast<const WebhookSpec&>(*r.spec).url, "http://sink.mon:8080/alerts");
  auto r2 = decodeWebhook("{service: {namespace: mon, name: sink, scheme: https, path: /x/y}}");
  ASSERT_TRUE(r2.spec) << r2.diags.str();
  EXPECT_EQ(dynamic_cast<const WebhookSpec&>(*r2.spec).url, "https://sink.mon/x/y");
  auto r3 = decodeWebhook("{service: {name: sink, port: 99999}}");
  EXPECT_FALSE(r3.spec);
  EXPECT_TRUE(hasError(r3.diags, "spec.webhook.service.namespace", "required")) << r3.diags.str();
  EXPECT_TRUE(hasError(r3.diags, "spec.webhook.service.port", "")) << r3.diags.str();
  EXPECT_EQ(webhookServiceUrl("", "a", "b", std::nullopt, ""), "http://a.b");
}

TEST(WebhookDecode, ConfigBlockTakesNoFields) {
  model::Diagnostics diags;
  model::Origin origin{"configs.yaml", 1, "Config", "c"};
  std::string path = "spec.webhook";
  YAML::Node empty = YAML::Load("{}");
  DecodeContext ok{empty, origin, path, diags};
  EXPECT_TRUE(findChannel("webhook")->decodeConfig(ok));
  YAML::Node bad = YAML::Load("{url: x}");
  DecodeContext ko{bad, origin, path, diags};
  EXPECT_FALSE(findChannel("webhook")->decodeConfig(ko));
  EXPECT_TRUE(hasError(diags, "spec.webhook.url", "unknown field"));
  EXPECT_EQ(findChannel("nope"), nullptr);
}

TEST(Webhook, TargetStripsCredentialsAndQuery) {
  EXPECT_EQ(webhookTarget("https://user:secret@hooks.example.com:8443/p/a?token=abc#frag"),
            "https://hooks.example.com:8443/p/a");
}

std::shared_ptr<const Data> sampleData() {
  auto d = std::make_shared<Data>();
  d->alerts = {test::makeAlert({{"alertname", "Disk"}, {"namespace", "ns1"}}),
               test::makeAlert({{"alertname", "Disk"}, {"receiver", "keep"}})};
  d->groupLabels = LabelSet{{"alertname", "Disk"}};
  d->commonLabels = LabelSet{{"alertname", "Disk"}};
  d->receiverName = "team-a";
  return d;
}

TEST(WebhookNotifier, PostsDataJsonWithBearer) {
  TestHttpServer server;
  auto client = makeCurlHttpClient();
  config::Snapshot snap;
  test::MapSecrets secrets;
  secrets.secrets["mon/tok/token"] = "s3cret";
  auto rcv = test::buildWebhookReceiver(
      "{url: '" + server.url("/hook?q=1") +
          "', httpConfig: {bearerToken: {valueFrom: {secretKeyRef: {namespace: mon, name: tok, "
          "key: token}}}, basicAuth: {username: u, password: {value: p}}}}",
      snap, secrets, *client);
  ASSERT_TRUE(rcv->notifier) << rcv->notifierError;
  Waiter<SendOutcome> w;
  rcv->notifier->send(sampleData(), now() + std::chrono::seconds(10), w.callback());
  SendOutcome o = w.get();
  EXPECT_TRUE(o.ok) << o.error;
  EXPECT_EQ(o.attempts, 1);
  EXPECT_EQ(o.channelTarget, server.url("/hook"));
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].target, "/hook?q=1");
  EXPECT_EQ(reqs[0].header("Authorization"), "Bearer s3cret");
  EXPECT_EQ(reqs[0].header("Content-Type"), "application/json");
  EXPECT_EQ(reqs[0].header("User-Agent").rfind("notification-manager/", 0), 0u);
  auto j = nlohmann::json::parse(reqs[0].body);
  EXPECT_EQ(j["receiver"], "team-a");
  EXPECT_EQ(j["status"], "firing");
  EXPECT_EQ(j["version"], "4");
  ASSERT_EQ(j["alerts"].size(), 2u);
  EXPECT_EQ(j["alerts"][0]["labels"]["receiver"], "team-a");
  EXPECT_EQ(j["alerts"][0]["labels"]["namespace"], "ns1");
  EXPECT_EQ(j["alerts"][1]["labels"]["receiver"], "keep");
  EXPECT_EQ(j["alerts"][0]["annotations"]["message"], "hello \"world\"\n");
  EXPECT_EQ(j["alerts"][0]["startsAt"], "2024-05-01T10:00:00Z");
  EXPECT_EQ(j["alerts"][0]["endsAt"], "0001-01-01T00:00:00Z");
  EXPECT_EQ(j["alerts"][0]["fingerprint"].get<std::string>().size(), 16u);
  EXPECT_EQ(j["groupLabels"]["alertname"], "Disk");
  EXPECT_TRUE(j["commonAnnotations"].is_object());
}

TEST(WebhookNotifier, BasicAuthWhenNoBearer) {
  TestHttpServer server;
  auto client = makeCurlHttpClient();
  config::Snapshot snap;
  test::MapSecrets secrets;
  auto rcv = test::buildWebhookReceiver(
      "{url: '" + server.url() +
          "', httpConfig: {basicAuth: {username: user, password: {value: pass}}}}",
      snap, secrets, *client);
  ASSERT_TRUE(rcv->notifier) << rcv->notifierError;
  Waiter<SendOutcome> w;
  rcv->notifier->send(sampleData(), now() + std::chrono::seconds(10), w.callback());
  EXPECT_TRUE(w.get().ok);
  EXPECT_EQ(server.requests().at(0).header("Authorization"), "Basic dXNlcjpwYXNz");
}

TEST(WebhookNotifier, MissingSecretFailsTheBuildWithoutTheValue) {
  auto client = makeCurlHttpClient();
  config::Snapshot snap;
  test::MapSecrets secrets;
  auto rcv = test::buildWebhookReceiver(
      "{url: 'http://a/', httpConfig: {bearerToken: {valueFrom: {secretKeyRef: {name: s, key: "
      "k}}}}}",
      snap, secrets, *client);
  EXPECT_FALSE(rcv->notifier);
  EXPECT_NE(rcv->notifierError.find("bearerToken"), std::string::npos) << rcv->notifierError;
}

TEST(WebhookNotifier, TimeoutFromChannelOptions) {
  auto client = makeCurlHttpClient();
  config::Snapshot snap;
  snap.nm.channelOptions["webhook"].notificationTimeout = 17;
  test::MapSecrets secrets;
  auto rcv = test::buildWebhookReceiver("{url: 'http://a/'}", snap, secrets, *client);
  auto* n = dynamic_cast<WebhookNotifier*>(rcv->notifier.get());
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->request().timeout, std::chrono::seconds(17));
  config::Snapshot defaults;
  auto rcv2 = test::buildWebhookReceiver("{url: 'http://a/'}", defaults, secrets, *client);
  EXPECT_EQ(dynamic_cast<WebhookNotifier&>(*rcv2->notifier).request().timeout,
            std::chrono::seconds(5));
}

}  // namespace
}  // namespace nm
