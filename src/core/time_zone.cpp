// Go's LoadLocation name rules in front of cctz, and a cache of loaded zones keyed by file path
// (only zones that exist are kept, so unknown names from templates cannot grow it).
#include "core/time_zone.h"

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

namespace nm {

namespace {

std::string zoneRoot() {
  const char* dir = std::getenv("TZDIR");
  return dir && *dir ? dir : "/usr/share/zoneinfo";
}

class ZoneCache {
 public:
  std::optional<cctz::time_zone> find(const std::string& path) {
    std::shared_lock lock(mu_);
    auto it = zones_.find(path);
    if (it == zones_.end()) return std::nullopt;
    return it->second;
  }
  void put(const std::string& path, const cctz::time_zone& zone) {
    std::unique_lock lock(mu_);
    zones_.emplace(path, zone);
  }

 private:
  std::shared_mutex mu_;
  std::unordered_map<std::string, cctz::time_zone> zones_;
};

ZoneCache& cache() {
  static ZoneCache c;
  return c;
}

}  // namespace

std::optional<cctz::time_zone> loadLocation(std::string_view name, std::string& err) {
  if (name.empty() || name == "UTC") return cctz::utc_time_zone();
  if (name == "Local") return localZone();
  if (name.find("..") != std::string_view::npos || name.front() == '/' || name.front() == '\\') {
    err = "time: invalid location name";
    return std::nullopt;
  }
  // An absolute path, so cctz reads exactly this file (never its own "Fixed/…" or "file:" names).
  const std::string path = zoneRoot() + "/" + std::string(name);
  if (auto hit = cache().find(path)) return hit;
  std::error_code ec;
  cctz::time_zone zone;
  if (!std::filesystem::is_regular_file(path, ec) || !cctz::load_time_zone(path, &zone)) {
    err = "unknown time zone " + std::string(name);
    return std::nullopt;
  }
  cache().put(path, zone);
  return zone;
}

cctz::time_zone localZone() {
  return cctz::local_time_zone();
}

ZoneAt zoneAt(const cctz::time_zone& zone, int64_t unixSec) {
  const auto at = zone.lookup(cctz::time_point<cctz::seconds>(cctz::seconds(unixSec)));
  return {static_cast<int32_t>(at.offset), at.abbr ? at.abbr : ""};
}

}  // namespace nm
