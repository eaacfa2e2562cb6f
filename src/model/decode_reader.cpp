// Scalar, list and map readers of the resource decoders, strict about types (a map where a string
// is expected, "abc" for an integer) and never letting a yaml-cpp exception escape.
#include "model/decode_reader.h"

#include <charconv>

namespace nm::model {

std::string joinPath(std::string_view base, std::string_view key) {
  if (base.empty()) return std::string(key);
  std::string s(base);
  s += '.';
  s += key;
  return s;
}

std::string indexPath(std::string_view base, size_t i) {
  return std::string(base) + "[" + std::to_string(i) + "]";
}

std::string describeNode(const YAML::Node& n) {
  if (!n || n.IsNull()) return "null";
  if (n.IsMap()) return "a map";
  if (n.IsSequence()) return "a list";
  // Never the scalar's text: a secret put where a map belongs must not reach the logs.
  if (n.IsScalar()) return "a string";
  return "an undefined value";
}

namespace {
// For non-secret scalars (integers, booleans): the text itself is the most useful hint.
std::string quoted(const YAML::Node& n) {
  return n.IsScalar() ? "\"" + n.Scalar() + "\"" : describeNode(n);
}
}  // namespace

bool Reader::map(const YAML::Node& n, const std::string& path) {
  if (n && n.IsMap()) return true;
  error(path, "expected a map, got " + describeNode(n));
  return false;
}

std::optional<std::string> Reader::key(const YAML::Node& k, const std::string& path) {
  if (k.IsScalar()) return k.Scalar();
  error(path, "expected a string key, got " + describeNode(k));
  return std::nullopt;
}

void Reader::onlyKeys(const YAML::Node& n, const std::string& path,
                      std::initializer_list<std::string_view> known) {
  if (!n || !n.IsMap()) return;
  for (const auto& kv : n) {
    auto k = key(kv.first, path);
    if (!k) continue;
    bool ok = false;
    for (auto want : known) ok = ok || want == *k;
    if (!ok) error(joinPath(path, *k), "unknown field \"" + *k + "\"");
  }
}

std::optional<std::string> Reader::str(const YAML::Node& n, const std::string& path) {
  if (absent(n)) return std::nullopt;
  if (n.IsScalar()) return n.Scalar();
  error(path, "expected a string, got " + describeNode(n));
  return std::nullopt;
}

std::optional<bool> Reader::boolean(const YAML::Node& n, const std::string& path) {
  if (absent(n)) return std::nullopt;
  if (n.IsScalar()) {
    const std::string& s = n.Scalar();
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
  }
  error(path, "expected a boolean, got " + quoted(n));
  return std::nullopt;
}

std::optional<int> Reader::integer(const YAML::Node& n, const std::string& path) {
  if (absent(n)) return std::nullopt;
  if (n.IsScalar()) {
    const std::string& s = n.Scalar();
    int v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (!s.empty() && ec == std::errc() && p == s.data() + s.size()) return v;
  }
  error(path, "expected an integer, got " + quoted(n));
  return std::nullopt;
}

std::optional<Duration> Reader::duration(const YAML::Node& n, const std::string& path) {
  auto s = str(n, path);
  if (!s) return std::nullopt;
  auto d = parseGoDuration(*s);
  if (!d)
    error(path, "invalid duration \"" + *s + "\" (want a Go duration such as 30s, 1m, 2h45m)");
  return d;
}

std::optional<TimePoint> Reader::time(const YAML::Node& n, const std::string& path) {
  auto s = str(n, path);
  if (!s) return std::nullopt;
  auto t = parseRfc3339(*s);
  if (!t) error(path, "invalid RFC 3339 time \"" + *s + "\"");
  return t;
}

std::vector<std::string> Reader::strings(const YAML::Node& n, const std::string& path) {
  std::vector<std::string> out;
  if (absent(n)) return out;
  if (!n.IsSequence()) {
    error(path, "expected a list of strings, got " + describeNode(n));
    return out;
  }
  for (size_t i = 0; i < n.size(); ++i) {
    if (auto s = str(n[i], indexPath(path, i))) out.push_back(*s);
  }
  return out;
}

std::map<std::string, std::string> Reader::stringMap(const YAML::Node& n, const std::string& path) {
  std::map<std::string, std::string> out;
  if (absent(n) || !map(n, path)) return out;
  for (const auto& kv : n) {
    auto k = key(kv.first, path);
    if (!k) continue;
    const std::string p = joinPath(path, *k);
    if (absent(kv.second)) {
      out[*k] = "";
    } else if (auto v = str(kv.second, p)) {
      out[*k] = *v;
    }
  }
  return out;
}

LabelSet Reader::labels(const YAML::Node& n, const std::string& path) {
  LabelSet out;
  for (auto& [k, v] : stringMap(n, path)) out.appendUnsorted(k, v);
  out.normalize();
  return out;
}

}  // namespace nm::model
