// DingTalk custom robot ("加签") request signing: the sign value and the signed webhook URL.
// Implements https://open.dingtalk.com/document/robots/customize-robot-security-settings
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace nm::signing {

// sign = base64(HMAC-SHA256(key = secret, message = timestampMs + "\n" + secret)), not
// URL-encoded. timestampMs is Unix milliseconds; DingTalk rejects values over an hour old.
std::string dingtalkSign(int64_t timestampMs, std::string_view secret);

// webhookUrl + "&timestamp=<ms>&sign=<sign percent-encoded once>" ('?' when the URL has no
// query yet; no separator added after a trailing '?' or '&'; a #fragment stays at the end).
// Unlike the Go version the sign is encoded exactly once.
std::string dingtalkSignedUrl(std::string_view webhookUrl, int64_t timestampMs,
                              std::string_view secret);

}  // namespace nm::signing
