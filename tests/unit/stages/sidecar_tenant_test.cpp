// Unit tests for the tenant sidecar resolver (cache hit and miss, TTLs, failure → counted
// fallback, one request per key in flight) and for the route stage choosing it per snapshot.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "fixtures.h"
#include "route/namespace_tenant_resolver.h"
#include "route/route_stage.h"
#include "route/sidecar_tenant_resolver.h"
#include "wait_for.h"

namespace nm {
namespace {

using Lines = std::vector<std::string>;
using Steady = std::chrono::steady_clock;

// Thread-safe: answers at once with `answer`, or parks requests (park = true) until release().
class SidecarHttp final : public HttpClient {
 public:
  std::function<HttpResponse(const HttpRequest&)> answer = [](const HttpRequest&) {
    HttpResponse r;
    r.status = 200;
    r.body = R"(["alice","bob"])";
    return r;
  };
  bool park = false;

  void send(HttpRequest req, std::function<void(HttpResponse)> done) override {
    std::unique_lock<std::mutex> g(mu_);
    urls_.push_back(req.url);
    if (park) {
      parked_.push_back({std::move(req), std::move(done)});
      return;
    }
    g.unlock();
    done(answer(req));
  }
  void after(Duration, std::function<void()> fn) override { fn(); }
  void shutdown() override {}

  size_t sent() const {
    std::lock_guard<std::mutex> g(mu_);
    return urls_.size();
  }
  std::string lastUrl() const {
    std::lock_guard<std::mutex> g(mu_);
    return urls_.empty() ? "" : urls_.back();
  }
  void release() {
    std::vector<std::pair<HttpRequest, std::function<void(HttpResponse)>>> p;
    {
      std::lock_guard<std::mutex> g(mu_);
      p.swap(parked_);
    }
    for (auto& [req, done] : p) done(answer(req));
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> urls_;
  std::vector<std::pair<HttpRequest, std::function<void(HttpResponse)>>> parked_;
};

HttpResponse status(int code, std::string body = "") {
  HttpResponse r;
  r.status = code;
  r.body = std::move(body);
  return r;
}

class SidecarTest : public ::testing::Test {
 protected:
  SidecarTenantResolver& resolver() {
    if (!resolver_) {
      SidecarTenantOptions o;
      o.address = "127.0.0.1:19094";
      o.ttl = std::chrono::seconds(30);
      o.failureTtl = std::chrono::seconds(5);
      o.timeout = std::chrono::milliseconds(200);
      resolver_ = std::make_unique<SidecarTenantResolver>(http, reg, o, [this] {
        ++clockCalls;
        return Steady::time_point(std::chrono::seconds(1000) + advanced.load());
      });
    }
    return *resolver_;
  }
  uint64_t requests(const char* result) {
    return reg.counter("nm_tenant_sidecar_requests_total", "", {"result"}).with({result}).value();
  }
  uint64_t fallbacks() {
    return reg.counter("nm_tenant_sidecar_fallbacks_total", "").with({}).value();
  }

  SidecarHttp http;
  metrics::Registry reg;
  std::atomic<std::chrono::milliseconds> advanced{std::chrono::milliseconds(0)};
  std::atomic<int> clockCalls{0};
  std::unique_ptr<SidecarTenantResolver> resolver_;
};

TEST_F(SidecarTest, MissAsksTheSidecarThenTheCacheAnswers) {
  EXPECT_EQ(resolver().tenants("east", "ns 1&x"), (Lines{"alice", "bob"}));
  EXPECT_EQ(http.lastUrl(),
            "http://127.0.0.1:19094/api/v2/tenant?cluster=east&namespace=ns%201%26x");
  EXPECT_EQ(resolver().tenants("east", "ns 1&x"), (Lines{"alice", "bob"}));
  EXPECT_EQ(http.sent(), 1u);
  // Another pair is another key.
  EXPECT_EQ(resolver().tenants("west", "ns 1&x"), (Lines{"alice", "bob"}));
  EXPECT_EQ(http.sent(), 2u);
  EXPECT_EQ(requests("ok"), 2u);
  EXPECT_EQ(fallbacks(), 0u);
}

TEST_F(SidecarTest, AnswersExpireAfterTheTtl) {
  resolver().tenants("c", "ns");
  advanced = std::chrono::milliseconds(29999);
  resolver().tenants("c", "ns");
  EXPECT_EQ(http.sent(), 1u);
  http.answer = [](const HttpRequest&) { return status(200, R"(["carol"])"); };
  advanced = std::chrono::milliseconds(30001);
  EXPECT_EQ(resolver().tenants("c", "ns"), (Lines{"carol"}));
  EXPECT_EQ(http.sent(), 2u);
}

TEST_F(SidecarTest, FailureFallsBackToGlobalOnlyCountedAndCachedShorter) {
  http.answer = [](const HttpRequest&) { return status(500, "boom"); };
  EXPECT_TRUE(resolver().tenants("c", "ns").empty());
  EXPECT_EQ(requests("error"), 1u);
  EXPECT_EQ(fallbacks(), 1u);
  // The failure is reused for failureTtl: counted as a fallback, no new request.
  EXPECT_TRUE(resolver().tenants("c", "ns").empty());
  EXPECT_EQ(http.sent(), 1u);
  EXPECT_EQ(fallbacks(), 2u);
  http.answer = [](const HttpRequest&) { return status(200, R"([])"); };
  advanced = std::chrono::milliseconds(5001);
  EXPECT_TRUE(resolver().tenants("c", "ns").empty());
  EXPECT_EQ(http.sent(), 2u);
  EXPECT_EQ(requests("ok"), 1u);
  EXPECT_EQ(fallbacks(), 2u) << "an empty array is an answer, not a failure";
}

TEST_F(SidecarTest, EverythingButA200ArrayOfStringsIsAnError) {
  const std::vector<HttpResponse> bad = {status(404), status(200, R"({"users":["a"]})"),
                                         status(200, R"(["a",1])"), status(200, "not json"),
                                         status(0)};
  int i = 0;
  for (const auto& r : bad) {
    http.answer = [r](const HttpRequest&) { return r; };
    EXPECT_TRUE(resolver().tenants("c", "ns" + std::to_string(i++)).empty());
  }
  EXPECT_EQ(requests("error"), bad.size());
  EXPECT_EQ(fallbacks(), bad.size());
}

TEST_F(SidecarTest, TimeoutIsCountedApart) {
  http.answer = [](const HttpRequest& req) {
    EXPECT_EQ(req.timeout, std::chrono::milliseconds(200));
    HttpResponse r;
    r.error = "timeout: Operation timed out after 200 milliseconds";
    return r;
  };
  EXPECT_TRUE(resolver().tenants("c", "ns").empty());
  EXPECT_EQ(requests("timeout"), 1u);
  EXPECT_EQ(requests("error"), 0u);
  EXPECT_EQ(fallbacks(), 1u);
}

TEST_F(SidecarTest, ConcurrentMissesOfOneKeyShareOneRequest) {
  http.park = true;
  resolver();
  constexpr int kThreads = 4;
  std::vector<Lines> got(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] { got[i] = resolver().tenants("c", "ns"); });
  // Every caller has looked the key up (the clock is read once per lookup, under the lock).
  ASSERT_TRUE(test::waitFor([&] { return clockCalls.load() >= kThreads; }));
  ASSERT_TRUE(test::waitFor([&] { return http.sent() >= 1; }));
  http.release();
  for (auto& t : threads) t.join();
  EXPECT_EQ(http.sent(), 1u);
  for (const auto& g : got) EXPECT_EQ(g, (Lines{"alice", "bob"}));
}

TEST_F(SidecarTest, AnAnswerThatNeverComesIsATimeoutFallback) {
  http.park = true;  // never released: the caller gives up after timeout + grace
  EXPECT_TRUE(resolver().tenants("c", "ns").empty());
  EXPECT_EQ(fallbacks(), 1u);
  http.release();  // the late answer still fills the cache
  EXPECT_EQ(resolver().tenants("c", "ns"), (Lines{"alice", "bob"}));
  EXPECT_EQ(http.sent(), 1u);
}

TEST(SidecarAddress, EmptyFlagMeansLocalhostAtTheDeclaredPortAndAFlagOverridesIt) {
  SidecarHttp http;
  metrics::Registry reg;
  SidecarTenantResolver byPort(http, reg, SidecarTenantOptions{});
  EXPECT_EQ(byPort.address(2000), "localhost:2000");
  EXPECT_EQ(byPort.tenantsAt(2000, "c", "ns"), (Lines{"alice", "bob"}));
  EXPECT_EQ(http.lastUrl(), "http://localhost:2000/api/v2/tenant?cluster=c&namespace=ns");
  // The seam's tenants() is the default port.
  byPort.tenants("c", "ns");
  EXPECT_EQ(http.lastUrl(), "http://localhost:19094/api/v2/tenant?cluster=c&namespace=ns");
  // A port change is another sidecar: its answer is not the old port's cached one.
  byPort.tenantsAt(2001, "c", "ns");
  EXPECT_EQ(http.lastUrl(), "http://localhost:2001/api/v2/tenant?cluster=c&namespace=ns");
  EXPECT_EQ(http.sent(), 3u);
  byPort.tenantsAt(2000, "c", "ns");
  EXPECT_EQ(http.sent(), 3u);  // cached

  SidecarTenantOptions o;
  o.address = "sidecar.example:9000";
  SidecarTenantResolver configured(http, reg, o);
  EXPECT_EQ(configured.address(2000), "sidecar.example:9000");
  configured.tenantsAt(2000, "c", "ns");
  EXPECT_EQ(http.lastUrl(), "http://sidecar.example:9000/api/v2/tenant?cluster=c&namespace=ns");
}

class RouteWithSidecarTest : public SidecarTest {
 protected:
  Lines route(bool sidecarDeclared, int port = 19094) {
    test::SnapshotBuilder b;
    b.snapshot().nm.tenantKey = "user";
    if (sidecarDeclared) b.snapshot().nm.tenantSidecar = model::TenantSidecar{"kubesphere", port};
    b.globalReceiver("g");
    b.tenantReceiver("alice", "ra");
    b.tenantReceiver("ns1", "rn");
    Work w;
    w.drops = &test::drops();
    w.snapshot = b.build();
    w.alerts = {test::alert(LabelSet{{"alertname", "A"}, {"cluster", "c"}, {"namespace", "ns1"}})};
    NamespaceTenantResolver byNamespace;
    RouteStage(byNamespace, sidecar ? sidecar : &resolver()).process(w);
    return test::summarize(w.routed);
  }
  const SidecarTenantResolver* sidecar = nullptr;
};

TEST_F(RouteWithSidecarTest, TheDeclaredPortIsAskedUnlessAnAddressIsConfigured) {
  http.answer = [](const HttpRequest&) { return status(200, R"(["alice"])"); };
  SidecarTenantResolver byPort(http, reg, SidecarTenantOptions{});
  sidecar = &byPort;
  EXPECT_EQ(route(true, 2000), (Lines{"webhook/g: A", "webhook/ra: A"}));
  EXPECT_EQ(http.lastUrl(), "http://localhost:2000/api/v2/tenant?cluster=c&namespace=ns1");
  sidecar = nullptr;  // the fixture's resolver: --tenant.sidecar-address 127.0.0.1:19094
  EXPECT_EQ(route(true, 2000), (Lines{"webhook/g: A", "webhook/ra: A"}));
  EXPECT_EQ(http.lastUrl(), "http://127.0.0.1:19094/api/v2/tenant?cluster=c&namespace=ns1");
}

TEST_F(RouteWithSidecarTest, SidecarOnlyWhenTheSnapshotDeclaresIt) {
  http.answer = [](const HttpRequest&) { return status(200, R"(["alice"])"); };
  EXPECT_EQ(route(true), (Lines{"webhook/g: A", "webhook/ra: A"}));
  EXPECT_EQ(route(false), (Lines{"webhook/g: A", "webhook/rn: A"}));
  EXPECT_EQ(http.sent(), 1u);
}

TEST_F(RouteWithSidecarTest, SidecarFailureStillReachesGlobalReceivers) {
  http.answer = [](const HttpRequest&) { return status(500); };
  EXPECT_EQ(route(true), (Lines{"webhook/g: A"}));
  EXPECT_EQ(fallbacks(), 1u);
}

}  // namespace
}  // namespace nm
