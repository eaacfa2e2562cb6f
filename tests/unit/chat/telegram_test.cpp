// Unit tests of the Telegram channel: decoding with field paths, request shape per chat with the
// mention suffix, splitting at 4096, retry_after honoured, 401/400 final, the token kept secret.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "chat_helpers.h"
#include "notify/channels/telegram.h"

namespace nm {
namespace {

using json = nlohmann::json;

std::string config(const std::string& token) {
  return "{telegramTokenSecret: {value: '" + token + "'}}";
}

config::Snapshot snapshotWithBase() {
  config::Snapshot snap;
  snap.nm.channelOptions["telegram"].raw = YAML::Load("{apiBaseUrl: 'http://127.0.0.1:9/'}");
  return snap;
}

HttpResponse okReply() {
  return test::reply(200, R"({"ok":true,"result":{"message_id":1}})");
}

TEST(TelegramDecode, ChannelsRequiredAndValidated) {
  auto none = test::decodeBlock("telegram", "{mentionedUsers: [a]}", false);
  EXPECT_FALSE(none.spec);
  EXPECT_EQ(none.firstError(), "spec.telegram.channels: at least one chat id is required");
  auto bad = test::decodeBlock("telegram", "{channels: ['@ops', 'not a chat']}", false);
  EXPECT_FALSE(bad.spec);
  EXPECT_EQ(bad.firstError(),
            "spec.telegram.channels[1]: must be a numeric chat id or @channelname, got \"not a "
            "chat\"");
  auto unknown = test::decodeBlock("telegram", "{channels: ['1'], chatId: x}", false);
  EXPECT_FALSE(unknown.spec);
  EXPECT_NE(unknown.firstError().find("spec.telegram.chatId"), std::string::npos);
  auto ok = test::decodeBlock(
      "telegram", "{channels: ['@ops', '-1001234567890', '42'], mentionedUsers: [alice, '@bob']}",
      false);
  ASSERT_TRUE(ok.spec) << ok.firstError();
  EXPECT_EQ(std::dynamic_pointer_cast<const TelegramSpec>(ok.spec)->channels.size(), 3u);
}

TEST(TelegramDecode, ConfigNeedsToken) {
  auto c = test::decodeBlock("telegram", "{labels: {a: b}}", true);
  EXPECT_FALSE(c.spec);
  EXPECT_EQ(c.firstError(), "spec.telegram.telegramTokenSecret: required field is missing");
  EXPECT_TRUE(test::decodeBlock("telegram", config("1:AA"), true).spec);
}

TEST(TelegramBodies, MentionSuffixBodyAndUrl) {
  EXPECT_EQ(telegramMentionSuffix({"alice", "@bob"}), "\n@alice @bob");
  EXPECT_EQ(telegramMentionSuffix({}), "");
  EXPECT_EQ(json::parse(telegramBody("-100", "hi")),
            json::parse(R"({"chat_id":"-100","text":"hi"})"));
  EXPECT_EQ(telegramSendUrl("https://api.telegram.org", "123:AB-c_d"),
            "https://api.telegram.org/bot123:AB-c_d/sendMessage");
  EXPECT_EQ(telegramSendUrl("http://h", "1/../x"), "http://h/bot1%2F..%2Fx/sendMessage");
  EXPECT_EQ(telegramRetryAfter(R"({"ok":false,"parameters":{"retry_after":12}})"), 12);
  EXPECT_EQ(telegramRetryAfter(R"({"ok":false})"), std::nullopt);
}

TEST(TelegramClassify, VendorErrorsAndVerdicts) {
  auto c = classifyTelegram(test::reply(
      400, R"({"ok":false,"error_code":400,"description":"Bad Request: chat not found"})"));
  EXPECT_EQ(c.verdict, Verdict::Permanent);
  EXPECT_EQ(c.reason, "telegram 400: Bad Request: chat not found");
  EXPECT_EQ(classifyTelegram(test::reply(401, R"({"ok":false,"error_code":401,
      "description":"Unauthorized"})"))
                .verdict,
            Verdict::Permanent);
  EXPECT_EQ(classifyTelegram(test::reply(429, R"({"ok":false,"error_code":429,
      "description":"Too Many Requests: retry after 5","parameters":{"retry_after":5}})"))
                .verdict,
            Verdict::Transient);
  EXPECT_EQ(classifyTelegram(test::reply(502, "<html>bad gateway</html>")).verdict,
            Verdict::Transient);
  EXPECT_EQ(classifyTelegram(okReply()).verdict, Verdict::Success);
  EXPECT_EQ(
      classifyTelegram(
          test::reply(400, R"({"ok":false,"error_code":400,"description":"Bad Request: group )"
                           R"(chat was upgraded to a supergroup chat","parameters":{)"
                           R"("migrate_to_chat_id":-1001234}})"))
          .reason,
      "telegram 400: Bad Request: group chat was upgraded to a supergroup chat "
      "(migrate_to_chat_id -1001234)");
  EXPECT_EQ(classifyTelegram(test::reply(200, "{}")).verdict, Verdict::Permanent);
}

TEST(TelegramNotifier, PostsEveryChatWithMentions) {
  test::FakeHttp http;
  http.handler = [](const HttpRequest&) { return okReply(); };
  auto snap = snapshotWithBase();
  auto b = test::build("telegram", "{channels: ['@ops', '-100200'], mentionedUsers: [alice, bob]}",
                       config("111:TOKEN-A"), snap, http);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(2));
  EXPECT_TRUE(out.ok) << out.error;
  ASSERT_EQ(http.requests.size(), 2u);
  std::vector<std::string> chats;
  for (const auto& r : http.requests) {
    EXPECT_EQ(r.url, "http://127.0.0.1:9/bot111:TOKEN-A/sendMessage");
    EXPECT_EQ(r.method, "POST");
    json j = json::parse(r.body);
    chats.push_back(j["chat_id"]);
    const std::string text = j["text"];
    EXPECT_NE(text.find("A1"), std::string::npos);
    EXPECT_TRUE(text.ends_with("\n@alice @bob")) << text;
  }
  EXPECT_EQ(chats, (std::vector<std::string>{"@ops", "-100200"}));
  EXPECT_EQ(out.channelTarget, "chat:@ops, chat:-100200");
  EXPECT_EQ(out.channelTarget.find("TOKEN"), std::string::npos);
}

TEST(TelegramNotifier, LongGroupSplitBelow4096) {
  test::FakeHttp http;
  http.handler = [](const HttpRequest&) { return okReply(); };
  auto snap = snapshotWithBase();
  auto b = test::build("telegram", "{channels: ['7'], mentionedUsers: [carol]}",
                       config("222:SPLIT"), snap, http);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(40, std::string(300, 'z')));
  EXPECT_TRUE(out.ok) << out.error;
  ASSERT_GT(http.requests.size(), 1u);
  std::string all;
  for (const auto& r : http.requests) {
    const std::string text = json::parse(r.body)["text"];
    EXPECT_LE(text.size(), kTelegramMaxText);
    EXPECT_TRUE(text.ends_with("\n@carol"));
    all += text;
  }
  for (int i = 0; i < 40; ++i) {
    EXPECT_NE(all.find("A" + std::to_string(i) + "\n"), std::string::npos) << i;
  }
}

TEST(TelegramNotifier, HonoursRetryAfterFromBodyAndHeader) {
  test::FakeHttp http;
  int calls = 0;
  http.handler = [&](const HttpRequest&) {
    if (++calls == 1) {
      return test::reply(429, R"({"ok":false,"error_code":429,
          "description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}})");
    }
    if (calls == 2) {
      auto r = test::reply(429, R"({"ok":false,"error_code":429,"description":"Too Many"})");
      r.retryAfter = "3";
      return r;
    }
    return okReply();
  };
  auto snap = snapshotWithBase();
  auto b = test::build("telegram", "{channels: ['@flood']}", config("333:RETRY"), snap, http);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(1));
  EXPECT_TRUE(out.ok) << out.error;
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(out.attempts, 3);
  auto has = [&](Duration d) {
    return std::find(http.delays.begin(), http.delays.end(), d) != http.delays.end();
  };
  EXPECT_TRUE(has(std::chrono::seconds(7)));
  EXPECT_TRUE(has(std::chrono::seconds(3)));
}

TEST(TelegramNotifier, BadTokenAndUnknownChatAreNotRetried) {
  test::FakeHttp http;
  http.handler = [](const HttpRequest&) {
    return test::reply(401, R"({"ok":false,"error_code":401,"description":"Unauthorized"})");
  };
  auto snap = snapshotWithBase();
  auto b = test::build("telegram", "{channels: ['@a']}", config("444:SECRETBAD"), snap, http);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(1));
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.error, "telegram 401: Unauthorized");
  EXPECT_EQ(http.requests.size(), 1u);
  EXPECT_EQ(out.httpStatus, 401);

  http.requests.clear();
  http.handler = [](const HttpRequest&) {
    return test::reply(
        400, R"({"ok":false,"error_code":400,"description":"Bad Request: chat not found"})");
  };
  out = test::sendNow(*b.notifier, test::chatData(1));
  EXPECT_EQ(out.error, "telegram 400: Bad Request: chat not found");
  EXPECT_EQ(http.requests.size(), 1u);
}

TEST(TelegramNotifier, RetriesServerErrorsAndNeverReportsTheToken) {
  test::FakeHttp http;
  int calls = 0;
  http.handler = [&](const HttpRequest& r) {
    if (++calls == 1) return test::reply(500, "internal");
    // A proxy echoing the path: the token must not reach the outcome.
    return test::reply(
        404, R"({"ok":false,"error_code":404,"description":"Not Found: )" + r.url + R"("})");
  };
  auto snap = snapshotWithBase();
  auto b = test::build("telegram", "{channels: ['1']}", config("555:HIDDENTOKEN"), snap, http);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(1));
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(out.error.find("HIDDENTOKEN"), std::string::npos) << out.error;
  EXPECT_NE(out.error.find("bot<redacted>/sendMessage"), std::string::npos) << out.error;
}

TEST(TelegramNotifier, MissingConfigAndBadOptionsFailToBuild) {
  test::FakeHttp http;
  config::Snapshot snap;
  auto b = test::build("telegram", "{channels: ['1']}", "", snap, http);
  EXPECT_FALSE(b.notifier);
  EXPECT_NE(b.error.find("telegramTokenSecret"), std::string::npos);
  snap.nm.channelOptions["telegram"].raw = YAML::Load("{apiBase: x}");
  b = test::build("telegram", "{channels: ['1']}", config("1:A"), snap, http);
  EXPECT_FALSE(b.notifier);
  EXPECT_NE(b.error.find("spec.receivers.options.telegram.apiBase"), std::string::npos) << b.error;
}

}  // namespace
}  // namespace nm
