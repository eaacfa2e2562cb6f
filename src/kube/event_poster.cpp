// EventPoster: dedupe set (bounded), a one-minute window rate limit, the Event body written with
// core/json's Writer, POST /api/v1/namespaces/<ns>/events.
#include "kube/event_poster.h"

#include <cstdio>

#include "core/json.h"
#include "core/time.h"
#include "observe/log.h"

namespace nm::kube {

EventPoster::EventPoster(RestClient& client, std::string daemonNamespace, size_t maxPerMinute)
    : client_(client), daemonNamespace_(std::move(daemonNamespace)), maxPerMinute_(maxPerMinute) {}

std::string EventPoster::body(const InvolvedObject& o, const std::string& ns,
                              const std::string& eventName, const std::string& reason,
                              const std::string& message, const std::string& type,
                              const std::string& timestamp) {
  json::Writer w;
  w.startObject().member("apiVersion", "v1").member("kind", "Event");
  w.key("metadata").startObject().member("name", eventName).member("namespace", ns).endObject();
  w.key("involvedObject").startObject();
  w.member("apiVersion", o.apiVersion).member("kind", o.kind).member("name", o.name);
  if (!o.ns.empty()) w.member("namespace", o.ns);
  if (!o.uid.empty()) w.member("uid", o.uid);
  if (!o.resourceVersion.empty()) w.member("resourceVersion", o.resourceVersion);
  w.endObject();
  w.member("reason", reason).member("message", message).member("type", type);
  w.key("source").startObject().member("component", "notification-manager").endObject();
  w.member("firstTimestamp", timestamp).member("lastTimestamp", timestamp);
  w.key("count").integer(1);
  w.endObject();
  return w.take();
}

bool EventPoster::post(const InvolvedObject& o, const std::string& reason,
                       const std::string& message, const std::string& type) {
  const std::string key = o.kind + "\n" + o.ns + "\n" + o.name + "\n" + o.resourceVersion + "\n" +
                          reason + "\n" + message;
  {
    std::lock_guard<std::mutex> g(mu_);
    if (posted_.count(key)) return false;
    const auto t = std::chrono::steady_clock::now();
    if (t - windowStart_ >= std::chrono::minutes(1)) {
      windowStart_ = t;
      inWindow_ = 0;
    }
    if (inWindow_ >= maxPerMinute_) {
      log::debug("event not posted: rate limit", {{"object", o.kind + " " + o.name}});
      return false;
    }
    ++inWindow_;
    if (posted_.size() > 10000) posted_.clear();
    posted_.insert(key);
  }
  const std::string ns = o.ns.empty() ? daemonNamespace_ : o.ns;
  char suffix[32];
  std::snprintf(
      suffix, sizeof suffix, ".%llx",
      static_cast<unsigned long long>(std::chrono::system_clock::now().time_since_epoch().count()));
  const std::string name = o.name + suffix;
  RequestOptions quick;  // posted on the reloader's thread: never hold it long
  quick.timeout = std::chrono::seconds(5);
  const auto ts = formatRfc3339(std::chrono::floor<std::chrono::seconds>(now()));
  Response r = client_.post("/api/v1/namespaces/" + ns + "/events",
                            body(o, ns, name, reason, message, type, ts), quick);
  if (!r.ok()) {
    log::warn("cannot post Kubernetes Event",
              {{"object", o.kind + " " + (o.ns.empty() ? o.name : o.ns + "/" + o.name)},
               {"error", r.describe()}});
    return false;
  }
  return true;
}

}  // namespace nm::kube
