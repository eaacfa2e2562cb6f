// Decoding of the Slack blocks: Receiver spec.slack (channels, webhook), Config spec.slack
// (slackTokenSecret) and NotificationManager options.slack.
#include <cstdlib>

#include "model/decode.h"
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
  if (const char* env = std::getenv("NM_SLACK_API_BASE")) o.apiBaseUrl = env;
  auto it = nm.channelOptions.find("slack");
  if (it != nm.channelOptions.end()) {
    const model::ChannelOptions& co = it->second;
    if (co.notificationTimeout && *co.notificationTimeout > 0) {
      o.timeoutSeconds = *co.notificationTimeout;
    }
    o.templateName = co.templateName;
    const YAML::Node& n = co.raw;
    if (n && n.IsMap()) {
      model::Diagnostics diags;
      Reader r(nm.origin, diags);
      const std::string p = "spec.receivers.options.slack";
      r.onlyKeys(n, p, {"notificationTimeout", "template", "apiBaseUrl"});
      if (auto b = r.str(n["apiBaseUrl"], joinPath(p, "apiBaseUrl")); b && !b->empty()) {
        o.apiBaseUrl = *b;
      }
      if (!diags.items().empty())
        error = diags.items().front().path + ": " + diags.items().front().message;
    }
  }
  if (o.apiBaseUrl.empty()) o.apiBaseUrl = "https://slack.com/api";
  while (!o.apiBaseUrl.empty() && o.apiBaseUrl.back() == '/') o.apiBaseUrl.pop_back();
  return o;
}

}  // namespace nm
