// Posts core v1 Events about objects (e.g. "InvalidResource" on a Receiver that does not decode),
// once per object + resourceVersion + message, and at most a few dozen a minute.
#pragma once

#include <chrono>
#include <mutex>
#include <set>
#include <string>

#include "kube/rest_client.h"

namespace nm::kube {

struct InvolvedObject {
  std::string apiVersion, kind, ns, name, uid, resourceVersion;
};

class EventPoster {
 public:
  // `daemonNamespace` holds the Events of cluster-scoped objects.
  EventPoster(RestClient& client, std::string daemonNamespace, size_t maxPerMinute = 60);

  // Posts a Warning (or `type`) Event; false when it was a duplicate, over the rate, or the API
  // refused it (logged).
  bool post(const InvolvedObject& object, const std::string& reason, const std::string& message,
            const std::string& type = "Warning");

  // The Event's JSON body (for tests).
  static std::string body(const InvolvedObject& object, const std::string& ns,
                          const std::string& eventName, const std::string& reason,
                          const std::string& message, const std::string& type,
                          const std::string& timestamp);

 private:
  RestClient& client_;
  const std::string daemonNamespace_;
  const size_t maxPerMinute_;
  std::mutex mu_;
  std::set<std::string> posted_;
  std::chrono::steady_clock::time_point windowStart_{};
  size_t inWindow_ = 0;
};

}  // namespace nm::kube
