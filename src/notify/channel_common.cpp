// Shared channel factory helpers: options.<type> reading with field-path errors, API base
// selection (option > environment > vendor default) and credential resolution.
#include "notify/channel_common.h"

#include <cstdlib>

#include "interfaces/snapshot.h"

namespace nm {

void readChannelOptions(const model::NotificationManager& nm, const std::string& type,
                        int& timeoutSeconds, std::string& templateName, std::string& error,
                        const OptionFields& fields) {
  auto it = nm.channelOptions.find(type);
  if (it == nm.channelOptions.end()) return;
  const model::ChannelOptions& co = it->second;
  if (co.notificationTimeout && *co.notificationTimeout > 0) {
    timeoutSeconds = *co.notificationTimeout;
  }
  templateName = co.templateName;
  if (!fields || !co.raw || !co.raw.IsMap()) return;
  model::Diagnostics diags;
  model::Reader r(nm.origin, diags);
  fields(r, co.raw, "spec.receivers.options." + type);
  if (!diags.items().empty()) {
    error = diags.items().front().path + ": " + diags.items().front().message;
  }
}

std::string chooseApiBase(const std::string& fromOption, const char* envVar,
                          std::string_view fallback) {
  std::string base = fromOption;
  if (base.empty() && envVar) {
    if (const char* env = std::getenv(envVar)) base = env;
  }
  if (base.empty()) base = fallback;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

bool resolveCredential(const NotifierContext& ctx, const model::Credential& c,
                       std::string_view channel, std::string_view what, std::string& out,
                       std::string& error) {
  std::string err;
  auto v = ctx.secrets.resolve(c, err);
  if (!v) {
    error = std::string(channel) + ": " + std::string(what) + ": " + err;
    return false;
  }
  out = std::move(*v);
  return true;
}

std::shared_ptr<const ChannelSpec> receiverSpecOf(const NotifierContext& ctx) {
  return ctx.receiver.spec;
}

const model::NotificationManager& notificationManagerOf(const NotifierContext& ctx) {
  return ctx.snapshot.nm;
}

}  // namespace nm
