// ClusterDecoder: every stored object's DecodedObject (decoded when the reflector stored it)
// copied into one ResourceSet, objects that do not decode left out and listed in `skipped`,
// warnings passed on once, the fingerprint over kind/uid/resourceVersion of everything.
#include "config/cluster_decoder.h"

#include "config/cluster_object.h"
#include "config/content_fingerprint.h"
#include "config/secret_resolver.h"
#include "observe/log.h"

namespace nm::config {

std::string ClusterDecoder::fingerprint(const std::vector<kube::ObjectPtr>& objects) {
  ContentFingerprint fp;
  for (const auto& o : objects) fp.add(o->kind + "/" + o->uid, o->resourceVersion);
  return fp.hex();
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
  std::vector<std::shared_ptr<const DecodedObject>> loaded;
  loaded.reserve(objects.size());
  ResourceCounts counts{};
  for (const auto& o : objects) {
    std::shared_ptr<const DecodedObject> d = DecodedObject::of(*o);
    if (d->ignored) continue;
    if (!d->warned.exchange(true))
      for (const auto& w : d->diags.warnings()) out.diags.warn(w.origin, w.path, w.message);
    if (!d->diags.ok()) {
      out.config.skipped.append(d->diags);
      continue;
    }
    d->count(counts);
    loaded.push_back(std::move(d));
  }
  // Exactly sized: growing 10,000-element vectors would leave copies' worth of freed heap behind.
  reserveResources(out.config.resources, counts);
  for (const auto& d : loaded) d->appendTo(out.config.resources);
  for (const auto& d : out.config.skipped.items())
    log::warn("invalid object skipped", {{"source", sourceName}, {"error", d.str()}});
  out.config.secrets = makeResourceSecretResolver(out.config.resources);
  return out;
}

}  // namespace nm::config
