// Huawei Cloud Message & SMS (batchSendSms) X-WSSE authentication headers.
// Implements "认证鉴权 / X-WSSE认证": https://support.huaweicloud.com/api-msgsms/sms_05_0046.html
#pragma once

#include <string>
#include <string_view>

namespace nm::signing {

// The fixed Authorization header value that accompanies X-WSSE.
inline constexpr std::string_view kHuaweiWsseAuthorization =
    R"(WSSE realm="SDP",profile="UsernameToken",type="Appkey")";

// PasswordDigest = base64(lowercase hex(SHA-256(nonce + created + appSecret))).
// Huawei's text writes "Base64(SHA256(Nonce + Created + Password))", but its own worked header
// (PasswordDigest="NDA1MWIw…NA==", which decodes to 64 hex characters) and its sample code encode
// the hex string, and that is what the service verifies.
std::string huaweiPasswordDigest(std::string_view nonce, std::string_view created,
                                 std::string_view appSecret);

// UsernameToken Username="<appKey>",PasswordDigest="<digest>",Nonce="<nonce>",Created="<created>"
// nonce: 1-128 letters/digits (e.g. a UUID without dashes); created: UTC "2018-05-26T00:35:30Z"
// (see utcIso8601).
std::string huaweiWsseHeader(std::string_view appKey, std::string_view appSecret,
                             std::string_view nonce, std::string_view created);

}  // namespace nm::signing
