// Unit tests of the Slack channel: decoding with paths, chat.postMessage and webhook requests,
// per-channel fan-out, vendor error classification, Retry-After, splitting at 40,000 bytes.
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "chat_helpers.h"
#include "notify/channels/slack.h"

namespace nm {
namespace {

using json = nlohmann::json;

const char* kBotReceiver = "{channels: ['#ops', C123]}";
const char* kBotConfig = "{slackTokenSecret: {value: xoxb-secret}}";

config::Snapshot slackSnapshot() {
  config::Snapshot snap;
  snap.nm.channelOptions["slack"].raw = YAML::Load("{apiBaseUrl: 'http://127.0.0.1:1/api/'}");
  return snap;
}

std::string header(const HttpRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

HttpResponse okReply() {
  return test::reply(200, R"({"ok":true,"channel":"C123","ts":"1.2"})");
}

TEST(SlackDecode, RequiresChannelsOrWebhook) {
  auto d = test::decodeBlock("slack", "{template: x}", false);
  EXPECT_FALSE(d.spec);
  EXPECT_EQ(d.firstError(), "spec.slack: one of channels or webhook is required");
}

TEST(SlackDecode, ErrorsNameTheField) {
  auto d =
      test::decodeBlock("slack", "{channels: ['', ok], webhook: {valueFrom: {}}, url: x}", false);
  EXPECT_FALSE(d.spec);
  std::vector<std::string> paths;
  for (const auto& i : d.diags.items()) paths.push_back(i.path);
  for (const char* want : {"spec.slack.channels[0]", "spec.slack.url"}) {
    EXPECT_NE(std::find(paths.begin(), paths.end(), want), paths.end()) << want;
  }
  bool webhookPath = false;
  for (const auto& p : paths) webhookPath = webhookPath || p.rfind("spec.slack.webhook", 0) == 0;
  EXPECT_TRUE(webhookPath);
  auto c = test::decodeBlock("slack", "{token: x}", true);
  EXPECT_FALSE(c.spec);
  std::vector<std::string> cpaths;
  for (const auto& i : c.diags.items()) cpaths.push_back(i.path + ": " + i.message);
  EXPECT_NE(std::find(cpaths.begin(), cpaths.end(),
                      "spec.slack.slackTokenSecret: required field is missing"),
            cpaths.end());
}

TEST(SlackDecode, OptionsRefuseUnknownFields) {
  model::NotificationManager nm;
  nm.channelOptions["slack"].raw = YAML::Load("{apiBase: x}");
  std::string error;
  slackOptions(nm, error);
  EXPECT_EQ(error, "spec.receivers.options.slack.apiBase: unknown field \"apiBase\"");
  nm.channelOptions["slack"].raw = YAML::Load("{apiBaseUrl: 'http://x/api//'}");
  error.clear();
  EXPECT_EQ(slackOptions(nm, error).apiBaseUrl, "http://x/api");
  EXPECT_EQ(error, "");
  model::NotificationManager plain;
  EXPECT_EQ(slackOptions(plain, error).apiBaseUrl, "https://slack.com/api");
  setenv("NM_SLACK_API_BASE", "http://env/api/", 1);
  EXPECT_EQ(slackOptions(plain, error).apiBaseUrl, "http://env/api");
  EXPECT_EQ(slackOptions(nm, error).apiBaseUrl, "http://x/api");  // the option wins
  unsetenv("NM_SLACK_API_BASE");
}

TEST(SlackNotifier, ChannelsNeedAConfigToken) {
  test::FakeHttp http;
  auto snap = slackSnapshot();
  auto b = test::build("slack", kBotReceiver, "", snap, http);
  EXPECT_FALSE(b.notifier);
  EXPECT_EQ(b.error, "slack: channels need a slack config with slackTokenSecret");
}

TEST(SlackNotifier, PostsOncePerChannelWithBearerToken) {
  test::FakeHttp http;
  http.handler = [](const HttpRequest&) { return okReply(); };
  auto snap = slackSnapshot();
  auto b = test::build("slack", kBotReceiver, kBotConfig, snap, http);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(2));
  EXPECT_TRUE(out.ok) << out.error;
  ASSERT_EQ(http.requests.size(), 2u);
  std::vector<std::string> channels;
  for (const auto& r : http.requests) {
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.url, "http://127.0.0.1:1/api/chat.postMessage");
    EXPECT_EQ(header(r, "Authorization"), "Bearer xoxb-secret");
    EXPECT_EQ(header(r, "Content-Type"), "application/json; charset=utf-8");
    json body = json::parse(r.body);
    EXPECT_EQ(body.size(), 2u);
    channels.push_back(body["channel"]);
    std::string text = body["text"];
    EXPECT_NE(text.find("A0"), std::string::npos);
    EXPECT_NE(text.find("A1"), std::string::npos);
  }
  EXPECT_EQ(channels, (std::vector<std::string>{"#ops", "C123"}));
  EXPECT_EQ(out.channelTarget, "channel:#ops, channel:C123");
  EXPECT_EQ(out.error.find("xoxb"), std::string::npos);
}

TEST(SlackNotifier, OkFalseIsPermanentAndReportedWithTheVendorError) {
  test::FakeHttp http;
  http.handler = [](const HttpRequest& r) {
    if (r.body.find("#ops") != std::string::npos) {
      return test::reply(200, R"({"ok":false,"error":"channel_not_found"})");
    }
    return okReply();
  };
  auto snap = slackSnapshot();
  auto b = test::build("slack", kBotReceiver, kBotConfig, snap, http);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(1));
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.error, "slack error channel_not_found");
  EXPECT_EQ(http.requests.size(), 2u);  // no retry; the other channel still gets its message
}

TEST(SlackNotifier, RateLimitHonoursRetryAfter) {
  test::FakeHttp http;
  int calls = 0;
  http.handler = [&](const HttpRequest&) {
    if (++calls == 1) {
      HttpResponse r = test::reply(429, R"({"ok":false,"error":"ratelimited"})");
      r.retryAfter = "7";
      return r;
    }
    return okReply();
  };
  auto snap = slackSnapshot();
  auto b = test::build("slack", "{channels: [C1]}", kBotConfig, snap, http);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(1));
  EXPECT_TRUE(out.ok) << out.error;
  EXPECT_EQ(http.requests.size(), 2u);
  ASSERT_EQ(http.delays.size(), 1u);
  EXPECT_EQ(http.delays[0], std::chrono::seconds(7));
  EXPECT_EQ(out.attempts, 2);
}

TEST(SlackClassify, ApiAnswers) {
  EXPECT_EQ(classifySlackApi(okReply()).verdict, Verdict::Success);
  auto bad = classifySlackApi(test::reply(200, R"({"ok":false,"error":"invalid_auth"})"));
  EXPECT_EQ(bad.verdict, Verdict::Permanent);
  EXPECT_EQ(bad.reason, "slack error invalid_auth");
  EXPECT_EQ(classifySlackApi(test::reply(200, R"({"ok":false,"error":"not_in_channel"})")).verdict,
            Verdict::Permanent);
  EXPECT_EQ(classifySlackApi(test::reply(200, R"({"ok":false,"error":"internal_error"})")).verdict,
            Verdict::Transient);
  auto limited = classifySlackApi(test::reply(429, R"({"ok":false,"error":"ratelimited"})"));
  EXPECT_EQ(limited.verdict, Verdict::Transient);
  EXPECT_EQ(limited.reason, "slack error ratelimited (HTTP 429)");
  EXPECT_EQ(classifySlackApi(test::reply(503, "upstream down")).verdict, Verdict::Transient);
  EXPECT_EQ(classifySlackApi(test::reply(200, "<html>")).verdict, Verdict::Permanent);
  HttpResponse transport;
  transport.error = "connect refused";
  EXPECT_EQ(classifySlackApi(transport).verdict, Verdict::Transient);
}

TEST(SlackClassify, WebhookPlainTextAnswers) {
  EXPECT_EQ(classifySlackWebhook(test::reply(200, "ok")).verdict, Verdict::Success);
  auto archived = classifySlackWebhook(test::reply(410, "channel_is_archived"));
  EXPECT_EQ(archived.verdict, Verdict::Permanent);
  EXPECT_EQ(archived.reason, "slack webhook error channel_is_archived (HTTP 410)");
  EXPECT_EQ(classifySlackWebhook(test::reply(400, "invalid_payload")).verdict, Verdict::Permanent);
  EXPECT_EQ(classifySlackWebhook(test::reply(403, "action_prohibited")).verdict,
            Verdict::Permanent);
  EXPECT_EQ(classifySlackWebhook(test::reply(404, "no_service")).verdict, Verdict::Permanent);
  EXPECT_EQ(classifySlackWebhook(test::reply(429, "rate_limited")).verdict, Verdict::Transient);
  EXPECT_EQ(classifySlackWebhook(test::reply(500, "oops")).verdict, Verdict::Transient);
  EXPECT_EQ(classifySlackWebhook(test::reply(200, "maybe")).verdict, Verdict::Permanent);
}

TEST(SlackNotifier, WebhookPostsTextAndHidesItsSecret) {
  test::FakeHttp http;
  http.handler = [](const HttpRequest&) { return test::reply(404, "no_service"); };
  config::Snapshot snap;
  auto b =
      test::build("slack", "{webhook: {value: 'http://127.0.0.1:1/services/T1/B2/hooksecret'}}", "",
                  snap, http);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(1));
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.error, "slack webhook error no_service (HTTP 404)");
  ASSERT_EQ(http.requests.size(), 1u);  // permanent
  const HttpRequest& r = http.requests[0];
  EXPECT_EQ(r.url, "http://127.0.0.1:1/services/T1/B2/hooksecret");
  EXPECT_EQ(header(r, "Authorization"), "");
  json body = json::parse(r.body);
  EXPECT_EQ(body.size(), 1u);
  EXPECT_NE(body["text"].get<std::string>().find("A0"), std::string::npos);
  EXPECT_EQ(out.channelTarget, "http://127.0.0.1:1/services/T1/B2/***");
}

TEST(SlackNotifier, WebhookTargetNeverShowsTheSecret) {
  EXPECT_EQ(slackWebhookTarget("https://hooks.slack.com/services/T1/B2/sec/"),
            "https://hooks.slack.com/services/T1/B2/***");
  EXPECT_EQ(slackWebhookTarget("https://u:p@hooks.example/x?token=t"), "https://hooks.example/***");
}

TEST(SlackNotifier, SplitsAt40000BytesInOrder) {
  test::FakeHttp http;
  http.handler = [](const HttpRequest& r) {
    return r.url.find("chat.postMessage") != std::string::npos ? okReply() : test::reply(200, "ok");
  };
  auto snap = slackSnapshot();
  auto b = test::build("slack", "{channels: [C1, C2], webhook: {value: 'http://127.0.0.1:1/h'}}",
                       kBotConfig, snap, http);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(12, std::string(9000, 'x')));
  EXPECT_TRUE(out.ok) << out.error;
  ASSERT_GT(http.requests.size(), 3u);
  ASSERT_EQ(http.requests.size() % 3, 0u);  // each chunk to C1, C2 and the webhook
  std::map<std::string, std::string> perTarget;
  for (const auto& r : http.requests) {
    json body = json::parse(r.body);
    std::string text = body["text"];
    std::string escaped = json(text).dump();
    EXPECT_LT(escaped.size() - 2, kSlackTextMax);
    perTarget[body.value("channel", std::string("webhook"))] += text;
  }
  ASSERT_EQ(perTarget.size(), 3u);
  for (const auto& [target, all] : perTarget) {
    size_t last = 0;
    for (int i = 0; i < 12; ++i) {
      size_t at = all.find("A" + std::to_string(i) + "\n");
      ASSERT_NE(at, std::string::npos) << target << " A" << i;
      EXPECT_GE(at, last) << target << ": A" << i << " out of order";
      last = at;
    }
  }
}

}  // namespace
}  // namespace nm
