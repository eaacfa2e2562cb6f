// DecodedObject: what Kubernetes mode keeps of one API object instead of its JSON — the one
// resource it decodes to, its diagnostics, and the Secrets/ConfigMaps it refers to.
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <string>

#include "kube/references.h"
#include "kube/reflector.h"
#include "model/diagnostics.h"
#include "model/resources.h"

namespace nm::config {

// How many resources of each kind (ResourceSet's vectors, in declaration order).
using ResourceCounts = std::array<size_t, 8>;
// Reserves exactly `counts` more in each of `rs`'s vectors.
void reserveResources(model::ResourceSet& rs, const ResourceCounts& counts);

class DecodedObject : public kube::ObjectDigest {
 public:
  // Decodes `o.json` (never throws: a problem is in `diags`).
  static std::shared_ptr<const DecodedObject> decode(const kube::StoredObject& o);
  // `o`'s digest, or `o.json` decoded now when it has none.
  static std::shared_ptr<const DecodedObject> of(const kube::StoredObject& o);

  // Adds the resources it holds to `counts` / copies them into `rs`.
  virtual void count(ResourceCounts& counts) const = 0;
  virtual void appendTo(model::ResourceSet& rs) const = 0;

  // Its errors (then it holds no resource) and warnings (a v2beta1 object converted).
  model::Diagnostics diags;
  bool ignored = false;   // a kind the model does not decode (Namespace before tenant support)
  kube::References refs;  // namespace "" = the default namespace
  std::string defaultSecretNamespace;  // a NotificationManager's spec.defaultSecretNamespace
  // Set by the first load that reported this version's warnings.
  mutable std::atomic<bool> warned{false};
};

}  // namespace nm::config
