// The resource decoder: YAML/JSON documents → model::ResourceSet, with a Diagnostic for every
// problem (file, 1-based document, kind/name, field path). Never throws.
#pragma once

#include <yaml-cpp/yaml.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "model/decode_reader.h"
#include "model/diagnostics.h"
#include "model/resources.h"

namespace nm::model {

// Parses `text` (one or more YAML/JSON documents) and decodes every non-empty document into
// `out`. YAML syntax errors become diagnostics carrying line and column.
void decodeText(std::string_view text, const std::string& file, ResourceSet& out,
                Diagnostics& diags);

// Decodes one parsed document: a v2beta2 resource, a v1 Secret/ConfigMap/Namespace, or a v1 List
// of them. A v2beta1 NotificationManager, Config or Receiver is converted to v2beta2 first
// (convert_v2beta1.h) and adds a deprecation warning to `diags`.
// `where` carries the file and document index; kind/name are filled in per resource.
void decodeDocument(const YAML::Node& doc, const Origin& where, ResourceSet& out,
                    Diagnostics& diags);

// Appends every resource of `from` to `into`.
void appendResources(ResourceSet& into, ResourceSet&& from);

// Building blocks, also for channel decoders.
std::shared_ptr<const LabelSelector> decodeLabelSelector(Reader& r, const YAML::Node& n,
                                                         const std::string& path);
// Exactly one of value / valueFrom.secretKeyRef{namespace?, name, key}.
std::optional<Credential> decodeCredential(Reader& r, const YAML::Node& n, const std::string& path);
std::optional<ConfigMapKeySelector> decodeConfigMapKeySelector(Reader& r, const YAML::Node& n,
                                                               const std::string& path);
// A dedup block (spec.dedup, spec.<type>.dedup): alertArray, webhook, repeatInterval (> 0),
// sendResolved; only the fields present are set.
DedupOverride decodeDedup(Reader& r, const YAML::Node& n, const std::string& path);
std::optional<TLSConfig> decodeTlsConfig(Reader& r, const YAML::Node& n, const std::string& path);

// Per-kind decoders (the document's apiVersion/kind/metadata already checked).
struct ObjectMeta {
  std::string name;
  std::string ns;
  LabelSet labels;
};
void decodeNotificationManager(Reader& r, const YAML::Node& doc, const ObjectMeta& m,
                               ResourceSet& out);
void decodeReceiver(Reader& r, const YAML::Node& doc, const ObjectMeta& m, ResourceSet& out);
void decodeConfig(Reader& r, const YAML::Node& doc, const ObjectMeta& m, ResourceSet& out);
void decodeRouter(Reader& r, const YAML::Node& doc, const ObjectMeta& m, ResourceSet& out);
void decodeSilence(Reader& r, const YAML::Node& doc, const ObjectMeta& m, ResourceSet& out);
void decodeInhibitRule(Reader& r, const YAML::Node& doc, const ObjectMeta& m, ResourceSet& out);
void decodeSecret(Reader& r, const YAML::Node& doc, const ObjectMeta& m, ResourceSet& out);
void decodeConfigMap(Reader& r, const YAML::Node& doc, const ObjectMeta& m, ResourceSet& out);
void decodeNamespace(Reader& r, const YAML::Node& doc, const ObjectMeta& m, ResourceSet& out);

bool isKnownChannelType(std::string_view type);

}  // namespace nm::model
