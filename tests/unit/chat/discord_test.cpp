// Unit tests of the Discord channel: decoding with paths, content and embed bodies with mentions,
// 204 success, vendor error codes, 429 retry_after, chunk sizes within Discord's limits.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "chat_helpers.h"
#include "notify/channel_registry.h"
#include "notify/channels/discord.h"

namespace nm {
namespace {

using json = nlohmann::json;

const char* kHook = "http://127.0.0.1:1/api/webhooks/42/tok3n";

std::string receiver(const std::string& extra = "") {
  return std::string("{webhook: {value: '") + kHook + "'}" + (extra.empty() ? "" : ", " + extra) +
         "}";
}

HttpResponse noContent() {
  return test::reply(204, "");
}

TEST(DiscordDecode, ErrorsNameTheField) {
  auto d = test::decodeBlock(
      "discord", "{type: card, mentionedUsers: [everyone, bob], mentionedRoles: ['12', x1]}",
      false);
  EXPECT_FALSE(d.spec);
  std::vector<std::string> paths;
  for (const auto& i : d.diags.items()) paths.push_back(i.path + ": " + i.message);
  for (const char* want : {"spec.discord.webhook: required field is missing",
                           "spec.discord.type: must be content or embed",
                           "spec.discord.mentionedUsers[1]: must be a Discord user id (digits) or "
                           "\"everyone\"",
                           "spec.discord.mentionedRoles[1]: must be a Discord role id (digits)"}) {
    EXPECT_NE(std::find(paths.begin(), paths.end(), want), paths.end()) << want;
  }
  auto c = test::decodeBlock("discord", receiver("discordConfigSelector: {}"), false);
  EXPECT_FALSE(c.spec);
  EXPECT_EQ(c.firstError(),
            "spec.discord.discordConfigSelector: unknown field \"discordConfigSelector\"");
  EXPECT_EQ(findChannel("discord")->decodeConfig, nullptr);  // Discord has no Config
}

TEST(DiscordBody, MentionsAndAllowedMentions) {
  EXPECT_EQ(discordMentions({"everyone", "111"}, {"222"}), "@everyone <@111> <@&222>");
  EXPECT_EQ(discordMentions({}, {}), "");
  DiscordSpec spec;
  spec.mentionedUsers = {"everyone", "111"};
  spec.mentionedRoles = {"222"};
  json content = json::parse(discordBody(spec, "hello"));
  EXPECT_EQ(content["content"], "hello\n@everyone <@111> <@&222>");
  EXPECT_FALSE(content.contains("embeds"));
  EXPECT_EQ(content["allowed_mentions"],
            json::parse(R"({"parse":["everyone"],"users":["111"],"roles":["222"]})"));
  spec.embed = true;
  json embed = json::parse(discordBody(spec, "hello"));
  EXPECT_EQ(embed["content"], "@everyone <@111> <@&222>");  // pings only work in content
  ASSERT_EQ(embed["embeds"].size(), 1u);
  EXPECT_EQ(embed["embeds"][0]["description"], "hello");
  DiscordSpec plain;
  json p = json::parse(discordBody(plain, "@everyone look"));
  EXPECT_EQ(p["content"], "@everyone look");                 // no mentions appended
  EXPECT_EQ(p["allowed_mentions"]["parse"], json::array());  // and the text pings nobody
}

TEST(DiscordNotifier, PostsContentAnd204IsSuccess) {
  test::FakeHttp http;
  http.handler = [](const HttpRequest&) { return noContent(); };
  config::Snapshot snap;
  auto b = test::build("discord", receiver("mentionedUsers: ['111']"), "", snap, http);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(2));
  EXPECT_TRUE(out.ok) << out.error;
  ASSERT_EQ(http.requests.size(), 1u);
  const HttpRequest& r = http.requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, kHook);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0],
            (std::pair<std::string, std::string>{"Content-Type", "application/json"}));
  std::string content = json::parse(r.body)["content"];
  EXPECT_NE(content.find("A0"), std::string::npos);
  EXPECT_NE(content.find("A1"), std::string::npos);
  EXPECT_TRUE(content.ends_with("\n<@111>")) << content;
  EXPECT_EQ(out.channelTarget, "http://127.0.0.1:1/api/webhooks/42/***");
}

TEST(DiscordNotifier, VendorErrorIsPermanentAndReported) {
  test::FakeHttp http;
  http.handler = [](const HttpRequest&) {
    return test::reply(400, R"({"code":50006,"message":"Cannot send an empty message"})");
  };
  config::Snapshot snap;
  auto b = test::build("discord", receiver(), "", snap, http);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(1));
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.error, "discord code 50006: Cannot send an empty message");
  EXPECT_EQ(http.requests.size(), 1u);
  EXPECT_EQ(out.error.find("tok3n"), std::string::npos);
}

TEST(DiscordClassify, Answers) {
  EXPECT_EQ(classifyDiscord(noContent()).verdict, Verdict::Success);
  EXPECT_EQ(classifyDiscord(test::reply(200, R"({"id":"1"})")).verdict, Verdict::Success);
  auto unknown = classifyDiscord(test::reply(404, R"({"code":10015,"message":"Unknown Webhook"})"));
  EXPECT_EQ(unknown.verdict, Verdict::Permanent);
  EXPECT_EQ(unknown.reason, "discord code 10015: Unknown Webhook");
  auto form = classifyDiscord(test::reply(
      400,
      R"({"code":50035,"message":"Invalid Form Body","errors":{"embeds":{"0":{"description":)"
      R"({"_errors":[{"code":"BASE_TYPE_MAX_LENGTH","message":"Must be 4096 or fewer in length."}]}}}}})"));
  EXPECT_EQ(form.verdict, Verdict::Permanent);
  EXPECT_EQ(form.reason,
            "discord code 50035: Invalid Form Body (embeds.0.description: Must be 4096 or fewer in "
            "length.)");
  auto limited = classifyDiscord(test::reply(
      429, R"({"message":"You are being rate limited.","retry_after":0.5,"global":true})"));
  EXPECT_EQ(limited.verdict, Verdict::Transient);
  EXPECT_EQ(limited.reason, "discord rate limited (global): You are being rate limited.");
  EXPECT_EQ(classifyDiscord(test::reply(502, "bad gateway")).verdict, Verdict::Transient);
  EXPECT_EQ(classifyDiscord(test::reply(201, "")).verdict, Verdict::Permanent);
}

TEST(DiscordClassify, RetryAfter) {
  HttpResponse r = test::reply(429, R"({"retry_after":1.2,"global":false})");
  EXPECT_EQ(discordRetryAfter(r), "2");  // body seconds, rounded up
  r.retryAfter = "3";
  EXPECT_EQ(discordRetryAfter(r), "3");  // whole-second header wins
  r.retryAfter = "0.25";
  EXPECT_EQ(discordRetryAfter(r), "1");
  HttpResponse ok = noContent();
  EXPECT_EQ(discordRetryAfter(ok), "");
}

TEST(DiscordNotifier, RateLimitHonoursRetryAfter) {
  test::FakeHttp http;
  int calls = 0;
  http.handler = [&](const HttpRequest&) {
    if (++calls == 1) {
      return test::reply(
          429, R"({"message":"You are being rate limited.","retry_after":2.5,"global":false})");
    }
    return noContent();
  };
  config::Snapshot snap;
  auto b = test::build("discord", receiver(), "", snap, http);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(1));
  EXPECT_TRUE(out.ok) << out.error;
  EXPECT_EQ(http.requests.size(), 2u);
  ASSERT_EQ(http.delays.size(), 1u);
  EXPECT_EQ(http.delays[0], std::chrono::seconds(3));
}

size_t chars(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

TEST(DiscordNotifier, SplitsContentWithinTheLimitIncludingMentions) {
  test::FakeHttp http;
  http.handler = [](const HttpRequest&) { return noContent(); };
  config::Snapshot snap;
  auto b =
      test::build("discord", receiver("mentionedRoles: ['123456789012345678']"), "", snap, http);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(16, "ünïcödé " + std::string(300, 'y')));
  EXPECT_TRUE(out.ok) << out.error;
  ASSERT_GT(http.requests.size(), 2u);
  std::string all;
  for (const auto& r : http.requests) {
    std::string c = json::parse(r.body)["content"];
    EXPECT_LE(chars(c), kDiscordContentMax);
    EXPECT_TRUE(c.ends_with("\n<@&123456789012345678>"));
    all += c;
  }
  for (int i = 0; i < 16; ++i) EXPECT_NE(all.find("A" + std::to_string(i)), std::string::npos);
}

TEST(DiscordNotifier, EmbedChunksUseTheDescriptionLimit) {
  test::FakeHttp http;
  http.handler = [](const HttpRequest&) { return noContent(); };
  config::Snapshot snap;
  auto b = test::build("discord", receiver("type: embed"), "", snap, http);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(10, std::string(1500, 'z')));
  EXPECT_TRUE(out.ok) << out.error;
  ASSERT_GT(http.requests.size(), 2u);
  bool over2000 = false;
  for (const auto& r : http.requests) {
    json body = json::parse(r.body);
    EXPECT_EQ(body["content"], "");
    std::string d = body["embeds"][0]["description"];
    EXPECT_LE(chars(d), kDiscordEmbedMax);
    over2000 = over2000 || d.size() > 2000;
  }
  EXPECT_TRUE(over2000);  // embeds are packed to 4096, not 2000
}

}  // namespace
}  // namespace nm
