// OpenSSL-backed SHA-256 and HMAC used by the vendor signing functions. Failures of OpenSSL
// itself (out of memory) throw std::runtime_error; there is no other error path.
#include "notify/signing/crypto.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

#include "notify/signing/encoding.h"

namespace nm::signing {
namespace {

const unsigned char* bytes(std::string_view s) {
  // OpenSSL rejects a null key pointer in some versions even with length 0.
  static const unsigned char kEmpty[1] = {0};
  return s.empty() ? kEmpty : reinterpret_cast<const unsigned char*>(s.data());
}

std::string hmac(const EVP_MD* md, std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(md, bytes(key), static_cast<int>(key.size()), bytes(data), data.size(), out, &len) ==
      nullptr) {
    throw std::runtime_error("HMAC failed");
  }
  return std::string(reinterpret_cast<const char*>(out), len);
}

}  // namespace

std::string sha256(std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(bytes(data), data.size(), out, &len, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string sha256Hex(std::string_view data) {
  return hexLower(sha256(data));
}

std::string hmacSha256(std::string_view key, std::string_view data) {
  return hmac(EVP_sha256(), key, data);
}

std::string hmacSha1(std::string_view key, std::string_view data) {
  return hmac(EVP_sha1(), key, data);
}

}  // namespace nm::signing
