// The Feishu (Lark) channel: the custom bot (webhook, signed body, keywords) and the app
// (tenant_access_token, message/v4/batch_send to users and departments), split to the bot's size.
// Vendor API: https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot (custom bot,
// sign, 20 KB body, 100/min and 5/s, codes 19021/19024/9499/11232),
// https://open.feishu.cn/document/server-docs/authentication-management/access-token/
// tenant_access_token_internal (tenant token, `expire` in seconds),
// https://open.feishu.cn/document/server-docs/im-v1/batch_message/send-messages-in-batches
// (batch_send), https://open.feishu.cn/document/server-docs/api-call-guide/frequency-control.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "interfaces/channel.h"
#include "model/resources.h"
#include "notify/throttle.h"

namespace nm {

struct FeishuChatbotSpec {
  model::Credential webhook;
  std::vector<std::string> keywords;
  std::optional<model::Credential> secret;
};

// Receiver spec.feishu.
struct FeishuSpec final : ChannelSpec {
  std::string tmplType;  // "", "post" or "text"
  std::vector<std::string> users;
  std::vector<std::string> departments;
  std::optional<FeishuChatbotSpec> chatbot;
};

// Config spec.feishu.
struct FeishuConfigSpec final : ChannelSpec {
  std::optional<model::Credential> appID;
  std::optional<model::Credential> appSecret;
};

// A chatbot with its credentials resolved.
struct FeishuBot {
  std::string webhook;
  std::string secret;  // empty: unsigned
  std::vector<std::string> keywords;
};

// NotificationManager spec.receivers.options.feishu. `apiBaseUrl` is this project's addition
// (private deployments, tests): else NM_FEISHU_API_BASE, else https://open.feishu.cn.
struct FeishuOptions {
  int timeoutSeconds = 3;
  std::string templateName;
  std::string tmplType;
  Duration tokenExpires = std::chrono::hours(2);  // upper bound of the vendor's `expire`
  std::string apiBaseUrl;
};

// The vendor's limits: user_ids and department_ids per receiver (and per batch_send), the
// custom bot's request body (20 KB) and its rate (5 per second per bot; 100 per minute).
inline constexpr size_t kFeishuMaxUsers = 200;
inline constexpr size_t kFeishuMaxDepartments = 200;
inline constexpr size_t kFeishuBotBodyMax = 20 * 1024;
inline const ThrottleLimit kFeishuBotThrottle{5, std::chrono::seconds(1), std::chrono::seconds(10)};

// A message's `content`: {"post": <rendered post JSON>} or {"text": ...}. Keywords are appended
// as a last paragraph [{"tag":"text","text":"[Keywords] k1,k2"}] of every locale (post) or as
// "\n\n[Keywords] k1,k2" (text). Returns false with `error` when the post is not valid JSON of
// the shape {locale: {content: [[…]…]}}.
bool feishuContent(bool post, const std::string& rendered, const std::vector<std::string>& keywords,
                   std::string& contentJson, std::string& error);
// The bot body: {"msg_type","content","timestamp","sign"} (timestamp/sign only with a secret).
std::string feishuBotBody(bool post, const std::string& contentJson, int64_t timestampS,
                          const std::string& secret);
// The batch_send body: {"msg_type","content","user_ids","department_ids"}.
std::string feishuAppBody(bool post, const std::string& contentJson,
                          const std::vector<std::string>& users,
                          const std::vector<std::string>& departments);

std::shared_ptr<const ChannelSpec> decodeFeishuReceiver(const DecodeContext& ctx);
std::shared_ptr<const ChannelSpec> decodeFeishuConfig(const DecodeContext& ctx);
FeishuOptions feishuOptions(const model::NotificationManager& nm, std::string& error);

const ChannelDescriptor& feishuDescriptor();

}  // namespace nm
