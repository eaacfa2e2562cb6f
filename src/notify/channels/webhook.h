// The webhook channel: decodes spec.webhook of a Receiver (url or in-cluster service, httpConfig
// with auth, proxy and TLS) and builds a notifier that POSTs the Data JSON with retries.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "interfaces/channel.h"
#include "interfaces/http_client.h"
#include "model/resources.h"
#include "notify/retry.h"
#include "observe/metrics.h"
#include "render/renderer.h"

namespace nm {

struct WebhookBasicAuth {
  std::string username;
  model::Credential password;
};

// A decoded Receiver spec.webhook block (credentials still unresolved).
struct WebhookSpec final : ChannelSpec {
  std::string url;  // given, or built from `service`
  std::optional<WebhookBasicAuth> basicAuth;
  std::optional<model::Credential> bearerToken;
  std::string proxyUrl;
  std::optional<model::TLSConfig> tls;
};

// "scheme://name.namespace[:port]/path" as the reference builds an in-cluster service URL.
std::string webhookServiceUrl(const std::string& scheme, const std::string& name,
                              const std::string& ns, std::optional<int> port,
                              const std::string& path);

// The URL without userinfo, query and fragment: what history and logs may show.
std::string webhookTarget(const std::string& url);

// The built webhook notifier. History posts its own JSON body through postBody.
class WebhookNotifier final : public Notifier, public BodyPoster {
 public:
  // `request` carries url, headers, auth, proxy, TLS and timeout; only body changes per send.
  WebhookNotifier(const ChannelServices& services, HttpRequest request, std::string receiverName,
                  RetryPolicy policy);

  void send(std::shared_ptr<const Data> data, TimePoint deadline, SendDone done) override;

  // POSTs `body` (JSON) with this receiver's endpoint and credentials, retrying per `policy`.
  void postBody(std::string body, TimePoint deadline, RetryPolicy policy,
                std::function<void(SendOutcome)> done) override;

  const std::string& target() const { return target_; }
  const HttpRequest& request() const { return request_; }

  // Renders `templateName` with `renderer` as the body instead of the Data JSON (unless the name
  // is webhook.default.message / nm.default.history). A render failure falls back to the JSON.
  void setTemplate(std::shared_ptr<const render::Renderer> renderer, std::string templateName);
  // The body send() posts for `data`: the rendered template or the Data JSON.
  std::string body(const Data& data) const;

 private:
  HttpClient& http_;
  metrics::Family<metrics::Counter>& renderFailures_;
  HttpRequest request_;
  std::string receiverName_;
  RetryPolicy policy_;
  std::string target_;
  std::shared_ptr<const render::Renderer> renderer_;
  std::string templateName_;
};

const ChannelDescriptor& webhookDescriptor();

}  // namespace nm
