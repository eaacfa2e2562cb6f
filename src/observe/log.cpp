// logfmt/json line formatting (go-kit's shape: ts, level, msg, then fields) written through one
// spdlog stderr sink so lines from many threads never interleave.
#include "observe/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <memory>

#include "core/time.h"
#include "core/url_redact.h"

namespace nm::log {

namespace {
std::atomic<int> gLevel{static_cast<int>(Level::Info)};
std::atomic<bool> gJson{false};

std::shared_ptr<spdlog::logger> logger() {
  static std::shared_ptr<spdlog::logger> l = [] {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    auto lg = std::make_shared<spdlog::logger>("nm", sink);
    lg->set_pattern("%v");
    lg->set_level(spdlog::level::trace);
    lg->flush_on(spdlog::level::trace);
    return lg;
  }();
  return l;
}

const char* levelName(Level l) {
  switch (l) {
    case Level::Debug:
      return "debug";
    case Level::Info:
      return "info";
    case Level::Warn:
      return "warn";
    case Level::Error:
      return "error";
  }
  return "info";
}

void appendJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char b[8];
          std::snprintf(b, sizeof b, "\\u%04x", c);
          out += b;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void appendLogfmtValue(std::string& out, std::string_view s) {
  bool quote = s.empty();
  for (unsigned char c : s) {
    if (c <= ' ' || c == '=' || c == '"' || c == '\\' || c >= 0x7f) {
      quote = true;
      break;
    }
  }
  if (quote) {
    appendJsonString(out, s);
  } else {
    out.append(s);
  }
}
}  // namespace

void setup(Level level, bool json) {
  gLevel = static_cast<int>(level);
  gJson = json;
}

bool parseLevel(std::string_view s, Level& out) {
  if (s == "debug")
    out = Level::Debug;
  else if (s == "info")
    out = Level::Info;
  else if (s == "warn")
    out = Level::Warn;
  else if (s == "error")
    out = Level::Error;
  else
    return false;
  return true;
}

bool enabled(Level l) {
  return static_cast<int>(l) >= gLevel.load(std::memory_order_relaxed);
}

void write(Level l, std::string_view msg, std::initializer_list<Field> fields) {
  if (!enabled(l)) return;
  std::string line;
  line.reserve(128);
  std::string ts = formatRfc3339(now());
  if (gJson) {
    line += "{\"ts\":";
    appendJsonString(line, ts);
    line += ",\"level\":";
    appendJsonString(line, levelName(l));
    line += ",\"msg\":";
    appendJsonString(line, msg);
    for (const auto& [k, v] : fields) {
      line += ',';
      appendJsonString(line, k);
      line += ':';
      appendJsonString(line, v);
    }
    line += '}';
  } else {
    line += "ts=";
    line += ts;
    line += " level=";
    line += levelName(l);
    line += " msg=";
    appendLogfmtValue(line, msg);
    for (const auto& [k, v] : fields) {
      line += ' ';
      line.append(k);
      line += '=';
      appendLogfmtValue(line, v);
    }
  }
  // URLs in any field may carry credentials (userinfo, tokens in query or path).
  if (line.find("://") != std::string::npos) line = redactUrlsIn(line);
  logger()->info(line);
}

}  // namespace nm::log
