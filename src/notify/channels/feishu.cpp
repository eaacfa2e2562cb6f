// The Feishu notifier: renders and splits a Data, builds each chunk's post/text content, then sends
// it to the custom bot (signed at send time, throttled per bot) and to the app's batch_send.
#include "notify/channels/feishu.h"

#include <nlohmann/json.hpp>
#include <utility>

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

using json = nlohmann::json;

// Room kept in the bot's body for msg_type, the content wrapper, timestamp and sign.
constexpr size_t kEnvelopeBytes = 512;
// A post may carry several locales, each getting the keywords paragraph; room for this many.
constexpr size_t kKeywordLocales = 4;

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

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
  auto j = json::parse(r.body, nullptr, false);
  auto data = j.is_object() ? j.find("data") : j.end();
  if (data == j.end() || !data->is_object()) return c;
  std::string bad;
  for (const char* f : {"invalid_user_ids", "invalid_department_ids"}) {
    auto it = data->find(f);
    if (it == data->end() || !it->is_array() || it->empty()) continue;
    std::vector<std::string> ids;
    for (const auto& id : *it) ids.push_back(id.is_string() ? id.get<std::string>() : id.dump());
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
                    auto j = json::parse(*body, nullptr, false);
                    auto tok = j.is_object() ? j.find("tenant_access_token") : j.end();
                    if (tok == j.end() || !tok->is_string() || tok->get<std::string>().empty()) {
                      f.error = "tenant_access_token: feishu answered no tenant_access_token";
                      return report(std::move(f));
                    }
                    f.token = tok->get<std::string>();
                    f.ttl = maxTtl;
                    if (auto e = j.find("expire"); e != j.end() && e->is_number_integer()) {
                      Duration vendorTtl = std::chrono::seconds(e->get<long>());
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
      get.body = dump(json{{"app_id", app_->appID}, {"app_secret", app_->appSecret}});
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

}  // namespace

bool feishuContent(bool post, const std::string& rendered, const std::vector<std::string>& keywords,
                   std::string& contentJson, std::string& error) {
  const std::string kw = keywords.empty() ? "" : "[Keywords] " + joined(keywords, ",");
  if (!post) {
    contentJson = dump(json{{"text", kw.empty() ? rendered : rendered + "\n\n" + kw}});
    return true;
  }
  json p;
  try {
    p = json::parse(rendered);
  } catch (const json::parse_error& e) {
    error = std::string("the post template did not render valid JSON: ") + e.what();
    return false;
  }
  if (!p.is_object() || p.empty()) {
    error = "the post template must render a JSON object of locales ({\"en_us\":{...}})";
    return false;
  }
  for (auto& [locale, body] : p.items()) {
    if (!body.is_object() || !body.contains("content") || !body["content"].is_array()) {
      error = "the post template's locale \"" + locale + "\" needs a \"content\" array";
      return false;
    }
    if (!kw.empty()) {
      json paragraph = json::array();
      paragraph.push_back(json{{"tag", "text"}, {"text", kw}});
      body["content"].push_back(std::move(paragraph));
    }
  }
  contentJson = dump(json{{"post", p}});
  return true;
}

std::string feishuBotBody(bool post, const std::string& contentJson, int64_t timestampS,
                          const std::string& secret) {
  json j;
  j["msg_type"] = post ? "post" : "text";
  j["content"] = json::parse(contentJson, nullptr, false);
  if (!secret.empty()) {
    j["timestamp"] = std::to_string(timestampS);
    j["sign"] = signing::feishuSign(timestampS, secret);
  }
  return dump(j);
}

std::string feishuAppBody(bool post, const std::string& contentJson,
                          const std::vector<std::string>& users,
                          const std::vector<std::string>& departments) {
  json j;
  j["msg_type"] = post ? "post" : "text";
  j["content"] = json::parse(contentJson, nullptr, false);
  if (!users.empty()) j["user_ids"] = users;
  if (!departments.empty()) j["department_ids"] = departments;
  return dump(j);
}

const ChannelDescriptor& feishuDescriptor() {
  static const ChannelDescriptor d{"feishu", &decodeFeishuReceiver, &decodeFeishuConfig, &make};
  return d;
}

}  // namespace nm
