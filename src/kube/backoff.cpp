// Backoff arithmetic: jittered waits within [step, 1.5 step] but never above the cap, the step
// doubling up to the cap.
#include "kube/backoff.h"

#include <algorithm>

namespace nm::kube {

Backoff::Backoff(Millis initial, Millis max, unsigned seed)
    : initial_(initial), max_(max), step_(initial), rng_(seed) {}

Backoff::Millis Backoff::next() {
  std::uniform_real_distribution<double> jitter(1.0, 1.5);
  const Millis wait(static_cast<long>(static_cast<double>(step_.count()) * jitter(rng_)));
  step_ = std::min(max_, step_ * 2);
  return std::min(wait, max_);
}

int randomWatchTimeoutSeconds(std::mt19937& rng) {
  return std::uniform_int_distribution<int>(300, 600)(rng);
}

}  // namespace nm::kube
