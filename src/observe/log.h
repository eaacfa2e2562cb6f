// Structured logging in the Go daemon's formats (--log.format logfmt|json, --log.level), over
// spdlog's sink. Every line about an alert carries its fingerprint and receiver as fields.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace nm::log {

enum class Level { Debug, Info, Warn, Error };

using Field = std::pair<std::string_view, std::string_view>;

// Configure once at start; defaults to info/logfmt on stderr.
void setup(Level level, bool json);
bool parseLevel(std::string_view s, Level& out);
bool enabled(Level l);

void write(Level l, std::string_view msg, std::initializer_list<Field> fields);

inline void debug(std::string_view m, std::initializer_list<Field> f = {}) {
  if (enabled(Level::Debug)) write(Level::Debug, m, f);
}
inline void info(std::string_view m, std::initializer_list<Field> f = {}) {
  write(Level::Info, m, f);
}
inline void warn(std::string_view m, std::initializer_list<Field> f = {}) {
  write(Level::Warn, m, f);
}
inline void error(std::string_view m, std::initializer_list<Field> f = {}) {
  write(Level::Error, m, f);
}

}  // namespace nm::log
