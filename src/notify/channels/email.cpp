// The email notifier: renders subject and bodies, builds one MIME message per batch of
// recipients, sends each batch in one SMTP session with retries, and reports refused recipients.
#include "notify/channels/email.h"

#include <mutex>
#include <random>
#include <utility>

#include "interfaces/snapshot.h"
#include "notify/channel_common.h"
#include "notify/channels/email_mime.h"
#include "notify/smtp_client_curl.h"
#include "observe/log.h"

namespace nm {

namespace {

uint64_t randomWord() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng();
}

std::string hex64(uint64_t v) {
  static const char* digits = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) s[static_cast<size_t>(i)] = digits[v & 15];
  return s;
}

std::string joined(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

std::string bareAddress(const std::string& text) {
  auto a = parseMailAddress(text);
  return a ? a->address : text;
}

// The outcome of all batches of one send, completed when the last batch ends.
struct SendState {
  std::mutex mu;
  size_t pending = 0;
  int attempts = 0;
  int lastCode = 0;
  std::vector<std::string> errors;
  std::function<void(SendOutcome)> done;
  std::string target;
  std::string receiverName;

  void finishBatch(int attemptCount, int code, std::vector<std::string> batchErrors) {
    std::function<void(SendOutcome)> cb;
    SendOutcome o;
    {
      std::lock_guard<std::mutex> g(mu);
      attempts += attemptCount;
      if (code) lastCode = code;
      for (auto& e : batchErrors) errors.push_back(std::move(e));
      if (--pending > 0) return;
      o.ok = errors.empty();
      o.error = joined(errors, "; ");
      if (!o.ok && lastCode >= 400) o.failureClass = lastCode >= 500 ? "smtp_5xx" : "smtp_4xx";
      o.attempts = attempts;
      o.channelTarget = target;
      cb = std::move(done);
    }
    if (!o.ok) {
      log::warn("email: send failed", {{"receiver", "email/" + receiverName}, {"error", o.error}});
    }
    cb(std::move(o));
  }
};

// One batch: a session for its recipients, retried while transient; recipients refused with a
// 4xx reply are retried alone after the others were accepted.
struct BatchRun : std::enable_shared_from_this<BatchRun> {
  SmtpClient& smtp;
  SmtpServer server;
  SmtpEnvelope envelope;
  RetryPolicy policy;
  TimePoint deadline;
  std::shared_ptr<SendState> state;
  int attempts = 0;
  int lastCode = 0;
  std::vector<std::string> errors;

  BatchRun(SmtpClient& c, SmtpServer s, SmtpEnvelope e, RetryPolicy p, TimePoint d,
           std::shared_ptr<SendState> st)
      : smtp(c),
        server(std::move(s)),
        envelope(std::move(e)),
        policy(p),
        deadline(d),
        state(std::move(st)) {}

  void attempt() {
    ++attempts;
    smtp.send(server, envelope, deadline,
              [self = shared_from_this()](SmtpResult r) { self->onResult(std::move(r)); });
  }

  bool retryLater(const std::string& why) {
    if (policy.maxAttempts > 0 && attempts >= policy.maxAttempts) return false;
    const Duration delay = backoffDelay(policy, attempts);
    if (now() + delay >= deadline) return false;
    log::debug("email: retrying", {{"receiver", "email/" + state->receiverName}, {"error", why}});
    smtp.after(delay, [self = shared_from_this()] { self->attempt(); });
    return true;
  }

  void onResult(SmtpResult r) {
    if (r.code) lastCode = r.code;
    if (r.ok) {
      std::vector<std::string> again;
      std::vector<SmtpRejection> transientRejections;
      for (const auto& x : r.rejected) {
        if (x.code >= 400 && x.code < 500) {
          again.push_back(x.rcpt);
          transientRejections.push_back(x);
        } else {
          errors.push_back("rejected <" + x.rcpt + ">: " + x.reply);
        }
      }
      if (!again.empty()) {
        envelope.rcpts = std::move(again);
        std::string why;
        for (const auto& x : transientRejections) why += "rejected <" + x.rcpt + ">: " + x.reply;
        if (retryLater(why)) return;
        for (const auto& x : transientRejections) {
          errors.push_back("rejected <" + x.rcpt + ">: " + x.reply);
        }
      }
      return finish();
    }
    if (r.transient && retryLater(r.error)) return;
    errors.push_back(r.error);
    finish();
  }

  void finish() { state->finishBatch(attempts, lastCode, std::move(errors)); }
};

bool resolve(const NotifierContext& ctx, const model::Credential& c, const char* what,
             std::string& out, std::string& error) {
  return resolveCredential(ctx, c, "email", what, out, error);
}

std::unique_ptr<Notifier> make(const NotifierContext& ctx, std::string& error) {
  EmailOptions opts;
  auto spec = channelSpecAndOptions<EmailSpec>(ctx, "email", &emailOptions, opts, error);
  if (!spec) return nullptr;
  auto cfg =
      ctx.config ? std::dynamic_pointer_cast<const EmailConfigSpec>(ctx.config->spec) : nullptr;
  if (!cfg) {
    error = "email: no email config (from, smartHost) matched this receiver";
    return nullptr;
  }
  EmailSettings s;
  s.server.host = cfg->host;
  s.server.port = cfg->port;
  s.server.hello = cfg->hello;
  s.server.requireTLS = cfg->requireTLS;
  s.server.timeout = std::chrono::seconds(opts.timeoutSeconds);
  if (cfg->tls) {
    const auto& t = *cfg->tls;
    if (t.rootCA && !resolve(ctx, *t.rootCA, "tls.rootCA", s.server.tls.caPem, error)) {
      return nullptr;
    }
    if (t.clientCert &&
        !resolve(ctx, *t.clientCert, "tls.clientCertificate.cert", s.server.tls.certPem, error)) {
      return nullptr;
    }
    if (t.clientKey &&
        !resolve(ctx, *t.clientKey, "tls.clientCertificate.key", s.server.tls.keyPem, error)) {
      return nullptr;
    }
    s.server.tls.serverName = t.serverName;
    s.server.tls.insecureSkipVerify = t.insecureSkipVerify;
  }
  if (!cfg->authUsername.empty()) {
    s.server.username = cfg->authUsername;
    s.server.authzid = cfg->authIdentify;
    if (cfg->authPassword) {
      // As the reference: the password serves PLAIN and LOGIN (and NTLM, our addition);
      // CRAM-MD5 takes authSecret.
      if (!resolve(ctx, *cfg->authPassword, "authPassword", s.server.password, error)) {
        return nullptr;
      }
      s.server.loginOptions = "AUTH=PLAIN;AUTH=LOGIN;AUTH=NTLM";
    } else if (cfg->authSecret) {
      if (!resolve(ctx, *cfg->authSecret, "authSecret", s.server.password, error)) return nullptr;
      s.server.loginOptions = "AUTH=CRAM-MD5";
    }
  }
  s.from = cfg->from;
  s.to = spec->to;
  s.maxReceivers = opts.maxEmailReceivers;
  const std::string type =
      !spec->tmplType.empty() ? spec->tmplType : (!opts.tmplType.empty() ? opts.tmplType : "html");
  s.html = type == "html";
  s.bodyTemplate = render::chooseTemplate(s.html ? "nm.default.html" : "nm.default.text",
                                          ctx.snapshot.nm.globalTemplate, opts.templateName,
                                          ctx.receiver.templateName);
  s.subjectTemplate =
      render::chooseTemplate("nm.default.subject", "", opts.subjectTemplate, spec->subjectTemplate);
  s.receiverName = ctx.receiver.name;
  return std::make_unique<EmailNotifier>(ctx.services.smtp, std::move(s),
                                         config::rendererFor(ctx.receiver, ctx.snapshot));
}

}  // namespace

EmailNotifier::EmailNotifier(SmtpClient& smtp, EmailSettings settings,
                             std::shared_ptr<const render::Renderer> renderer, RetryPolicy policy)
    : smtp_(smtp),
      settings_(std::move(settings)),
      renderer_(std::move(renderer)),
      policy_(policy) {}

bool EmailNotifier::messages(const Data& data, const std::vector<std::vector<std::string>>& batches,
                             std::vector<std::string>& out, std::string& error) const {
  if (!renderer_) {
    error = "template: no renderer";
    return false;
  }
  MimeMessage m;
  auto from = parseMailAddress(settings_.from);
  if (!from) {
    error = "from: not a valid email address";
    return false;
  }
  m.from = *from;
  render::RenderResult subject = renderer_->render(settings_.subjectTemplate, data);
  if (!subject.ok()) {
    error = "subject template: " + subject.error;
    return false;
  }
  for (char& c : subject.text) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  m.subject = std::move(subject.text);
  if (settings_.html) {
    // html/template contextual escaping: alert text cannot inject markup into the email.
    render::RenderResult html = renderer_->renderHtml(settings_.bodyTemplate, data);
    if (!html.ok()) {
      error = "template: " + html.error;
      return false;
    }
    render::RenderResult text = renderer_->render(settings_.textTemplate, data);
    if (!text.ok()) {
      error = "text template: " + text.error;
      return false;
    }
    m.html = std::move(html.text);
    m.text = std::move(text.text);
  } else {
    render::RenderResult text = renderer_->render(settings_.bodyTemplate, data);
    if (!text.ok()) {
      error = "template: " + text.error;
      return false;
    }
    m.text = std::move(text.text);
  }
  const TimePoint t = now();
  m.date = formatMailDate(t);
  for (const auto& rcpts : batches) {
    m.to.clear();
    for (const auto& r : rcpts) {
      auto a = parseMailAddress(r);
      m.to.push_back(a ? *a : MailAddress{"", r});
    }
    if (!m.html.empty()) m.boundary = "nm-" + hex64(randomWord()) + hex64(randomWord());
    m.messageId = makeMessageId(mailDomain(from->address), t, randomWord());
    out.push_back(buildMimeMessage(m));
  }
  return true;
}

void EmailNotifier::send(std::shared_ptr<const Data> data, TimePoint deadline, SendDone done) {
  auto batches = emailBatches(settings_.to, settings_.maxReceivers);
  std::vector<std::string> bare;
  for (const auto& t : settings_.to) bare.push_back(bareAddress(t));
  if (batches.empty()) {
    SendOutcome o;
    o.error = "no recipients";
    return done(std::move(o));
  }
  std::vector<std::string> bodies;
  if (std::string error; !messages(*data, batches, bodies, error)) {
    log::warn("email: template failed to render",
              {{"receiver", "email/" + settings_.receiverName}, {"error", error}});
    SendOutcome o;
    o.error = error;
    o.channelTarget = joined(bare, ",");
    return done(std::move(o));
  }
  auto state = std::make_shared<SendState>();
  state->pending = batches.size();
  state->done = std::move(done);
  state->target = joined(bare, ",");
  state->receiverName = settings_.receiverName;
  const std::string from = bareAddress(settings_.from);
  for (size_t i = 0; i < batches.size(); ++i) {
    SmtpEnvelope env;
    env.from = from;
    for (const auto& r : batches[i]) env.rcpts.push_back(bareAddress(r));
    env.message = std::move(bodies[i]);
    auto run = std::make_shared<BatchRun>(smtp_, settings_.server, std::move(env), policy_,
                                          deadline, state);
    run->attempt();
  }
}

const ChannelDescriptor& emailDescriptor() {
  static const ChannelDescriptor d{"email", &decodeEmailReceiver, &decodeEmailConfig, &make};
  return d;
}

}  // namespace nm
