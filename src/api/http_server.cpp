// HttpServer: address resolution and binding, the accept loop on its own strand, the io threads
// and the blocking pool, and an orderly stop that never lets a late reply touch a dead loop.
#include "api/http_server.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <future>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "api/listen_address.h"
#include "api/router.h"
#include "api/session.h"
#include "observe/log.h"

namespace nm::api {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {
constexpr int kBlockingThreads = 2;
}

struct HttpServer::Impl {
  Impl(ApiDeps d, std::string addr, int n)
      : address(std::move(addr)),
        threads(n > 0 ? n : 1),
        limits{d.maxBodyBytes, 64 << 10, d.readTimeout},
        router(std::move(d),
               [this](std::function<void()> task) { net::post(blocking, std::move(task)); }),
        acceptStrand(net::make_strand(ioc)),
        retryTimer(acceptStrand),
        blocking(kBlockingThreads) {
    addAllRoutes(router);
  }

  tcp::endpoint resolve() {
    std::string error;
    auto la = parseListenAddress(address, error);
    if (!la) throw std::runtime_error(error);
    if (la->host.empty()) return tcp::endpoint(tcp::v6(), la->port);
    boost::system::error_code ec;
    auto ip = net::ip::make_address(la->host, ec);
    if (!ec) return tcp::endpoint(ip, la->port);
    tcp::resolver resolver(ioc);
    auto results = resolver.resolve(la->host, std::to_string(la->port), ec);
    if (ec || results.empty()) {
      throw std::runtime_error("cannot listen on " + address + ": cannot resolve host \"" +
                               la->host + "\": " + (ec ? ec.message() : "no address"));
    }
    return results.begin()->endpoint();
  }

  void bind(tcp::endpoint ep) {
    boost::system::error_code ec;
    bool anyHost = ep.address().is_unspecified() && ep.address().is_v6();
    acceptor.emplace(acceptStrand);
    acceptor->open(ep.protocol(), ec);
    if (ec && anyHost) {  // no IPv6 on this host: every IPv4 interface
      ep = tcp::endpoint(tcp::v4(), ep.port());
      ec.clear();
      acceptor->open(ep.protocol(), ec);
      anyHost = false;
    }
    if (!ec) acceptor->set_option(net::socket_base::reuse_address(true), ec);
    if (!ec && anyHost) acceptor->set_option(net::ip::v6_only(false), ec);
    if (!ec) acceptor->bind(ep, ec);
    if (!ec) acceptor->listen(net::socket_base::max_listen_connections, ec);
    if (ec) throw std::runtime_error("cannot listen on " + address + ": " + ec.message());
    port = acceptor->local_endpoint().port();
  }

  void accept() {
    acceptor->async_accept(
        net::make_strand(ioc), [this](boost::system::error_code ec, tcp::socket socket) {
          if (!acceptor->is_open() || ec == net::error::operation_aborted) return;
          if (ec) {
            // Out of descriptors and the like: back off a little instead of spinning.
            log::warn("http accept failed", {{"error", ec.message()}});
            retryTimer.expires_after(std::chrono::milliseconds(100));
            retryTimer.async_wait([this](boost::system::error_code wec) {
              if (!wec && acceptor->is_open()) accept();
            });
            return;
          }
          std::make_shared<Session>(std::move(socket), router, limits, gate)->start();
          accept();
        });
  }

  void closeAcceptor() {
    if (!running) return;
    std::promise<void> done;
    net::post(acceptStrand, [this, &done] {
      boost::system::error_code ec;
      if (acceptor) acceptor->close(ec);
      retryTimer.cancel();
      done.set_value();
    });
    done.get_future().wait();
  }

  std::string address;
  int threads;
  SessionLimits limits;
  Router router;
  std::shared_ptr<ReplyGate> gate = std::make_shared<ReplyGate>();
  net::io_context ioc;
  net::strand<net::io_context::executor_type> acceptStrand;
  net::steady_timer retryTimer;
  std::optional<tcp::acceptor> acceptor;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  net::thread_pool blocking;
  std::vector<std::thread> ioThreads;
  uint16_t port = 0;
  bool running = false;
  bool stopped = false;
};

HttpServer::HttpServer(ApiDeps deps, std::string address, int threads)
    : impl_(std::make_unique<Impl>(std::move(deps), std::move(address), threads)) {}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::start() {
  Impl& s = *impl_;
  if (s.running || s.stopped) throw std::runtime_error("http server already started");
  s.bind(s.resolve());
  s.work.emplace(s.ioc.get_executor());
  s.running = true;
  net::post(s.acceptStrand, [&s] { s.accept(); });
  for (int i = 0; i < s.threads; ++i) s.ioThreads.emplace_back([&s] { s.ioc.run(); });
  log::debug("http server started", {{"address", s.address}, {"port", std::to_string(s.port)}});
}

uint16_t HttpServer::port() const {
  return impl_->port;
}

void HttpServer::stopAccepting() {
  impl_->closeAcceptor();
}

void HttpServer::stop() {
  Impl& s = *impl_;
  if (s.stopped) return;
  s.stopped = true;
  if (!s.running) return;
  s.closeAcceptor();
  auto parked = s.gate->close();  // late completions become no-ops from here on
  s.work.reset();
  s.ioc.stop();
  for (auto& t : s.ioThreads) t.join();
  s.ioThreads.clear();
  s.blocking.join();
  parked.clear();  // their sockets close while the io_context still exists
  s.running = false;
}

}  // namespace nm::api
