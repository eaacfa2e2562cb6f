// Unit tests of the email notifier over a scripted SmtpClient: one session per batch, retries of
// transient failures, refused recipients reported while the others are delivered.
#include <gtest/gtest.h>

#include <deque>

#include "chat/chat_helpers.h"
#include "notify/channels/email.h"
#include "render/renderer.h"

namespace nm {
namespace {

class FakeSmtp final : public SmtpClient {
 public:
  std::deque<SmtpResult> script;  // answered in order; then ok
  std::vector<SmtpEnvelope> sessions;
  std::vector<Duration> delays;

  void send(SmtpServer, SmtpEnvelope env, TimePoint,
            std::function<void(SmtpResult)> done) override {
    sessions.push_back(env);
    SmtpResult r;
    r.ok = true;
    if (!script.empty()) {
      r = script.front();
      script.pop_front();
    }
    done(r);
  }
  void after(Duration d, std::function<void()> fn) override {
    delays.push_back(d);
    fn();
  }
  void shutdown() override {}
};

EmailSettings settings(std::vector<std::string> to, size_t max = 0, bool html = true) {
  EmailSettings s;
  s.server.host = "smtp.example.com";
  s.server.port = 25;
  s.from = "Alerts <nm@example.com>";
  s.to = std::move(to);
  s.maxReceivers = max;
  s.html = html;
  s.bodyTemplate = html ? "nm.default.html" : "nm.default.text";
  s.receiverName = "r1";
  return s;
}

SmtpResult failure(bool transient, int code, std::string error) {
  SmtpResult r;
  r.transient = transient;
  r.code = code;
  r.error = std::move(error);
  return r;
}

TEST(EmailNotifier, OneSessionForAllRecipients) {
  FakeSmtp smtp;
  EmailNotifier n(smtp, settings({"a@example.com", "B <b@example.com>", "c@example.com"}),
                  render::Renderer::builtin());
  auto o = test::sendNow(n, test::chatData(2));
  EXPECT_TRUE(o.ok) << o.error;
  ASSERT_EQ(smtp.sessions.size(), 1u);
  EXPECT_EQ(smtp.sessions[0].from, "nm@example.com");
  EXPECT_EQ(smtp.sessions[0].rcpts,
            (std::vector<std::string>{"a@example.com", "b@example.com", "c@example.com"}));
  const std::string& m = smtp.sessions[0].message;
  EXPECT_NE(m.find("To: a@example.com, B <b@example.com>, c@example.com\r\n"), std::string::npos);
  EXPECT_NE(m.find("Content-Type: multipart/alternative;"), std::string::npos);
  EXPECT_NE(m.find("Content-Type: text/html; charset=UTF-8"), std::string::npos);
  EXPECT_LT(m.find("text/plain"), m.find("text/html"));
  EXPECT_NE(m.find("Message-ID: <"), std::string::npos);
  EXPECT_NE(m.find("@example.com>\r\n"), std::string::npos);
  EXPECT_EQ(o.channelTarget, "a@example.com,b@example.com,c@example.com");
}

TEST(EmailNotifier, TextModeIsPlainText) {
  FakeSmtp smtp;
  EmailNotifier n(smtp, settings({"a@example.com"}, 0, false), render::Renderer::builtin());
  EXPECT_TRUE(test::sendNow(n, test::chatData(1)).ok);
  const std::string& m = smtp.sessions.at(0).message;
  EXPECT_EQ(m.find("multipart"), std::string::npos);
  EXPECT_NE(m.find("Content-Type: text/plain; charset=UTF-8\r\n"), std::string::npos);
  EXPECT_NE(m.find("A0"), std::string::npos);
}

TEST(EmailNotifier, MaxEmailReceiversSplitsSessions) {
  FakeSmtp smtp;
  EmailNotifier n(smtp, settings({"a@x.com", "b@x.com", "c@x.com"}, 2),
                  render::Renderer::builtin());
  EXPECT_TRUE(test::sendNow(n, test::chatData(1)).ok);
  ASSERT_EQ(smtp.sessions.size(), 2u);
  EXPECT_EQ(smtp.sessions[0].rcpts, (std::vector<std::string>{"a@x.com", "b@x.com"}));
  EXPECT_EQ(smtp.sessions[1].rcpts, (std::vector<std::string>{"c@x.com"}));
  EXPECT_NE(smtp.sessions[1].message.find("To: c@x.com\r\n"), std::string::npos);
}

TEST(EmailNotifier, TransientFailuresAreRetried) {
  FakeSmtp smtp;
  smtp.script = {failure(true, 0, "connect: refused"), failure(true, 421, "smtp 421 busy")};
  EmailNotifier n(smtp, settings({"a@x.com"}), render::Renderer::builtin());
  auto o = test::sendNow(n, test::chatData(1));
  EXPECT_TRUE(o.ok) << o.error;
  EXPECT_EQ(smtp.sessions.size(), 3u);
  EXPECT_EQ(o.attempts, 3);
}

TEST(EmailNotifier, PermanentFailuresAreNot) {
  FakeSmtp smtp;
  smtp.script = {failure(false, 0, "tls: certificate verification failed: x")};
  EmailNotifier n(smtp, settings({"a@x.com"}), render::Renderer::builtin());
  auto o = test::sendNow(n, test::chatData(1));
  EXPECT_FALSE(o.ok);
  EXPECT_EQ(o.error, "tls: certificate verification failed: x");
  EXPECT_EQ(smtp.sessions.size(), 1u);
}

TEST(EmailNotifier, RejectedRecipientsAreReported) {
  FakeSmtp smtp;
  SmtpResult partial;
  partial.ok = true;
  partial.rejected = {{"b@x.com", 550, "550 no such user"}};
  smtp.script = {partial};
  EmailNotifier n(smtp, settings({"a@x.com", "b@x.com"}), render::Renderer::builtin());
  auto o = test::sendNow(n, test::chatData(1));
  EXPECT_FALSE(o.ok);
  EXPECT_EQ(o.error, "rejected <b@x.com>: 550 no such user");
  EXPECT_EQ(smtp.sessions.size(), 1u);
}

TEST(EmailNotifier, TemporarilyRejectedRecipientIsRetriedAlone) {
  FakeSmtp smtp;
  SmtpResult partial;
  partial.ok = true;
  partial.rejected = {{"b@x.com", 450, "450 mailbox busy"}};
  smtp.script = {partial};
  EmailNotifier n(smtp, settings({"a@x.com", "b@x.com"}), render::Renderer::builtin());
  auto o = test::sendNow(n, test::chatData(1));
  EXPECT_TRUE(o.ok) << o.error;
  ASSERT_EQ(smtp.sessions.size(), 2u);
  EXPECT_EQ(smtp.sessions[1].rcpts, (std::vector<std::string>{"b@x.com"}));
}

TEST(EmailNotifier, SubjectHasNoNewlines) {
  FakeSmtp smtp;
  EmailSettings s = settings({"a@x.com"});
  s.subjectTemplate = "subj";
  std::string err;
  auto renderer =
      render::Renderer::builtin()->withTemplates("{{ define \"subj\" }}line1\nline2{{ end }}", err);
  ASSERT_TRUE(renderer) << err;
  EmailNotifier n(smtp, s, renderer);
  EXPECT_TRUE(test::sendNow(n, test::chatData(1)).ok);
  EXPECT_NE(smtp.sessions.at(0).message.find("Subject: line1 line2\r\n"), std::string::npos);
}

TEST(EmailNotifier, TemplateErrorIsAnOutcome) {
  FakeSmtp smtp;
  EmailSettings s = settings({"a@x.com"});
  s.bodyTemplate = "{{ template \"no.such\" . }}";
  EmailNotifier n(smtp, s, render::Renderer::builtin());
  auto o = test::sendNow(n, test::chatData(1));
  EXPECT_FALSE(o.ok);
  EXPECT_NE(o.error.find("template"), std::string::npos);
  EXPECT_TRUE(smtp.sessions.empty());
}

}  // namespace
}  // namespace nm
