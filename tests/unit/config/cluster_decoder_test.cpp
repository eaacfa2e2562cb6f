// ClusterSource's decoding of stored API objects without a server (DecodedObject, ClusterDecoder):
// a v2beta1 object converted with its warning reported once per resourceVersion, invalid objects
// skipped, the fingerprint's unchanged shortcut, references and exact sizes of the load.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "config/cluster_decoder.h"
#include "config/cluster_object.h"

namespace nm::config::test {
namespace {

kube::ObjectPtr object(std::string kind, std::string name, std::string rv, std::string json) {
  auto o = std::make_shared<kube::StoredObject>();
  o->kind = std::move(kind);
  o->apiVersion = "notification.kubesphere.io/v2beta2";
  o->uid = "uid-" + name;
  o->name = std::move(name);
  o->resourceVersion = std::move(rv);
  o->json = std::move(json);
  // As the reflector stores it: decoded once, without its JSON.
  o->digest = DecodedObject::decode(*o);
  std::string().swap(o->json);
  return o;
}

kube::ObjectPtr v2beta1Receiver(const std::string& rv, const std::string& url) {
  return object("Receiver", "old", rv,
                R"({"apiVersion":"notification.kubesphere.io/v2beta1","kind":"Receiver",)"
                R"("metadata":{"name":"old","resourceVersion":")" +
                    rv +
                    R"(","labels":{"type":"global"}},)"
                    R"("spec":{"webhook":{"url":")" +
                    url + R"("}}})");
}

kube::ObjectPtr v2beta2Receiver(const std::string& name, const std::string& rv,
                                const std::string& url) {
  return object("Receiver", name, rv,
                R"({"apiVersion":"notification.kubesphere.io/v2beta2","kind":"Receiver",)"
                R"("metadata":{"name":")" +
                    name + R"("},"spec":{"webhook":{"url":")" + url + R"("}}})");
}

std::vector<std::string> receiverNames(const SourceLoad& l) {
  std::vector<std::string> out;
  for (const auto& r : l.config.resources.receivers) out.push_back(r.name);
  return out;
}

TEST(ClusterDecoder, V2beta1ObjectLoadsConvertedWithItsWarningOncePerVersion) {
  ClusterDecoder d;
  std::vector<kube::ObjectPtr> objs{v2beta1Receiver("7", "http://a/"),
                                    v2beta2Receiver("new", "3", "http://b/")};
  SourceLoad first = d.load(objs, "cluster:test");
  ASSERT_TRUE(first.diags.ok()) << first.diags.str();
  EXPECT_EQ(receiverNames(first), (std::vector<std::string>{"old", "new"}));
  ASSERT_EQ(first.diags.warnings().size(), 1u);
  const std::string w = first.diags.warnings()[0].str();
  EXPECT_EQ(w.rfind("Receiver old (resourceVersion 7): apiVersion: apiVersion "
                    "notification.kubesphere.io/v2beta1 is deprecated",
                    0),
            0u)
      << w;
  EXPECT_TRUE(first.config.skipped.items().empty());

  // Another object changed (a full load, not the unchanged shortcut): the v2beta1 object's
  // decode is reused and its warning not repeated.
  objs[1] = v2beta2Receiver("new", "4", "http://c/");
  SourceLoad second = d.load(objs, "cluster:test", first.config.fingerprint);
  EXPECT_FALSE(second.unchanged);
  EXPECT_EQ(receiverNames(second), (std::vector<std::string>{"old", "new"}));
  EXPECT_TRUE(second.diags.warnings().empty());

  // The v2beta1 object edited: a new resourceVersion, warned again.
  objs[0] = v2beta1Receiver("8", "http://d/");
  SourceLoad third = d.load(objs, "cluster:test", second.config.fingerprint);
  ASSERT_EQ(third.diags.warnings().size(), 1u);
  EXPECT_NE(third.diags.warnings()[0].str().find("(resourceVersion 8)"), std::string::npos);
}

TEST(ClusterDecoder, SameObjectsAreUnchangedWithoutDecoding) {
  ClusterDecoder d;
  std::vector<kube::ObjectPtr> objs{v2beta2Receiver("a", "1", "http://a/")};
  SourceLoad first = d.load(objs, "cluster:test");
  EXPECT_FALSE(first.unchanged);
  EXPECT_EQ(first.config.fingerprint, ClusterDecoder::fingerprint(objs));
  SourceLoad again = d.load(objs, "cluster:test", first.config.fingerprint);
  EXPECT_TRUE(again.unchanged);
  EXPECT_TRUE(again.config.resources.receivers.empty());
}

TEST(ClusterDecoder, InvalidObjectIsSkippedAndNamedWhileOthersLoad) {
  ClusterDecoder d;
  std::vector<kube::ObjectPtr> objs{
      v2beta2Receiver("good", "1", "http://a/"),
      object("Receiver", "bad", "2",
             R"({"apiVersion":"notification.kubesphere.io/v2beta2","kind":"Receiver",)"
             R"("metadata":{"name":"bad"},"spec":{"webhook":{"url":5,"enabled":"yes"}}})")};
  SourceLoad l = d.load(objs, "cluster:test");
  EXPECT_TRUE(l.diags.ok()) << l.diags.str();
  EXPECT_TRUE(l.config.skipInvalidObjects);
  EXPECT_EQ(receiverNames(l), (std::vector<std::string>{"good"}));
  ASSERT_FALSE(l.config.skipped.items().empty());
  EXPECT_EQ(
      l.config.skipped.items()[0].str().rfind("Receiver bad (resourceVersion 2): spec.webhook.", 0),
      0u)
      << l.config.skipped.str();
  EXPECT_EQ(l.config.items, 2u);
  ASSERT_TRUE(l.config.secrets);
}

TEST(ClusterDecoder, ObjectDeletedAndRecreatedIsDecodedAgain) {
  ClusterDecoder d;
  SourceLoad first = d.load({v2beta1Receiver("7", "http://a/")}, "cluster:test");
  EXPECT_EQ(first.diags.warnings().size(), 1u);
  SourceLoad gone = d.load({}, "cluster:test", first.config.fingerprint);
  EXPECT_TRUE(gone.config.resources.receivers.empty());
  // Recreated with the same resourceVersion text (another cluster, a restored backup): the cache
  // forgot the deleted object, so it is decoded and warned about again.
  SourceLoad back =
      d.load({v2beta1Receiver("7", "http://a/")}, "cluster:test", gone.config.fingerprint);
  EXPECT_EQ(back.diags.warnings().size(), 1u);
  EXPECT_EQ(receiverNames(back), (std::vector<std::string>{"old"}));
}

TEST(DecodedObject, KeepsTheReferencesAndTheDefaultSecretNamespace) {
  auto nm = object("NotificationManager", "nm", "1",
                   R"({"apiVersion":"notification.kubesphere.io/v2beta2",)"
                   R"("kind":"NotificationManager","metadata":{"name":"nm"},)"
                   R"("spec":{"defaultSecretNamespace":"sec",)"
                   R"("template":{"text":{"name":"tmpl","namespace":"t-ns"}}}})");
  auto d = DecodedObject::of(*nm);
  EXPECT_EQ(d->defaultSecretNamespace, "sec");
  EXPECT_EQ(d->refs.configMaps, (std::set<kube::NamespacedName>{{"t-ns", "tmpl"}}));
  EXPECT_EQ(d.get(), nm->digest.get()) << "the stored digest is used, not a new decode";

  auto r = object("Receiver", "r", "2",
                  R"({"apiVersion":"notification.kubesphere.io/v2beta2","kind":"Receiver",)"
                  R"("metadata":{"name":"r"},"spec":{"webhook":{"url":"http://a/",)"
                  R"("httpConfig":{"bearerToken":{"valueFrom":{"secretKeyRef":)"
                  R"({"name":"tok","key":"k"}}}}}}})");
  EXPECT_EQ(DecodedObject::of(*r)->refs.secrets, (std::set<kube::NamespacedName>{{"", "tok"}}));
  EXPECT_TRUE(DecodedObject::of(*r)->defaultSecretNamespace.empty());
}

TEST(DecodedObject, ObjectWithoutDigestIsDecodedFromItsJson) {
  auto o = std::make_shared<kube::StoredObject>();
  o->kind = "Receiver";
  o->name = "plain";
  o->resourceVersion = "1";
  o->json = R"({"apiVersion":"notification.kubesphere.io/v2beta2","kind":"Receiver",)"
            R"("metadata":{"name":"plain"},"spec":{"webhook":{"url":"http://a/"}}})";
  SourceLoad l = ClusterDecoder::load({o}, "cluster:test");
  EXPECT_EQ(receiverNames(l), (std::vector<std::string>{"plain"}));
}

TEST(ClusterDecoder, LoadHoldsEveryKindExactlySized) {
  std::vector<kube::ObjectPtr> objs;
  for (int i = 0; i < 5; ++i)
    objs.push_back(v2beta2Receiver("r" + std::to_string(i), "1", "http://a/"));
  objs.push_back(object("Secret", "s", "1",
                        R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s",)"
                        R"("namespace":"ns"},"stringData":{"k":"v"}})"));
  SourceLoad l = ClusterDecoder::load(objs, "cluster:test");
  EXPECT_EQ(l.config.resources.receivers.size(), 5u);
  EXPECT_EQ(l.config.resources.receivers.capacity(), 5u);
  ASSERT_EQ(l.config.resources.secrets.size(), 1u);
  EXPECT_EQ(l.config.resources.secrets[0].data.at("k"), "v");
  EXPECT_EQ(l.config.resources.secrets.capacity(), 1u);
  EXPECT_TRUE(l.config.resources.configs.empty());
}

}  // namespace
}  // namespace nm::config::test
