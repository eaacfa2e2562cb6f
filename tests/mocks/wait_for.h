// Waiting in tests: poll a condition until it holds or a generous deadline passes, instead of a
// bare sleep followed by an assertion that only holds when the machine was fast enough.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace nm::test {

// Long enough for a loaded 2-core CI runner; a passing test never waits it out.
inline constexpr std::chrono::milliseconds kWaitDeadline{10000};

// True as soon as `condition()` holds; false when it still does not at `deadline`. Use as
// ASSERT_TRUE(waitFor([&] { ... })) << "what did not happen";
inline bool waitFor(const std::function<bool()>& condition,
                    std::chrono::milliseconds deadline = kWaitDeadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= until) return condition();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

}  // namespace nm::test
