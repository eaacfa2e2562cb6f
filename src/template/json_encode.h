// Go's encoding/json for template Values: the string escaping (with HTML escaping, as
// json.Marshal does) and the encoding of scalars, lists and maps that toJson and html/template's
// JavaScript escaper share; objects (data-model types) are the caller's.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "template/value.h"

namespace nm::tmpl {

// Appends the JSON-escaped body of `s` (no quotes): <, > and & as \u003c…, invalid UTF-8 as
// \ufffd, U+2028/U+2029 escaped (Go 1.19's encodeState.string with escapeHTML).
void goJsonEscape(std::string& out, std::string_view s);

// Encodes an Object or Func value (Kind::Object, Kind::Func); false with `err` when it cannot.
using JsonObjectEncoder = std::function<bool(const Value& v, std::string& out, std::string& err)>;

// Appends json.Marshal(v): nil/null, bools, ints, floats as Go formats them (NaN and Inf are
// errors), strings, lists (a nil list is null) and maps in key order; objects and funcs through
// `objects`.
bool goJsonEncode(std::string& out, const Value& v, std::string& err,
                  const JsonObjectEncoder& objects);

}  // namespace nm::tmpl
