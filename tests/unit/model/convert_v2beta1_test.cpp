// v2beta1 NotificationManager, Config and Receiver: decoded to what their v2beta2 equivalents
// decode to, with a deprecation warning naming the object; what v2beta1 never had is refused.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/time.h"
#include "decode_test_util.h"

namespace nm::model::test {
namespace {

// Structural equality of two YAML trees: map order and flow/block style do not matter.
bool sameYaml(const YAML::Node& a, const YAML::Node& b) {
  if (a.Type() != b.Type()) return false;
  switch (a.Type()) {
    case YAML::NodeType::Scalar:
      return a.Scalar() == b.Scalar();
    case YAML::NodeType::Sequence:
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i) {
        if (!sameYaml(a[i], b[i])) return false;
      }
      return true;
    case YAML::NodeType::Map:
      if (a.size() != b.size()) return false;
      for (const auto& kv : a) {
        const YAML::Node other = b[kv.first.Scalar()];
        if (!other || !sameYaml(kv.second, other)) return false;
      }
      return true;
    default:
      return true;
  }
}

bool hasWarning(const Diagnostics& diags, const std::string& needle) {
  return std::any_of(diags.warnings().begin(), diags.warnings().end(), [&](const Diagnostic& d) {
    return d.str().find(needle) != std::string::npos;
  });
}

std::string labelsOf(const LabelSet& l) {
  std::string s;
  for (const auto& [k, v] : l) s += k + "=" + v + ",";
  return s;
}

void expectSameReceivers(const Decoded& v1, const Decoded& v2) {
  ASSERT_EQ(v1.rs.receivers.size(), 1u);
  ASSERT_EQ(v2.rs.receivers.size(), 1u);
  const auto& a = v1.rs.receivers[0];
  const auto& b = v2.rs.receivers[0];
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(labelsOf(a.labels), labelsOf(b.labels));
  ASSERT_EQ(a.channels.size(), b.channels.size());
  for (size_t i = 0; i < a.channels.size(); ++i) {
    const auto& x = a.channels[i];
    const auto& y = b.channels[i];
    EXPECT_EQ(x.type, y.type);
    EXPECT_EQ(x.path, y.path);
    EXPECT_EQ(x.enabled, y.enabled);
    EXPECT_EQ(!x.configSelector, !y.configSelector) << x.type;
    EXPECT_EQ(!x.alertSelector, !y.alertSelector) << x.type;
    EXPECT_TRUE(sameYaml(x.spec.node(), y.spec.node()))
        << x.type << ":\n"
        << YAML::Dump(x.spec.node()) << "\n-- vs --\n"
        << YAML::Dump(y.spec.node());
  }
}

constexpr const char* kReceiverV2beta1 = R"(apiVersion: notification.kubesphere.io/v2beta1
kind: Receiver
metadata:
  name: everyone
  labels: {type: global}
spec:
  dingtalk:
    chatbot:
      webhook: {name: hooks, key: dingtalk}
      keywords: [alerts]
      secret: {name: hooks, key: dingtalk-secret, namespace: monitoring}
    conversation: {chatids: [chat1]}
  email:
    to: [ops@example.com]
    emailConfigSelector: {matchLabels: {type: default}}
  slack: {channels: [alerts], enabled: false}
  webhook:
    url: https://hook.example.com/
    alertSelector: {matchExpressions: [{key: severity, operator: In, values: [critical]}]}
    httpConfig:
      basicAuth: {username: bot, password: {name: hooks, key: password}}
      tlsConfig:
        serverName: hook.example.com
        rootCA: {name: hooks, key: ca}
        clientCertificate:
          cert: {name: hooks, key: cert}
          key: {name: hooks, key: key}
  wechat: {toUser: [u1], toParty: [p1], toTag: [t1]}
)";

constexpr const char* kReceiverV2beta2 = R"(apiVersion: notification.kubesphere.io/v2beta2
kind: Receiver
metadata:
  name: everyone
  labels: {type: global}
spec:
  dingtalk:
    chatbot:
      webhook: {valueFrom: {secretKeyRef: {name: hooks, key: dingtalk}}}
      keywords: [alerts]
      secret: {valueFrom: {secretKeyRef: {namespace: monitoring, name: hooks, key: dingtalk-secret}}}
    conversation: {chatids: [chat1]}
  email:
    to: [ops@example.com]
    emailConfigSelector: {matchLabels: {type: default}}
  slack: {channels: [alerts], enabled: false}
  webhook:
    url: https://hook.example.com/
    alertSelector: {matchExpressions: [{key: severity, operator: In, values: [critical]}]}
    httpConfig:
      basicAuth: {username: bot, password: {valueFrom: {secretKeyRef: {name: hooks, key: password}}}}
      tlsConfig:
        serverName: hook.example.com
        rootCA: {valueFrom: {secretKeyRef: {name: hooks, key: ca}}}
        clientCertificate:
          cert: {valueFrom: {secretKeyRef: {name: hooks, key: cert}}}
          key: {valueFrom: {secretKeyRef: {name: hooks, key: key}}}
  wechat: {toUser: [u1], toParty: [p1], toTag: [t1]}
)";

TEST(ConvertV2beta1, ReceiverDecodesLikeItsV2beta2Equivalent) {
  auto v1 = decode(kReceiverV2beta1);
  auto v2 = decode(kReceiverV2beta2);
  ASSERT_TRUE(v1.diags.ok()) << v1.diags.str();
  ASSERT_TRUE(v2.diags.ok()) << v2.diags.str();
  expectSameReceivers(v1, v2);
  EXPECT_TRUE(v2.diags.warnings().empty());
  ASSERT_EQ(v1.diags.warnings().size(), 1u);
  EXPECT_TRUE(hasWarning(v1.diags,
                         "f.yaml: document 1 (Receiver/everyone): apiVersion: apiVersion "
                         "notification.kubesphere.io/v2beta1 is deprecated"))
      << v1.diags.warnings()[0].str();
}

TEST(ConvertV2beta1, ConfigDecodesLikeItsV2beta2Equivalent) {
  auto v1 = decode(R"(apiVersion: notification.kubesphere.io/v2beta1
kind: Config
metadata: {name: defaults, labels: {type: default}}
spec:
  dingtalk:
    labels: {team: a}
    conversation: {appkey: {name: cfg, key: appkey}, appsecret: {name: cfg, key: appsecret}}
  email:
    from: nm@example.com
    smartHost: {host: smtp.example.com, port: 25}
    authUsername: nm
    authPassword: {name: mail, key: password, namespace: ops}
    requireTLS: true
    tls: {rootCA: {name: mail, key: ca}, insecureSkipVerify: false}
  slack: {slackTokenSecret: {name: cfg, key: slack}}
  webhook: {}
  wechat:
    wechatApiUrl: https://qyapi.weixin.qq.com/cgi-bin/
    wechatApiCorpId: corp
    wechatApiAgentId: "1000002"
    wechatApiSecret: {name: cfg, key: wechat}
)");
  auto v2 = decode(R"(apiVersion: notification.kubesphere.io/v2beta2
kind: Config
metadata: {name: defaults, labels: {type: default}}
spec:
  dingtalk:
    labels: {team: a}
    conversation:
      appkey: {valueFrom: {secretKeyRef: {name: cfg, key: appkey}}}
      appsecret: {valueFrom: {secretKeyRef: {name: cfg, key: appsecret}}}
  email:
    from: nm@example.com
    smartHost: {host: smtp.example.com, port: 25}
    authUsername: nm
    authPassword: {valueFrom: {secretKeyRef: {namespace: ops, name: mail, key: password}}}
    requireTLS: true
    tls: {rootCA: {valueFrom: {secretKeyRef: {name: mail, key: ca}}}, insecureSkipVerify: false}
  slack: {slackTokenSecret: {valueFrom: {secretKeyRef: {name: cfg, key: slack}}}}
  webhook: {}
  wechat:
    wechatApiUrl: https://qyapi.weixin.qq.com/cgi-bin/
    wechatApiCorpId: corp
    wechatApiAgentId: "1000002"
    wechatApiSecret: {valueFrom: {secretKeyRef: {name: cfg, key: wechat}}}
)");
  ASSERT_TRUE(v1.diags.ok()) << v1.diags.str();
  ASSERT_TRUE(v2.diags.ok()) << v2.diags.str();
  ASSERT_EQ(v1.rs.configs.size(), 1u);
  ASSERT_EQ(v2.rs.configs.size(), 1u);
  const auto& a = v1.rs.configs[0];
  const auto& b = v2.rs.configs[0];
  EXPECT_EQ(labelsOf(a.labels), labelsOf(b.labels));
  ASSERT_EQ(a.channels.size(), 5u);
  ASSERT_EQ(a.channels.size(), b.channels.size());
  for (size_t i = 0; i < a.channels.size(); ++i) {
    EXPECT_EQ(a.channels[i].type, b.channels[i].type);
    EXPECT_TRUE(sameYaml(a.channels[i].spec.node(), b.channels[i].spec.node()))
        << YAML::Dump(a.channels[i].spec.node()) << "\n-- vs --\n"
        << YAML::Dump(b.channels[i].spec.node());
  }
  EXPECT_TRUE(hasWarning(v1.diags,
                         "(Config/defaults): apiVersion: apiVersion "
                         "notification.kubesphere.io/v2beta1 is deprecated"));
}

TEST(ConvertV2beta1, NotificationManagerKeepsItsBehaviourFields) {
  auto d = decode(R"(apiVersion: notification.kubesphere.io/v2beta1
kind: NotificationManager
metadata: {name: notification-manager}
spec:
  replicas: 1
  image: kubesphere/notification-manager:v1.4.0
  serviceAccountName: notification-manager-sa
  defaultConfigSelector: {matchLabels: {type: default}}
  defaultSecretNamespace: kubesphere-monitoring-system
  receivers:
    tenantKey: user
    globalReceiverSelector: {matchLabels: {type: global}}
    tenantReceiverSelector: {matchLabels: {type: tenant}}
    options:
      global: {cluster: host, template: nm.default.text}
      email: {notificationTimeout: 5, deliveryType: bulk, maxEmailReceivers: 10}
      wechat: {tokenExpires: 7200000000000, messageMaxSize: 2048}
      dingtalk:
        tokenExpires: 3600000000000
        chatBotThrottle: {threshold: 20, unit: 60000000000, maxWaitTime: 10000000000}
)");
  ASSERT_TRUE(d.diags.ok()) << d.diags.str();
  ASSERT_EQ(d.rs.notificationManagers.size(), 1u);
  const auto& nm = d.rs.notificationManagers[0];
  EXPECT_EQ(nm.tenantKey, "user");
  EXPECT_EQ(nm.cluster, "host");
  EXPECT_EQ(nm.defaultSecretNamespace, "kubesphere-monitoring-system");
  ASSERT_TRUE(nm.defaultConfigSelector);
  EXPECT_EQ(nm.defaultConfigSelector->matchLabels.at("type"), "default");
  EXPECT_EQ(nm.channelOptions.at("email").notificationTimeout, 5);
  // time.Duration was serialized as nanoseconds; v2beta2's decoders read Go duration strings.
  const auto& wechat = nm.channelOptions.at("wechat").raw;
  EXPECT_EQ(parseGoDuration(wechat["tokenExpires"].Scalar()), Duration(std::chrono::hours(2)));
  const auto& throttle = nm.channelOptions.at("dingtalk").raw["chatBotThrottle"];
  EXPECT_EQ(parseGoDuration(throttle["unit"].Scalar()), Duration(std::chrono::minutes(1)));
  EXPECT_EQ(parseGoDuration(throttle["maxWaitTime"].Scalar()), Duration(std::chrono::seconds(10)));
  EXPECT_EQ(throttle["threshold"].Scalar(), "20");
  EXPECT_TRUE(hasWarning(d.diags, "(NotificationManager/notification-manager): apiVersion"));
}

TEST(ConvertV2beta1, FieldsV2beta1NeverHadAreRefusedByPath) {
  auto d = decode(R"(apiVersion: notification.kubesphere.io/v2beta1
kind: Receiver
metadata: {name: r, labels: {type: global}}
spec:
  feishu: {user: [u]}
  webhook: {url: "http://x/", template: my.tmpl}
)");
  EXPECT_TRUE(d.rs.receivers.empty());
  EXPECT_TRUE(hasDiag(d.diags,
                      "(Receiver/r): spec.feishu: unknown field \"feishu\" in apiVersion "
                      "notification.kubesphere.io/v2beta1"))
      << d.diags.str();
  EXPECT_TRUE(hasDiag(d.diags, "(Receiver/r): spec.webhook.template: unknown field \"template\""))
      << d.diags.str();
  auto nm = decode(R"(apiVersion: notification.kubesphere.io/v2beta1
kind: NotificationManager
metadata: {name: nm}
spec: {receivers: {tenantKey: user}, routePolicy: RouterOnly}
)");
  EXPECT_TRUE(hasDiag(nm.diags, "(NotificationManager/nm): spec.routePolicy: unknown field"))
      << nm.diags.str();
}

TEST(ConvertV2beta1, MalformedSecretSelectorsNameTheField) {
  auto d = decode(R"(apiVersion: notification.kubesphere.io/v2beta1
kind: Config
metadata: {name: c}
spec:
  email:
    from: a@b
    smartHost: {host: h, port: 25}
    authPassword: {name: mail}
    authSecret: {valueFrom: {secretKeyRef: {name: mail, key: s}}}
  slack: {slackTokenSecret: xoxb-inline}
)");
  EXPECT_TRUE(d.rs.configs.empty());
  EXPECT_TRUE(
      hasDiag(d.diags, "(Config/c): spec.email.authPassword.key: required field is missing"))
      << d.diags.str();
  EXPECT_TRUE(hasDiag(d.diags, "(Config/c): spec.email.authSecret.valueFrom: unknown field"))
      << d.diags.str();
  EXPECT_TRUE(hasDiag(d.diags,
                      "(Config/c): spec.slack.slackTokenSecret: expected a map, got a "
                      "string"))
      << d.diags.str();
  // Never the secret's text in a message.
  EXPECT_EQ(d.diags.str().find("xoxb-inline"), std::string::npos);
}

TEST(ConvertV2beta1, OtherApiVersionsAndKindsAreStillRefused) {
  auto d = decode(
      "apiVersion: notification.kubesphere.io/v2beta1\nkind: Router\nmetadata: {name: r}\n"
      "---\napiVersion: notification.kubesphere.io/v2alpha1\nkind: Receiver\nmetadata: {name: a}\n"
      "---\napiVersion: notification.kubesphere.io/v2beta1\nkind: Silence\nmetadata: {name: s}\n");
  ASSERT_EQ(d.diags.items().size(), 3u) << d.diags.str();
  EXPECT_TRUE(hasDiag(d.diags,
                      "document 1 (Router/r): apiVersion: unsupported apiVersion "
                      "\"notification.kubesphere.io/v2beta1\" for kind Router (want "
                      "\"notification.kubesphere.io/v2beta2\")"));
  EXPECT_TRUE(hasDiag(d.diags,
                      "document 2 (Receiver/a): apiVersion: unsupported apiVersion "
                      "\"notification.kubesphere.io/v2alpha1\""));
  EXPECT_TRUE(hasDiag(d.diags, "document 3 (Silence/s): apiVersion: unsupported apiVersion"));
  EXPECT_TRUE(d.diags.warnings().empty());
}

TEST(ConvertV2beta1, ListItemsAndApiObjectsAreNamedInTheWarning) {
  auto d = decode(R"(apiVersion: v1
kind: List
items:
- apiVersion: notification.kubesphere.io/v2beta1
  kind: Receiver
  metadata: {name: hook, labels: {type: global}}
  spec: {webhook: {url: "http://x/"}}
)");
  ASSERT_TRUE(d.diags.ok()) << d.diags.str();
  ASSERT_EQ(d.rs.receivers.size(), 1u);
  ASSERT_EQ(d.diags.warnings().size(), 1u);
  EXPECT_EQ(d.diags.warnings()[0].path, "items[0].apiVersion");

  ResourceSet rs;
  Diagnostics diags;
  YAML::Node doc = YAML::Load(kReceiverV2beta1);
  decodeDocument(doc, Origin::apiObject("Receiver", "", "everyone", "42"), rs, diags);
  ASSERT_TRUE(diags.ok()) << diags.str();
  ASSERT_EQ(diags.warnings().size(), 1u);
  EXPECT_EQ(
      diags.warnings()[0].str().rfind("Receiver everyone (resourceVersion 42): apiVersion: ", 0),
      0u)
      << diags.warnings()[0].str();
  // The caller's document is not rewritten.
  EXPECT_EQ(doc["apiVersion"].Scalar(), "notification.kubesphere.io/v2beta1");
  EXPECT_EQ(doc["spec"]["email"]["to"][0].Scalar(), "ops@example.com");
  EXPECT_TRUE(doc["spec"]["dingtalk"]["chatbot"]["webhook"]["name"]);
}

}  // namespace
}  // namespace nm::model::test
