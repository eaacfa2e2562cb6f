// Unit tests for the DingTalk and Feishu custom bot signatures. Neither vendor publishes an
// expected output for its sample code, so the expected values were computed with openssl (the
// command is next to each value) from the inputs of the vendors' own samples.
#include <gtest/gtest.h>

#include "notify/signing/dingtalk.h"
#include "notify/signing/feishu.h"

namespace nm::signing {
namespace {

// DingTalk "自定义机器人安全设置 / 加签"
// (https://open.dingtalk.com/document/robots/customize-robot-security-settings): the sample
// signs timestamp + "\n" + secret with HmacSHA256 keyed by the secret; its Python sample uses
// secret = 'this is secret'. No expected value is published. Expected:
//   printf '1577262236757\nthis is secret' | openssl dgst -sha256 -hmac 'this is secret' -binary
//     (piped to) openssl base64
TEST(DingtalkSign, MatchesOpensslForTheDocumentedRecipe) {
  EXPECT_EQ(dingtalkSign(1577262236757, "this is secret"),
            "hmPWwU+7lVdm3ZZz0r9tSfx0L4Q26jWOZr9+Gs6EZQM=");
}

// printf '1577262236757\n' | openssl dgst -sha256 -mac HMAC -macopt hexkey:00 -binary | openssl
// base64
TEST(DingtalkSign, EmptySecret) {
  EXPECT_EQ(dingtalkSign(1577262236757, ""), "TlafHBgR8lNQpkgeXRAqPvWnKngpoVVfN3TigfmS5x8=");
}

// printf '1577262236757\n密钥' | openssl dgst -sha256 -hmac '密钥' -binary | openssl base64
TEST(DingtalkSign, Utf8Secret) {
  EXPECT_EQ(dingtalkSign(1577262236757, "密钥"), "5PBgly3dxta0pJ+Q6Dqq8xzlNUf1AFVC2DURIYA+7X4=");
}

// The sign "hmPWwU+7lVdm3ZZz0r9tSfx0L4Q26jWOZr9+Gs6EZQM=" percent-encoded exactly once.
constexpr const char* kEncodedSign = "hmPWwU%2B7lVdm3ZZz0r9tSfx0L4Q26jWOZr9%2BGs6EZQM%3D";

TEST(DingtalkSignedUrl, AppendsToAnExistingQuery) {
  EXPECT_EQ(dingtalkSignedUrl("https://oapi.dingtalk.com/robot/send?access_token=abc",
                              1577262236757, "this is secret"),
            std::string("https://oapi.dingtalk.com/robot/send?access_token=abc"
                        "&timestamp=1577262236757&sign=") +
                kEncodedSign);
}

TEST(DingtalkSignedUrl, StartsAQueryWhenThereIsNone) {
  EXPECT_EQ(
      dingtalkSignedUrl("http://127.0.0.1:8080/robot/send", 1577262236757, "this is secret"),
      std::string("http://127.0.0.1:8080/robot/send?timestamp=1577262236757&sign=") + kEncodedSign);
}

TEST(DingtalkSignedUrl, NoDoubleSeparatorAfterTrailingQuestionMarkOrAmpersand) {
  std::string tail = std::string("timestamp=1577262236757&sign=") + kEncodedSign;
  EXPECT_EQ(dingtalkSignedUrl("http://h/send?", 1577262236757, "this is secret"),
            "http://h/send?" + tail);
  EXPECT_EQ(dingtalkSignedUrl("http://h/send?a=1&", 1577262236757, "this is secret"),
            "http://h/send?a=1&" + tail);
}

TEST(DingtalkSignedUrl, FragmentStaysLast) {
  EXPECT_EQ(dingtalkSignedUrl("http://h/send?a=1#x", 1577262236757, "this is secret"),
            std::string("http://h/send?a=1&timestamp=1577262236757&sign=") + kEncodedSign + "#x");
}

TEST(DingtalkSignedUrl, SignIsEncodedOnceNotTwice) {
  std::string url = dingtalkSignedUrl("http://h/send", 1577262236757, "this is secret");
  EXPECT_EQ(url.find("%25"), std::string::npos);  // a double-encoded '%' would appear as %25
  EXPECT_NE(url.find("%2B"), std::string::npos);
}

// Feishu "自定义机器人使用指南 / 签名校验"
// (https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot): timestamp + "\n" + secret
// is the HmacSHA256 key, the message is empty; the page's example timestamp is 1599360473 and it
// publishes no expected sign. Expected:
//   printf '' | openssl dgst -sha256 -hmac $'1599360473\nthis is secret' -binary | openssl base64
TEST(FeishuSign, MatchesOpensslForTheDocumentedRecipe) {
  EXPECT_EQ(feishuSign(1599360473, "this is secret"),
            "/eYKrXQBzTjUZJ3s6NX16VxGbTwmK7AEs8/FnvC1CSw=");
}

// printf '' | openssl dgst -sha256 -hmac $'1599360473\n' -binary | openssl base64
TEST(FeishuSign, EmptySecret) {
  EXPECT_EQ(feishuSign(1599360473, ""), "bTgbk2pXnbLSbeiYuPU4Xb5u0Ucy6Ht2YrCPIEpaI58=");
}

// printf '' | openssl dgst -sha256 -hmac $'1599360473\n密钥' -binary | openssl base64
TEST(FeishuSign, Utf8Secret) {
  EXPECT_EQ(feishuSign(1599360473, "密钥"), "P9HUVM15LT0IjapLuiZySGCllJ5uMRqQueF+jKYN0cw=");
}

TEST(FeishuSign, KeyIsTheStringToSignNotTheSecret) {
  // DingTalk's construction (secret as key, string as message) must not be what Feishu gets.
  EXPECT_NE(feishuSign(1599360473, "this is secret"), dingtalkSign(1599360473, "this is secret"));
}

}  // namespace
}  // namespace nm::signing
