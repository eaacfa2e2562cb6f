// The reconnect backoff of list and watch: 0.8 s doubling to 30 s, each wait jittered to
// [1.0, 1.5] of the step and capped (so many reflectors do not reconnect in step), reset after a
// success.
#pragma once

#include <chrono>
#include <random>

namespace nm::kube {

class Backoff {
 public:
  using Millis = std::chrono::milliseconds;
  explicit Backoff(Millis initial = Millis(800), Millis max = Millis(30000),
                   unsigned seed = std::random_device{}());
  // The wait before the next attempt; grows the step.
  Millis next();
  void reset() { step_ = initial_; }
  Millis step() const { return step_; }

 private:
  Millis initial_, max_, step_;
  std::mt19937 rng_;
};

// A random watch timeout in [300, 600] s (client-go's spread, so watches do not expire together).
int randomWatchTimeoutSeconds(std::mt19937& rng);

}  // namespace nm::kube
