// Incremental SHA-256 (OpenSSL EVP) over length-prefixed names and contents; OpenSSL failures
// (out of memory) throw std::runtime_error.
#include "config/content_fingerprint.h"

#include <openssl/evp.h>

#include <cstdint>
#include <stdexcept>

namespace nm::config {

struct ContentFingerprint::State {
  EVP_MD_CTX* ctx = nullptr;
};

ContentFingerprint::ContentFingerprint() : state_(std::make_unique<State>()) {
  state_->ctx = EVP_MD_CTX_new();
  if (!state_->ctx || EVP_DigestInit_ex(state_->ctx, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 init failed");
}

ContentFingerprint::~ContentFingerprint() {
  EVP_MD_CTX_free(state_->ctx);
}

namespace {

void update(EVP_MD_CTX* ctx, std::string_view s) {
  unsigned char len[8];
  uint64_t n = s.size();
  for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(n >> (8 * i));
  if (EVP_DigestUpdate(ctx, len, sizeof len) != 1 ||
      (!s.empty() && EVP_DigestUpdate(ctx, s.data(), s.size()) != 1))
    throw std::runtime_error("SHA-256 update failed");
}

}  // namespace

void ContentFingerprint::add(std::string_view name, std::string_view bytes) {
  update(state_->ctx, name);
  update(state_->ctx, bytes);
}

std::string ContentFingerprint::hex() const {
  EVP_MD_CTX* copy = EVP_MD_CTX_new();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  const bool ok = copy && EVP_MD_CTX_copy_ex(copy, state_->ctx) == 1 &&
                  EVP_DigestFinal_ex(copy, out, &len) == 1;
  EVP_MD_CTX_free(copy);
  if (!ok) throw std::runtime_error("SHA-256 final failed");
  static const char* kHex = "0123456789abcdef";
  std::string s;
  s.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    s += kHex[out[i] >> 4];
    s += kHex[out[i] & 15];
  }
  return s;
}

}  // namespace nm::config
