// Decoding of the Slack blocks: Receiver spec.slack (channels, webhook), Config spec.slack
// (slackTokenSecret) and NotificationManager options.slack.
#include <cstdlib>

#include "model/decode.h"
#include "notify/channel_common.h"
#include "notify/channels/slack.h"

namespace nm {

using model::joinPath;
using model::Reader;

std::shared_ptr<const ChannelSpec> decodeSlackReceiver(const DecodeContext& ctx) {
  Reader r(ctx.origin, ctx.diags);
  const size_t before = ctx.diags.items().size();
  const std::string& path = ctx.path;
  if (!r.map(ctx.node, path)) return nullptr;
  r.onlyKeys(ctx.node, path,
             {"enabled", "alertSelector", "slackConfigSelector", "template", "tmplText", "channels",
              "webhook"});
  auto spec = std::make_shared<SlackSpec>();
  const std::string chp = joinPath(path, "channels");
  spec->channels = r.strings(ctx.node["channels"], chp);
  for (size_t i = 0; i < spec->channels.size(); ++i) {
    if (spec->channels[i].empty()) r.error(model::indexPath(chp, i), "must not be empty");
  }
  spec->webhook = model::decodeCredential(r, ctx.node["webhook"], joinPath(path, "webhook"));
  if (spec->channels.empty() && Reader::absent(ctx.node["webhook"])) {
    r.error(path, "one of channels or webhook is required");
  }
  if (ctx.diags.items().size() != before) return nullptr;
  return spec;
}

std::shared_ptr<const ChannelSpec> decodeSlackConfig(const DecodeContext& ctx) {
  Reader r(ctx.origin, ctx.diags);
  const size_t before = ctx.diags.items().size();
  const std::string& path = ctx.path;
  if (!r.map(ctx.node, path)) return nullptr;
  r.onlyKeys(ctx.node, path, {"labels", "slackTokenSecret"});
  auto spec = std::make_shared<SlackConfigSpec>();
  const std::string tp = joinPath(path, "slackTokenSecret");
  if (auto c = model::decodeCredential(r, ctx.node["slackTokenSecret"], tp)) {
    spec->token = *c;
  } else if (Reader::absent(ctx.node["slackTokenSecret"])) {
    r.error(tp, "required field is missing");
  }
  if (ctx.diags.items().size() != before) return nullptr;
  return spec;
}

SlackOptions slackOptions(const model::NotificationManager& nm, std::string& error) {
  SlackOptions o;
  std::string base;
  readChannelOptions(nm, "slack", o.timeoutSeconds, o.templateName, error,
                     [&](Reader& r, const YAML::Node& n, const std::string& p) {
                       r.onlyKeys(n, p, {"notificationTimeout", "template", "apiBaseUrl"});
                       base = r.str(n["apiBaseUrl"], joinPath(p, "apiBaseUrl")).value_or("");
                     });
  o.apiBaseUrl = chooseApiBase(base, "NM_SLACK_API_BASE", "https://slack.com/api");
  return o;
}

}  // namespace nm
