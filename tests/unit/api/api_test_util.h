// Test helpers for the HTTP API: a fake AlertQueue with scripted answers, a small blocking Beast
// client over one keep-alive connection, and an alert body builder.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "api/http_server.h"
#include "interfaces/alert_queue.h"

namespace nm::api::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

class FakeQueue : public AlertQueue {
 public:
  // Answer for pushes with a zero timeout and with a positive one.
  PushResult immediate = PushResult::Accepted;
  PushResult waiting = PushResult::Accepted;

  PushResult push(AlertList alerts, Duration timeout) override {
    std::lock_guard<std::mutex> g(mu_);
    PushResult r = timeout > Duration::zero() ? waiting : immediate;
    ++calls_;
    if (r == PushResult::Accepted) pushed_.push_back(std::move(alerts));
    return r;
  }
  std::optional<PulledBatch> pull(size_t, Duration) override { return std::nullopt; }
  void ack(const PulledBatch&) override {}
  void nack(PulledBatch, Duration) override {}
  void close() override {}
  size_t size() const override { return 0; }
  size_t capacity() const override { return 100; }

  std::vector<AlertList> pushed() const {
    std::lock_guard<std::mutex> g(mu_);
    return pushed_;
  }
  int calls() const {
    std::lock_guard<std::mutex> g(mu_);
    return calls_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<AlertList> pushed_;
  int calls_ = 0;
};

using Response = http::response<http::string_body>;

// A blocking HTTP/1.1 client over one keep-alive connection; every operation is bounded.
class Client {
 public:
  explicit Client(uint16_t port) : stream_(ioc_) {
    stream_.expires_after(std::chrono::seconds(10));
    stream_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }

  Response request(http::verb method, const std::string& target, const std::string& body = "",
                   const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::content_type, "application/json");
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    req.prepare_payload();
    stream_.expires_after(std::chrono::seconds(10));
    http::write(stream_, req);
    Response res;
    http::read(stream_, buffer_, res);
    return res;
  }

  Response post(const std::string& target, const std::string& body,
                const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    return request(http::verb::post, target, body, headers);
  }
  Response get(const std::string& target) { return request(http::verb::get, target); }

  beast::tcp_stream& stream() { return stream_; }
  beast::flat_buffer& buffer() { return buffer_; }

 private:
  net::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

inline std::string alertsBody(int n, const std::string& extraLabel = "") {
  std::string b = R"({"receiver":"nm","alerts":[)";
  for (int i = 0; i < n; ++i) {
    if (i) b += ",";
    b += R"({"status":"firing","labels":{"alertname":"A)" + std::to_string(i) + "\"" + extraLabel +
         R"(},"startsAt":"2024-05-01T11:00:00Z"})";
  }
  return b + "]}";
}

}  // namespace nm::api::test
