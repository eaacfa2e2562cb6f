// Byte encodings the vendor signatures share: lowercase hex, standard base64 (OpenSSL's
// EVP_EncodeBlock) and RFC 3986 percent-encoding (unreserved A-Z a-z 0-9 - _ . ~ kept).
#pragma once

#include <string>
#include <string_view>

namespace nm::signing {

// Lowercase hex of raw bytes.
std::string hexLower(std::string_view bytes);
// Standard base64 with padding, no line breaks.
std::string base64(std::string_view bytes);
// RFC 3986 §2.3: every byte outside the unreserved set becomes %XX (uppercase hex); UTF-8
// multi-byte characters are encoded byte by byte. Space is %20 (never '+'), '*' is %2A and '~'
// stays as is, which is exactly what Aliyun's POP signature and AWS SigV4 require.
std::string percentEncode(std::string_view s);
// Same, but '/' is kept: for URI paths (AWS canonical URI).
std::string percentEncodePath(std::string_view s);

}  // namespace nm::signing
