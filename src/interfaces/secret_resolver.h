// The secret seam: resolves a Credential (inline value or Secret key) to its value. File mode reads
// Secret manifests from the directory (config/secret_resolver); Kubernetes mode watched Secrets.
#pragma once

#include <optional>
#include <string>

#include "model/resources.h"

namespace nm::config {

// Resolves Credentials: inline values, or Secret keys (file mode: Secret manifests in the config
// directory). Errors name the secret, never its value.
class SecretResolver {
 public:
  virtual ~SecretResolver() = default;
  // nullopt and `error` set when the secret or key is missing.
  virtual std::optional<std::string> resolve(const model::Credential& c,
                                             std::string& error) const = 0;
};

}  // namespace nm::config
