// The cluster name in the reference's order: options.global.cluster, kubesphere-system's
// annotation, kubesphere-config's multicluster.clusterName, "default"; and on the built snapshot.
#include "config/cluster_name.h"

#include <gtest/gtest.h>

#include "config_test_util.h"

namespace nm::config::test {
namespace {

const std::string kNm = std::string(kV2) + "kind: NotificationManager\nmetadata: {name: nm}\n";
const std::string kNmWithCluster =
    kNm + "spec: {receivers: {tenantKey: user, options: {global: {cluster: from-nm}}}}\n";
const std::string kNamespace =
    "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: kubesphere-system\n"
    "  annotations: {cluster.kubesphere.io/name: from-namespace}\n";
const std::string kOtherNamespace =
    "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: other\n"
    "  annotations: {cluster.kubesphere.io/name: wrong}\n";

std::string kubesphereConfig(const std::string& yaml) {
  return "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: kubesphere-config, namespace: "
         "kubesphere-system}\ndata:\n  kubesphere.yaml: |\n" +
         yaml;
}
const std::string kConfigMap =
    kubesphereConfig("    multicluster:\n      clusterRole: member\n      clusterName: from-cm\n");

std::string resolve(const std::string& yaml) {
  model::Diagnostics diags;
  auto rs = decodeYaml(yaml, diags);
  EXPECT_TRUE(diags.ok()) << diags.str();
  const model::NotificationManager nm = rs.notificationManagers.empty()
                                            ? defaultNotificationManager()
                                            : rs.notificationManagers.front();
  return resolveClusterName(nm, rs);
}

TEST(ClusterName, InTheReferenceOrder) {
  EXPECT_EQ(resolve(kNmWithCluster + kNamespace + kConfigMap), "from-nm");
  EXPECT_EQ(resolve(kNm + kNamespace + kConfigMap), "from-namespace");
  EXPECT_EQ(resolve(kNm + kOtherNamespace + kConfigMap), "from-cm");
  EXPECT_EQ(resolve(kNm + kOtherNamespace), "default");
  EXPECT_EQ(resolve(kNm), "default");
}

TEST(ClusterName, ConfigMapWithoutTheFieldOrUnparsableFallsThrough) {
  EXPECT_EQ(resolve(kNm + kubesphereConfig("    authentication: {}\n")), "default");
  EXPECT_EQ(resolve(kNm + kubesphereConfig("    multicluster: [a, b]\n")), "default");
  // Not YAML: a warning, not a refusal.
  EXPECT_EQ(resolve(kNm + kubesphereConfig("    multicluster: {clusterName: [\n")), "default");
}

TEST(ClusterName, OnTheBuiltSnapshot) {
  auto r = build(kNm + kNamespace);
  ASSERT_TRUE(r.snapshot) << r.diags.str();
  EXPECT_EQ(r.snapshot->cluster, "from-namespace");
  r = build(kNm);
  ASSERT_TRUE(r.snapshot) << r.diags.str();
  EXPECT_EQ(r.snapshot->cluster, "default");
}

}  // namespace
}  // namespace nm::config::test
