// Unit tests of the email decoders (field-path diagnostics for from, to[], smartHost, tmplType),
// options, recipient batching and the SMTP outcome classification.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include "chat/chat_helpers.h"
#include "notify/channels/email.h"
#include "notify/smtp_client_curl.h"

namespace nm {
namespace {

using test::decodeBlock;

const char* kConfig = R"(
from: Alerts <nm@example.com>
smartHost: {host: smtp.example.com, port: 587}
authUsername: nm
authPassword: {value: pw}
requireTLS: true
tls: {serverName: mail.example.com}
)";

TEST(EmailDecode, ValidConfigAndReceiver) {
  auto c = decodeBlock("email", kConfig, true);
  ASSERT_TRUE(c.spec) << c.firstError();
  auto cfg = std::dynamic_pointer_cast<const EmailConfigSpec>(c.spec);
  EXPECT_EQ(cfg->host, "smtp.example.com");
  EXPECT_EQ(cfg->port, 587);
  EXPECT_TRUE(cfg->requireTLS);
  EXPECT_EQ(cfg->tls->serverName, "mail.example.com");
  auto r = decodeBlock("email", "to: [a@example.com, 'B <b@example.com>']\ntmplType: text", false);
  ASSERT_TRUE(r.spec) << r.firstError();
  auto spec = std::dynamic_pointer_cast<const EmailSpec>(r.spec);
  EXPECT_EQ(spec->to.size(), 2u);
  EXPECT_EQ(spec->tmplType, "text");
}

TEST(EmailDecode, ConfigErrorsNameTheField) {
  EXPECT_EQ(decodeBlock("email", "smartHost: {host: h, port: 25}", true).firstError(),
            "spec.email.from: required field is missing");
  EXPECT_EQ(decodeBlock("email", "from: not-an-address\nsmartHost: {host: h, port: 25}", true)
                .firstError(),
            "spec.email.from: not a valid email address: \"not-an-address\"");
  EXPECT_EQ(
      decodeBlock("email", "from: a@x.com\nsmartHost: {host: h, port: 70000}", true).firstError(),
      "spec.email.smartHost.port: must be between 1 and 65535");
  EXPECT_EQ(decodeBlock("email", "from: a@x.com\nsmartHost: {host: h, port: abc}", true)
                .firstError()
                .substr(0, 27),
            "spec.email.smartHost.port: ");
  EXPECT_EQ(decodeBlock("email", "from: a@x.com\nsmartHost: {host: h}", true).firstError(),
            "spec.email.smartHost.port: required field is missing");
  EXPECT_EQ(decodeBlock("email", "from: a@x.com", true).firstError(),
            "spec.email.smartHost: required field is missing");
  EXPECT_NE(decodeBlock("email", "from: a@x.com\nsmartHost: {host: h, port: 25}\nbogus: 1", true)
                .firstError()
                .find("spec.email"),
            std::string::npos);
  EXPECT_EQ(decodeBlock("email",
                        "from: a@x.com\nsmartHost: {host: h, port: 25}\n"
                        "tls: {clientCertificate: {cert: {value: c}}}",
                        true)
                .firstError(),
            "spec.email.tls.clientCertificate: cert and key must be given together");
}

TEST(EmailDecode, ReceiverErrorsNameTheField) {
  EXPECT_EQ(decodeBlock("email", "to: [a@example.com, bad address]", false).firstError(),
            "spec.email.to[1]: not a valid email address: \"bad address\"");
  EXPECT_EQ(decodeBlock("email", "to: []", false).firstError(),
            "spec.email.to: at least one recipient is required");
  EXPECT_EQ(decodeBlock("email", "tmplType: html", false).firstError(),
            "spec.email.to: at least one recipient is required");
  EXPECT_EQ(decodeBlock("email", "to: [a@example.com]\ntmplType: markdown", false).firstError(),
            "spec.email.tmplType: must be html or text");
  EXPECT_FALSE(decodeBlock("email", "to: [a@example.com]\ncc: [b@example.com]", false).spec);
}

TEST(EmailDecode, Options) {
  model::NotificationManager nm;
  std::string err;
  EmailOptions o = emailOptions(nm, err);
  EXPECT_EQ(o.maxEmailReceivers, 0u);
  EXPECT_EQ(o.timeoutSeconds, 3);
  model::ChannelOptions co;
  co.notificationTimeout = 9;
  co.raw = YAML::Load(
      "{maxEmailReceivers: 2, tmplType: text, subjectTemplate: s, "
      "deliveryType: bulk}");
  nm.channelOptions["email"] = co;
  o = emailOptions(nm, err);
  EXPECT_EQ(err, "");
  EXPECT_EQ(o.maxEmailReceivers, 2u);
  EXPECT_EQ(o.timeoutSeconds, 9);
  EXPECT_EQ(o.tmplType, "text");
  EXPECT_EQ(o.subjectTemplate, "s");
  nm.channelOptions["email"].raw = YAML::Load("{tmplType: markdown}");
  emailOptions(nm, err);
  EXPECT_EQ(err, "spec.receivers.options.email.tmplType: must be html or text");
}

TEST(EmailBatches, SplitsInOrder) {
  std::vector<std::string> to{"a", "b", "c", "d", "e"};
  EXPECT_EQ(emailBatches(to, 0), (std::vector<std::vector<std::string>>{to}));
  EXPECT_EQ(emailBatches(to, 2),
            (std::vector<std::vector<std::string>>{{"a", "b"}, {"c", "d"}, {"e"}}));
  EXPECT_EQ(emailBatches(to, 5).size(), 1u);
  EXPECT_EQ(emailBatches(to, 100).size(), 1u);
  EXPECT_TRUE(emailBatches({}, 3).empty());
}

TEST(SmtpClassify, Codes) {
  auto r = classifySmtp(CURLE_OK, "", 250, "250 ok", {}, 2);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.error, "");

  r = classifySmtp(CURLE_OK, "", 250, "250 ok", {{"b@x", 550, "550 no such user"}}, 2);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.error, "rejected <b@x>: 550 no such user");

  r = classifySmtp(CURLE_SEND_ERROR, "", 550, "550 no such user",
                   {{"a@x", 550, "550 no such user"}}, 1);
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.transient);
  EXPECT_EQ(r.error, "all recipients rejected: rejected <a@x>: 550 no such user");

  r = classifySmtp(CURLE_SEND_ERROR, "", 451, "451 try later", {{"a@x", 451, "451 try later"}}, 1);
  EXPECT_TRUE(r.transient);

  r = classifySmtp(CURLE_WEIRD_SERVER_REPLY, "", 421, "421 busy", {}, 1);
  EXPECT_TRUE(r.transient);
  EXPECT_EQ(r.error, "smtp 421 busy");

  r = classifySmtp(CURLE_SEND_ERROR, "", 554, "554 message refused", {}, 1);
  EXPECT_FALSE(r.transient);
  EXPECT_EQ(r.error, "smtp 554 message refused");

  r = classifySmtp(CURLE_LOGIN_DENIED, "", 535, "535 bad credentials", {}, 1);
  EXPECT_FALSE(r.transient);
  EXPECT_EQ(r.error, "auth failed: smtp 535 bad credentials");

  r = classifySmtp(CURLE_COULDNT_CONNECT, "Failed to connect", 0, "", {}, 1);
  EXPECT_TRUE(r.transient);
  EXPECT_EQ(r.error, "connect: Failed to connect");

  r = classifySmtp(CURLE_GOT_NOTHING, "", 250, "250 sender ok", {}, 1);
  EXPECT_TRUE(r.transient);

  r = classifySmtp(CURLE_SSL_CONNECT_ERROR, "handshake", 0, "", {}, 1);
  EXPECT_TRUE(r.transient);

  r = classifySmtp(CURLE_PEER_FAILED_VERIFICATION, "unable to get local issuer certificate", 220,
                   "220 ready", {}, 1);
  EXPECT_FALSE(r.transient);
  EXPECT_EQ(r.error,
            "tls: certificate verification failed: unable to get local issuer certificate");

  r = classifySmtp(CURLE_USE_SSL_FAILED, "", 250, "250 ok", {}, 1);
  EXPECT_FALSE(r.transient);
  EXPECT_EQ(r.error, "requireTLS: the server does not offer STARTTLS");
}

}  // namespace
}  // namespace nm
