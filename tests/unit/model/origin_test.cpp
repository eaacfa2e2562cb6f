// model::Origin::describe for both kinds of origin: a file document (texts unchanged since file
// mode) and an API object (kind, namespace, name, resourceVersion) of the Kubernetes source.
#include <gtest/gtest.h>

#include "model/diagnostics.h"

namespace nm::model {
namespace {

TEST(Origin, FileDocumentTextsUnchanged) {
  EXPECT_EQ((Origin{"receivers.yaml", 2, "Receiver", "team-a"}).describe(),
            "receivers.yaml: document 2 (Receiver/team-a)");
  Origin dir;
  dir.file = "/etc/nm";
  EXPECT_EQ(dir.describe(), "/etc/nm");
  Origin adhoc;
  adhoc.file = "<api receiver>";
  adhoc.kind = "Receiver";
  EXPECT_EQ(adhoc.describe(), "<api receiver> (Receiver)");
  EXPECT_FALSE(adhoc.isApiObject());
}

TEST(Origin, ApiObject) {
  const Origin secret = Origin::apiObject("Secret", "kubesphere", "hook-token", "4711");
  EXPECT_TRUE(secret.isApiObject());
  EXPECT_EQ(secret.describe(), "Secret kubesphere/hook-token (resourceVersion 4711)");
  // v2beta2 kinds are cluster-scoped: no namespace.
  EXPECT_EQ(Origin::apiObject("Receiver", "", "team-a", "").describe(), "Receiver team-a");
  Diagnostics d;
  d.error(Origin::apiObject("Config", "", "c", "9"), "spec.webhook.url", "expected a string");
  EXPECT_EQ(d.str(), "Config c (resourceVersion 9): spec.webhook.url: expected a string");
}

}  // namespace
}  // namespace nm::model
