// Unit tests of the Feishu channel: decoding with paths, post/text content with keywords, the bot
// signature, tenant token fetch/cache/refresh, invalid ids, retry of rate limits only, splitting.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "chat_helpers.h"
#include "notify/channels/feishu.h"
#include "notify/signing/feishu.h"
#include "notify/vendor_classify.h"

namespace nm {
namespace {

using json = nlohmann::json;

std::vector<std::string> errorPaths(const test::Decoded& d) {
  std::vector<std::string> paths;
  for (const auto& i : d.diags.items()) paths.push_back(i.path + ": " + i.message);
  return paths;
}

std::string header(const HttpRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

const char* kOk = R"({"code":0,"msg":"success","data":{}})";

TEST(FeishuDecode, RequiresARecipient) {
  auto d = test::decodeBlock("feishu", "{tmplType: text}", false);
  EXPECT_FALSE(d.spec);
  EXPECT_EQ(d.firstError(), "spec.feishu: at least one of user, department or chatbot is required");
}

TEST(FeishuDecode, ErrorsNameTheField) {
  std::string users = "[";
  for (int i = 0; i < 201; ++i) users += (i ? ",u" : "u") + std::to_string(i);
  users += "]";
  auto d = test::decodeBlock(
      "feishu", "{user: " + users + ", chatbot: {keywords: [a]}, tmplType: markdown, x: 1}", false);
  EXPECT_FALSE(d.spec);
  auto paths = errorPaths(d);
  auto has = [&](const std::string& s) {
    return std::find(paths.begin(), paths.end(), s) != paths.end();
  };
  EXPECT_TRUE(has("spec.feishu.user: at most 200 entries (got 201)"))
      << ::testing::PrintToString(paths);
  EXPECT_TRUE(has("spec.feishu.chatbot.webhook: required field is missing"));
  EXPECT_TRUE(has("spec.feishu.tmplType: must be post or text"));
  EXPECT_EQ(d.diags.items().size(), 4u) << ::testing::PrintToString(paths);  // and unknown x
  auto c = test::decodeBlock("feishu", "{appID: {value: a}}", true);
  EXPECT_FALSE(c.spec);
  EXPECT_EQ(c.firstError(), "spec.feishu.appSecret: required field is missing");
  auto ok = test::decodeBlock("feishu", "{department: [d1], user: [u1]}", false);
  EXPECT_TRUE(ok.spec) << ok.firstError();
}

TEST(FeishuContent, PostGetsAKeywordsParagraphPerLocale) {
  std::string content, error;
  ASSERT_TRUE(feishuContent(
      true, R"({"en_us":{"content":[[{"tag":"text","text":"a"}]]},"zh_cn":{"content":[]}})",
      {"k1", "k2"}, content, error))
      << error;
  json j = json::parse(content);
  json kw = json::parse(R"([{"tag":"text","text":"[Keywords] k1,k2"}])");
  EXPECT_EQ(j["post"]["en_us"]["content"].size(), 2u);
  EXPECT_EQ(j["post"]["en_us"]["content"][1], kw);
  EXPECT_EQ(j["post"]["zh_cn"]["content"][0], kw);
  ASSERT_TRUE(feishuContent(false, "hello", {"k1", "k2"}, content, error));
  EXPECT_EQ(json::parse(content), json::parse(R"({"text":"hello\n\n[Keywords] k1,k2"})"));
  ASSERT_TRUE(feishuContent(false, "hello", {}, content, error));
  EXPECT_EQ(json::parse(content), json::parse(R"({"text":"hello"})"));
}

TEST(FeishuContent, InvalidPostIsAClearError) {
  std::string content, error;
  EXPECT_FALSE(feishuContent(true, "[FIRING] disk full", {}, content, error));
  EXPECT_NE(error.find("did not render valid JSON"), std::string::npos) << error;
  EXPECT_FALSE(feishuContent(true, R"({"en_us":{"title":"x"}})", {}, content, error));
  EXPECT_NE(error.find("\"en_us\" needs a \"content\" array"), std::string::npos) << error;
}

TEST(FeishuBody, SignedBotBody) {
  json j = json::parse(feishuBotBody(false, R"({"text":"hi"})", 1599360473, "SEC"));
  EXPECT_EQ(j["msg_type"], "text");
  EXPECT_EQ(j["content"]["text"], "hi");
  EXPECT_EQ(j["timestamp"], "1599360473");
  EXPECT_EQ(j["sign"], signing::feishuSign(1599360473, "SEC"));
  json u = json::parse(feishuBotBody(true, R"({"post":{}})", 1, ""));
  EXPECT_FALSE(u.contains("sign"));
  EXPECT_FALSE(u.contains("timestamp"));
  json a = json::parse(feishuAppBody(true, R"({"post":{}})", {"u1"}, {"d1", "d2"}));
  EXPECT_EQ(a, json::parse(R"({"msg_type":"post","content":{"post":{}},"user_ids":["u1"],
                               "department_ids":["d1","d2"]})"));
}

TEST(FeishuNotifier, SignedPostWithKeywords) {
  test::FakeHttp http;
  http.handler = [](const HttpRequest&) { return test::reply(200, kOk); };
  config::Snapshot snap;
  auto b = test::build("feishu",
                       "{chatbot: {webhook: {value: 'http://127.0.0.1:1/open-apis/bot/v2/hook/"
                       "tok1'}, secret: {value: SEC}, keywords: [alert, nm]}}",
                       "", snap, http);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(2));
  EXPECT_TRUE(out.ok) << out.error;
  ASSERT_EQ(http.requests.size(), 1u);
  EXPECT_EQ(http.requests[0].url, "http://127.0.0.1:1/open-apis/bot/v2/hook/tok1");
  json body = json::parse(http.requests[0].body);
  EXPECT_EQ(body["msg_type"], "post");
  const int64_t ts = std::stoll(body["timestamp"].get<std::string>());
  EXPECT_EQ(body["sign"], signing::feishuSign(ts, "SEC"));
  const json& paragraphs = body["content"]["post"]["en_us"]["content"];
  ASSERT_TRUE(paragraphs.is_array());
  EXPECT_EQ(paragraphs.back()[0]["text"], "[Keywords] alert,nm");
  EXPECT_NE(paragraphs.dump().find("A1"), std::string::npos);
  EXPECT_EQ(out.channelTarget, "http://127.0.0.1:1/open-apis/bot/v2/hook");
}

TEST(FeishuNotifier, TextMode) {
  test::FakeHttp http;
  http.handler = [](const HttpRequest&) { return test::reply(200, kOk); };
  config::Snapshot snap;
  auto b = test::build("feishu",
                       "{tmplType: text, chatbot: {webhook: {value: 'http://127.0.0.1:1/h'}, "
                       "keywords: [nm]}}",
                       "", snap, http);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(1));
  EXPECT_TRUE(out.ok) << out.error;
  ASSERT_EQ(http.requests.size(), 1u);
  json body = json::parse(http.requests[0].body);
  EXPECT_EQ(body["msg_type"], "text");
  const std::string text = body["content"]["text"];
  EXPECT_NE(text.find("A0"), std::string::npos);
  EXPECT_TRUE(text.ends_with("\n\n[Keywords] nm")) << text;
  EXPECT_FALSE(body.contains("sign"));
}

TEST(FeishuNotifier, PostTemplateThatIsNotJsonIsReported) {
  test::FakeHttp http;
  config::Snapshot snap;
  snap.nm.channelOptions["feishu"].templateName = "nm.default.text";
  auto b = test::build("feishu", "{chatbot: {webhook: {value: 'http://127.0.0.1:1/h'}}}", "", snap,
                       http);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(1));
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.error.rfind("template: nm.default.text: the post template did not render valid "
                            "JSON",
                            0),
            0u)
      << out.error;
  EXPECT_TRUE(http.requests.empty());
}

TEST(FeishuNotifier, RateLimitIsRetriedSignMismatchIsNot) {
  test::FakeHttp http;
  int calls = 0;
  http.handler = [&](const HttpRequest&) {
    return ++calls == 1 ? test::reply(200, R"({"code":9499,"msg":"too many request","data":{}})")
                        : test::reply(200, kOk);
  };
  config::Snapshot snap;
  auto b = test::build("feishu", "{chatbot: {webhook: {value: 'http://127.0.0.1:1/h1'}}}", "", snap,
                       http);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(1));
  EXPECT_TRUE(out.ok) << out.error;
  EXPECT_EQ(http.requests.size(), 2u);

  test::FakeHttp bad;
  bad.handler = [](const HttpRequest&) {
    return test::reply(200, R"({"code":19021,"data":{},"msg":"sign match fail or timestamp is )"
                            R"(not within one hour from current time"})");
  };
  auto b2 = test::build("feishu", "{chatbot: {webhook: {value: 'http://127.0.0.1:1/h2'}}}", "",
                        snap, bad);
  out = test::sendNow(*b2.notifier, test::chatData(1));
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.error,
            "feishu code 19021: sign match fail or timestamp is not within one hour from current "
            "time");
  EXPECT_EQ(bad.requests.size(), 1u);

  test::FakeHttp status429;
  status429.handler = [&](const HttpRequest&) {
    return status429.requests.size() == 1
               ? test::reply(429, R"({"code":9499,"msg":"too many request"})")
               : test::reply(200, kOk);
  };
  auto b3 = test::build("feishu", "{chatbot: {webhook: {value: 'http://127.0.0.1:1/h3'}}}", "",
                        snap, status429);
  out = test::sendNow(*b3.notifier, test::chatData(1));
  EXPECT_TRUE(out.ok) << out.error;
  EXPECT_EQ(status429.requests.size(), 2u);

  test::FakeHttp plain400;
  plain400.handler = [](const HttpRequest&) { return test::reply(400, "bad request"); };
  auto b4 = test::build("feishu", "{chatbot: {webhook: {value: 'http://127.0.0.1:1/h4'}}}", "",
                        snap, plain400);
  out = test::sendNow(*b4.notifier, test::chatData(1));
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.error, "feishu: HTTP 400: bad request");
  EXPECT_EQ(plain400.requests.size(), 1u);
}

TEST(FeishuNotifier, SplitsALongGroupUnderTheBodyLimit) {
  test::FakeHttp http;
  http.handler = [](const HttpRequest&) { return test::reply(200, kOk); };
  config::Snapshot snap;
  auto b = test::build("feishu",
                       "{chatbot: {webhook: {value: 'http://127.0.0.1:1/split'}, secret: {value: "
                       "S}, keywords: [nm]}}",
                       "", snap, http);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(30, std::string(2000, 'x')));
  EXPECT_TRUE(out.ok) << out.error;
  EXPECT_GT(http.requests.size(), 2u);
  std::string all;
  for (const auto& r : http.requests) {
    EXPECT_LE(r.body.size(), kFeishuBotBodyMax);
    json body = json::parse(r.body);
    EXPECT_EQ(body["msg_type"], "post");
    EXPECT_EQ(body["content"]["post"]["en_us"]["content"].back()[0]["text"], "[Keywords] nm");
    all += body["content"].dump();
  }
  size_t last = 0;
  for (int i = 0; i < 30; ++i) {
    size_t at = all.find("alertname: A" + std::to_string(i) + "\"");
    ASSERT_NE(at, std::string::npos) << i;
    EXPECT_GT(at, last) << i;  // in order
    last = at;
  }
}

TEST(FeishuNotifier, OversizeAlertIsTruncatedNotDropped) {
  test::FakeHttp http;
  http.handler = [](const HttpRequest&) { return test::reply(200, kOk); };
  config::Snapshot snap;
  auto b = test::build("feishu", "{chatbot: {webhook: {value: 'http://127.0.0.1:1/big'}}}", "",
                       snap, http);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(1, std::string(30000, 'y')));
  EXPECT_TRUE(out.ok) << out.error;
  ASSERT_EQ(http.requests.size(), 1u);
  json body = json::parse(http.requests[0].body);
  EXPECT_EQ(body["msg_type"], "text");
  EXPECT_NE(body["content"]["text"].get<std::string>().find("[truncated]"), std::string::npos);
  EXPECT_LE(http.requests[0].body.size(), kFeishuBotBodyMax);
}

// An app test double: tenant tokens T1, T2… and batch_send answers from `send`.
struct AppFake {
  int tokens = 0;
  std::vector<HttpRequest> sends;
  std::function<HttpResponse(const std::string& token)> send = [](const std::string&) {
    return test::reply(200, R"({"code":0,"msg":"ok","data":{"message_id":"m1"}})");
  };
  HttpResponse operator()(const HttpRequest& r) {
    if (r.url == "http://127.0.0.1:9/open-apis/auth/v3/tenant_access_token/internal") {
      return test::reply(200, R"({"code":0,"msg":"ok","tenant_access_token":"T)" +
                                  std::to_string(++tokens) + R"(","expire":7200})");
    }
    if (r.url == "http://127.0.0.1:9/open-apis/message/v4/batch_send/") {
      sends.push_back(r);
      std::string auth = header(r, "Authorization");
      return send(auth.rfind("Bearer ", 0) == 0 ? auth.substr(7) : "");
    }
    return test::reply(404, "not found");
  }
};

config::Snapshot appSnapshot() {
  config::Snapshot snap;
  snap.nm.channelOptions["feishu"].raw = YAML::Load("{apiBaseUrl: 'http://127.0.0.1:9/'}");
  return snap;
}

TEST(FeishuApp, FetchesTokenOnceAndSendsToUsersAndDepartments) {
  test::FakeHttp http;
  AppFake app;
  http.handler = [&](const HttpRequest& r) { return app(r); };
  auto snap = appSnapshot();
  auto b = test::build("feishu", "{user: [u1, u2], department: [d1]}",
                       "{appID: {value: app-cache}, appSecret: {value: s1}}", snap, http);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(1));
  EXPECT_TRUE(out.ok) << out.error;
  out = test::sendNow(*b.notifier, test::chatData(2));
  EXPECT_TRUE(out.ok) << out.error;
  EXPECT_EQ(app.tokens, 1);  // cached
  ASSERT_EQ(app.sends.size(), 2u);
  json tokenReq = json::parse(http.requests[0].body);
  EXPECT_EQ(tokenReq, json::parse(R"({"app_id":"app-cache","app_secret":"s1"})"));
  EXPECT_EQ(header(app.sends[0], "Authorization"), "Bearer T1");
  json body = json::parse(app.sends[0].body);
  EXPECT_EQ(body["msg_type"], "post");
  EXPECT_EQ(body["user_ids"], json::parse(R"(["u1","u2"])"));
  EXPECT_EQ(body["department_ids"], json::parse(R"(["d1"])"));
  EXPECT_TRUE(body["content"]["post"]["en_us"]["content"].is_array());
  EXPECT_EQ(out.channelTarget, "user:u1,u2 department:d1");
}

TEST(FeishuApp, InvalidTokenIsRefreshedOnce) {
  for (int status : {200, 400}) {
    test::FakeHttp http;
    AppFake app;
    app.send = [status](const std::string& token) {
      if (token == "T1") {
        return test::reply(status, R"({"code":99991663,"msg":"Invalid access token"})");
      }
      return test::reply(200, R"({"code":0,"msg":"ok","data":{}})");
    };
    http.handler = [&](const HttpRequest& r) { return app(r); };
    auto snap = appSnapshot();
    auto b = test::build(
        "feishu", "{tmplType: text, user: [u1]}",
        "{appID: {value: app-refresh-" + std::to_string(status) + "}, appSecret: {value: s1}}",
        snap, http);
    ASSERT_TRUE(b.notifier) << b.error;
    auto out = test::sendNow(*b.notifier, test::chatData(1));
    EXPECT_TRUE(out.ok) << status << ": " << out.error;
    EXPECT_EQ(app.tokens, 2) << status;
    ASSERT_EQ(app.sends.size(), 2u) << status;
    EXPECT_EQ(header(app.sends[1], "Authorization"), "Bearer T2");
    EXPECT_EQ(json::parse(app.sends[1].body)["msg_type"], "text");
  }
}

TEST(FeishuApp, InvalidIdsAreAnErrorNamingThem) {
  test::FakeHttp http;
  AppFake app;
  app.send = [](const std::string&) {
    return test::reply(200, R"({"code":0,"msg":"ok","data":{"message_id":"m",
        "invalid_user_ids":["u9"],"invalid_department_ids":["d8","d9"]}})");
  };
  http.handler = [&](const HttpRequest& r) { return app(r); };
  auto snap = appSnapshot();
  auto b = test::build("feishu", "{user: [u1, u9], department: [d8, d9]}",
                       "{appID: {value: app-invalid}, appSecret: {value: s1}}", snap, http);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(1));
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.error, "feishu: invalid_user_ids u9; invalid_department_ids d8,d9");
  EXPECT_EQ(app.sends.size(), 1u);  // not retried
}

TEST(FeishuApp, TokenErrorIsReportedWithoutTheSecret) {
  test::FakeHttp http;
  http.handler = [](const HttpRequest&) {
    return test::reply(200, R"({"code":10014,"msg":"app secret invalid"})");
  };
  auto snap = appSnapshot();
  auto b = test::build("feishu", "{user: [u1]}",
                       "{appID: {value: app-bad}, appSecret: {value: TOPSECRET}}", snap, http);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(1));
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.error, "tenant_access_token: feishu code 10014: app secret invalid");
  EXPECT_EQ(out.error.find("TOPSECRET"), std::string::npos);
}

TEST(FeishuApp, UsersWithoutConfigFailToBuild) {
  test::FakeHttp http;
  config::Snapshot snap;
  auto b = test::build("feishu", "{user: [u1]}", "", snap, http);
  EXPECT_FALSE(b.notifier);
  EXPECT_NE(b.error.find("appID"), std::string::npos) << b.error;
}

TEST(FeishuClassify, RateLimitsAndTokenCodes) {
  HttpResponse r = test::reply(429, R"({"code":99991400,"msg":"request trigger frequency limit"})");
  EXPECT_EQ(classifyVendor(r, feishuCodes()).verdict, Verdict::Transient);
  r.status = 400;  // older OpenAPIs answer the same limit with 400
  EXPECT_EQ(classifyVendor(r, feishuCodes()).verdict, Verdict::Transient);
  r = test::reply(200, R"({"code":11232,"msg":"frequency limited"})");
  EXPECT_EQ(classifyVendor(r, feishuCodes()).verdict, Verdict::Transient);
  r = test::reply(200, R"({"StatusCode":0,"StatusMessage":"success"})");
  EXPECT_EQ(classifyVendor(r, feishuCodes()).verdict, Verdict::Success);
  r = test::reply(200, R"({"code":19024,"msg":"Key Words Not Found"})");
  auto c = classifyVendor(r, feishuCodes());
  EXPECT_EQ(c.verdict, Verdict::Permanent);
  EXPECT_EQ(c.reason, "feishu code 19024: Key Words Not Found");
  EXPECT_TRUE(isTokenInvalid(test::reply(400, R"({"code":99991663,"msg":"x"})"), feishuCodes()));
  EXPECT_FALSE(isTokenInvalid(test::reply(400, R"({"code":19021,"msg":"x"})"), feishuCodes()));
  // WeCom/DingTalk keep reading errcode only from 2xx bodies.
  EXPECT_FALSE(isTokenInvalid(test::reply(400, R"({"errcode":42001})"), wecomCodes()));
}

TEST(FeishuOptions, DefaultsAndErrors) {
  model::NotificationManager nm;
  std::string error;
  FeishuOptions o = feishuOptions(nm, error);
  EXPECT_EQ(error, "");
  EXPECT_EQ(o.tokenExpires, std::chrono::hours(2));
  if (!std::getenv("NM_FEISHU_API_BASE")) {
    EXPECT_EQ(o.apiBaseUrl, "https://open.feishu.cn");
  }
  nm.channelOptions["feishu"].raw = YAML::Load("{tmplType: card, tokenExpires: 30m}");
  o = feishuOptions(nm, error);
  EXPECT_EQ(error, "spec.receivers.options.feishu.tmplType: must be post or text");
  EXPECT_EQ(o.tokenExpires, std::chrono::minutes(30));
}

}  // namespace
}  // namespace nm
