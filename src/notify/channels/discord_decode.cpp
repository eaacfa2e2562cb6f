// Decoding of the Discord blocks: Receiver spec.discord (webhook, type, mentions) and
// NotificationManager options.discord. Discord takes no Config.
#include <algorithm>
#include <cctype>

#include "model/decode.h"
#include "notify/channel_common.h"
#include "notify/channels/discord.h"

namespace nm {

using model::joinPath;
using model::Reader;

namespace {

// Discord ids are snowflakes: decimal digits.
bool isSnowflake(const std::string& s) {
  return !s.empty() && s.size() <= 20 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::vector<std::string> ids(Reader& r, const YAML::Node& n, const std::string& path,
                             bool allowEveryone) {
  std::vector<std::string> v = r.strings(n, path);
  for (size_t i = 0; i < v.size(); ++i) {
    if (isSnowflake(v[i]) || (allowEveryone && v[i] == "everyone")) continue;
    r.error(model::indexPath(path, i), allowEveryone
                                           ? "must be a Discord user id (digits) or \"everyone\""
                                           : "must be a Discord role id (digits)");
  }
  if (v.size() > kDiscordMaxMentions) {
    r.error(path, "at most " + std::to_string(kDiscordMaxMentions) + " entries");
  }
  return v;
}

}  // namespace

std::shared_ptr<const ChannelSpec> decodeDiscordReceiver(const DecodeContext& ctx) {
  Reader r(ctx.origin, ctx.diags);
  const size_t before = ctx.diags.items().size();
  const std::string& path = ctx.path;
  if (!r.map(ctx.node, path)) return nullptr;
  r.onlyKeys(ctx.node, path,
             {"enabled", "alertSelector", "template", "tmplText", "webhook", "type",
              "mentionedUsers", "mentionedRoles"});
  auto spec = std::make_shared<DiscordSpec>();
  if (auto c = model::decodeCredential(r, ctx.node["webhook"], joinPath(path, "webhook"))) {
    spec->webhook = *c;
  } else if (Reader::absent(ctx.node["webhook"])) {
    r.error(joinPath(path, "webhook"), "required field is missing");
  }
  const std::string type = r.str(ctx.node["type"], joinPath(path, "type")).value_or("content");
  if (type == "embed") {
    spec->embed = true;
  } else if (type != "content" && !type.empty()) {
    r.error(joinPath(path, "type"), "must be content or embed");
  }
  spec->mentionedUsers = ids(r, ctx.node["mentionedUsers"], joinPath(path, "mentionedUsers"), true);
  spec->mentionedRoles =
      ids(r, ctx.node["mentionedRoles"], joinPath(path, "mentionedRoles"), false);
  if (ctx.diags.items().size() != before) return nullptr;
  return spec;
}

DiscordOptions discordOptions(const model::NotificationManager& nm, std::string& error) {
  DiscordOptions o;
  readChannelOptions(nm, "discord", o.timeoutSeconds, o.templateName, error,
                     [](Reader& r, const YAML::Node& n, const std::string& p) {
                       r.onlyKeys(n, p, {"notificationTimeout", "template"});
                     });
  return o;
}

}  // namespace nm
