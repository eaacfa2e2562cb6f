// Parses --store.nats.url (nats://[user:pass@]host:port[,host:port…], tls:// for TLS) into the
// server list and user info a cnats connection needs; errors name the flag.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nm {

struct NatsServer {
  std::string host;
  int port = 4222;
};

struct NatsUrl {
  bool tls = false;  // tls://: the connection must be TLS
  std::string user;
  std::string password;  // or a token when `user` is empty
  std::vector<NatsServer> servers;
};

// The parsed URL, or nullopt with `error` naming the flag and what is wrong.
std::optional<NatsUrl> parseNatsUrl(std::string_view url, std::string& error);

// One "nats://host:port" (or tls://) per server, for natsOptions_SetServers; no credentials.
std::vector<std::string> natsServerUrls(const NatsUrl& u);

// The URL with the password replaced by "xxxxx", for logs.
std::string redactedNatsUrl(const NatsUrl& u);

}  // namespace nm
