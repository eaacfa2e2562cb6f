// Comparison, len/index/slice and escaper builtins of text/template, with Go's error texts.
#include "template/builtins.h"

#include "template/gofmt.h"

namespace nm::tmpl {

namespace {

enum class BasicKind { Invalid, Bool, Int, Float, String };

BasicKind basicKind(const Value& v) {
  switch (v.kind()) {
    case Kind::Bool:
      return BasicKind::Bool;
    case Kind::Int:
      return BasicKind::Int;
    case Kind::Float:
      return BasicKind::Float;
    case Kind::String:
      return BasicKind::String;
    default:
      return BasicKind::Invalid;
  }
}

bool isNilValue(const Value& v) {
  if (v.kind() == Kind::Invalid || v.kind() == Kind::Nil) return true;
  if (v.kind() == Kind::List) return v.l().isNil;
  return false;
}

std::string sprintfS(const Value& v) {
  std::string s;
  Value args[1] = {v};
  goSprintf(s, "%s", args);
  return s;
}

}  // namespace

bool builtinEq(const Value& a0, std::span<const Value> rest, bool& result, std::string& err) {
  Value a = concrete(a0);
  if (rest.empty()) {
    err = "missing argument for comparison";
    return false;
  }
  BasicKind k1 = basicKind(a);
  for (const Value& r : rest) {
    Value b = concrete(r);
    BasicKind k2 = basicKind(b);
    bool truth = false;
    if (k1 != k2) {
      if (a.valid() && b.valid()) {
        err = "incompatible types for comparison";
        return false;
      }
    } else {
      switch (k1) {
        case BasicKind::Bool:
          truth = a.b() == b.b();
          break;
        case BasicKind::Float:
          truth = a.f() == b.f();
          break;
        case BasicKind::Int:
          truth = a.i() == b.i();
          break;
        case BasicKind::String:
          truth = a.s() == b.s();
          break;
        case BasicKind::Invalid: {
          bool canCompare = a.kind() == b.kind() || !a.valid() || !b.valid();
          if (!canCompare) {
            err = "non-comparable types " + sprintfS(a) + ": " + typeName(a, true) + ", " +
                  typeName(b, true) + ": ";
            goPrintValue(err, b);
            return false;
          }
          if (isNilValue(a) || isNilValue(b)) {
            truth = isNilValue(a) == isNilValue(b);
          } else if (b.kind() == Kind::List || b.kind() == Kind::Map || b.kind() == Kind::Func) {
            err = "non-comparable type " + sprintfS(b) + ": " + typeName(b, true);
            return false;
          } else {
            truth = b.kind() == Kind::Object && &a.o() == &b.o();
          }
          break;
        }
      }
    }
    if (truth) {
      result = true;
      return true;
    }
  }
  result = false;
  return true;
}

bool builtinLt(const Value& a0, const Value& b0, bool& result, std::string& err) {
  Value a = concrete(a0), b = concrete(b0);
  BasicKind k1 = basicKind(a);
  if (k1 == BasicKind::Invalid) {
    err = "invalid type for comparison";
    return false;
  }
  BasicKind k2 = basicKind(b);
  if (k2 == BasicKind::Invalid) {
    err = "invalid type for comparison";
    return false;
  }
  if (k1 != k2) {
    err = "incompatible types for comparison";
    return false;
  }
  switch (k1) {
    case BasicKind::Bool:
      err = "invalid type for comparison";
      return false;
    case BasicKind::Float:
      result = a.f() < b.f();
      break;
    case BasicKind::Int:
      result = a.i() < b.i();
      break;
    case BasicKind::String:
      result = a.s() < b.s();
      break;
    default:
      break;
  }
  return true;
}

bool builtinLen(const Value& v, int64_t& result, std::string& err) {
  switch (v.kind()) {
    case Kind::Nil:
      err = "len of nil pointer";
      return false;
    case Kind::Invalid:
      err = "reflect: call of reflect.Value.Type on zero Value";
      return false;
    case Kind::String:
    case Kind::List:
    case Kind::Map:
      result = static_cast<int64_t>(length(v));
      return true;
    default:
      err = "len of type " + typeName(v, true);
      return false;
  }
}

namespace {

bool indexArg(const Value& idx0, size_t cap, size_t& out, std::string& err) {
  Value idx = concrete(idx0);
  int64_t x;
  if (idx.kind() == Kind::Int) {
    x = idx.i();
  } else if (!idx.valid()) {
    err = "cannot index slice/array with nil";
    return false;
  } else {
    err = "cannot index slice/array with type " + typeName(idx, true);
    return false;
  }
  if (x < 0 || static_cast<uint64_t>(x) > cap) {
    err = "index out of range: " + std::to_string(x);
    return false;
  }
  out = static_cast<size_t>(x);
  return true;
}

}  // namespace

bool builtinIndex(Arena& arena, const Value& item0, std::span<const Value> idx, Value& out,
                  std::string& err) {
  (void)arena;
  Value item = concrete(item0);
  if (!item.valid()) {
    err = "index of untyped nil";
    return false;
  }
  for (const Value& i0 : idx) {
    Value index = concrete(i0);
    if (item.kind() == Kind::Nil) {
      err = "index of nil pointer";
      return false;
    }
    switch (item.kind()) {
      case Kind::List:
      case Kind::String: {
        size_t n = length(item);
        size_t x;
        if (!indexArg(index, n, x, err)) return false;
        if (x >= n) {
          err = item.kind() == Kind::String ? "reflect: string index out of range"
                                            : "reflect: slice index out of range";
          return false;
        }
        if (item.kind() == Kind::String) {
          item = Value::integer(static_cast<unsigned char>(item.s()[x]));
        } else {
          const ListData& l = item.l();
          item = l.items[x];
          if (l.type->elem == Kind::Invalid) item = item.asIface();
        }
        break;
      }
      case Kind::Map: {
        if (!index.valid()) {
          err = "value is nil; should be of type string";
          return false;
        }
        if (index.kind() != Kind::String) {
          err = "value has type " + typeName(index, true) + "; should be string";
          return false;
        }
        const MapData& m = item.m();
        if (const Value* v = m.find(index.s())) {
          item = m.type->elem == Kind::Invalid ? v->asIface() : *v;
        } else {
          item = zeroOfElem(*m.type);
        }
        break;
      }
      default:
        err = "can't index item of type " + typeName(item, true);
        return false;
    }
  }
  out = item;
  return true;
}

bool builtinSlice(Arena& arena, const Value& item0, std::span<const Value> idx, Value& out,
                  std::string& err) {
  Value item = concrete(item0);
  if (!item.valid()) {
    err = "slice of untyped nil";
    return false;
  }
  if (idx.size() > 3) {
    err = "too many slice indexes: " + std::to_string(idx.size());
    return false;
  }
  size_t cap;
  if (item.kind() == Kind::String) {
    if (idx.size() == 3) {
      err = "cannot 3-index slice a string";
      return false;
    }
    cap = item.s().size();
  } else if (item.kind() == Kind::List) {
    cap = item.l().items.size();
  } else {
    err = "can't slice item of type " + typeName(item, true);
    return false;
  }
  size_t ix[3] = {0, length(item), 0};
  for (size_t i = 0; i < idx.size(); ++i)
    if (!indexArg(idx[i], cap, ix[i], err)) return false;
  if (ix[0] > ix[1]) {
    err = "invalid slice index: " + std::to_string(ix[0]) + " > " + std::to_string(ix[1]);
    return false;
  }
  if (idx.size() == 3 && ix[1] > ix[2]) {
    err = "invalid slice index: " + std::to_string(ix[1]) + " > " + std::to_string(ix[2]);
    return false;
  }
  if (item.kind() == Kind::String) {
    out = Value::str(item.s().substr(ix[0], ix[1] - ix[0]));
    return true;
  }
  ListData& l = arena.newList();
  l.type = item.l().type;
  l.items.assign(item.l().items.begin() + static_cast<ptrdiff_t>(ix[0]),
                 item.l().items.begin() + static_cast<ptrdiff_t>(ix[1]));
  out = Value::list(&l);
  return true;
}

std::string escaperArg(std::span<const Value> args) {
  if (args.size() == 1 && args[0].kind() == Kind::String) return std::string(args[0].s());
  std::vector<Value> a(args.begin(), args.end());
  for (auto& v : a)
    if (v.kind() == Kind::Invalid || v.kind() == Kind::Nil) v = Value::str("<no value>");
  std::string s;
  goSprint(s, a);
  return s;
}

void htmlEscape(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '\0':
        out += "\xEF\xBF\xBD";
        break;
      case '"':
        out += "&#34;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
}

void jsEscape(std::string& out, std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '\\':
          out += "\\\\";
          break;
        case '\'':
          out += "\\'";
          break;
        case '"':
          out += "\\\"";
          break;
        case '<':
          out += "\\u003C";
          break;
        case '>':
          out += "\\u003E";
          break;
        case '&':
          out += "\\u0026";
          break;
        case '=':
          out += "\\u003D";
          break;
        default:
          if (c < ' ') {
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 0xF];
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    size_t w;
    char32_t r = decodeRune(s, i, w);
    if (isPrintRune(r)) {
      out.append(s.substr(i, w));
    } else {
      char buf[16];
      std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(r));
      out += buf;
    }
    i += w;
  }
}

void urlQueryEscape(std::string& out, std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xF];
    }
  }
}

}  // namespace nm::tmpl
