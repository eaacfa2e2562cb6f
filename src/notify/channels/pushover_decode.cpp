// Decoding of the Pushover blocks: Receiver spec.pushover (profiles validated with RE2 and the
// sound list), Config spec.pushover (the application token) and NotificationManager
// options.pushover.
#include <re2/re2.h>

#include <cstdlib>

#include "model/decode.h"
#include "notify/channel_common.h"
#include "notify/channels/pushover.h"

namespace nm {

using model::indexPath;
using model::joinPath;
using model::Reader;

namespace {

PushoverProfile decodeProfile(Reader& r, const YAML::Node& n, const std::string& path) {
  static const RE2 kUserKey("^[A-Za-z0-9]{30}$");
  static const RE2 kDevice("^[A-Za-z0-9_-]{1,25}$");
  PushoverProfile p;
  if (!r.map(n, path)) return p;
  r.onlyKeys(n, path, {"userKey", "devices", "title", "sound"});
  const std::string up = joinPath(path, "userKey");
  if (auto u = r.str(n["userKey"], up)) {
    p.userKey = *u;
    if (!RE2::FullMatch(p.userKey, kUserKey)) r.error(up, "must be 30 letters or digits");
  } else if (Reader::absent(n["userKey"])) {
    r.error(up, "required field is missing");
  }
  const std::string dp = joinPath(path, "devices");
  p.devices = r.strings(n["devices"], dp);
  for (size_t i = 0; i < p.devices.size(); ++i) {
    if (!RE2::FullMatch(p.devices[i], kDevice)) {
      r.error(indexPath(dp, i),
              "must be 1 to 25 letters, digits, '_' or '-', got \"" + p.devices[i] + "\"");
    }
  }
  p.title = r.str(n["title"], joinPath(path, "title")).value_or("");
  const std::string sp = joinPath(path, "sound");
  p.sound = r.str(n["sound"], sp).value_or("");
  if (!p.sound.empty() && !isPushoverSound(p.sound)) {
    std::string names;
    for (auto s : kPushoverSounds) {
      if (!names.empty()) names += ", ";
      names += s;
    }
    r.error(sp, "unknown sound \"" + p.sound + "\"; one of: " + names);
  }
  return p;
}

}  // namespace

std::shared_ptr<const ChannelSpec> decodePushoverReceiver(const DecodeContext& ctx) {
  Reader r(ctx.origin, ctx.diags);
  const size_t before = ctx.diags.items().size();
  const std::string& path = ctx.path;
  if (!r.map(ctx.node, path)) return nullptr;
  r.onlyKeys(ctx.node, path,
             {"enabled", "alertSelector", "pushoverConfigSelector", "template", "tmplText",
              "titleTemplate", "profiles"});
  auto spec = std::make_shared<PushoverSpec>();
  spec->titleTemplate =
      r.str(ctx.node["titleTemplate"], joinPath(path, "titleTemplate")).value_or("");
  const YAML::Node profiles = ctx.node["profiles"];
  const std::string pp = joinPath(path, "profiles");
  if (Reader::absent(profiles)) {
    r.error(pp, "at least one profile is required");
  } else if (!profiles.IsSequence()) {
    r.error(pp, "expected a list, got " + model::describeNode(profiles));
  } else {
    if (profiles.size() == 0) r.error(pp, "at least one profile is required");
    for (size_t i = 0; i < profiles.size(); ++i) {
      spec->profiles.push_back(decodeProfile(r, profiles[i], indexPath(pp, i)));
    }
  }
  if (ctx.diags.items().size() != before) return nullptr;
  return spec;
}

std::shared_ptr<const ChannelSpec> decodePushoverConfig(const DecodeContext& ctx) {
  Reader r(ctx.origin, ctx.diags);
  const size_t before = ctx.diags.items().size();
  const std::string& path = ctx.path;
  if (!r.map(ctx.node, path)) return nullptr;
  r.onlyKeys(ctx.node, path, {"labels", "pushoverTokenSecret"});
  auto spec = std::make_shared<PushoverConfigSpec>();
  const std::string tp = joinPath(path, "pushoverTokenSecret");
  if (auto c = model::decodeCredential(r, ctx.node["pushoverTokenSecret"], tp)) {
    spec->token = *c;
  } else if (Reader::absent(ctx.node["pushoverTokenSecret"])) {
    r.error(tp, "required field is missing");
  }
  if (ctx.diags.items().size() != before) return nullptr;
  return spec;
}

PushoverOptions pushoverOptions(const model::NotificationManager& nm, std::string& error) {
  PushoverOptions o;
  std::string base;
  readChannelOptions(
      nm, "pushover", o.timeoutSeconds, o.templateName, error,
      [&](Reader& r, const YAML::Node& n, const std::string& p) {
        r.onlyKeys(n, p, {"notificationTimeout", "template", "titleTemplate", "apiBaseUrl"});
        o.titleTemplate = r.str(n["titleTemplate"], joinPath(p, "titleTemplate")).value_or("");
        base = r.str(n["apiBaseUrl"], joinPath(p, "apiBaseUrl")).value_or("");
      });
  o.apiBaseUrl = chooseApiBase(base, "NM_PUSHOVER_API_BASE", "https://api.pushover.net");
  return o;
}

}  // namespace nm
