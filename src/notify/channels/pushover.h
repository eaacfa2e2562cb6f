// The Pushover channel: one messages.json request per profile (user key, devices, sound) per chunk,
// messages split to 1024 and titles cut to 250 characters; 4xx and quota (429) are final.
// Vendor API: https://pushover.net/api (messages.json, limits, sounds, response status/errors),
// https://pushover.net/api#sounds (the built-in sound names), https://pushover.net/faq (quotas).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "interfaces/channel.h"
#include "interfaces/http_client.h"
#include "model/resources.h"
#include "notify/retry.h"

namespace nm {

struct PushoverProfile {
  std::string userKey;               // ^[A-Za-z0-9]{30}$
  std::vector<std::string> devices;  // ^[A-Za-z0-9_-]{1,25}$ each
  std::string title;                 // deprecated: the title when no titleTemplate is set
  std::string sound;                 // one of kPushoverSounds, or empty
};

// Receiver spec.pushover.
struct PushoverSpec final : ChannelSpec {
  std::string titleTemplate;
  std::vector<PushoverProfile> profiles;
};

// Config spec.pushover.
struct PushoverConfigSpec final : ChannelSpec {
  model::Credential token;  // pushoverTokenSecret: the application's API token
};

// NotificationManager spec.receivers.options.pushover. `apiBaseUrl` is this project's addition
// (tests, proxies); NM_PUSHOVER_API_BASE when unset, else https://api.pushover.net.
struct PushoverOptions {
  int timeoutSeconds = 3;
  std::string templateName;
  std::string titleTemplate;
  std::string apiBaseUrl;
};

// The vendor's limits: message 1024 characters, title 250 (split and cut as UTF-8 bytes, which
// are never fewer than characters).
inline constexpr size_t kPushoverMaxMessage = 1024;
inline constexpr size_t kPushoverMaxTitle = 250;
// The 23 built-in sounds of https://pushover.net/api#sounds.
inline constexpr std::string_view kPushoverSounds[] = {
    "pushover",   "bike",    "bugle",      "cashregister", "classical", "cosmic",
    "falling",    "gamelan", "incoming",   "intermission", "magic",     "mechanical",
    "pianobar",   "siren",   "spacealarm", "tugboat",      "alien",     "climb",
    "persistent", "echo",    "updown",     "vibrate",      "none"};

bool isPushoverSound(std::string_view s);
// The longest prefix of s of at most maxBytes bytes that ends on a UTF-8 character boundary.
std::string pushoverUtf8Prefix(std::string_view s, size_t maxBytes);
// The messages.json body {"token","user","message","title","device":"d1,d2","sound"}, empty
// fields omitted; the title cut to kPushoverMaxTitle.
std::string pushoverBody(const std::string& token, const PushoverProfile& profile,
                         const std::string& title, const std::string& message);
// status 1 is success; "pushover: user identifier is invalid" (the errors joined) otherwise.
// Transport errors and 5xx are transient; 4xx, 429 (quota) and status 0 permanent.
Classification classifyPushover(const HttpResponse& r);

std::shared_ptr<const ChannelSpec> decodePushoverReceiver(const DecodeContext& ctx);
std::shared_ptr<const ChannelSpec> decodePushoverConfig(const DecodeContext& ctx);
PushoverOptions pushoverOptions(const model::NotificationManager& nm, std::string& error);

const ChannelDescriptor& pushoverDescriptor();

}  // namespace nm
