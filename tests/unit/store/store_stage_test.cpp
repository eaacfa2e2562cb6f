// StoreStage: the snapshot's resolveTimeout reaches the store; resolved alerts are noted on the
// Work for the daemon's resolvedNotified hook.
#include "store/store_stage.h"

#include <gtest/gtest.h>

#include "interfaces/snapshot.h"
#include "store_test_util.h"

namespace nm::store {
namespace {

using test::A;
using test::at;

TEST(StoreStage, PutsWithSnapshotTimeoutAndNotesResolved) {
  MemoryAlertStore s({}, nullptr, nullptr, nullptr);
  StoreStage stage(s);
  auto snap = std::make_shared<config::Snapshot>();
  snap->nm.resolveTimeout = std::chrono::seconds(7);
  Work w;
  w.snapshot = snap;
  w.now = at(1);
  A firing;
  A resolved;
  resolved.labels.set("pod", "p2");
  resolved.status = AlertStatus::Resolved;
  resolved.endsAt = at(1);
  w.alerts = {firing.make(), resolved.make()};
  stage.process(w);
  EXPECT_EQ(s.resolveTimeout(), std::chrono::seconds(7));
  ASSERT_EQ(w.alerts.size(), 2u);
  ASSERT_EQ(w.resolvedFingerprints.size(), 1u);
  EXPECT_EQ(w.resolvedFingerprints[0], w.alerts[1]->fingerprint);
  s.forEach([](const StoredAlert& sa) {
    if (sa.endsAtFromTimeout) {
      EXPECT_EQ(sa.alert->endsAt, at(7));
    }
  });
}

}  // namespace
}  // namespace nm::store
