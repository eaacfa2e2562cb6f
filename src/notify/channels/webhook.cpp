// The webhook channel: decoding and validation of Receiver spec.webhook, credential resolution at
// build time, and the notifier that POSTs Data JSON through the shared client with retries.
#include "notify/channels/webhook.h"

#include <curl/curl.h>

#include <utility>

#include "interfaces/snapshot.h"
#include "model/decode.h"
#include "notify/data_json.h"
#include "observe/log.h"
#include "observe/metrics.h"
#include "render/default_templates.h"

namespace nm {

namespace {

constexpr const char* kUserAgent = "notification-manager/0.1.0";
constexpr const char* kInvalidUrl = "not a valid URL";

// An http(s) URL with a host, checked by libcurl's URL parser. Empty when valid, else why not.
std::string checkUrl(const std::string& url) {
  CURLU* h = curl_url();
  std::string why;
  if (curl_url_set(h, CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    why = kInvalidUrl;
  } else {
    char* scheme = nullptr;
    char* host = nullptr;
    curl_url_get(h, CURLUPART_SCHEME, &scheme, 0);
    if (curl_url_get(h, CURLUPART_HOST, &host, 0) != CURLUE_OK || !host || !*host) {
      why = "URL has no host";
    } else if (!scheme ||
               (std::string_view(scheme) != "http" && std::string_view(scheme) != "https")) {
      why = "URL scheme must be http or https";
    }
    curl_free(scheme);
    curl_free(host);
  }
  curl_url_cleanup(h);
  return why;
}

std::shared_ptr<const ChannelSpec> decodeReceiver(const DecodeContext& ctx) {
  model::Reader r(ctx.origin, ctx.diags);
  const size_t before = ctx.diags.items().size();
  const std::string& path = ctx.path;
  if (!r.map(ctx.node, path)) return nullptr;
  r.onlyKeys(ctx.node, path,
             {"enabled", "alertSelector", "webhookConfigSelector", "template", "tmplText", "url",
              "service", "httpConfig"});
  auto spec = std::make_shared<WebhookSpec>();
  const YAML::Node url = ctx.node["url"];
  const YAML::Node svc = ctx.node["service"];
  const bool hasUrl = !model::Reader::absent(url);
  const bool hasSvc = !model::Reader::absent(svc);
  if (hasUrl && hasSvc) {
    r.error(path, "url and service are mutually exclusive: set exactly one");
  } else if (!hasUrl && !hasSvc) {
    r.error(path, "one of url or service is required");
  } else if (hasUrl) {
    if (auto s = r.str(url, model::joinPath(path, "url"))) {
      spec->url = *s;
      if (auto why = checkUrl(*s); !why.empty()) r.error(model::joinPath(path, "url"), why);
    }
  } else {
    const std::string sp = model::joinPath(path, "service");
    if (r.map(svc, sp)) {
      r.onlyKeys(svc, sp, {"namespace", "name", "path", "port", "scheme"});
      const size_t svcBefore = ctx.diags.items().size();
      std::string ns = r.str(svc["namespace"], model::joinPath(sp, "namespace")).value_or("");
      std::string name = r.str(svc["name"], model::joinPath(sp, "name")).value_or("");
      std::string p = r.str(svc["path"], model::joinPath(sp, "path")).value_or("");
      std::string scheme = r.str(svc["scheme"], model::joinPath(sp, "scheme")).value_or("");
      std::optional<int> port = r.integer(svc["port"], model::joinPath(sp, "port"));
      if (port && (*port < 1 || *port > 65535)) {
        r.error(model::joinPath(sp, "port"), "must be between 1 and 65535");
      }
      if (ns.empty()) r.error(model::joinPath(sp, "namespace"), "required field is missing");
      if (name.empty()) r.error(model::joinPath(sp, "name"), "required field is missing");
      if (scheme.empty()) scheme = "http";
      if (scheme != "http" && scheme != "https") {
        r.error(model::joinPath(sp, "scheme"), "must be http or https");
      }
      if (ctx.diags.items().size() == svcBefore) {
        spec->url = webhookServiceUrl(scheme, name, ns, port, p);
        if (auto why = checkUrl(spec->url); !why.empty()) r.error(sp, why);
      }
    }
  }
  const YAML::Node hc = ctx.node["httpConfig"];
  const std::string hp = model::joinPath(path, "httpConfig");
  if (!model::Reader::absent(hc) && r.map(hc, hp)) {
    r.onlyKeys(hc, hp, {"basicAuth", "bearerToken", "proxyUrl", "tlsConfig"});
    const YAML::Node ba = hc["basicAuth"];
    const std::string bp = model::joinPath(hp, "basicAuth");
    if (!model::Reader::absent(ba) && r.map(ba, bp)) {
      r.onlyKeys(ba, bp, {"username", "password"});
      WebhookBasicAuth auth;
      auth.username = r.str(ba["username"], model::joinPath(bp, "username")).value_or("");
      if (auto c = model::decodeCredential(r, ba["password"], model::joinPath(bp, "password"))) {
        auth.password = *c;
      }
      spec->basicAuth = std::move(auth);
    }
    spec->bearerToken =
        model::decodeCredential(r, hc["bearerToken"], model::joinPath(hp, "bearerToken"));
    if (auto s = r.str(hc["proxyUrl"], model::joinPath(hp, "proxyUrl")); s && !s->empty()) {
      spec->proxyUrl = *s;
      if (checkUrl(*s) == kInvalidUrl) r.error(model::joinPath(hp, "proxyUrl"), kInvalidUrl);
    }
    spec->tls = model::decodeTlsConfig(r, hc["tlsConfig"], model::joinPath(hp, "tlsConfig"));
    if (spec->tls && spec->tls->clientCert.has_value() != spec->tls->clientKey.has_value()) {
      r.error(model::joinPath(hp, "tlsConfig.clientCertificate"),
              "cert and key must be given together");
    }
  }
  if (ctx.diags.items().size() != before) return nullptr;
  return spec;
}

// Config spec.webhook takes no fields (the reference's WebhookConfig is empty; `labels` unused).
std::shared_ptr<const ChannelSpec> decodeConfig(const DecodeContext& ctx) {
  model::Reader r(ctx.origin, ctx.diags);
  const size_t before = ctx.diags.items().size();
  if (!model::Reader::absent(ctx.node) && r.map(ctx.node, ctx.path)) {
    r.onlyKeys(ctx.node, ctx.path, {"labels"});
  }
  if (ctx.diags.items().size() != before) return nullptr;
  return std::make_shared<ChannelSpec>();
}

bool resolveInto(const NotifierContext& ctx, const model::Credential& c, const char* what,
                 std::string& out, std::string& error) {
  std::string err;
  auto v = ctx.secrets.resolve(c, err);
  if (!v) {
    error = std::string("webhook: ") + what + ": " + err;
    return false;
  }
  out = std::move(*v);
  return true;
}

std::unique_ptr<Notifier> make(const NotifierContext& ctx, std::string& error) {
  auto spec = std::dynamic_pointer_cast<const WebhookSpec>(ctx.receiver.spec);
  if (!spec) {
    error = "webhook: receiver has no decoded webhook spec";
    return nullptr;
  }
  HttpRequest req;
  req.method = "POST";
  req.url = spec->url;
  req.headers = {{"Content-Type", "application/json"}, {"User-Agent", kUserAgent}};
  if (spec->bearerToken) {
    std::string token;
    if (!resolveInto(ctx, *spec->bearerToken, "bearerToken", token, error)) return nullptr;
    req.headers.emplace_back("Authorization", "Bearer " + token);
  } else if (spec->basicAuth) {
    req.basicAuthUser = spec->basicAuth->username;
    if (!spec->basicAuth->password.empty() &&
        !resolveInto(ctx, spec->basicAuth->password, "basicAuth.password", req.basicAuthPassword,
                     error)) {
      return nullptr;
    }
  }
  req.proxyUrl = spec->proxyUrl;
  if (spec->tls) {
    const auto& t = *spec->tls;
    if (t.rootCA && !resolveInto(ctx, *t.rootCA, "tlsConfig.rootCA", req.tls.caPem, error)) {
      return nullptr;
    }
    if (t.clientCert && !resolveInto(ctx, *t.clientCert, "tlsConfig.clientCertificate.cert",
                                     req.tls.certPem, error)) {
      return nullptr;
    }
    if (t.clientKey &&
        !resolveInto(ctx, *t.clientKey, "tlsConfig.clientCertificate.key", req.tls.keyPem, error)) {
      return nullptr;
    }
    req.tls.serverName = t.serverName;
    req.tls.insecureSkipVerify = t.insecureSkipVerify;
  }
  std::string channelTemplate;
  int timeoutSeconds = 5;
  if (auto it = ctx.snapshot.nm.channelOptions.find("webhook");
      it != ctx.snapshot.nm.channelOptions.end()) {
    if (it->second.notificationTimeout && *it->second.notificationTimeout > 0) {
      timeoutSeconds = *it->second.notificationTimeout;
    }
    channelTemplate = it->second.templateName;
  }
  req.timeout = std::chrono::seconds(timeoutSeconds);
  auto n = std::make_unique<WebhookNotifier>(ctx.services, std::move(req), ctx.receiver.name,
                                             RetryPolicy{});
  n->setTemplate(config::rendererFor(ctx.receiver, ctx.snapshot),
                 render::chooseTemplate("webhook.default.message", ctx.snapshot.nm.globalTemplate,
                                        channelTemplate, ctx.receiver.templateName));
  return n;
}

}  // namespace

std::string webhookServiceUrl(const std::string& scheme, const std::string& name,
                              const std::string& ns, std::optional<int> port,
                              const std::string& path) {
  std::string url = (scheme.empty() ? std::string("http") : scheme) + "://" + name + "." + ns;
  if (port) url += ":" + std::to_string(*port);
  if (!path.empty() && path.front() != '/') url += '/';
  url += path;
  return url;
}

std::string webhookTarget(const std::string& url) {
  CURLU* h = curl_url();
  std::string out;
  if (curl_url_set(h, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK) {
    curl_url_set(h, CURLUPART_USER, nullptr, 0);
    curl_url_set(h, CURLUPART_PASSWORD, nullptr, 0);
    curl_url_set(h, CURLUPART_OPTIONS, nullptr, 0);
    curl_url_set(h, CURLUPART_QUERY, nullptr, 0);
    curl_url_set(h, CURLUPART_FRAGMENT, nullptr, 0);
    char* s = nullptr;
    if (curl_url_get(h, CURLUPART_URL, &s, 0) == CURLUE_OK && s) out = s;
    curl_free(s);
  }
  curl_url_cleanup(h);
  return out;
}

WebhookNotifier::WebhookNotifier(const ChannelServices& services, HttpRequest request,
                                 std::string receiverName, RetryPolicy policy)
    : http_(services.http),
      renderFailures_(services.metrics.counter(
          "nm_template_render_failures_total",
          "Notifications whose template failed to render (sent with the default body instead).",
          {"type", "receiver"})),
      request_(std::move(request)),
      receiverName_(std::move(receiverName)),
      policy_(policy),
      target_(webhookTarget(request_.url)) {}

void WebhookNotifier::setTemplate(std::shared_ptr<const render::Renderer> renderer,
                                  std::string templateName) {
  renderer_ = std::move(renderer);
  templateName_ = std::move(templateName);
}

std::string WebhookNotifier::body(const Data& data) const {
  if (!renderer_ || templateName_.empty() || render::isJsonDataTemplate(templateName_))
    return dataJson(data);
  render::RenderResult r = renderer_->render(templateName_, data);
  if (r.ok()) return std::move(r.text);
  renderFailures_.with({"webhook", receiverName_}).inc();
  log::warn(
      "template failed to render, sending the Data JSON instead",
      {{"receiver", "webhook/" + receiverName_}, {"template", templateName_}, {"error", r.error}});
  return dataJson(data);
}

void WebhookNotifier::send(std::shared_ptr<const Data> data, TimePoint deadline, SendDone done) {
  postBody(body(*data), deadline, policy_, std::move(done));
}

void WebhookNotifier::postBody(std::string body, TimePoint deadline, RetryPolicy policy,
                               std::function<void(SendOutcome)> done) {
  HttpRequest req = request_;
  req.body = std::move(body);
  sendWithRetry(http_, std::move(req), policy, deadline, defaultClassify,
                [target = target_, done = std::move(done)](SendOutcome o) {
                  o.channelTarget = target;
                  done(std::move(o));
                });
}

const ChannelDescriptor& webhookDescriptor() {
  static const ChannelDescriptor d{"webhook", &decodeReceiver, &decodeConfig, &make};
  return d;
}

}  // namespace nm
