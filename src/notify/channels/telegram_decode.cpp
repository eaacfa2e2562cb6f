// Decoding of the Telegram blocks: Receiver spec.telegram (chat ids, mentions), Config
// spec.telegram (the bot token) and NotificationManager options.telegram.
#include <re2/re2.h>

#include <cstdlib>

#include "model/decode.h"
#include "notify/channel_common.h"
#include "notify/channels/telegram.h"

namespace nm {

using model::indexPath;
using model::joinPath;
using model::Reader;

std::shared_ptr<const ChannelSpec> decodeTelegramReceiver(const DecodeContext& ctx) {
  // A chat id is a (possibly negative) integer, or "@" and a public channel's username.
  static const RE2 kChatId("^(-?[0-9]{1,20}|@[A-Za-z0-9_]{1,64})$");
  static const RE2 kUser("^@?[A-Za-z0-9_]{1,64}$");
  Reader r(ctx.origin, ctx.diags);
  const size_t before = ctx.diags.items().size();
  const std::string& path = ctx.path;
  if (!r.map(ctx.node, path)) return nullptr;
  r.onlyKeys(ctx.node, path,
             {"enabled", "alertSelector", "telegramConfigSelector", "template", "tmplText",
              "channels", "mentionedUsers"});
  auto spec = std::make_shared<TelegramSpec>();
  const std::string cp = joinPath(path, "channels");
  spec->channels = r.strings(ctx.node["channels"], cp);
  if (spec->channels.empty() && ctx.diags.items().size() == before) {
    r.error(cp, "at least one chat id is required");
  }
  for (size_t i = 0; i < spec->channels.size(); ++i) {
    if (!RE2::FullMatch(spec->channels[i], kChatId)) {
      r.error(indexPath(cp, i),
              "must be a numeric chat id or @channelname, got \"" + spec->channels[i] + "\"");
    }
  }
  const std::string up = joinPath(path, "mentionedUsers");
  spec->mentionedUsers = r.strings(ctx.node["mentionedUsers"], up);
  for (size_t i = 0; i < spec->mentionedUsers.size(); ++i) {
    if (!RE2::FullMatch(spec->mentionedUsers[i], kUser)) {
      r.error(indexPath(up, i), "must be a Telegram username (letters, digits, _), got \"" +
                                    spec->mentionedUsers[i] + "\"");
    }
  }
  if (ctx.diags.items().size() != before) return nullptr;
  return spec;
}

std::shared_ptr<const ChannelSpec> decodeTelegramConfig(const DecodeContext& ctx) {
  Reader r(ctx.origin, ctx.diags);
  const size_t before = ctx.diags.items().size();
  const std::string& path = ctx.path;
  if (!r.map(ctx.node, path)) return nullptr;
  r.onlyKeys(ctx.node, path, {"labels", "telegramTokenSecret"});
  auto spec = std::make_shared<TelegramConfigSpec>();
  const std::string tp = joinPath(path, "telegramTokenSecret");
  if (auto c = model::decodeCredential(r, ctx.node["telegramTokenSecret"], tp)) {
    spec->token = *c;
  } else if (Reader::absent(ctx.node["telegramTokenSecret"])) {
    r.error(tp, "required field is missing");
  }
  if (ctx.diags.items().size() != before) return nullptr;
  return spec;
}

TelegramOptions telegramOptions(const model::NotificationManager& nm, std::string& error) {
  TelegramOptions o;
  std::string base;
  readChannelOptions(nm, "telegram", o.timeoutSeconds, o.templateName, error,
                     [&](Reader& r, const YAML::Node& n, const std::string& p) {
                       r.onlyKeys(n, p, {"notificationTimeout", "template", "apiBaseUrl"});
                       base = r.str(n["apiBaseUrl"], joinPath(p, "apiBaseUrl")).value_or("");
                     });
  o.apiBaseUrl = chooseApiBase(base, "NM_TELEGRAM_API_BASE", "https://api.telegram.org");
  return o;
}

}  // namespace nm
