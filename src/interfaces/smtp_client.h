// The asynchronous SMTP client seam the email channel sends through (beside http_client.h): one
// session per envelope (EHLO, optional STARTTLS and AUTH, MAIL FROM, RCPT TO each, DATA), timers.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/time.h"
#include "interfaces/http_client.h"

namespace nm {

// Where and how to connect. Port 465 means implicit TLS (SMTPS). Otherwise the session is plain
// TCP and, with requireTLS, upgraded by STARTTLS (an error when the server does not offer it).
// Without requireTLS no STARTTLS is attempted, as the reference (Go net/smtp) never does either.
// Certificates are verified unless tls.insecureSkipVerify (the reference skipped verification by
// default; this client does not).
struct SmtpServer {
  std::string host;
  int port = 25;
  std::string hello;  // EHLO name; empty: libcurl's default
  bool requireTLS = false;
  TlsOptions tls;
  // AUTH only when username is set; libcurl picks among the mechanisms the server offers
  // (CRAM-MD5, NTLM, LOGIN, PLAIN), limited by loginOptions ("AUTH=CRAM-MD5", or
  // "AUTH=PLAIN;AUTH=LOGIN"; empty: any).
  std::string username;
  std::string password;
  std::string authzid;  // SASL authorization identity (authIdentify)
  std::string loginOptions;
  Duration timeout = std::chrono::seconds(5);  // per session
};

struct SmtpEnvelope {
  std::string from;                // bare address
  std::vector<std::string> rcpts;  // bare addresses
  std::string message;             // the RFC 5322 message, CRLF line endings, not dot-stuffed
};

struct SmtpRejection {
  std::string rcpt;
  int code = 0;       // the RCPT TO reply code (550…)
  std::string reply;  // the reply line, "550 no such user"
};

struct SmtpResult {
  bool ok = false;                      // the message was accepted for at least one recipient
  bool transient = false;               // when !ok: worth retrying (connection, TLS handshake, 4xx)
  int code = 0;                         // last SMTP reply code seen, 0 if none
  std::string error;                    // why not ok; never a secret
  std::vector<SmtpRejection> rejected;  // recipients refused while the others were accepted
};

class SmtpClient {
 public:
  virtual ~SmtpClient() = default;
  // Runs one session before `deadline`; `done` runs exactly once, on a client thread.
  virtual void send(SmtpServer server, SmtpEnvelope envelope, TimePoint deadline,
                    std::function<void(SmtpResult)> done) = 0;
  // Runs `fn` on a client thread after `delay` (retry backoff).
  virtual void after(Duration delay, std::function<void()> fn) = 0;
  // Ends all work now and joins the client's threads (a session in progress finishes first):
  // queued sessions fail with "client stopped", timers run; later sends fail and later timers
  // run at once on the caller's thread. Idempotent; destruction implies it.
  virtual void shutdown() = 0;
};

}  // namespace nm
