// The JSON bodies the webhook channel and history send: the reference's Data JSON plus
// Alertmanager's top-level webhook fields, and the history variant with per-alert receivers.
#pragma once

#include <string>
#include <vector>

#include "core/data.h"
#include "core/time.h"

namespace nm {

// {"receiver","status","alerts":[{id,status,labels,annotations,startsAt,endsAt,generatorURL,
// fingerprint}],"groupLabels","commonLabels","commonAnnotations","version":"4"}. Each alert's
// labels gain receiver=<data.receiverName> when absent.
std::string dataJson(const Data& data);

// Where one alert was delivered: rendered as {"<name>": {"<type>": "<target>"}}.
struct DeliveredTo {
  std::string receiverName;
  std::string type;
  std::string target;
};

struct HistoryAlert {
  AlertPtr alert;
  TimePoint notificationTime = kZeroTime;
  std::vector<DeliveredTo> receivers;
};

// The history body: the same shape as dataJson with receiver=`receiverName`, plus per alert
// "notificationTime" and the "receiver" map. Alert labels are written as they are.
std::string historyJson(const std::string& receiverName, const std::vector<HistoryAlert>& alerts);

}  // namespace nm
