// The channel seam: what a channel provides (receiver/config decoders and a notifier factory) and
// what its factory is given. Implementations live in notify/channels/, found by
// notify/channel_registry.
#pragma once

#include <yaml-cpp/yaml.h>

#include <memory>
#include <string>
#include <string_view>

#include "interfaces/notifier.h"
#include "model/diagnostics.h"

namespace nm::config {
struct Snapshot;
struct Receiver;
struct ConfigEntry;
class SecretResolver;
}  // namespace nm::config

namespace nm {

class HttpClient;
class SmtpClient;
class Throttle;
class TokenCache;
namespace metrics {
class Registry;
}

// The shared machinery channels send through, constructed and owned by the daemon, outliving
// every snapshot: one HTTP client, one SMTP client, the chat throttles and token caches (their
// windows and tokens survive reloads), and the metrics registry.
struct ChannelServices {
  HttpClient& http;
  SmtpClient& smtp;
  Throttle& throttle;
  TokenCache& tokens;
  metrics::Registry& metrics;
};

// A channel's decoded receiver or config block; channels downcast to their own type.
struct ChannelSpec {
  virtual ~ChannelSpec() = default;
};

// What a channel decoder gets: the YAML block and where it is, for diagnostics.
struct DecodeContext {
  const YAML::Node& node;
  const model::Origin& origin;
  const std::string& path;  // "spec.webhook"
  model::Diagnostics& diags;
};

struct NotifierContext {
  const config::Receiver& receiver;
  const config::ConfigEntry* config;  // the selected config; nullptr if none matched
  const config::Snapshot& snapshot;
  const config::SecretResolver& secrets;
  const ChannelServices& services;
};

struct ChannelDescriptor {
  std::string type;
  // Decodes and validates spec.<type> of a Receiver; null on error (with diagnostics).
  std::shared_ptr<const ChannelSpec> (*decodeReceiver)(const DecodeContext&);
  // Decodes spec.<type> of a Config; null on error. Nullptr function: the type takes no config.
  std::shared_ptr<const ChannelSpec> (*decodeConfig)(const DecodeContext&);
  // Builds the notifier; on failure returns null and sets `error` (e.g. "no email config").
  std::unique_ptr<Notifier> (*make)(const NotifierContext&, std::string& error);
};

}  // namespace nm
