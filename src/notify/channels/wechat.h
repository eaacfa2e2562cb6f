// The WeCom (wechat) channel: the app (access token cache, message/send with users, parties and
// tags batched at the vendor's limits) and the group robot webhook (text with mentions, markdown
// with <@user>), split to messageMaxSize and the robot's limits.
// Vendor API: https://developer.work.weixin.qq.com/document/path/91039 (gettoken),
// https://developer.work.weixin.qq.com/document/path/90236 (message/send),
// https://developer.work.weixin.qq.com/document/path/91770 (group robot).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "interfaces/channel.h"
#include "model/resources.h"

namespace nm {

struct WechatChatbotSpec {
  model::Credential webhook;
  std::vector<std::string> atUsers;
  std::vector<std::string> atMobiles;
};

// Receiver spec.wechat.
struct WechatSpec final : ChannelSpec {
  std::string tmplType;  // "", "text" or "markdown"
  std::vector<std::string> toUser;
  std::vector<std::string> toParty;
  std::vector<std::string> toTag;
  std::optional<WechatChatbotSpec> chatbot;
};

// Config spec.wechat.
struct WechatConfigSpec final : ChannelSpec {
  std::string apiUrl = "https://qyapi.weixin.qq.com/cgi-bin/";
  std::string corpId;
  std::string agentId;
  model::Credential secret;
};

// NotificationManager spec.receivers.options.wechat with the reference's defaults.
struct WechatOptions {
  int timeoutSeconds = 3;
  std::string templateName;
  std::string tmplType;
  size_t messageMaxSize = 2048;
  Duration tokenExpires = std::chrono::hours(2);
};

// The vendor's per-request recipient limits.
inline constexpr size_t kWecomMaxUsers = 1000;
inline constexpr size_t kWecomMaxParties = 100;
inline constexpr size_t kWecomMaxTags = 100;
// Group robot content limits (bytes).
inline constexpr size_t kWecomBotTextMax = 2048;
inline constexpr size_t kWecomBotMarkdownMax = 4096;

// message/send bodies for one chunk: recipients joined by "|" and batched 1000 users, 100
// parties, 100 tags per request (request i carries batch i of each list).
std::vector<std::string> wecomAppBodies(const std::vector<std::string>& users,
                                        const std::vector<std::string>& parties,
                                        const std::vector<std::string>& tags,
                                        const std::string& agentId, bool markdown,
                                        const std::string& text);
// "\n<@u1><@u2>" appended to robot markdown; empty for text or no users.
std::string wecomBotMarkdownSuffix(const std::vector<std::string>& atUsers);
// The robot body: text with mentioned_list/mentioned_mobile_list, or markdown with the suffix.
std::string wecomBotBody(const WechatChatbotSpec& bot, bool markdown, const std::string& text);

std::shared_ptr<const ChannelSpec> decodeWechatReceiver(const DecodeContext& ctx);
std::shared_ptr<const ChannelSpec> decodeWechatConfig(const DecodeContext& ctx);
WechatOptions wechatOptions(const model::NotificationManager& nm, std::string& error);

const ChannelDescriptor& wechatDescriptor();

}  // namespace nm
