// The file-mode SecretResolver: inline Credential values, or keys of the Secret manifests loaded
// with the configuration. Errors name namespace/name/key, never a value.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "interfaces/snapshot.h"

namespace nm::config {

class ResourceSecretResolver final : public SecretResolver {
 public:
  // `defaultNamespace` for a secretKeyRef without namespace: NotificationManager
  // spec.defaultSecretNamespace, else env NAMESPACE, else "default" (see defaultSecretNamespace).
  ResourceSecretResolver(const std::vector<model::SecretResource>& secrets,
                         std::string defaultNamespace);

  std::optional<std::string> resolve(const model::Credential& c, std::string& error) const override;

  const std::string& defaultNamespace() const { return defaultNamespace_; }

 private:
  std::string defaultNamespace_;
  std::map<std::pair<std::string, std::string>, std::map<std::string, std::string>> secrets_;
};

// nm.defaultSecretNamespace, else env NAMESPACE, else "default".
std::string defaultSecretNamespace(const model::NotificationManager& nm);

// The file-mode resolver over `rs`'s Secret manifests, namespaces defaulted as the snapshot built
// from `rs` does (its first NotificationManager, else the defaults).
std::shared_ptr<const SecretResolver> makeResourceSecretResolver(const model::ResourceSet& rs);

}  // namespace nm::config
