// The Discord channel: execute-webhook posts as content or embed with user/role mentions, split to
// Discord's length limits, 429 retry_after honoured, vendor error codes reported.
// Vendor API: https://discord.com/developers/docs/resources/webhook#execute-webhook (body, 204),
// https://discord.com/developers/docs/topics/rate-limits (429 retry_after, X-RateLimit-*),
// https://discord.com/developers/docs/topics/opcodes-and-status-codes#json (error codes),
// https://discord.com/developers/docs/resources/message#allowed-mentions-object.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "interfaces/channel.h"
#include "interfaces/http_client.h"
#include "model/resources.h"
#include "notify/retry.h"

namespace nm {

// Receiver spec.discord (there is no Discord config).
struct DiscordSpec final : ChannelSpec {
  model::Credential webhook;
  bool embed = false;                       // type: embed (default content)
  std::vector<std::string> mentionedUsers;  // user ids, or "everyone"
  std::vector<std::string> mentionedRoles;  // role ids
};

// NotificationManager spec.receivers.options.discord.
struct DiscordOptions {
  int timeoutSeconds = 3;
  std::string templateName;
};

// Discord's limits in characters. Our splitter measures JSON-escaped UTF-8 bytes, which are never
// fewer than characters (nor UTF-16 units), so a chunk under the limit in bytes is under it in
// characters too.
inline constexpr size_t kDiscordContentMax = 2000;
inline constexpr size_t kDiscordEmbedMax = 4096;
// Discord's cap on the users and roles of allowed_mentions.
inline constexpr size_t kDiscordMaxMentions = 100;

// "@everyone <@id> <@&role>": the mentions appended to each message; empty without any.
std::string discordMentions(const std::vector<std::string>& users,
                            const std::vector<std::string>& roles);
// The execute-webhook body: {"content": text + "\n" + mentions} or {"content":"","embeds":
// [{"description": text + "\n" + mentions}]}, with allowed_mentions limited to the configured
// mentions (an "@everyone" inside alert text pings nobody).
std::string discordBody(const DiscordSpec& spec, const std::string& text);

// 204 (or 200 with ?wait=true) is success; transport, 5xx and 429 transient; other answers
// permanent, reported "discord code 50006: Cannot send an empty message".
Classification classifyDiscord(const HttpResponse& r);
// The Retry-After to honour for a 429: the header when it is whole seconds, else the JSON
// `retry_after` (float seconds) or a fractional header rounded up; the header as sent otherwise.
std::string discordRetryAfter(const HttpResponse& r);

// A webhook URL for history and logs: its last path segment (the token) replaced by "***".
std::string discordWebhookTarget(const std::string& url);

std::shared_ptr<const ChannelSpec> decodeDiscordReceiver(const DecodeContext& ctx);
DiscordOptions discordOptions(const model::NotificationManager& nm, std::string& error);

const ChannelDescriptor& discordDescriptor();

}  // namespace nm
