// DingTalk custom robot signature and signed webhook URL (see dingtalk.h for the vendor page).
// The sign is percent-encoded once with RFC 3986 rules ('+' → %2B, '/' → %2F, '=' → %3D).
#include "notify/signing/dingtalk.h"

#include "notify/signing/crypto.h"
#include "notify/signing/encoding.h"

namespace nm::signing {

std::string dingtalkSign(int64_t timestampMs, std::string_view secret) {
  std::string toSign = std::to_string(timestampMs);
  toSign += '\n';
  toSign += secret;
  return base64(hmacSha256(secret, toSign));
}

std::string dingtalkSignedUrl(std::string_view webhookUrl, int64_t timestampMs,
                              std::string_view secret) {
  std::string_view base = webhookUrl;
  std::string_view fragment;
  if (auto hash = webhookUrl.find('#'); hash != std::string_view::npos) {
    base = webhookUrl.substr(0, hash);
    fragment = webhookUrl.substr(hash);
  }
  std::string out(base);
  if (base.find('?') == std::string_view::npos) {
    out += '?';
  } else if (!base.ends_with('?') && !base.ends_with('&')) {
    out += '&';
  }
  out += "timestamp=";
  out += std::to_string(timestampMs);
  out += "&sign=";
  out += percentEncode(dingtalkSign(timestampMs, secret));
  out += fragment;
  return out;
}

}  // namespace nm::signing
