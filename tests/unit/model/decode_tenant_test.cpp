// Unit tests for what tenants and the cluster name read from resources: the NotificationManager's
// spec.sidecars (tenant sidecar type and port) and v1 Namespace documents.
#include <gtest/gtest.h>

#include "decode_test_util.h"

namespace nm::model {
namespace {

using test::decode;
using test::hasDiag;

const char* kNmHead =
    "apiVersion: notification.kubesphere.io/v2beta2\nkind: NotificationManager\n"
    "metadata: {name: nm}\n";

TEST(DecodeTenant, NoSidecarsMeansNoTenantSidecar) {
  auto d = decode(kNmHead);
  ASSERT_TRUE(d.diags.ok()) << d.diags.str();
  EXPECT_FALSE(d.rs.notificationManagers.at(0).tenantSidecar);
  EXPECT_EQ(d.rs.notificationManagers.at(0).cluster, "");
}

TEST(DecodeTenant, KubeSphereSidecarWithFreeFormContainerFields) {
  auto d = decode(std::string(kNmHead) + R"(spec:
  sidecars:
    tenant:
      type: kubesphere
      name: tenant
      image: kubesphere/notification-tenant-sidecar:v3.2.0
      imagePullPolicy: IfNotPresent
      resources: {limits: {cpu: 500m, memory: 500Mi}}
      ports:
      - {name: metrics, containerPort: 9100}
      - {name: tenant, containerPort: 19095, protocol: TCP}
      env: [{name: X, value: y}]
)");
  ASSERT_TRUE(d.diags.ok()) << d.diags.str();
  const auto& s = d.rs.notificationManagers.at(0).tenantSidecar;
  ASSERT_TRUE(s);
  EXPECT_EQ(s->type, "kubesphere");
  EXPECT_EQ(s->port, 19095);
}

TEST(DecodeTenant, SidecarPortDefaultsAndFirstPort) {
  auto d = decode(std::string(kNmHead) + "spec: {sidecars: {tenant: {type: other}}}\n");
  ASSERT_TRUE(d.diags.ok()) << d.diags.str();
  ASSERT_TRUE(d.rs.notificationManagers.at(0).tenantSidecar);
  EXPECT_EQ(d.rs.notificationManagers.at(0).tenantSidecar->type, "other");
  EXPECT_EQ(d.rs.notificationManagers.at(0).tenantSidecar->port, 19094);

  d = decode(std::string(kNmHead) +
             "spec: {sidecars: {tenant: {type: kubesphere, ports: [{containerPort: 2000}]}}}\n");
  ASSERT_TRUE(d.diags.ok()) << d.diags.str();
  EXPECT_EQ(d.rs.notificationManagers.at(0).tenantSidecar->port, 2000);
}

TEST(DecodeTenant, OtherSidecarsDoNotEnableTenants) {
  auto d = decode(std::string(kNmHead) + "spec: {sidecars: {logger: {type: x, image: y}}}\n");
  ASSERT_TRUE(d.diags.ok()) << d.diags.str();
  EXPECT_FALSE(d.rs.notificationManagers.at(0).tenantSidecar);
}

TEST(DecodeTenant, BadSidecarFieldsNameThePath) {
  auto d = decode(std::string(kNmHead) + "spec: {sidecars: {tenant: {type: [a]}}}\n");
  EXPECT_TRUE(hasDiag(d.diags, "spec.sidecars.tenant.type")) << d.diags.str();
  d = decode(std::string(kNmHead) + "spec: {sidecars: {tenant: {ports: [{containerPort: 0}]}}}\n");
  EXPECT_TRUE(hasDiag(d.diags, "spec.sidecars.tenant.ports[0].containerPort")) << d.diags.str();
  d = decode(std::string(kNmHead) + "spec: {sidecars: [tenant]}\n");
  EXPECT_TRUE(hasDiag(d.diags, "spec.sidecars")) << d.diags.str();
}

TEST(DecodeTenant, Namespace) {
  auto d = decode(R"(apiVersion: v1
kind: Namespace
metadata:
  name: kubesphere-system
  labels: {kubesphere.io/workspace: system-workspace}
  annotations: {cluster.kubesphere.io/name: east}
spec: {finalizers: [kubernetes]}
status: {phase: Active}
)");
  ASSERT_TRUE(d.diags.ok()) << d.diags.str();
  ASSERT_EQ(d.rs.namespaces.size(), 1u);
  const auto& ns = d.rs.namespaces[0];
  EXPECT_EQ(ns.name, "kubesphere-system");
  EXPECT_EQ(ns.labels.get("kubesphere.io/workspace"), "system-workspace");
  EXPECT_EQ(ns.annotations.at("cluster.kubesphere.io/name"), "east");
  EXPECT_EQ(ns.origin.kind, "Namespace");
}

TEST(DecodeTenant, NamespaceInAListAndItsErrors) {
  auto d = decode(R"(apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Namespace, metadata: {name: a}}
- {apiVersion: v1, kind: Namespace, metadata: {name: b, annotations: [x]}}
)");
  EXPECT_EQ(d.rs.namespaces.size(), 2u);
  EXPECT_TRUE(hasDiag(d.diags, "items[1].metadata.annotations")) << d.diags.str();
  d = decode("apiVersion: v2\nkind: Namespace\nmetadata: {name: a}\n");
  EXPECT_TRUE(hasDiag(d.diags, "apiVersion")) << d.diags.str();
}

}  // namespace
}  // namespace nm::model
