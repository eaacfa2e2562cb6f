// Secret lookup by (namespace, name, key) over the loaded Secret resources, with the reference's
// namespace defaulting; a copy of the data is taken so the resolver outlives the load.
#include "config/secret_resolver.h"

#include <cstdlib>

namespace nm::config {

std::string defaultSecretNamespace(const model::NotificationManager& nm) {
  if (!nm.defaultSecretNamespace.empty()) return nm.defaultSecretNamespace;
  if (const char* env = std::getenv("NAMESPACE"); env && *env) return env;
  return "default";
}

std::shared_ptr<const SecretResolver> makeResourceSecretResolver(const model::ResourceSet& rs) {
  const std::string ns = defaultSecretNamespace(
      rs.notificationManagers.empty() ? model::NotificationManager{} : rs.notificationManagers[0]);
  return std::make_shared<ResourceSecretResolver>(rs.secrets, ns);
}

ResourceSecretResolver::ResourceSecretResolver(const std::vector<model::SecretResource>& secrets,
                                               std::string defaultNamespace)
    : defaultNamespace_(std::move(defaultNamespace)) {
  for (const auto& s : secrets) secrets_[{s.ns, s.name}] = s.data;
}

std::optional<std::string> ResourceSecretResolver::resolve(const model::Credential& c,
                                                           std::string& error) const {
  if (c.value) return *c.value;
  if (!c.secretKeyRef) {
    error = "credential has neither value nor valueFrom.secretKeyRef";
    return std::nullopt;
  }
  const auto& ref = *c.secretKeyRef;
  const std::string ns = ref.ns.empty() ? defaultNamespace_ : ref.ns;
  auto it = secrets_.find({ns, ref.name});
  if (it == secrets_.end()) {
    error = "secret " + ns + "/" + ref.name + " not found";
    return std::nullopt;
  }
  auto k = it->second.find(ref.key);
  if (k == it->second.end()) {
    error = "key \"" + ref.key + "\" not found in secret " + ns + "/" + ref.name;
    return std::nullopt;
  }
  return k->second;
}

}  // namespace nm::config
