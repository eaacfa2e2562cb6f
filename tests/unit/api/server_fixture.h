// The gtest fixture shared by the API tests: fake queue and snapshot store, deps with short
// limits, and an HttpServer started on 127.0.0.1:0 on demand.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "api/http_server.h"
#include "api_test_util.h"
#include "interfaces/snapshot.h"

namespace nm::api::test {

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    deps.queue = &queue;
    deps.snapshots = &snapshots;
    deps.cluster = "test-cluster";
    deps.pushTimeout = std::chrono::milliseconds(50);
    deps.readTimeout = std::chrono::seconds(5);
    deps.maxBodyBytes = 64 << 10;
  }
  void TearDown() override {
    if (server) server->stop();
  }
  void start(int threads = 2) {
    server = std::make_unique<HttpServer>(deps, "127.0.0.1:0", threads);
    server->start();
    ASSERT_NE(server->port(), 0);
  }
  uint16_t port() const { return server->port(); }

  FakeQueue queue;
  config::SnapshotStore snapshots;
  ApiDeps deps;
  std::unique_ptr<HttpServer> server;
};

}  // namespace nm::api::test
