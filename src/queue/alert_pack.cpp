// Queue entry framing: packs the alert codec's records of one push behind a format byte and a
// count, reads packed and legacy single-alert entries alike, and names an entry for deduplication.
#include "queue/alert_pack.h"

#include <openssl/evp.h>

#include <cstring>

#include "core/alert_codec.h"

namespace nm {

namespace {

void putU32(std::string& out, uint32_t v) {
  char b[4];
  for (int k = 0; k < 4; ++k) b[k] = static_cast<char>((v >> (8 * k)) & 0xff);
  out.append(b, 4);
}

uint32_t getU32(std::string_view s, size_t at) {
  uint32_t v = 0;
  for (int k = 0; k < 4; ++k)
    v |= static_cast<uint32_t>(static_cast<uint8_t>(s[at + k])) << (8 * k);
  return v;
}

}  // namespace

void appendAlertPack(std::string& out, const std::vector<const Alert*>& alerts) {
  if (alerts.size() == 1) {
    appendEncodedAlert(out, *alerts.front());
    return;
  }
  out.push_back(static_cast<char>(kAlertPackFormat));
  putU32(out, static_cast<uint32_t>(alerts.size()));
  for (const Alert* a : alerts) {
    const size_t at = out.size();
    putU32(out, 0);
    appendEncodedAlert(out, *a);
    const uint32_t len = static_cast<uint32_t>(out.size() - at - 4);
    for (int k = 0; k < 4; ++k) out[at + k] = static_cast<char>((len >> (8 * k)) & 0xff);
  }
}

std::optional<std::vector<Alert>> decodeAlertPack(std::string_view bytes, std::string& error) {
  std::vector<Alert> out;
  if (bytes.empty()) {
    error = "empty entry";
    return std::nullopt;
  }
  const uint8_t format = static_cast<uint8_t>(bytes[0]);
  if (format != kAlertPackFormat) {
    std::optional<Alert> a = decodeAlert(bytes, error);
    if (!a) return std::nullopt;
    out.push_back(std::move(*a));
    return out;
  }
  if (bytes.size() < 5) {
    error = "count: needs 4 bytes, " + std::to_string(bytes.size() - 1) + " left at offset 1";
    return std::nullopt;
  }
  const uint32_t count = getU32(bytes, 1);
  // Every alert takes at least its 4-byte length: a count the bytes cannot hold is refused
  // before anything is reserved.
  if (count == 0 || count > (bytes.size() - 5) / 4) {
    error = "count: " + std::to_string(count) + " alerts cannot fit in the " +
            std::to_string(bytes.size() - 5) + " bytes left at offset 5";
    return std::nullopt;
  }
  out.reserve(count);
  size_t at = 5;
  for (uint32_t k = 0; k < count; ++k) {
    const std::string where = "alerts[" + std::to_string(k) + "]";
    if (bytes.size() - at < 4) {
      error = where + ": length needs 4 bytes, " + std::to_string(bytes.size() - at) +
              " left at offset " + std::to_string(at);
      return std::nullopt;
    }
    const uint32_t len = getU32(bytes, at);
    at += 4;
    if (len > bytes.size() - at) {
      error = where + ": length " + std::to_string(len) + " exceeds the " +
              std::to_string(bytes.size() - at) + " bytes left at offset " + std::to_string(at);
      return std::nullopt;
    }
    std::string inner;
    std::optional<Alert> a = decodeAlert(bytes.substr(at, len), inner);
    if (!a) {
      error = where + " at offset " + std::to_string(at) + ": " + inner;
      return std::nullopt;
    }
    out.push_back(std::move(*a));
    at += len;
  }
  if (at != bytes.size()) {
    error = std::to_string(bytes.size() - at) + " trailing bytes at offset " + std::to_string(at);
    return std::nullopt;
  }
  return out;
}

size_t alertPackCount(std::string_view bytes) {
  if (bytes.empty()) return 0;
  if (static_cast<uint8_t>(bytes[0]) != kAlertPackFormat) return 1;
  return bytes.size() < 5 ? 0 : getU32(bytes, 1);
}

std::string alertPackId(const std::vector<const Alert*>& alerts) {
  if (alerts.size() == 1) return alerts.front()->id + ":" + toString(alerts.front()->status);
  std::string material;
  for (const Alert* a : alerts) {
    putU32(material, static_cast<uint32_t>(a->id.size()));
    material += a->id;
    material.push_back(a->status == AlertStatus::Resolved ? 'r' : 'f');
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(material.data(), material.size(), digest, &n, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out = "p:";
  for (unsigned int k = 0; k < 16 && k < n; ++k) {
    out.push_back(kHex[digest[k] >> 4]);
    out.push_back(kHex[digest[k] & 15]);
  }
  return out;
}

}  // namespace nm
