// Huawei Cloud SMS X-WSSE UsernameToken (see huawei.h for the vendor page and the digest's
// hex-then-base64 form).
#include "notify/signing/huawei.h"

#include "notify/signing/crypto.h"
#include "notify/signing/encoding.h"

namespace nm::signing {

std::string huaweiPasswordDigest(std::string_view nonce, std::string_view created,
                                 std::string_view appSecret) {
  std::string material(nonce);
  material += created;
  material += appSecret;
  return base64(sha256Hex(material));
}

std::string huaweiWsseHeader(std::string_view appKey, std::string_view appSecret,
                             std::string_view nonce, std::string_view created) {
  std::string out = "UsernameToken Username=\"";
  out += appKey;
  out += "\",PasswordDigest=\"";
  out += huaweiPasswordDigest(nonce, created, appSecret);
  out += "\",Nonce=\"";
  out += nonce;
  out += "\",Created=\"";
  out += created;
  out += '"';
  return out;
}

}  // namespace nm::signing
