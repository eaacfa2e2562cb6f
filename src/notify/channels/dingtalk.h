// The DingTalk channel: custom robot (chatbot webhook, signing, keywords, mentions) and the
// conversation app (access token, chat/send per chat id), split to the vendor's size limits and
// throttled per robot and per app.
// Vendor API: https://open.dingtalk.com/document/robots/custom-robot-access (robot messages),
// https://open.dingtalk.com/document/orgapp/obtain-orgapp-token (gettoken),
// https://open.dingtalk.com/document/orgapp/send-group-messages (chat/send).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "interfaces/channel.h"
#include "interfaces/http_client.h"
#include "model/resources.h"
#include "notify/throttle.h"
#include "render/renderer.h"

namespace nm {

struct DingtalkChatbotSpec {
  model::Credential webhook;
  std::vector<std::string> keywords;
  std::optional<model::Credential> secret;
  std::vector<std::string> atMobiles;
  std::vector<std::string> atUsers;
  bool atAll = false;
};

// Receiver spec.dingtalk.
struct DingtalkSpec final : ChannelSpec {
  std::string titleTemplate;
  std::string tmplType;  // "", "text" or "markdown"
  std::vector<std::string> chatids;
  std::optional<DingtalkChatbotSpec> chatbot;
};

// Config spec.dingtalk.
struct DingtalkConfigSpec final : ChannelSpec {
  std::optional<model::Credential> appkey;
  std::optional<model::Credential> appsecret;
};

// A chatbot with its credentials resolved.
struct DingtalkBot {
  std::string webhook;
  std::string secret;  // empty: unsigned
  std::vector<std::string> keywords;
  std::vector<std::string> atMobiles;
  std::vector<std::string> atUsers;
  bool atAll = false;
};

// NotificationManager spec.receivers.options.dingtalk, with the reference's defaults.
// `apiBaseUrl` is this project's addition (private deployments, tests); the environment variable
// NM_DINGTALK_API_BASE is used when it is unset, else https://oapi.dingtalk.com.
struct DingtalkOptions {
  int timeoutSeconds = 3;
  std::string templateName;
  std::string titleTemplate;
  std::string tmplType;
  Duration tokenExpires = std::chrono::hours(2);
  size_t conversationMaxSize = 5000;
  size_t chatbotMaxSize = 19960;
  ThrottleLimit chatbotThrottle{20, std::chrono::minutes(1), std::chrono::seconds(10)};
  ThrottleLimit conversationThrottle{25, std::chrono::seconds(1), std::chrono::seconds(1)};
  std::string apiBaseUrl;
};

// Text appended to every robot message: "\n\n[Keywords] k1, k2" and, in markdown, " @m1 @u1"
// so the mentions render.
std::string dingtalkBotSuffix(const DingtalkBot& bot, bool markdown);
// The robot request body: msgtype text|markdown with the suffix appended, and `at`.
std::string dingtalkBotBody(const DingtalkBot& bot, bool markdown, const std::string& title,
                            const std::string& text);
// The conversation request body {"chatid","msg":{msgtype,…}}.
std::string dingtalkChatBody(const std::string& chatid, bool markdown, const std::string& title,
                             const std::string& text);

// Decoders of Receiver and Config spec.dingtalk (null with diagnostics on error).
std::shared_ptr<const ChannelSpec> decodeDingtalkReceiver(const DecodeContext& ctx);
std::shared_ptr<const ChannelSpec> decodeDingtalkConfig(const DecodeContext& ctx);
// Options from the NotificationManager (errors in `error`, empty when fine).
DingtalkOptions dingtalkOptions(const model::NotificationManager& nm, std::string& error);

const ChannelDescriptor& dingtalkDescriptor();

}  // namespace nm
