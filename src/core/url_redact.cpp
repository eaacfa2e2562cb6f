// URL redaction: splits a URL into userinfo, path segments and parameters by hand (no parser that
// could refuse or normalize it) and replaces only the parts that carry secrets.
#include "core/url_redact.h"

#include <algorithm>
#include <array>
#include <vector>

namespace nm {

namespace {

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool contains(std::string_view hay, std::string_view needle) {
  return hay.find(needle) != std::string_view::npos;
}

// Query parameter names that hold a credential: exact short names, and any name containing one
// of the longer words (access_token, client_secret, X-Amz-Signature, X-Amz-Security-Token, ...).
bool isCredentialName(std::string_view name) {
  std::string n(name);
  std::transform(n.begin(), n.end(), n.begin(), lower);
  static constexpr std::array<std::string_view, 9> kExact = {
      "key", "sign", "sig", "auth", "pass", "pwd", "passwd", "code", "jwt"};
  static constexpr std::array<std::string_view, 10> kWords = {
      "token",   "secret",  "passw",      "signature",  "apikey",
      "api_key", "api-key", "credential", "access_key", "accesskey"};
  if (std::find(kExact.begin(), kExact.end(), n) != kExact.end()) return true;
  return std::any_of(kWords.begin(), kWords.end(),
                     [&](std::string_view w) { return contains(n, w); });
}

// "a=1&token=x" → "a=1&token=<redacted>".
void appendParams(std::string& out, std::string_view params) {
  size_t pos = 0;
  while (true) {
    size_t amp = params.find('&', pos);
    std::string_view p =
        params.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
    size_t eq = p.find('=');
    if (eq != std::string_view::npos && eq + 1 < p.size() && isCredentialName(p.substr(0, eq))) {
      out.append(p.substr(0, eq + 1));
      out.append(kRedactedMark);
    } else {
      out.append(p);
    }
    if (amp == std::string_view::npos) break;
    out += '&';
    pos = amp + 1;
  }
}

// Telegram's bot path segment: "bot" then "<digits>:<secret>".
bool isTelegramBotSegment(std::string_view s) {
  if (s.size() < 5 || s.substr(0, 3) != "bot") return false;
  size_t i = 3;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  return i > 3 && i + 1 < s.size() && s[i] == ':';
}

void appendPath(std::string& out, std::string_view path) {
  std::vector<std::string_view> segs;
  size_t pos = 0;
  while (true) {
    size_t slash = path.find('/', pos);
    segs.push_back(
        path.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos));
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  std::vector<bool> secret(segs.size(), false);
  for (size_t i = 0; i < segs.size(); ++i) {
    const std::string_view s = segs[i];
    if (s == "hook" && i + 1 < segs.size()) {
      secret[i + 1] = true;  // Feishu / Lark: /open-apis/bot/v2/hook/<token>
    } else if (s == "webhooks" && i + 2 < segs.size()) {
      secret[i + 2] = true;  // Discord: /api/webhooks/<id>/<token>
    } else if (s == "services" && i + 3 < segs.size()) {
      secret[i + 3] = true;  // Slack: /services/T<team>/B<bot>/<secret>
    }
  }
  for (size_t i = 0; i < segs.size(); ++i) {
    if (i) out += '/';
    if (isTelegramBotSegment(segs[i])) {
      out += "bot";
      out.append(kRedactedMark);
    } else if (secret[i] && !segs[i].empty()) {
      out.append(kRedactedMark);
    } else {
      out.append(segs[i]);
    }
  }
}

bool isSchemeChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '-' || c == '.';
}

bool endsUrl(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u <= ' ' || u == 0x7f || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`';
}

}  // namespace

std::string redactUrl(std::string_view url) {
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos) return std::string(url);
  std::string out;
  out.reserve(url.size() + 16);
  const size_t authStart = sep + 3;
  size_t authEnd = url.find_first_of("/?#", authStart);
  if (authEnd == std::string_view::npos) authEnd = url.size();
  out.append(url.substr(0, authStart));
  const std::string_view authority = url.substr(authStart, authEnd - authStart);
  const size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    const size_t colon = userinfo.find(':');
    if (colon != std::string_view::npos) {
      out.append(userinfo.substr(0, colon + 1));
      out.append(kRedactedMark);
    } else {
      out.append(userinfo);
    }
    out.append(authority.substr(at));
  } else {
    out.append(authority);
  }
  size_t pathEnd = url.find_first_of("?#", authEnd);
  if (pathEnd == std::string_view::npos) pathEnd = url.size();
  appendPath(out, url.substr(authEnd, pathEnd - authEnd));
  if (pathEnd == url.size()) return out;
  size_t hash = url.find('#', pathEnd);
  if (url[pathEnd] == '?') {
    out += '?';
    const size_t qEnd = hash == std::string_view::npos ? url.size() : hash;
    appendParams(out, url.substr(pathEnd + 1, qEnd - pathEnd - 1));
  }
  if (hash != std::string_view::npos) {
    out += '#';
    appendParams(out, url.substr(hash + 1));
  }
  return out;
}

std::string redactUrlsIn(std::string_view text) {
  size_t p = text.find("://");
  if (p == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size() + 16);
  size_t pos = 0;
  for (; p != std::string_view::npos; p = text.find("://", pos)) {
    size_t start = p;
    while (start > pos && isSchemeChar(text[start - 1])) --start;
    size_t end = p + 3;
    while (end < text.size() && !endsUrl(text[end])) ++end;
    out.append(text.substr(pos, start - pos));
    if (start == p) {
      out.append(text.substr(p, end - p));  // no scheme: not a URL
    } else {
      out += redactUrl(text.substr(start, end - start));
    }
    pos = end;
  }
  out.append(text.substr(pos));
  return out;
}

std::string redactSecret(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  for (size_t p = 0; (p = text.find(secret, p)) != std::string::npos; p += kRedactedMark.size()) {
    text.replace(p, secret.size(), kRedactedMark);
  }
  return text;
}

}  // namespace nm
