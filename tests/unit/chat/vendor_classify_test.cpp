// Unit tests of the DingTalk and WeCom reply classifiers.
#include <gtest/gtest.h>

#include "chat_helpers.h"
#include "notify/vendor_classify.h"

namespace nm {
namespace {

using test::reply;

TEST(VendorClassify, ErrcodeZeroIsSuccess) {
  EXPECT_EQ(classifyVendor(reply(200, R"({"errcode":0,"errmsg":"ok"})"), dingtalkCodes()).verdict,
            Verdict::Success);
}

TEST(VendorClassify, RateLimitAndBusyAreTransient) {
  auto c = classifyVendor(reply(200, R"({"errcode":45009,"errmsg":"api freq out of limit"})"),
                          wecomCodes());
  EXPECT_EQ(c.verdict, Verdict::Transient);
  EXPECT_EQ(c.reason, "wecom errcode 45009: api freq out of limit");
  EXPECT_EQ(
      classifyVendor(reply(200, R"({"errcode":130101,"errmsg":"send too fast"})"), dingtalkCodes())
          .verdict,
      Verdict::Transient);
  EXPECT_EQ(
      classifyVendor(reply(200, R"({"errcode":-1,"errmsg":"system busy"})"), wecomCodes()).verdict,
      Verdict::Transient);
}

TEST(VendorClassify, HttpStatusesFollowTheDefault) {
  auto c = classifyVendor(reply(503, "busy"), wecomCodes());
  EXPECT_EQ(c.verdict, Verdict::Transient);
  EXPECT_EQ(c.reason, "wecom: HTTP 503: busy");
  EXPECT_EQ(classifyVendor(reply(429, ""), wecomCodes()).verdict, Verdict::Transient);
  EXPECT_EQ(classifyVendor(reply(400, "bad"), dingtalkCodes()).verdict, Verdict::Permanent);
  HttpResponse transport;
  transport.error = "connect: refused";
  EXPECT_EQ(classifyVendor(transport, dingtalkCodes()).verdict, Verdict::Transient);
}

TEST(VendorClassify, BadTokenAndBadRequestArePermanent) {
  auto r = reply(200, R"({"errcode":42001,"errmsg":"access_token expired"})");
  EXPECT_EQ(classifyVendor(r, wecomCodes()).verdict, Verdict::Permanent);
  EXPECT_TRUE(isTokenInvalid(r, wecomCodes()));
  auto bad = reply(200, R"({"errcode":300001,"errmsg":"param error"})");
  EXPECT_EQ(classifyVendor(bad, dingtalkCodes()).verdict, Verdict::Permanent);
  EXPECT_FALSE(isTokenInvalid(bad, dingtalkCodes()));
  EXPECT_EQ(classifyVendor(reply(200, "<html>"), dingtalkCodes()).verdict, Verdict::Permanent);
}

TEST(VendorClassify, DingtalkPunishStatusIsAnError) {
  auto c = classifyVendor(reply(200, R"({"status":2,"punish":"block"})"), dingtalkCodes());
  EXPECT_EQ(c.verdict, Verdict::Permanent);
  EXPECT_EQ(c.reason, "dingtalk status 2: block");
}

}  // namespace
}  // namespace nm
