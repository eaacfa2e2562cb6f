// The access-token cache of chat channels (DingTalk app, WeCom app…): one entry per credential
// identity, expiry from the vendor's expires_in (capped by tokenExpires), single-flight fetches.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "interfaces/http_client.h"
#include "notify/retry.h"
#include "notify/shared_tokens.h"
#include "notify/vendor_classify.h"

namespace nm {

// What a fetch produced: a token and its lifetime, or an error (never containing a secret).
struct TokenFetch {
  std::string token;
  Duration ttl{0};
  std::string error;
  bool ok() const { return error.empty() && !token.empty(); }
};

// One per daemon (ChannelServices): notifiers are rebuilt on every reload; tokens survive it.
// With `shared` (outliving the cache), a miss asks it first, so replicas fetch one token.
class TokenCache {
 public:
  explicit TokenCache(SharedTokens* shared = nullptr) : shared_(shared) {}

  // Runs the vendor request and reports exactly once, on any thread.
  using Fetcher = std::function<void(std::function<void(TokenFetch)>)>;
  // Receives the token, or an empty token and the fetch error.
  using Waiter = std::function<void(std::string token, std::string error)>;

  // The identity of a credential: vendor, public id and a digest of the secret. The same string
  // serves lookups and invalidation, so the two can never disagree.
  static std::string key(std::string_view vendor, std::string_view id, std::string_view secret);

  // A live cached token is handed over at once; otherwise the first caller starts `fetch` and
  // every concurrent caller for the same key waits for that one fetch.
  void get(const std::string& key, const Fetcher& fetch, Waiter done);

  // Drops the entry if it still holds `token` (a token refreshed meanwhile is kept).
  void invalidate(const std::string& key, const std::string& token);

  // Entries older than ttl minus this margin count as expired (clock skew, in-flight time).
  static constexpr Duration kExpiryMargin = std::chrono::seconds(60);

 private:
  struct Entry {
    std::string token;
    TimePoint expires = kZeroTime;
    bool fetching = false;
    std::vector<Waiter> waiters;
  };
  // `margined`: result.ttl is already short of the vendor's expiry (a shared token's rest).
  void complete(const std::string& key, TokenFetch result, bool margined = false);
  void fetchOwn(const std::string& key, const Fetcher& fetch, bool publish);

  SharedTokens* shared_;
  std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

// A Fetcher that runs `request` (the vendor's gettoken GET) with retries until `deadline` and
// reads {"errcode":0,"access_token":…,"expires_in":seconds}; the lifetime is the smaller of
// expires_in and maxTtl (tokenExpires). Errors carry the vendor's code and message.
TokenCache::Fetcher tokenFetcher(HttpClient& http, HttpRequest request, const VendorCodes& codes,
                                 Duration maxTtl, TimePoint deadline);

// Gets the token for `key` (fetching once via `fetch`), sends build(token) with retries, and on
// one of the vendor's invalid-token codes invalidates that same key and retries once with a
// fresh token.
void sendWithToken(HttpClient& http, TokenCache& tokens, const std::string& key,
                   TokenCache::Fetcher fetch,
                   std::function<HttpRequest(const std::string& token)> build,
                   const VendorCodes& codes, Classifier classify, RetryPolicy policy,
                   TimePoint deadline, std::function<void(SendOutcome)> done);

}  // namespace nm
