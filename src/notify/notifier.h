// The notifier seam: one implementation per channel type, built from (receiver, selected config,
// snapshot) and asked to deliver one Data. Every later channel (DingTalk, email, SMS…) implements
// it.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "aggregate/data.h"
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

class Notifier {
 public:
  virtual ~Notifier() = default;
  // Delivers `data` (retrying transient failures until `deadline`); `done` runs exactly once,
  // on any thread.
  virtual void send(std::shared_ptr<const Data> data, TimePoint deadline,
                    std::function<void(SendOutcome)> done) = 0;
};

}  // namespace nm
