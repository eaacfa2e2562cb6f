// The Secrets and ConfigMaps a resource refers to, found in its raw object: every
// `secretKeyRef` {namespace?, name, key} anywhere in spec, and the ConfigMap selectors at
// spec.template.text, spec.template.languagePack[] and spec.<channel>.tmplText.
#pragma once

#include <rapidjson/document.h>

#include <set>
#include <string>
#include <utility>

namespace nm::kube {

using NamespacedName = std::pair<std::string, std::string>;  // {namespace, name}

struct References {
  std::set<NamespacedName> secrets;
  std::set<NamespacedName> configMaps;
  bool operator==(const References&) const = default;
};

// Adds `object`'s references to `out`; a selector without namespace takes `defaultNamespace`
// (the NotificationManager's defaultSecretNamespace, else the daemon's namespace).
void collectReferences(const rapidjson::Value& object, const std::string& defaultNamespace,
                       References& out);

// spec.defaultSecretNamespace of a NotificationManager object, or "".
std::string defaultSecretNamespaceOf(const rapidjson::Value& notificationManager);

}  // namespace nm::kube
