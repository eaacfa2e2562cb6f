// Silence JSON in Alertmanager's field names (api/v2/openapi.yaml postableSilence and
// gettableSilence), times in RFC 3339 with milliseconds as Alertmanager writes them.
#include "silence/silence_json.h"

namespace nm {

namespace {

bool stringField(const rapidjson::Value& v, const char* name, bool required, std::string& out,
                 std::string& error, const std::string& path = {}) {
  const rapidjson::Value* f = json::find(v, name);
  if (!f || f->IsNull()) {
    if (required) error = path + name + ": required";
    return !required;
  }
  if (!f->IsString()) {
    error = path + name + ": must be a string";
    return false;
  }
  out.assign(f->GetString(), f->GetStringLength());
  return true;
}

bool timeField(const rapidjson::Value& v, const char* name, bool required, TimePoint& out,
               std::string& error) {
  std::string text;
  if (!stringField(v, name, required, text, error)) return false;
  if (text.empty() && !required) return true;
  auto t = parseRfc3339(text);
  if (!t) {
    error = std::string(name) + ": not an RFC 3339 time: \"" + text + "\"";
    return false;
  }
  out = *t;
  return true;
}

bool boolField(const rapidjson::Value& v, const char* name, bool fallback, bool& out,
               std::string& error, const std::string& path) {
  const rapidjson::Value* f = json::find(v, name);
  out = fallback;
  if (!f || f->IsNull()) return true;
  if (!f->IsBool()) {
    error = path + name + ": must be a boolean";
    return false;
  }
  out = f->GetBool();
  return true;
}

std::string millis(TimePoint t) {
  // Alertmanager writes strfmt.DateTime: milliseconds, UTC.
  if (t == kZeroTime) return formatRfc3339(t);
  return formatRfc3339(std::chrono::time_point_cast<std::chrono::milliseconds>(t));
}

}  // namespace

bool decodeSilence(const rapidjson::Value& v, ApiSilence& out, std::string& error) {
  if (!v.IsObject()) {
    error = "silence: must be a JSON object";
    return false;
  }
  out = ApiSilence{};
  if (!stringField(v, "id", false, out.id, error)) return false;
  const rapidjson::Value* ms = json::find(v, "matchers");
  if (!ms || !ms->IsArray()) {
    error = ms ? "matchers: must be an array" : "matchers: required";
    return false;
  }
  if (ms->Empty()) {
    error = "matchers: at least one matcher is required";
    return false;
  }
  for (rapidjson::SizeType i = 0; i < ms->Size(); ++i) {
    const rapidjson::Value& m = (*ms)[i];
    const std::string path = "matchers[" + std::to_string(i) + "].";
    if (!m.IsObject()) {
      error = "matchers[" + std::to_string(i) + "]: must be an object";
      return false;
    }
    std::string name, value;
    bool isRegex = false, isEqual = true;
    if (!stringField(m, "name", true, name, error, path) ||
        !stringField(m, "value", true, value, error, path) ||
        !boolField(m, "isRegex", false, isRegex, error, path) ||
        !boolField(m, "isEqual", true, isEqual, error, path))
      return false;
    MatchType type = isRegex ? (isEqual ? MatchType::Regex : MatchType::NotRegex)
                             : (isEqual ? MatchType::Equal : MatchType::NotEqual);
    LabelMatcher lm;
    std::string why;
    if (!makeMatcher(name, type, value, lm, why)) {
      error = path + (why.starts_with("invalid label name") ? "name: " : "value: ") + why;
      return false;
    }
    out.matchers.push_back(std::move(lm));
  }
  if (!timeField(v, "startsAt", true, out.startsAt, error) ||
      !timeField(v, "endsAt", true, out.endsAt, error) ||
      !timeField(v, "updatedAt", false, out.updatedAt, error) ||
      !stringField(v, "createdBy", true, out.createdBy, error) ||
      !stringField(v, "comment", true, out.comment, error))
    return false;
  return true;
}

void writeMatcher(json::Writer& w, const LabelMatcher& m) {
  w.startObject();
  w.member("name", m.name).member("value", m.value);
  w.key("isRegex").boolean(m.isRegex());
  w.key("isEqual").boolean(m.isEqual());
  w.endObject();
}

void writeSilence(json::Writer& w, const ApiSilence& s, SilenceState state) {
  w.startObject();
  w.member("id", s.id);
  w.key("status").startObject().member("state", toString(state)).endObject();
  w.member("updatedAt", millis(s.updatedAt));
  w.key("matchers").startArray();
  for (const LabelMatcher& m : s.matchers) writeMatcher(w, m);
  w.endArray();
  w.member("startsAt", millis(s.startsAt)).member("endsAt", millis(s.endsAt));
  w.member("createdBy", s.createdBy).member("comment", s.comment);
  w.endObject();
}

std::string encodeSilence(const ApiSilence& s, SilenceState state) {
  json::Writer w;
  writeSilence(w, s, state);
  return w.take();
}

}  // namespace nm
