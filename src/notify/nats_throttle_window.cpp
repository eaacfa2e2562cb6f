// NatsThrottleWindow: the window rules on one KV entry per key (ThrottleKvState), the
// compare-and-set loop, its worker thread, and the fallback to this process's window.
#include "notify/nats_throttle_window.h"

#include <algorithm>
#include <random>
#include <utility>
#include <vector>

#include "nats/nats_kv_key.h"
#include "observe/log.h"

namespace nm {

namespace {

using std::chrono::milliseconds;

constexpr Duration kRetryAfterFailure = std::chrono::seconds(1);
constexpr int64_t kForgetInFlightMs = 10 * 60 * 1000;
constexpr int kCasAttempts = 16;

int64_t toMs(Duration d) {
  return std::chrono::duration_cast<milliseconds>(d).count();
}

int64_t nowMs() {
  return toMs(now().time_since_epoch());
}

std::string randomReplicaId() {
  std::random_device rd;
  std::uniform_int_distribution<uint64_t> d;
  const uint64_t v = d(rd);
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 16; ++i) s += hex[(v >> (i * 4)) & 0xf];
  return s;
}

struct KvEntryDeleter {
  void operator()(kvEntry* e) const { kvEntry_Destroy(e); }
};

bool connectionLost(natsStatus s) {
  return s == NATS_CONNECTION_CLOSED || s == NATS_CONNECTION_DISCONNECTED || s == NATS_TIMEOUT ||
         s == NATS_NO_RESPONDERS || s == NATS_STALE_CONNECTION || s == NATS_NO_SERVER ||
         s == NATS_IO_ERROR;
}

}  // namespace

int64_t ThrottleKvState::apply(const std::string& op, const std::string& member,
                               const ThrottleLimit& limit, int64_t now, bool& changed) {
  const int64_t unit = toMs(limit.unit);
  const size_t threshold = static_cast<size_t>(std::max(limit.threshold, 1));
  changed = false;
  auto trim = [&](std::map<std::string, int64_t>& m, int64_t upTo) {
    for (auto it = m.begin(); it != m.end();) {
      if (it->second <= upTo) {
        it = m.erase(it);
        changed = true;
      } else {
        ++it;
      }
    }
  };
  trim(window, now - unit);
  trim(flight, now - kForgetInFlightMs);
  if (op == "reserve") {
    std::vector<int64_t> s;
    for (const auto& [m, t] : window) s.push_back(t);
    std::sort(s.begin(), s.end());
    const size_t n = s.size();
    int64_t slot = now;
    if (n > 0) slot = std::max(slot, s[n - 1]);
    if (n >= threshold) slot = std::max(slot, s[n - threshold] + unit);
    window[member] = slot;
    changed = true;
    return slot - now;
  }
  if (op == "clear") {
    auto mine = window.find(member);
    if (mine != window.end() && mine->second > now) return mine->second - now;
    size_t f = flight.size() - flight.count(member);
    std::vector<int64_t> others;
    for (const auto& [m, t] : window)
      if (m != member && t > now - unit && t <= now && !flight.count(m)) others.push_back(t);
    std::sort(others.begin(), others.end());
    const size_t m = others.size();
    if (m + f >= threshold) {
      int64_t wait = 50;
      if (f < threshold) {
        wait = others[m + f - threshold] + unit - now;
        if (f > 0 && wait > 50) wait = 50;
      }
      return std::max<int64_t>(wait, 1);
    }
    window[member] = now;
    flight[member] = now;
    changed = true;
    return 0;
  }
  // settle
  int64_t at = now;
  if (auto it = flight.find(member); it != flight.end()) {
    at = std::max(at, it->second);
    flight.erase(it);
  }
  window[member] = at;
  changed = true;
  return 0;
}

std::string ThrottleKvState::encode() const {
  std::string out;
  for (const auto& [m, t] : window) out += "w " + m + " " + std::to_string(t) + "\n";
  for (const auto& [m, t] : flight) out += "f " + m + " " + std::to_string(t) + "\n";
  return out;
}

ThrottleKvState ThrottleKvState::decode(std::string_view text) {
  ThrottleKvState s;
  size_t i = 0;
  while (i < text.size()) {
    size_t nl = text.find('\n', i);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(i, nl - i);
    i = nl + 1;
    const size_t a = line.find(' '), b = line.rfind(' ');
    if (line.size() < 5 || a != 1 || b <= a) continue;
    int64_t t = 0;
    bool ok = b + 1 < line.size();
    for (char c : line.substr(b + 1)) {
      if (c < '0' || c > '9') ok = false;
      t = t * 10 + (c - '0');
    }
    if (!ok) continue;
    std::string member(line.substr(a + 1, b - a - 1));
    (line[0] == 'f' ? s.flight : s.window)[member] = t;
  }
  return s;
}

NatsThrottleWindow::NatsThrottleWindow(NatsConnectOptions connect, metrics::Registry& registry,
                                       std::string bucket)
    : conn_([&] {
        connect.name = "notification-manager-throttle";
        if (connect.timeout > std::chrono::seconds(1)) connect.timeout = std::chrono::seconds(1);
        return connect;
      }()),
      bucket_(std::move(bucket)),
      replica_(randomReplicaId()),
      fallbacks_(registry
                     .counter("nm_throttle_redis_fallback_total",
                              "Throttle reservations made in this process because the shared "
                              "store (Redis or NATS) could not be reached (the window is then "
                              "not shared).")
                     .with({})),
      worker_([this] { run(); }) {}

NatsThrottleWindow::~NatsThrottleWindow() {
  {
    std::lock_guard g(mu_);
    quit_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
  conn_.close();
  if (kv_) kvStore_Destroy(kv_);
}

void NatsThrottleWindow::stop() {
  stopped_ = true;
}

std::string NatsThrottleWindow::member(ThrottleTicket ticket) const {
  return replica_ + ":" + std::to_string(ticket);
}

void NatsThrottleWindow::post(std::function<void()> job) {
  {
    std::lock_guard g(mu_);
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void NatsThrottleWindow::run() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock g(mu_);
      wake_.wait(g, [this] { return quit_ || !jobs_.empty(); });
      if (quit_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

void NatsThrottleWindow::unreachable(const std::string& error) {
  retryAt_ = now() + kRetryAfterFailure;
  if (!down_) {
    down_ = true;
    log::warn("throttle: NATS unreachable, windows are kept per replica until it is back",
              {{"url", redactedNatsUrl(conn_.options().url)}, {"error", error}});
  }
}

bool NatsThrottleWindow::ensureConnected(std::string& error) {
  if (kv_) {
    if (conn_.connected()) return true;
    error = "not connected (reconnecting)";
    return false;
  }
  if (!conn_.get() && !conn_.connect(error)) return false;
  jsCtx* js = nullptr;
  natsStatus s = natsConnection_JetStream(&js, conn_.get(), nullptr);
  if (s != NATS_OK) {
    error = "JetStream: " + natsErrorText(s);
    return false;
  }
  js_.reset(js);
  s = js_KeyValue(&kv_, js_.get(), bucket_.c_str());
  if (s == NATS_NOT_FOUND) {
    kvConfig cfg;
    kvConfig_Init(&cfg);
    cfg.Bucket = bucket_.c_str();
    cfg.History = 1;
    cfg.StorageType = js_FileStorage;
    cfg.TTL = 24LL * 3600 * 1000000000;  // ns (cnats 3.4): an idle window is long irrelevant
    cfg.Description = "notification-manager chat throttle windows";
    s = js_CreateKeyValue(&kv_, js_.get(), &cfg);
    // Another replica created it at the same moment ("subjects overlap"): bind to theirs.
    if (s != NATS_OK) s = js_KeyValue(&kv_, js_.get(), bucket_.c_str());
  }
  if (s != NATS_OK) {
    kv_ = nullptr;
    error = "KV bucket " + bucket_ + ": " + natsErrorText(s);
    return false;
  }
  return true;
}

std::optional<int64_t> NatsThrottleWindow::call(const std::string& op, const std::string& key,
                                                const std::string& member,
                                                const ThrottleLimit& limit) {
  if (now() < retryAt_) return std::nullopt;
  std::string error;
  if (!ensureConnected(error)) {
    unreachable(error);
    return std::nullopt;
  }
  const std::string kvKey = natsKvKey(key);
  for (int attempt = 0; attempt < kCasAttempts; ++attempt) {
    kvEntry* raw = nullptr;
    natsStatus s = kvStore_Get(&raw, kv_, kvKey.c_str());
    std::unique_ptr<kvEntry, KvEntryDeleter> e(raw);
    if (s != NATS_OK && s != NATS_NOT_FOUND) {
      error = "get: " + natsErrorText(s);
      if (connectionLost(s)) break;
      continue;
    }
    uint64_t rev = 0;
    ThrottleKvState state;
    if (s == NATS_OK && e && kvEntry_Operation(e.get()) == kvOp_Put) {
      rev = kvEntry_Revision(e.get());
      const char* v = static_cast<const char*>(kvEntry_Value(e.get()));
      state = ThrottleKvState::decode(std::string_view(
          v ? v : "", static_cast<size_t>(std::max(0, kvEntry_ValueLen(e.get())))));
    }
    bool changed = false;
    const int64_t result = state.apply(op, member, limit, nowMs(), changed);
    if (!changed) return result;
    const std::string text = state.encode();
    uint64_t written = 0;
    if (rev == 0)
      s = kvStore_Create(&written, kv_, kvKey.c_str(), text.data(), static_cast<int>(text.size()));
    else
      s = kvStore_Update(&written, kv_, kvKey.c_str(), text.data(), static_cast<int>(text.size()),
                         rev);
    if (s == NATS_OK) {
      if (down_) {
        down_ = false;
        log::info("throttle: NATS reachable again, windows are shared",
                  {{"url", redactedNatsUrl(conn_.options().url)}});
      }
      return result;
    }
    error = "compare-and-set: " + natsErrorText(s);
    if (connectionLost(s)) break;
    // Another replica wrote the key since it was read (wrong last sequence): read it again.
  }
  unreachable(error);
  return std::nullopt;
}

void NatsThrottleWindow::reserve(const std::string& key, const ThrottleLimit& limit, TimePoint at,
                                 std::function<void(Duration, ThrottleTicket)> reserved) {
  auto fallback = [this, key, limit, at](auto& done) {
    fallbacks_.inc();
    auto r = local_.reserveNow(key, limit, at);
    done(r.wait, r.ticket | kLocal);
  };
  if (stopped_) return fallback(reserved);
  {
    std::lock_guard g(mu_);
    limits_[key] = limit;
  }
  post([this, key, limit, fallback, reserved = std::move(reserved)] {
    const ThrottleTicket ticket = next_++;
    if (auto ms = call("reserve", key, member(ticket), limit))
      return reserved(milliseconds(std::max<int64_t>(0, *ms)), ticket);
    fallback(reserved);
  });
}

void NatsThrottleWindow::whenClear(const std::string& key, const ThrottleLimit& limit,
                                   ThrottleTicket ticket, TimePoint at, HttpClient& timers,
                                   std::function<void(TimePoint)> go) {
  if (ticket & kLocal) return local_.whenClear(key, limit, ticket & ~kLocal, at, timers, go);
  if (stopped_) return go(std::max(at, now()));
  post([this, key, limit, ticket, at, &timers, go = std::move(go)] {
    auto ms = call("clear", key, member(ticket), limit);
    if (ms && *ms > 0) {
      timers.after(milliseconds(*ms), [this, key, limit, ticket, at, &timers, go] {
        whenClear(key, limit, ticket, at, timers, go);
      });
      return;
    }
    // Cleared, or NATS is unreachable after the reserved slot was waited for: send.
    timers.after(Duration::zero(), [at, go] { go(std::max(at, now())); });
  });
}

void NatsThrottleWindow::settle(const std::string& key, ThrottleTicket ticket, TimePoint at) {
  if (ticket & kLocal) return local_.settle(key, ticket & ~kLocal, at);
  if (stopped_) return;
  ThrottleLimit limit;
  {
    std::lock_guard g(mu_);
    auto it = limits_.find(key);
    if (it == limits_.end()) return;
    limit = it->second;
  }
  post([this, key, ticket, limit] { call("settle", key, member(ticket), limit); });
}

}  // namespace nm
