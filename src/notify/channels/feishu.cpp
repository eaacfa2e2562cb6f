// The Feishu notifier: renders and splits a Data, builds each chunk's post/text content, then sends
// it to the custom bot (signed at send time, throttled per bot) and to the app's batch_send.
#include "notify/channels/feishu.h"

#include <utility>

#include "core/json.h"
#include "interfaces/snapshot.h"
#include "notify/channel_common.h"
#include "notify/channels/webhook.h"
#include "notify/chat_notifier.h"
#include "notify/retry.h"
#include "notify/signing/crypto.h"
#include "notify/signing/feishu.h"
#include "notify/token_cache.h"
#include "notify/vendor_classify.h"
#include "observe/log.h"
#include "render/functions.h"
#include "render/split.h"

namespace nm {

namespace {

// Room kept in the bot's body for msg_type, the content wrapper, timestamp and sign.
constexpr size_t kEnvelopeBytes = 512;
// A post may carry several locales, each getting the keywords paragraph; room for this many.
constexpr size_t kKeywordLocales = 4;

std::string joined(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

// The bot's target for history: the webhook without credentials and query, and without its last
// path segment, which is the bot's token (/open-apis/bot/v2/hook/<token>).
std::string botTarget(const std::string& webhook) {
  std::string t = webhookTarget(webhook);
  const size_t scheme = t.find("://");
  const size_t slash = t.rfind('/');
  if (scheme != std::string::npos && slash != std::string::npos && slash > scheme + 2) {
    t.erase(slash);
  }
  return t;
}

// classifyVendor plus batch_send's partial failure: recipients it could not reach. Permanent,
// since a retry would repeat the message to everyone else.
Classification classifyBatchSend(const HttpResponse& r) {
  Classification c = classifyVendor(r, feishuCodes());
  if (c.verdict != Verdict::Success) return c;
  const json::Parsed j = json::parse(r.body);
  const rapidjson::Value* data = json::find(j.doc, "data");
  if (!data || !data->IsObject()) return c;
  std::string bad;
  for (const char* f : {"invalid_user_ids", "invalid_department_ids"}) {
    const rapidjson::Value* it = json::find(*data, f);
    if (!it || !it->IsArray() || it->Empty()) continue;
    std::vector<std::string> ids;
    for (const auto& id : it->GetArray()) {
      ids.push_back(id.IsString() ? std::string(id.GetString(), id.GetStringLength())
                                  : json::dump(id));
    }
    if (!bad.empty()) bad += "; ";
    bad += std::string(f) + " " + joined(ids, ",");
  }
  if (bad.empty()) return c;
  return {Verdict::Permanent, "feishu: " + bad};
}

// Fetches a tenant_access_token: POST {app_id, app_secret} → {code, tenant_access_token, expire};
// the lifetime is the smaller of `expire` and tokenExpires.
TokenCache::Fetcher tenantTokenFetcher(HttpClient& http, HttpRequest request, Duration maxTtl,
                                       TimePoint deadline) {
  return [&http, request = std::move(request), maxTtl,
          deadline](std::function<void(TokenFetch)> report) {
    auto body = std::make_shared<std::string>();
    Classifier classify = [body](const HttpResponse& r) {
      *body = r.body;
      return classifyVendor(r, feishuCodes());
    };
    sendWithRetry(http, request, RetryPolicy{}, deadline, std::move(classify),
                  [body, report = std::move(report), maxTtl](SendOutcome o) {
                    TokenFetch f;
                    if (!o.ok) {
                      f.error = "tenant_access_token: " + o.error;
                      return report(std::move(f));
                    }
                    const json::Parsed j = json::parse(*body);
                    auto tok = json::stringMember(j.doc, "tenant_access_token");
                    if (!tok || tok->empty()) {
                      f.error = "tenant_access_token: feishu answered no tenant_access_token";
                      return report(std::move(f));
                    }
                    f.token = std::move(*tok);
                    f.ttl = maxTtl;
                    if (auto e = json::intMember(j.doc, "expire")) {
                      Duration vendorTtl = std::chrono::seconds(*e);
                      if (vendorTtl > Duration::zero() && vendorTtl < f.ttl) f.ttl = vendorTtl;
                    }
                    report(std::move(f));
                  });
  };
}

struct FeishuApp {
  std::string appID;
  std::string appSecret;
  std::vector<std::string> users;
  std::vector<std::string> departments;
};

// One chunk ready to send: its message type and `content` JSON.
struct Message {
  bool post = true;
  std::string content;
};

class FeishuNotifier final : public ChatNotifier {
 public:
  FeishuNotifier(const ChannelServices& services, std::optional<FeishuBot> bot,
                 std::optional<FeishuApp> app, FeishuOptions opts, bool post,
                 std::shared_ptr<const render::Renderer> renderer, std::string templateName,
                 std::string receiverName)
      : ChatNotifier(services, "feishu", receiverName),
        bot_(std::move(bot)),
        app_(std::move(app)),
        opts_(std::move(opts)),
        post_(post),
        renderer_(std::move(renderer)),
        templateName_(std::move(templateName)) {}

  std::string buildJobs(const Data& data, std::vector<ChatJob>& jobs) override {
    std::vector<Message> messages;
    std::string error = buildMessages(data, messages);
    if (!error.empty()) return "template: " + error;
    if (bot_) {
      for (const auto& m : messages) jobs.push_back(botJob(m));
    }
    if (app_) {
      for (const auto& m : messages) jobs.push_back(appJob(m));
    }
    return "";
  }

 private:
  const std::vector<std::string>& keywords() const {
    static const std::vector<std::string> none;
    return bot_ ? bot_->keywords : none;
  }

  size_t chunkLimit() const {
    size_t reserve = kEnvelopeBytes;
    if (!keywords().empty()) {
      const size_t line = render::jsonEscapedSize(joined(keywords(), ",")) + 64;
      reserve += line * kKeywordLocales;
    }
    // Absurdly many keywords: keep a usable chunk; the vendor then refuses the oversize body.
    return reserve + 1024 < kFeishuBotBodyMax ? kFeishuBotBodyMax - reserve : 1024;
  }

  // Splits and renders; a post chunk whose single alert had to be truncated (no longer valid
  // JSON) is sent as a truncated text message instead of being dropped.
  std::string buildMessages(const Data& data, std::vector<Message>& out) const {
    const size_t limit = chunkLimit();
    auto split = render::splitMessages(*renderer_, templateName_, data, limit);
    if (!split.ok()) return split.error;
    for (const auto& c : split.chunks) {
      Message m;
      m.post = post_;
      std::string text = c.text;
      if (post_ && c.truncated) {
        Data one = data;
        one.alerts = c.alerts;
        auto t = render::splitMessages(*renderer_, "nm.feishu.text", one, limit);
        if (!t.ok()) return t.error;
        m.post = false;
        text = t.chunks.empty() ? std::string(render::kTruncatedMarker) : t.chunks.front().text;
      }
      std::string error;
      if (!feishuContent(m.post, text, keywords(), m.content, error)) {
        return templateName_ + ": " + error;
      }
      out.push_back(std::move(m));
    }
    return "";
  }

  HttpRequest baseRequest() const {
    HttpRequest req;
    req.method = "POST";
    req.headers = {{"Content-Type", "application/json; charset=utf-8"}};
    req.timeout = std::chrono::seconds(opts_.timeoutSeconds);
    return req;
  }

  ChatJob botJob(const Message& m) {
    ChatJob job;
    job.throttleKey = "feishu-bot|" + signing::sha256Hex(bot_->webhook);
    job.limit = kFeishuBotThrottle;
    job.target = botTarget(bot_->webhook);
    job.run = [this, m](TimePoint dl, std::function<void(SendOutcome)> cb) {
      HttpRequest r = baseRequest();
      r.url = bot_->webhook;
      // Signed when the send happens (after any throttle wait): Feishu refuses a timestamp more
      // than an hour away.
      r.body = feishuBotBody(m.post, m.content, nowSeconds(), bot_->secret);
      sendWithRetry(
          http_, std::move(r), RetryPolicy{}, dl,
          [](const HttpResponse& resp) { return classifyVendor(resp, feishuCodes()); },
          std::move(cb));
    };
    return job;
  }

  ChatJob appJob(const Message& m) {
    ChatJob job;
    std::string target;
    if (!app_->users.empty()) target = "user:" + joined(app_->users, ",");
    if (!app_->departments.empty()) {
      if (!target.empty()) target += ' ';
      target += "department:" + joined(app_->departments, ",");
    }
    job.target = std::move(target);
    const std::string tokenKey = TokenCache::key("feishu", app_->appID, app_->appSecret);
    std::string body = feishuAppBody(m.post, m.content, app_->users, app_->departments);
    job.run = [this, tokenKey, body = std::move(body)](TimePoint dl,
                                                       std::function<void(SendOutcome)> cb) {
      HttpRequest get = baseRequest();
      get.url = opts_.apiBaseUrl + "/open-apis/auth/v3/tenant_access_token/internal";
      json::Writer tokenBody;
      tokenBody.startObject().member("app_id", app_->appID).member("app_secret", app_->appSecret);
      get.body = tokenBody.endObject().take();
      auto fetch = tenantTokenFetcher(http_, std::move(get), opts_.tokenExpires, dl);
      HttpRequest post = baseRequest();
      post.url = opts_.apiBaseUrl + "/open-apis/message/v4/batch_send/";
      post.body = body;
      auto build = [post = std::move(post)](const std::string& token) {
        HttpRequest r = post;
        r.headers.emplace_back("Authorization", "Bearer " + token);
        return r;
      };
      sendWithToken(http_, tokens_, tokenKey, std::move(fetch), std::move(build), feishuCodes(),
                    classifyBatchSend, RetryPolicy{}, dl, std::move(cb));
    };
    return job;
  }

  static int64_t nowSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count();
  }

  std::optional<FeishuBot> bot_;
  std::optional<FeishuApp> app_;
  FeishuOptions opts_;
  bool post_;
  std::shared_ptr<const render::Renderer> renderer_;
  std::string templateName_;
};

bool resolve(const NotifierContext& ctx, const model::Credential& c, const char* what,
             std::string& out, std::string& error) {
  return resolveCredential(ctx, c, "feishu", what, out, error);
}

std::unique_ptr<Notifier> make(const NotifierContext& ctx, std::string& error) {
  FeishuOptions opts;
  auto spec = channelSpecAndOptions<FeishuSpec>(ctx, "feishu", &feishuOptions, opts, error);
  if (!spec) return nullptr;
  std::optional<FeishuBot> bot;
  if (spec->chatbot) {
    FeishuBot b;
    if (!resolve(ctx, spec->chatbot->webhook, "chatbot.webhook", b.webhook, error)) return nullptr;
    if (spec->chatbot->secret &&
        !resolve(ctx, *spec->chatbot->secret, "chatbot.secret", b.secret, error)) {
      return nullptr;
    }
    b.keywords = spec->chatbot->keywords;
    bot = std::move(b);
  }
  std::optional<FeishuApp> app;
  if (!spec->users.empty() || !spec->departments.empty()) {
    auto cfg =
        ctx.config ? std::dynamic_pointer_cast<const FeishuConfigSpec>(ctx.config->spec) : nullptr;
    if (!cfg || !cfg->appID || !cfg->appSecret) {
      error = "feishu: user/department need a feishu config with appID and appSecret";
      return nullptr;
    }
    FeishuApp a;
    if (!resolve(ctx, *cfg->appID, "appID", a.appID, error)) return nullptr;
    if (!resolve(ctx, *cfg->appSecret, "appSecret", a.appSecret, error)) return nullptr;
    a.users = spec->users;
    a.departments = spec->departments;
    app = std::move(a);
  }
  const std::string type = !spec->tmplType.empty() ? spec->tmplType : opts.tmplType;
  const bool post = type != "text";
  std::string tmpl = render::chooseTemplate(post ? "nm.feishu.post" : "nm.feishu.text",
                                            ctx.snapshot.nm.globalTemplate, opts.templateName,
                                            ctx.receiver.templateName);
  return std::make_unique<FeishuNotifier>(
      ctx.services, std::move(bot), std::move(app), std::move(opts), post,
      config::rendererFor(ctx.receiver, ctx.snapshot), std::move(tmpl), ctx.receiver.name);
}

// The "content" member: feishuContent's JSON, re-written in the canonical form (null if it is not
// JSON, which feishuContent never produces).
void writeContent(json::Writer& w, const std::string& contentJson) {
  const json::Parsed content = json::parse(contentJson);
  w.key("content").value(content.doc);
}

}  // namespace

bool feishuContent(bool post, const std::string& rendered, const std::vector<std::string>& keywords,
                   std::string& contentJson, std::string& error) {
  const std::string kw = keywords.empty() ? "" : "[Keywords] " + joined(keywords, ",");
  json::Writer w;
  if (!post) {
    w.startObject().member("text", kw.empty() ? rendered : rendered + "\n\n" + kw).endObject();
    contentJson = w.take();
    return true;
  }
  const json::Parsed p = json::parse(rendered);
  if (!p.ok()) {
    error = "the post template did not render valid JSON: " + p.error;
    return false;
  }
  if (!p.doc.IsObject() || p.doc.MemberCount() == 0) {
    error = "the post template must render a JSON object of locales ({\"en_us\":{...}})";
    return false;
  }
  // Locales and their members in byte order (the order the post has always been sent in), each
  // locale's content followed by the keywords paragraph.
  const auto locales = json::sortedMembers(p.doc);
  for (const auto& [locale, body] : locales) {
    const rapidjson::Value* content = json::find(*body, "content");
    if (!content || !content->IsArray()) {
      error =
          "the post template's locale \"" + std::string(locale) + "\" needs a \"content\" array";
      return false;
    }
  }
  w.startObject().key("post").startObject();
  for (const auto& [locale, body] : locales) {
    w.key(locale).startObject();
    for (const auto& [name, v] : json::sortedMembers(*body)) {
      w.key(name);
      if (name != "content" || kw.empty()) {
        w.value(*v);
        continue;
      }
      w.startArray();
      for (const auto& paragraph : v->GetArray()) w.value(paragraph);
      w.startArray().startObject().member("tag", "text").member("text", kw).endObject();
      w.endArray().endArray();
    }
    w.endObject();
  }
  contentJson = w.endObject().endObject().take();
  return true;
}

std::string feishuBotBody(bool post, const std::string& contentJson, int64_t timestampS,
                          const std::string& secret) {
  json::Writer w;  // keys in byte order, as always sent
  w.startObject();
  writeContent(w, contentJson);
  w.member("msg_type", post ? "post" : "text");
  if (!secret.empty()) {
    w.member("sign", signing::feishuSign(timestampS, secret));
    w.member("timestamp", std::to_string(timestampS));
  }
  return w.endObject().take();
}

std::string feishuAppBody(bool post, const std::string& contentJson,
                          const std::vector<std::string>& users,
                          const std::vector<std::string>& departments) {
  json::Writer w;  // keys in byte order, as always sent
  w.startObject();
  writeContent(w, contentJson);
  if (!departments.empty()) w.key("department_ids").strings(departments);
  w.member("msg_type", post ? "post" : "text");
  if (!users.empty()) w.key("user_ids").strings(users);
  return w.endObject().take();
}

const ChannelDescriptor& feishuDescriptor() {
  static const ChannelDescriptor d{"feishu", &decodeFeishuReceiver, &decodeFeishuConfig, &make};
  return d;
}

}  // namespace nm
