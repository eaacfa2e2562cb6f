// Owning handles for cnats objects (natsConnection, jsCtx, natsSubscription, natsMsg,
// natsOptions): each destroys its object once, and the error text of a cnats status.
#pragma once

#include <nats/nats.h>

#include <memory>
#include <string>

namespace nm {

struct NatsConnectionDeleter {
  void operator()(natsConnection* c) const { natsConnection_Destroy(c); }
};
struct JsCtxDeleter {
  void operator()(jsCtx* js) const { jsCtx_Destroy(js); }
};
struct NatsSubscriptionDeleter {
  void operator()(natsSubscription* s) const { natsSubscription_Destroy(s); }
};
struct NatsMsgDeleter {
  void operator()(natsMsg* m) const { natsMsg_Destroy(m); }
};
struct NatsOptionsDeleter {
  void operator()(natsOptions* o) const { natsOptions_Destroy(o); }
};

using NatsConnectionPtr = std::unique_ptr<natsConnection, NatsConnectionDeleter>;
using JsCtxPtr = std::unique_ptr<jsCtx, JsCtxDeleter>;
using NatsSubscriptionPtr = std::unique_ptr<natsSubscription, NatsSubscriptionDeleter>;
using NatsMsgPtr = std::unique_ptr<natsMsg, NatsMsgDeleter>;
using NatsOptionsPtr = std::unique_ptr<natsOptions, NatsOptionsDeleter>;
// A pulled message shared by the batch that holds it and the queue's heartbeat list.
using SharedNatsMsg = std::shared_ptr<natsMsg>;
inline SharedNatsMsg shareNatsMsg(natsMsg* m) {
  return SharedNatsMsg(m, NatsMsgDeleter{});
}

// "<status text>: <the library's last error text>" (the latter when it adds something).
std::string natsErrorText(natsStatus s);

}  // namespace nm
