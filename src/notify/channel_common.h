// What every channel factory shares: reading NotificationManager spec.receivers.options.<type>
// (notificationTimeout, template, the API base) and resolving credentials with named errors.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "interfaces/channel.h"
#include "model/decode_reader.h"
#include "model/resources.h"

namespace nm {

// The type's own fields of an options block: (reader, block, "spec.receivers.options.<type>").
using OptionFields =
    std::function<void(model::Reader&, const YAML::Node&, const std::string& path)>;

// Reads options.<type>: a positive notificationTimeout into `timeoutSeconds`, template into
// `templateName`, then `fields` when the block is a map. `error` gets the first diagnostic
// ("<path>: <message>"); defaults stay where nothing is set.
void readChannelOptions(const model::NotificationManager& nm, const std::string& type,
                        int& timeoutSeconds, std::string& templateName, std::string& error,
                        const OptionFields& fields = nullptr);

// The API base URL: the option's value, else the environment variable, else `fallback`;
// trailing slashes removed.
std::string chooseApiBase(const std::string& fromOption, const char* envVar,
                          std::string_view fallback);

// Resolves `c` (value or Secret) into `out`; on failure `error` reads
// "<channel>: <what>: <reason>" and false is returned.
bool resolveCredential(const NotifierContext& ctx, const model::Credential& c,
                       std::string_view channel, std::string_view what, std::string& out,
                       std::string& error);

// The start of every channel factory: the receiver's decoded spec of type `Spec` and the channel's
// options read by `read`. Null with "<type>: …" in `error` when either is missing or invalid.
std::shared_ptr<const ChannelSpec> receiverSpecOf(const NotifierContext& ctx);
const model::NotificationManager& notificationManagerOf(const NotifierContext& ctx);

template <class Spec, class Options>
std::shared_ptr<const Spec> channelSpecAndOptions(const NotifierContext& ctx, std::string_view type,
                                                  Options (*read)(const model::NotificationManager&,
                                                                  std::string&),
                                                  Options& opts, std::string& error) {
  auto spec = std::dynamic_pointer_cast<const Spec>(receiverSpecOf(ctx));
  if (!spec) {
    error = std::string(type) + ": receiver has no decoded " + std::string(type) + " spec";
    return nullptr;
  }
  opts = read(notificationManagerOf(ctx), error);
  if (!error.empty()) {
    error = std::string(type) + ": " + error;
    return nullptr;
  }
  return spec;
}

}  // namespace nm
