// Unit tests of the DingTalk channel: decoding with paths, request bodies, signing at send time,
// splitting, conversation token fetch and refresh.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "chat_helpers.h"
#include "notify/channels/dingtalk.h"
#include "notify/signing/dingtalk.h"

namespace nm {
namespace {

using json = nlohmann::json;

TEST(DingtalkDecode, RequiresChatbotOrConversation) {
  auto d = test::decodeBlock("dingtalk", "{tmplType: text}", false);
  EXPECT_FALSE(d.spec);
  EXPECT_EQ(d.firstError(), "spec.dingtalk: one of chatbot or conversation is required");
}

TEST(DingtalkDecode, ErrorsNameTheField) {
  auto d = test::decodeBlock("dingtalk", "{chatbot: {keywords: [a]}, tmplType: html}", false);
  EXPECT_FALSE(d.spec);
  std::vector<std::string> paths;
  for (const auto& i : d.diags.items()) paths.push_back(i.path);
  EXPECT_NE(std::find(paths.begin(), paths.end(), "spec.dingtalk.chatbot.webhook"), paths.end());
  EXPECT_NE(std::find(paths.begin(), paths.end(), "spec.dingtalk.tmplType"), paths.end());
  auto c = test::decodeBlock("dingtalk", "{conversation: {appkey: {value: k}}}", true);
  EXPECT_FALSE(c.spec);
  EXPECT_EQ(c.firstError(), "spec.dingtalk.conversation.appsecret: required field is missing");
}

TEST(DingtalkBody, TextWithKeywordsAndMentions) {
  DingtalkBot bot;
  bot.keywords = {"k1", "k2"};
  bot.atMobiles = {"138"};
  bot.atUsers = {"u1"};
  json j = json::parse(dingtalkBotBody(bot, false, "", "hello"));
  EXPECT_EQ(j["msgtype"], "text");
  EXPECT_EQ(j["text"]["content"], "hello\n\n[Keywords] k1, k2");
  EXPECT_EQ(j["at"]["atMobiles"], json::array({"138"}));
  EXPECT_EQ(j["at"]["atUserIds"], json::array({"u1"}));
  EXPECT_EQ(j["at"]["isAtAll"], false);
  json m = json::parse(dingtalkBotBody(bot, true, "T", "hello"));
  EXPECT_EQ(m["msgtype"], "markdown");
  EXPECT_EQ(m["markdown"]["title"], "T");
  EXPECT_EQ(m["markdown"]["text"], "hello\n\n@138 @u1\n\n[Keywords] k1, k2");
}

TEST(DingtalkBody, Conversation) {
  json j = json::parse(dingtalkChatBody("chat1", false, "", "hi"));
  EXPECT_EQ(j,
            json::parse(R"({"chatid":"chat1","msg":{"msgtype":"text","text":{"content":"hi"}}})"));
}

TEST(DingtalkNotifier, SignsTheWebhookWhenSending) {
  test::FakeHttp http;
  config::Snapshot snap;
  auto b =
      test::build("dingtalk",
                  "{chatbot: {webhook: {value: 'http://127.0.0.1:1/robot/send?access_token=a1'}, "
                  "secret: {value: SEC}, keywords: [alert]}}",
                  "", snap, http);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(2));
  EXPECT_TRUE(out.ok) << out.error;
  ASSERT_EQ(http.requests.size(), 1u);
  const std::string& url = http.requests[0].url;
  auto ts = url.find("&timestamp=");
  ASSERT_NE(ts, std::string::npos) << url;
  auto sg = url.find("&sign=");
  int64_t ms = std::stoll(url.substr(ts + 11, sg - ts - 11));
  EXPECT_EQ(url,
            signing::dingtalkSignedUrl("http://127.0.0.1:1/robot/send?access_token=a1", ms, "SEC"));
  json body = json::parse(http.requests[0].body);
  EXPECT_EQ(body["msgtype"], "text");
  EXPECT_NE(body["text"]["content"].get<std::string>().find("[Keywords] alert"), std::string::npos);
  EXPECT_EQ(out.channelTarget, "http://127.0.0.1:1/robot/send");
}

TEST(DingtalkNotifier, SplitsALongGroup) {
  test::FakeHttp http;
  config::Snapshot snap;
  snap.nm.channelOptions["dingtalk"].raw = YAML::Load("{chatbotMessageMaxSize: 400}");
  auto b = test::build("dingtalk", "{chatbot: {webhook: {value: 'http://127.0.0.1:1/split'}}}", "",
                       snap, http);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(12, std::string(60, 'x')));
  EXPECT_TRUE(out.ok) << out.error;
  EXPECT_GT(http.requests.size(), 2u);
  std::string all;
  for (const auto& r : http.requests) {
    std::string c = json::parse(r.body)["text"]["content"];
    EXPECT_LT(c.size(), 400u);
    all += c;
  }
  for (int i = 0; i < 12; ++i) EXPECT_NE(all.find("A" + std::to_string(i)), std::string::npos) << i;
}

TEST(DingtalkNotifier, VendorErrorIsReported) {
  test::FakeHttp http;
  http.handler = [](const HttpRequest&) {
    return test::reply(200, R"({"errcode":310000,"errmsg":"sign not match"})");
  };
  config::Snapshot snap;
  auto b = test::build("dingtalk", "{chatbot: {webhook: {value: 'http://127.0.0.1:1/bad'}}}", "",
                       snap, http);
  auto out = test::sendNow(*b.notifier, test::chatData(1));
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.error, "dingtalk errcode 310000: sign not match");
  EXPECT_EQ(http.requests.size(), 1u);  // permanent: no retry
}

TEST(DingtalkNotifier, ConversationFetchesTokenAndRefreshesOnExpiry) {
  test::FakeHttp http;
  int tokens = 0;
  http.handler = [&](const HttpRequest& r) {
    if (r.url.find("/gettoken?appkey=ak-conv&appsecret=as") != std::string::npos) {
      return test::reply(200, R"({"errcode":0,"access_token":"T)" + std::to_string(++tokens) +
                                  R"(","expires_in":7200})");
    }
    if (r.url.ends_with("/chat/send?access_token=T1")) {
      return test::reply(200, R"({"errcode":42001,"errmsg":"expired"})");
    }
    return test::reply(200, R"({"errcode":0})");
  };
  config::Snapshot snap;
  snap.nm.channelOptions["dingtalk"].raw = YAML::Load("{apiBaseUrl: 'http://127.0.0.1:9/'}");
  auto b =
      test::build("dingtalk", "{tmplType: markdown, conversation: {chatids: [c1, c2]}}",
                  "{conversation: {appkey: {value: ak-conv}, appsecret: {value: as}}}", snap, http);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(1));
  EXPECT_TRUE(out.ok) << out.error;
  EXPECT_EQ(tokens, 2);
  std::vector<std::string> chats;
  for (const auto& r : http.requests) {
    if (r.url == "http://127.0.0.1:9/chat/send?access_token=T2") {
      json j = json::parse(r.body);
      chats.push_back(j["chatid"]);
      EXPECT_EQ(j["msg"]["msgtype"], "markdown");
      EXPECT_FALSE(j["msg"]["markdown"]["title"].get<std::string>().empty());
    }
  }
  EXPECT_EQ(chats, (std::vector<std::string>{"c1", "c2"}));
  EXPECT_EQ(out.channelTarget, "chatid:c1, chatid:c2");
}

TEST(DingtalkNotifier, ConversationWithoutConfigFailsToBuild) {
  test::FakeHttp http;
  config::Snapshot snap;
  auto b = test::build("dingtalk", "{conversation: {chatids: [c1]}}", "", snap, http);
  EXPECT_FALSE(b.notifier);
  EXPECT_NE(b.error.find("conversation"), std::string::npos);
}

TEST(DingtalkOptions, DefaultsAndErrorsWithPaths) {
  model::NotificationManager nm;
  std::string error;
  DingtalkOptions d = dingtalkOptions(nm, error);
  EXPECT_EQ(error, "");
  EXPECT_EQ(d.chatbotMaxSize, 19960u);
  EXPECT_EQ(d.conversationMaxSize, 5000u);
  EXPECT_EQ(d.chatbotThrottle.threshold, 20);
  EXPECT_EQ(d.conversationThrottle.unit, std::chrono::seconds(1));
  nm.channelOptions["dingtalk"].raw =
      YAML::Load("{chatBotThrottle: {threshold: 3, unit: 2s}, conversationThrottle: {unit: x}}");
  d = dingtalkOptions(nm, error);
  EXPECT_EQ(d.chatbotThrottle.threshold, 3);
  EXPECT_EQ(d.chatbotThrottle.unit, std::chrono::seconds(2));
  EXPECT_EQ(error.rfind("spec.receivers.options.dingtalk.conversationThrottle.unit: ", 0), 0u)
      << error;
}

}  // namespace
}  // namespace nm
