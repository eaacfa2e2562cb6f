// The value interface templates execute against: a small trivially-copyable Value (Go's basic
// kinds, lists, maps, objects with fields/methods) whose storage lives in an Arena.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nm::tmpl {

// Invalid is Go's zero reflect.Value ("no value"); Nil is a nil interface{}.
enum class Kind : uint8_t { Invalid, Nil, Bool, Int, Float, String, List, Map, Object, Func };

// html/template's typed strings (Go's template.HTML, template.URL...): a String Value carrying
// one is trusted in the matching HTML context. Plain is an ordinary string.
enum class Content : uint8_t { Plain, CSS, HTML, HTMLAttr, JS, JSStr, URL, Srcset };

struct ListData;
struct MapData;
class Object;
struct Function;
struct TypeInfo;
class Context;

class Value {
 public:
  Value() : kind_(Kind::Invalid) { u_.i = 0; }
  static Value nil() { return withKind(Kind::Nil, true); }
  static Value boolean(bool b) {
    Value v = withKind(Kind::Bool);
    v.u_.b = b;
    return v;
  }
  static Value integer(int64_t i) {
    Value v = withKind(Kind::Int);
    v.u_.i = i;
    return v;
  }
  static Value floating(double f) {
    Value v = withKind(Kind::Float);
    v.u_.f = f;
    return v;
  }
  // Borrows s: the bytes must outlive the execution (caller data or an Arena).
  static Value str(std::string_view s) {
    Value v = withKind(Kind::String);
    v.u_.s.p = s.data();
    v.u_.s.n = s.size();
    return v;
  }
  // A typed string (template.HTML etc.); borrows s like str().
  static Value typed(std::string_view s, Content c) {
    Value v = str(s);
    v.content_ = c;
    return v;
  }
  static Value list(const ListData* l) {
    Value v = withKind(Kind::List);
    v.u_.l = l;
    return v;
  }
  static Value map(const MapData* m) {
    Value v = withKind(Kind::Map);
    v.u_.m = m;
    return v;
  }
  static Value object(const Object* o) {
    Value v = withKind(Kind::Object);
    v.u_.o = o;
    return v;
  }
  static Value func(const Function* f) {
    Value v = withKind(Kind::Func);
    v.u_.fn = f;
    return v;
  }

  Kind kind() const { return kind_; }
  bool valid() const { return kind_ != Kind::Invalid; }
  // True when the value was read from an interface{}-typed slot (an element of []interface{} or
  // map[string]interface{}): Go then reports its static type as "interface {}".
  bool iface() const { return iface_; }
  Content content() const { return content_; }
  Value asIface(bool on = true) const {
    Value v = *this;
    v.iface_ = on || kind_ == Kind::Nil;
    return v;
  }

  bool b() const { return u_.b; }
  int64_t i() const { return u_.i; }
  double f() const { return u_.f; }
  std::string_view s() const { return {u_.s.p, u_.s.n}; }
  const ListData& l() const { return *u_.l; }
  const MapData& m() const { return *u_.m; }
  const Object& o() const { return *u_.o; }
  const Function& fn() const { return *u_.fn; }

 private:
  static Value withKind(Kind k, bool iface = false) {
    Value v;
    v.kind_ = k;
    v.iface_ = iface;
    return v;
  }
  Kind kind_;
  bool iface_ = false;
  Content content_ = Content::Plain;
  union {
    bool b;
    int64_t i;
    double f;
    struct {
      const char* p;
      size_t n;
    } s;
    const ListData* l;
    const MapData* m;
    const Object* o;
    const Function* fn;
  } u_;
};

// The result of a function or method: a value, or an error message (Go's second result).
struct CallResult {
  Value value;
  std::string error;
  static CallResult ok(Value v) { return {v, {}}; }
  static CallResult fail(std::string e) { return {Value(), std::move(e)}; }
};

// Declared parameter types decide argument checking and conversion exactly as Go's reflection
// does for a Go function of that signature. Any is interface{}; Value is reflect.Value.
enum class Param : uint8_t { Any, String, Int, Float, Bool, StringList, Value };

// A user function (FuncMap entry) or a method of a named type. For methods args excludes the
// receiver, which is passed as self.
struct Function {
  using Fn = std::function<CallResult(Context&, const Value& self, std::span<const Value> args)>;
  std::vector<Param> params;
  bool variadic = false;  // the last param repeats (Go's ...T)
  Fn fn;
};

// A Go type with a name, element kind and methods (e.g. "template.KV" = map[string]string with
// SortedPairs/Remove/Names/Values). Built once, shared, immutable.
struct TypeInfo {
  std::string name;                    // as %T and error messages print it
  Kind elem = Kind::Invalid;           // element kind for lists/maps; Invalid = interface{}
  const TypeInfo* elemType = nullptr;  // element type when it is itself named (optional)
  std::vector<std::pair<std::string, Function>> methods;
  // json.Marshal of an Object of this type (toJson, html/template's JavaScript values); null:
  // the type cannot be marshalled.
  bool (*json)(const Value& v, Context& ctx, std::string& out, std::string& err) = nullptr;
  const Function* method(std::string_view n) const {
    for (const auto& [k, f] : methods)
      if (k == n) return &f;
    return nullptr;
  }
};

// Shared builtin types: []interface {}, map[string]interface {}, []string, map[string]string.
const TypeInfo& anyListType();
const TypeInfo& anyMapType();
const TypeInfo& stringListType();
const TypeInfo& stringMapType();

struct ListData {
  std::vector<Value> items;
  const TypeInfo* type = &anyListType();
  bool isNil = false;  // a nil slice
};

// String-keyed map, kept sorted by key (Go prints and ranges maps in key order).
struct MapData {
  std::vector<std::pair<std::string_view, Value>> entries;
  const TypeInfo* type = &anyMapType();
  const Value* find(std::string_view k) const;
  void sort();  // call after filling entries unsorted
};

// A struct-like value of the data model (Alert, Data...). Fields are looked up by name; methods
// live on its TypeInfo.
class Object {
 public:
  virtual ~Object() = default;
  virtual const TypeInfo& type() const = 0;
  // A struct field; false when there is no such field.
  virtual bool field(std::string_view name, Value& out, Context& ctx) const = 0;
  // fmt's %v of the value; the default prints "{}" with the type name.
  virtual void format(std::string& out) const;
};

// Owns the bytes, lists and maps that Values point into. Not thread-safe; one per execution or
// per input document. Addresses stay stable.
class Arena {
 public:
  std::string_view keep(std::string s) {
    strings_.push_back(std::move(s));
    return strings_.back();
  }
  Value str(std::string s) { return Value::str(keep(std::move(s))); }
  ListData& newList() { return lists_.emplace_back(); }
  MapData& newMap() { return maps_.emplace_back(); }
  template <class T, class... A>
  T& make(A&&... a) {
    auto p = std::make_shared<T>(std::forward<A>(a)...);
    T& r = *p;
    owned_.push_back(std::move(p));
    return r;
  }
  void clear() {
    strings_.clear();
    lists_.clear();
    maps_.clear();
    owned_.clear();
  }

 private:
  std::deque<std::string> strings_;
  std::deque<ListData> lists_;
  std::deque<MapData> maps_;
  std::vector<std::shared_ptr<void>> owned_;
};

// Passed to functions and methods: where to allocate results.
class Context {
 public:
  explicit Context(Arena& a) : arena_(a) {}
  Arena& arena() { return arena_; }

 private:
  Arena& arena_;
};

// Go's static type name of v ("int", "string", "map[string]interface {}", "interface {}" when
// read from an interface slot unless concrete is set).
std::string typeName(const Value& v, bool concrete = false);
// "string" or html/template's type name of a typed string ("template.HTML").
const char* contentTypeName(Content c);
// The type name of a list/map's elements.
std::string elemTypeName(const TypeInfo& t);
// The zero value of a container's element type (missingkey=zero, index of a missing key).
Value zeroOfElem(const TypeInfo& t);
// text/template's truth: false, 0, nil, empty string/list/map; ok=false when undefined.
bool isTrue(const Value& v, bool& ok);
size_t length(const Value& v);  // of String, List, Map

}  // namespace nm::tmpl
