// Formats Unix seconds as UTC date/time strings with std::chrono's civil calendar (no time zone
// database, no global state).
#include "notify/signing/utc_format.h"

#include <fmt/format.h>

#include <chrono>

namespace nm::signing {
namespace {

struct Civil {
  int year;
  unsigned month, day;
  int64_t hour, minute, second;
};

Civil civil(int64_t unixSeconds) {
  using namespace std::chrono;
  sys_seconds t{seconds{unixSeconds}};
  auto day = floor<days>(t);
  year_month_day ymd{day};
  int64_t rest = (t - day).count();
  return {int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()),
          rest / 3600,     (rest / 60) % 60,      rest % 60};
}

}  // namespace

std::string utcDate(int64_t unixSeconds) {
  Civil c = civil(unixSeconds);
  return fmt::format("{:04}-{:02}-{:02}", c.year, c.month, c.day);
}

std::string utcIso8601(int64_t unixSeconds) {
  Civil c = civil(unixSeconds);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", c.year, c.month, c.day, c.hour,
                     c.minute, c.second);
}

std::string amzDate(int64_t unixSeconds) {
  Civil c = civil(unixSeconds);
  return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", c.year, c.month, c.day, c.hour, c.minute,
                     c.second);
}

}  // namespace nm::signing
