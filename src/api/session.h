// One HTTP/1.1 connection (Boost.Beast, on its own strand): keep-alive, header/body limits, a
// read deadline against slow clients, 100-continue, and lingering close after errors.
#pragma once

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "api/reply.h"
#include "api/router.h"
#include "core/time.h"

namespace nm::api {

class Session;

struct SessionLimits {
  size_t maxBodyBytes = 16 << 20;
  size_t maxHeaderBytes = 64 << 10;
  Duration readTimeout = std::chrono::seconds(10);
};

// Holds sessions waiting for an asynchronous handler. Closing it (server stop) drops them, so a
// late completion from another thread never touches a stopped io_context.
class ReplyGate {
 public:
  uint64_t park(std::shared_ptr<Session> s);
  // Posts the reply to the parked session's strand; a no-op once closed or already delivered.
  void deliver(uint64_t id, Reply reply);
  // Closes the gate and hands back the sessions still waiting (destroy them while io is alive).
  std::vector<std::shared_ptr<Session>> close();

 private:
  std::mutex mu_;
  bool closed_ = false;
  uint64_t next_ = 0;
  std::unordered_map<uint64_t, std::shared_ptr<Session>> parked_;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::ip::tcp::socket socket, const Router& router, SessionLimits limits,
          std::shared_ptr<ReplyGate> gate);

  void start();
  // Must run on the session's executor.
  void send(Reply reply, bool close = false);
  boost::asio::any_io_executor executor() { return stream_.get_executor(); }

 private:
  void readHeader();
  // Answers or closes after a failed read (413, 431, 400, timeout, EOF); true when `ec` is set.
  bool readFailed(boost::beast::error_code ec, const char* phase);
  void onHeader(boost::beast::error_code ec);
  void readBody();
  void onBody(boost::beast::error_code ec);
  // Replies to a request that cannot be read further, then closes.
  void reject(unsigned status, std::string_view message);
  void onWritten(boost::beast::error_code ec, bool close);
  void lingeringClose();
  void drain();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  const Router& router_;
  SessionLimits limits_;
  std::shared_ptr<ReplyGate> gate_;
  bool keepAlive_ = true;
  uint64_t lastBodyBytes_ = 0;  // Content-Length of the last request (0: none or chunked)
  unsigned version_ = 11;
  std::array<char, 4096> drainBuffer_{};
};

}  // namespace nm::api
