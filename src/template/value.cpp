// Builtin container types, Go type names, zero values and truth for template Values.
// The Value layout itself is header-only (value.h).
#include "template/value.h"

#include <algorithm>

namespace nm::tmpl {

namespace {
TypeInfo makeType(std::string name, Kind elem) {
  TypeInfo t;
  t.name = std::move(name);
  t.elem = elem;
  return t;
}
}  // namespace

const TypeInfo& anyListType() {
  static const TypeInfo t = makeType("[]interface {}", Kind::Invalid);
  return t;
}
const TypeInfo& anyMapType() {
  static const TypeInfo t = makeType("map[string]interface {}", Kind::Invalid);
  return t;
}
const TypeInfo& stringListType() {
  static const TypeInfo t = makeType("[]string", Kind::String);
  return t;
}
const TypeInfo& stringMapType() {
  static const TypeInfo t = makeType("map[string]string", Kind::String);
  return t;
}

const Value* MapData::find(std::string_view k) const {
  auto it = std::lower_bound(entries.begin(), entries.end(), k,
                             [](const auto& e, std::string_view key) { return e.first < key; });
  if (it == entries.end() || it->first != k) return nullptr;
  return &it->second;
}

void MapData::sort() {
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  // Last write wins on duplicate keys, like assigning into a Go map.
  std::vector<std::pair<std::string_view, Value>> out;
  out.reserve(entries.size());
  for (auto& e : entries) {
    if (!out.empty() && out.back().first == e.first)
      out.back() = e;
    else
      out.push_back(e);
  }
  entries.swap(out);
}

void Object::format(std::string& out) const {
  out += "{}";
}

static std::string kindName(Kind k) {
  switch (k) {
    case Kind::Bool:
      return "bool";
    case Kind::Int:
      return "int";
    case Kind::Float:
      return "float64";
    case Kind::String:
      return "string";
    default:
      return "interface {}";
  }
}

std::string elemTypeName(const TypeInfo& t) {
  if (t.elemType) return t.elemType->name;
  return kindName(t.elem);
}

const char* contentTypeName(Content c) {
  switch (c) {
    case Content::CSS:
      return "template.CSS";
    case Content::HTML:
      return "template.HTML";
    case Content::HTMLAttr:
      return "template.HTMLAttr";
    case Content::JS:
      return "template.JS";
    case Content::JSStr:
      return "template.JSStr";
    case Content::URL:
      return "template.URL";
    case Content::Srcset:
      return "template.Srcset";
    case Content::Plain:
      break;
  }
  return "string";
}

std::string typeName(const Value& v, bool concrete) {
  if (v.iface() && !concrete) return "interface {}";
  switch (v.kind()) {
    case Kind::Invalid:
      return "<invalid reflect.Value>";
    case Kind::Nil:
      return "interface {}";
    case Kind::List:
      return v.l().type->name;
    case Kind::Map:
      return v.m().type->name;
    case Kind::Object:
      return v.o().type().name;
    case Kind::Func:
      return "func(...interface {}) (interface {}, error)";
    case Kind::String:
      return contentTypeName(v.content());
    default:
      return kindName(v.kind());
  }
}

Value zeroOfElem(const TypeInfo& t) {
  switch (t.elem) {
    case Kind::Bool:
      return Value::boolean(false);
    case Kind::Int:
      return Value::integer(0);
    case Kind::Float:
      return Value::floating(0);
    case Kind::String:
      return Value::str("");
    default:
      return Value::nil();
  }
}

size_t length(const Value& v) {
  switch (v.kind()) {
    case Kind::String:
      return v.s().size();
    case Kind::List:
      return v.l().items.size();
    case Kind::Map:
      return v.m().entries.size();
    default:
      return 0;
  }
}

bool isTrue(const Value& v, bool& ok) {
  ok = true;
  switch (v.kind()) {
    case Kind::Invalid:
    case Kind::Nil:
      return false;
    case Kind::Bool:
      return v.b();
    case Kind::Int:
      return v.i() != 0;
    case Kind::Float:
      return v.f() != 0;
    case Kind::String:
    case Kind::List:
    case Kind::Map:
      return length(v) > 0;
    case Kind::Object:
    case Kind::Func:
      return true;
  }
  ok = false;
  return false;
}

}  // namespace nm::tmpl
