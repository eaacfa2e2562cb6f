// The route stage: binds each alert to its receivers (global, the tenants of its namespace, and
// Routers) under the NotificationManager's routePolicy; output is Work::routed.
#pragma once

#include <memory>
#include <mutex>

#include "interfaces/stage.h"
#include "interfaces/tenant_resolver.h"
#include "route/route_index.h"
#include "route/sidecar_tenant_resolver.h"

namespace nm {

// v2.6.0 semantics: tenants come from the `cluster` and `namespace` labels of every alert.
// - candidates: enabled global receivers plus the receivers of every tenant the resolver returns
//   (an alert without a namespace has no tenant receivers);
// - router receivers: from every enabled Router whose alertSelector matches;
// - policy All: router ∪ global ∪ tenant; RouterFirst: router receivers when any router matched,
//   else global ∪ tenant; RouterOnly: router receivers only.
// Receivers are deduped per alert by key; RoutedAlerts come in order of first appearance, alerts
// in arrival order. Unrouted alerts count as no_receiver (route_policy when RouterOnly had no
// matching router). Safe to call from several workers at once.
// `sidecar`, when given, resolves tenants for snapshots whose NotificationManager declares the
// tenant sidecar (spec.sidecars.tenant), at the port declared there unless the sidecar resolver
// has an address of its own; `resolver` for the others.
class RouteStage final : public Stage {
 public:
  explicit RouteStage(const TenantResolver& resolver,
                      const SidecarTenantResolver* sidecar = nullptr)
      : resolver_(resolver), sidecar_(sidecar) {}
  const char* name() const override { return "route"; }
  void process(Work& work) override;

 private:
  std::shared_ptr<const RouteIndex> indexFor(const std::shared_ptr<const config::Snapshot>& s);

  const TenantResolver& resolver_;
  const SidecarTenantResolver* sidecar_;
  std::mutex mu_;
  std::weak_ptr<const config::Snapshot> indexed_;
  std::shared_ptr<const RouteIndex> index_;
};

}  // namespace nm
