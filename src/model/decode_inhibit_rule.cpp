// Decoder of InhibitRule (source and target LabelSelectors, equal label names, enabled) and the
// rule's cache identity.
#include <string_view>

#include "core/label_name.h"
#include "model/decode.h"

namespace nm::model {

namespace {

std::string dumpOrEmpty(const YAML::Node& n) {
  return Reader::absent(n) ? std::string() : YAML::Dump(n);
}

}  // namespace

void decodeInhibitRule(Reader& r, const YAML::Node& doc, const ObjectMeta& m, ResourceSet& out) {
  r.onlyKeys(doc, "", {"apiVersion", "kind", "metadata", "spec", "status"});
  InhibitRuleResource res;
  res.origin = r.origin();
  res.name = m.name;
  res.labels = m.labels;
  const YAML::Node spec = doc["spec"];
  if (Reader::absent(spec)) {
    r.error("spec.source", "required field is missing");
    r.error("spec.target", "required field is missing");
  } else if (r.map(spec, "spec")) {
    r.onlyKeys(spec, "spec", {"enabled", "source", "target", "equal"});
    res.enabled = r.boolean(spec["enabled"], "spec.enabled").value_or(true);
    for (const char* side : {"source", "target"}) {
      const std::string path = std::string("spec.") + side;
      if (Reader::absent(spec[side])) {
        r.error(path, "required field is missing");
        continue;
      }
      (std::string_view(side) == "source" ? res.source : res.target) =
          decodeLabelSelector(r, spec[side], path);
    }
    res.equal = r.strings(spec["equal"], "spec.equal");
    for (size_t i = 0; i < res.equal.size(); ++i)
      if (!isLabelName(res.equal[i]))
        r.error(indexPath("spec.equal", i),
                "invalid label name \"" + res.equal[i] + "\" (want [a-zA-Z_][a-zA-Z0-9_]*)");
    res.key = dumpOrEmpty(spec["source"]) + '\0' + dumpOrEmpty(spec["target"]) + '\0' +
              dumpOrEmpty(spec["equal"]);
  }
  out.inhibitRules.push_back(std::move(res));
}

}  // namespace nm::model
