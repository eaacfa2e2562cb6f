// Secret resolution: inline values, secretKeyRef with and without namespace, missing secret/key
// errors that name the reference and never the value.
#include "config/secret_resolver.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "config_test_util.h"

namespace nm::config::test {
namespace {

model::Credential ref(std::string ns, std::string name, std::string key) {
  model::Credential c;
  c.secretKeyRef = model::SecretKeySelector{std::move(ns), std::move(name), std::move(key)};
  return c;
}

std::vector<model::SecretResource> secrets() {
  model::Diagnostics diags;
  auto rs = decodeYaml(
      "apiVersion: v1\nkind: Secret\nmetadata: {name: tok, namespace: mon}\n"
      "stringData: {token: s3cr3t-mon}\n---\n"
      "apiVersion: v1\nkind: Secret\nmetadata: {name: tok}\nstringData: {token: s3cr3t-def}\n",
      diags);
  EXPECT_TRUE(diags.ok()) << diags.str();
  return rs.secrets;
}

TEST(SecretResolver, InlineValue) {
  ResourceSecretResolver r(secrets(), "mon");
  model::Credential c;
  c.value = "inline";
  std::string err;
  EXPECT_EQ(r.resolve(c, err), "inline");
}

TEST(SecretResolver, SecretKeyRefExplicitAndDefaultNamespace) {
  ResourceSecretResolver r(secrets(), "mon");
  std::string err;
  EXPECT_EQ(r.resolve(ref("default", "tok", "token"), err), "s3cr3t-def");
  EXPECT_EQ(r.resolve(ref("", "tok", "token"), err), "s3cr3t-mon");
}

TEST(SecretResolver, MissingSecretOrKeyNamesReference) {
  ResourceSecretResolver r(secrets(), "mon");
  std::string err;
  EXPECT_FALSE(r.resolve(ref("", "nope", "token"), err));
  EXPECT_EQ(err, "secret mon/nope not found");
  EXPECT_FALSE(r.resolve(ref("mon", "tok", "other"), err));
  EXPECT_NE(err.find("\"other\""), std::string::npos);
  EXPECT_NE(err.find("mon/tok"), std::string::npos);
  EXPECT_EQ(err.find("s3cr3t"), std::string::npos);
}

TEST(SecretResolver, DefaultNamespaceOrder) {
  model::NotificationManager nm;
  nm.defaultSecretNamespace = "from-nm";
  EXPECT_EQ(defaultSecretNamespace(nm), "from-nm");
  nm.defaultSecretNamespace.clear();
  setenv("NAMESPACE", "from-env", 1);
  EXPECT_EQ(defaultSecretNamespace(nm), "from-env");
  unsetenv("NAMESPACE");
  EXPECT_EQ(defaultSecretNamespace(nm), "default");
}

TEST(SecretResolver, SnapshotUsesNotificationManagerNamespace) {
  auto r = build(std::string(kV2) +
                 "kind: NotificationManager\nmetadata: {name: nm}\n"
                 "spec: {defaultSecretNamespace: mon}\n---\n"
                 "apiVersion: v1\nkind: Secret\nmetadata: {name: tok, namespace: mon}\n"
                 "data: {token: aGk=}\n");
  ASSERT_TRUE(r.snapshot) << r.diags.str();
  std::string err;
  EXPECT_EQ(r.snapshot->secrets->resolve(ref("", "tok", "token"), err), "hi");
}

}  // namespace
}  // namespace nm::config::test
