// The email message builder: address parsing, RFC 2047 encoded words and header folding,
// quoted-printable bodies, the RFC 5322 date and Message-ID, and the MIME structure.
#include "notify/channels/email_mime.h"

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <ctime>

#include "core/time_zone.h"
#include "notify/signing/encoding.h"

namespace nm {

namespace {

constexpr size_t kFoldAt = 78;    // RFC 5322 recommended line length
constexpr size_t kWordMax = 75;   // RFC 2047 encoded-word length
constexpr size_t kWordLine = 76;  // RFC 2047 length of a line holding encoded words

bool isAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

bool validLocal(std::string_view s) {
  if (s.empty() || s.size() > 64 || s.front() == '.' || s.back() == '.') return false;
  for (unsigned char c : s) {
    if (c <= 0x20 || c >= 0x7f ||
        std::string_view("()<>[]:;@\\,\"").find(static_cast<char>(c)) != std::string_view::npos) {
      return false;
    }
  }
  return s.find("..") == std::string_view::npos;
}

bool validDomain(std::string_view s) {
  if (s.size() > 2 && s.front() == '[' && s.back() == ']') return true;  // address literal
  if (s.empty() || s.size() > 253 || s.front() == '.' || s.back() == '.' ||
      s.find("..") != std::string_view::npos) {
    return false;
  }
  for (unsigned char c : s) {
    if (!(std::isalnum(c) || c == '-' || c == '.' || c >= 0x80)) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// UTF-8 B encoded words for `text`; the first must fit after `firstUsed` characters of the line,
// the others after one leading space.
std::vector<std::string> encodedWords(std::string_view text, size_t firstUsed) {
  std::vector<std::string> words;
  size_t pos = 0;
  size_t used = firstUsed;
  while (pos < text.size()) {
    const size_t room = std::min(kWordMax, used < kWordLine ? kWordLine - used : 0);
    size_t maxBytes = room > 12 + 4 ? (room - 12) / 4 * 3 : 3;
    size_t end = std::min(text.size(), pos + maxBytes);
    while (end < text.size() && end > pos + 1 &&
           (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      --end;  // never split a UTF-8 sequence across words
    }
    words.push_back("=?UTF-8?B?" + signing::base64(text.substr(pos, end - pos)) + "?=");
    pos = end;
    used = 1;
  }
  return words;
}

std::string joinFolded(const std::vector<std::string>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i) out += "\r\n ";
    out += words[i];
  }
  return out;
}

bool needsQuoting(std::string_view name) {
  return name.find_first_of("()<>[]:;@\\,.\"") != std::string_view::npos;
}

std::string renderAddress(const MailAddress& a, size_t used) {
  if (a.name.empty()) return a.address;
  std::string name;
  if (!isAscii(a.name)) {
    name = joinFolded(encodedWords(a.name, used));
  } else if (needsQuoting(a.name)) {
    name = "\"";
    for (char c : a.name) {
      if (c == '"' || c == '\\') name += '\\';
      name += c;
    }
    name += '"';
  } else {
    name = a.name;
  }
  return name + " <" + a.address + ">";
}

// Length of the last line of `s`.
size_t lastLineLength(const std::string& s) {
  size_t nl = s.rfind('\n');
  return nl == std::string::npos ? s.size() : s.size() - nl - 1;
}

}  // namespace

std::optional<MailAddress> parseMailAddress(std::string_view text) {
  text = trim(text);
  MailAddress out;
  std::string_view addr = text;
  if (!text.empty() && text.back() == '>') {
    size_t open = text.rfind('<');
    if (open == std::string_view::npos) return std::nullopt;
    addr = text.substr(open + 1, text.size() - open - 2);
    std::string_view name = trim(text.substr(0, open));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
      name = name.substr(1, name.size() - 2);
    }
    for (unsigned char c : name) {
      if (c < 0x20 || c == 0x7f) return std::nullopt;
    }
    out.name = std::string(name);
  }
  size_t at = addr.rfind('@');
  if (at == std::string_view::npos || !validLocal(addr.substr(0, at)) ||
      !validDomain(addr.substr(at + 1))) {
    return std::nullopt;
  }
  out.address = std::string(addr);
  return out;
}

std::string mailDomain(std::string_view address) {
  size_t at = address.rfind('@');
  return at == std::string_view::npos ? std::string("localhost")
                                      : std::string(address.substr(at + 1));
}

std::string encodeHeader(std::string_view name, std::string_view text) {
  std::string out = std::string(name) + ":";
  if (!isAscii(text)) {
    return out + " " + joinFolded(encodedWords(text, out.size() + 1));
  }
  out += " ";
  size_t lineLen = out.size();
  bool lineHasText = false;
  size_t pos = 0;
  while (pos < text.size()) {
    // A token is a run of spaces and the word after it; folding happens before its spaces.
    size_t wordStart = text.find_first_not_of(' ', pos);
    if (wordStart == std::string_view::npos) wordStart = text.size();
    size_t end = text.find(' ', wordStart);
    if (end == std::string_view::npos) end = text.size();
    std::string_view token = text.substr(pos, end - pos);
    if (lineHasText && lineLen + token.size() > kFoldAt && wordStart > pos) {
      out += "\r\n";
      lineLen = 0;
    }
    out += token;
    lineLen += token.size();
    lineHasText = true;
    pos = end;
  }
  return out;
}

std::string encodeAddressHeader(std::string_view name, const std::vector<MailAddress>& addrs) {
  std::string out = std::string(name) + ": ";
  for (size_t i = 0; i < addrs.size(); ++i) {
    std::string rendered = renderAddress(addrs[i], i == 0 ? out.size() : 1);
    if (i > 0) {
      out += ",";
      if (lastLineLength(out) + 1 + rendered.size() > kFoldAt) {
        out += "\r\n ";
      } else {
        out += " ";
      }
    }
    out += rendered;
  }
  return out;
}

std::string quotedPrintable(std::string_view body) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  size_t pos = 0;
  bool first = true;
  while (pos <= body.size()) {
    size_t nl = body.find('\n', pos);
    std::string_view line =
        body.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!first) out += "\r\n";
    first = false;
    size_t cur = 0;
    for (size_t i = 0; i < line.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(line[i]);
      const bool last = i + 1 == line.size();
      char token[4] = {0};
      if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last)) {
        token[0] = static_cast<char>(c);
      } else {
        token[0] = '=';
        token[1] = hex[c >> 4];
        token[2] = hex[c & 15];
      }
      const size_t len = std::char_traits<char>::length(token);
      if (cur + len > (last ? 76 : 75)) {
        out += "=\r\n";
        cur = 0;
      }
      out.append(token, len);
      cur += len;
    }
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return out;
}

std::string formatMailDate(TimePoint t) {
  static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t secs = std::chrono::system_clock::to_time_t(
      std::chrono::time_point_cast<std::chrono::system_clock::duration>(t));
  const ZoneAt zone = zoneAt(localZone(), secs);
  const std::time_t wall = secs + zone.offset;
  std::tm tm{};
  gmtime_r(&wall, &tm);
  long off = zone.offset / 60;
  const char sign = off < 0 ? '-' : '+';
  if (off < 0) off = -off;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld", days[tm.tm_wday],
                tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
                sign, off / 60, off % 60);
  return buf;
}

std::string makeMessageId(std::string_view domain, TimePoint t, uint64_t random) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%016" PRIx64 ".%" PRId64, random,
                static_cast<int64_t>(t.time_since_epoch().count()));
  return "<" + std::string(buf) + "@" + std::string(domain.empty() ? "localhost" : domain) + ">";
}

std::string buildMimeMessage(const MimeMessage& m) {
  std::string out;
  out += encodeAddressHeader("From", {m.from}) + "\r\n";
  out += encodeAddressHeader("To", m.to) + "\r\n";
  out += encodeHeader("Subject", m.subject) + "\r\n";
  out += "Date: " + m.date + "\r\n";
  out += "Message-ID: " + m.messageId + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  const auto part = [](std::string_view type, const std::string& body) {
    return "Content-Type: " + std::string(type) +
           "; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
           quotedPrintable(body) + "\r\n";
  };
  if (m.html.empty()) return out + part("text/plain", m.text);
  out += "Content-Type: multipart/alternative;\r\n boundary=\"" + m.boundary + "\"\r\n\r\n";
  out += "--" + m.boundary + "\r\n" + part("text/plain", m.text);
  out += "--" + m.boundary + "\r\n" + part("text/html", m.html);
  out += "--" + m.boundary + "--\r\n";
  return out;
}

}  // namespace nm
