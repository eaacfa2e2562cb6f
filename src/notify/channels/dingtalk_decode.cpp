// Decoding of the DingTalk blocks: Receiver spec.dingtalk (chatbot, conversation), Config
// spec.dingtalk (conversation app credentials) and NotificationManager options.dingtalk.
#include <cstdlib>

#include "model/decode.h"
#include "notify/channel_common.h"
#include "notify/channels/dingtalk.h"

namespace nm {

using model::joinPath;
using model::Reader;

std::shared_ptr<const ChannelSpec> decodeDingtalkReceiver(const DecodeContext& ctx) {
  Reader r(ctx.origin, ctx.diags);
  const size_t before = ctx.diags.items().size();
  const std::string& path = ctx.path;
  if (!r.map(ctx.node, path)) return nullptr;
  r.onlyKeys(ctx.node, path,
             {"enabled", "alertSelector", "dingtalkConfigSelector", "template", "tmplText",
              "titleTemplate", "tmplType", "conversation", "chatbot"});
  auto spec = std::make_shared<DingtalkSpec>();
  spec->titleTemplate =
      r.str(ctx.node["titleTemplate"], joinPath(path, "titleTemplate")).value_or("");
  spec->tmplType = r.str(ctx.node["tmplType"], joinPath(path, "tmplType")).value_or("");
  if (!spec->tmplType.empty() && spec->tmplType != "text" && spec->tmplType != "markdown") {
    r.error(joinPath(path, "tmplType"), "must be text or markdown");
  }
  const YAML::Node conv = ctx.node["conversation"];
  const std::string cp = joinPath(path, "conversation");
  if (!Reader::absent(conv) && r.map(conv, cp)) {
    r.onlyKeys(conv, cp, {"chatids"});
    spec->chatids = r.strings(conv["chatids"], joinPath(cp, "chatids"));
    if (spec->chatids.empty()) r.error(joinPath(cp, "chatids"), "at least one chat id is required");
  }
  const YAML::Node bot = ctx.node["chatbot"];
  const std::string bp = joinPath(path, "chatbot");
  if (!Reader::absent(bot) && r.map(bot, bp)) {
    r.onlyKeys(bot, bp, {"webhook", "keywords", "secret", "atMobiles", "atUsers", "atAll"});
    DingtalkChatbotSpec b;
    if (auto c = model::decodeCredential(r, bot["webhook"], joinPath(bp, "webhook"))) {
      b.webhook = *c;
    } else if (Reader::absent(bot["webhook"])) {
      r.error(joinPath(bp, "webhook"), "required field is missing");
    }
    b.keywords = r.strings(bot["keywords"], joinPath(bp, "keywords"));
    b.secret = model::decodeCredential(r, bot["secret"], joinPath(bp, "secret"));
    b.atMobiles = r.strings(bot["atMobiles"], joinPath(bp, "atMobiles"));
    b.atUsers = r.strings(bot["atUsers"], joinPath(bp, "atUsers"));
    b.atAll = r.boolean(bot["atAll"], joinPath(bp, "atAll")).value_or(false);
    spec->chatbot = std::move(b);
  }
  if (Reader::absent(conv) && Reader::absent(bot)) {
    r.error(path, "one of chatbot or conversation is required");
  }
  if (ctx.diags.items().size() != before) return nullptr;
  return spec;
}

std::shared_ptr<const ChannelSpec> decodeDingtalkConfig(const DecodeContext& ctx) {
  Reader r(ctx.origin, ctx.diags);
  const size_t before = ctx.diags.items().size();
  auto spec = std::make_shared<DingtalkConfigSpec>();
  if (!Reader::absent(ctx.node) && r.map(ctx.node, ctx.path)) {
    r.onlyKeys(ctx.node, ctx.path, {"labels", "conversation"});
    const YAML::Node conv = ctx.node["conversation"];
    const std::string cp = joinPath(ctx.path, "conversation");
    if (!Reader::absent(conv) && r.map(conv, cp)) {
      r.onlyKeys(conv, cp, {"appkey", "appsecret"});
      spec->appkey = model::decodeCredential(r, conv["appkey"], joinPath(cp, "appkey"));
      spec->appsecret = model::decodeCredential(r, conv["appsecret"], joinPath(cp, "appsecret"));
      if (!spec->appkey) r.error(joinPath(cp, "appkey"), "required field is missing");
      if (!spec->appsecret) r.error(joinPath(cp, "appsecret"), "required field is missing");
    }
  }
  if (ctx.diags.items().size() != before) return nullptr;
  return spec;
}

DingtalkOptions dingtalkOptions(const model::NotificationManager& nm, std::string& error) {
  DingtalkOptions o;
  std::string base;
  readChannelOptions(
      nm, "dingtalk", o.timeoutSeconds, o.templateName, error,
      [&](Reader& r, const YAML::Node& n, const std::string& p) {
        o.titleTemplate = r.str(n["titleTemplate"], joinPath(p, "titleTemplate")).value_or("");
        o.tmplType = r.str(n["tmplType"], joinPath(p, "tmplType")).value_or("");
        if (auto d = r.duration(n["tokenExpires"], joinPath(p, "tokenExpires"));
            d && *d > Duration::zero()) {
          o.tokenExpires = *d;
        }
        if (auto v = r.integer(n["conversationMessageMaxSize"],
                               joinPath(p, "conversationMessageMaxSize"));
            v && *v > 0) {
          o.conversationMaxSize = static_cast<size_t>(*v);
        }
        if (auto v = r.integer(n["chatbotMessageMaxSize"], joinPath(p, "chatbotMessageMaxSize"));
            v && *v > 0) {
          o.chatbotMaxSize = static_cast<size_t>(*v);
        }
        o.chatbotThrottle = decodeThrottleLimit(r, n["chatBotThrottle"],
                                                joinPath(p, "chatBotThrottle"), o.chatbotThrottle);
        o.conversationThrottle =
            decodeThrottleLimit(r, n["conversationThrottle"], joinPath(p, "conversationThrottle"),
                                o.conversationThrottle);
        base = r.str(n["apiBaseUrl"], joinPath(p, "apiBaseUrl")).value_or("");
      });
  o.apiBaseUrl = chooseApiBase(base, "NM_DINGTALK_API_BASE", "https://oapi.dingtalk.com");
  return o;
}

}  // namespace nm
