// ClusterDecoder: Kubernetes mode's stored API objects turned into one SourceLoad — each object
// decoded once per resourceVersion, invalid ones skipped, warnings reported once per version.
#pragma once

#include <string>
#include <vector>

#include "interfaces/config_source.h"
#include "kube/reflector.h"

namespace nm::config {

class ClusterDecoder {
 public:
  // The fingerprint over kind/uid/resourceVersion of every object: equal when nothing changed.
  static std::string fingerprint(const std::vector<kube::ObjectPtr>& objects);

  // The objects' resources (each object's DecodedObject digest, made by the reflector when it
  // stored that version; an object without one is decoded now) in a load whose fingerprint is
  // fingerprint(objects); `unchanged` without copying when that equals `unlessFingerprint`. An
  // object that does not decode is left out and listed in config.skipped. The warnings (a
  // v2beta1 object converted) of digests no earlier call reported are in `diags` as warnings, so
  // an unchanged object's are reported once, not on every reload. Thread-safe.
  static SourceLoad load(const std::vector<kube::ObjectPtr>& objects, const std::string& sourceName,
                         const std::string& unlessFingerprint = {});
};

}  // namespace nm::config
