// The Slack channel: bot token chat.postMessage per channel and (our addition) incoming webhooks,
// texts split at Slack's 40,000-character truncation limit, vendor errors classified.
// Vendor API: https://api.slack.com/methods/chat.postMessage (bot messages and its errors),
// https://api.slack.com/docs/rate-limits (HTTP 429 ratelimited with Retry-After),
// https://api.slack.com/messaging/webhooks (incoming webhooks),
// https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks (their
// plain-text errors).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "interfaces/channel.h"
#include "interfaces/http_client.h"
#include "model/resources.h"
#include "notify/retry.h"

namespace nm {

// Receiver spec.slack: bot channels (need a config token) and/or an incoming-webhook URL.
struct SlackSpec final : ChannelSpec {
  std::vector<std::string> channels;
  std::optional<model::Credential> webhook;
};

// Config spec.slack.
struct SlackConfigSpec final : ChannelSpec {
  model::Credential token;  // slackTokenSecret
};

// NotificationManager spec.receivers.options.slack. `apiBaseUrl` is this project's addition
// (tests, proxies); NM_SLACK_API_BASE is used when it is unset, else https://slack.com/api.
struct SlackOptions {
  int timeoutSeconds = 3;
  std::string templateName;
  std::string apiBaseUrl;
};

// Slack truncates message text over 40,000 characters; chunks are measured in JSON-escaped bytes,
// which are never fewer than characters, so a chunk under this many bytes is never truncated.
inline constexpr size_t kSlackTextMax = 40000;

// chat.postMessage body {"channel","text"}.
std::string slackPostBody(const std::string& channel, const std::string& text);
// Incoming-webhook body {"text"}.
std::string slackWebhookBody(const std::string& text);

// chat.postMessage answers: HTTP 200 {"ok":true} is success; {"ok":false,"error":e} reads
// "slack error e" and is permanent except Slack's transient errors (ratelimited, internal_error,
// service_unavailable, request_timeout); transport, 5xx and 429 are transient.
Classification classifySlackApi(const HttpResponse& r);
// Incoming-webhook answers: HTTP 200 "ok" is success; 429 and 5xx transient; other statuses carry
// a plain-text error ("slack webhook error no_text (HTTP 400)") and are permanent.
Classification classifySlackWebhook(const HttpResponse& r);

// A webhook URL for history and logs: its last path segment (the secret) replaced by "***".
std::string slackWebhookTarget(const std::string& url);

std::shared_ptr<const ChannelSpec> decodeSlackReceiver(const DecodeContext& ctx);
std::shared_ptr<const ChannelSpec> decodeSlackConfig(const DecodeContext& ctx);
SlackOptions slackOptions(const model::NotificationManager& nm, std::string& error);

const ChannelDescriptor& slackDescriptor();

}  // namespace nm
