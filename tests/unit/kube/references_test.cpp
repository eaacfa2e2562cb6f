// Reference collection from raw objects: secretKeyRef anywhere in spec (default namespace when
// absent), template and language-pack ConfigMaps, receiver tmplText; and the Event body.
#include "kube/references.h"

#include <gtest/gtest.h>

#include "core/json.h"
#include "kube/event_poster.h"

namespace nm::kube {
namespace {

References collect(const char* text, const std::string& ns = "ns-default") {
  json::Parsed p = json::parse(text);
  EXPECT_TRUE(p.ok()) << p.error;
  References r;
  collectReferences(p.doc, ns, r);
  return r;
}

TEST(ReferencesTest, SecretKeyRefsAnywhereInSpec) {
  auto r = collect(R"({"kind":"Config","spec":{"webhook":{"service":{},"httpConfig":{
      "bearerToken":{"valueFrom":{"secretKeyRef":{"name":"tok","key":"t"}}},
      "tlsConfig":{"rootCA":{"valueFrom":{"secretKeyRef":{"namespace":"x","name":"ca","key":"c"}}}}}},
      "email":{"authPassword":{"value":"inline"}},
      "list":[{"secretKeyRef":{"name":"in-list","key":"k"}}]},
      "metadata":{"annotations":{"secretKeyRef":{"name":"not-spec"}}}})");
  EXPECT_EQ(r.secrets, (std::set<NamespacedName>{
                           {"ns-default", "tok"}, {"x", "ca"}, {"ns-default", "in-list"}}));
  EXPECT_TRUE(r.configMaps.empty());
}

TEST(ReferencesTest, TemplateConfigMaps) {
  auto nm = collect(R"({"spec":{"defaultSecretNamespace":"sec","template":{
      "text":{"name":"tmpl","namespace":"t-ns"},
      "languagePack":[{"name":"zh"},{"name":"de","namespace":"p"}]}}})");
  EXPECT_EQ(nm.configMaps,
            (std::set<NamespacedName>{{"t-ns", "tmpl"}, {"ns-default", "zh"}, {"p", "de"}}));
  auto recv = collect(R"({"spec":{"webhook":{"tmplText":{"name":"hook-tmpl","key":"t"}},
      "email":{"tmplText":{"name":"mail","namespace":"m"}}}})");
  EXPECT_EQ(recv.configMaps,
            (std::set<NamespacedName>{{"ns-default", "hook-tmpl"}, {"m", "mail"}}));
  json::Parsed p = json::parse(R"({"spec":{"defaultSecretNamespace":"sec"}})");
  EXPECT_EQ(defaultSecretNamespaceOf(p.doc), "sec");
}

TEST(ReferencesTest, NoSpecNoReferences) {
  EXPECT_EQ(collect(R"({"kind":"Receiver"})"), References{});
  EXPECT_EQ(collect(R"({"spec":{"webhook":{"tmplText":{"key":"no-name"}}}})"), References{});
}

TEST(EventPosterTest, BodyNamesTheObject) {
  InvolvedObject o{"notification.kubesphere.io/v2beta2", "Receiver", "", "bad", "u-1", "42"};
  json::Parsed p = json::parse(EventPoster::body(o, "nm-ns", "bad.17", "InvalidResource",
                                                 "spec.webhook.url: required", "Warning",
                                                 "2026-01-01T00:00:00Z"));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(json::stringMember(p.doc, "reason"), "InvalidResource");
  EXPECT_EQ(json::stringMember(p.doc, "type"), "Warning");
  const auto* io = json::find(p.doc, "involvedObject");
  ASSERT_TRUE(io);
  EXPECT_EQ(json::stringMember(*io, "kind"), "Receiver");
  EXPECT_EQ(json::stringMember(*io, "uid"), "u-1");
  EXPECT_EQ(json::stringMember(*io, "resourceVersion"), "42");
  EXPECT_FALSE(json::find(*io, "namespace"));
  EXPECT_EQ(json::stringMember(*json::find(p.doc, "metadata"), "namespace"), "nm-ns");
  EXPECT_EQ(json::stringMember(*json::find(p.doc, "source"), "component"), "notification-manager");
  EXPECT_EQ(json::intMember(p.doc, "count"), 1);
}

}  // namespace
}  // namespace nm::kube
