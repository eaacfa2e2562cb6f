// ClusterSource::load and reportSkipped: every stored object decoded with model::decodeDocument
// (cached per object and resourceVersion), objects that do not decode left out and listed in
// `skipped`, the fingerprint over kind/uid/resourceVersion of everything, Events for skips.
#include "config/cluster_source.h"

#include <yaml-cpp/yaml.h>

#include "config/content_fingerprint.h"
#include "config/secret_resolver.h"
#include "model/decode.h"
#include "observe/log.h"

namespace nm::config {

namespace {

std::string objectKey(const kube::StoredObject& o) {
  return o.kind + "/" + o.ns + "/" + o.name;
}

// A kind the model does not know yet (Namespace objects, read for the cluster name): the
// diagnostic is about the kind itself.
bool unknownKind(const model::Diagnostics& d) {
  return d.items().size() == 1 && d.items()[0].path == "kind";
}

}  // namespace

const ClusterSource::Decoded& ClusterSource::decode(const kube::StoredObject& o) {
  Decoded& d = decodeCache_[objectKey(o)];
  if (d.resourceVersion == o.resourceVersion && !d.resourceVersion.empty()) return d;
  d = Decoded{};
  d.resourceVersion = o.resourceVersion;
  const model::Origin where = model::Origin::apiObject(o.kind, o.ns, o.name, o.resourceVersion);
  try {
    // JSON is YAML: yaml-cpp reads the object text as a flow mapping.
    model::decodeDocument(YAML::Load(o.json), where, d.resources, d.diags);
  } catch (const YAML::Exception& e) {
    d.diags.error(where, "", std::string("cannot read the object: ") + e.what());
  }
  d.ignored = o.kind == "Namespace" && unknownKind(d.diags);
  return d;
}

SourceLoad ClusterSource::load(const std::string& unlessFingerprint) {
  start();
  SourceLoad out;
  {
    std::unique_lock<std::mutex> l(mu_);
    if (!cv_.wait_for(l, options_.syncTimeout, [this] { return ready_ || stopping_; }) || !ready_) {
      l.unlock();
      model::Origin where;
      where.file = name();
      out.diags.error(
          where, "",
          "timed out after " + std::to_string(options_.syncTimeout.count()) +
              "s waiting for the initial lists from the Kubernetes API: " + notSyncedReport());
      return out;
    }
  }
  const std::vector<kube::ObjectPtr> objects = allObjects();
  ContentFingerprint fp;
  for (const auto& o : objects) fp.add(o->kind + "/" + o->uid, o->resourceVersion);
  const std::string fingerprint = fp.hex();
  out.config.fingerprint = fingerprint;
  out.config.items = objects.size();
  out.config.skipInvalidObjects = true;
  if (!unlessFingerprint.empty() && fingerprint == unlessFingerprint) {
    out.unchanged = true;
    return out;
  }
  std::lock_guard<std::mutex> g(decodeMu_);
  std::set<std::string> live;
  for (const auto& o : objects) {
    live.insert(objectKey(*o));
    const Decoded& d = decode(*o);
    if (d.ignored) continue;
    if (!d.diags.ok()) {
      out.config.skipped.append(d.diags);
      continue;
    }
    model::ResourceSet copy = d.resources;
    model::appendResources(out.config.resources, std::move(copy));
  }
  for (auto it = decodeCache_.begin(); it != decodeCache_.end();) {
    it = live.count(it->first) ? std::next(it) : decodeCache_.erase(it);
  }
  for (const auto& d : out.config.skipped.items())
    log::warn("invalid object skipped", {{"source", name()}, {"error", d.str()}});
  out.config.secrets = makeResourceSecretResolver(out.config.resources);
  return out;
}

void ClusterSource::reportSkipped(const model::Diagnostics& skipped) {
  // One Event per object, its problems joined.
  std::map<std::string, std::pair<model::Origin, std::string>> byObject;
  for (const auto& d : skipped.items()) {
    if (!d.origin.isApiObject()) continue;
    auto& [origin, message] = byObject[d.origin.kind + "/" + d.origin.ns + "/" + d.origin.name];
    origin = d.origin;
    if (!message.empty()) message += "; ";
    message += d.path.empty() ? d.message : d.path + ": " + d.message;
  }
  for (const auto& [key, entry] : byObject) {
    const auto& [origin, message] = entry;
    kube::InvolvedObject io;
    io.kind = origin.kind;
    io.ns = origin.ns;
    io.name = origin.name;
    io.resourceVersion = origin.resourceVersion;
    if (kube::ObjectPtr o = findObject(origin)) {
      io.apiVersion = o->apiVersion;
      io.uid = o->uid;
      if (io.resourceVersion.empty()) io.resourceVersion = o->resourceVersion;
    } else {
      io.apiVersion = origin.kind == "Secret" || origin.kind == "ConfigMap"
                          ? "v1"
                          : "notification.kubesphere.io/v2beta2";
    }
    events_.post(io, "InvalidResource", "skipped by notification-manager: " + message);
  }
}

}  // namespace nm::config
