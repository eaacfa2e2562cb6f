// The libcurl SMTP sessions: URL and TLS setup (implicit TLS on 465, STARTTLS when required,
// verified certificates), AUTH options, per-recipient replies read from the protocol trace, and
// the worker pool with its timer queue.
#include "notify/smtp_client_curl.h"

#include <curl/curl.h>

#include <strings.h>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>

namespace nm {

namespace {

using Steady = std::chrono::steady_clock;

void globalInit() {
  static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
  (void)rc;
}

// What one session saw: the RCPT replies and the last reply line. Only RCPT commands and server
// replies are looked at; the AUTH exchange passes through without being stored.
struct Trace {
  std::string pendingRcpt;  // the RCPT TO sent and not yet answered
  std::string lastReply;
  int lastCode = 0;
  std::vector<SmtpRejection> rejected;
  std::string partial;  // an incomplete reply line
};

std::string addressIn(std::string_view cmd) {
  size_t open = cmd.find('<');
  size_t close = cmd.rfind('>');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return "";
  return std::string(cmd.substr(open + 1, close - open - 1));
}

void onReplyLine(Trace& t, std::string line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  if (line.size() < 3 || !std::isdigit(static_cast<unsigned char>(line[0])) ||
      !std::isdigit(static_cast<unsigned char>(line[1])) ||
      !std::isdigit(static_cast<unsigned char>(line[2]))) {
    return;
  }
  if (line.size() > 3 && line[3] == '-') return;  // a continuation line of a multi-line reply
  const int code = std::stoi(line.substr(0, 3));
  t.lastCode = code;
  t.lastReply = line.substr(0, 512);
  if (!t.pendingRcpt.empty()) {
    if (code >= 400) t.rejected.push_back({t.pendingRcpt, code, t.lastReply});
    t.pendingRcpt.clear();
  }
}

int onDebug(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  auto* t = static_cast<Trace*>(user);
  std::string_view s(data, size);
  if (type == CURLINFO_HEADER_OUT) {
    if (s.size() > 8 && strncasecmp(data, "RCPT TO:", 8) == 0) t->pendingRcpt = addressIn(s);
  } else if (type == CURLINFO_HEADER_IN) {
    t->partial.append(s);
    size_t nl;
    while ((nl = t->partial.find('\n')) != std::string::npos) {
      onReplyLine(*t, t->partial.substr(0, nl + 1));
      t->partial.erase(0, nl + 1);
    }
  }
  return 0;
}

struct Upload {
  const std::string* data;
  size_t pos = 0;
};

size_t onRead(char* buf, size_t size, size_t n, void* user) {
  auto* u = static_cast<Upload*>(user);
  size_t len = std::min(size * n, u->data->size() - u->pos);
  std::memcpy(buf, u->data->data() + u->pos, len);
  u->pos += len;
  return len;
}

std::string joinRejections(const std::vector<SmtpRejection>& rejected) {
  std::string out;
  for (const auto& r : rejected) {
    if (!out.empty()) out += "; ";
    out += "rejected <" + r.rcpt + ">: " + r.reply;
  }
  return out;
}

bool certificateProblem(CURLcode c) {
  switch (c) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
      return true;
    default:
      return false;
  }
}

// Errors no retry can fix: configuration, unsupported options, refused login.
bool permanentTransport(CURLcode c) {
  switch (c) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_USE_SSL_FAILED:
    case CURLE_LOGIN_DENIED:
    case CURLE_AUTH_ERROR:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_CIPHER:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_UNKNOWN_OPTION:
      return true;
    default:
      return false;
  }
}

class CurlSmtpClient final : public SmtpClient {
 public:
  explicit CurlSmtpClient(const SmtpClientOptions& o) : opts_(o) {
    globalInit();
    for (int i = 0; i < std::max(1, opts_.workers); ++i) {
      workers_.emplace_back([this] { loop(); });
    }
  }

  ~CurlSmtpClient() override { shutdown(); }

  void shutdown() override {
    std::call_once(shutdown_, [this] { stopAndDrain(); });
  }

  void send(SmtpServer server, SmtpEnvelope envelope, TimePoint deadline,
            std::function<void(SmtpResult)> done) override {
    auto job = [this, server = std::move(server), envelope = std::move(envelope), deadline,
                done = std::move(done)]() mutable {
      bool stopped;
      {
        std::lock_guard<std::mutex> g(mu_);
        stopped = stopping_;
      }
      if (stopped) {
        SmtpResult r;
        r.error = "client stopped";
        return done(std::move(r));
      }
      done(session(server, envelope, deadline));
    };
    enqueue(Steady::now(), std::move(job));
  }

  void after(Duration delay, std::function<void()> fn) override {
    auto d = std::chrono::duration_cast<Steady::duration>(std::max(delay, Duration::zero()));
    enqueue(Steady::now() + d, std::move(fn));
  }

 private:
  void stopAndDrain() {
    {
      std::lock_guard<std::mutex> g(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    for (auto& w : workers_) w.join();
    // Everything still queued runs now: sessions fail with "client stopped", timers run so that
    // retry chains end.
    while (true) {
      std::function<void()> fn;
      {
        std::lock_guard<std::mutex> g(mu_);
        if (queue_.empty()) break;
        fn = std::move(queue_.begin()->second);
        queue_.erase(queue_.begin());
      }
      fn();
    }
  }

  void enqueue(Steady::time_point at, std::function<void()> fn) {
    bool stopped;
    {
      std::lock_guard<std::mutex> g(mu_);
      stopped = stopping_;
      if (!stopped) queue_.emplace(at, std::move(fn));
    }
    if (stopped) return fn();  // sessions fail at once; their done runs here
    cv_.notify_one();
  }

  void loop() {
    std::unique_lock<std::mutex> lk(mu_);
    while (!stopping_) {
      if (queue_.empty()) {
        cv_.wait(lk);
        continue;
      }
      auto first = queue_.begin();
      if (first->first > Steady::now()) {
        // A copy: while this worker waits, another may run and erase that entry.
        const Steady::time_point when = first->first;
        cv_.wait_until(lk, when);
        continue;
      }
      auto fn = std::move(first->second);
      queue_.erase(first);
      lk.unlock();
      fn();
      lk.lock();
    }
  }

  SmtpResult session(const SmtpServer& s, const SmtpEnvelope& env, TimePoint deadline) const {
    SmtpResult fail;
    const Duration left = deadline - now();
    if (left <= Duration::zero()) {
      fail.error = "deadline passed before the session started";
      return fail;
    }
    if (env.rcpts.empty()) {
      fail.error = "no recipients";
      return fail;
    }
    CURL* e = curl_easy_init();
    if (!e) {
      fail.transient = true;
      fail.error = "transport: curl_easy_init failed";
      return fail;
    }
    const bool implicitTls = s.port == 465;
    const bool verify = !s.tls.insecureSkipVerify;
    std::string urlHost = s.host;
    curl_slist* connectTo = nullptr;
    if (!s.tls.serverName.empty() && verify && (implicitTls || s.requireTLS)) {
      // SNI and the verified name come from the URL's host; the TCP connection still goes to
      // smartHost (as Go's tls.Config.ServerName).
      urlHost = s.tls.serverName;
      std::string port = std::to_string(s.port);
      std::string target = s.host.find(':') != std::string::npos ? "[" + s.host + "]" : s.host;
      connectTo =
          curl_slist_append(nullptr, (urlHost + ":" + port + ":" + target + ":" + port).c_str());
      curl_easy_setopt(e, CURLOPT_CONNECT_TO, connectTo);
    }
    if (urlHost.find(':') != std::string::npos) urlHost = "[" + urlHost + "]";
    std::string url = std::string(implicitTls ? "smtps://" : "smtp://") + urlHost + ":" +
                      std::to_string(s.port) + "/";
    if (!s.hello.empty()) {
      char* esc = curl_easy_escape(e, s.hello.c_str(), static_cast<int>(s.hello.size()));
      if (esc) url += esc;
      curl_free(esc);
    }
    char errbuf[CURL_ERROR_SIZE] = {0};
    Trace trace;
    Upload upload{&env.message};
    curl_slist* rcpts = nullptr;
    for (const auto& r : env.rcpts) rcpts = curl_slist_append(rcpts, ("<" + r + ">").c_str());
    const std::string from = "<" + env.from + ">";

    curl_easy_setopt(e, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
    // The trace callback replaces libcurl's verbose output (nothing is printed); it reads the RCPT
    // replies and ignores everything else, the AUTH exchange included.
    curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, &onDebug);
    curl_easy_setopt(e, CURLOPT_DEBUGDATA, &trace);
    curl_easy_setopt(e, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(e, CURLOPT_MAIL_RCPT, rcpts);
    curl_easy_setopt(e, CURLOPT_MAIL_RCPT_ALLLOWFAILS, 1L);
    curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(e, CURLOPT_READFUNCTION, &onRead);
    curl_easy_setopt(e, CURLOPT_READDATA, &upload);
    curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(env.message.size()));
    const auto timeoutMs = std::max<long long>(
        1,
        std::chrono::duration_cast<std::chrono::milliseconds>(std::min(left, s.timeout)).count());
    const auto connectMs = std::min<long long>(
        timeoutMs,
        std::chrono::duration_cast<std::chrono::milliseconds>(opts_.connectTimeout).count());
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(timeoutMs));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::max(1LL, connectMs)));
    curl_easy_setopt(
        e, CURLOPT_USE_SSL,
        static_cast<long>(s.requireTLS && !implicitTls ? CURLUSESSL_ALL : CURLUSESSL_NONE));
    if (!s.tls.caPem.empty()) {
      curl_blob b{const_cast<char*>(s.tls.caPem.data()), s.tls.caPem.size(), CURL_BLOB_COPY};
      curl_easy_setopt(e, CURLOPT_CAINFO_BLOB, &b);
    }
    if (!s.tls.certPem.empty()) {
      curl_blob b{const_cast<char*>(s.tls.certPem.data()), s.tls.certPem.size(), CURL_BLOB_COPY};
      curl_easy_setopt(e, CURLOPT_SSLCERT_BLOB, &b);
      curl_easy_setopt(e, CURLOPT_SSLCERTTYPE, "PEM");
    }
    if (!s.tls.keyPem.empty()) {
      curl_blob b{const_cast<char*>(s.tls.keyPem.data()), s.tls.keyPem.size(), CURL_BLOB_COPY};
      curl_easy_setopt(e, CURLOPT_SSLKEY_BLOB, &b);
      curl_easy_setopt(e, CURLOPT_SSLKEYTYPE, "PEM");
    }
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
    if (!s.username.empty()) {
      curl_easy_setopt(e, CURLOPT_USERNAME, s.username.c_str());
      curl_easy_setopt(e, CURLOPT_PASSWORD, s.password.c_str());
      if (!s.authzid.empty()) curl_easy_setopt(e, CURLOPT_SASL_AUTHZID, s.authzid.c_str());
      if (!s.loginOptions.empty()) {
        curl_easy_setopt(e, CURLOPT_LOGIN_OPTIONS, s.loginOptions.c_str());
      }
    }

    const CURLcode rc = curl_easy_perform(e);
    long code = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(e);
    curl_slist_free_all(rcpts);
    curl_slist_free_all(connectTo);
    const int last = trace.lastCode ? trace.lastCode : static_cast<int>(code);
    SmtpResult r = classifySmtp(static_cast<int>(rc), errbuf, last, trace.lastReply,
                                std::move(trace.rejected), env.rcpts.size());
    if (rc == CURLE_USE_SSL_FAILED) {
      r.error = "requireTLS: the server " + s.host + ":" + std::to_string(s.port) +
                " does not offer STARTTLS";
    }
    return r;
  }

  SmtpClientOptions opts_;
  std::mutex mu_;
  std::once_flag shutdown_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::multimap<Steady::time_point, std::function<void()>> queue_;
  std::vector<std::thread> workers_;
};

}  // namespace

SmtpResult classifySmtp(int curlCode, const char* curlError, int lastCode,
                        const std::string& lastReply, std::vector<SmtpRejection> rejected,
                        size_t rcptCount) {
  SmtpResult r;
  const auto c = static_cast<CURLcode>(curlCode);
  r.code = lastCode;
  const std::string why =
      curlError && *curlError ? std::string(curlError) : std::string(curl_easy_strerror(c));
  if (c == CURLE_OK) {
    r.ok = true;
    r.rejected = std::move(rejected);
    if (!r.rejected.empty()) r.error = joinRejections(r.rejected);
    return r;
  }
  if (!rejected.empty() && rejected.size() >= rcptCount) {
    r.transient = std::all_of(rejected.begin(), rejected.end(),
                              [](const SmtpRejection& x) { return x.code < 500; });
    r.error = "all recipients rejected: " + joinRejections(rejected);
    r.rejected = std::move(rejected);
    return r;
  }
  r.rejected = std::move(rejected);
  if (certificateProblem(c)) {
    r.error = "tls: certificate verification failed: " + why;
    return r;
  }
  if (c == CURLE_USE_SSL_FAILED) {
    r.error = "requireTLS: the server does not offer STARTTLS";
    return r;
  }
  if (lastCode >= 400 && lastCode < 600) {
    r.transient = lastCode < 500;
    r.error = "smtp " + (lastReply.empty() ? std::to_string(lastCode) : lastReply);
    if (c == CURLE_LOGIN_DENIED) r.error = "auth failed: " + r.error;
    return r;
  }
  if (c == CURLE_LOGIN_DENIED) {
    r.error = "auth: " + why;
    return r;
  }
  r.transient = !permanentTransport(c);
  const char* phase = c == CURLE_COULDNT_CONNECT        ? "connect"
                      : c == CURLE_COULDNT_RESOLVE_HOST ? "resolve"
                      : c == CURLE_OPERATION_TIMEDOUT   ? "timeout"
                      : c == CURLE_SSL_CONNECT_ERROR    ? "tls"
                                                        : "transport";
  r.error = std::string(phase) + ": " + why;
  return r;
}

std::unique_ptr<SmtpClient> makeCurlSmtpClient(const SmtpClientOptions& options) {
  return std::make_unique<CurlSmtpClient>(options);
}

}  // namespace nm
