// Digest and MAC primitives every vendor signature is built from, as thin wrappers over OpenSSL:
// SHA-256, HMAC-SHA256 and HMAC-SHA1. Inputs and outputs are raw byte strings.
#pragma once

#include <string>
#include <string_view>

namespace nm::signing {

// Raw 32-byte SHA-256 digest of `data`.
std::string sha256(std::string_view data);
// Lowercase hex of SHA-256 (64 characters).
std::string sha256Hex(std::string_view data);
// Raw 32-byte HMAC-SHA256; an empty key is valid.
std::string hmacSha256(std::string_view key, std::string_view data);
// Raw 20-byte HMAC-SHA1; an empty key is valid.
std::string hmacSha1(std::string_view key, std::string_view data);

}  // namespace nm::signing
