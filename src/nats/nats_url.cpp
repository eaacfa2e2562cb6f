// parseNatsUrl: scheme (nats:// or tls://), optional userinfo (percent-decoded) on the first
// server, then comma-separated host:port pairs (IPv6 in brackets, each may repeat the scheme).
#include "nats/nats_url.h"

#include <charconv>

namespace nm {

namespace {

constexpr const char* kFlag = "--store.nats.url";

bool parsePort(std::string_view s, int& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && out >= 1 && out <= 65535;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool percentDecode(std::string_view in, std::string& out) {
  out.clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return false;
    int hi = hexValue(in[i + 1]), lo = hexValue(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return true;
}

// Strips a leading scheme; false when `s` has one that is not nats:// or tls://.
bool stripScheme(std::string_view& s, bool& tls, bool& had) {
  had = false;
  size_t sep = s.find("://");
  if (sep == s.npos) return true;
  std::string_view scheme = s.substr(0, sep);
  if (scheme != "nats" && scheme != "tls") return false;
  tls = tls || scheme == "tls";
  had = true;
  s.remove_prefix(sep + 3);
  return true;
}

}  // namespace

std::optional<NatsUrl> parseNatsUrl(std::string_view url, std::string& error) {
  auto fail = [&](const std::string& what) {
    // The URL itself is not repeated: it may hold a password.
    error = std::string(kFlag) + ": " + what;
    return std::nullopt;
  };
  NatsUrl u;
  if (url.empty()) return fail("is empty");
  size_t index = 0;
  for (size_t start = 0; start <= url.size(); ++index) {
    size_t comma = url.find(',', start);
    std::string_view part = url.substr(start, comma == url.npos ? url.npos : comma - start);
    start = comma == url.npos ? url.size() + 1 : comma + 1;
    std::string where = "server " + std::to_string(index + 1);
    bool had = false;
    if (!stripScheme(part, u.tls, had))
      return fail(where + ": the scheme must be nats:// or tls://");
    if (index == 0 && !had) return fail("the scheme must be nats:// or tls://");
    if (size_t slash = part.find('/'); slash != part.npos) {
      if (part.substr(slash) != "/") return fail(where + ": a path is not allowed");
      part = part.substr(0, slash);
    }
    if (size_t at = part.rfind('@'); at != part.npos) {
      if (index != 0) return fail(where + ": credentials go on the first server only");
      std::string_view info = part.substr(0, at);
      part = part.substr(at + 1);
      size_t colon = info.find(':');
      std::string_view user = info.substr(0, colon);
      std::string_view pass = colon == info.npos ? std::string_view() : info.substr(colon + 1);
      if (colon == info.npos) std::swap(user, pass);  // nats://token@host: a token
      if (!percentDecode(user, u.user) || !percentDecode(pass, u.password))
        return fail("the user or password has a bad percent escape");
    }
    NatsServer s;
    std::string_view host = part, port;
    if (part.starts_with('[')) {
      size_t close = part.find(']');
      if (close == part.npos) return fail(where + ": an IPv6 host lacks its closing ]");
      host = part.substr(1, close - 1);
      std::string_view after = part.substr(close + 1);
      if (!after.empty()) {
        if (after[0] != ':') return fail(where + ": unexpected text after the IPv6 host");
        port = after.substr(1);
      }
      if (after == ":") return fail(where + ": the port \"\" is not a number in 1..65535");
    } else if (size_t colon = part.rfind(':'); colon != part.npos) {
      host = part.substr(0, colon);
      port = part.substr(colon + 1);
      if (port.empty()) return fail(where + ": the port \"\" is not a number in 1..65535");
    }
    if (host.empty()) return fail(where + ": the host is empty");
    if (host.find_first_of(" \t@/") != host.npos)
      return fail(where + ": the host \"" + std::string(host) + "\" is not a host name");
    s.host = std::string(host);
    if (!port.empty() && !parsePort(port, s.port))
      return fail(where + ": the port \"" + std::string(port) + "\" is not a number in 1..65535");
    u.servers.push_back(std::move(s));
  }
  return u;
}

std::vector<std::string> natsServerUrls(const NatsUrl& u) {
  std::vector<std::string> out;
  for (const NatsServer& s : u.servers) {
    bool v6 = s.host.find(':') != std::string::npos;
    out.push_back(std::string(u.tls ? "tls://" : "nats://") + (v6 ? "[" + s.host + "]" : s.host) +
                  ":" + std::to_string(s.port));
  }
  return out;
}

std::string redactedNatsUrl(const NatsUrl& u) {
  std::string out;
  std::vector<std::string> urls = natsServerUrls(u);
  for (size_t i = 0; i < urls.size(); ++i) {
    if (i == 0 && (!u.user.empty() || !u.password.empty())) {
      size_t sep = urls[0].find("://") + 3;
      urls[0].insert(sep, u.user + (u.password.empty() ? "@" : ":xxxxx@"));
    }
    out += (i ? "," : "") + urls[i];
  }
  return out;
}

}  // namespace nm
