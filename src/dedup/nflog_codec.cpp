// Text encoding of notification log entries: readable in the database, strict on the way back.
#include "dedup/nflog_codec.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace nm::dedup {

namespace {

void appendHex(std::string& out, uint64_t v) {
  char buf[17];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, 16);
  (void)ec;
  out.append(buf, end);
}

void appendSet(std::string& out, const std::vector<uint64_t>& set) {
  out += ' ';
  out += std::to_string(set.size());
  for (uint64_t fp : set) {
    out += ' ';
    appendHex(out, fp);
  }
}

// Reads the next space-separated token as an integer in `base`.
template <class T>
bool next(std::string_view& text, T& out, int base) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  const char* b = text.data();
  const char* e = b + text.size();
  auto [end, ec] = std::from_chars(b, e, out, base);
  if (ec != std::errc() || end == b || (end != e && *end != ' ')) return false;
  text.remove_prefix(static_cast<size_t>(end - b));
  return true;
}

bool readSet(std::string_view& text, std::vector<uint64_t>& set) {
  size_t n = 0;
  if (!next(text, n, 10) || n > text.size()) return false;
  set.resize(n);
  for (auto& fp : set)
    if (!next(text, fp, 16)) return false;
  return std::is_sorted(set.begin(), set.end());
}

}  // namespace

std::string logKey(std::string_view receiverKey, std::string_view groupKey) {
  std::string k;
  k.reserve(receiverKey.size() + 1 + groupKey.size());
  k.append(receiverKey);
  k += '\n';
  k.append(groupKey);
  return k;
}

bool splitLogKey(std::string_view key, std::string_view& receiverKey, std::string_view& groupKey) {
  const size_t nl = key.find('\n');
  if (nl == std::string_view::npos) return false;
  receiverKey = key.substr(0, nl);
  groupKey = key.substr(nl + 1);
  return true;
}

std::string encodeEntry(const NotificationLogEntry& e) {
  std::string out = "1 ";
  out += std::to_string(e.sentAt.time_since_epoch().count());
  out += ' ';
  out += std::to_string(e.expiresAt.time_since_epoch().count());
  appendSet(out, e.firing);
  appendSet(out, e.resolved);
  return out;
}

std::optional<NotificationLogEntry> decodeEntry(std::string_view text) {
  int version = 0;
  int64_t sent = 0, expires = 0;
  NotificationLogEntry e;
  if (!next(text, version, 10) || version != 1 || !next(text, sent, 10) ||
      !next(text, expires, 10) || !readSet(text, e.firing) || !readSet(text, e.resolved) ||
      !text.empty())
    return std::nullopt;
  e.sentAt = TimePoint(Duration(sent));
  e.expiresAt = TimePoint(Duration(expires));
  return e;
}

}  // namespace nm::dedup
