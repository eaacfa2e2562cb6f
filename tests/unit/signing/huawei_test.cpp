// Unit tests for the Huawei Cloud SMS X-WSSE headers: the documented header shape and the
// digest's form (base64 of the hex SHA-256), checked against Huawei's worked request.
#include <gtest/gtest.h>

#include "notify/signing/huawei.h"

namespace nm::signing {
namespace {

// Huawei "认证鉴权 / X-WSSE认证" (https://support.huaweicloud.com/api-msgsms/sms_05_0046.html)
// shows a complete request with
//   authorization: WSSE realm="SDP",profile="UsernameToken",type="Appkey"
//   x-wsse: UsernameToken Username="ARBRz4bAXoFgEH7o4Ew308eXc1RA",PasswordDigest="NDA1MWIw…NA==",
//           Nonce="ac1c911c4792492687f8f6b2264a491e",Created="2018-05-26T00:35:30Z"
// but not the app_secret behind it, so that digest cannot be recomputed. What it does show is the
// digest's form: it base64-decodes to 64 lowercase hex characters, i.e. base64(hex(sha256)),
// not base64 of the 32 raw bytes (which would be 44 base64 characters).
constexpr const char* kDocDigest =
    "NDA1MWIwNjI2ZTkyNWFlM2FhMTE5NDE1YTk5NjU1YWE4NjNlZTY1MmRhYzkxZGViNzczZjdjMjkzZWQ4ZjAwNA==";

TEST(HuaweiWsse, DigestHasTheDocumentedForm) {
  std::string ours =
      huaweiPasswordDigest("ac1c911c4792492687f8f6b2264a491e", "2018-05-26T00:35:30Z", "secret");
  EXPECT_EQ(ours.size(), std::string(kDocDigest).size());  // 88 = base64 of 64 bytes
  EXPECT_EQ(ours.substr(86), "==");
}

// Cross-checked with:
//   printf 'ac1c911c4792492687f8f6b2264a491e2018-05-26T00:35:30Zsecret' | openssl dgst -sha256 -r
//     (piped to) cut -c1-64 | tr -d '\n' | openssl base64 -A
TEST(HuaweiWsse, DigestMatchesOpenssl) {
  EXPECT_EQ(
      huaweiPasswordDigest("ac1c911c4792492687f8f6b2264a491e", "2018-05-26T00:35:30Z", "secret"),
      "NDY0MmJiMzg3ODIyNDI1NjlkMzRmOGY2MjBmNjljMjk0MTU2NjMwMDUxN2YxYWYxMzAzNGZmZmJmYjY3OWM3Yg"
      "==");
}

TEST(HuaweiWsse, HeaderFormat) {
  EXPECT_EQ(huaweiWsseHeader("ARBRz4bAXoFgEH7o4Ew308eXc1RA", "secret",
                             "ac1c911c4792492687f8f6b2264a491e", "2018-05-26T00:35:30Z"),
            "UsernameToken Username=\"ARBRz4bAXoFgEH7o4Ew308eXc1RA\","
            "PasswordDigest=\"NDY0MmJiMzg3ODIyNDI1NjlkMzRmOGY2MjBmNjljMjk0MTU2NjMwMDUxN2YxYWYxMzA"
            "zNGZmZmJmYjY3OWM3Yg==\",Nonce=\"ac1c911c4792492687f8f6b2264a491e\","
            "Created=\"2018-05-26T00:35:30Z\"");
  EXPECT_EQ(kHuaweiWsseAuthorization, R"(WSSE realm="SDP",profile="UsernameToken",type="Appkey")");
}

// printf 'n2018-05-26T00:35:30Z' | openssl dgst -sha256 -r | cut -c1-64 | tr -d '\n' | openssl
// base64 -A
TEST(HuaweiWsse, EmptySecret) {
  EXPECT_EQ(
      huaweiPasswordDigest("n", "2018-05-26T00:35:30Z", ""),
      "NWVhYjljZmI4Yzg4YjJkNWRiMTkxYjcxZjE3NjFjZWI3MTI1ZDdkODVmZjFjZWVhYTM5MDY2NTY0MTU2YjJmMQ==");
}

// printf 'n2018-05-26T00:35:30Z密钥' | openssl dgst -sha256 -r | cut -c1-64 | tr -d '\n' | openssl
// base64 -A
TEST(HuaweiWsse, Utf8Secret) {
  EXPECT_EQ(
      huaweiPasswordDigest("n", "2018-05-26T00:35:30Z", "密钥"),
      "NmVhNDE0ZTQ2ODRmOGM2YjY0ZTkxYTIzODRiYzA2MTYwMjc2YzExMTIyMDUzMmQyODJmNTQ4MDRlZGVhOTVhYg==");
}

}  // namespace
}  // namespace nm::signing
