// RapidJSON writers for the webhook Data JSON and the history JSON. Streams straight into a
// std::string: one pass, no DOM.
#include "notify/data_json.h"

#include <rapidjson/writer.h>

#include <map>
#include <string_view>

namespace nm {

namespace {

// A RapidJSON output stream appending to a std::string.
struct StringOut {
  using Ch = char;
  std::string& s;
  void Put(char c) { s.push_back(c); }
  void Flush() {}
};

using Writer = rapidjson::Writer<StringOut>;

void str(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void time(Writer& w, TimePoint t, int32_t offsetSec = 0) {
  std::string buf;
  appendRfc3339(buf, t, offsetSec);
  str(w, buf);
}

// Labels as an object; `extraName`/`extraValue` is merged in sorted position when absent.
void labels(Writer& w, const LabelSet& set, std::string_view extraName = {},
            std::string_view extraValue = {}) {
  w.StartObject();
  bool pending = !extraName.empty() && !set.has(extraName);
  for (const auto& [k, v] : set) {
    if (pending && extraName < k) {
      str(w, extraName);
      str(w, extraValue);
      pending = false;
    }
    str(w, k);
    str(w, v);
  }
  if (pending) {
    str(w, extraName);
    str(w, extraValue);
  }
  w.EndObject();
}

void alertFields(Writer& w, const Alert& a, std::string_view receiverLabel) {
  w.Key("id");
  str(w, a.id);
  w.Key("status");
  w.String(toString(a.status));
  w.Key("labels");
  labels(w, a.labels, receiverLabel.empty() ? std::string_view{} : "receiver", receiverLabel);
  w.Key("annotations");
  labels(w, a.annotations);
  w.Key("startsAt");
  time(w, a.startsAt, a.startsAtOffset);
  w.Key("endsAt");
  time(w, a.endsAt, a.endsAtOffset);
  w.Key("generatorURL");
  str(w, a.generatorURL);
  w.Key("fingerprint");
  str(w, fingerprintHex(a.fingerprint));
}

void trailer(Writer& w, const LabelSet& group, const LabelSet& common, const LabelSet& commonAnn) {
  w.Key("groupLabels");
  labels(w, group);
  w.Key("commonLabels");
  labels(w, common);
  w.Key("commonAnnotations");
  labels(w, commonAnn);
  w.Key("version");
  w.String("4");
}

}  // namespace

std::string dataJson(const Data& data) {
  std::string out;
  out.reserve(512 + data.alerts.size() * 512);
  StringOut os{out};
  Writer w(os);
  w.StartObject();
  w.Key("receiver");
  str(w, data.receiverName);
  w.Key("status");
  str(w, groupStatus(data.alerts));
  w.Key("alerts");
  w.StartArray();
  for (const auto& a : data.alerts) {
    w.StartObject();
    alertFields(w, *a, data.receiverName);
    w.EndObject();
  }
  w.EndArray();
  trailer(w, data.groupLabels, data.commonLabels, data.commonAnnotations);
  w.EndObject();
  return out;
}

std::string historyJson(const std::string& receiverName, const std::vector<HistoryAlert>& alerts) {
  std::string out;
  out.reserve(512 + alerts.size() * 640);
  StringOut os{out};
  Writer w(os);
  AlertList list;
  list.reserve(alerts.size());
  for (const auto& h : alerts) list.push_back(h.alert);
  w.StartObject();
  w.Key("receiver");
  str(w, receiverName);
  w.Key("status");
  str(w, groupStatus(list));
  w.Key("alerts");
  w.StartArray();
  for (const auto& h : alerts) {
    w.StartObject();
    alertFields(w, *h.alert, {});
    w.Key("notificationTime");
    time(w, h.notificationTime);
    w.Key("receiver");
    std::map<std::string_view, std::map<std::string_view, std::string_view>> byName;
    for (const auto& d : h.receivers) byName[d.receiverName][d.type] = d.target;
    w.StartObject();
    for (const auto& [name, types] : byName) {
      str(w, name);
      w.StartObject();
      for (const auto& [type, target] : types) {
        str(w, type);
        str(w, target);
      }
      w.EndObject();
    }
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  trailer(w, LabelSet{}, LabelSet{}, LabelSet{});
  w.EndObject();
  return out;
}

}  // namespace nm
