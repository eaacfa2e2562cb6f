// Decoder of the dedup block shared by the NotificationManager (spec.dedup) and every Receiver
// channel (spec.<type>.dedup): which ingest formats are deduplicated, repeat and resolved.
#include "model/decode.h"

namespace nm::model {

DedupOverride decodeDedup(Reader& r, const YAML::Node& n, const std::string& path) {
  DedupOverride out;
  if (Reader::absent(n) || !r.map(n, path)) return out;
  r.onlyKeys(n, path, {"alertArray", "webhook", "repeatInterval", "sendResolved"});
  out.alertArray = r.boolean(n["alertArray"], joinPath(path, "alertArray"));
  out.webhook = r.boolean(n["webhook"], joinPath(path, "webhook"));
  out.sendResolved = r.boolean(n["sendResolved"], joinPath(path, "sendResolved"));
  const std::string rp = joinPath(path, "repeatInterval");
  if (auto d = r.duration(n["repeatInterval"], rp)) {
    if (d->count() <= 0)
      r.error(rp, "must be positive");
    else
      out.repeatInterval = *d;
  }
  return out;
}

}  // namespace nm::model
