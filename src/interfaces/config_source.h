// The ConfigSource seam: where the resources come from (a directory today, the Kubernetes API
// next), loaded whole with a content fingerprint, plus change notifications for the reloader.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "interfaces/secret_resolver.h"
#include "model/diagnostics.h"
#include "model/resources.h"

namespace nm::config {

// One consistent read of a source: what the snapshot builder needs, and nothing about where it
// came from beyond the resources' origins.
struct LoadedConfig {
  // v2beta2 resources plus the Secrets and ConfigMaps (templates, language packs) they refer to.
  model::ResourceSet resources;
  // Resolves Credentials against this read's Secrets: made by the source (directory: the Secret
  // manifests read with the resources; cluster: the watched Secrets), handed to the builder.
  std::shared_ptr<const SecretResolver> secrets;
  // Equal fingerprints mean equal content: the reloader then skips the rebuild. The directory
  // source hashes every file it read (path and bytes) and the template files they name.
  std::string fingerprint;
  size_t items = 0;  // files read (directory) or objects listed (cluster), for the reload log
  // Directory: any error refuses the whole read and the last good snapshot stays. Cluster: an
  // object that fails validation is skipped (logged, counted, reported through reportSkipped and
  // /-/ready) and the others build; errors no single object can be blamed for still refuse.
  bool skipInvalidObjects = false;
  // With skipInvalidObjects: objects the source already left out because they did not decode.
  // The reloader adds the builder's own skips, reports the union on /-/ready and hands it back
  // through reportSkipped.
  model::Diagnostics skipped;
};

struct SourceLoad {
  // The content's fingerprint is the one load() was given: `config` is empty and nothing was
  // decoded (the cheap path of a touched file or a resync that changed nothing).
  bool unchanged = false;
  LoadedConfig config;
  model::Diagnostics diags;  // non-empty: the read is refused and the last good snapshot stays
};

class ConfigSource {
 public:
  virtual ~ConfigSource() = default;

  // "dir:/etc/nm" or "cluster": the snapshot's `source` and the reload logs' `source`.
  virtual std::string name() const = 0;

  // Reads everything now. When the content's fingerprint equals `unlessFingerprint` (the running
  // snapshot's), returns `unchanged` as soon as it knows, without decoding. Called by the
  // reloader only, one call at a time.
  virtual SourceLoad load(const std::string& unlessFingerprint = {}) = 0;

  // Starts the source's watcher thread: `onChange` is called (on that thread) once per burst of
  // changes that may alter what load() returns; the reloader then calls load(). A second call
  // while watching does nothing.
  virtual void watch(std::function<void()> onChange) = 0;
  // Stops and joins the watcher thread; no onChange call is running or follows. Idempotent; the
  // destructor of an implementation calls it.
  virtual void stop() = 0;

  // After each build of a load with skipInvalidObjects: every object left out (the load's
  // `skipped` plus the builder's), with its diagnostics (empty when none were). The cluster source
  // posts them as Kubernetes Events on those objects. Called on the reloader's thread, one call at
  // a time.
  virtual void reportSkipped(const model::Diagnostics& skipped) { (void)skipped; }
};

}  // namespace nm::config
