// Feishu/Lark custom bot signature verification ("签名校验") value for the JSON body's `sign`.
// Implements https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot (signature section)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace nm::signing {

// sign = base64(HMAC-SHA256(key = timestampS + "\n" + secret, message = "")): as Feishu
// documents, the string-to-sign is the HMAC key and the message is empty. timestampS is Unix
// seconds and is sent alongside as the body's `timestamp` (as a string).
std::string feishuSign(int64_t timestampS, std::string_view secret);

}  // namespace nm::signing
