// The shape every chat, push and SMS channel shares: render a Data into vendor requests
// (ChatJobs), run them in order behind their throttles, and log a render or send failure once.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "interfaces/channel.h"
#include "interfaces/http_client.h"
#include "interfaces/notifier.h"
#include "notify/throttle.h"
#include "notify/token_cache.h"

namespace nm {

class ChatNotifier : public Notifier {
 public:
  // A render failure ends the send with this error (no request leaves); a send failure is
  // logged as "<type>: send failed" with the receiver "<type>/<name>".
  void send(std::shared_ptr<const Data> data, TimePoint deadline, SendDone done) final;

 protected:
  ChatNotifier(const ChannelServices& services, std::string type, std::string receiverName)
      : http_(services.http),
        throttle_(services.throttle),
        tokens_(services.tokens),
        type_(std::move(type)),
        receiverName_(std::move(receiverName)) {}

  // The vendor requests for `data`, in the order they must leave. A non-empty return is the
  // outcome's error ("template: …"), and nothing is sent.
  virtual std::string buildJobs(const Data& data, std::vector<ChatJob>& jobs) = 0;
  HttpClient& http_;
  Throttle& throttle_;
  TokenCache& tokens_;
  const std::string type_;
  const std::string receiverName_;
  std::pair<std::string, std::string> logField_;  // one extra field for failure logs (SMS provider)
};

}  // namespace nm
