// Standard base64 decoding as the Kubernetes API accepts it (Secret data, kubeconfig *-data
// fields): OpenSSL's EVP_DecodeBlock with the validation and padding handling it lacks.
#include "core/base64.h"

#include <openssl/evp.h>

namespace nm {

// Standard base64 with padding, whitespace tolerated (as the Kubernetes API accepts it).
std::optional<std::string> decodeBase64(const std::string& in) {
  std::string clean;
  clean.reserve(in.size());
  for (char c : in) {
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') clean += c;
  }
  if (clean.size() % 4 != 0) return std::nullopt;
  for (size_t i = 0; i < clean.size(); ++i) {
    const char c = clean[i];
    const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (alnum || c == '+' || c == '/') continue;
    // '=' only as the last one or two characters.
    if (c == '=' && i + 2 >= clean.size() && (i + 1 == clean.size() || clean[i + 1] == '='))
      continue;
    return std::nullopt;
  }
  if (clean.empty()) return std::string();
  std::string out(clean.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(clean.data()),
                                static_cast<int>(clean.size()));
  if (n < 0) return std::nullopt;
  size_t len = static_cast<size_t>(n);
  // EVP_DecodeBlock counts the padding as decoded zero bytes.
  if (clean.ends_with("=="))
    len -= 2;
  else if (clean.ends_with("="))
    len -= 1;
  out.resize(len);
  return out;
}

}  // namespace nm
