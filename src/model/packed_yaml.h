// PackedYaml: a YAML subtree kept as one string (what resources retain of channel blocks instead
// of yaml-cpp nodes, ~400 bytes each), unpacked on demand; equal trees pack to equal bytes.
#pragma once

#include <yaml-cpp/yaml.h>

#include <memory>
#include <string>

namespace nm::model {

// Copies share the packed bytes (a resource, its per-object digest in Kubernetes mode and the built
// receiver hold one block between them).
// Scalars keep their tag (plain "?", quoted "!", or explicit), maps keep their key order and
// repeated keys, sequences their order. Marks (line, column) and styles are not kept.
class PackedYaml {
 public:
  PackedYaml() = default;
  // Implicit, so `spec = block` reads as it did when the field was a YAML::Node. An undefined or
  // null node packs to the empty (absent) value.
  PackedYaml(const YAML::Node& node);  // NOLINT(google-explicit-constructor)

  // A fresh tree with the packed content; a null node when empty().
  YAML::Node node() const;
  bool empty() const { return !bytes_ || bytes_->empty(); }
  // The packed form: a content key (equal bytes ⇔ equal trees).
  const std::string& bytes() const;
  bool operator==(const PackedYaml& o) const { return bytes() == o.bytes(); }

 private:
  std::shared_ptr<const std::string> bytes_;
};

}  // namespace nm::model
