// The Telegram channel: a bot's sendMessage to every configured chat, mentions appended, split to
// the 4096-character text limit, throttled per chat and retried after the vendor's retry_after.
// Vendor API: https://core.telegram.org/bots/api#sendmessage (sendMessage, text 1-4096 characters),
// https://core.telegram.org/bots/api#making-requests (ok/error_code/description, parameters),
// https://core.telegram.org/bots/faq (rate limits: 1 message/s per chat, 20/min per group).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "interfaces/channel.h"
#include "interfaces/http_client.h"
#include "model/resources.h"
#include "notify/retry.h"
#include "notify/throttle.h"

namespace nm {

// Receiver spec.telegram.
struct TelegramSpec final : ChannelSpec {
  std::vector<std::string> channels;  // chat ids: "@channelname" or numeric ("-100123…")
  std::vector<std::string> mentionedUsers;
};

// Config spec.telegram.
struct TelegramConfigSpec final : ChannelSpec {
  model::Credential token;  // telegramTokenSecret: the bot token "<id>:<secret>"
};

// NotificationManager spec.receivers.options.telegram. `apiBaseUrl` is this project's addition
// (private Bot API servers, tests); NM_TELEGRAM_API_BASE when unset, else https://api.telegram.org.
struct TelegramOptions {
  int timeoutSeconds = 3;
  std::string templateName;
  std::string apiBaseUrl;
};

// sendMessage's text limit (characters after entity parsing; we send no parse_mode). Measured in
// UTF-8 bytes, which are never fewer than Telegram's UTF-16 characters.
inline constexpr size_t kTelegramMaxText = 4096;
// The FAQ's "no more than one message per second in a particular chat", per bot and chat.
inline const ThrottleLimit kTelegramChatThrottle{1, std::chrono::seconds(1),
                                                 std::chrono::seconds(10)};

// "\n@u1 @u2" for mentionedUsers (a leading '@' in a name is not doubled); empty for none.
std::string telegramMentionSuffix(const std::vector<std::string>& users);
// The sendMessage body {"chat_id","text"} (chat_id as a string, which the Bot API accepts for
// numeric ids too).
std::string telegramBody(const std::string& chatId, const std::string& text);
// {base}/bot<token>/sendMessage. Holds the token: never log it (see nm::redactSecret,
// nm::redactUrl).
std::string telegramSendUrl(const std::string& base, const std::string& token);
// parameters.retry_after of an error body, in seconds; nullopt when absent.
std::optional<int> telegramRetryAfter(const std::string& body);
// ok:true is success; "telegram 400: Bad Request: chat not found" otherwise. 429 and 5xx and
// transport errors are transient, every other error (401 bad token, 400, 403) permanent.
Classification classifyTelegram(const HttpResponse& r);

std::shared_ptr<const ChannelSpec> decodeTelegramReceiver(const DecodeContext& ctx);
std::shared_ptr<const ChannelSpec> decodeTelegramConfig(const DecodeContext& ctx);
TelegramOptions telegramOptions(const model::NotificationManager& nm, std::string& error);

const ChannelDescriptor& telegramDescriptor();

}  // namespace nm
