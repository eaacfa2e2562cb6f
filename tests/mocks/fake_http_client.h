// The one HttpClient fake of the unit tests: records every request and timer and answers from a
// script (a handler, replies in sequence, replies per URL prefix, a fallback), now or on demand.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "interfaces/http_client.h"

namespace nm::test {

inline HttpResponse reply(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

// A response whose transport failed (status 0), as the curl client reports connect errors.
inline HttpResponse transportError(std::string error) {
  HttpResponse r;
  r.error = std::move(error);
  return r;
}

// Single-threaded: the test's thread sends (through the code under test) and completes.
class FakeHttpClient final : public HttpClient {
 public:
  // The fallback answer is 200 {"errcode":0,"errmsg":"ok"}, what most chat vendors send on success.
  FakeHttpClient() : FakeHttpClient(reply(200, R"({"errcode":0,"errmsg":"ok"})")) {}
  explicit FakeHttpClient(HttpResponse fallback) : fallback_(std::move(fallback)) {}

  // How a request is answered, first match wins: `handler` when set; else the oldest reply queued
  // with thenReply(); else the reply of the first replyTo() prefix of the URL; else the fallback.
  std::function<HttpResponse(const HttpRequest&)> handler;
  void thenReply(HttpResponse r) { sequence_.push_back(std::move(r)); }
  void replyTo(std::string urlPrefix, HttpResponse r) {
    byUrl_.emplace_back(std::move(urlPrefix), std::move(r));
  }

  // When true, send() parks the request until completeNext()/completeAll(), like a real client
  // whose answer arrives later; the answer is chosen at completion.
  bool deferReplies = false;
  size_t pendingCount() const { return pending_.size(); }
  // Answers the oldest parked request; false when none is parked.
  bool completeNext() {
    if (pending_.empty()) return false;
    Pending p = std::move(pending_.front());
    pending_.pop_front();
    p.done(answer(p.request));
    return true;
  }
  // Answers parked requests until none is left, including ones parked by those answers.
  size_t completeAll() {
    size_t n = 0;
    while (completeNext()) ++n;
    return n;
  }

  std::vector<HttpRequest> requests;  // every request, in send order
  std::vector<Duration> delays;       // every after() delay; the timer itself runs at once

  void send(HttpRequest request, std::function<void(HttpResponse)> done) override {
    requests.push_back(request);
    if (deferReplies) {
      pending_.push_back({std::move(request), std::move(done)});
      return;
    }
    done(answer(request));
  }
  void after(Duration delay, std::function<void()> fn) override {
    delays.push_back(delay);
    fn();
  }
  void shutdown() override {}

 private:
  struct Pending {
    HttpRequest request;
    std::function<void(HttpResponse)> done;
  };

  HttpResponse answer(const HttpRequest& request) {
    if (handler) return handler(request);
    if (!sequence_.empty()) {
      HttpResponse r = std::move(sequence_.front());
      sequence_.pop_front();
      return r;
    }
    for (const auto& [prefix, r] : byUrl_) {
      if (request.url.compare(0, prefix.size(), prefix) == 0) return r;
    }
    return fallback_;
  }

  HttpResponse fallback_;
  std::deque<HttpResponse> sequence_;
  std::vector<std::pair<std::string, HttpResponse>> byUrl_;
  std::deque<Pending> pending_;
};

}  // namespace nm::test
