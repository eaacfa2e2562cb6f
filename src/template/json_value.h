// Decodes JSON into template Values the way Go's encoding/json fills interface{} here: objects
// → map[string]interface {}, arrays → []interface {}, integers → int, other numbers → float64.
#pragma once

#include <string>
#include <string_view>

#include "template/value.h"

namespace nm::tmpl {

// Values point into arena. Returns false with err on malformed JSON. An integer literal (no
// fraction or exponent) that fits int64 becomes int; every other number float64.
bool jsonToValue(std::string_view json, Arena& arena, Value& out, std::string& err);

}  // namespace nm::tmpl
