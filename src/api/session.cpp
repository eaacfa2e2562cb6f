// HTTP connection handling: read header, check limits, read body, dispatch to the router, write
// the reply on the connection's strand, repeat while keep-alive; errors close after a drain.
#include "api/session.h"

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "core/version.h"
#include "observe/log.h"

namespace nm::api {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

namespace {
// After an error reply, how long unread request bytes are drained before the socket closes (so
// the client reads the reply instead of a connection reset).
constexpr Duration kMaxDrain = std::chrono::seconds(2);
// Read size while a body arrives. Beast reads at most the buffer's free capacity per recv, and a
// flat_buffer emptied by the parser shrinks back to 512 bytes: a 45 KB batch of 100 alerts took
// 69 recvmsg calls. Reserving up to 64 KB for the body makes it one or two.
constexpr size_t kBodyReadBytes = 64 << 10;
// A connection whose last body was smaller than this gives a bigger buffer back before the next
// request, so idle keep-alive connections hold little memory; one that keeps posting batches
// keeps its buffer (no reallocation and copy per request).
constexpr size_t kIdleBufferBytes = 8 << 10;
}  // namespace

uint64_t ReplyGate::park(std::shared_ptr<Session> s) {
  std::lock_guard<std::mutex> g(mu_);
  uint64_t id = ++next_;
  if (!closed_) parked_.emplace(id, std::move(s));
  return id;
}

void ReplyGate::deliver(uint64_t id, Reply reply) {
  std::lock_guard<std::mutex> g(mu_);
  if (closed_) return;
  auto it = parked_.find(id);
  if (it == parked_.end()) return;
  std::shared_ptr<Session> s = std::move(it->second);
  parked_.erase(it);
  net::post(s->executor(), [s, reply = std::move(reply)]() mutable { s->send(std::move(reply)); });
}

std::vector<std::shared_ptr<Session>> ReplyGate::close() {
  std::lock_guard<std::mutex> g(mu_);
  closed_ = true;
  std::vector<std::shared_ptr<Session>> out;
  out.reserve(parked_.size());
  for (auto& [id, s] : parked_) out.push_back(std::move(s));
  parked_.clear();
  return out;
}

Session::Session(net::ip::tcp::socket socket, const Router& router, SessionLimits limits,
                 std::shared_ptr<ReplyGate> gate)
    : stream_(std::move(socket)), router_(router), limits_(limits), gate_(std::move(gate)) {}

void Session::start() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->readHeader(); });
}

void Session::readHeader() {
  if (buffer_.size() == 0 && buffer_.capacity() > kIdleBufferBytes &&
      lastBodyBytes_ < kIdleBufferBytes)
    buffer_.shrink_to_fit();
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(limits_.maxHeaderBytes));
  parser_->body_limit(limits_.maxBodyBytes);
  // One deadline for the whole request: a client trickling bytes is cut off when it passes.
  stream_.expires_after(limits_.readTimeout);
  http::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, size_t) { self->onHeader(ec); });
}

bool Session::readFailed(beast::error_code ec, const char* phase) {
  if (!ec) return false;
  if (ec == http::error::body_limit) {
    reject(413, "request body too large");
  } else if (ec == http::error::header_limit) {
    reject(431, "request header fields too large");
  } else if (ec == beast::error::timeout) {
    log::debug("http client too slow, connection closed", {{"phase", phase}});
  } else if (ec == http::error::end_of_stream || ec == http::error::partial_message) {
    lingeringClose();
  } else if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
    reject(400, "malformed HTTP request: " + ec.message());
  }  // else: connection reset and the like, nothing to answer
  return true;
}

void Session::onHeader(beast::error_code ec) {
  if (readFailed(ec, "header")) return;
  auto len = parser_->content_length();
  if (len && *len > limits_.maxBodyBytes) return reject(413, "request body too large");
  lastBodyBytes_ = len ? *len : 0;
  if (len && *len > buffer_.size()) {
    buffer_.reserve(buffer_.size() + std::min<size_t>(*len - buffer_.size(), kBodyReadBytes));
  }
  const auto& req = parser_->get();
  if (beast::iequals(req[http::field::expect], "100-continue")) {
    auto cont =
        std::make_shared<http::response<http::empty_body>>(http::status::continue_, req.version());
    http::async_write(stream_, *cont,
                      [self = shared_from_this(), cont](beast::error_code wec, size_t) {
                        if (!wec) self->readBody();
                      });
    return;
  }
  readBody();
}

void Session::readBody() {
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, size_t) { self->onBody(ec); });
}

void Session::onBody(beast::error_code ec) {
  if (readFailed(ec, "body")) return;
  auto msg = parser_->release();
  keepAlive_ = msg.keep_alive();
  version_ = msg.version();
  Request req;
  req.method = msg.method();
  std::string_view target(msg.target().data(), msg.target().size());
  size_t q = target.find('?');
  req.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) req.query = std::string(target.substr(q + 1));
  auto auth = msg[http::field::authorization];
  req.authorization.assign(auth.data(), auth.size());
  req.body = std::move(msg.body());

  uint64_t id = gate_->park(shared_from_this());
  router_.dispatch(std::move(req),
                   [gate = gate_, id](Reply reply) { gate->deliver(id, std::move(reply)); });
}

void Session::reject(unsigned status, std::string_view message) {
  keepAlive_ = false;
  router_.countRejected(status);
  send(jsonReply(status, message), true);
}

void Session::send(Reply reply, bool close) {
  auto res = std::make_shared<http::response<http::string_body>>();
  res->version(version_);
  res->result(reply.status);
  res->set(http::field::server, std::string("notification-manager/") + kVersion);
  res->set(http::field::content_type, reply.contentType);
  for (auto& [name, value] : reply.headers) res->set(name, value);
  res->body() = std::move(reply.body);
  res->keep_alive(keepAlive_ && !close);
  res->prepare_payload();
  stream_.expires_after(limits_.readTimeout);
  http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, size_t) {
    self->onWritten(ec, !res->keep_alive());
  });
}

void Session::onWritten(beast::error_code ec, bool close) {
  if (ec) return;
  if (close) return lingeringClose();
  readHeader();
}

void Session::lingeringClose() {
  beast::error_code ec;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
  if (ec) return;
  stream_.expires_after(std::min(limits_.readTimeout, kMaxDrain));
  drain();
}

void Session::drain() {
  stream_.async_read_some(net::buffer(drainBuffer_),
                          [self = shared_from_this()](beast::error_code ec, size_t) {
                            if (ec) {
                              beast::error_code ignored;
                              self->stream_.socket().close(ignored);
                              return;
                            }
                            self->drain();
                          });
}

}  // namespace nm::api
