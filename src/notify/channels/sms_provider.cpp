// Helpers shared by the SMS providers: UTF-8-safe fitting with a marker, batching, country codes,
// endpoints, nonces, and the re-signing retry (a client adapter that signs each attempt).
#include "notify/channels/sms_provider.h"

#include <openssl/rand.h>

#include <atomic>
#include <cstdlib>
#include <utility>

#include "notify/signing/encoding.h"

namespace nm {

namespace {

// Length of the UTF-8 sequence starting with byte c (1 for stray continuation bytes).
size_t seqLen(unsigned char c) {
  if (c >= 0xF0 && c < 0xF8) return 4;
  if (c >= 0xE0) return c < 0xF0 ? 3 : 1;
  if (c >= 0xC0) return 2;
  return 1;
}

// Byte offsets of each code point start, plus s.size() at the end.
std::vector<size_t> boundaries(std::string_view s) {
  std::vector<size_t> b;
  for (size_t i = 0; i < s.size();) {
    b.push_back(i);
    i += std::min(seqLen(static_cast<unsigned char>(s[i])), s.size() - i);
  }
  b.push_back(s.size());
  return b;
}

}  // namespace

size_t smsCharCount(std::string_view s) {
  return boundaries(s).size() - 1;
}

std::string smsFitChars(std::string_view s, size_t maxChars) {
  auto b = boundaries(s);
  const size_t chars = b.size() - 1;
  if (chars <= maxChars) return std::string(s);
  if (maxChars == 0) return {};
  std::string out(s.substr(0, b[maxChars - 1]));  // room for the one-character marker
  out += kSmsTruncatedMarker;
  return out;
}

std::string smsFitBytes(std::string_view s, size_t maxBytes) {
  if (s.size() <= maxBytes) return std::string(s);
  if (maxBytes < kSmsTruncatedMarker.size()) return {};
  const size_t room = maxBytes - kSmsTruncatedMarker.size();
  size_t cut = 0;
  for (size_t p : boundaries(s)) {
    if (p > room) break;
    cut = p;
  }
  std::string out(s.substr(0, cut));
  out += kSmsTruncatedMarker;
  return out;
}

std::vector<std::vector<std::string>> smsBatches(const std::vector<std::string>& phones,
                                                 size_t size) {
  std::vector<std::vector<std::string>> out;
  for (size_t i = 0; i < phones.size(); i += size) {
    out.emplace_back(
        phones.begin() + static_cast<std::ptrdiff_t>(i),
        phones.begin() + static_cast<std::ptrdiff_t>(std::min(phones.size(), i + size)));
  }
  return out;
}

std::string smsWithCountryCode(const std::string& phone, std::string_view countryCode) {
  if (!phone.empty() && phone[0] == '+') return phone;
  return std::string(countryCode) + phone;
}

std::string smsTarget(std::string_view provider, const std::vector<std::string>& phones) {
  constexpr size_t kListed = 5;
  std::string out(provider);
  out += ':';
  for (size_t i = 0; i < phones.size() && i < kListed; ++i) {
    if (i) out += ',';
    out += phones[i];
  }
  if (phones.size() > kListed) out += " +" + std::to_string(phones.size() - kListed) + " more";
  return out;
}

std::string smsEndpoint(const std::string& configured, const char* envVar,
                        const std::string& fallback) {
  std::string e = configured;
  if (e.empty()) {
    if (const char* v = std::getenv(envVar)) e = v;
  }
  if (e.empty()) e = fallback;
  while (!e.empty() && e.back() == '/') e.pop_back();
  return e;
}

std::string smsUrlAuthority(const std::string& url) {
  auto s = url.find("://");
  size_t b = s == std::string::npos ? 0 : s + 3;
  size_t e = url.find_first_of("/?#", b);
  std::string a = url.substr(b, e == std::string::npos ? std::string::npos : e - b);
  auto at = a.rfind('@');
  return at == std::string::npos ? a : a.substr(at + 1);
}

std::string smsNonce() {
  unsigned char buf[16];
  if (RAND_bytes(buf, sizeof buf) != 1) {
    // OpenSSL's generator failed (practically never): fall back to the clock and a counter so
    // nonces still never repeat within this process.
    static std::atomic<uint64_t> counter{0};
    uint64_t t = static_cast<uint64_t>(now().time_since_epoch().count());
    uint64_t c = ++counter;
    for (int i = 0; i < 8; ++i) {
      buf[i] = static_cast<unsigned char>(t >> (8 * i));
      buf[8 + i] = static_cast<unsigned char>(c >> (8 * i));
    }
  }
  return signing::hexLower(std::string_view(reinterpret_cast<const char*>(buf), sizeof buf));
}

int64_t smsUnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count();
}

std::function<void(TimePoint, std::function<void(SendOutcome)>)> smsSignedPost(
    HttpClient& http, std::string url, std::string body, Duration timeout, RequestPreparer sign,
    Classifier classify) {
  HttpRequest req;
  req.method = "POST";
  req.url = std::move(url);
  req.body = std::move(body);
  req.timeout = timeout;
  return [&http, req = std::move(req), sign = std::move(sign), classify = std::move(classify)](
             TimePoint deadline, std::function<void(SendOutcome)> done) {
    sendWithRetry(http, req, RetryPolicy{}, deadline, classify, std::move(done), nullptr, sign);
  };
}

}  // namespace nm
