// The email channel: Config spec.email (smart host, AUTH, TLS), Receiver spec.email (to[]),
// options.email, and a notifier that sends one SMTP session per batch of recipients, retried.
// Protocols: SMTP RFC 5321 https://www.rfc-editor.org/rfc/rfc5321, STARTTLS RFC 3207, SMTP AUTH
// RFC 4954, message format RFC 5322, MIME RFC 2045/2046/2047; libcurl SMTP
// https://curl.se/libcurl/c/CURLOPT_MAIL_RCPT.html, https://curl.se/libcurl/c/CURLOPT_USE_SSL.html.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "interfaces/channel.h"
#include "interfaces/smtp_client.h"
#include "model/resources.h"
#include "notify/retry.h"
#include "render/renderer.h"

namespace nm {

// Config spec.email (credentials unresolved).
struct EmailConfigSpec final : ChannelSpec {
  std::string from;
  std::string host;
  int port = 0;
  std::string hello;
  std::string authUsername;
  std::string authIdentify;
  std::optional<model::Credential> authPassword;
  std::optional<model::Credential> authSecret;  // CRAM-MD5
  bool requireTLS = false;
  std::optional<model::TLSConfig> tls;
};

// Receiver spec.email.
struct EmailSpec final : ChannelSpec {
  std::vector<std::string> to;
  std::string subjectTemplate;
  std::string tmplType;  // "", "html" or "text"
};

// NotificationManager spec.receivers.options.email. maxEmailReceivers 0: no limit (the
// reference's default, math.MaxInt32). The reference's session timeout default is 3s.
struct EmailOptions {
  int timeoutSeconds = 3;
  std::string templateName;
  std::string subjectTemplate;
  std::string tmplType;
  size_t maxEmailReceivers = 0;
};

std::shared_ptr<const ChannelSpec> decodeEmailReceiver(const DecodeContext& ctx);
std::shared_ptr<const ChannelSpec> decodeEmailConfig(const DecodeContext& ctx);
// Options from the NotificationManager (errors in `error`, empty when fine).
EmailOptions emailOptions(const model::NotificationManager& nm, std::string& error);

// Recipients in batches of at most `max` (0: one batch), in order.
std::vector<std::vector<std::string>> emailBatches(const std::vector<std::string>& to, size_t max);

// Everything a send needs, credentials resolved.
struct EmailSettings {
  SmtpServer server;
  std::string from;  // as configured ("Name <a@x>" or "a@x")
  std::vector<std::string> to;
  size_t maxReceivers = 0;
  bool html = true;
  std::string bodyTemplate;
  std::string textTemplate = "nm.default.text";  // the text/plain part of an html message
  std::string subjectTemplate = "nm.default.subject";
  std::string receiverName;
};

class EmailNotifier final : public Notifier {
 public:
  EmailNotifier(SmtpClient& smtp, EmailSettings settings,
                std::shared_ptr<const render::Renderer> renderer, RetryPolicy policy = {});

  void send(std::shared_ptr<const Data> data, TimePoint deadline, SendDone done) override;

  // One message per batch of recipients (templates rendered once); false with `error` when a
  // template fails.
  bool messages(const Data& data, const std::vector<std::vector<std::string>>& batches,
                std::vector<std::string>& out, std::string& error) const;

 private:
  SmtpClient& smtp_;
  EmailSettings settings_;
  std::shared_ptr<const render::Renderer> renderer_;
  RetryPolicy policy_;
};

const ChannelDescriptor& emailDescriptor();

}  // namespace nm
