// RedisDeadLetters: XRANGE pages over <stream>:dead; replay is MULTI, XADD to the entry's
// partition stream, XDEL from the dead stream, EXEC, so an entry is never in both or neither.
#include "queue/redis_dead_letters.h"

#include <cstdlib>

namespace nm {

namespace {

constexpr size_t kPage = 500;

// "1700000000000-3" -> 1700000000000.
int64_t millisOfId(const std::string& id) {
  return std::strtoll(id.c_str(), nullptr, 10);
}

// The id after `id` for XRANGE's next page ("ms-seq" -> "ms-(seq+1)").
std::string nextId(const std::string& id) {
  size_t dash = id.find('-');
  if (dash == std::string::npos) return id;
  unsigned long long seq = std::strtoull(id.c_str() + dash + 1, nullptr, 10);
  return id.substr(0, dash) + "-" + std::to_string(seq + 1);
}

DeadEntry entryOf(const redisReply* e) {
  DeadEntry d;
  d.id = std::string(redisString(e->element[0]));
  d.timeMs = millisOfId(d.id);
  d.reason = "undecodable";
  const redisReply* fields = e->element[1];
  if (fields && fields->type == REDIS_REPLY_ARRAY) {
    for (size_t k = 0; k + 1 < fields->elements; k += 2) {
      std::string_view name = redisString(fields->element[k]);
      std::string value(redisString(fields->element[k + 1]));
      if (name == "a")
        d.bytes = std::move(value);
      else if (name == "error")
        d.error = std::move(value);
      else if (name == "partition")
        d.partition = std::move(value);
    }
  }
  return d;
}

}  // namespace

RedisDeadLetters::RedisDeadLetters(RedisUrl url, std::string stream, uint32_t partitions)
    : conn_(std::move(url), std::chrono::seconds(5)),
      stream_(std::move(stream)),
      partitions_(partitions == 0 ? 1 : partitions) {}

bool RedisDeadLetters::connect(std::string& error) {
  bool refused = false;
  return conn_.connect(error, refused);
}

bool RedisDeadLetters::list(std::vector<DeadEntry>& out, std::string& error) {
  std::string from = "-";
  for (;;) {
    RedisReply r =
        conn_.run({"XRANGE", deadStream(), from, "+", "COUNT", std::to_string(kPage)}, error);
    if (!r) return false;
    if (std::string e = redisErrorText(r.get()); !e.empty()) {
      error = "XRANGE " + deadStream() + ": " + e;
      return false;
    }
    if (r->type != REDIS_REPLY_ARRAY) return true;
    for (size_t k = 0; k < r->elements; ++k) {
      const redisReply* e = r->element[k];
      if (e && e->type == REDIS_REPLY_ARRAY && e->elements >= 2) out.push_back(entryOf(e));
    }
    if (r->elements < kPage || out.empty()) return true;
    from = nextId(out.back().id);
  }
}

bool RedisDeadLetters::replay(const DeadEntry& entry, std::string& error) {
  char* end = nullptr;
  unsigned long p = std::strtoul(entry.partition.c_str(), &end, 10);
  if (entry.partition.empty() || *end != '\0') p = 0;
  std::string live = stream_ + ":" + std::to_string(p % partitions_);
  std::vector<RedisReply> replies = conn_.run({{"MULTI"},
                                               {"XADD", live, "*", "a", entry.bytes},
                                               {"XDEL", deadStream(), entry.id},
                                               {"EXEC"}},
                                              error);
  if (replies.size() != 4) return false;
  const redisReply* exec = replies[3].get();
  if (std::string e = redisErrorText(exec); !e.empty()) {
    error = "MULTI XADD " + live + " / XDEL: " + e;
    return false;
  }
  if (!exec || exec->type != REDIS_REPLY_ARRAY || exec->elements != 2) {
    error = "MULTI XADD " + live + " / XDEL: transaction not executed";
    return false;
  }
  for (size_t k = 0; k < 2; ++k) {
    if (std::string e = redisErrorText(exec->element[k]); !e.empty()) {
      error = (k == 0 ? "XADD " + live : "XDEL " + deadStream()) + ": " + e;
      return false;
    }
  }
  return true;
}

bool RedisDeadLetters::remove(const DeadEntry& entry, std::string& error) {
  RedisReply r = conn_.run({"XDEL", deadStream(), entry.id}, error);
  if (!r) return false;
  if (std::string e = redisErrorText(r.get()); !e.empty()) {
    error = "XDEL " + deadStream() + ": " + e;
    return false;
  }
  return true;
}

}  // namespace nm
