// ClusterSource::load and reportSkipped: the stored objects, once listed, handed to the
// ClusterDecoder; Warning Events for deprecated objects ("Deprecated") and skipped ones
// ("InvalidResource").
#include "config/cluster_source.h"

namespace nm::config {

namespace {

// The InvolvedObject of an Event about the object `origin` names (`o`: its stored copy, if any).
kube::InvolvedObject involved(const model::Origin& origin, const kube::ObjectPtr& o) {
  kube::InvolvedObject io;
  io.kind = origin.kind;
  io.ns = origin.ns;
  io.name = origin.name;
  io.resourceVersion = origin.resourceVersion;
  if (o) {
    io.apiVersion = o->apiVersion;
    io.uid = o->uid;
    if (io.resourceVersion.empty()) io.resourceVersion = o->resourceVersion;
  } else {
    io.apiVersion = origin.kind == "Secret" || origin.kind == "ConfigMap"
                        ? "v1"
                        : "notification.kubesphere.io/v2beta2";
  }
  return io;
}

// Per object (kind/ns/name): its origin and its diagnostics' texts joined with "; ".
std::map<std::string, std::pair<model::Origin, std::string>> byObject(
    const std::vector<model::Diagnostic>& diags) {
  std::map<std::string, std::pair<model::Origin, std::string>> out;
  for (const auto& d : diags) {
    if (!d.origin.isApiObject()) continue;
    auto& [origin, message] = out[d.origin.kind + "/" + d.origin.ns + "/" + d.origin.name];
    origin = d.origin;
    if (!message.empty()) message += "; ";
    message += d.path.empty() ? d.message : d.path + ": " + d.message;
  }
  return out;
}

}  // namespace

SourceLoad ClusterSource::load(const std::string& unlessFingerprint) {
  start();
  {
    std::unique_lock<std::mutex> l(mu_);
    if (!cv_.wait_for(l, options_.syncTimeout, [this] { return ready_ || stopping_; }) || !ready_) {
      l.unlock();
      SourceLoad out;
      model::Origin where;
      where.file = name();
      out.diags.error(
          where, "",
          "timed out after " + std::to_string(options_.syncTimeout.count()) +
              "s waiting for the initial lists from the Kubernetes API: " + notSyncedReport());
      return out;
    }
  }
  SourceLoad out = ClusterDecoder::load(allObjects(), name(), unlessFingerprint);
  // The reloader logs the warnings (each object version's once: the decoder reports only fresh
  // decodes); the object gets a Warning Event too, for whoever runs kubectl describe.
  for (const auto& [key, entry] : byObject(out.diags.warnings())) {
    const auto& [origin, message] = entry;
    events_.post(involved(origin, findObject(origin)), "Deprecated", message);
  }
  return out;
}

void ClusterSource::reportSkipped(const model::Diagnostics& skipped) {
  // One Event per object, its problems joined.
  for (const auto& [key, entry] : byObject(skipped.items())) {
    const auto& [origin, message] = entry;
    events_.post(involved(origin, findObject(origin)), "InvalidResource",
                 "skipped by notification-manager: " + message);
  }
}

}  // namespace nm::config
