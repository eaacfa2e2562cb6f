// RestClient: one curl easy handle per request (requests are rare: lists, watches, Events), the
// Authorization header from the TokenSource on each, Status bodies decoded for errors; a 401
// makes the TokenSource re-read its file before the next request.
#include "kube/rest_client.h"

#include <curl/curl.h>

#include <cctype>
#include <mutex>

#include "core/json.h"
#include "core/version.h"

namespace nm::kube {

namespace {

struct Transfer {
  std::string body;
  long status = 0;
  const std::function<bool(std::string_view)>* onData = nullptr;
  const std::function<bool()>* stop = nullptr;
  CURL* curl = nullptr;
  bool aborted = false;
};

size_t onWrite(char* p, size_t size, size_t n, void* ud) {
  auto* t = static_cast<Transfer*>(ud);
  const size_t len = size * n;
  if (t->status == 0) curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &t->status);
  if (t->onData && t->status >= 200 && t->status < 300) {
    if (!(*t->onData)(std::string_view(p, len))) {
      t->aborted = true;
      return 0;
    }
    return len;
  }
  if (t->body.size() < (64u << 20)) t->body.append(p, len);
  return len;
}

int onProgress(void* ud, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(ud);
  if (t->stop && (*t->stop)()) {
    t->aborted = true;
    return 1;
  }
  return 0;
}

void curlInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

void setBlob(CURL* c, CURLoption opt, const std::string& data) {
  curl_blob blob{const_cast<char*>(data.data()), data.size(), CURL_BLOB_COPY};
  curl_easy_setopt(c, opt, &blob);
}

}  // namespace

ApiStatus decodeStatus(std::string_view body) {
  ApiStatus s;
  json::Parsed p = json::parse(body);
  if (!p.ok() || !p.doc.IsObject()) return s;
  if (json::stringMember(p.doc, "kind").value_or("") != "Status") return s;
  s.code = static_cast<int>(json::intMember(p.doc, "code").value_or(0));
  s.reason = json::stringMember(p.doc, "reason").value_or("");
  s.message = json::stringMember(p.doc, "message").value_or("");
  return s;
}

std::string Response::describe() const {
  if (!error.empty()) return error;
  std::string s = "HTTP " + std::to_string(status);
  if (!apiStatus.reason.empty()) s += " " + apiStatus.reason;
  if (!apiStatus.message.empty())
    s += ": " + apiStatus.message;
  else if (!body.empty() && body.size() < 300)
    s += ": " + body;
  return s;
}

std::string queryEscape(std::string_view v) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : v) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

RestClient::RestClient(KubeConfig config)
    : config_(std::move(config)), tokens_(config_.token, config_.tokenFile) {
  curlInitOnce();
}

RestClient::~RestClient() = default;

Response RestClient::get(const std::string& path, RequestOptions o) {
  return perform("GET", path, nullptr, "", o, nullptr, nullptr);
}

Response RestClient::post(const std::string& path, const std::string& json, RequestOptions o) {
  return perform("POST", path, &json, "application/json", o, nullptr, nullptr);
}

Response RestClient::patch(const std::string& path, const std::string& body,
                           const std::string& contentType, RequestOptions o) {
  return perform("PATCH", path, &body, contentType, o, nullptr, nullptr);
}

Response RestClient::stream(const std::string& path,
                            const std::function<bool(std::string_view)>& onData,
                            const std::function<bool()>& stop, RequestOptions o) {
  return perform("GET", path, nullptr, "", o, &onData, &stop);
}

Response RestClient::perform(const char* method, const std::string& path, const std::string* body,
                             const std::string& contentType, RequestOptions o,
                             const std::function<bool(std::string_view)>* onData,
                             const std::function<bool()>* stop) {
  Response r;
  CURL* c = curl_easy_init();
  if (!c) {
    r.error = "curl_easy_init failed";
    return r;
  }
  Transfer t;
  t.curl = c;
  t.onData = onData;
  t.stop = stop;
  const std::string url = config_.server + path;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(o.connectTimeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(o.timeout.count()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, onWrite);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, onProgress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt(c, CURLOPT_USERAGENT, (std::string("notification-manager/") + kVersion).c_str());
  if (body) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body->data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
  }
  if (config_.insecureSkipTlsVerify) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  } else if (!config_.caData.empty()) {
    setBlob(c, CURLOPT_CAINFO_BLOB, config_.caData);
  } else if (!config_.caFile.empty()) {
    curl_easy_setopt(c, CURLOPT_CAINFO, config_.caFile.c_str());
  }
  if (!config_.clientCertData.empty()) setBlob(c, CURLOPT_SSLCERT_BLOB, config_.clientCertData);
  if (!config_.clientCertFile.empty())
    curl_easy_setopt(c, CURLOPT_SSLCERT, config_.clientCertFile.c_str());
  if (!config_.clientKeyData.empty()) setBlob(c, CURLOPT_SSLKEY_BLOB, config_.clientKeyData);
  if (!config_.clientKeyFile.empty())
    curl_easy_setopt(c, CURLOPT_SSLKEY, config_.clientKeyFile.c_str());
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Accept: application/json");
  if (!contentType.empty())
    headers = curl_slist_append(headers, ("Content-Type: " + contentType).c_str());
  if (const std::string token = tokens_.token(); !token.empty())
    headers = curl_slist_append(headers, ("Authorization: Bearer " + token).c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  const CURLcode rc = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(c);
  if (rc != CURLE_OK) {
    r.error = t.aborted ? "aborted" : std::string(curl_easy_strerror(rc)) + " (" + url + ")";
    if (r.status >= 200 && r.status < 300) return r;
  }
  r.body = std::move(t.body);
  if (r.status != 0 && (r.status < 200 || r.status >= 300)) {
    r.error.clear();
    r.apiStatus = decodeStatus(r.body);
    if (r.status == 401) tokens_.invalidate();
  }
  return r;
}

}  // namespace nm::kube
