// One synchronous Redis connection: connect (TLS for rediss://) with AUTH and SELECT, and pipelined
// commands whose replies are owned; an I/O failure drops the connection so the owner reconnects.
// The transport is our own (redis_transport.h: hiredis 0.14 has no TLS); hiredis formats the
// commands (redisFormatCommandArgv) and parses the replies (redisReader).
#pragma once

#include <hiredis/hiredis.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "redis/redis_transport.h"
#include "redis/redis_url.h"

namespace nm {

struct RedisReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using RedisReply = std::unique_ptr<redisReply, RedisReplyFree>;
using RedisCommand = std::vector<std::string>;

// The reply's error text, or empty when it is not an error reply.
std::string redisErrorText(const redisReply* r);
std::string_view redisString(const redisReply* r);

class RedisConnection {
 public:
  RedisConnection(RedisUrl url, Duration timeout) : url_(std::move(url)), timeout_(timeout) {}
  ~RedisConnection() { disconnect(); }
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  bool connected() const { return transport_.isOpen(); }
  // Connects, authenticates and selects the database. On failure `error` says why and
  // `refused` is true when the server answered (a wrong password, a bad database) or TLS failed
  // on a setting (certificate verification, an unusable --store.redis.tls-* file, a client
  // certificate the server requires): retrying the same settings will not help, unlike a
  // network error.
  bool connect(std::string& error, bool& refused);
  void disconnect();
  // Sends every command in one write and reads every reply, in order (error replies included).
  // An I/O failure returns an empty vector with `error` and drops the connection.
  std::vector<RedisReply> run(const std::vector<RedisCommand>& commands, std::string& error);
  RedisReply run(const RedisCommand& command, std::string& error);
  // Subscriber mode (after SUBSCRIBE): the next pushed reply, waiting at most `wait`. Null with
  // empty `error` when nothing arrived in time; null with `error` (connection dropped) on failure.
  RedisReply next(Duration wait, std::string& error);

 private:
  struct ReaderFree {
    void operator()(redisReader* r) const { redisReaderFree(r); }
  };
  // Reads until the reader yields one reply; null on an I/O or protocol failure.
  RedisReply readReply(std::string& error);

  RedisUrl url_;
  Duration timeout_;
  SslCtxPtr tls_;  // built on the first connect of a rediss:// URL
  RedisTransport transport_;
  std::unique_ptr<redisReader, ReaderFree> reader_;
  bool fatal_ = false;  // the last I/O failure was a TLS setting (see RedisTransport)
};

}  // namespace nm
