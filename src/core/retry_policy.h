// RetryPolicy: how a send retries transient failures (exponential backoff with full jitter,
// bounded attempts); a value type shared by notify/retry and every caller that sets a policy.
#pragma once

#include <chrono>

#include "core/time.h"

namespace nm {

struct RetryPolicy {
  Duration initial = std::chrono::milliseconds(100);
  Duration max = std::chrono::seconds(5);
  double multiplier = 2.0;
  int maxAttempts = 0;  // 0: unlimited, bounded by the deadline only
};

}  // namespace nm
