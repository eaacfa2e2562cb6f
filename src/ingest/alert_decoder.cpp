// Ingest decoder implementation over simdjson's DOM API: one pass per alert object, labels sorted
// in a thread-local scratch vector, errors built only on the error path.
#include "ingest/alert_decoder.h"

#include <algorithm>
#include <memory>
#include <tuple>

namespace nm::ingest {

namespace {

using simdjson::SUCCESS;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// Bodies above this are parsed with a one-off parser so no thread keeps huge buffers alive.
constexpr size_t kBigBody = size_t{1} << 20;
constexpr size_t kMaxEchoedValue = 64;

struct Field {
  std::string_view name;
  std::string_view value;
  uint32_t order;
};

struct Ctx {
  std::string prefix;  // "alerts", "alert.alerts", "" (top-level array)
  std::string_view cluster;
  TimePoint now;
  std::string nowText;  // RFC 3339 of now, for annotation alerttime
  DecodeResult* out;
};

void addError(const Ctx& c, size_t index, std::string_view field, std::string_view msg) {
  std::string s = c.prefix;
  s += '[';
  s += std::to_string(index);
  s += ']';
  if (!field.empty()) {
    s += '.';
    s.append(field);
  }
  s += ": ";
  s.append(msg);
  c.out->errors.push_back(std::move(s));
}

std::string echo(std::string_view v) {
  std::string s = "\"";
  s.append(v.substr(0, kMaxEchoedValue));
  if (v.size() > kMaxEchoedValue) s += "...";
  s += '"';
  return s;
}

// Reads an object of strings into `scratch`, sorted by name with the last duplicate winning.
// null values read as "". Reports every bad entry; returns false when there was one.
bool readStringMap(element v, std::string_view field, const Ctx& c, size_t index,
                   std::vector<Field>& scratch) {
  scratch.clear();
  object obj;
  if (v.get(obj) != SUCCESS) {
    addError(c, index, field, "expected an object");
    return false;
  }
  bool ok = true;
  uint32_t order = 0;
  for (auto kv : obj) {
    std::string_view value;
    if (kv.value.get(value) != SUCCESS && !kv.value.is_null()) {
      addError(c, index, std::string(field) + "." + std::string(kv.key), "expected a string");
      ok = false;
      continue;
    }
    if (kv.key.empty()) {
      addError(c, index, field, "empty name");
      ok = false;
      continue;
    }
    scratch.push_back({kv.key, value, order++});
  }
  // Prometheus and Alertmanager send labels sorted: check before sorting.
  auto less = [](const Field& a, const Field& b) {
    return std::tie(a.name, a.order) < std::tie(b.name, b.order);
  };
  if (!std::is_sorted(scratch.begin(), scratch.end(), less)) {
    std::sort(scratch.begin(), scratch.end(), less);
  }
  auto keep = scratch.begin();
  for (auto it = scratch.begin(); it != scratch.end(); ++it) {
    auto next = it + 1;
    if (next != scratch.end() && next->name == it->name) continue;  // a later one wins
    *keep++ = *it;
  }
  scratch.erase(keep, scratch.end());
  return ok;
}

bool byName(const Field& f, std::string_view name) {
  return f.name < name;
}

const Field* find(const std::vector<Field>& fields, std::string_view name) {
  auto it = std::lower_bound(fields.begin(), fields.end(), name, byName);
  return it != fields.end() && it->name == name ? &*it : nullptr;
}

// Inserts name=value into sorted `fields`; an existing entry is replaced only when `replace`.
void upsert(std::vector<Field>& fields, std::string_view name, std::string_view value,
            bool replace) {
  auto it = std::lower_bound(fields.begin(), fields.end(), name, byName);
  if (it != fields.end() && it->name == name) {
    if (replace) it->value = value;
  } else {
    fields.insert(it, Field{name, value, 0});
  }
}

// Reads an optional RFC 3339 time; null and absent leave `out` at kZeroTime.
bool readTime(element v, std::string_view field, const Ctx& c, size_t index, TimePoint& out,
              int32_t& offset) {
  if (v.is_null()) return true;
  std::string_view s;
  if (v.get(s) != SUCCESS) {
    addError(c, index, field, "expected an RFC 3339 time string");
    return false;
  }
  auto t = parseRfc3339(s, &offset);
  if (!t) {
    addError(c, index, field, "expected an RFC 3339 time, got " + echo(s));
    return false;
  }
  out = *t;
  return true;
}

struct Scratch {
  std::vector<Field> labels;
  std::vector<Field> annotations;
};

bool decodeOne(element e, Ctx& c, size_t index, Scratch& s) {
  object obj;
  if (e.get(obj) != SUCCESS) {
    addError(c, index, {}, "expected an object");
    return false;
  }
  bool ok = true;
  bool haveLabels = false, haveAnnotations = false, haveStatus = false;
  element labelsEl, annotationsEl;
  AlertStatus status = AlertStatus::Firing;
  TimePoint startsAt = kZeroTime, endsAt = kZeroTime;
  int32_t startsOffset = 0, endsOffset = 0;
  std::string_view generatorURL;

  for (auto kv : obj) {
    const std::string_view key = kv.key;
    if (key == "labels") {
      labelsEl = kv.value;
      haveLabels = true;
    } else if (key == "annotations") {
      if (!kv.value.is_null()) {
        annotationsEl = kv.value;
        haveAnnotations = true;
      }
    } else if (key == "status") {
      if (kv.value.is_null()) continue;
      std::string_view st;
      if (kv.value.get(st) == SUCCESS && st == "firing") {
        status = AlertStatus::Firing;
        haveStatus = true;
      } else if (kv.value.get(st) == SUCCESS && st == "resolved") {
        status = AlertStatus::Resolved;
        haveStatus = true;
      } else {
        addError(c, index, "status", "expected \"firing\" or \"resolved\"");
        ok = false;
      }
    } else if (key == "startsAt") {
      ok = readTime(kv.value, "startsAt", c, index, startsAt, startsOffset) && ok;
    } else if (key == "endsAt") {
      ok = readTime(kv.value, "endsAt", c, index, endsAt, endsOffset) && ok;
    } else if (key == "generatorURL") {
      if (!kv.value.is_null() && kv.value.get(generatorURL) != SUCCESS) {
        addError(c, index, "generatorURL", "expected a string");
        ok = false;
      }
    }
    // fingerprint, receiver and any other field are ignored.
  }

  if (!haveLabels) {
    addError(c, index, "labels", "missing (an object of label names to values is required)");
    ok = false;
  } else if (readStringMap(labelsEl, "labels", c, index, s.labels)) {
    bool anyValue = std::any_of(s.labels.begin(), s.labels.end(),
                                [](const Field& f) { return !f.value.empty(); });
    if (!anyValue) {
      addError(c, index, "labels", "at least one label with a non-empty value is required");
      ok = false;
    }
  } else {
    ok = false;
  }
  if (haveAnnotations) {
    ok = readStringMap(annotationsEl, "annotations", c, index, s.annotations) && ok;
  } else {
    s.annotations.clear();
  }
  if (ok && startsAt != kZeroTime && endsAt != kZeroTime && endsAt < startsAt) {
    addError(c, index, "endsAt", "before startsAt");
    ok = false;
  }
  if (!ok) return false;

  // Empty values mean "no such label" (as Alertmanager's API removes them).
  std::erase_if(s.labels, [](const Field& f) { return f.value.empty(); });
  if (!c.cluster.empty()) upsert(s.labels, "cluster", c.cluster, false);
  const Field* type = find(s.labels, "alerttype");
  if (type && type->value == "metric") {
    if (c.nowText.empty()) c.nowText = formatRfc3339(c.now);
    upsert(s.annotations, "alerttime", c.nowText, true);
  }

  auto a = std::make_shared<Alert>();
  // The scratch vectors are sorted with unique names: appending keeps LabelSet's invariant.
  a->labels.reserve(s.labels.size());
  for (const Field& f : s.labels) {
    a->labels.appendUnsorted(std::string(f.name), std::string(f.value));
  }
  a->annotations.reserve(s.annotations.size());
  for (const Field& f : s.annotations) {
    a->annotations.appendUnsorted(std::string(f.name), std::string(f.value));
  }

  // A time filled in here is written in UTC (Go's time.Now() in a UTC container); one from the
  // sender keeps its offset.
  if (startsAt == kZeroTime) {
    // Alertmanager: a past endsAt without startsAt means the alert started and ended then.
    const bool fromEnd = endsAt != kZeroTime && endsAt < c.now;
    startsAt = fromEnd ? endsAt : c.now;
    startsOffset = fromEnd ? endsOffset : 0;
  }
  if (!haveStatus) {
    status = endsAt != kZeroTime && endsAt <= c.now ? AlertStatus::Resolved : AlertStatus::Firing;
  } else if (status == AlertStatus::Resolved && endsAt == kZeroTime) {
    endsAt = c.now;
    endsOffset = 0;
  }
  a->status = status;
  a->startsAt = startsAt;
  a->endsAt = endsAt;
  a->startsAtOffset = startsOffset;
  a->endsAtOffset = endsOffset;
  a->generatorURL = std::string(generatorURL);
  a->receivedAt = c.now;
  finalizeIdentity(*a);
  c.out->alerts.push_back(std::move(a));
  return true;
}

std::string fatalMessage(simdjson::error_code err) {
  switch (err) {
    case simdjson::UTF8_ERROR:
      return "invalid UTF-8 in body";
    case simdjson::EMPTY:
      return "empty body";
    default:
      return std::string("invalid JSON: ") + simdjson::error_message(err);
  }
}

}  // namespace

DecodeResult decodeAlerts(element root, const DecodeOptions& opts, std::string_view path) {
  DecodeResult result;
  Ctx c;
  c.cluster = opts.cluster;
  c.now = opts.now == kZeroTime ? nm::now() : opts.now;
  c.out = &result;

  array list;
  if (root.is_object()) {
    element alerts;
    if (root["alerts"].get(alerts) != SUCCESS) {
      result.fatal = std::string(path.empty() ? "body" : path) +
                     ": expected an Alertmanager webhook object with \"alerts\" or an array of "
                     "alerts";
      return result;
    }
    c.prefix = path.empty() ? std::string("alerts") : std::string(path) + ".alerts";
    if (alerts.get(list) != SUCCESS) {
      result.fatal = c.prefix + ": expected an array";
      return result;
    }
  } else if (root.get(list) == SUCCESS) {
    c.prefix = std::string(path);
  } else {
    result.fatal = std::string(path.empty() ? "body" : path) +
                   ": expected an Alertmanager webhook object or an array of alerts";
    return result;
  }

  thread_local Scratch scratch;
  result.alerts.reserve(list.size());
  size_t index = 0;
  for (element e : list) {
    if (!decodeOne(e, c, index, scratch)) ++result.invalid;
    ++index;
  }
  return result;
}

DecodeResult decodeAlerts(std::string_view body, const DecodeOptions& opts) {
  thread_local simdjson::dom::parser shared;
  std::unique_ptr<simdjson::dom::parser> big;
  simdjson::dom::parser* parser = &shared;
  if (body.size() > kBigBody) {
    big = std::make_unique<simdjson::dom::parser>();
    parser = big.get();
  }
  element root;
  auto err = parser->parse(body.data(), body.size()).get(root);
  if (err != SUCCESS) {
    DecodeResult result;
    result.fatal = fatalMessage(err);
    return result;
  }
  return decodeAlerts(root, opts);
}

}  // namespace nm::ingest
