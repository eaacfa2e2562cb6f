// A blocking REST client for the Kubernetes API over libcurl: JSON GET/POST/PATCH and streamed
// GETs (watches), bearer token or client certificate, TLS verified unless the config says not.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "kube/kube_config.h"
#include "kube/token_source.h"

namespace nm::kube {

// A meta/v1 Status object (the body of every API error).
struct ApiStatus {
  int code = 0;
  std::string reason;  // "NotFound", "Expired", "Unauthorized", "Forbidden", ...
  std::string message;
};

// Decodes a Status body; empty fields when it is not one.
ApiStatus decodeStatus(std::string_view body);

struct Response {
  long status = 0;      // HTTP status; 0 when the request did not complete
  std::string body;     // not kept for streamed requests
  std::string error;    // transport error (connect, TLS, timeout, aborted)
  ApiStatus apiStatus;  // decoded from the body when status is not 2xx
  bool ok() const { return error.empty() && status >= 200 && status < 300; }
  bool authError() const { return status == 401 || status == 403; }
  // "HTTP 404 NotFound: receivers.notification.kubesphere.io \"x\" not found" or the transport
  // error.
  std::string describe() const;
};

struct RequestOptions {
  std::chrono::seconds timeout{30};
  std::chrono::seconds connectTimeout{10};
};

class RestClient {
 public:
  explicit RestClient(KubeConfig config);
  ~RestClient();
  RestClient(const RestClient&) = delete;
  RestClient& operator=(const RestClient&) = delete;

  // `path` starts with "/" and carries its query string.
  Response get(const std::string& path, RequestOptions o = {});
  Response post(const std::string& path, const std::string& json, RequestOptions o = {});
  Response patch(const std::string& path, const std::string& body,
                 const std::string& contentType = "application/merge-patch+json",
                 RequestOptions o = {});
  // A GET whose body goes to `onData` as it arrives (returning false aborts); `stop` is polled
  // at least once a second and aborts the request when it returns true. A non-2xx body is
  // buffered into the Response instead.
  Response stream(const std::string& path, const std::function<bool(std::string_view)>& onData,
                  const std::function<bool()>& stop, RequestOptions o);

  const KubeConfig& config() const { return config_; }
  TokenSource& tokens() { return tokens_; }

 private:
  Response perform(const char* method, const std::string& path, const std::string* body,
                   const std::string& contentType, RequestOptions o,
                   const std::function<bool(std::string_view)>* onData,
                   const std::function<bool()>* stop);

  const KubeConfig config_;
  TokenSource tokens_;
};

// Percent-encodes a query value ("metadata.name=x" → "metadata.name%3Dx").
std::string queryEscape(std::string_view v);

}  // namespace nm::kube
