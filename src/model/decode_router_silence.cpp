// Decoders of Router (alertSelector, receivers by name/regex/selector/channels) and Silence
// (matcher, startsAt, 5-field cron schedule, Go duration).
#include <re2/re2.h>

#include "model/decode.h"

namespace nm::model {

namespace {

void checkChannelType(Reader& r, const std::string& type, const std::string& path) {
  if (!type.empty() && !isKnownChannelType(type))
    r.error(path, "unknown channel type \"" + type + "\"");
}

void decodeRouterReceivers(Reader& r, const YAML::Node& n, const std::string& path,
                           RouterResource& res) {
  if (Reader::absent(n) || !r.map(n, path)) return;
  r.onlyKeys(n, path, {"name", "regexName", "selector", "channels", "type"});
  res.receiverNames = r.strings(n["name"], joinPath(path, "name"));
  const std::string rxPath = joinPath(path, "regexName");
  res.regexName = r.str(n["regexName"], rxPath).value_or("");
  if (!res.regexName.empty()) {
    auto re = std::make_shared<re2::RE2>(res.regexName, re2::RE2::Quiet);
    if (!re->ok())
      r.error(rxPath, "invalid regular expression \"" + res.regexName + "\": " + re->error());
    else
      res.regexNameCompiled = std::move(re);
  }
  res.receiverSelector = decodeLabelSelector(r, n["selector"], joinPath(path, "selector"));
  res.type = r.str(n["type"], joinPath(path, "type")).value_or("");
  checkChannelType(r, res.type, joinPath(path, "type"));
  const YAML::Node chans = n["channels"];
  const std::string cp = joinPath(path, "channels");
  if (Reader::absent(chans)) return;
  if (!chans.IsSequence()) {
    r.error(cp, "expected a list, got " + describeNode(chans));
    return;
  }
  for (size_t i = 0; i < chans.size(); ++i) {
    const std::string ip = indexPath(cp, i);
    if (!r.map(chans[i], ip)) continue;
    r.onlyKeys(chans[i], ip, {"tenant", "type"});
    RouterChannelRef ref;
    ref.tenant = r.str(chans[i]["tenant"], joinPath(ip, "tenant")).value_or("");
    if (ref.tenant.empty()) r.error(joinPath(ip, "tenant"), "required field is missing");
    ref.types = r.strings(chans[i]["type"], joinPath(ip, "type"));
    for (size_t j = 0; j < ref.types.size(); ++j)
      checkChannelType(r, ref.types[j], indexPath(joinPath(ip, "type"), j));
    res.channels.push_back(std::move(ref));
  }
}

}  // namespace

void decodeRouter(Reader& r, const YAML::Node& doc, const ObjectMeta& m, ResourceSet& out) {
  r.onlyKeys(doc, "", {"apiVersion", "kind", "metadata", "spec", "status"});
  RouterResource res;
  res.origin = r.origin();
  res.name = m.name;
  res.labels = m.labels;
  const YAML::Node spec = doc["spec"];
  if (Reader::absent(spec)) {
    r.error("spec.alertSelector", "required field is missing");
  } else if (r.map(spec, "spec")) {
    r.onlyKeys(spec, "spec", {"enabled", "alertSelector", "receivers"});
    res.enabled = r.boolean(spec["enabled"], "spec.enabled").value_or(true);
    if (Reader::absent(spec["alertSelector"]))
      r.error("spec.alertSelector", "required field is missing");
    res.alertSelector = decodeLabelSelector(r, spec["alertSelector"], "spec.alertSelector");
    decodeRouterReceivers(r, spec["receivers"], "spec.receivers", res);
  }
  out.routers.push_back(std::move(res));
}

void decodeSilence(Reader& r, const YAML::Node& doc, const ObjectMeta& m, ResourceSet& out) {
  r.onlyKeys(doc, "", {"apiVersion", "kind", "metadata", "spec", "status"});
  SilenceResource res;
  res.origin = r.origin();
  res.name = m.name;
  res.labels = m.labels;
  const YAML::Node spec = doc["spec"];
  if (Reader::absent(spec)) {
    r.error("spec.matcher", "required field is missing");
  } else if (r.map(spec, "spec")) {
    r.onlyKeys(spec, "spec", {"enabled", "matcher", "startsAt", "schedule", "duration"});
    res.enabled = r.boolean(spec["enabled"], "spec.enabled").value_or(true);
    if (Reader::absent(spec["matcher"])) r.error("spec.matcher", "required field is missing");
    res.matcher = decodeLabelSelector(r, spec["matcher"], "spec.matcher");
    res.startsAt = r.time(spec["startsAt"], "spec.startsAt");
    res.scheduleText = r.str(spec["schedule"], "spec.schedule").value_or("");
    if (!res.scheduleText.empty()) {
      std::string err;
      res.schedule = parseCron(res.scheduleText, err);
      if (!res.schedule)
        r.error("spec.schedule", "invalid cron schedule \"" + res.scheduleText +
                                     "\": " + (err.empty() ? std::string("parse error") : err));
    }
    res.duration = r.duration(spec["duration"], "spec.duration");
    if (res.duration && res.duration->count() < 0) r.error("spec.duration", "must not be negative");
  }
  out.silences.push_back(std::move(res));
}

}  // namespace nm::model
