// The Slack notifier: renders and splits a Data, then posts each chunk to every bot channel
// (chat.postMessage with the config token) and to the incoming webhook, in order, with retries.
#include "notify/channels/slack.h"

#include <algorithm>
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

bool transientSlackError(const std::string& e) {
  // fatal_error is left permanent: Slack says the post may have partly succeeded.
  return e == "ratelimited" || e == "rate_limited" || e == "internal_error" ||
         e == "service_unavailable" || e == "request_timeout";
}

std::string firstLine(const std::string& body) {
  std::string s = body.substr(0, std::min(body.find_first_of("\r\n"), kReasonBytes));
  return s.empty() ? std::string("(empty body)") : s;
}

class SlackNotifier final : public ChatNotifier {
 public:
  SlackNotifier(const ChannelServices& services, std::string token,
                std::vector<std::string> channels, std::string webhook, SlackOptions opts,
                std::shared_ptr<const render::Renderer> renderer, std::string templateName,
                std::string receiverName)
      : ChatNotifier(services, "slack", receiverName),
        token_(std::move(token)),
        channels_(std::move(channels)),
        webhook_(std::move(webhook)),
        opts_(std::move(opts)),
        renderer_(std::move(renderer)),
        templateName_(std::move(templateName)) {}

  std::string buildJobs(const Data& data, std::vector<ChatJob>& jobs) override {
    auto split = render::splitMessages(*renderer_, templateName_, data, kSlackTextMax);
    if (!split.ok()) return "template: " + split.error;
    // Chunk-major: every channel gets chunk 1 before any gets chunk 2, so chunks arrive in order
    // per channel and consecutive posts go to different channels (Slack limits 1/s per channel).
    for (const auto& c : split.chunks) {
      for (const auto& channel : channels_) jobs.push_back(botJob(channel, c.text));
      if (!webhook_.empty()) jobs.push_back(webhookJob(c.text));
    }
    return "";
  }

 private:
  HttpRequest baseRequest() const {
    HttpRequest req;
    req.method = "POST";
    req.headers = {{"Content-Type", "application/json; charset=utf-8"}};
    req.timeout = std::chrono::seconds(opts_.timeoutSeconds);
    return req;
  }

  ChatJob botJob(const std::string& channel, const std::string& text) {
    ChatJob job;
    job.target = "channel:" + channel;
    HttpRequest req = baseRequest();
    req.url = opts_.apiBaseUrl + "/chat.postMessage";
    req.headers.emplace_back("Authorization", "Bearer " + token_);
    req.body = slackPostBody(channel, text);
    job.run = [this, req = std::move(req)](TimePoint dl, std::function<void(SendOutcome)> cb) {
      sendWithRetry(http_, req, RetryPolicy{}, dl, &classifySlackApi, std::move(cb));
    };
    return job;
  }

  ChatJob webhookJob(const std::string& text) {
    ChatJob job;
    job.target = slackWebhookTarget(webhook_);
    HttpRequest req = baseRequest();
    req.url = webhook_;
    req.body = slackWebhookBody(text);
    job.run = [this, req = std::move(req)](TimePoint dl, std::function<void(SendOutcome)> cb) {
      sendWithRetry(http_, req, RetryPolicy{}, dl, &classifySlackWebhook, std::move(cb));
    };
    return job;
  }

  std::string token_;
  std::vector<std::string> channels_;
  std::string webhook_;
  SlackOptions opts_;
  std::shared_ptr<const render::Renderer> renderer_;
  std::string templateName_;
};

bool resolve(const NotifierContext& ctx, const model::Credential& c, const char* what,
             std::string& out, std::string& error) {
  return resolveCredential(ctx, c, "slack", what, out, error);
}

std::unique_ptr<Notifier> make(const NotifierContext& ctx, std::string& error) {
  SlackOptions opts;
  auto spec = channelSpecAndOptions<SlackSpec>(ctx, "slack", &slackOptions, opts, error);
  if (!spec) return nullptr;
  std::string token;
  if (!spec->channels.empty()) {
    auto cfg =
        ctx.config ? std::dynamic_pointer_cast<const SlackConfigSpec>(ctx.config->spec) : nullptr;
    if (!cfg) {
      error = "slack: channels need a slack config with slackTokenSecret";
      return nullptr;
    }
    if (!resolve(ctx, cfg->token, "slackTokenSecret", token, error)) return nullptr;
    if (token.empty()) {
      error = "slack: slackTokenSecret is empty";
      return nullptr;
    }
  }
  std::string webhook;
  if (spec->webhook && !resolve(ctx, *spec->webhook, "webhook", webhook, error)) return nullptr;
  if (spec->webhook && webhook.empty()) {
    error = "slack: webhook is empty";
    return nullptr;
  }
  std::string tmpl = render::chooseTemplate("nm.default.text", ctx.snapshot.nm.globalTemplate,
                                            opts.templateName, ctx.receiver.templateName);
  return std::make_unique<SlackNotifier>(
      ctx.services, std::move(token), spec->channels, std::move(webhook), std::move(opts),
      config::rendererFor(ctx.receiver, ctx.snapshot), std::move(tmpl), ctx.receiver.name);
}

}  // namespace

std::string slackPostBody(const std::string& channel, const std::string& text) {
  json::Writer w;
  w.startObject().member("channel", channel).member("text", text).endObject();
  return w.take();
}

std::string slackWebhookBody(const std::string& text) {
  json::Writer w;
  w.startObject().member("text", text).endObject();
  return w.take();
}

Classification classifySlackApi(const HttpResponse& r) {
  if (r.status == 0) {
    Classification c = defaultClassify(r);
    c.reason = "slack: " + c.reason;
    return c;
  }
  const bool transientStatus = r.status == 429 || r.status >= 500;
  const json::Parsed j = json::parse(r.body);
  const rapidjson::Value* ok = json::find(j.doc, "ok");
  if (!ok || !ok->IsBool()) {
    if (r.status == 200) {
      return {Verdict::Permanent, "slack: not a Slack API answer: " + firstLine(r.body)};
    }
    Classification c = defaultClassify(r);
    c.reason = "slack: " + c.reason;
    return c;
  }
  if (ok->GetBool() && r.status == 200) return {Verdict::Success, ""};
  std::string error = "unknown_error";
  if (auto e = json::stringMember(j.doc, "error")) error = e->substr(0, kReasonBytes);
  std::string reason = "slack error " + error;
  if (r.status != 200) reason += " (HTTP " + std::to_string(r.status) + ")";
  return {transientStatus || transientSlackError(error) ? Verdict::Transient : Verdict::Permanent,
          std::move(reason)};
}

Classification classifySlackWebhook(const HttpResponse& r) {
  if (r.status == 0) {
    Classification c = defaultClassify(r);
    c.reason = "slack webhook: " + c.reason;
    return c;
  }
  std::string text = firstLine(r.body);
  if (r.status == 200) {
    if (text == "ok") return {Verdict::Success, ""};
    return {Verdict::Permanent, "slack webhook: unexpected answer: " + text};
  }
  const bool transient = r.status == 429 || r.status >= 500;
  return {transient ? Verdict::Transient : Verdict::Permanent,
          "slack webhook error " + text + " (HTTP " + std::to_string(r.status) + ")"};
}

std::string slackWebhookTarget(const std::string& url) {
  std::string t = webhookTarget(url);
  const size_t scheme = t.find("://");
  const size_t pathStart = t.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (pathStart == std::string::npos) return t;
  const size_t end = t.find_last_not_of('/');  // a trailing slash must not expose the secret
  if (end == std::string::npos || end <= pathStart) return t;  // no path segment at all
  return t.substr(0, t.rfind('/', end) + 1) + "***";
}

const ChannelDescriptor& slackDescriptor() {
  static const ChannelDescriptor d{"slack", &decodeSlackReceiver, &decodeSlackConfig, &make};
  return d;
}

}  // namespace nm
