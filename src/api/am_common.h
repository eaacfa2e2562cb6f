// What the Alertmanager-compatible endpoints share: Alertmanager's error body (a JSON string),
// the `filter` and boolean query parameters, and its timestamp format.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api/reply.h"
#include "api/router.h"
#include "core/json.h"
#include "silence/matchers.h"

namespace nm::api {

// Alertmanager answers errors with the message as a JSON string; amtool prints it.
inline Reply amError(unsigned status, std::string_view message) {
  Reply r;
  r.status = status;
  json::appendQuoted(r.body, message);
  return r;
}

inline Reply amJson(std::string body) {
  Reply r;
  r.body = std::move(body);
  return r;
}

// Every `filter` parameter, each an Alertmanager matcher list; false with "filter: ..." in error.
inline bool parseFilters(const Request& req, LabelMatchers& out, std::string& error) {
  for (const std::string& f : req.queryParams("filter")) {
    LabelMatchers ms;
    if (!parseMatchers(f, ms, error) || ms.empty()) {
      if (ms.empty() && error.empty()) error = "bad matcher format: " + f;
      error = "filter: " + error;
      return false;
    }
    out.insert(out.end(), ms.begin(), ms.end());
  }
  return true;
}

// A boolean query parameter (absent: `fallback`); nullopt when it is neither true nor false.
inline std::optional<bool> boolParam(const Request& req, std::string_view name, bool fallback) {
  if (!req.hasQueryParam(name)) return fallback;
  std::string v = req.queryParam(name);
  if (v == "true" || v == "1") return true;
  if (v == "false" || v == "0") return false;
  return std::nullopt;
}

// strfmt.DateTime as Alertmanager writes it: UTC with milliseconds.
inline std::string amTime(TimePoint t) {
  if (t == kZeroTime) return formatRfc3339(t);
  return formatRfc3339(std::chrono::time_point_cast<std::chrono::milliseconds>(t));
}

// handlers_am_silences.cpp; addAlertmanagerRoutes (handlers_am_alerts.cpp) adds them.
void addAlertmanagerSilenceRoutes(Router& router);

}  // namespace nm::api
