// The renderer inside a configuration snapshot: spec.template text/language/languagePack from
// ConfigMaps, receiver tmplText, load diagnostics naming ConfigMap data.<key> or the receiver's
// path, and the webhook body (template rendered, JSON names, fallback to JSON on a failure).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "config/snapshot_builder.h"
#include "fake_http_client.h"
#include "interfaces/http_client.h"
#include "model/decode.h"
#include "notify/channels/webhook.h"
#include "render_fixtures.h"
#include "test_services.h"

using namespace nm;
using namespace nm::render::testing;

namespace {

constexpr const char* kNm = R"(apiVersion: notification.kubesphere.io/v2beta2
kind: NotificationManager
metadata: {name: nm}
spec:
  defaultSecretNamespace: mon
  receivers:
    options:
      global: {template: nm.default.subject}
  template:
    language: zh-cn
    text: {name: tmpl, namespace: mon, key: template}
    languagePack:
      - {name: packs, namespace: mon}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: tmpl, namespace: mon}
data:
  template: |
    {{ define "my.text" }}{{ len .Alerts }} {{ translate "team" }}{{ end }}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: packs, namespace: mon}
data:
  zh: |
    - name: zh-cn
      dictionary: {Team: 团队}
)";

std::string receivers(const std::string& extra) {
  return std::string(R"(
---
apiVersion: notification.kubesphere.io/v2beta2
kind: Receiver
metadata: {name: plain, labels: {type: global}}
spec:
  webhook: {url: "http://127.0.0.1:9/a"}
---
apiVersion: notification.kubesphere.io/v2beta2
kind: Receiver
metadata: {name: json, labels: {type: global}}
spec:
  webhook: {url: "http://127.0.0.1:9/b", template: webhook.default.message}
---
apiVersion: notification.kubesphere.io/v2beta2
kind: Receiver
metadata: {name: custom, labels: {type: global}}
spec:
  webhook:
    url: "http://127.0.0.1:9/c"
    template: my.override
    tmplText: {name: rcv, namespace: mon}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: rcv, namespace: mon}
data:
  a: '{{ define "my.override" }}override {{ template "my.text" . }}{{ end }}'
)") + extra;
}

config::BuildResult build(const std::string& yaml, HttpClient* http) {
  model::Diagnostics diags;
  model::ResourceSet rs;
  model::decodeText(yaml, "conf.yaml", rs, diags);
  EXPECT_TRUE(diags.ok()) << diags.str();
  return config::buildSnapshot(
      std::move(rs),
      config::BuildOptions{http ? &nm::test::servicesFor(*http) : nullptr, "test", 1});
}

void replace(std::string& s, const std::string& from, const std::string& to) {
  const size_t at = s.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  s.replace(at, from.size(), to);
}

const WebhookNotifier& notifier(const config::Snapshot& s, const std::string& key) {
  return dynamic_cast<const WebhookNotifier&>(*s.receiversByKey.at(key)->notifier);
}

}  // namespace

TEST(SnapshotWiring, RendererFromConfigMapsAndTmplText) {
  nm::test::FakeHttpClient http{nm::test::transportError("no network in this test")};
  auto r = build(std::string(kNm) + receivers(""), &http);
  ASSERT_TRUE(r.snapshot) << r.diags.str();
  const auto& s = *r.snapshot;
  ASSERT_TRUE(s.renderer);
  EXPECT_EQ(s.renderer->language(), "zh-cn");
  EXPECT_EQ(renderWith(*s.renderer, "my.text", threeAlerts()), "3 团队");
  const Data d = oneAlert();
  // Global option template (nm.default.subject) applies to a receiver without its own.
  // The configured zh-cn pack ({Team: 团队}) replaces the built-in one: "firing" stays.
  EXPECT_EQ(notifier(s, "webhook/plain").body(d), "[firing] 容器组崩溃循环");
  // The magic name sends the Data JSON.
  auto json = nlohmann::json::parse(notifier(s, "webhook/json").body(d));
  EXPECT_EQ(json["alerts"][0]["labels"]["pod"], "web-1");
  // tmplText parsed on top, seeing the global ConfigMap's defines.
  EXPECT_EQ(notifier(s, "webhook/custom").body(d), "override 1 团队");
  EXPECT_TRUE(s.receiversByKey.at("webhook/custom")->renderer);
  EXPECT_FALSE(s.receiversByKey.at("webhook/plain")->renderer);
}

TEST(SnapshotWiring, RenderFailureFallsBackToDataJson) {
  nm::test::FakeHttpClient http{nm::test::transportError("no network in this test")};
  auto r = build(std::string(kNm) + receivers(R"(
---
apiVersion: notification.kubesphere.io/v2beta2
kind: Receiver
metadata: {name: broken, labels: {type: global}}
spec:
  webhook: {url: "http://127.0.0.1:9/d", template: no.such.template}
)"),
                 &http);
  ASSERT_TRUE(r.snapshot) << r.diags.str();
  const std::string body = notifier(*r.snapshot, "webhook/broken").body(oneAlert());
  auto json = nlohmann::json::parse(body);
  EXPECT_EQ(json["receiver"], "team-a");
  EXPECT_EQ(json["alerts"].size(), 1u);
}

TEST(SnapshotWiring, ConfigMapParseErrorNamesFileDocumentAndKey) {
  std::string yaml = kNm;
  replace(yaml, "{{ end }}", "{{ if }}");
  auto r = build(yaml, nullptr);
  EXPECT_FALSE(r.snapshot);
  const std::string all = r.diags.str();
  EXPECT_NE(all.find("conf.yaml: document 2"), std::string::npos) << all;
  EXPECT_NE(all.find("data.template"), std::string::npos) << all;
  EXPECT_NE(all.find("template: nm:1: missing value for if"), std::string::npos) << all;
}

TEST(SnapshotWiring, MissingConfigMapAndBadPackAreLoadErrors) {
  std::string yaml = kNm;
  replace(yaml, "name: tmpl,", "name: nope,");
  replace(yaml, "dictionary: {Team: 团队}", "dictionary: [x]");
  auto r = build(yaml, nullptr);
  EXPECT_FALSE(r.snapshot);
  const std::string all = r.diags.str();
  EXPECT_NE(all.find("spec.template.text: ConfigMap mon/nope not found"), std::string::npos) << all;
  EXPECT_NE(all.find("data.zh: language pack: [0].dictionary: expected a map of strings"),
            std::string::npos)
      << all;
}

TEST(SnapshotWiring, TmplTextErrorNamesTheReceiverPath) {
  std::string yaml = std::string(kNm) + receivers("");
  replace(yaml, "override {{ template", "override {{ else }}{{ template");
  auto r = build(yaml, nullptr);
  EXPECT_FALSE(r.snapshot);
  const std::string all = r.diags.str();
  EXPECT_NE(all.find("Receiver/custom"), std::string::npos) << all;
  EXPECT_NE(all.find("spec.webhook.tmplText: ConfigMap mon/rcv"), std::string::npos) << all;
}

TEST(SnapshotWiring, NoTemplateConfigurationUsesBuiltinsInEnglish) {
  auto r = build(receivers("").substr(5), nullptr);
  ASSERT_TRUE(r.snapshot) << r.diags.str();
  ASSERT_TRUE(r.snapshot->renderer);
  EXPECT_EQ(r.snapshot->renderer->language(), "English");
}

TEST(SnapshotWiring, GlobalTemplateFilesAreParsedBeforeTheConfigMap) {
  const std::string path = ::testing::TempDir() + "nm_template_file_test.tmpl";
  {
    std::ofstream f(path);
    f << R"({{ define "from.file" }}file {{ len .Alerts }}{{ end }})"
      << R"({{ define "my.text" }}file version, replaced by the ConfigMap{{ end }})";
  }
  std::string yaml = kNm;
  replace(yaml, "global: {template: nm.default.subject}",
          "global: {template: nm.default.subject, templateFile: [\"" + path + "\"]}");
  auto r = build(yaml + receivers(""), nullptr);
  ASSERT_TRUE(r.snapshot) << r.diags.str();
  EXPECT_EQ(renderWith(*r.snapshot->renderer, "from.file", threeAlerts()), "file 3");
  EXPECT_EQ(renderWith(*r.snapshot->renderer, "my.text", threeAlerts()), "3 团队");
  std::remove(path.c_str());

  auto missing = build(yaml + receivers(""), nullptr);
  EXPECT_FALSE(missing.snapshot);
  EXPECT_NE(missing.diags.str().find("spec.receivers.options.global.templateFile[0]: cannot read "
                                     "template file"),
            std::string::npos)
      << missing.diags.str();
}
