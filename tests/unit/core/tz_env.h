// Test helper: sets the process TZ for one test and restores it afterwards, so cron results are
// deterministic whatever zone the machine runs in.
#pragma once

#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

#include "core/time.h"

namespace nm::test {

class ScopedTz {
 public:
  explicit ScopedTz(const char* zone) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    setenv("TZ", zone, 1);
    tzset();
  }
  ~ScopedTz() {
    if (old_)
      setenv("TZ", old_->c_str(), 1);
    else
      unsetenv("TZ");
    tzset();
  }
  ScopedTz(const ScopedTz&) = delete;
  ScopedTz& operator=(const ScopedTz&) = delete;

 private:
  std::optional<std::string> old_;
};

// RFC 3339 literal to TimePoint; aborts the test binary on a typo.
inline TimePoint at(const char* rfc3339) {
  auto t = parseRfc3339(rfc3339);
  if (!t) std::abort();
  return *t;
}

}  // namespace nm::test
