// RedisConnection over RedisTransport: every command formatted by redisFormatCommandArgv into one
// buffer and written at once, then the replies parsed by hiredis' redisReader as bytes arrive.
#include "redis/redis_connection.h"

#include <cstdlib>

namespace nm {

std::string redisErrorText(const redisReply* r) {
  if (!r || r->type != REDIS_REPLY_ERROR) return {};
  return std::string(r->str, r->len);
}

std::string_view redisString(const redisReply* r) {
  if (!r || (r->type != REDIS_REPLY_STRING && r->type != REDIS_REPLY_STATUS)) return {};
  return std::string_view(r->str, r->len);
}

bool RedisConnection::connect(std::string& error, bool& refused) {
  disconnect();
  refused = false;
  if (url_.tls && !tls_) {
    tls_ = makeRedisTlsContext(url_.tlsOptions, error);
    if (!tls_) {
      refused = true;
      return false;
    }
  }
  if (!transport_.open(url_.host, url_.port, tls_.get(), timeout_, error, fatal_)) {
    refused = fatal_;
    return false;
  }
  reader_.reset(redisReaderCreate());
  if (!reader_) {
    error = "cannot allocate a reply reader";
    disconnect();
    return false;
  }
  std::vector<RedisCommand> setup;
  if (!url_.password.empty()) {
    if (url_.user.empty()) {
      setup.push_back({"AUTH", url_.password});
    } else {
      setup.push_back({"AUTH", url_.user, url_.password});
    }
  }
  if (url_.db != 0) setup.push_back({"SELECT", std::to_string(url_.db)});
  setup.push_back({"PING"});
  auto replies = run(setup, error);
  if (replies.empty()) {
    refused = fatal_;  // e.g. TLS 1.3 reports a missing client certificate on the first read
    return false;
  }
  for (size_t i = 0; i < replies.size(); ++i) {
    std::string e = redisErrorText(replies[i].get());
    if (e.empty()) continue;
    error = setup[i][0] + ": " + e;
    refused = true;
    disconnect();
    return false;
  }
  return true;
}

void RedisConnection::disconnect() {
  transport_.close();
  reader_.reset();
}

RedisReply RedisConnection::readReply(std::string& error) {
  char buf[64 * 1024];
  for (;;) {
    void* r = nullptr;
    if (redisReaderGetReply(reader_.get(), &r) != REDIS_OK) {
      error = std::string("protocol error: ") + reader_->errstr;
      return nullptr;
    }
    if (r) return RedisReply(static_cast<redisReply*>(r));
    size_t n = transport_.receive(buf, sizeof buf, error, fatal_);
    if (n == 0) return nullptr;
    if (redisReaderFeed(reader_.get(), buf, n) != REDIS_OK) {
      error = std::string("protocol error: ") + reader_->errstr;
      return nullptr;
    }
  }
}

std::vector<RedisReply> RedisConnection::run(const std::vector<RedisCommand>& commands,
                                             std::string& error) {
  std::vector<RedisReply> replies;
  if (!connected()) {
    error = "not connected";
    return replies;
  }
  std::string out;
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const RedisCommand& cmd : commands) {
    argv.clear();
    lens.clear();
    for (const std::string& a : cmd) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    char* formatted = nullptr;
    int len =
        redisFormatCommandArgv(&formatted, static_cast<int>(argv.size()), argv.data(), lens.data());
    if (len < 0 || !formatted) {
      error = "cannot format a command";
      disconnect();
      return {};
    }
    out.append(formatted, static_cast<size_t>(len));
    redisFreeCommand(formatted);
  }
  if (!transport_.sendAll(out, error, fatal_)) {
    disconnect();
    return {};
  }
  replies.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    RedisReply r = readReply(error);
    if (!r) {
      disconnect();
      return {};
    }
    replies.push_back(std::move(r));
  }
  return replies;
}

RedisReply RedisConnection::run(const RedisCommand& command, std::string& error) {
  auto replies = run(std::vector<RedisCommand>{command}, error);
  if (replies.empty()) return nullptr;
  return std::move(replies[0]);
}

RedisReply RedisConnection::next(Duration wait, std::string& error) {
  if (!connected()) {
    error = "not connected";
    return nullptr;
  }
  void* r = nullptr;
  if (redisReaderGetReply(reader_.get(), &r) != REDIS_OK) {
    error = std::string("protocol error: ") + reader_->errstr;
    disconnect();
    return nullptr;
  }
  if (r) return RedisReply(static_cast<redisReply*>(r));
  const int ready = transport_.waitReadable(wait);
  if (ready == 0) return nullptr;
  if (ready < 0) {
    error = "poll failed";
    disconnect();
    return nullptr;
  }
  RedisReply reply = readReply(error);  // the rest of a reply follows within the timeout
  if (!reply) disconnect();
  return reply;
}

}  // namespace nm
