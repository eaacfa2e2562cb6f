// Fixtures of the SMS unit tests: provider construction with inline credentials, running a
// provider's jobs against FakeHttp, and form-body parsing.
#pragma once

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "chat/chat_helpers.h"
#include "notify/channels/sms.h"
#include "notify/channels/sms_provider.h"
#include "notify/throttle.h"
#include "test_services.h"

namespace nm::test {

inline model::Credential cred(const std::string& v) {
  model::Credential c;
  c.value = v;
  return c;
}

inline SmsProviderContext providerContext(HttpClient& http) {
  return {http, std::chrono::seconds(5),
          [](const model::Credential& c, const char*, std::string& out) {
            if (!c.value) return false;
            out = *c.value;
            return true;
          }};
}

// Runs the provider's jobs in order as the notifier does.
inline SendOutcome runProvider(HttpClient& http, const SmsProvider& p, const Data& data,
                               const std::string& message, const std::vector<std::string>& phones) {
  SendOutcome out;
  bool called = false;
  runChatJobs(http, nm::test::servicesFor(http).throttle, p.jobs(data, message, phones),
              now() + std::chrono::seconds(30), [&](SendOutcome o) {
                out = std::move(o);
                called = true;
              });
  if (!called) out.error = "done not called";
  return out;
}

inline std::string percentDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else if (s[i] == '+') {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

// name → value of an application/x-www-form-urlencoded body (or query).
inline std::map<std::string, std::string> parseForm(const std::string& body) {
  std::map<std::string, std::string> out;
  size_t b = 0;
  while (b <= body.size()) {
    size_t e = body.find('&', b);
    if (e == std::string::npos) e = body.size();
    std::string kv = body.substr(b, e - b);
    auto eq = kv.find('=');
    if (!kv.empty()) {
      out[percentDecode(kv.substr(0, eq))] =
          eq == std::string::npos ? "" : percentDecode(kv.substr(eq + 1));
    }
    b = e + 1;
  }
  return out;
}

inline std::string header(const HttpRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return v;
    }
  }
  return "";
}

inline std::vector<std::string> numbers(size_t n, const std::string& prefix = "1380000") {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) {
    std::string d = std::to_string(i);
    out.push_back(prefix + std::string(4 - std::min<size_t>(4, d.size()), '0') + d);
  }
  return out;
}

}  // namespace nm::test
