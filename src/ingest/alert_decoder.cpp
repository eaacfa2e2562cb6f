// Ingest decoder implementation over simdjson's DOM API: one pass per alert object, labels sorted
// in a thread-local scratch vector, errors built only on the error path.
#include "ingest/alert_decoder.h"

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <tuple>

#include "core/label_name.h"

namespace nm::ingest {

namespace {

using simdjson::SUCCESS;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// Bodies above this are parsed with a one-off parser so no thread keeps huge buffers alive.
constexpr size_t kBigBody = size_t{1} << 20;
constexpr size_t kMaxEchoedValue = 64;
// Per labels/annotations object: more bad entries than this are counted, not listed.
constexpr size_t kMaxErrorsPerMap = 5;
// Objects with more keys than this are checked for duplicates by sorting, not pairwise.
constexpr size_t kPairwiseKeys = 16;

struct Field {
  std::string_view name;
  std::string_view value;
  uint32_t order;
};

struct Ctx {
  std::string prefix;  // "alerts", "alert.alerts", "" (top-level array)
  std::string_view cluster;
  size_t maxLabels;
  size_t maxValueBytes;
  TimePoint now;
  std::string nowText;                          // RFC 3339 of now, for annotation alerttime
  IngestFormat format = IngestFormat::Webhook;  // the body's shape: dedup's default follows it
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

// A key as JSON string text: quoted, `"`, `\` and control bytes escaped, long keys cut at a
// UTF-8 character boundary.
std::string quoted(std::string_view key) {
  bool cut = false;
  if (key.size() > kMaxEchoedValue) {
    size_t n = kMaxEchoedValue;
    while (n > 0 && (static_cast<unsigned char>(key[n]) & 0xC0) == 0x80) --n;
    key = key.substr(0, n);
    cut = true;
  }
  std::string s = "\"";
  for (char ch : key) {
    const auto u = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      s += '\\';
      s += ch;
    } else if (u < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      s += "\\u00";
      s += kHex[u >> 4];
      s += kHex[u & 15];
    } else {
      s += ch;
    }
  }
  s += cut ? "...\"" : "\"";
  return s;
}

// "labels[\"a b\"]": the path of one entry of a labels or annotations object.
std::string entryPath(std::string_view field, std::string_view key) {
  std::string s(field);
  s += '[';
  s += quoted(key);
  s += ']';
  return s;
}

// The first key (in sorted order) that `obj` holds twice, if any.
std::optional<std::string_view> duplicateKey(object obj) {
  const size_t n = obj.size();
  if (n < 2) return std::nullopt;
  if (n <= kPairwiseKeys) {
    std::array<std::string_view, kPairwiseKeys> keys;
    size_t k = 0;
    for (auto kv : obj) {
      for (size_t i = 0; i < k; ++i)
        if (keys[i] == kv.key) return kv.key;
      keys[k++] = kv.key;
    }
    return std::nullopt;
  }
  thread_local std::vector<std::string_view> keys;
  keys.clear();
  for (auto kv : obj) keys.push_back(kv.key);
  std::sort(keys.begin(), keys.end());
  auto it = std::adjacent_find(keys.begin(), keys.end());
  if (it == keys.end()) return std::nullopt;
  return *it;
}

// Looks for a duplicate key in every object under `v`; on one, `path` names its object and the
// key is returned. `path` is restored when nothing is found.
std::optional<std::string_view> nestedDuplicate(element v, std::string& path) {
  object obj;
  array arr;
  if (v.get(obj) == SUCCESS) {
    if (auto d = duplicateKey(obj)) return d;
    for (auto kv : obj) {
      if (!kv.value.is_object() && !kv.value.is_array()) continue;
      const size_t len = path.size();
      if (!path.empty()) path += '.';
      path.append(kv.key);
      if (auto d = nestedDuplicate(kv.value, path)) return d;
      path.resize(len);
    }
  } else if (v.get(arr) == SUCCESS) {
    size_t i = 0;
    for (element x : arr) {
      if (x.is_object() || x.is_array()) {
        const size_t len = path.size();
        path += '[' + std::to_string(i) + ']';
        if (auto d = nestedDuplicate(x, path)) return d;
        path.resize(len);
      }
      ++i;
    }
  }
  return std::nullopt;
}

// Reads an object of strings into `scratch`, sorted by name. null values read as "". Refuses
// what Alertmanager refuses (invalid names; for labels only names whose value is not empty, as
// it drops empty labels first), duplicate names, and labels over the configured bounds. Reports
// the first kMaxErrorsPerMap bad entries; returns false when there was one.
bool readStringMap(element v, std::string_view field, bool labels, const Ctx& c, size_t index,
                   std::vector<Field>& scratch) {
  scratch.clear();
  object obj;
  if (v.get(obj) != SUCCESS) {
    addError(c, index, field, "expected an object");
    return false;
  }
  if (labels && obj.size() > c.maxLabels) {
    addError(c, index, field,
             std::to_string(obj.size()) + " labels, over the limit of " +
                 std::to_string(c.maxLabels) + " (--webhook.max-labels-per-alert)");
    return false;
  }
  size_t bad = 0;
  auto fail = [&](std::string_view key, std::string msg) {
    if (++bad <= kMaxErrorsPerMap) addError(c, index, entryPath(field, key), msg);
  };
  uint32_t order = 0;
  for (auto kv : obj) {
    std::string_view value;
    if (kv.value.get(value) != SUCCESS && !kv.value.is_null()) {
      if (++bad <= kMaxErrorsPerMap) {
        addError(c, index, std::string(field) + "." + std::string(kv.key), "expected a string");
      }
      continue;
    }
    if (kv.key.empty()) {
      if (++bad <= kMaxErrorsPerMap) addError(c, index, field, "empty name");
      continue;
    }
    if ((!labels || !value.empty()) && !isLabelName(kv.key)) {
      fail(kv.key, labels ? "invalid label name" : "invalid annotation name");
      continue;
    }
    if (labels && value.size() > c.maxValueBytes) {
      fail(kv.key, "value of " + std::to_string(value.size()) + " bytes, over the limit of " +
                       std::to_string(c.maxValueBytes) + " (--webhook.max-label-value-bytes)");
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
  // Which of two equal keys would win is unspecified by JSON: refuse them.
  for (auto it = scratch.begin();
       (it = std::adjacent_find(it, scratch.end(), [](const Field&a, const Field&b) {
          return a.name == b.name;
        })) != scratch.end();) {
    fail(it->name, "duplicate key");
    const std::string_view name = it->name;
    while (it != scratch.end() && it->name == name) ++it;
  }
  if (bad > kMaxErrorsPerMap) {
    addError(c, index, field,
             std::to_string(bad - kMaxErrorsPerMap) + " more invalid entries not listed");
  }
  return bad == 0;
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
  std::vector<Alert*> unfinished;  // decoded, identity not yet computed (done per request)
};

bool decodeOne(element e, Ctx& c, size_t index, Scratch& s) {
  object obj;
  if (e.get(obj) != SUCCESS) {
    addError(c, index, {}, "expected an object");
    return false;
  }
  bool ok = true;
  // Duplicates are looked for only when a known key came twice or two unknown keys came (an
  // Alertmanager alert has one, fingerprint): the common alert pays two integer operations a key.
  unsigned seen = 0, seenTwice = 0, unknown = 0;
  auto mark = [&](unsigned bit) {
    seenTwice |= seen & bit;
    seen |= bit;
  };
  bool haveLabels = false, haveAnnotations = false, haveStatus = false;
  element labelsEl, annotationsEl;
  AlertStatus status = AlertStatus::Firing;
  TimePoint startsAt = kZeroTime, endsAt = kZeroTime;
  int32_t startsOffset = 0, endsOffset = 0;
  std::string_view generatorURL;

  for (auto kv : obj) {
    const std::string_view key = kv.key;
    if (key == "labels") {
      mark(1);
      labelsEl = kv.value;
      haveLabels = true;
    } else if (key == "annotations") {
      mark(2);
      if (!kv.value.is_null()) {
        annotationsEl = kv.value;
        haveAnnotations = true;
      }
    } else if (key == "status") {
      mark(4);
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
      mark(8);
      ok = readTime(kv.value, "startsAt", c, index, startsAt, startsOffset) && ok;
    } else if (key == "endsAt") {
      mark(16);
      ok = readTime(kv.value, "endsAt", c, index, endsAt, endsOffset) && ok;
    } else if (key == "generatorURL") {
      mark(32);
      if (!kv.value.is_null() && kv.value.get(generatorURL) != SUCCESS) {
        addError(c, index, "generatorURL", "expected a string");
        ok = false;
      }
    } else if (++unknown, kv.value.is_object() || kv.value.is_array()) {
      // fingerprint, receiver and any other field are ignored, but must not be ambiguous either.
      std::string path(key);
      if (auto d = nestedDuplicate(kv.value, path)) {
        addError(c, index, path, "duplicate key " + quoted(*d));
        ok = false;
      }
    }
  }
  if (seenTwice || unknown > 1) {
    if (auto d = duplicateKey(obj)) {
      addError(c, index, {}, "duplicate key " + quoted(*d));
      return false;
    }
  }

  if (!haveLabels) {
    addError(c, index, "labels", "missing (an object of label names to values is required)");
    ok = false;
  } else if (readStringMap(labelsEl, "labels", true, c, index, s.labels)) {
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
    ok = readStringMap(annotationsEl, "annotations", false, c, index, s.annotations) && ok;
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
  for (const Field& f : s.labels) a->labels.appendUnsortedCopy(f.name, f.value);
  a->annotations.reserve(s.annotations.size());
  for (const Field& f : s.annotations) a->annotations.appendUnsortedCopy(f.name, f.value);

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
  a->format = c.format;
  s.unfinished.push_back(a.get());
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
  c.maxLabels = opts.maxLabelsPerAlert;
  c.maxValueBytes = opts.maxLabelValueBytes;
  c.now = opts.now == kZeroTime ? nm::now() : opts.now;
  c.out = &result;

  array list;
  object envelope;
  if (root.get(envelope) == SUCCESS) {
    // The envelope (receiver, groupLabels, ...) is not decoded, yet an ambiguous one is refused.
    if (auto d = duplicateKey(envelope)) {
      result.fatal = std::string(path.empty() ? "body" : path) + ": duplicate key " + quoted(*d);
      return result;
    }
    for (auto kv : envelope) {
      if (kv.key == "alerts" || (!kv.value.is_object() && !kv.value.is_array())) continue;
      std::string where(path);
      if (!where.empty()) where += '.';
      where.append(kv.key);
      if (auto d = nestedDuplicate(kv.value, where)) {
        result.fatal = where + ": duplicate key " + quoted(*d);
        return result;
      }
    }
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
    c.format = IngestFormat::AlertArray;
  } else {
    result.fatal = std::string(path.empty() ? "body" : path) +
                   ": expected an Alertmanager webhook object or an array of alerts";
    return result;
  }

  thread_local Scratch scratch;
  scratch.unfinished.clear();
  result.alerts.reserve(list.size());
  size_t index = 0;
  for (element e : list) {
    if (!decodeOne(e, c, index, scratch)) ++result.invalid;
    ++index;
  }
  finalizeIdentities(scratch.unfinished.data(), scratch.unfinished.size());
  scratch.unfinished.clear();
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
