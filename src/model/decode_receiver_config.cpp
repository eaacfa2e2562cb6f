// Decoders of Receiver and Config: one block per channel type under spec; the shared receiver
// fields are decoded here, the rest of each block is left to the channel's own decoder.
#include "model/decode.h"

namespace nm::model {

namespace {

// Reports a spec key that is not a channel type; returns false for it.
bool checkType(Reader& r, const std::string& type, const std::string& path) {
  if (isKnownChannelType(type)) return true;
  std::string all;
  for (const auto& t : knownChannelTypes()) all += (all.empty() ? "" : ", ") + t;
  r.error(path, "unknown channel type \"" + type + "\" (want one of " + all + ")");
  return false;
}

// Calls fn(type, path, block) for every well-formed spec.<type> map of a Receiver or Config (an
// empty block reads as an empty map); reports bad keys, unknown types and non-map blocks.
template <class Fn>
void forEachChannelBlock(Reader& r, const YAML::Node& doc, Fn&& fn) {
  r.onlyKeys(doc, "", {"apiVersion", "kind", "metadata", "spec", "status"});
  const YAML::Node spec = doc["spec"];
  if (Reader::absent(spec) || !r.map(spec, "spec")) return;
  for (const auto& kv : spec) {
    auto type = r.key(kv.first, "spec");
    if (!type) continue;
    const std::string path = joinPath("spec", *type);
    if (!checkType(r, *type, path)) continue;
    YAML::Node block = kv.second;
    if (Reader::absent(block)) block = YAML::Node(YAML::NodeType::Map);
    if (!r.map(block, path)) continue;
    fn(*type, path, block);
  }
}

}  // namespace

void decodeReceiver(Reader& r, const YAML::Node& doc, const ObjectMeta& m, ResourceSet& out) {
  ReceiverResource res;
  res.origin = r.origin();
  res.name = m.name;
  res.labels = m.labels;
  forEachChannelBlock(
      r, doc, [&](const std::string& type, const std::string& path, const YAML::Node& block) {
        ReceiverChannel ch;
        ch.type = type;
        ch.path = path;
        if (auto e = r.boolean(block["enabled"], joinPath(path, "enabled"))) ch.enabled = *e;
        ch.alertSelector =
            decodeLabelSelector(r, block["alertSelector"], joinPath(path, "alertSelector"));
        const std::string selKey = type + "ConfigSelector";
        ch.configSelector = decodeLabelSelector(r, block[selKey], joinPath(path, selKey));
        ch.templateName = r.str(block["template"], joinPath(path, "template")).value_or("");
        ch.tmplText = decodeConfigMapKeySelector(r, block["tmplText"], joinPath(path, "tmplText"));
        ch.dedup = decodeDedup(r, block["dedup"], joinPath(path, "dedup"));
        // Packed: the retained block must not keep yaml-cpp nodes alive (~400 bytes each, and the
        // whole parsed document's when shared).
        ch.spec = block;
        res.channels.push_back(std::move(ch));
      });
  out.receivers.push_back(std::move(res));
}

void decodeConfig(Reader& r, const YAML::Node& doc, const ObjectMeta& m, ResourceSet& out) {
  ConfigResource res;
  res.origin = r.origin();
  res.name = m.name;
  res.labels = m.labels;
  forEachChannelBlock(
      r, doc, [&](const std::string& type, const std::string& path, const YAML::Node& block) {
        ConfigChannel ch;
        ch.type = type;
        ch.path = path;
        // The per-block `labels` map of the reference is unused: drop it before the channel decoder
        // sees the block.
        r.stringMap(block["labels"], joinPath(path, "labels"));
        YAML::Node spec(YAML::NodeType::Map);
        for (const auto& f : block) {
          if (f.first.IsScalar() && f.first.Scalar() == "labels") continue;
          spec[YAML::Clone(f.first)] = YAML::Clone(f.second);
        }
        ch.spec = spec;  // packed, see decodeReceiver
        res.channels.push_back(std::move(ch));
      });
  out.configs.push_back(std::move(res));
}

}  // namespace nm::model
