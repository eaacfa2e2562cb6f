// Test helpers: an environment variable (TZ, TZDIR…) set for one scope and restored afterwards,
// so zone-dependent results are deterministic whatever zone the machine runs in.
#pragma once

#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

#include "core/time.h"

namespace nm::test {

// Sets (or unsets, value nullptr) one environment variable for a scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value)
      setenv(name, value, 1);
    else
      unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_)
      setenv(name_.c_str(), old_->c_str(), 1);
    else
      unsetenv(name_.c_str());
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

// TZ for one scope, with tzset() on the way in and out.
class ScopedTz {
 public:
  explicit ScopedTz(const char* zone) : env_("TZ", zone) { tzset(); }

 private:
  // Destroyed after env_ (reverse declaration order): tzset() sees the restored TZ.
  struct TzsetOnExit {
    ~TzsetOnExit() { tzset(); }
  } reset_;
  ScopedEnv env_;
};

// RFC 3339 literal to TimePoint; aborts the test binary on a typo.
inline TimePoint at(const char* rfc3339) {
  auto t = parseRfc3339(rfc3339);
  if (!t) std::abort();
  return *t;
}

}  // namespace nm::test
