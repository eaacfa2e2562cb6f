// Parsing of Go-style listen addresses: host:port with an optional bracketed IPv6 host and a
// numeric port (0 picks a free port).
#include "api/listen_address.h"

#include <charconv>

namespace nm::api {

std::optional<ListenAddress> parseListenAddress(std::string_view s, std::string& error) {
  size_t colon = s.rfind(':');
  if (colon == std::string_view::npos) {
    error = "address \"" + std::string(s) + "\": missing port (expected host:port or :port)";
    return std::nullopt;
  }
  std::string_view host = s.substr(0, colon);
  std::string_view port = s.substr(colon + 1);
  if (!host.empty() && host.front() == '[') {
    if (host.size() < 2 || host.back() != ']') {
      error = "address \"" + std::string(s) + "\": unbalanced [ in host";
      return std::nullopt;
    }
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    error = "address \"" + std::string(s) + "\": an IPv6 host must be in brackets ([::1]:19093)";
    return std::nullopt;
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535) {
    error = "address \"" + std::string(s) + "\": invalid port \"" + std::string(port) + "\"";
    return std::nullopt;
  }
  ListenAddress a;
  a.host = std::string(host);
  a.port = static_cast<uint16_t>(value);
  return a;
}

}  // namespace nm::api
