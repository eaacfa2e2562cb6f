// What a handler answers (status, body, content type, extra headers) and the Go daemon's JSON
// reply {"Status":int,"Message":string}, optionally with extra detail fields.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nm::api {

struct Reply {
  unsigned status = 200;
  std::string body;
  std::string contentType = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

// A detail field appended after Status and Message: a string, a number or a boolean.
struct JsonField {
  enum class Kind { String, Number, Bool, StringList } kind;
  std::string name;
  std::string text;
  uint64_t number = 0;
  bool flag = false;
  std::vector<std::string> list = {};

  static JsonField str(std::string name, std::string value) {
    return {Kind::String, std::move(name), std::move(value), 0, false};
  }
  static JsonField num(std::string name, uint64_t value) {
    return {Kind::Number, std::move(name), {}, value, false};
  }
  static JsonField boolean(std::string name, bool value) {
    return {Kind::Bool, std::move(name), {}, 0, value};
  }
  static JsonField strings(std::string name, std::vector<std::string> values) {
    return {Kind::StringList, std::move(name), {}, 0, false, std::move(values)};
  }
};

// {"Status":status,"Message":message, ...extra}
Reply jsonReply(unsigned status, std::string_view message,
                const std::vector<JsonField>& extra = {});

}  // namespace nm::api
