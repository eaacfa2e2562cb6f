// RedisConnection over hiredis' blocking API: redisAppendCommandArgv for every command, then
// redisGetReply for each, with socket timeouts so a silent server cannot hang the owner.
#include "redis/redis_connection.h"

#include <poll.h>
#include <sys/time.h>
#include <cerrno>

namespace nm {

namespace {

timeval toTimeval(Duration d) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  timeval tv;
  tv.tv_sec = static_cast<time_t>(us / 1000000);
  tv.tv_usec = static_cast<suseconds_t>(us % 1000000);
  return tv;
}

}  // namespace

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
  redisContext* c = redisConnectWithTimeout(url_.host.c_str(), url_.port, toTimeval(timeout_));
  if (!c || c->err) {
    error = c ? std::string(c->errstr) : std::string("cannot allocate a hiredis context");
    if (c) redisFree(c);
    return false;
  }
  redisSetTimeout(c, toTimeval(timeout_));
  ctx_ = c;
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
  if (replies.empty()) return false;
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
  if (ctx_) redisFree(ctx_);
  ctx_ = nullptr;
}

std::vector<RedisReply> RedisConnection::run(const std::vector<RedisCommand>& commands,
                                             std::string& error) {
  std::vector<RedisReply> replies;
  if (!ctx_) {
    error = "not connected";
    return replies;
  }
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const RedisCommand& cmd : commands) {
    argv.clear();
    lens.clear();
    for (const std::string& a : cmd) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    if (redisAppendCommandArgv(ctx_, static_cast<int>(argv.size()), argv.data(), lens.data()) !=
        REDIS_OK) {
      error = ctx_->errstr;
      disconnect();
      return {};
    }
  }
  replies.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* r = nullptr;
    if (redisGetReply(ctx_, &r) != REDIS_OK || !r) {
      error = ctx_->err ? std::string(ctx_->errstr) : std::string("no reply");
      if (r) freeReplyObject(r);
      disconnect();
      return {};
    }
    replies.emplace_back(static_cast<redisReply*>(r));
  }
  return replies;
}

RedisReply RedisConnection::run(const RedisCommand& command, std::string& error) {
  auto replies = run(std::vector<RedisCommand>{command}, error);
  if (replies.empty()) return nullptr;
  return std::move(replies[0]);
}

RedisReply RedisConnection::next(Duration wait, std::string& error) {
  if (!ctx_) {
    error = "not connected";
    return nullptr;
  }
  void* r = nullptr;
  if (redisGetReplyFromReader(ctx_, &r) != REDIS_OK) {
    error = ctx_->errstr;
    disconnect();
    return nullptr;
  }
  if (r) return RedisReply(static_cast<redisReply*>(r));
  pollfd p{ctx_->fd, POLLIN, 0};
  const int ms =
      static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(wait).count());
  const int n = ::poll(&p, 1, ms);
  if (n == 0 || (n < 0 && errno == EINTR)) return nullptr;
  if (n < 0 || redisBufferRead(ctx_) != REDIS_OK || redisGetReplyFromReader(ctx_, &r) != REDIS_OK) {
    error = ctx_->err ? std::string(ctx_->errstr) : std::string("poll failed");
    if (r) freeReplyObject(r);
    disconnect();
    return nullptr;
  }
  return RedisReply(static_cast<redisReply*>(r));
}

}  // namespace nm
