// The Discord notifier: renders and splits a Data so each message with its mentions fits, then
// executes the webhook once per chunk, in order, with retries that honour Discord's retry_after.
#include "notify/channels/discord.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <utility>

#include "interfaces/snapshot.h"
#include "notify/channel_common.h"
#include "notify/channels/webhook.h"
#include "notify/chat_notifier.h"
#include "notify/throttle.h"
#include "observe/log.h"
#include "render/split.h"

namespace nm {

namespace {

using json = nlohmann::json;

constexpr size_t kReasonBytes = 256;
// Room a message must keep besides the mentions.
constexpr size_t kMinMessageRoom = 256;

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

size_t escapedSize(const std::string& s) {
  return dump(json(s)).size() - 2;  // without the quotes
}

// The first field error of a 50035 "Invalid Form Body": "content: Must be 2000 or fewer in
// length." (errors nest by field, array index, then "_errors"; a few levels at most).
std::string firstFieldError(const json& errors, const std::string& path, int depth = 0) {
  if (!errors.is_object() || depth > 6) return "";
  if (auto e = errors.find("_errors"); e != errors.end() && e->is_array() && !e->empty()) {
    const json& first = e->front();
    std::string msg = first.is_object() && first.contains("message") && first["message"].is_string()
                          ? first["message"].get<std::string>()
                          : std::string("invalid");
    return path.empty() ? msg : path + ": " + msg;
  }
  for (const auto& [k, v] : errors.items()) {
    std::string found = firstFieldError(v, path.empty() ? k : path + "." + k, depth + 1);
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
  json body;
  if (spec.embed) {
    // Discord pings only mentions in `content`, never those inside an embed.
    body["content"] = mentions;
    body["embeds"] = json::array({json{{"description", text}}});
  } else {
    body["content"] = mentions.empty() ? text : text + "\n" + mentions;
  }
  json parse = json::array();
  json users = json::array();
  for (const auto& u : spec.mentionedUsers) {
    if (u == "everyone") {
      if (parse.empty()) parse.push_back("everyone");
    } else {
      users.push_back(u);
    }
  }
  body["allowed_mentions"] = {{"parse", parse}, {"users", users}, {"roles", spec.mentionedRoles}};
  return dump(body);
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
  auto j = json::parse(r.body, nullptr, false);
  std::string message;
  if (j.is_object()) {
    if (auto m = j.find("message"); m != j.end() && m->is_string()) {
      message = m->get<std::string>().substr(0, kReasonBytes);
    }
  }
  if (r.status == 429) {
    auto g = j.is_object() ? j.find("global") : j.end();
    const bool global = g != j.end() && g->is_boolean() && g->get<bool>();
    return {verdict, std::string("discord rate limited") + (global ? " (global)" : "") +
                         (message.empty() ? "" : ": " + message)};
  }
  if (j.is_object()) {
    auto code = j.find("code");
    if (code != j.end() && code->is_number_integer()) {
      std::string reason = "discord code " + std::to_string(code->get<long>()) + ": " + message;
      if (auto e = j.find("errors"); e != j.end()) {
        std::string detail = firstFieldError(*e, "");
        if (!detail.empty()) reason += " (" + detail + ")";
      }
      return {verdict, std::move(reason)};
    }
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
    auto j = json::parse(r.body, nullptr, false);
    auto ra = j.is_object() ? j.find("retry_after") : j.end();
    if (ra != j.end() && ra->is_number()) secs = ra->get<double>();
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
