// Decoding of the WeCom blocks: Receiver spec.wechat (recipients, robot), Config spec.wechat (app
// credentials) and NotificationManager options.wechat.
#include "model/decode.h"
#include "notify/channel_common.h"
#include "notify/channels/wechat.h"

namespace nm {

using model::joinPath;
using model::Reader;

std::shared_ptr<const ChannelSpec> decodeWechatReceiver(const DecodeContext& ctx) {
  Reader r(ctx.origin, ctx.diags);
  const size_t before = ctx.diags.items().size();
  const std::string& path = ctx.path;
  if (!r.map(ctx.node, path)) return nullptr;
  r.onlyKeys(ctx.node, path,
             {"enabled", "alertSelector", "wechatConfigSelector", "template", "tmplText",
              "tmplType", "toUser", "toParty", "toTag", "chatbot"});
  auto spec = std::make_shared<WechatSpec>();
  spec->tmplType = r.str(ctx.node["tmplType"], joinPath(path, "tmplType")).value_or("");
  if (!spec->tmplType.empty() && spec->tmplType != "text" && spec->tmplType != "markdown") {
    r.error(joinPath(path, "tmplType"), "must be text or markdown");
  }
  spec->toUser = r.strings(ctx.node["toUser"], joinPath(path, "toUser"));
  spec->toParty = r.strings(ctx.node["toParty"], joinPath(path, "toParty"));
  spec->toTag = r.strings(ctx.node["toTag"], joinPath(path, "toTag"));
  const YAML::Node bot = ctx.node["chatbot"];
  const std::string bp = joinPath(path, "chatbot");
  if (!Reader::absent(bot) && r.map(bot, bp)) {
    r.onlyKeys(bot, bp, {"webhook", "atUsers", "atMobiles"});
    WechatChatbotSpec b;
    if (auto c = model::decodeCredential(r, bot["webhook"], joinPath(bp, "webhook"))) {
      b.webhook = *c;
    } else if (Reader::absent(bot["webhook"])) {
      r.error(joinPath(bp, "webhook"), "required field is missing");
    }
    b.atUsers = r.strings(bot["atUsers"], joinPath(bp, "atUsers"));
    b.atMobiles = r.strings(bot["atMobiles"], joinPath(bp, "atMobiles"));
    spec->chatbot = std::move(b);
  }
  if (spec->toUser.empty() && spec->toParty.empty() && spec->toTag.empty() && Reader::absent(bot)) {
    r.error(path, "at least one of toUser, toParty, toTag or chatbot is required");
  }
  if (ctx.diags.items().size() != before) return nullptr;
  return spec;
}

std::shared_ptr<const ChannelSpec> decodeWechatConfig(const DecodeContext& ctx) {
  Reader r(ctx.origin, ctx.diags);
  const size_t before = ctx.diags.items().size();
  const std::string& path = ctx.path;
  if (!r.map(ctx.node, path)) return nullptr;
  r.onlyKeys(ctx.node, path,
             {"labels", "wechatApiUrl", "wechatApiCorpId", "wechatApiAgentId", "wechatApiSecret"});
  auto spec = std::make_shared<WechatConfigSpec>();
  if (auto u = r.str(ctx.node["wechatApiUrl"], joinPath(path, "wechatApiUrl")); u && !u->empty()) {
    spec->apiUrl = *u;
    if (spec->apiUrl.back() != '/') spec->apiUrl += '/';
  }
  spec->corpId = r.str(ctx.node["wechatApiCorpId"], joinPath(path, "wechatApiCorpId")).value_or("");
  spec->agentId =
      r.str(ctx.node["wechatApiAgentId"], joinPath(path, "wechatApiAgentId")).value_or("");
  if (spec->corpId.empty()) r.error(joinPath(path, "wechatApiCorpId"), "required field is missing");
  if (spec->agentId.empty()) {
    r.error(joinPath(path, "wechatApiAgentId"), "required field is missing");
  }
  if (auto c = model::decodeCredential(r, ctx.node["wechatApiSecret"],
                                       joinPath(path, "wechatApiSecret"))) {
    spec->secret = *c;
  } else if (Reader::absent(ctx.node["wechatApiSecret"])) {
    r.error(joinPath(path, "wechatApiSecret"), "required field is missing");
  }
  if (ctx.diags.items().size() != before) return nullptr;
  return spec;
}

WechatOptions wechatOptions(const model::NotificationManager& nm, std::string& error) {
  WechatOptions o;
  readChannelOptions(nm, "wechat", o.timeoutSeconds, o.templateName, error,
                     [&](Reader& r, const YAML::Node& n, const std::string& p) {
                       o.tmplType = r.str(n["tmplType"], joinPath(p, "tmplType")).value_or("");
                       if (auto v = r.integer(n["messageMaxSize"], joinPath(p, "messageMaxSize"));
                           v && *v > 0) {
                         o.messageMaxSize = static_cast<size_t>(*v);
                       }
                       if (auto d = r.duration(n["tokenExpires"], joinPath(p, "tokenExpires"));
                           d && *d > Duration::zero()) {
                         o.tokenExpires = *d;
                       }
                     });
  return o;
}

}  // namespace nm
