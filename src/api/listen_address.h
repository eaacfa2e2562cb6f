// Go-style listen addresses (":19093", "0.0.0.0:19093", "[::1]:19093", "localhost:0") split into
// host and port, as net.Listen reads them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nm::api {

struct ListenAddress {
  std::string host;  // empty: every interface (dual-stack when IPv6 is available)
  uint16_t port = 0;
};

// nullopt and `error` set when the address is malformed.
std::optional<ListenAddress> parseListenAddress(std::string_view s, std::string& error);

}  // namespace nm::api
