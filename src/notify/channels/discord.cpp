// The Discord notifier: renders and splits a Data so each message with its mentions fits, then
// executes the webhook once per chunk, in order, with retries that honour Discord's retry_after.
#include "notify/channels/discord.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <utility>

#include "core/json.h"
#include "interfaces/snapshot.h"
#include "notify/channel_common.h"
#include "notify/channels/webhook.h"
#include "notify/chat_notifier.h"
#include "notify/throttle.h"
#include "observe/log.h"
#include "render/split.h"

namespace nm {

namespace {

constexpr size_t kReasonBytes = 256;
// Room a message must keep besides the mentions.
constexpr size_t kMinMessageRoom = 256;

size_t escapedSize(const std::string& s) {
  std::string quoted;
  json::appendQuoted(quoted, s);
  return quoted.size() - 2;  // without the quotes
}

// The first field error of a 50035 "Invalid Form Body": "content: Must be 2000 or fewer in
// length." (errors nest by field, array index, then "_errors"; a few levels at most).
std::string firstFieldError(const rapidjson::Value& errors, const std::string& path,
                            int depth = 0) {
  if (!errors.IsObject() || depth > 6) return "";
  if (const rapidjson::Value* e = json::find(errors, "_errors"); e && e->IsArray() && !e->Empty()) {
    std::string msg = json::stringMember((*e)[0], "message").value_or("invalid");
    return path.empty() ? msg : path + ": " + msg;
  }
  for (const auto& [name, v] : json::sortedMembers(errors)) {  // nlohmann's order
    const std::string k(name);
    std::string found = firstFieldError(*v, path.empty() ? k : path + "." + k, depth + 1);
    if (!found.empty()) return found;
  }
  return "";
}

// The wait before retrying: discordRetryAfter (fractional retry_after rounded up) as seconds.
std::optional<Duration> discordWait(const HttpResponse& r, TimePoint t) {
  return parseRetryAfter(discordRetryAfter(r), t);
}

class DiscordNotifier final : public ChatNotifier {
 public:
  DiscordNotifier(const ChannelServices& services, std::shared_ptr<const DiscordSpec> spec,
                  std::string webhook, size_t chunkLimit, DiscordOptions opts,
                  std::shared_ptr<const render::Renderer> renderer, std::string templateName,
                  std::string receiverName)
      : ChatNotifier(services, "discord", receiverName),
        spec_(std::move(spec)),
        webhook_(std::move(webhook)),
        chunkLimit_(chunkLimit),
        opts_(std::move(opts)),
        renderer_(std::move(renderer)),
        templateName_(std::move(templateName)) {}

  std::string buildJobs(const Data& data, std::vector<ChatJob>& jobs) override {
    auto split = render::splitMessages(*renderer_, templateName_, data, chunkLimit_);
    if (!split.ok()) return "template: " + split.error;
    for (const auto& c : split.chunks) {
      ChatJob job;
      job.target = discordWebhookTarget(webhook_);
      HttpRequest req;
      req.method = "POST";
      req.url = webhook_;
      req.headers = {{"Content-Type", "application/json"}};
      req.timeout = std::chrono::seconds(opts_.timeoutSeconds);
      req.body = discordBody(*spec_, c.text);
      job.run = [this, req = std::move(req)](TimePoint dl, std::function<void(SendOutcome)> cb) {
        sendWithRetry(http_, req, RetryPolicy{}, dl, &classifyDiscord, std::move(cb), &discordWait);
      };
      jobs.push_back(std::move(job));
    }
    return "";
  }

 private:
  std::shared_ptr<const DiscordSpec> spec_;
  std::string webhook_;
  size_t chunkLimit_;
  DiscordOptions opts_;
  std::shared_ptr<const render::Renderer> renderer_;
  std::string templateName_;
};

std::unique_ptr<Notifier> make(const NotifierContext& ctx, std::string& error) {
  DiscordOptions opts;
  auto spec = channelSpecAndOptions<DiscordSpec>(ctx, "discord", &discordOptions, opts, error);
  if (!spec) return nullptr;
  std::string webhook;
  if (!resolveCredential(ctx, spec->webhook, "discord", "webhook", webhook, error)) return nullptr;
  if (webhook.empty()) {
    error = "discord: webhook is empty";
    return nullptr;
  }
  const std::string mentions = discordMentions(spec->mentionedUsers, spec->mentionedRoles);
  const size_t suffix = mentions.empty() ? 0 : escapedSize("\n" + mentions);
  const size_t max = spec->embed ? kDiscordEmbedMax : kDiscordContentMax;
  if (suffix + kMinMessageRoom > max) {
    error = "discord: the mentions take " + std::to_string(suffix) + " of the " +
            std::to_string(max) + " characters of a message, leaving no room for the alerts";
    return nullptr;
  }
  std::string tmpl = render::chooseTemplate("nm.default.text", ctx.snapshot.nm.globalTemplate,
                                            opts.templateName, ctx.receiver.templateName);
  return std::make_unique<DiscordNotifier>(
      ctx.services, std::move(spec), std::move(webhook), max - suffix, std::move(opts),
      config::rendererFor(ctx.receiver, ctx.snapshot), std::move(tmpl), ctx.receiver.name);
}

}  // namespace

std::string discordMentions(const std::vector<std::string>& users,
                            const std::vector<std::string>& roles) {
  std::string out;
  auto add = [&out](const std::string& m) {
    if (!out.empty()) out += ' ';
    out += m;
  };
  for (const auto& u : users) add(u == "everyone" ? std::string("@everyone") : "<@" + u + ">");
  for (const auto& r : roles) add("<@&" + r + ">");
  return out;
}

std::string discordBody(const DiscordSpec& spec, const std::string& text) {
  const std::string mentions = discordMentions(spec.mentionedUsers, spec.mentionedRoles);
  std::vector<std::string> parse;
  std::vector<std::string> users;
  for (const auto& u : spec.mentionedUsers) {
    if (u == "everyone") {
      if (parse.empty()) parse.push_back("everyone");
    } else {
      users.push_back(u);
    }
  }
  // Keys in byte order, as the body has always been sent.
  json::Writer w;
  w.startObject().key("allowed_mentions").startObject();
  w.key("parse").strings(parse).key("roles").strings(spec.mentionedRoles);
  w.key("users").strings(users).endObject();
  if (spec.embed) {
    // Discord pings only mentions in `content`, never those inside an embed.
    w.member("content", mentions);
    w.key("embeds").startArray().startObject().member("description", text).endObject().endArray();
  } else {
    w.member("content", mentions.empty() ? text : text + "\n" + mentions);
  }
  return w.endObject().take();
}

Classification classifyDiscord(const HttpResponse& r) {
  if (r.status == 0) {
    Classification c = defaultClassify(r);
    c.reason = "discord: " + c.reason;
    return c;
  }
  if (r.status == 204 || r.status == 200) return {Verdict::Success, ""};
  const bool transient = r.status == 429 || r.status >= 500;
  const Verdict verdict = transient ? Verdict::Transient : Verdict::Permanent;
  const json::Parsed j = json::parse(r.body);
  std::string message = json::stringMember(j.doc, "message").value_or("").substr(0, kReasonBytes);
  if (r.status == 429) {
    const rapidjson::Value* g = json::find(j.doc, "global");
    const bool global = g && g->IsBool() && g->GetBool();
    return {verdict, std::string("discord rate limited") + (global ? " (global)" : "") +
                         (message.empty() ? "" : ": " + message)};
  }
  if (auto code = json::intMember(j.doc, "code")) {
    std::string reason = "discord code " + std::to_string(*code) + ": " + message;
    if (const rapidjson::Value* e = json::find(j.doc, "errors")) {
      std::string detail = firstFieldError(*e, "");
      if (!detail.empty()) reason += " (" + detail + ")";
    }
    return {verdict, std::move(reason)};
  }
  if (r.status >= 200 && r.status < 300) {
    return {Verdict::Permanent, "discord: unexpected HTTP " + std::to_string(r.status)};
  }
  std::string reason = "discord: HTTP " + std::to_string(r.status);
  if (!r.body.empty()) reason += ": " + r.body.substr(0, kReasonBytes);
  return {verdict, std::move(reason)};
}

std::string discordRetryAfter(const HttpResponse& r) {
  if (r.status != 429) return r.retryAfter;
  std::string h = r.retryAfter;
  h.erase(0, h.find_first_not_of(" \t"));
  h.erase(h.find_last_not_of(" \t\r\n") + 1);
  if (!h.empty() &&
      std::all_of(h.begin(), h.end(), [](unsigned char c) { return std::isdigit(c); }))
    return h;
  double secs = -1;
  if (!h.empty()) {
    char* end = nullptr;
    double v = std::strtod(h.c_str(), &end);
    if (end && *end == '\0' && std::isfinite(v)) secs = v;
  }
  if (secs < 0) {
    const json::Parsed j = json::parse(r.body);
    const rapidjson::Value* ra = json::find(j.doc, "retry_after");
    if (ra && ra->IsNumber()) secs = ra->GetDouble();
  }
  if (secs < 0 || !std::isfinite(secs) || secs > 86400) return r.retryAfter;
  return std::to_string(static_cast<long long>(std::ceil(secs)));
}

std::string discordWebhookTarget(const std::string& url) {
  std::string t = webhookTarget(url);
  const size_t scheme = t.find("://");
  const size_t pathStart = t.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (pathStart == std::string::npos) return t;
  const size_t end = t.find_last_not_of('/');  // a trailing slash must not expose the secret
  if (end == std::string::npos || end <= pathStart) return t;  // no path segment at all
  return t.substr(0, t.rfind('/', end) + 1) + "***";
}

const ChannelDescriptor& discordDescriptor() {
  static const ChannelDescriptor d{"discord", &decodeDiscordReceiver, nullptr, &make};
  return d;
}

}  // namespace nm
