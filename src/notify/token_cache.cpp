// TokenCache: a mutex-guarded map of tokens with expiry; waiters of an in-flight fetch are
// completed outside the lock when it reports.
#include "notify/token_cache.h"

#include <memory>
#include <utility>

#include "core/json.h"
#include "notify/signing/crypto.h"

namespace nm {

std::string TokenCache::key(std::string_view vendor, std::string_view id, std::string_view secret) {
  std::string k(vendor);
  k += '|';
  k += id;
  k += '|';
  k += signing::sha256Hex(secret);
  return k;
}

void TokenCache::get(const std::string& key, const Fetcher& fetch, Waiter done) {
  std::unique_lock lock(mu_);
  Entry& e = entries_[key];
  if (!e.token.empty() && now() < e.expires) {
    std::string token = e.token;
    lock.unlock();  // the waiter may send at once
    done(std::move(token), "");
    return;
  }
  e.waiters.push_back(std::move(done));
  if (e.fetching) return;
  e.fetching = true;
  lock.unlock();
  if (!shared_) return fetchOwn(key, fetch, false);
  shared_->acquire(key, [this, key, fetch](SharedTokenLookup l) {
    if (l.kind == SharedTokenLookup::Kind::Found)
      return complete(key, TokenFetch{std::move(l.token), l.ttl, ""}, true);
    fetchOwn(key, fetch, l.kind == SharedTokenLookup::Kind::Fetch);
  });
}

void TokenCache::fetchOwn(const std::string& key, const Fetcher& fetch, bool publish) {
  fetch([this, key, publish](TokenFetch r) {
    if (publish && r.ok())
      shared_->publish(key, r.token, r.ttl > kExpiryMargin * 2 ? r.ttl - kExpiryMargin : r.ttl);
    else if (publish)
      shared_->abandon(key);
    complete(key, std::move(r));
  });
}

void TokenCache::complete(const std::string& key, TokenFetch result, bool margined) {
  std::vector<Waiter> waiters;
  {
    std::lock_guard lock(mu_);
    Entry& e = entries_[key];
    e.fetching = false;
    waiters.swap(e.waiters);
    if (result.ok()) {
      e.token = result.token;
      Duration ttl =
          !margined && result.ttl > kExpiryMargin * 2 ? result.ttl - kExpiryMargin : result.ttl;
      e.expires = now() + ttl;
    } else {
      e.token.clear();
    }
  }
  const bool ok = result.ok();
  for (auto& w : waiters) {
    w(ok ? result.token : std::string(),
      ok ? std::string() : (result.error.empty() ? "empty access token" : result.error));
  }
}

void TokenCache::invalidate(const std::string& key, const std::string& token) {
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.token != token) return;
    it->second.token.clear();
    it->second.expires = kZeroTime;
  }
  // Before the refetch that follows asks the store (its jobs run in order).
  if (shared_) shared_->drop(key, token);
}

TokenCache::Fetcher tokenFetcher(HttpClient& http, HttpRequest request, const VendorCodes& codes,
                                 Duration maxTtl, TimePoint deadline) {
  return [&http, request = std::move(request), &codes, maxTtl,
          deadline](std::function<void(TokenFetch)> report) {
    auto body = std::make_shared<std::string>();
    Classifier classify = [body, &codes](const HttpResponse& r) {
      *body = r.body;
      return classifyVendor(r, codes);
    };
    sendWithRetry(http, request, RetryPolicy{}, deadline, std::move(classify),
                  [body, report = std::move(report), maxTtl, &codes](SendOutcome o) {
                    TokenFetch f;
                    if (!o.ok) {
                      f.error = "access token: " + o.error;
                      return report(std::move(f));
                    }
                    const json::Parsed j = json::parse(*body);
                    auto tok = json::stringMember(j.doc, "access_token");
                    if (!tok || tok->empty()) {
                      f.error = "access token: " + codes.vendor + " answered no access_token";
                      return report(std::move(f));
                    }
                    f.token = std::move(*tok);
                    f.ttl = maxTtl;
                    if (auto e = json::intMember(j.doc, "expires_in")) {
                      Duration vendorTtl = std::chrono::seconds(*e);
                      if (vendorTtl > Duration::zero() && vendorTtl < f.ttl) f.ttl = vendorTtl;
                    }
                    report(std::move(f));
                  });
  };
}

namespace {

struct TokenSend : std::enable_shared_from_this<TokenSend> {
  HttpClient& http;
  TokenCache& tokens;
  std::string key;
  TokenCache::Fetcher fetch;
  std::function<HttpRequest(const std::string&)> build;
  const VendorCodes& codes;
  Classifier classify;
  RetryPolicy policy;
  TimePoint deadline;
  std::function<void(SendOutcome)> done;
  int attempts = 0;
  bool refreshed = false;

  TokenSend(HttpClient& h, TokenCache& t, std::string k, TokenCache::Fetcher f,
            std::function<HttpRequest(const std::string&)> b, const VendorCodes& c, Classifier cl,
            RetryPolicy p, TimePoint d, std::function<void(SendOutcome)> fn)
      : http(h),
        tokens(t),
        key(std::move(k)),
        fetch(std::move(f)),
        build(std::move(b)),
        codes(c),
        classify(std::move(cl)),
        policy(p),
        deadline(d),
        done(std::move(fn)) {}

  void start() {
    tokens.get(key, fetch, [self = shared_from_this()](std::string token, std::string error) {
      self->withToken(std::move(token), std::move(error));
    });
  }

  void withToken(std::string token, std::string error) {
    if (token.empty()) {
      SendOutcome o;
      o.attempts = attempts;
      o.error = std::move(error);
      auto fn = std::move(done);
      return fn(std::move(o));
    }
    auto invalid = std::make_shared<bool>(false);
    Classifier c = [invalid, this](const HttpResponse& r) {
      if (isTokenInvalid(r, codes)) *invalid = true;
      return classify ? classify(r) : classifyVendor(r, codes);
    };
    sendWithRetry(http, build(token), policy, deadline, std::move(c),
                  [self = shared_from_this(), invalid, token](SendOutcome o) {
                    self->attempts += o.attempts;
                    if (!o.ok && *invalid && !self->refreshed) {
                      self->refreshed = true;
                      self->tokens.invalidate(self->key, token);
                      return self->start();
                    }
                    o.attempts = self->attempts;
                    auto fn = std::move(self->done);
                    fn(std::move(o));
                  });
  }
};

}  // namespace

void sendWithToken(HttpClient& http, TokenCache& tokens, const std::string& key,
                   TokenCache::Fetcher fetch,
                   std::function<HttpRequest(const std::string& token)> build,
                   const VendorCodes& codes, Classifier classify, RetryPolicy policy,
                   TimePoint deadline, std::function<void(SendOutcome)> done) {
  auto s = std::make_shared<TokenSend>(http, tokens, key, std::move(fetch), std::move(build), codes,
                                       std::move(classify), policy, deadline, std::move(done));
  s->start();
}

}  // namespace nm
