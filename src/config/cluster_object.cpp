// DecodedObject: an object's JSON decoded with model::decodeDocument (through yaml-cpp: JSON is
// YAML) and scanned for references with RapidJSON; the single resource is kept alone, not in a
// ResourceSet of eight mostly empty vectors.
#include "config/cluster_object.h"

#include <yaml-cpp/yaml.h>

#include <utility>

#include "core/json.h"
#include "model/decode.h"

namespace nm::config {

namespace {

using model::ResourceSet;

// ResourceSet's vectors with their ResourceCounts index.
template <class Set, class F>
void eachVector(Set& rs, F&& f) {
  f(rs.notificationManagers, 0);
  f(rs.configs, 1);
  f(rs.receivers, 2);
  f(rs.routers, 3);
  f(rs.silences, 4);
  f(rs.secrets, 5);
  f(rs.configMaps, 6);
  f(rs.namespaces, 7);
}

// An object that holds no resource: it did not decode, or its kind is ignored.
class NoResource final : public DecodedObject {
 public:
  void count(ResourceCounts&) const override {}
  void appendTo(ResourceSet&) const override {}
};

// The usual case: one resource.
template <class R, std::vector<R> ResourceSet::*Member, size_t Index>
class OneResource final : public DecodedObject {
 public:
  explicit OneResource(R r) : resource_(std::move(r)) {}
  void count(ResourceCounts& counts) const override { ++counts[Index]; }
  void appendTo(ResourceSet& rs) const override { (rs.*Member).push_back(resource_); }

 private:
  R resource_;
};

// Anything else decodeDocument can produce (a v1 List object): the whole set.
class SeveralResources final : public DecodedObject {
 public:
  explicit SeveralResources(ResourceSet rs) : rs_(std::move(rs)) {}
  void count(ResourceCounts& counts) const override {
    eachVector(rs_, [&](const auto& v, size_t i) { counts[i] += v.size(); });
  }
  void appendTo(ResourceSet& rs) const override {
    ResourceSet copy = rs_;
    model::appendResources(rs, std::move(copy));
  }

 private:
  ResourceSet rs_;
};

template <class R, std::vector<R> ResourceSet::*Member, size_t Index>
std::shared_ptr<DecodedObject> single(ResourceSet& rs) {
  return std::make_shared<OneResource<R, Member, Index>>(std::move((rs.*Member).front()));
}

std::shared_ptr<DecodedObject> holding(ResourceSet&& rs) {
  size_t total = 0;
  eachVector(rs, [&](auto& v, size_t) { total += v.size(); });
  if (total == 0) return std::make_shared<NoResource>();
  if (total > 1) return std::make_shared<SeveralResources>(std::move(rs));
  if (!rs.notificationManagers.empty())
    return single<model::NotificationManager, &ResourceSet::notificationManagers, 0>(rs);
  if (!rs.configs.empty()) return single<model::ConfigResource, &ResourceSet::configs, 1>(rs);
  if (!rs.receivers.empty()) return single<model::ReceiverResource, &ResourceSet::receivers, 2>(rs);
  if (!rs.routers.empty()) return single<model::RouterResource, &ResourceSet::routers, 3>(rs);
  if (!rs.silences.empty()) return single<model::SilenceResource, &ResourceSet::silences, 4>(rs);
  if (!rs.secrets.empty()) return single<model::SecretResource, &ResourceSet::secrets, 5>(rs);
  if (!rs.configMaps.empty())
    return single<model::ConfigMapResource, &ResourceSet::configMaps, 6>(rs);
  return single<model::NamespaceResource, &ResourceSet::namespaces, 7>(rs);
}

// A kind the model does not know yet (Namespace objects, read for the cluster name): the
// diagnostic is about the kind itself.
bool unknownKind(const model::Diagnostics& d) {
  return d.items().size() == 1 && d.items()[0].path == "kind";
}

}  // namespace

void reserveResources(ResourceSet& rs, const ResourceCounts& counts) {
  eachVector(rs, [&](auto& v, size_t i) { v.reserve(v.size() + counts[i]); });
}

std::shared_ptr<const DecodedObject> DecodedObject::decode(const kube::StoredObject& o) {
  const model::Origin where = model::Origin::apiObject(o.kind, o.ns, o.name, o.resourceVersion);
  ResourceSet rs;
  model::Diagnostics diags;
  try {
    model::decodeDocument(YAML::Load(o.json), where, rs, diags);
  } catch (const YAML::Exception& e) {
    diags.error(where, "", std::string("cannot read the object: ") + e.what());
  }
  // An object that does not decode is skipped whole: whatever it partly decoded is not kept.
  std::shared_ptr<DecodedObject> d =
      diags.ok() ? holding(std::move(rs)) : std::make_shared<NoResource>();
  d->ignored = o.kind == "Namespace" && unknownKind(diags);
  d->diags = std::move(diags);
  if (json::Parsed p = json::parse(o.json); p.ok()) {
    kube::collectReferences(p.doc, "", d->refs);
    if (o.kind == "NotificationManager")
      d->defaultSecretNamespace = kube::defaultSecretNamespaceOf(p.doc);
  }
  return d;
}

std::shared_ptr<const DecodedObject> DecodedObject::of(const kube::StoredObject& o) {
  if (auto d = std::dynamic_pointer_cast<const DecodedObject>(o.digest)) return d;
  return decode(o);
}

}  // namespace nm::config
