// The libcurl multi HttpClient: N event loops, each a thread running curl_multi_poll that takes
// requests and timers from other threads through a mutex-protected inbox and curl_multi_wakeup,
// and completes callbacks. Requests to a host are spread over the loops, each loop holding an
// exact part of the host's connection limit (HostSpread).
#include "notify/http_client_curl.h"

#include <curl/curl.h>
#include <pthread.h>
#include <strings.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <queue>
#include <thread>
#include <unordered_map>
#include <vector>

#include "notify/curl_host_spread.h"
#include "observe/log.h"

namespace nm {

namespace {

using Steady = std::chrono::steady_clock;

constexpr size_t kIdleHandles = 64;
constexpr long kMaxPollMs = 1000;

void globalInit() {
  static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
  (void)rc;
}

struct Transfer {
  CURL* easy = nullptr;
  HttpRequest req;
  std::function<void(HttpResponse)> done;
  HttpResponse resp;
  curl_slist* headers = nullptr;
  curl_slist* connectTo = nullptr;
  char errbuf[CURL_ERROR_SIZE] = {0};
  Steady::time_point queued;  // when send() was called: the timeout covers waiting for a slot
  Steady::time_point start;
  size_t cap = 0;
  std::string hostKey;  // scheme://authority (or the proxy): the unit of connection limits
  long hostShare = 0;   // connections to hostKey this transfer's loop may open (<= 0: no limit)
};

// "https://user@host:443/path?q" → "https://user@host:443"; requests through a proxy share the
// proxy's connections.
std::string hostKeyOf(const HttpRequest& r) {
  if (!r.proxyUrl.empty()) return "proxy " + r.proxyUrl;
  size_t start = r.url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  size_t end = r.url.find_first_of("/?#", start);
  return r.url.substr(0, end);
}

struct Timer {
  Steady::time_point at;
  uint64_t seq = 0;
  std::function<void()> fn;
};

struct TimerLater {
  bool operator()(const Timer& a, const Timer& b) const {
    return a.at != b.at ? a.at > b.at : a.seq > b.seq;
  }
};

size_t onBody(char* ptr, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  size_t room = t->cap > t->resp.body.size() ? t->cap - t->resp.body.size() : 0;
  t->resp.body.append(ptr, std::min(len, room));
  return len;  // the rest is read and dropped so the connection stays reusable
}

std::string_view headerValue(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ')) {
    v.remove_suffix(1);
  }
  return v;
}

size_t onHeader(char* ptr, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  std::string_view line(ptr, len);
  if (line.starts_with("HTTP/")) {
    t->resp.retryAfter.clear();  // a new response (after 1xx): forget the previous one's headers
  } else if (line.size() > 12 && strncasecmp(ptr, "retry-after:", 12) == 0) {
    t->resp.retryAfter.assign(headerValue(line.substr(12)));
  } else if (line.size() > 22 && strncasecmp(ptr, "x-ogw-ratelimit-reset:", 22) == 0 &&
             t->resp.retryAfter.empty()) {
    // Feishu's rate-limit answer: seconds until the window resets, the same meaning as
    // Retry-After (a Retry-After header, when also present, wins).
    t->resp.retryAfter.assign(headerValue(line.substr(22)));
  }
  return len;
}

const char* phase(CURLcode c) {
  switch (c) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return "resolve";
    case CURLE_COULDNT_CONNECT:
      return "connect";
    case CURLE_OPERATION_TIMEDOUT:
      return "timeout";
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
      return "tls";
    default:
      return "transport";
  }
}

// TLS server name override: the URL's host becomes `serverName` (so SNI and certificate
// verification use it, as Go's tls.Config.ServerName does), CURLOPT_CONNECT_TO still sends the TCP
// connection to the original host, and the Host header keeps the original authority.
bool applyServerName(Transfer& t, std::string& url, std::string& error) {
  CURLU* u = curl_url();
  bool ok = false;
  char *host = nullptr, *port = nullptr, *explicitPort = nullptr, *newUrl = nullptr;
  if (curl_url_set(u, CURLUPART_URL, t.req.url.c_str(), 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
    bool hasPort = curl_url_get(u, CURLUPART_PORT, &explicitPort, 0) == CURLUE_OK;
    const std::string& sn = t.req.tls.serverName;
    if (curl_url_set(u, CURLUPART_HOST, sn.c_str(), 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_URL, &newUrl, 0) == CURLUE_OK) {
      url = newUrl;
      std::string mapping = sn + ":" + port + ":" + host + ":" + port;
      t.connectTo = curl_slist_append(nullptr, mapping.c_str());
      std::string hostHeader = std::string("Host: ") + host;
      if (hasPort) hostHeader += std::string(":") + explicitPort;
      t.headers = curl_slist_append(t.headers, hostHeader.c_str());
      ok = true;
    }
  }
  if (!ok) error = "tls: cannot apply serverName to the URL";
  curl_free(host);
  curl_free(port);
  curl_free(explicitPort);
  curl_free(newUrl);
  curl_url_cleanup(u);
  return ok;
}

class CurlLoop;

// The loop whose thread is running (null elsewhere): timers and retries scheduled from a
// completion stay on the loop that completed the request.
thread_local CurlLoop* tCurrentLoop = nullptr;

// One event loop: a curl multi handle, its thread, its timers and its part of the connection
// limits. `spread` (shared by the loops of one client) learns of every completed request.
class CurlLoop {
 public:
  CurlLoop(const CurlClientOptions& o, long totalShare, long curlHostLimit, HostSpread* spread,
           size_t index)
      : opts_(o), totalShare_(totalShare), spread_(spread), index_(index) {
    globalInit();
    multi_ = curl_multi_init();
    curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, curlHostLimit);
    curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS, totalShare_);
    curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, totalShare_);
    thread_ = std::thread([this] {
      const std::string name = "nm-curl-" + std::to_string(index_);
      pthread_setname_np(pthread_self(), name.c_str());  // shows in top -H and perf
      tCurrentLoop = this;
      loop();
    });
  }

  CurlLoop(const CurlLoop&) = delete;
  CurlLoop& operator=(const CurlLoop&) = delete;

  size_t index() const { return index_; }

  // Shutdown, first step for every loop of a client: new work fails at once from here on.
  void stop() {
    std::lock_guard<std::mutex> g(mu_);
    stopping_ = true;
    curl_multi_wakeup(multi_);
  }

  // Second step, after stop() on every loop (so work moved between loops while draining fails
  // at once): joins the thread and completes what was pending with "client stopped".
  void joinAndDrain() {
    thread_.join();
    std::vector<std::unique_ptr<Transfer>> queued;
    std::vector<Timer> timers;
    {
      std::lock_guard<std::mutex> g(mu_);
      queued.swap(incoming_);
      timers.swap(incomingTimers_);
    }
    for (auto& t : queued) fail(*t, "client stopped");
    for (auto& [key, q] : waiting_) {
      for (auto& t : q) fail(*t, "client stopped");
    }
    waiting_.clear();
    for (auto& [easy, t] : active_) {
      curl_multi_remove_handle(multi_, easy);
      fail(*t, "client stopped");
      release(*t);
    }
    active_.clear();
    while (!timers_.empty()) {
      timers.push_back(std::move(const_cast<Timer&>(timers_.top())));
      timers_.pop();
    }
    // Timers run so that retry chains end (their sends now fail at once with "client stopped").
    for (auto& t : timers) t.fn();
    for (CURL* e : idle_) curl_easy_cleanup(e);
    idle_.clear();
  }

  ~CurlLoop() { curl_multi_cleanup(multi_); }

  void send(std::unique_ptr<Transfer> t) {
    {
      std::lock_guard<std::mutex> g(mu_);
      if (!stopping_) {
        const bool wake = inboxEmpty();
        incoming_.push_back(std::move(t));
        if (wake) curl_multi_wakeup(multi_);
        return;
      }
    }
    fail(*t, "client stopped");
  }

  void after(Duration delay, std::function<void()> fn) {
    std::unique_lock<std::mutex> g(mu_);
    if (stopping_) {
      // After shutdown a timer runs at once, so the chain it continues ends (its sends fail).
      g.unlock();
      return fn();
    }
    auto d = std::chrono::duration_cast<Steady::duration>(std::max(delay, Duration::zero()));
    const bool wake = inboxEmpty();
    incomingTimers_.push_back({Steady::now() + d, 0, std::move(fn)});
    if (wake) curl_multi_wakeup(multi_);
  }

 private:
  // Under mu_. The push that fills an empty inbox wakes the loop; later pushes ride on that
  // wakeup, since the loop takes the whole inbox at once (a syscall per request saved).
  bool inboxEmpty() const { return incoming_.empty() && incomingTimers_.empty(); }

  void fail(Transfer& t, std::string error) {
    t.resp.status = 0;
    t.resp.error = std::move(error);
    complete(t);
  }

  // Every request ends here once: the spread forgets it, then its callback runs.
  void complete(Transfer& t) {
    if (spread_) spread_->finished(t.hostKey, index_);
    auto done = std::move(t.done);
    if (done) done(std::move(t.resp));
  }

  void loop() {
    std::vector<std::unique_ptr<Transfer>> batch;
    std::vector<Timer> newTimers;
    while (true) {
      {
        std::lock_guard<std::mutex> g(mu_);
        if (stopping_) break;
        batch.swap(incoming_);
        newTimers.swap(incomingTimers_);
      }
      for (auto& tm : newTimers) {
        tm.seq = timerSeq_++;
        timers_.push(std::move(tm));
      }
      newTimers.clear();
      for (auto& t : batch) admit(std::move(t));
      batch.clear();
      int running = 0;
      curl_multi_perform(multi_, &running);
      reap();
      long waitMs = runTimers();
      curl_multi_poll(multi_, nullptr, 0, static_cast<int>(waitMs), nullptr);
    }
  }

  // Runs due timers; returns how long the loop may wait for the next one (bounded).
  long runTimers() {
    auto nowAt = Steady::now();
    while (!timers_.empty() && timers_.top().at <= nowAt) {
      auto fn = std::move(const_cast<Timer&>(timers_.top()).fn);
      timers_.pop();
      fn();
    }
    if (timers_.empty()) return kMaxPollMs;
    auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(timers_.top().at - Steady::now())
            .count() +
        1;
    return std::clamp<long>(ms, 0, kMaxPollMs);
  }

  // Starts a transfer when its host and the client have a free connection slot, else parks it in
  // the host's FIFO. Only active transfers own an easy handle (each holds ~100 KiB of buffers), so
  // a burst of thousands of notifications costs their requests, not their handles, and a slow
  // host cannot occupy the slots of the others.
  void admit(std::unique_ptr<Transfer> t) {
    auto& q = waiting_[t->hostKey];
    if (q.empty() && canStart(*t)) {
      start(std::move(t));
    } else {
      q.push_back(std::move(t));
    }
  }

  bool canStart(const Transfer& t) {
    return (totalShare_ <= 0 || active_.size() < static_cast<size_t>(totalShare_)) &&
           (t.hostShare <= 0 || activePerHost_[t.hostKey] < t.hostShare);
  }

  // After transfers finished: start waiting ones, oldest first per host, hosts in turn.
  void pump() {
    bool progressed = true;
    while (progressed && (totalShare_ <= 0 || active_.size() < static_cast<size_t>(totalShare_))) {
      progressed = false;
      for (auto it = waiting_.begin(); it != waiting_.end();) {
        if (!it->second.empty() && canStart(*it->second.front())) {
          auto t = std::move(it->second.front());
          it->second.pop_front();
          start(std::move(t));
          progressed = true;
        }
        if (it->second.empty()) {
          it = waiting_.erase(it);
        } else {
          ++it;
        }
      }
    }
  }

  CURL* takeEasy() {
    if (idle_.empty()) return curl_easy_init();
    CURL* e = idle_.back();
    idle_.pop_back();
    curl_easy_reset(e);
    return e;
  }

  void release(Transfer& t) {
    if (t.easy) {
      if (idle_.size() < kIdleHandles)
        idle_.push_back(t.easy);
      else
        curl_easy_cleanup(t.easy);
      t.easy = nullptr;
    }
    curl_slist_free_all(t.headers);
    curl_slist_free_all(t.connectTo);
    t.headers = t.connectTo = nullptr;
  }

  void start(std::unique_ptr<Transfer> tp) {
    Transfer& t = *tp;
    t.start = Steady::now();
    t.cap = opts_.maxResponseBytes;
    auto waited = std::chrono::duration_cast<Duration>(t.start - t.queued);
    if (waited >= t.req.timeout) {
      return fail(t, "timeout: waited " + formatGoDuration(waited) + " for a free connection to " +
                         t.hostKey);
    }
    t.req.timeout -= waited;
    t.easy = takeEasy();
    if (!t.easy) return fail(t, "transport: curl_easy_init failed");
    CURL* e = t.easy;
    std::string url = t.req.url;
    if (!t.req.tls.serverName.empty() && !t.req.tls.insecureSkipVerify &&
        t.req.url.starts_with("https://")) {
      std::string err;
      if (!applyServerName(t, url, err)) {
        release(t);
        return fail(t, err);
      }
      curl_easy_setopt(e, CURLOPT_CONNECT_TO, t.connectTo);
    }
    curl_easy_setopt(e, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.errbuf);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &onBody);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &onHeader);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
    auto timeoutMs = std::max<long long>(
        1, std::chrono::duration_cast<std::chrono::milliseconds>(t.req.timeout).count());
    auto connectMs = std::min<long long>(
        timeoutMs,
        std::chrono::duration_cast<std::chrono::milliseconds>(opts_.connectTimeout).count());
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(timeoutMs));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::max<long long>(1, connectMs)));

    const std::string& m = t.req.method;
    if (m == "GET") {
      curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    } else {
      if (m != "POST") curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m.c_str());
      if (m == "POST" || !t.req.body.empty()) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, t.req.body.data());
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(t.req.body.size()));
      }
    }
    bool hasExpect = false;
    for (const auto& [k, v] : t.req.headers) {
      if (strcasecmp(k.c_str(), "Expect") == 0) hasExpect = true;
      std::string line = k + ": " + v;
      t.headers = curl_slist_append(t.headers, line.c_str());
    }
    if (!hasExpect) t.headers = curl_slist_append(t.headers, "Expect:");
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.headers);
    if (!t.req.basicAuthUser.empty() || !t.req.basicAuthPassword.empty()) {
      curl_easy_setopt(e, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
      curl_easy_setopt(e, CURLOPT_USERNAME, t.req.basicAuthUser.c_str());
      curl_easy_setopt(e, CURLOPT_PASSWORD, t.req.basicAuthPassword.c_str());
    }
    if (!t.req.proxyUrl.empty()) curl_easy_setopt(e, CURLOPT_PROXY, t.req.proxyUrl.c_str());

    const TlsOptions& tls = t.req.tls;
    if (!tls.caPem.empty()) {
      curl_blob b{const_cast<char*>(tls.caPem.data()), tls.caPem.size(), CURL_BLOB_COPY};
      curl_easy_setopt(e, CURLOPT_CAINFO_BLOB, &b);
    }
    if (!tls.certPem.empty()) {
      curl_blob b{const_cast<char*>(tls.certPem.data()), tls.certPem.size(), CURL_BLOB_COPY};
      curl_easy_setopt(e, CURLOPT_SSLCERT_BLOB, &b);
      curl_easy_setopt(e, CURLOPT_SSLCERTTYPE, "PEM");
    }
    if (!tls.keyPem.empty()) {
      curl_blob b{const_cast<char*>(tls.keyPem.data()), tls.keyPem.size(), CURL_BLOB_COPY};
      curl_easy_setopt(e, CURLOPT_SSLKEY_BLOB, &b);
      curl_easy_setopt(e, CURLOPT_SSLKEYTYPE, "PEM");
    }
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, tls.insecureSkipVerify ? 0L : 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, tls.insecureSkipVerify ? 0L : 2L);

    if (CURLMcode mc = curl_multi_add_handle(multi_, e); mc != CURLM_OK) {
      release(t);
      return fail(t, std::string("transport: ") + curl_multi_strerror(mc));
    }
    activePerHost_[t.hostKey]++;
    active_.emplace(e, std::move(tp));
  }

  // Completes every finished transfer.
  void reap() {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* e = msg->easy_handle;
      CURLcode code = msg->data.result;
      auto it = active_.find(e);
      curl_multi_remove_handle(multi_, e);
      if (it == active_.end()) continue;
      std::unique_ptr<Transfer> t = std::move(it->second);
      active_.erase(it);
      if (--activePerHost_[t->hostKey] <= 0) activePerHost_.erase(t->hostKey);
      t->resp.elapsed = std::chrono::duration_cast<Duration>(Steady::now() - t->start);
      if (code == CURLE_OK) {
        long status = 0;
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
        t->resp.status = static_cast<int>(status);
      } else {
        t->resp.status = 0;
        t->resp.error =
            std::string(phase(code)) + ": " + (t->errbuf[0] ? t->errbuf : curl_easy_strerror(code));
      }
      release(*t);
      complete(*t);
    }
    pump();
  }

  CurlClientOptions opts_;
  long totalShare_;     // this loop's part of maxTotalConnections (<= 0: no limit)
  HostSpread* spread_;  // null with one loop
  size_t index_;
  CURLM* multi_ = nullptr;
  std::mutex mu_;
  bool stopping_ = false;
  std::vector<std::unique_ptr<Transfer>> incoming_;
  std::vector<Timer> incomingTimers_;
  // Loop thread only.
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> active_;
  std::unordered_map<std::string, long> activePerHost_;
  std::unordered_map<std::string, std::deque<std::unique_ptr<Transfer>>> waiting_;
  std::vector<CURL*> idle_;
  std::priority_queue<Timer, std::vector<Timer>, TimerLater> timers_;
  uint64_t timerSeq_ = 0;
  std::thread thread_;
};

// The HttpClient: owns the loops (and joins their threads), picks a loop per request.
class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(const CurlClientOptions& o)
      : spread_(loopCount(o), o.maxHostConnections) {
    const size_t n = loopCount(o);
    // curl's own per-host cap is a backstop at the largest part; admission enforces each part.
    const long curlHostLimit =
        o.maxHostConnections <= 0
            ? 0
            : (o.maxHostConnections + static_cast<long>(n) - 1) / static_cast<long>(n);
    for (size_t i = 0; i < n; ++i) {
      loops_.push_back(std::make_unique<CurlLoop>(o, loopShare(o.maxTotalConnections, n, 0, i),
                                                  curlHostLimit, n > 1 ? &spread_ : nullptr, i));
    }
  }

  ~CurlHttpClient() override { shutdown(); }

  void shutdown() override {
    std::call_once(shutdown_, [this] {
      for (auto& l : loops_) l->stop();
      for (auto& l : loops_) l->joinAndDrain();
    });
  }

  void send(HttpRequest request, std::function<void(HttpResponse)> done) override {
    auto t = std::make_unique<Transfer>();
    t->req = std::move(request);
    t->done = std::move(done);
    t->queued = Steady::now();
    t->hostKey = hostKeyOf(t->req);
    size_t i = 0;
    if (loops_.size() > 1) {
      CurlLoop* calling = callingLoop();
      i = spread_.take(t->hostKey, calling ? calling->index() : HostSpread::kNoLoop);
    }
    t->hostShare = spread_.share(t->hostKey, i);
    loops_[i]->send(std::move(t));
  }

  void after(Duration delay, std::function<void()> fn) override {
    CurlLoop* calling = callingLoop();
    if (!calling) {
      calling =
          loops_[nextTimerLoop_.fetch_add(1, std::memory_order_relaxed) % loops_.size()].get();
    }
    calling->after(delay, std::move(fn));
  }

 private:
  static size_t loopCount(const CurlClientOptions& o) {
    // Every loop needs at least one connection of the total.
    const size_t most = o.maxTotalConnections > 0 ? static_cast<size_t>(o.maxTotalConnections) : 64;
    return std::clamp<size_t>(o.loops, 1, most);
  }

  // The loop of this client whose thread calls, if any.
  CurlLoop* callingLoop() const {
    CurlLoop* l = tCurrentLoop;
    return l && l->index() < loops_.size() && loops_[l->index()].get() == l ? l : nullptr;
  }

  HostSpread spread_;
  std::vector<std::unique_ptr<CurlLoop>> loops_;
  std::atomic<size_t> nextTimerLoop_{0};
  std::once_flag shutdown_;
};

}  // namespace

std::unique_ptr<HttpClient> makeCurlHttpClient(const CurlClientOptions& options) {
  return std::make_unique<CurlHttpClient>(options);
}

}  // namespace nm
