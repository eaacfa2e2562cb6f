// The KubeSphere tenant sidecar behind the TenantResolver seam: GET
// /api/v2/tenant?cluster=&namespace= on the sidecar, cached per (cluster, namespace), with a
// timeout and a counted fallback.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "interfaces/http_client.h"
#include "interfaces/tenant_resolver.h"
#include "observe/metrics.h"

namespace nm {

struct SidecarTenantOptions {
  // host:port of the sidecar; empty: localhost and the port the NotificationManager declares for
  // its tenant container (spec.sidecars.tenant, 19094 unless another is declared).
  std::string address;
  Duration timeout = std::chrono::seconds(2);
  Duration ttl = std::chrono::seconds(30);        // an answer is reused this long
  Duration failureTtl = std::chrono::seconds(5);  // a failure is reused this long
  size_t maxEntries = 10000;                      // (cluster, namespace) pairs kept
};

// tenants(): 200 with a JSON array of strings → those users; anything else (status, body,
// transport error, timeout) → no tenants, so the alert reaches global receivers only, logged
// (at most once per 10 s) and counted. Thread-safe: concurrent lookups of a key that is not
// cached share one request; a lookup blocks its caller at most the timeout (plus a grace).
class SidecarTenantResolver final : public TenantResolver {
 public:
  using SteadyClock = std::function<std::chrono::steady_clock::time_point()>;
  SidecarTenantResolver(HttpClient& http, metrics::Registry& reg, SidecarTenantOptions options,
                        SteadyClock clock = {});
  // The sidecar at the default port (19094) unless an address was configured.
  std::vector<std::string> tenants(std::string_view cluster, std::string_view ns) const override;
  // The sidecar of a NotificationManager whose tenant container listens on `specPort`.
  std::vector<std::string> tenantsAt(int specPort, std::string_view cluster,
                                     std::string_view ns) const;
  // "host:port" asked for `specPort`: the configured address, else localhost:<specPort>.
  std::string address(int specPort) const;

  // This resolver bound to one declared port, behind the TenantResolver seam.
  class AtPort final : public TenantResolver {
   public:
    AtPort(const SidecarTenantResolver& r, int specPort) : r_(r), port_(specPort) {}
    std::vector<std::string> tenants(std::string_view cluster, std::string_view ns) const override {
      return r_.tenantsAt(port_, cluster, ns);
    }

   private:
    const SidecarTenantResolver& r_;
    int port_;
  };

 private:
  struct State;  // shared with requests in flight, which may outlive this object
  HttpClient& http_;
  std::shared_ptr<State> state_;
};

}  // namespace nm
