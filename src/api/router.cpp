// Route matching, authorization and request metrics around every handler; handler exceptions
// become a 500 reply instead of taking the io thread down.
#include "api/router.h"

#include <curl/curl.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <boost/beast/core/string.hpp>
#include <chrono>
#include <memory>

#include "observe/log.h"

namespace nm::api {

namespace http = boost::beast::http;

namespace {

std::string percentDecode(std::string_view s) {
  std::string plus(s);
  std::replace(plus.begin(), plus.end(), '+', ' ');
  int len = 0;
  // libcurl ignores the handle argument since 7.82.
  char* out = curl_easy_unescape(nullptr, plus.data(), static_cast<int>(plus.size()), &len);
  if (!out) return plus;
  std::string r(out, static_cast<size_t>(len));
  curl_free(out);
  return r;
}

}  // namespace

std::string Request::queryParam(std::string_view name) const {
  std::vector<std::string> values = queryParams(name);
  return values.empty() ? std::string() : std::move(values.front());
}

std::vector<std::string> Request::queryParams(std::string_view name) const {
  std::vector<std::string> out;
  std::string_view q = query;
  while (!q.empty()) {
    size_t amp = q.find('&');
    std::string_view pair = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    size_t eq = pair.find('=');
    if (percentDecode(pair.substr(0, eq)) != name) continue;
    out.push_back(eq == std::string_view::npos ? std::string()
                                               : percentDecode(pair.substr(eq + 1)));
  }
  return out;
}

bool Request::hasQueryParam(std::string_view name) const {
  return !queryParams(name).empty();
}

namespace {
ApiDeps withRegistry(ApiDeps deps, std::unique_ptr<metrics::Registry>& own) {
  if (!deps.metrics) {
    own = std::make_unique<metrics::Registry>();
    deps.metrics = own.get();
  }
  return deps;
}
}  // namespace

Router::Router(ApiDeps deps, RunBlocking runBlocking)
    : deps_(withRegistry(std::move(deps), ownRegistry_)),
      runBlocking_(std::move(runBlocking)),
      requests_(deps_.metrics->counter("nm_http_requests_total",
                                       "HTTP requests by handler and status code",
                                       {"handler", "code"})),
      duration_(deps_.metrics->histogram("nm_http_request_duration_seconds",
                                         "Time from a request's arrival to its reply, by handler",
                                         {"handler"}, metrics::latencyBuckets())) {}

void Router::countRejected(unsigned status) const {
  requests_.with({"rejected", std::to_string(status)}).inc();
}

void Router::add(Route route) {
  routes_.push_back(std::move(route));
}

bool Router::authorized(std::string_view header) const {
  constexpr std::string_view kScheme = "bearer ";
  if (header.size() < kScheme.size() ||
      !boost::beast::iequals(boost::beast::string_view(header.data(), kScheme.size()),
                             boost::beast::string_view(kScheme.data(), kScheme.size())))
    return false;
  std::string_view token = header.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  const std::string& want = deps_.bearerToken;
  return token.size() == want.size() && CRYPTO_memcmp(token.data(), want.data(), want.size()) == 0;
}

void Router::dispatch(Request req, Respond respond) const {
  const Route* match = nullptr;
  std::string allowed;
  auto matches = [&req](const std::string& path) {
    if (!path.ends_with("/*")) return path == req.path;
    std::string_view prefix(path.data(), path.size() - 1);
    return req.path.size() > prefix.size() && req.path.starts_with(prefix);
  };
  for (const Route& r : routes_) {
    if (!matches(r.path)) continue;
    if (r.method == req.method) match = &r;
    if (!allowed.empty()) allowed += ", ";
    allowed += std::string(http::to_string(r.method));
  }
  std::string name = match ? match->name : allowed.empty() ? "notfound" : "method_not_allowed";
  auto started = std::chrono::steady_clock::now();
  Respond counted = [this, name, started, respond = std::move(respond)](Reply reply) {
    requests_.with({name, std::to_string(reply.status)}).inc();
    duration_.with({name}).observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    respond(std::move(reply));
  };

  if (!match) {
    if (allowed.empty()) return counted(jsonReply(404, "not found: " + req.path));
    Reply r = jsonReply(
        405, "method " + std::string(http::to_string(req.method)) + " not allowed on " + req.path);
    r.headers.emplace_back("Allow", allowed);
    return counted(std::move(r));
  }
  if (match->method != http::verb::get && !deps_.bearerToken.empty() &&
      !authorized(req.authorization)) {
    Reply r = jsonReply(401, "unauthorized: this endpoint requires Authorization: Bearer <token>");
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return counted(std::move(r));
  }
  HandlerEnv env{deps_, runBlocking_};
  try {
    match->handler(req, env, counted);
  } catch (const std::exception& e) {
    log::error("http handler failed", {{"handler", name}, {"error", e.what()}});
    counted(jsonReply(500, std::string("internal error: ") + e.what()));
  }
}

}  // namespace nm::api
