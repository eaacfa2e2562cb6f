// Unit tests of the WeCom channel: decoding with paths, recipient batching, robot bodies, token
// refresh on 42001, invalid recipients reported, messageMaxSize honoured.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "chat_helpers.h"
#include "notify/channels/wechat.h"

namespace nm {
namespace {

using json = nlohmann::json;

TEST(WechatDecode, NeedsARecipient) {
  auto d = test::decodeBlock("wechat", "{tmplType: text}", false);
  EXPECT_FALSE(d.spec);
  EXPECT_EQ(d.firstError(),
            "spec.wechat: at least one of toUser, toParty, toTag or chatbot is required");
  EXPECT_TRUE(test::decodeBlock("wechat", "{toTag: [t1]}", false).spec);
}

TEST(WechatDecode, ConfigRequiresCorpAgentAndSecret) {
  auto c = test::decodeBlock("wechat", "{wechatApiCorpId: c, wechatApiAgentId: '1'}", true);
  EXPECT_FALSE(c.spec);
  EXPECT_EQ(c.firstError(), "spec.wechat.wechatApiSecret: required field is missing");
  auto ok = test::decodeBlock(
      "wechat",
      "{wechatApiUrl: 'http://h/cgi-bin', wechatApiCorpId: c, wechatApiAgentId: '1', "
      "wechatApiSecret: {value: s}}",
      true);
  ASSERT_TRUE(ok.spec);
  EXPECT_EQ(std::dynamic_pointer_cast<const WechatConfigSpec>(ok.spec)->apiUrl,
            "http://h/cgi-bin/");
}

TEST(WechatBodies, RecipientsBatchedAtVendorLimits) {
  std::vector<std::string> users, parties;
  for (int i = 0; i < 2500; ++i) users.push_back("u" + std::to_string(i));
  for (int i = 0; i < 150; ++i) parties.push_back(std::to_string(i));
  auto bodies = wecomAppBodies(users, parties, {"t1"}, "1000002", false, "hi");
  ASSERT_EQ(bodies.size(), 3u);
  json b0 = json::parse(bodies[0]);
  EXPECT_EQ(b0["agentid"], 1000002);
  EXPECT_EQ(b0["msgtype"], "text");
  EXPECT_EQ(b0["text"]["content"], "hi");
  EXPECT_EQ(b0["totag"], "t1");
  size_t n = 0;
  for (char c : b0["touser"].get<std::string>()) n += c == '|';
  EXPECT_EQ(n, 999u);
  json b1 = json::parse(bodies[1]);
  EXPECT_EQ(b1["toparty"].get<std::string>().substr(0, 6), "100|10");
  json b2 = json::parse(bodies[2]);
  EXPECT_FALSE(b2.contains("toparty"));
  EXPECT_EQ(b2["touser"].get<std::string>().substr(0, 6), "u2000|");
}

TEST(WechatBodies, RobotTextAndMarkdown) {
  WechatChatbotSpec bot;
  bot.atUsers = {"zhang", "li"};
  bot.atMobiles = {"138"};
  json t = json::parse(wecomBotBody(bot, false, "hi"));
  EXPECT_EQ(t, json::parse(R"({"msgtype":"text","text":{"content":"hi",
      "mentioned_list":["zhang","li"],"mentioned_mobile_list":["138"]}})"));
  json m = json::parse(wecomBotBody(bot, true, "hi"));
  EXPECT_EQ(m, json::parse(R"({"msgtype":"markdown","markdown":{"content":"hi\n<@zhang><@li>"}})"));
}

const char* kConfig =
    "{wechatApiUrl: 'http://127.0.0.1:9/cgi-bin/', wechatApiCorpId: CORP, wechatApiAgentId: '7', "
    "wechatApiSecret: {value: SECRET}}";

TEST(WechatNotifier, RefreshesTokenOn42001AndReportsInvalidUsers) {
  test::FakeHttp http;
  int tokens = 0;
  http.handler = [&](const HttpRequest& r) {
    if (r.url == "http://127.0.0.1:9/cgi-bin/gettoken?corpid=CORP&corpsecret=SECRET") {
      return test::reply(200, R"({"errcode":0,"access_token":"W)" + std::to_string(++tokens) +
                                  R"(","expires_in":7200})");
    }
    if (r.url.ends_with("access_token=W1")) {
      return test::reply(200, R"({"errcode":42001,"errmsg":"access_token expired"})");
    }
    return test::reply(200, R"({"errcode":0,"errmsg":"ok","invaliduser":""})");
  };
  config::Snapshot snap;
  auto b = test::build("wechat", "{toUser: [u1, u2], toParty: ['3']}", kConfig, snap, http);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(1));
  EXPECT_TRUE(out.ok) << out.error;
  EXPECT_EQ(tokens, 2);
  const auto& last = http.requests.back();
  EXPECT_EQ(last.url, "http://127.0.0.1:9/cgi-bin/message/send?access_token=W2");
  json j = json::parse(last.body);
  EXPECT_EQ(j["touser"], "u1|u2");
  EXPECT_EQ(j["toparty"], "3");
  EXPECT_EQ(j["agentid"], 7);

  http.handler = [&](const HttpRequest& r) {
    if (r.url.find("gettoken") != std::string::npos) {
      return test::reply(200, R"({"errcode":0,"access_token":"W9","expires_in":7200})");
    }
    return test::reply(200, R"({"errcode":0,"errmsg":"ok","invaliduser":"u2"})");
  };
  http.requests.clear();
  out = test::sendNow(*b.notifier, test::chatData(1));
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.error, "wecom: invaliduser u2");
  EXPECT_EQ(http.requests.size(), 1u);  // cached token, no retry
}

TEST(WechatNotifier, HonoursMessageMaxSize) {
  test::FakeHttp http;
  config::Snapshot snap;
  snap.nm.channelOptions["wechat"].raw = YAML::Load("{messageMaxSize: 300}");
  auto b = test::build("wechat", "{toUser: [u1]}", kConfig, snap, http);
  ASSERT_TRUE(b.notifier) << b.error;
  http.handler = [](const HttpRequest& r) {
    if (r.url.find("gettoken") != std::string::npos) {
      return test::reply(200, R"({"errcode":0,"access_token":"S","expires_in":7200})");
    }
    return test::reply(200, R"({"errcode":0})");
  };
  auto out = test::sendNow(*b.notifier, test::chatData(8, std::string(50, 'y')));
  EXPECT_TRUE(out.ok) << out.error;
  size_t sends = 0;
  for (const auto& r : http.requests) {
    if (r.url.find("message/send") == std::string::npos) continue;
    ++sends;
    EXPECT_LT(json::parse(r.body)["text"]["content"].get<std::string>().size(), 300u);
  }
  EXPECT_GT(sends, 1u);
}

TEST(WechatNotifier, RobotRetriesRateLimitNotBadRequest) {
  test::FakeHttp http;
  int calls = 0;
  http.handler = [&](const HttpRequest&) {
    return ++calls == 1 ? test::reply(200, R"({"errcode":45009,"errmsg":"freq"})")
                        : test::reply(200, R"({"errcode":0})");
  };
  config::Snapshot snap;
  auto b = test::build("wechat", "{chatbot: {webhook: {value: 'http://127.0.0.1:9/bot?key=k'}}}",
                       "", snap, http);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(1));
  EXPECT_TRUE(out.ok) << out.error;
  EXPECT_EQ(calls, 2);
  http.handler = [&](const HttpRequest&) { return test::reply(400, "bad"); };
  http.requests.clear();
  out = test::sendNow(*b.notifier, test::chatData(1));
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(http.requests.size(), 1u);
  EXPECT_EQ(out.channelTarget, "http://127.0.0.1:9/bot");
}

}  // namespace
}  // namespace nm
