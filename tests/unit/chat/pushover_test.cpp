// Unit tests of the Pushover channel: profile validation with field paths and the sound list,
// request shape per profile per chunk, titles, splitting at 1024, 4xx/429 final, 5xx retried.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "chat_helpers.h"
#include "notify/channels/pushover.h"

namespace nm {
namespace {

using json = nlohmann::json;

const std::string kUser1 = "uQiRzpo4DXghDmr9QzzfQu27cmVRsG";
const std::string kUser2 = "gznej3rKEVAvPUxu9vvNnqpmZpokzF";
const std::string kToken = "azGDORePK8gMaC0QOYAMyEEuzJnyUi";
const std::string kConfig = "{pushoverTokenSecret: {value: " + kToken + "}}";

config::Snapshot snapshotWithBase(const std::string& extra = "") {
  config::Snapshot snap;
  snap.nm.channelOptions["pushover"].raw =
      YAML::Load("{apiBaseUrl: 'http://127.0.0.1:9'" + extra + "}");
  return snap;
}

HttpResponse okReply() {
  return test::reply(200, R"({"status":1,"request":"r1"})");
}

TEST(PushoverDecode, ProfilesValidatedWithPaths) {
  auto none = test::decodeBlock("pushover", "{titleTemplate: x}", false);
  EXPECT_EQ(none.firstError(), "spec.pushover.profiles: at least one profile is required");
  auto key = test::decodeBlock("pushover", "{profiles: [{userKey: short}]}", false);
  EXPECT_FALSE(key.spec);
  EXPECT_EQ(key.firstError(), "spec.pushover.profiles[0].userKey: must be 30 letters or digits");
  auto missing = test::decodeBlock("pushover", "{profiles: [{devices: [d1]}]}", false);
  EXPECT_EQ(missing.firstError(), "spec.pushover.profiles[0].userKey: required field is missing");
  auto dev = test::decodeBlock("pushover",
                               "{profiles: [{userKey: " + kUser1 + "}, {userKey: " + kUser2 +
                                   ", devices: [phone, 'has space']}]}",
                               false);
  EXPECT_EQ(dev.firstError(),
            "spec.pushover.profiles[1].devices[1]: must be 1 to 25 letters, digits, '_' or '-', "
            "got \"has space\"");
  auto sound =
      test::decodeBlock("pushover", "{profiles: [{userKey: " + kUser1 + ", sound: boing}]}", false);
  EXPECT_EQ(sound.firstError().rfind("spec.pushover.profiles[0].sound: unknown sound \"boing\"", 0),
            0u)
      << sound.firstError();
  auto unknown =
      test::decodeBlock("pushover", "{profiles: [{userKey: " + kUser1 + ", prio: 1}]}", false);
  EXPECT_NE(unknown.firstError().find("spec.pushover.profiles[0].prio"), std::string::npos);
  auto ok = test::decodeBlock("pushover",
                              "{profiles: [{userKey: " + kUser1 +
                                  ", devices: [iphone, pixel-7_a], sound: vibrate, title: T}]}",
                              false);
  ASSERT_TRUE(ok.spec) << ok.firstError();
  auto c = test::decodeBlock("pushover", "{}", true);
  EXPECT_EQ(c.firstError(), "spec.pushover.pushoverTokenSecret: required field is missing");
}

TEST(PushoverBodies, SoundsTitlesAndOmittedFields) {
  EXPECT_EQ(std::size(kPushoverSounds), 23u);
  EXPECT_TRUE(isPushoverSound("pushover"));
  EXPECT_TRUE(isPushoverSound("none"));
  EXPECT_FALSE(isPushoverSound("Pushover"));
  EXPECT_EQ(pushoverUtf8Prefix("aé", 2), "a");  // é is two bytes: not cut in half
  EXPECT_EQ(pushoverUtf8Prefix("abc", 5), "abc");
  PushoverProfile p{kUser1, {}, "", ""};
  EXPECT_EQ(json::parse(pushoverBody("T", p, "", "m")),
            json::parse(R"({"token":"T","user":")" + kUser1 + R"(","message":"m"})"));
  p.devices = {"d1", "d2"};
  p.sound = "siren";
  json j = json::parse(pushoverBody("T", p, std::string(300, 'x'), "m"));
  EXPECT_EQ(j["device"], "d1,d2");
  EXPECT_EQ(j["sound"], "siren");
  EXPECT_EQ(j["title"].get<std::string>().size(), kPushoverMaxTitle);
  std::string euros;
  for (int i = 0; i < 100; ++i) euros += "€";  // 3 bytes each
  std::string t = json::parse(pushoverBody("T", p, euros, "m"))["title"];
  EXPECT_EQ(t.size(), 249u);
}

TEST(PushoverClassify, VendorErrorsAndQuota) {
  auto bad = classifyPushover(
      test::reply(400, R"({"user":"invalid","errors":["user identifier is invalid"],"status":0,
          "request":"x"})"));
  EXPECT_EQ(bad.verdict, Verdict::Permanent);
  EXPECT_EQ(bad.reason, "pushover: user identifier is invalid");
  auto quota = classifyPushover(test::reply(429, R"({"status":0,"errors":["over limit"]})"));
  EXPECT_EQ(quota.verdict, Verdict::Permanent);
  EXPECT_NE(quota.reason.find("monthly message limit"), std::string::npos);
  EXPECT_EQ(classifyPushover(test::reply(503, "busy")).verdict, Verdict::Transient);
  EXPECT_EQ(classifyPushover(okReply()).verdict, Verdict::Success);
  EXPECT_EQ(classifyPushover(test::reply(200, R"({"status":0})")).verdict, Verdict::Permanent);
}

TEST(PushoverNotifier, OneRequestPerProfileWithDefaultOrProfileTitle) {
  test::FakeHttp http;
  http.handler = [](const HttpRequest&) { return okReply(); };
  auto snap = snapshotWithBase();
  auto b = test::build("pushover",
                       "{profiles: [{userKey: " + kUser1 +
                           ", devices: [iphone, ipad], sound: siren}, {userKey: " + kUser2 +
                           ", title: 'Old title'}]}",
                       kConfig, snap, http);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(2));
  EXPECT_TRUE(out.ok) << out.error;
  ASSERT_EQ(http.requests.size(), 2u);
  EXPECT_EQ(http.requests[0].url, "http://127.0.0.1:9/1/messages.json");
  json a = json::parse(http.requests[0].body);
  EXPECT_EQ(a["token"], kToken);
  EXPECT_EQ(a["user"], kUser1);
  EXPECT_EQ(a["device"], "iphone,ipad");
  EXPECT_EQ(a["sound"], "siren");
  EXPECT_FALSE(a["title"].get<std::string>().empty());  // nm.default.subject
  EXPECT_NE(a["message"].get<std::string>().find("A1"), std::string::npos);
  json c = json::parse(http.requests[1].body);
  EXPECT_EQ(c["user"], kUser2);
  EXPECT_EQ(c["title"], "Old title");
  EXPECT_FALSE(c.contains("device"));
  EXPECT_FALSE(c.contains("sound"));
  EXPECT_EQ(out.channelTarget.find(kUser1), std::string::npos);
  EXPECT_EQ(out.channelTarget.find(kToken), std::string::npos);
}

TEST(PushoverNotifier, TitleTemplateOverridesProfileTitle) {
  test::FakeHttp http;
  http.handler = [](const HttpRequest&) { return okReply(); };
  auto snap = snapshotWithBase();
  auto b = test::build("pushover",
                       "{titleTemplate: '{{ template \"nm.default.subject\" . }} (custom)', "
                       "profiles: [{userKey: " +
                           kUser1 + ", title: Old}]}",
                       kConfig, snap, http);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(1));
  EXPECT_TRUE(out.ok) << out.error;
  ASSERT_EQ(http.requests.size(), 1u);
  std::string title = json::parse(http.requests[0].body)["title"];
  EXPECT_TRUE(title.ends_with(" (custom)")) << title;
}

TEST(PushoverNotifier, LongGroupSplitBelow1024PerProfile) {
  test::FakeHttp http;
  http.handler = [](const HttpRequest&) { return okReply(); };
  auto snap = snapshotWithBase();
  auto b =
      test::build("pushover", "{profiles: [{userKey: " + kUser1 + "}, {userKey: " + kUser2 + "}]}",
                  kConfig, snap, http);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(12, std::string(150, 'q')));
  EXPECT_TRUE(out.ok) << out.error;
  ASSERT_GT(http.requests.size(), 2u);
  EXPECT_EQ(http.requests.size() % 2, 0u);
  size_t perUser1 = 0;
  std::string all;
  for (const auto& r : http.requests) {
    json j = json::parse(r.body);
    EXPECT_LE(j["message"].get<std::string>().size(), kPushoverMaxMessage);
    if (j["user"] == kUser1) {
      ++perUser1;
      all += j["message"].get<std::string>();
    }
  }
  EXPECT_EQ(perUser1 * 2, http.requests.size());
  for (int i = 0; i < 12; ++i) {
    EXPECT_NE(all.find("A" + std::to_string(i) + "\n"), std::string::npos) << i;
  }
}

TEST(PushoverNotifier, ClientErrorsFinalServerErrorsRetried) {
  test::FakeHttp http;
  http.handler = [](const HttpRequest&) {
    return test::reply(400, R"({"user":"invalid","errors":["user identifier is invalid"],
        "status":0,"request":"5042853c"})");
  };
  auto snap = snapshotWithBase();
  auto b = test::build("pushover", "{profiles: [{userKey: " + kUser1 + "}]}", kConfig, snap, http);
  ASSERT_TRUE(b.notifier) << b.error;
  auto out = test::sendNow(*b.notifier, test::chatData(1));
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.error, "pushover: user identifier is invalid");
  EXPECT_EQ(http.requests.size(), 1u);

  http.requests.clear();
  http.handler = [](const HttpRequest&) { return test::reply(429, R"({"status":0})"); };
  out = test::sendNow(*b.notifier, test::chatData(1));
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(http.requests.size(), 1u);
  EXPECT_NE(out.error.find("monthly message limit"), std::string::npos);

  http.requests.clear();
  int calls = 0;
  http.handler = [&](const HttpRequest&) {
    if (++calls == 1) return test::reply(500, "oops " + kToken);
    return okReply();
  };
  out = test::sendNow(*b.notifier, test::chatData(1));
  EXPECT_TRUE(out.ok) << out.error;
  EXPECT_EQ(out.attempts, 2);

  http.handler = [&](const HttpRequest&) { return test::reply(400, "token " + kToken + " bad"); };
  out = test::sendNow(*b.notifier, test::chatData(1));
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.error.find(kToken), std::string::npos) << out.error;
}

TEST(PushoverNotifier, MissingConfigAndUnknownOptionFailToBuild) {
  test::FakeHttp http;
  config::Snapshot snap;
  auto b = test::build("pushover", "{profiles: [{userKey: " + kUser1 + "}]}", "", snap, http);
  EXPECT_FALSE(b.notifier);
  EXPECT_NE(b.error.find("pushoverTokenSecret"), std::string::npos);
  auto bad = snapshotWithBase(", priority: 2");
  b = test::build("pushover", "{profiles: [{userKey: " + kUser1 + "}]}", kConfig, bad, http);
  EXPECT_FALSE(b.notifier);
  EXPECT_NE(b.error.find("spec.receivers.options.pushover.priority"), std::string::npos);
}

}  // namespace
}  // namespace nm
