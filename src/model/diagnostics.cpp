// Formatting of config diagnostics: one line per error, file first, so editors can jump to it.
// Shared by the directory loader, the snapshot builder and the /-/ready report.
#include "model/diagnostics.h"

#include <utility>

namespace nm::model {

Origin Origin::apiObject(std::string kind, std::string ns, std::string name,
                         std::string resourceVersion) {
  Origin o;
  o.kind = std::move(kind);
  o.ns = std::move(ns);
  o.name = std::move(name);
  o.resourceVersion = std::move(resourceVersion);
  return o;
}

std::string Origin::describe() const {
  if (isApiObject()) {
    std::string s = kind + " " + (ns.empty() ? name : ns + "/" + name);
    if (!resourceVersion.empty()) s += " (resourceVersion " + resourceVersion + ")";
    return s;
  }
  std::string s = file.empty() ? std::string("<api>") : file;
  if (document > 0) s += ": document " + std::to_string(document);
  if (!kind.empty() || !name.empty()) {
    s += " (" + (kind.empty() ? std::string("?") : kind);
    if (!name.empty()) s += "/" + name;
    s += ")";
  }
  return s;
}

std::string Diagnostic::str() const {
  std::string s = origin.describe();
  if (!path.empty()) s += ": " + path;
  s += ": " + message;
  return s;
}

std::string Diagnostics::str() const {
  std::string s;
  for (const auto& d : items_) {
    if (!s.empty()) s += '\n';
    s += d.str();
  }
  return s;
}

}  // namespace nm::model
