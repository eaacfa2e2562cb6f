// Secret redaction for anything shown to people (debug answers, API errors, logs): URL userinfo
// passwords, credential query parameters, token-carrying path segments, and known secret strings.
#pragma once

#include <string>
#include <string_view>

namespace nm {

inline constexpr std::string_view kRedactedMark = "<redacted>";

// One URL with its secrets replaced by kRedactedMark, everything else byte for byte:
// - userinfo password: `user:pw@` → `user:<redacted>@` (a user alone is kept, as Go's
//   url.Redacted does);
// - query (and fragment) parameters whose name is a credential (token, access_token, key, sign,
//   signature, sig, secret, password, api_key, apikey, auth, ... case-insensitive);
// - path segments that are the secret: Telegram `/bot<token>/`, Slack `/services/T../B../<secret>`,
//   Discord `/webhooks/<id>/<token>`, Feishu and Lark `/hook/<token>`.
// Text without "://" is returned unchanged.
std::string redactUrl(std::string_view url);

// `text` with every URL inside it (scheme://... up to whitespace, a quote or <>) redacted by
// redactUrl. Cheap when the text holds no "://".
std::string redactUrlsIn(std::string_view text);

// `text` with every occurrence of `secret` replaced by kRedactedMark (for tokens a vendor may
// echo outside a URL). An empty secret changes nothing.
std::string redactSecret(std::string text, std::string_view secret);

}  // namespace nm
