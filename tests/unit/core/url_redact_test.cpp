// Unit tests of URL redaction: each rule (userinfo, credential parameters, token path segments of
// every channel that carries one), URLs inside text, and URLs that must come out unchanged.
#include "core/url_redact.h"

#include <gtest/gtest.h>

namespace nm {
namespace {

TEST(UrlRedact, UserinfoPassword) {
  EXPECT_EQ(redactUrl("http://user:PASSWORD@127.0.0.1:8080/path"),
            "http://user:<redacted>@127.0.0.1:8080/path");
  EXPECT_EQ(redactUrl("https://:pw@host"), "https://:<redacted>@host");
  // A user alone is not a secret (Go's url.Redacted keeps it too).
  EXPECT_EQ(redactUrl("http://user@host/x"), "http://user@host/x");
  // The last @ ends the userinfo: a password may hold one.
  EXPECT_EQ(redactUrl("http://u:p@ss@host/"), "http://u:<redacted>@host/");
}

TEST(UrlRedact, CredentialQueryParameters) {
  EXPECT_EQ(
      redactUrl("https://oapi.dingtalk.com/robot/send?access_token=SECRET&timestamp=1&sign=SIG"),
      "https://oapi.dingtalk.com/robot/send?access_token=<redacted>&timestamp=1&sign=<redacted>");
  EXPECT_EQ(redactUrl("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET"),
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=<redacted>");
  EXPECT_EQ(
      redactUrl("http://h/p?Token=a&API_KEY=b&apikey=c&client_secret=d&password=e&sig=f"),
      "http://h/p?Token=<redacted>&API_KEY=<redacted>&apikey=<redacted>&client_secret=<redacted>"
      "&password=<redacted>&sig=<redacted>");
  EXPECT_EQ(
      redactUrl("http://h/p?X-Amz-Signature=s&X-Amz-Security-Token=t&auth=u"),
      "http://h/p?X-Amz-Signature=<redacted>&X-Amz-Security-Token=<redacted>&auth=<redacted>");
  EXPECT_EQ(redactUrl("http://h/cb#access_token=T&state=1"),
            "http://h/cb#access_token=<redacted>&state=1");
}

TEST(UrlRedact, TokenPathSegments) {
  EXPECT_EQ(redactUrl("https://api.telegram.org/bot123456:ABC-def_GHI/sendMessage"),
            "https://api.telegram.org/bot<redacted>/sendMessage");
  EXPECT_EQ(redactUrl("https://hooks.slack.com/services/T0001/B0002/XXXXSECRET"),
            "https://hooks.slack.com/services/T0001/B0002/<redacted>");
  EXPECT_EQ(redactUrl("https://discord.com/api/webhooks/1234567890/TOKEN-abc?wait=true"),
            "https://discord.com/api/webhooks/1234567890/<redacted>?wait=true");
  EXPECT_EQ(redactUrl("https://open.feishu.cn/open-apis/bot/v2/hook/0b7e-SECRET"),
            "https://open.feishu.cn/open-apis/bot/v2/hook/<redacted>");
  // The same paths behind a private or test base URL.
  EXPECT_EQ(redactUrl("http://127.0.0.1:9/services/T/B/SECRET"),
            "http://127.0.0.1:9/services/T/B/<redacted>");
}

TEST(UrlRedact, UrlsWithoutSecretsStayIntact) {
  for (const char* u : {
           "http://127.0.0.1:19099/g",
           "https://alertmanager.example/api/v2/alerts?filter=a%3Db&active=true",
           "http://prometheus:9090/graph?g0.expr=rate%28x%5B10m%5D%29&g0.tab=1",
           "https://api.telegram.org/botfather/info",
           "https://hooks.slack.com/services/T0001",
           "https://discord.com/api/webhooks/1234567890",
           "http://[::1]:8080/path#frag",
           "http://h/p?token=",
           "not a url",
           "",
       }) {
    EXPECT_EQ(redactUrl(u), u) << u;
    EXPECT_EQ(redactUrlsIn(u), u) << u;
  }
}

TEST(UrlRedact, UrlsInsideText) {
  EXPECT_EQ(redactUrlsIn("POST http://u:PW@h/x?token=S failed: 500"),
            "POST http://u:<redacted>@h/x?token=<redacted> failed: 500");
  EXPECT_EQ(
      redactUrlsIn(R"({"url":"https://a:b@h/","other":"https://api.telegram.org/bot1:x/y"})"),
      R"({"url":"https://a:<redacted>@h/","other":"https://api.telegram.org/bot<redacted>/y"})");
  EXPECT_EQ(redactUrlsIn("two: http://a:b@h1 and 'ftp://c:d@h2'"),
            "two: http://a:<redacted>@h1 and 'ftp://c:<redacted>@h2'");
  EXPECT_EQ(redactUrlsIn(":// alone"), ":// alone");
  // Already redacted text stays as it is.
  const std::string once = redactUrlsIn("see http://u:PW@h/p?key=K");
  EXPECT_EQ(redactUrlsIn(once), once);
}

TEST(UrlRedact, KnownSecretAnywhere) {
  EXPECT_EQ(redactSecret("token abc echoed: abcabc", "abc"),
            "token <redacted> echoed: <redacted><redacted>");
  EXPECT_EQ(redactSecret("nothing", ""), "nothing");
}

}  // namespace
}  // namespace nm
