// Redacted JSON dumps of the snapshot for GET /receivers and GET /configs: every Credential
// `value` is replaced by "******" (secretKeyRef references are kept, Secret data never shown) and
// every URL goes through nm::redactUrl (passwords, token parameters and path segments).
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>

#include "interfaces/snapshot.h"

namespace nm::config {

inline constexpr const char* kRedacted = "******";

// A JSON array, one object per receiver: key, name, type, tenant, global, labels, enabled,
// config (selected Config name or null), notifierError, spec (the redacted channel block).
// Empty filters match everything; tenant "global" matches the global receivers.
std::string dumpReceivers(const Snapshot& s, std::string_view tenant, std::string_view type);

// A JSON array, one object per Config channel block: key, name, type, tenant, default, priority,
// labels, spec (redacted). Same filters.
std::string dumpConfigs(const Snapshot& s, std::string_view tenant, std::string_view type);

// YAML → JSON text with every credential-shaped map ({value} / {valueFrom}) redacted; map keys
// sorted.
std::string redactedJson(const YAML::Node& n);

}  // namespace nm::config
