// Skippable kinds and origin matching (every Origin field: the same file document or the same API
// object at the same resourceVersion).
#include "config/invalid_objects.h"

#include <algorithm>
#include <string_view>

namespace nm::config {

namespace {

bool sameOrigin(const model::Origin& a, const model::Origin& b) {
  return a.file == b.file && a.document == b.document && a.kind == b.kind && a.name == b.name &&
         a.ns == b.ns && a.resourceVersion == b.resourceVersion;
}

template <class T>
void removeBlamed(std::vector<T>& items, const model::Diagnostics& diags) {
  std::erase_if(items, [&](const T& item) {
    return std::any_of(diags.items().begin(), diags.items().end(), [&](const model::Diagnostic& d) {
      return sameOrigin(d.origin, item.origin);
    });
  });
}

}  // namespace

bool isSkippableObject(const model::Origin& o) {
  static constexpr std::string_view kinds[] = {"Receiver",    "Config", "Router",   "Silence",
                                               "InhibitRule", "Secret", "ConfigMap"};
  if (o.name.empty()) return false;
  return std::find(std::begin(kinds), std::end(kinds), o.kind) != std::end(kinds);
}

bool allBlameSkippableObjects(const model::Diagnostics& diags) {
  if (diags.ok()) return false;
  return std::all_of(diags.items().begin(), diags.items().end(),
                     [](const model::Diagnostic& d) { return isSkippableObject(d.origin); });
}

void removeBlamedObjects(model::ResourceSet& rs, const model::Diagnostics& diags) {
  removeBlamed(rs.configs, diags);
  removeBlamed(rs.receivers, diags);
  removeBlamed(rs.routers, diags);
  removeBlamed(rs.silences, diags);
  removeBlamed(rs.inhibitRules, diags);
  removeBlamed(rs.secrets, diags);
  removeBlamed(rs.configMaps, diags);
}

}  // namespace nm::config
