// The Telegram notifier: renders and splits a Data, then posts each chunk to every chat through
// sendMessage, throttled per chat and retried (retry_after honoured); the token never leaves the
// URL.
#include "notify/channels/telegram.h"

#include <cctype>
#include <utility>

#include "core/json.h"
#include "core/url_redact.h"
#include "interfaces/snapshot.h"
#include "notify/channel_common.h"
#include "notify/chat_notifier.h"
#include "notify/signing/crypto.h"
#include "observe/log.h"
#include "render/split.h"

namespace nm {

namespace {

constexpr size_t kReasonBodyBytes = 256;
constexpr size_t kMinChunk = 256;  // the text budget left when mentions are very long

// The wait before retrying a 429: the Retry-After header, else the body's
// parameters.retry_after (the Bot API does not always send the header).
std::optional<Duration> telegramWait(const HttpResponse& r, TimePoint t) {
  if (!r.retryAfter.empty()) return parseRetryAfter(r.retryAfter, t);
  if (auto s = telegramRetryAfter(r.body)) return std::chrono::seconds(*s);
  return std::nullopt;
}

class TelegramNotifier final : public ChatNotifier {
 public:
  TelegramNotifier(const ChannelServices& services, std::string token,
                   std::vector<std::string> chats, std::string mentionSuffix, TelegramOptions opts,
                   std::shared_ptr<const render::Renderer> renderer, std::string templateName,
                   std::string receiverName)
      : ChatNotifier(services, "telegram", receiverName),
        token_(std::move(token)),
        chats_(std::move(chats)),
        suffix_(std::move(mentionSuffix)),
        opts_(std::move(opts)),
        renderer_(std::move(renderer)),
        templateName_(std::move(templateName)),
        throttlePrefix_("telegram|" + signing::sha256Hex(token_) + "|") {}

  std::string buildJobs(const Data& data, std::vector<ChatJob>& jobs) override {
    const size_t limit = kTelegramMaxText > suffix_.size() + kMinChunk
                             ? kTelegramMaxText - suffix_.size()
                             : kMinChunk;
    auto split = render::splitMessages(*renderer_, templateName_, data, limit);
    if (!split.ok()) return "template: " + split.error;
    for (const auto& c : split.chunks) {
      for (const auto& chat : chats_) {
        ChatJob job;
        job.throttleKey = throttlePrefix_ + chat;
        job.limit = kTelegramChatThrottle;
        job.target = "chat:" + chat;
        HttpRequest req;
        req.method = "POST";
        req.url = telegramSendUrl(opts_.apiBaseUrl, token_);
        req.headers = {{"Content-Type", "application/json"}};
        req.timeout = std::chrono::seconds(opts_.timeoutSeconds);
        req.body = telegramBody(chat, c.text + suffix_);
        job.run = [this, req = std::move(req)](TimePoint dl, std::function<void(SendOutcome)> cb) {
          sendWithRetry(
              http_, req, RetryPolicy{}, dl,
              [token = token_](const HttpResponse& resp) {
                Classification c = classifyTelegram(resp);
                c.reason = redactSecret(std::move(c.reason), token);
                return c;
              },
              std::move(cb), &telegramWait);
        };
        jobs.push_back(std::move(job));
      }
    }
    return "";
  }

 private:
  std::string token_;
  std::vector<std::string> chats_;
  std::string suffix_;
  TelegramOptions opts_;
  std::shared_ptr<const render::Renderer> renderer_;
  std::string templateName_;
  std::string throttlePrefix_;
};

std::unique_ptr<Notifier> make(const NotifierContext& ctx, std::string& error) {
  TelegramOptions opts;
  auto spec = channelSpecAndOptions<TelegramSpec>(ctx, "telegram", &telegramOptions, opts, error);
  if (!spec) return nullptr;
  auto cfg =
      ctx.config ? std::dynamic_pointer_cast<const TelegramConfigSpec>(ctx.config->spec) : nullptr;
  if (!cfg) {
    error = "telegram: no telegram config with telegramTokenSecret matched the receiver";
    return nullptr;
  }
  std::string token;
  if (!resolveCredential(ctx, cfg->token, "telegram", "telegramTokenSecret", token, error))
    return nullptr;
  if (token.empty()) {
    error = "telegram: telegramTokenSecret is empty";
    return nullptr;
  }
  std::string tmpl = render::chooseTemplate("nm.default.text", ctx.snapshot.nm.globalTemplate,
                                            opts.templateName, ctx.receiver.templateName);
  return std::make_unique<TelegramNotifier>(
      ctx.services, std::move(token), spec->channels, telegramMentionSuffix(spec->mentionedUsers),
      std::move(opts), config::rendererFor(ctx.receiver, ctx.snapshot), std::move(tmpl),
      ctx.receiver.name);
}

}  // namespace

std::string telegramMentionSuffix(const std::vector<std::string>& users) {
  std::string s;
  for (const auto& u : users) {
    if (u.empty()) continue;
    s += s.empty() ? "\n" : " ";
    if (u.front() != '@') s += '@';
    s += u;
  }
  return s;
}

std::string telegramBody(const std::string& chatId, const std::string& text) {
  json::Writer w;
  w.startObject().member("chat_id", chatId).member("text", text).endObject();
  return w.take();
}

std::string telegramSendUrl(const std::string& base, const std::string& token) {
  // A bot token is "<digits>:<letters, digits, - and _>"; anything else is percent-encoded so it
  // cannot change the path.
  static const char* kHex = "0123456789ABCDEF";
  std::string url = base + "/bot";
  for (unsigned char c : token) {
    if (std::isalnum(c) || c == ':' || c == '-' || c == '_' || c == '.' || c == '~') {
      url += static_cast<char>(c);
    } else {
      url += '%';
      url += kHex[c >> 4];
      url += kHex[c & 15];
    }
  }
  return url + "/sendMessage";
}

std::optional<int> telegramRetryAfter(const std::string& body) {
  const json::Parsed j = json::parse(body);
  const rapidjson::Value* p = json::find(j.doc, "parameters");
  if (!p) return std::nullopt;
  const std::optional<int64_t> v = json::intMember(*p, "retry_after");
  if (!v || *v < 0 || *v > 24 * 3600) return std::nullopt;
  return static_cast<int>(*v);
}

Classification classifyTelegram(const HttpResponse& r) {
  if (r.status == 0) {
    Classification c = defaultClassify(r);
    c.reason = "telegram: " + c.reason;
    return c;
  }
  const bool transient = r.status >= 500 || r.status == 429;
  const json::Parsed j = json::parse(r.body);
  const rapidjson::Value* ok = json::find(j.doc, "ok");
  if (!ok || !ok->IsBool()) {
    std::string reason = "telegram: HTTP " + std::to_string(r.status);
    if (!r.body.empty()) reason += ": " + r.body.substr(0, kReasonBodyBytes);
    if (r.status >= 200 && r.status < 300) return {Verdict::Permanent, reason};
    return {transient ? Verdict::Transient : Verdict::Permanent, std::move(reason)};
  }
  if (ok->GetBool() && r.status >= 200 && r.status < 300) return {Verdict::Success, ""};
  const long code = json::intMember(j.doc, "error_code").value_or(r.status);
  const std::string description = json::stringMember(j.doc, "description").value_or("");
  std::string reason =
      "telegram " + std::to_string(code) + ": " +
      (description.empty() ? std::string("no description")
                           : std::string(render::escapedPrefix(description, kReasonBodyBytes)));
  // A group upgraded to a supergroup has a new id: name it so the receiver can be fixed.
  if (const rapidjson::Value* p = json::find(j.doc, "parameters")) {
    if (auto m = json::intMember(*p, "migrate_to_chat_id")) {
      reason += " (migrate_to_chat_id " + std::to_string(*m) + ")";
    }
  }
  return {transient || code == 429 ? Verdict::Transient : Verdict::Permanent, std::move(reason)};
}

const ChannelDescriptor& telegramDescriptor() {
  static const ChannelDescriptor d{"telegram", &decodeTelegramReceiver, &decodeTelegramConfig,
                                   &make};
  return d;
}

}  // namespace nm
