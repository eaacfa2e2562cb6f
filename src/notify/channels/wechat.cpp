// The WeCom notifier: renders and splits a Data, sends each chunk through the app (token from the
// shared cache, recipients batched) and to the group robot, with retries.
#include "notify/channels/wechat.h"

#include <algorithm>
#include <utility>

#include "core/json.h"
#include "interfaces/snapshot.h"
#include "notify/channel_common.h"
#include "notify/channels/webhook.h"
#include "notify/chat_notifier.h"
#include "notify/retry.h"
#include "notify/signing/encoding.h"
#include "notify/throttle.h"
#include "notify/token_cache.h"
#include "notify/vendor_classify.h"
#include "observe/log.h"
#include "render/split.h"

namespace nm {

namespace {

std::string batch(const std::vector<std::string>& v, size_t i, size_t size) {
  std::string out;
  for (size_t k = i * size; k < v.size() && k < (i + 1) * size; ++k) {
    if (!out.empty()) out += '|';
    out += v[k];
  }
  return out;
}

size_t batches(size_t n, size_t size) {
  return (n + size - 1) / size;
}

// classifyVendor plus WeCom's partial failure: recipients it could not reach. Permanent, since a
// retry would repeat the message to everyone else.
Classification classifyAppSend(const HttpResponse& r) {
  Classification c = classifyVendor(r, wecomCodes());
  if (c.verdict != Verdict::Success) return c;
  const json::Parsed j = json::parse(r.body);
  std::string bad;
  for (const char* f : {"invaliduser", "invalidparty", "invalidtag"}) {
    if (auto v = json::stringMember(j.doc, f); v && !v->empty()) {
      if (!bad.empty()) bad += ", ";
      bad += std::string(f) + " " + *v;
    }
  }
  if (bad.empty()) return c;
  return {Verdict::Permanent, "wecom: " + bad};
}

struct WecomApp {
  std::string apiUrl;
  std::string corpId;
  std::string agentId;
  std::string secret;
};

class WechatNotifier final : public ChatNotifier {
 public:
  WechatNotifier(const ChannelServices& services, std::shared_ptr<const WechatSpec> spec,
                 std::optional<WecomApp> app, std::string botUrl, WechatOptions opts, bool markdown,
                 std::shared_ptr<const render::Renderer> renderer, std::string templateName,
                 std::string receiverName)
      : ChatNotifier(services, "wechat", receiverName),
        spec_(std::move(spec)),
        app_(std::move(app)),
        botUrl_(std::move(botUrl)),
        opts_(std::move(opts)),
        markdown_(markdown),
        renderer_(std::move(renderer)),
        templateName_(std::move(templateName)) {}

  std::string buildJobs(const Data& data, std::vector<ChatJob>& jobs) override {
    std::string error;
    if (app_) addAppJobs(data, jobs, error);
    if (!botUrl_.empty() && error.empty()) addBotJobs(data, jobs, error);
    return error.empty() ? error : "template: " + error;
  }

 private:
  HttpRequest baseRequest() const {
    HttpRequest req;
    req.method = "POST";
    req.headers = {{"Content-Type", "application/json"}};
    req.timeout = std::chrono::seconds(opts_.timeoutSeconds);
    return req;
  }

  void addAppJobs(const Data& data, std::vector<ChatJob>& jobs, std::string& error) {
    auto split = render::splitMessages(*renderer_, templateName_, data, opts_.messageMaxSize);
    if (!split.ok()) {
      error = split.error;
      return;
    }
    const std::string tokenKey = TokenCache::key("wecom", app_->corpId, app_->secret);
    for (const auto& c : split.chunks) {
      for (auto& body : wecomAppBodies(spec_->toUser, spec_->toParty, spec_->toTag, app_->agentId,
                                       markdown_, c.text)) {
        ChatJob job;
        job.target = "wecom-app:" + app_->agentId;
        job.run = [this, tokenKey, body = std::move(body)](TimePoint dl,
                                                           std::function<void(SendOutcome)> cb) {
          HttpRequest get;
          get.method = "GET";
          get.timeout = std::chrono::seconds(opts_.timeoutSeconds);
          get.url = app_->apiUrl + "gettoken?corpid=" + signing::percentEncode(app_->corpId) +
                    "&corpsecret=" + signing::percentEncode(app_->secret);
          auto fetch = tokenFetcher(http_, std::move(get), wecomCodes(), opts_.tokenExpires, dl);
          HttpRequest post = baseRequest();
          post.body = body;
          auto build = [post = std::move(post), base = app_->apiUrl](const std::string& token) {
            HttpRequest r = post;
            r.url = base + "message/send?access_token=" + signing::percentEncode(token);
            return r;
          };
          sendWithToken(http_, tokens_, tokenKey, std::move(fetch), std::move(build), wecomCodes(),
                        classifyAppSend, RetryPolicy{}, dl, std::move(cb));
        };
        jobs.push_back(std::move(job));
      }
    }
  }

  void addBotJobs(const Data& data, std::vector<ChatJob>& jobs, std::string& error) {
    const WechatChatbotSpec& bot = *spec_->chatbot;
    size_t limit = kWecomBotTextMax;
    if (markdown_) {
      const size_t suffix = wecomBotMarkdownSuffix(bot.atUsers).size();
      limit = kWecomBotMarkdownMax > suffix + 64 ? kWecomBotMarkdownMax - suffix : 64;
    }
    auto split = render::splitMessages(*renderer_, templateName_, data, limit);
    if (!split.ok()) {
      error = split.error;
      return;
    }
    for (const auto& c : split.chunks) {
      ChatJob job;
      job.target = webhookTarget(botUrl_);
      HttpRequest req = baseRequest();
      req.url = botUrl_;
      req.body = wecomBotBody(bot, markdown_, c.text);
      job.run = [this, req = std::move(req)](TimePoint dl, std::function<void(SendOutcome)> cb) {
        sendWithRetry(
            http_, req, RetryPolicy{}, dl,
            [](const HttpResponse& r) { return classifyVendor(r, wecomCodes()); }, std::move(cb));
      };
      jobs.push_back(std::move(job));
    }
  }

  std::shared_ptr<const WechatSpec> spec_;
  std::optional<WecomApp> app_;
  std::string botUrl_;
  WechatOptions opts_;
  bool markdown_;
  std::shared_ptr<const render::Renderer> renderer_;
  std::string templateName_;
};

std::unique_ptr<Notifier> make(const NotifierContext& ctx, std::string& error) {
  WechatOptions opts;
  auto spec = channelSpecAndOptions<WechatSpec>(ctx, "wechat", &wechatOptions, opts, error);
  if (!spec) return nullptr;
  std::optional<WecomApp> app;
  if (!spec->toUser.empty() || !spec->toParty.empty() || !spec->toTag.empty()) {
    auto cfg =
        ctx.config ? std::dynamic_pointer_cast<const WechatConfigSpec>(ctx.config->spec) : nullptr;
    if (!cfg) {
      error = "wechat: toUser/toParty/toTag need a wechat config";
      return nullptr;
    }
    WecomApp a{cfg->apiUrl, cfg->corpId, cfg->agentId, ""};
    std::string err;
    auto s = ctx.secrets.resolve(cfg->secret, err);
    if (!s) {
      error = "wechat: wechatApiSecret: " + err;
      return nullptr;
    }
    a.secret = std::move(*s);
    app = std::move(a);
  }
  std::string botUrl;
  if (spec->chatbot) {
    std::string err;
    auto s = ctx.secrets.resolve(spec->chatbot->webhook, err);
    if (!s) {
      error = "wechat: chatbot.webhook: " + err;
      return nullptr;
    }
    botUrl = std::move(*s);
  }
  const std::string type = !spec->tmplType.empty() ? spec->tmplType : opts.tmplType;
  const bool markdown = type == "markdown";
  std::string tmpl = render::chooseTemplate(markdown ? "nm.default.markdown" : "nm.default.text",
                                            ctx.snapshot.nm.globalTemplate, opts.templateName,
                                            ctx.receiver.templateName);
  return std::make_unique<WechatNotifier>(
      ctx.services, spec, std::move(app), std::move(botUrl), std::move(opts), markdown,
      config::rendererFor(ctx.receiver, ctx.snapshot), std::move(tmpl), ctx.receiver.name);
}

}  // namespace

std::vector<std::string> wecomAppBodies(const std::vector<std::string>& users,
                                        const std::vector<std::string>& parties,
                                        const std::vector<std::string>& tags,
                                        const std::string& agentId, bool markdown,
                                        const std::string& text) {
  const size_t n =
      std::max({batches(users.size(), kWecomMaxUsers), batches(parties.size(), kWecomMaxParties),
                batches(tags.size(), kWecomMaxTags)});
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) {
    json::Writer w;  // keys in byte order, as always sent
    w.startObject().key("agentid");
    // agentid is an integer in the vendor's API; a non-numeric id is passed through as text.
    bool numeric = !agentId.empty() &&
                   agentId.find_first_not_of("0123456789") == std::string::npos &&
                   agentId.size() < 10;
    if (numeric) {
      w.integer(std::stol(agentId));
    } else {
      w.string(agentId);
    }
    if (markdown) w.key("markdown").startObject().member("content", text).endObject();
    w.member("msgtype", markdown ? "markdown" : "text");
    w.key("safe").integer(0);
    if (!markdown) w.key("text").startObject().member("content", text).endObject();
    if (auto p = batch(parties, i, kWecomMaxParties); !p.empty()) w.member("toparty", p);
    if (auto t = batch(tags, i, kWecomMaxTags); !t.empty()) w.member("totag", t);
    if (auto u = batch(users, i, kWecomMaxUsers); !u.empty()) w.member("touser", u);
    out.push_back(w.endObject().take());
  }
  return out;
}

std::string wecomBotMarkdownSuffix(const std::vector<std::string>& atUsers) {
  if (atUsers.empty()) return "";
  std::string s = "\n";
  for (const auto& u : atUsers) s += "<@" + u + ">";
  return s;
}

std::string wecomBotBody(const WechatChatbotSpec& bot, bool markdown, const std::string& text) {
  json::Writer w;  // keys in byte order, as always sent
  w.startObject();
  if (markdown) {
    w.key("markdown").startObject();
    w.member("content", text + wecomBotMarkdownSuffix(bot.atUsers)).endObject();
    w.member("msgtype", "markdown");
  } else {
    w.member("msgtype", "text").key("text").startObject().member("content", text);
    if (!bot.atUsers.empty()) w.key("mentioned_list").strings(bot.atUsers);
    if (!bot.atMobiles.empty()) w.key("mentioned_mobile_list").strings(bot.atMobiles);
    w.endObject();
  }
  return w.endObject().take();
}

const ChannelDescriptor& wechatDescriptor() {
  static const ChannelDescriptor d{"wechat", &decodeWechatReceiver, &decodeWechatConfig, &make};
  return d;
}

}  // namespace nm
