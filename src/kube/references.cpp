// Reference collection: a recursive walk for secretKeyRef, fixed paths for ConfigMap selectors.
#include "kube/references.h"

#include "core/json.h"

namespace nm::kube {

namespace {

bool selector(const rapidjson::Value* sel, const std::string& defaultNamespace,
              NamespacedName& out) {
  if (!sel || !sel->IsObject()) return false;
  const auto name = json::stringMember(*sel, "name");
  if (!name || name->empty()) return false;
  auto ns = json::stringMember(*sel, "namespace").value_or("");
  out = {ns.empty() ? defaultNamespace : ns, *name};
  return true;
}

void walkSecrets(const rapidjson::Value& v, const std::string& defaultNamespace, References& out) {
  if (v.IsArray()) {
    for (const auto& e : v.GetArray()) walkSecrets(e, defaultNamespace, out);
    return;
  }
  if (!v.IsObject()) return;
  for (const auto& m : v.GetObject()) {
    NamespacedName ref;
    if (std::string_view(m.name.GetString(), m.name.GetStringLength()) == "secretKeyRef" &&
        selector(&m.value, defaultNamespace, ref)) {
      out.secrets.insert(std::move(ref));
      continue;
    }
    walkSecrets(m.value, defaultNamespace, out);
  }
}

}  // namespace

std::string defaultSecretNamespaceOf(const rapidjson::Value& nm) {
  const rapidjson::Value* spec = json::find(nm, "spec");
  return spec ? json::stringMember(*spec, "defaultSecretNamespace").value_or("") : "";
}

void collectReferences(const rapidjson::Value& object, const std::string& defaultNamespace,
                       References& out) {
  const rapidjson::Value* spec = json::find(object, "spec");
  if (!spec || !spec->IsObject()) return;
  walkSecrets(*spec, defaultNamespace, out);
  NamespacedName ref;
  if (const rapidjson::Value* tmpl = json::find(*spec, "template")) {
    if (selector(json::find(*tmpl, "text"), defaultNamespace, ref)) out.configMaps.insert(ref);
    if (const rapidjson::Value* packs = json::find(*tmpl, "languagePack");
        packs && packs->IsArray()) {
      for (const auto& p : packs->GetArray())
        if (selector(&p, defaultNamespace, ref)) out.configMaps.insert(ref);
    }
  }
  for (const auto& m : spec->GetObject()) {
    if (m.value.IsObject() && selector(json::find(m.value, "tmplText"), defaultNamespace, ref))
      out.configMaps.insert(ref);
  }
}

}  // namespace nm::kube
