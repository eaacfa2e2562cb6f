// ClusterDecoder: Kubernetes mode's stored API objects turned into one SourceLoad — each object
// decoded once per resourceVersion, invalid ones skipped, warnings reported once per version.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "interfaces/config_source.h"
#include "kube/reflector.h"

namespace nm::config {

class ClusterDecoder {
 public:
  // The fingerprint over kind/uid/resourceVersion of every object: equal when nothing changed.
  static std::string fingerprint(const std::vector<kube::ObjectPtr>& objects);

  // Decodes `objects` (a cached decode is reused while the object's resourceVersion is the same)
  // into a load whose fingerprint is fingerprint(objects); `unchanged` without decoding when that
  // equals `unlessFingerprint`. An object that does not decode is left out and listed in
  // config.skipped. The warnings (a v2beta1 object converted) of the objects decoded by this call
  // are in `diags` as warnings, so an unchanged object's are reported once, not on every reload.
  // Thread-safe (one call at a time).
  SourceLoad load(const std::vector<kube::ObjectPtr>& objects, const std::string& sourceName,
                  const std::string& unlessFingerprint = {});

 private:
  struct Decoded {
    std::string resourceVersion;
    model::ResourceSet resources;
    model::Diagnostics diags;
    bool ignored = false;  // a kind the model does not decode (Namespace before tenant support)
  };
  // The cached decode of `o`; `fresh` tells whether it was decoded now.
  const Decoded& decode(const kube::StoredObject& o, bool& fresh);

  std::mutex mu_;
  std::map<std::string, Decoded> cache_;  // key kind/ns/name
};

}  // namespace nm::config
