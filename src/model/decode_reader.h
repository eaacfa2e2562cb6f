// Typed, path-aware access to YAML fields for the resource decoders: every mismatch becomes a
// Diagnostic naming the field path ("spec.batchMaxSize: expected an integer, got \"abc\"").
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/labels.h"
#include "core/time.h"
#include "model/diagnostics.h"

namespace nm::model {

// "spec" + "url" → "spec.url"; "" + "spec" → "spec".
std::string joinPath(std::string_view base, std::string_view key);
// "items" + 3 → "items[3]".
std::string indexPath(std::string_view base, size_t i);
// "a map", "a list", "a string", "null": for "expected X, got Y" messages.
std::string describeNode(const YAML::Node& n);

class Reader {
 public:
  Reader(const Origin& origin, Diagnostics& diags) : origin_(origin), diags_(diags) {}

  const Origin& origin() const { return origin_; }
  Diagnostics& diags() { return diags_; }
  void error(const std::string& path, std::string message) {
    diags_.error(origin_, path, std::move(message));
  }
  void warn(const std::string& path, std::string message) {
    diags_.warn(origin_, path, std::move(message));
  }

  // Null or missing: the Kubernetes convention for "unset".
  static bool absent(const YAML::Node& n) { return !n || n.IsNull(); }

  // True when n is a map; otherwise reports "expected a map".
  bool map(const YAML::Node& n, const std::string& path);
  // Reports every key of `n` not in `known` as an unknown field.
  void onlyKeys(const YAML::Node& n, const std::string& path,
                std::initializer_list<std::string_view> known);

  std::optional<std::string> str(const YAML::Node& n, const std::string& path);
  std::optional<bool> boolean(const YAML::Node& n, const std::string& path);
  std::optional<int> integer(const YAML::Node& n, const std::string& path);
  std::optional<Duration> duration(const YAML::Node& n, const std::string& path);
  std::optional<TimePoint> time(const YAML::Node& n, const std::string& path);
  std::vector<std::string> strings(const YAML::Node& n, const std::string& path);
  std::map<std::string, std::string> stringMap(const YAML::Node& n, const std::string& path);
  LabelSet labels(const YAML::Node& n, const std::string& path);

  // Map iteration keys as strings (a non-scalar key is reported and skipped).
  std::optional<std::string> key(const YAML::Node& k, const std::string& path);

 private:
  const Origin& origin_;
  Diagnostics& diags_;
};

}  // namespace nm::model
