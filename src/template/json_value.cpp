// JSON → Value with RapidJSON's DOM; numbers follow the documented int/float64 rule.
#include "template/json_value.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

namespace nm::tmpl {

namespace {

Value convert(const rapidjson::Value& j, Arena& arena) {
  switch (j.GetType()) {
    case rapidjson::kNullType:
      return Value::nil();
    case rapidjson::kFalseType:
      return Value::boolean(false);
    case rapidjson::kTrueType:
      return Value::boolean(true);
    case rapidjson::kStringType:
      return Value::str(arena.keep(std::string(j.GetString(), j.GetStringLength())));
    case rapidjson::kNumberType:
      if (j.IsInt64()) return Value::integer(j.GetInt64());
      return Value::floating(j.GetDouble());
    case rapidjson::kArrayType: {
      ListData& l = arena.newList();
      l.items.reserve(j.Size());
      for (const auto& e : j.GetArray()) l.items.push_back(convert(e, arena));
      return Value::list(&l);
    }
    case rapidjson::kObjectType: {
      MapData& m = arena.newMap();
      for (const auto& kv : j.GetObject())
        m.entries.emplace_back(
            arena.keep(std::string(kv.name.GetString(), kv.name.GetStringLength())),
            convert(kv.value, arena));
      m.sort();
      return Value::map(&m);
    }
  }
  return Value();
}

}  // namespace

bool jsonToValue(std::string_view json, Arena& arena, Value& out, std::string& err) {
  rapidjson::Document d;
  // Full-precision parsing so floats round-trip as Go's strconv does.
  d.Parse<rapidjson::kParseFullPrecisionFlag>(json.data(), json.size());
  if (d.HasParseError()) {
    err = std::string("json: ") + rapidjson::GetParseError_En(d.GetParseError()) + " at offset " +
          std::to_string(d.GetErrorOffset());
    return false;
  }
  out = convert(d, arena);
  if (out.kind() == Kind::Nil) out = Value();  // Execute(nil): no data
  return true;
}

}  // namespace nm::tmpl
