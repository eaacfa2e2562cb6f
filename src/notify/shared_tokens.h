// The seam TokenCache asks before fetching a vendor token: a store replicas share (Redis with
// --store.type redis) hands one replica the fetch and the others its token. None: per process.
#pragma once

#include <functional>
#include <string>

#include "core/time.h"

namespace nm {

struct SharedTokenLookup {
  enum class Kind {
    Found,        // another replica's token, `ttl` left
    Fetch,        // this replica fetches; then publish() or abandon()
    Unavailable,  // the store cannot answer: fetch locally, publish nothing
  };
  Kind kind = Kind::Unavailable;
  std::string token;
  Duration ttl{0};
};

// Keys are TokenCache::key strings; implementations store under a digest of them. Tokens are
// secrets: implementations never log them. Callbacks may run on any thread, never a curl loop's
// waiting on the store.
class SharedTokens {
 public:
  virtual ~SharedTokens() = default;
  virtual void acquire(const std::string& key, std::function<void(SharedTokenLookup)> done) = 0;
  // Stores the fetched token for `ttl` (already margined) and releases the fetch.
  virtual void publish(const std::string& key, const std::string& token, Duration ttl) = 0;
  // Releases the fetch after a failed one.
  virtual void abandon(const std::string& key) = 0;
  // The vendor refused `token`: forget it unless another one replaced it meanwhile.
  virtual void drop(const std::string& key, const std::string& token) = 0;
};

}  // namespace nm
