// ClusterDecoder: every stored object decoded with model::decodeDocument (cached per object and
// resourceVersion), objects that do not decode left out and listed in `skipped`, fresh warnings
// passed on, the fingerprint over kind/uid/resourceVersion of everything.
#include "config/cluster_decoder.h"

#include <set>

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

std::string ClusterDecoder::fingerprint(const std::vector<kube::ObjectPtr>& objects) {
  ContentFingerprint fp;
  for (const auto& o : objects) fp.add(o->kind + "/" + o->uid, o->resourceVersion);
  return fp.hex();
}

const ClusterDecoder::Decoded& ClusterDecoder::decode(const kube::StoredObject& o, bool& fresh) {
  Decoded& d = cache_[objectKey(o)];
  fresh = !(d.resourceVersion == o.resourceVersion && !d.resourceVersion.empty());
  if (!fresh) return d;
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

SourceLoad ClusterDecoder::load(const std::vector<kube::ObjectPtr>& objects,
                                const std::string& sourceName,
                                const std::string& unlessFingerprint) {
  SourceLoad out;
  out.config.fingerprint = fingerprint(objects);
  out.config.items = objects.size();
  out.config.skipInvalidObjects = true;
  if (!unlessFingerprint.empty() && out.config.fingerprint == unlessFingerprint) {
    out.unchanged = true;
    return out;
  }
  std::lock_guard<std::mutex> g(mu_);
  std::set<std::string> live;
  for (const auto& o : objects) {
    live.insert(objectKey(*o));
    bool fresh = false;
    const Decoded& d = decode(*o, fresh);
    if (d.ignored) continue;
    if (fresh)
      for (const auto& w : d.diags.warnings()) out.diags.warn(w.origin, w.path, w.message);
    if (!d.diags.ok()) {
      out.config.skipped.append(d.diags);
      continue;
    }
    model::ResourceSet copy = d.resources;
    model::appendResources(out.config.resources, std::move(copy));
  }
  for (auto it = cache_.begin(); it != cache_.end();) {
    it = live.count(it->first) ? std::next(it) : cache_.erase(it);
  }
  for (const auto& d : out.config.skipped.items())
    log::warn("invalid object skipped", {{"source", sourceName}, {"error", d.str()}});
  out.config.secrets = makeResourceSecretResolver(out.config.resources);
  return out;
}

}  // namespace nm::config
