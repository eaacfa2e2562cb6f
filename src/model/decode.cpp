// Document-level decoding: YAML parsing with line/column errors, apiVersion/kind dispatch,
// metadata, `kind: List`, and the guard that turns any yaml-cpp exception into a diagnostic.
#include "model/decode.h"

#include <yaml-cpp/eventhandler.h>

#include <exception>
#include <optional>
#include <sstream>

#include "model/convert_v2beta1.h"

namespace nm::model {

namespace {

constexpr const char* kV1 = "v1";

bool decodeMeta(Reader& r, const YAML::Node& doc, ObjectMeta& m) {
  const YAML::Node meta = doc["metadata"];
  if (Reader::absent(meta)) {
    r.error("metadata.name", "required field is missing");
    return false;
  }
  if (!r.map(meta, "metadata")) return false;
  m.name = r.str(meta["name"], "metadata.name").value_or("");
  m.ns = r.str(meta["namespace"], "metadata.namespace").value_or("");
  m.labels = r.labels(meta["labels"], "metadata.labels");
  if (m.name.empty()) {
    r.error("metadata.name", "required field is missing");
    return false;
  }
  return true;
}

using KindDecoder = void (*)(Reader&, const YAML::Node&, const ObjectMeta&, ResourceSet&);

struct KindInfo {
  const char* kind;
  const char* apiVersion;
  KindDecoder decode;
};

constexpr KindInfo kKinds[] = {
    {"NotificationManager", kApiVersion, decodeNotificationManager},
    {"Config", kApiVersion, decodeConfig},
    {"Receiver", kApiVersion, decodeReceiver},
    {"Router", kApiVersion, decodeRouter},
    {"Silence", kApiVersion, decodeSilence},
    {"InhibitRule", kApiVersion, decodeInhibitRule},
    {"Secret", kV1, decodeSecret},
    {"ConfigMap", kV1, decodeConfigMap},
    {"Namespace", kV1, decodeNamespace},
};

void decodeObject(const YAML::Node& doc, const Origin& where, const std::string& prefix,
                  ResourceSet& out, Diagnostics& diags);

void decodeList(Reader& r, const YAML::Node& doc, const std::string& prefix, ResourceSet& out) {
  r.onlyKeys(doc, prefix, {"apiVersion", "kind", "metadata", "items"});
  const YAML::Node items = doc["items"];
  const std::string path = joinPath(prefix, "items");
  if (Reader::absent(items)) return;
  if (!items.IsSequence()) {
    r.error(path, "expected a list, got " + describeNode(items));
    return;
  }
  Origin where = r.origin();
  where.kind.clear();
  where.name.clear();
  for (size_t i = 0; i < items.size(); ++i) {
    decodeObject(items[i], where, indexPath(path, i), out, r.diags());
  }
}

void decodeObject(const YAML::Node& doc, const Origin& where, const std::string& prefix,
                  ResourceSet& out, Diagnostics& diags) {
  Origin origin = where;
  Reader r(origin, diags);
  if (!r.map(doc, prefix)) return;
  auto apiVersion = r.str(doc["apiVersion"], joinPath(prefix, "apiVersion"));
  auto kind = r.str(doc["kind"], joinPath(prefix, "kind"));
  if (!kind) {
    if (Reader::absent(doc["kind"])) r.error(joinPath(prefix, "kind"), "required field is missing");
    return;
  }
  origin.kind = *kind;
  // Name the resource in every diagnostic, even the kind and apiVersion ones.
  if (doc["metadata"] && doc["metadata"].IsMap() && doc["metadata"]["name"] &&
      doc["metadata"]["name"].IsScalar())
    origin.name = doc["metadata"]["name"].Scalar();
  if (*kind == "List") {
    if (apiVersion != kV1)
      r.error(joinPath(prefix, "apiVersion"), "a List needs apiVersion \"v1\"");
    decodeList(r, doc, prefix, out);
    return;
  }
  const KindInfo* info = nullptr;
  for (const auto& k : kKinds) {
    if (*kind == k.kind) info = &k;
  }
  if (!info) {
    r.error(joinPath(prefix, "kind"),
            "unknown kind \"" + *kind +
                "\" (want NotificationManager, Config, Receiver, Router, Silence, "
                "InhibitRule, Secret, ConfigMap, Namespace or List)");
    return;
  }
  if (!apiVersion) {
    if (Reader::absent(doc["apiVersion"]))
      r.error(joinPath(prefix, "apiVersion"),
              std::string("required field is missing (want \"") + info->apiVersion + "\")");
    return;
  }
  // v2beta1 NotificationManager, Config and Receiver load converted to v2beta2, with a warning.
  const bool v2beta1 = *apiVersion == kApiVersionV2beta1 && hasV2beta1Form(*kind);
  if (*apiVersion != info->apiVersion && !v2beta1) {
    r.error(joinPath(prefix, "apiVersion"), "unsupported apiVersion \"" + *apiVersion +
                                                "\" for kind " + *kind + " (want \"" +
                                                info->apiVersion + "\")");
    return;
  }
  // Per-kind decoders report paths relative to the resource; a List item prefixes "items[i].".
  Diagnostics local;
  Reader inner(origin, local);
  std::optional<YAML::Node> converted;
  if (v2beta1) converted = convertV2beta1(inner, doc, *kind);
  const YAML::Node& body = converted ? *converted : doc;
  ObjectMeta meta;
  if ((!v2beta1 || converted) && decodeMeta(inner, body, meta))
    info->decode(inner, body, meta, out);
  auto prefixed = [&](const std::string& path) {
    return prefix.empty() ? path : joinPath(prefix, path);
  };
  for (const auto& d : local.items()) diags.error(d.origin, prefixed(d.path), d.message);
  for (const auto& d : local.warnings()) diags.warn(d.origin, prefixed(d.path), d.message);
}

// Records where each document starts; ignores the content.
class DocumentStarts final : public YAML::EventHandler {
 public:
  YAML::Mark start;
  bool started = false;
  void OnDocumentStart(const YAML::Mark& m) override {
    start = m;
    started = true;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// YAML::LoadAll of yaml-cpp 0.7 never returns (allocating without bound) when a token cannot start
// a document, e.g. a stray top-level ',' (jbeder/yaml-cpp#1040, fixed upstream in 0.8.0 by
// #1319). A cheap event-only pass first rejects input whose next document would start where the
// previous one did, then LoadAll builds the nodes.
std::vector<YAML::Node> loadAllDocuments(const std::string& text) {
  {
    std::istringstream in(text);
    YAML::Parser parser(in);
    int lastPos = -1;
    for (;;) {
      DocumentStarts h;
      if (!parser.HandleNextDocument(h)) break;
      if (h.started && h.start.pos == lastPos)
        throw YAML::ParserException(h.start, "unexpected token where a document should start");
      if (h.started) lastPos = h.start.pos;
    }
  }
  return YAML::LoadAll(text);
}

}  // namespace

void decodeDocument(const YAML::Node& doc, const Origin& where, ResourceSet& out,
                    Diagnostics& diags) {
  try {
    decodeObject(doc, where, "", out, diags);
  } catch (const YAML::Exception& e) {
    diags.error(where, "", std::string("malformed document: ") + e.what());
  } catch (const std::exception& e) {
    diags.error(where, "", std::string("cannot decode document: ") + e.what());
  }
}

void decodeText(std::string_view text, const std::string& file, ResourceSet& out,
                Diagnostics& diags) {
  std::vector<YAML::Node> docs;
  Origin where;
  where.file = file;
  try {
    docs = loadAllDocuments(std::string(text));
  } catch (const YAML::ParserException& e) {
    diags.error(where, "",
                "YAML syntax error at line " + std::to_string(e.mark.line + 1) + ", column " +
                    std::to_string(e.mark.column + 1) + ": " + e.msg);
    return;
  } catch (const std::exception& e) {
    diags.error(where, "", std::string("cannot parse YAML: ") + e.what());
    return;
  }
  for (size_t i = 0; i < docs.size(); ++i) {
    if (!docs[i] || docs[i].IsNull()) continue;
    where.document = static_cast<int>(i + 1);
    decodeDocument(docs[i], where, out, diags);
  }
}

void appendResources(ResourceSet& into, ResourceSet&& from) {
  auto move = [](auto& dst, auto& src) {
    for (auto& x : src) dst.push_back(std::move(x));
  };
  move(into.notificationManagers, from.notificationManagers);
  move(into.configs, from.configs);
  move(into.receivers, from.receivers);
  move(into.routers, from.routers);
  move(into.silences, from.silences);
  move(into.inhibitRules, from.inhibitRules);
  move(into.secrets, from.secrets);
  move(into.configMaps, from.configMaps);
  move(into.namespaces, from.namespaces);
}

}  // namespace nm::model
