// The DingTalk notifier: renders and splits a Data, then sends each chunk to the robot webhook
// (signed when a secret is set) and to every conversation chat id, throttled and retried.
#include "notify/channels/dingtalk.h"

#include <utility>

#include "core/json.h"
#include "interfaces/snapshot.h"
#include "notify/channel_common.h"
#include "notify/channels/webhook.h"
#include "notify/chat_notifier.h"
#include "notify/retry.h"
#include "notify/signing/crypto.h"
#include "notify/signing/dingtalk.h"
#include "notify/signing/encoding.h"
#include "notify/token_cache.h"
#include "notify/vendor_classify.h"
#include "observe/log.h"
#include "render/split.h"

namespace nm {

namespace {

// A text or markdown message's members, in byte order: {"markdown":{text,title}} or
// {"msgtype":"text","text":{content}} around msgtype.
void writeMessage(json::Writer& w, bool markdown, const std::string& title,
                  const std::string& text) {
  if (markdown) {
    w.key("markdown").startObject().member("text", text).member("title", title).endObject();
    w.member("msgtype", "markdown");
  } else {
    w.member("msgtype", "text");
    w.key("text").startObject().member("content", text).endObject();
  }
}

std::string joined(const std::vector<std::string>& v, const char* sep, const char* prefix = "") {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += prefix;
    out += s;
  }
  return out;
}

struct DingtalkApp {
  std::string appkey;
  std::string appsecret;
  std::vector<std::string> chatids;
};

class DingtalkNotifier final : public ChatNotifier {
 public:
  DingtalkNotifier(const ChannelServices& services, std::optional<DingtalkBot> bot,
                   std::optional<DingtalkApp> app, DingtalkOptions opts, bool markdown,
                   std::shared_ptr<const render::Renderer> renderer, std::string templateName,
                   std::string titleName, std::string receiverName)
      : ChatNotifier(services, "dingtalk", receiverName),
        bot_(std::move(bot)),
        app_(std::move(app)),
        opts_(std::move(opts)),
        markdown_(markdown),
        renderer_(std::move(renderer)),
        templateName_(std::move(templateName)),
        titleName_(std::move(titleName)) {}

  std::string buildJobs(const Data& data, std::vector<ChatJob>& jobs) override {
    std::string error;
    if (bot_) addBotJobs(data, jobs, error);
    if (app_ && error.empty()) addAppJobs(data, jobs, error);
    return error.empty() ? error : "template: " + error;
  }

 private:
  std::string title(const Data& data, const render::Chunk& c) const {
    if (!markdown_) return "";
    auto r = renderer_->render(titleName_, data, std::span<const AlertPtr>(c.alerts));
    return r.ok() && !r.text.empty() ? r.text : std::string("Notification");
  }

  HttpRequest baseRequest() const {
    HttpRequest req;
    req.method = "POST";
    req.headers = {{"Content-Type", "application/json"}};
    req.timeout = std::chrono::seconds(opts_.timeoutSeconds);
    return req;
  }

  void addBotJobs(const Data& data, std::vector<ChatJob>& jobs, std::string& error) {
    const std::string suffix = dingtalkBotSuffix(*bot_, markdown_);
    const size_t limit =
        opts_.chatbotMaxSize > suffix.size() + 64 ? opts_.chatbotMaxSize - suffix.size() : 64;
    auto split = render::splitMessages(*renderer_, templateName_, data, limit);
    if (!split.ok()) {
      error = split.error;
      return;
    }
    const std::string key = "dingtalk-bot|" + signing::sha256Hex(bot_->webhook);
    for (const auto& c : split.chunks) {
      ChatJob job;
      job.throttleKey = key;
      job.limit = opts_.chatbotThrottle;
      job.target = webhookTarget(bot_->webhook);
      HttpRequest req = baseRequest();
      req.body = dingtalkBotBody(*bot_, markdown_, title(data, c), c.text);
      job.run = [this, req = std::move(req)](TimePoint dl, std::function<void(SendOutcome)> cb) {
        HttpRequest r = req;
        // Signed when the send happens (after any throttle wait): DingTalk rejects signatures
        // over an hour old.
        r.url = bot_->secret.empty()
                    ? bot_->webhook
                    : signing::dingtalkSignedUrl(bot_->webhook, nowMs(), bot_->secret);
        sendWithRetry(
            http_, std::move(r), RetryPolicy{}, dl,
            [](const HttpResponse& resp) { return classifyVendor(resp, dingtalkCodes()); },
            std::move(cb));
      };
      jobs.push_back(std::move(job));
    }
  }

  void addAppJobs(const Data& data, std::vector<ChatJob>& jobs, std::string& error) {
    auto split = render::splitMessages(*renderer_, templateName_, data, opts_.conversationMaxSize);
    if (!split.ok()) {
      error = split.error;
      return;
    }
    const std::string tokenKey = TokenCache::key("dingtalk", app_->appkey, app_->appsecret);
    for (const auto& c : split.chunks) {
      const std::string t = title(data, c);
      for (const auto& chatid : app_->chatids) {
        ChatJob job;
        job.throttleKey = "dingtalk-app|" + app_->appkey;
        job.limit = opts_.conversationThrottle;
        job.target = "chatid:" + chatid;
        std::string body = dingtalkChatBody(chatid, markdown_, t, c.text);
        job.run = [this, tokenKey, body = std::move(body)](TimePoint dl,
                                                           std::function<void(SendOutcome)> cb) {
          HttpRequest get;
          get.method = "GET";
          get.timeout = std::chrono::seconds(opts_.timeoutSeconds);
          get.url = opts_.apiBaseUrl + "/gettoken?appkey=" + signing::percentEncode(app_->appkey) +
                    "&appsecret=" + signing::percentEncode(app_->appsecret);
          auto fetch = tokenFetcher(http_, std::move(get), dingtalkCodes(), opts_.tokenExpires, dl);
          HttpRequest post = baseRequest();
          post.body = body;
          auto build = [post = std::move(post), base = opts_.apiBaseUrl](const std::string& token) {
            HttpRequest r = post;
            r.url = base + "/chat/send?access_token=" + signing::percentEncode(token);
            return r;
          };
          sendWithToken(http_, tokens_, tokenKey, std::move(fetch), std::move(build),
                        dingtalkCodes(), nullptr, RetryPolicy{}, dl, std::move(cb));
        };
        jobs.push_back(std::move(job));
      }
    }
  }

  static int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now().time_since_epoch()).count();
  }

  std::optional<DingtalkBot> bot_;
  std::optional<DingtalkApp> app_;
  DingtalkOptions opts_;
  bool markdown_;
  std::shared_ptr<const render::Renderer> renderer_;
  std::string templateName_;
  std::string titleName_;
};

bool resolve(const NotifierContext& ctx, const model::Credential& c, const char* what,
             std::string& out, std::string& error) {
  return resolveCredential(ctx, c, "dingtalk", what, out, error);
}

std::unique_ptr<Notifier> make(const NotifierContext& ctx, std::string& error) {
  DingtalkOptions opts;
  auto spec = channelSpecAndOptions<DingtalkSpec>(ctx, "dingtalk", &dingtalkOptions, opts, error);
  if (!spec) return nullptr;
  std::optional<DingtalkBot> bot;
  if (spec->chatbot) {
    DingtalkBot b;
    if (!resolve(ctx, spec->chatbot->webhook, "chatbot.webhook", b.webhook, error)) return nullptr;
    if (spec->chatbot->secret &&
        !resolve(ctx, *spec->chatbot->secret, "chatbot.secret", b.secret, error)) {
      return nullptr;
    }
    b.keywords = spec->chatbot->keywords;
    b.atMobiles = spec->chatbot->atMobiles;
    b.atUsers = spec->chatbot->atUsers;
    b.atAll = spec->chatbot->atAll;
    bot = std::move(b);
  }
  std::optional<DingtalkApp> app;
  if (!spec->chatids.empty()) {
    auto cfg = ctx.config ? std::dynamic_pointer_cast<const DingtalkConfigSpec>(ctx.config->spec)
                          : nullptr;
    if (!cfg || !cfg->appkey || !cfg->appsecret) {
      error =
          "dingtalk: conversation chatids need a dingtalk config with conversation appkey "
          "and appsecret";
      return nullptr;
    }
    DingtalkApp a;
    if (!resolve(ctx, *cfg->appkey, "conversation.appkey", a.appkey, error)) return nullptr;
    if (!resolve(ctx, *cfg->appsecret, "conversation.appsecret", a.appsecret, error)) {
      return nullptr;
    }
    a.chatids = spec->chatids;
    app = std::move(a);
  }
  std::string type = !spec->tmplType.empty() ? spec->tmplType : opts.tmplType;
  const bool markdown = type == "markdown";
  std::string tmpl = render::chooseTemplate(markdown ? "nm.default.markdown" : "nm.default.text",
                                            ctx.snapshot.nm.globalTemplate, opts.templateName,
                                            ctx.receiver.templateName);
  std::string title =
      render::chooseTemplate("nm.default.subject", "", opts.titleTemplate, spec->titleTemplate);
  return std::make_unique<DingtalkNotifier>(ctx.services, std::move(bot), std::move(app),
                                            std::move(opts), markdown,
                                            config::rendererFor(ctx.receiver, ctx.snapshot),
                                            std::move(tmpl), std::move(title), ctx.receiver.name);
}

}  // namespace

std::string dingtalkBotSuffix(const DingtalkBot& bot, bool markdown) {
  std::string s;
  if (markdown && (!bot.atMobiles.empty() || !bot.atUsers.empty())) {
    s += "\n\n" + joined(bot.atMobiles, " ", "@");
    if (!bot.atMobiles.empty() && !bot.atUsers.empty()) s += " ";
    s += joined(bot.atUsers, " ", "@");
  }
  if (!bot.keywords.empty()) s += "\n\n[Keywords] " + joined(bot.keywords, ", ");
  return s;
}

std::string dingtalkBotBody(const DingtalkBot& bot, bool markdown, const std::string& title,
                            const std::string& text) {
  json::Writer w;  // keys in byte order, as always sent
  w.startObject().key("at").startObject();
  w.key("atMobiles").strings(bot.atMobiles).key("atUserIds").strings(bot.atUsers);
  w.key("isAtAll").boolean(bot.atAll).endObject();
  writeMessage(w, markdown, title, text + dingtalkBotSuffix(bot, markdown));
  return w.endObject().take();
}

std::string dingtalkChatBody(const std::string& chatid, bool markdown, const std::string& title,
                             const std::string& text) {
  json::Writer w;
  w.startObject().member("chatid", chatid).key("msg").startObject();
  writeMessage(w, markdown, title, text);
  return w.endObject().endObject().take();
}

const ChannelDescriptor& dingtalkDescriptor() {
  static const ChannelDescriptor d{"dingtalk", &decodeDingtalkReceiver, &decodeDingtalkConfig,
                                   &make};
  return d;
}

}  // namespace nm
