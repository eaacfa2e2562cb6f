// Feishu/Lark custom bot signature (see feishu.h for the vendor page): HMAC-SHA256 keyed with
// the string-to-sign over an empty message, base64-encoded.
#include "notify/signing/feishu.h"

#include "notify/signing/crypto.h"
#include "notify/signing/encoding.h"

namespace nm::signing {

std::string feishuSign(int64_t timestampS, std::string_view secret) {
  std::string key = std::to_string(timestampS);
  key += '\n';
  key += secret;
  return base64(hmacSha256(key, ""));
}

}  // namespace nm::signing
