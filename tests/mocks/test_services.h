// ChannelServices for unit tests: a metrics registry, throttle and token cache of the test's own
// around the test's HttpClient, and an SMTP client that refuses (email tests bring their own).
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <mutex>

#include "interfaces/channel.h"
#include "interfaces/http_client.h"
#include "interfaces/smtp_client.h"
#include "notify/throttle.h"
#include "notify/token_cache.h"
#include "observe/metrics.h"

namespace nm::test {

class RefusingSmtp final : public SmtpClient {
 public:
  void send(SmtpServer, SmtpEnvelope, TimePoint, std::function<void(SmtpResult)> done) override {
    SmtpResult r;
    r.error = "no SMTP client in this test";
    done(std::move(r));
  }
  void after(Duration, std::function<void()> fn) override { fn(); }
  void shutdown() override {}
};

struct TestServices {
  explicit TestServices(HttpClient& http) : services{http, smtp, throttle, tokens, registry} {}
  metrics::Registry registry;
  Throttle throttle{registry};
  TokenCache tokens;
  RefusingSmtp smtp;
  ChannelServices services;
};

// Fresh services around `http`, kept until the test process ends (notifiers built from them may
// outlive the calling helper).
inline const ChannelServices& servicesFor(HttpClient& http) {
  static std::mutex mu;
  static std::deque<std::unique_ptr<TestServices>> kept;
  std::lock_guard g(mu);
  kept.push_back(std::make_unique<TestServices>(http));
  return kept.back()->services;
}

}  // namespace nm::test
