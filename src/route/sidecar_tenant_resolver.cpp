// The tenant sidecar client: a cache of (cluster, namespace) → users with per-key request
// coalescing; the HTTP answer fills the cache on the client's thread and wakes every waiter.
#include "route/sidecar_tenant_resolver.h"

#include <atomic>
#include <future>
#include <mutex>
#include <unordered_map>

#include "core/json.h"
#include "model/resources.h"
#include "observe/log.h"

namespace nm {

namespace {

using Steady = std::chrono::steady_clock;
constexpr auto kWarnEvery = std::chrono::seconds(10);
// How long a caller waits beyond the request timeout before treating the answer as lost.
constexpr auto kGrace = std::chrono::seconds(1);

void percentEncode(std::string& out, std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  for (unsigned char c : s) {
    const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '.' || c == '_' || c == '~';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
}

// 200 with a JSON array of strings; the reason otherwise.
bool parseUsers(const HttpResponse& resp, std::vector<std::string>& users, std::string& why) {
  if (resp.status != 200) {
    why = resp.status == 0 ? resp.error : "status " + std::to_string(resp.status);
    return false;
  }
  json::Parsed p = json::parse(resp.body);
  if (!p.ok()) {
    why = "body is not JSON: " + p.error;
    return false;
  }
  if (!p.doc.IsArray()) {
    why = "body is not a JSON array";
    return false;
  }
  for (const auto& v : p.doc.GetArray()) {
    if (!v.IsString()) {
      why = "body is not a JSON array of strings";
      return false;
    }
    users.emplace_back(v.GetString(), v.GetStringLength());
  }
  return true;
}

struct Outcome {
  bool ok = false;
  std::vector<std::string> tenants;
};

struct Entry {
  bool has = false;
  Outcome value;
  Steady::time_point expires;
  std::shared_future<Outcome> pending;  // valid while a request is in flight
};

metrics::Counter& requests(metrics::Registry& reg, std::string_view result) {
  return reg
      .counter("nm_tenant_sidecar_requests_total", "Requests to the tenant sidecar by result.",
               {"result"})
      .with({result});
}

}  // namespace

struct SidecarTenantResolver::State {
  SidecarTenantOptions options;
  SteadyClock clock;
  metrics::Counter& ok;
  metrics::Counter& error;
  metrics::Counter& timeout;
  metrics::Counter& fallbacks;
  std::mutex mu;
  std::unordered_map<std::string, Entry> cache;
  std::atomic<int64_t> lastWarn{0};  // steady ns of the last warning; 0: none yet
  std::atomic<uint64_t> suppressed{0};

  static std::string url(const std::string& address, std::string_view cluster,
                         std::string_view ns) {
    std::string u = "http://" + address + "/api/v2/tenant?cluster=";
    percentEncode(u, cluster);
    u += "&namespace=";
    percentEncode(u, ns);
    return u;
  }

  std::vector<std::string> answer(const Outcome& o) {
    if (o.ok) return o.tenants;
    fallbacks.inc();
    return {};
  }

  void complete(const std::string& key, const std::string& address, const HttpResponse& resp,
                std::promise<Outcome>& promise) {
    Outcome o;
    std::string why;
    o.ok = parseUsers(resp, o.tenants, why);
    const bool timedOut = !o.ok && resp.status == 0 && resp.error.starts_with("timeout");
    (o.ok ? ok : timedOut ? timeout : error).inc();
    if (!o.ok) warn(key, address, timedOut ? "timeout" : "error", why);
    {
      std::lock_guard<std::mutex> g(mu);
      Entry& e = cache[key];
      e.has = true;
      e.value = o;
      e.expires = clock() + (o.ok ? options.ttl : options.failureTtl);
      e.pending = {};
    }
    promise.set_value(std::move(o));
  }

  // Drops expired entries, then, when still full, every settled one.
  void evictLocked(Steady::time_point now) {
    std::erase_if(cache, [now](const auto& kv) {
      return !kv.second.pending.valid() && kv.second.has && kv.second.expires <= now;
    });
    if (cache.size() < options.maxEntries) return;
    std::erase_if(cache, [](const auto& kv) { return !kv.second.pending.valid(); });
  }

  // At most one warning per kWarnEvery; the next one says how many were held back.
  // `key` is address NUL cluster NUL namespace; the log shows cluster/namespace.
  void warn(std::string key, const std::string& address, std::string_view result,
            const std::string& why) {
    const int64_t nowNs =
        std::chrono::duration_cast<std::chrono::nanoseconds>(Steady::now().time_since_epoch())
            .count();
    const int64_t every = std::chrono::duration_cast<std::chrono::nanoseconds>(kWarnEvery).count();
    int64_t last = lastWarn.load(std::memory_order_relaxed);
    if ((last != 0 && nowNs - last < every) ||
        !lastWarn.compare_exchange_strong(last, nowNs, std::memory_order_relaxed)) {
      suppressed.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    key.erase(0, key.find('\0') + 1);
    if (auto nul = key.find('\0'); nul != std::string::npos) key[nul] = '/';
    const std::string held = std::to_string(suppressed.exchange(0, std::memory_order_relaxed));
    log::warn("tenant sidecar lookup failed; the alerts reach global receivers only",
              {{"cluster_namespace", key},
               {"result", result},
               {"error", why},
               {"address", address},
               {"suppressed_since_last", held}});
  }
};

SidecarTenantResolver::SidecarTenantResolver(HttpClient& http, metrics::Registry& reg,
                                             SidecarTenantOptions options, SteadyClock clock)
    : http_(http),
      state_(new State{std::move(options),
                       clock ? std::move(clock) : SteadyClock([] { return Steady::now(); }),
                       requests(reg, "ok"),
                       requests(reg, "error"),
                       requests(reg, "timeout"),
                       reg.counter("nm_tenant_sidecar_fallbacks_total",
                                   "Tenant lookups answered with global receivers only because "
                                   "the tenant sidecar failed.")
                           .with({}),
                       {},
                       {},
                       {},
                       {}}) {}

std::string SidecarTenantResolver::address(int specPort) const {
  const std::string& configured = state_->options.address;
  return configured.empty() ? "localhost:" + std::to_string(specPort) : configured;
}

std::vector<std::string> SidecarTenantResolver::tenants(std::string_view cluster,
                                                        std::string_view ns) const {
  return tenantsAt(model::kTenantSidecarPort, cluster, ns);
}

std::vector<std::string> SidecarTenantResolver::tenantsAt(int specPort, std::string_view cluster,
                                                          std::string_view ns) const {
  State& s = *state_;
  // The address is part of the key: answers of a sidecar on another port are not reused.
  const std::string addr = address(specPort);
  std::string key;
  key.reserve(addr.size() + cluster.size() + ns.size() + 2);
  key.append(addr).push_back('\0');
  key.append(cluster).push_back('\0');
  key.append(ns);
  std::shared_future<Outcome> pending;
  std::shared_ptr<std::promise<Outcome>> promise;
  {
    std::lock_guard<std::mutex> g(s.mu);
    const auto now = s.clock();
    auto it = s.cache.find(key);
    if (it != s.cache.end() && it->second.has && now < it->second.expires)
      return s.answer(it->second.value);  // copied under the lock
    if (it != s.cache.end() && it->second.pending.valid()) {
      pending = it->second.pending;
    } else {
      if (it == s.cache.end()) {
        if (s.cache.size() >= s.options.maxEntries) s.evictLocked(now);
        it = s.cache.try_emplace(key).first;
      }
      promise = std::make_shared<std::promise<Outcome>>();
      it->second.pending = promise->get_future().share();
      pending = it->second.pending;
    }
  }
  if (promise) {
    // Outside the lock: a stopped client completes on this thread.
    HttpRequest req;
    req.method = "GET";
    req.url = State::url(addr, cluster, ns);
    req.timeout = s.options.timeout;
    http_.send(std::move(req), [state = state_, key, addr, promise](HttpResponse resp) {
      state->complete(key, addr, resp, *promise);
    });
  }
  if (pending.wait_for(s.options.timeout + kGrace) != std::future_status::ready) {
    s.warn(key, addr, "timeout", "no answer from the HTTP client");
    return s.answer(Outcome{});
  }
  return s.answer(pending.get());
}

}  // namespace nm
