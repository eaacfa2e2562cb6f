// The notifier seam: one implementation per channel type, built from (receiver, selected config,
// snapshot) and asked to deliver one Data. Every later channel (DingTalk, email, SMS…) implements
// it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "core/data.h"
#include "core/retry_policy.h"
#include "core/time.h"

namespace nm {

struct SendOutcome {
  bool ok = false;
  std::string error;   // vendor or transport reason, never a secret
  int httpStatus = 0;  // last status seen, 0 if none
  int attempts = 0;
  // What the alert reached, for history's `receiver` field: webhook URL (credentials stripped),
  // chat ids, email addresses…
  std::string channelTarget;
  // The failure's reason_class when the channel knows better than the HTTP status (SMTP
  // replies); empty: derived from httpStatus and error.
  std::string failureClass;
};

// How a send reports back. The outcome callback runs exactly once. Before it, the send may say
// once that it is parked: it waits for a throttle slot past the channel's maxWaitTime, so its
// caller can release the batch instead of holding every other alert of it in flight.
// Built implicitly from any callable taking a SendOutcome (no parked hook then).
class SendDone {
 public:
  SendDone() = default;
  template <class F, class = std::enable_if_t<std::is_invocable_v<F&, SendOutcome> &&
                                              !std::is_same_v<std::decay_t<F>, SendDone>>>
  SendDone(F f) : done_(std::move(f)) {}  // NOLINT: implicit on purpose
  SendDone(std::function<void(SendOutcome)> done, std::function<void()> parked)
      : done_(std::move(done)), parked_(std::move(parked)) {}

  // Reports the outcome (exactly once); a later parked() does nothing.
  void operator()(SendOutcome o) {
    parked_ = nullptr;
    auto fn = std::move(done_);
    fn(std::move(o));
  }
  // The send is parked behind a throttle; runs the hook at most once.
  void parked() {
    if (!parked_) return;
    auto fn = std::move(parked_);
    parked_ = nullptr;
    fn();
  }
  // The same hooks, with `before` run on the outcome first (logging, cleanup).
  SendDone wrap(std::function<void(const SendOutcome&)> before) && {
    return SendDone(
        [before = std::move(before), done = std::move(done_)](SendOutcome o) {
          before(o);
          done(std::move(o));
        },
        std::move(parked_));
  }

 private:
  std::function<void(SendOutcome)> done_;
  std::function<void()> parked_;
};

class Notifier {
 public:
  virtual ~Notifier() = default;
  // Delivers `data` (retrying transient failures until `deadline`); `done` runs exactly once,
  // on any thread, possibly after done.parked().
  virtual void send(std::shared_ptr<const Data> data, TimePoint deadline, SendDone done) = 0;
};

// A capability some notifiers add (webhooks): post a body the caller built to the receiver's
// endpoint with its credentials, TLS and proxy. History posts its own JSON through it.
class BodyPoster {
 public:
  virtual ~BodyPoster() = default;
  virtual void postBody(std::string body, TimePoint deadline, RetryPolicy policy,
                        std::function<void(SendOutcome)> done) = 0;
};

}  // namespace nm
