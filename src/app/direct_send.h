// POST /api/v2/verify and /api/v2/notifications: build ad-hoc receivers from the request's
// Receiver/Config CRs and send synchronously-for-the-caller through aggregate and notify.
#pragma once

#include <yaml-cpp/yaml.h>

#include "api/api_backend.h"
#include "interfaces/channel.h"
#include "interfaces/snapshot.h"
#include "notify/notify_stage.h"

namespace nm::app {

struct DirectSendContext {
  const config::SnapshotStore& snapshots;
  const ChannelServices& services;
  NotifyStage& notify;
  Duration timeout;  // per request deadline
};

// The synthetic alert of the Go daemon's verify: alertname=verify, alerttype=verify, alerttime.
AlertList verifyAlerts();

// Sends `alerts` to every channel of the Receiver CR `receiver` (with optional Config CR);
// completes with 200 `okMessage` or 400 naming the failure.
void directSend(const DirectSendContext& ctx, const YAML::Node& receiver, const YAML::Node& config,
                AlertList alerts, std::string okMessage, api::Completion done);

}  // namespace nm::app
