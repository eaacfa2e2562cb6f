// Decoding of the Feishu blocks: Receiver spec.feishu (users, departments, chatbot), Config
// spec.feishu (app credentials) and NotificationManager options.feishu.
#include <cstdlib>

#include "model/decode.h"
#include "notify/channel_common.h"
#include "notify/channels/feishu.h"

namespace nm {

using model::joinPath;
using model::Reader;

namespace {

std::vector<std::string> limitedList(Reader& r, const YAML::Node& n, const std::string& path,
                                     size_t max) {
  std::vector<std::string> v = r.strings(n, path);
  if (v.size() > max) {
    r.error(path,
            "at most " + std::to_string(max) + " entries (got " + std::to_string(v.size()) + ")");
  }
  return v;
}

bool validTmplType(const std::string& t) {
  return t.empty() || t == "post" || t == "text";
}

}  // namespace

std::shared_ptr<const ChannelSpec> decodeFeishuReceiver(const DecodeContext& ctx) {
  Reader r(ctx.origin, ctx.diags);
  const size_t before = ctx.diags.items().size();
  const std::string& path = ctx.path;
  if (!r.map(ctx.node, path)) return nullptr;
  r.onlyKeys(ctx.node, path,
             {"enabled", "alertSelector", "feishuConfigSelector", "template", "tmplText",
              "tmplType", "user", "department", "chatbot"});
  auto spec = std::make_shared<FeishuSpec>();
  spec->tmplType = r.str(ctx.node["tmplType"], joinPath(path, "tmplType")).value_or("");
  if (!validTmplType(spec->tmplType)) r.error(joinPath(path, "tmplType"), "must be post or text");
  spec->users = limitedList(r, ctx.node["user"], joinPath(path, "user"), kFeishuMaxUsers);
  spec->departments =
      limitedList(r, ctx.node["department"], joinPath(path, "department"), kFeishuMaxDepartments);
  const YAML::Node bot = ctx.node["chatbot"];
  const std::string bp = joinPath(path, "chatbot");
  if (!Reader::absent(bot) && r.map(bot, bp)) {
    r.onlyKeys(bot, bp, {"webhook", "keywords", "secret"});
    FeishuChatbotSpec b;
    if (auto c = model::decodeCredential(r, bot["webhook"], joinPath(bp, "webhook"))) {
      b.webhook = *c;
    } else if (Reader::absent(bot["webhook"])) {
      r.error(joinPath(bp, "webhook"), "required field is missing");
    }
    b.keywords = r.strings(bot["keywords"], joinPath(bp, "keywords"));
    b.secret = model::decodeCredential(r, bot["secret"], joinPath(bp, "secret"));
    spec->chatbot = std::move(b);
  }
  if (spec->users.empty() && spec->departments.empty() && Reader::absent(bot)) {
    r.error(path, "at least one of user, department or chatbot is required");
  }
  if (ctx.diags.items().size() != before) return nullptr;
  return spec;
}

std::shared_ptr<const ChannelSpec> decodeFeishuConfig(const DecodeContext& ctx) {
  Reader r(ctx.origin, ctx.diags);
  const size_t before = ctx.diags.items().size();
  const std::string& path = ctx.path;
  if (!r.map(ctx.node, path)) return nullptr;
  r.onlyKeys(ctx.node, path, {"labels", "appID", "appSecret"});
  auto spec = std::make_shared<FeishuConfigSpec>();
  spec->appID = model::decodeCredential(r, ctx.node["appID"], joinPath(path, "appID"));
  spec->appSecret = model::decodeCredential(r, ctx.node["appSecret"], joinPath(path, "appSecret"));
  if (!spec->appID && Reader::absent(ctx.node["appID"])) {
    r.error(joinPath(path, "appID"), "required field is missing");
  }
  if (!spec->appSecret && Reader::absent(ctx.node["appSecret"])) {
    r.error(joinPath(path, "appSecret"), "required field is missing");
  }
  if (ctx.diags.items().size() != before) return nullptr;
  return spec;
}

FeishuOptions feishuOptions(const model::NotificationManager& nm, std::string& error) {
  FeishuOptions o;
  std::string base;
  readChannelOptions(nm, "feishu", o.timeoutSeconds, o.templateName, error,
                     [&](Reader& r, const YAML::Node& n, const std::string& p) {
                       o.tmplType = r.str(n["tmplType"], joinPath(p, "tmplType")).value_or("");
                       if (!validTmplType(o.tmplType))
                         r.error(joinPath(p, "tmplType"), "must be post or text");
                       if (auto d = r.duration(n["tokenExpires"], joinPath(p, "tokenExpires"));
                           d && *d > Duration::zero()) {
                         o.tokenExpires = *d;
                       }
                       base = r.str(n["apiBaseUrl"], joinPath(p, "apiBaseUrl")).value_or("");
                     });
  o.apiBaseUrl = chooseApiBase(base, "NM_FEISHU_API_BASE", "https://open.feishu.cn");
  return o;
}

}  // namespace nm
