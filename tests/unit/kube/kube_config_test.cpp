// Kubeconfig parsing (current context, token, CA and client certificate, errors naming the file
// and field) and the in-cluster configuration from a service-account folder the test writes.
#include "kube/kube_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/tz_env.h"

namespace nm::kube {
namespace {
using test::ScopedEnv;

const char* kConfig = R"(apiVersion: v1
kind: Config
current-context: dev
contexts:
- name: other
  context: {cluster: c2, user: u2}
- name: dev
  context: {cluster: c1, user: u1, namespace: monitoring}
clusters:
- name: c1
  cluster:
    server: https://127.0.0.1:6443/
    certificate-authority-data: Q0EtUEVN
- name: c2
  cluster: {server: https://other:443}
users:
- name: u1
  user:
    token: abc
    client-certificate: certs/client.crt
    client-key-data: S0VZ
- name: u2
  user: {token: zzz}
)";

TEST(KubeconfigTest, CurrentContextPicksClusterUserAndNamespace) {
  ScopedEnv ns("NAMESPACE", nullptr), pod("POD_NAMESPACE", nullptr);
  std::string error;
  auto c = parseKubeconfig(kConfig, "/home/me/.kube/config", error);
  ASSERT_TRUE(c) << error;
  EXPECT_EQ(c->server, "https://127.0.0.1:6443");
  EXPECT_EQ(c->caData, "CA-PEM");
  EXPECT_EQ(c->token, "abc");
  EXPECT_EQ(c->clientCertFile, "/home/me/.kube/certs/client.crt");
  EXPECT_EQ(c->clientKeyData, "KEY");
  EXPECT_EQ(c->ns, "monitoring");
  EXPECT_FALSE(c->insecureSkipTlsVerify);
}

TEST(KubeconfigTest, NamespaceEnvWinsOverContext) {
  ScopedEnv ns("NAMESPACE", "kubesphere-monitoring-system");
  std::string error;
  auto c = parseKubeconfig(kConfig, "k", error);
  ASSERT_TRUE(c) << error;
  EXPECT_EQ(c->ns, "kubesphere-monitoring-system");
}

TEST(KubeconfigTest, InsecureAndTokenFile) {
  std::string error;
  auto c = parseKubeconfig(R"(current-context: x
contexts: [{name: x, context: {cluster: x, user: x}}]
clusters: [{name: x, cluster: {server: "https://h:1", insecure-skip-tls-verify: true}}]
users: [{name: x, user: {tokenFile: /run/token}}])",
                           "k", error);
  ASSERT_TRUE(c) << error;
  EXPECT_TRUE(c->insecureSkipTlsVerify);
  EXPECT_EQ(c->tokenFile, "/run/token");
}

struct BadCase {
  const char* text;
  const char* error;
};

TEST(KubeconfigTest, ErrorsNameTheFileAndField) {
  const BadCase cases[] = {
      {"clusters: []", "/k: current-context: required field is missing"},
      {"current-context: x\ncontexts: []", "/k: contexts: no entry named \"x\""},
      {"current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\nclusters: [{name: c, "
       "cluster: {}}]",
       "/k: clusters[c].cluster.server: required field is missing"},
      {"current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\nclusters: [{name: c, "
       "cluster: {server: 'https://h', certificate-authority-data: '%%%'}}]",
       "/k: clusters[c].cluster.certificate-authority-data: invalid base64"},
      {"current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\nclusters: "
       "[{name: c, cluster: {server: 'https://h'}}]\nusers: [{name: u, user: {client-certificate: "
       "a.crt}}]",
       "/k: users[u].user.client-key: required with client-certificate"},
      {"current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\nclusters: [{name: c, "
       "cluster: {server: 'h:1'}}]",
       "/k: clusters[c].cluster.server: \"h:1\" is not an http(s) URL"},
      {"a: [", "/k: YAML syntax error at line"},
  };
  for (const auto& c : cases) {
    std::string error;
    EXPECT_FALSE(parseKubeconfig(c.text, "/k", error)) << c.text;
    EXPECT_NE(error.find(c.error), std::string::npos) << error << " for " << c.text;
  }
}

TEST(KubeconfigTest, UnreadableFile) {
  std::string error;
  EXPECT_FALSE(loadKubeconfig("/nonexistent/kubeconfig", error));
  EXPECT_EQ(error, "cannot read kubeconfig /nonexistent/kubeconfig");
}

class InClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("nm-sa-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const char* name, const char* text) { std::ofstream(dir_ / name) << text; }
  std::filesystem::path dir_;
};

TEST_F(InClusterTest, ServiceAccountFolder) {
  write("token", "tok-1\n");
  write("ca.crt", "PEM");
  write("namespace", "kubesphere-monitoring-system\n");
  ScopedEnv sa("NM_SERVICEACCOUNT_DIR", dir_.c_str());
  ScopedEnv host("KUBERNETES_SERVICE_HOST", "10.96.0.1"), port("KUBERNETES_SERVICE_PORT", "443");
  ScopedEnv ns("NAMESPACE", nullptr), pod("POD_NAMESPACE", nullptr);
  std::string error;
  auto c = inClusterConfig(error);
  ASSERT_TRUE(c) << error;
  EXPECT_EQ(c->server, "https://10.96.0.1:443");
  EXPECT_EQ(c->tokenFile, (dir_ / "token").string());
  EXPECT_EQ(c->caFile, (dir_ / "ca.crt").string());
  EXPECT_EQ(c->ns, "kubesphere-monitoring-system");
  {
    ScopedEnv podNs("POD_NAMESPACE", "from-pod");
    EXPECT_EQ(inClusterConfig(error)->ns, "from-pod");
  }
  std::filesystem::remove(dir_ / "namespace");
  EXPECT_EQ(inClusterConfig(error)->ns, "default");
}

TEST_F(InClusterTest, Ipv6HostAndMissingToken) {
  write("ca.crt", "PEM");
  ScopedEnv sa("NM_SERVICEACCOUNT_DIR", dir_.c_str());
  ScopedEnv host("KUBERNETES_SERVICE_HOST", "fd00::1"), port("KUBERNETES_SERVICE_PORT", "6443");
  std::string error;
  EXPECT_FALSE(inClusterConfig(error));
  EXPECT_EQ(error, "in-cluster configuration: service account token " + (dir_ / "token").string() +
                       " cannot be read");
  write("token", "t");
  auto c = inClusterConfig(error);
  ASSERT_TRUE(c) << error;
  EXPECT_EQ(c->server, "https://[fd00::1]:6443");
}

TEST_F(InClusterTest, NeedsTheServiceEnvironment) {
  ScopedEnv host("KUBERNETES_SERVICE_HOST", nullptr);
  std::string error;
  EXPECT_FALSE(inClusterConfig(error));
  EXPECT_NE(error.find("KUBERNETES_SERVICE_HOST"), std::string::npos);
}

}  // namespace
}  // namespace nm::kube
