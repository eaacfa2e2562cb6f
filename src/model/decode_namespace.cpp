// Decoder of the v1 Namespace: name, labels and annotations (the cluster name is read from
// kubesphere-system's annotation); spec and status are accepted and ignored.
#include "model/decode.h"

namespace nm::model {

void decodeNamespace(Reader& r, const YAML::Node& doc, const ObjectMeta& m, ResourceSet& out) {
  r.onlyKeys(doc, "", {"apiVersion", "kind", "metadata", "spec", "status"});
  NamespaceResource res;
  res.origin = r.origin();
  res.name = m.name;
  res.labels = m.labels;
  res.annotations = r.stringMap(doc["metadata"]["annotations"], "metadata.annotations");
  out.namespaces.push_back(std::move(res));
}

}  // namespace nm::model
