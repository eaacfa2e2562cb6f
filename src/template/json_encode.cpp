// encoding/json's encoding of template Values (Go 1.19): string escaping, float formatting and
// the recursive walk of lists and maps, shared by toJson and html/template's jsValEscaper.
#include "template/json_encode.h"

#include <cmath>

#include "template/gofmt.h"

namespace nm::tmpl {

void goJsonEscape(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      if (b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&') {
        out += static_cast<char>(b);
      } else {
        switch (b) {
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
            out += "\\u00";
            out += hex[b >> 4];
            out += hex[b & 0xF];
        }
      }
      ++i;
      continue;
    }
    size_t w = 0;
    const char32_t r = decodeRune(s, i, w);
    if (r == 0xFFFD && w == 1) {
      out += "\\ufffd";
    } else if (r == 0x2028 || r == 0x2029) {
      out += r == 0x2028 ? "\\u2028" : "\\u2029";
    } else {
      out.append(s.substr(i, w));
    }
    i += w;
  }
}

namespace {

void quoted(std::string& out, std::string_view s) {
  out += '"';
  goJsonEscape(out, s);
  out += '"';
}

}  // namespace

bool goJsonEncode(std::string& out, const Value& v, std::string& err,
                  const JsonObjectEncoder& objects) {
  switch (v.kind()) {
    case Kind::Invalid:
    case Kind::Nil:
      out += "null";
      return true;
    case Kind::Bool:
      out += v.b() ? "true" : "false";
      return true;
    case Kind::Int:
      out += std::to_string(v.i());
      return true;
    case Kind::Float: {
      const double f = v.f();
      if (std::isnan(f) || std::isinf(f)) {
        err = "json: unsupported value: ";
        goFormatFloat(err, f, 'g', -1);
        return false;
      }
      const double a = std::fabs(f);
      const char fmt = a != 0 && (a < 1e-6 || a >= 1e21) ? 'e' : 'f';
      std::string num;
      goFormatFloat(num, f, fmt, -1);
      const size_t n = num.size();
      // Go writes e-07 as e-7.
      if (fmt == 'e' && n >= 4 && num[n - 4] == 'e' && num[n - 3] == '-' && num[n - 2] == '0') {
        num[n - 2] = num[n - 1];
        num.pop_back();
      }
      out += num;
      return true;
    }
    case Kind::String:
      quoted(out, v.s());
      return true;
    case Kind::List: {
      const ListData& l = v.l();
      if (l.isNil) {
        out += "null";
        return true;
      }
      out += '[';
      for (size_t i = 0; i < l.items.size(); ++i) {
        if (i) out += ',';
        if (!goJsonEncode(out, l.items[i], err, objects)) return false;
      }
      out += ']';
      return true;
    }
    case Kind::Map: {
      out += '{';
      bool first = true;
      for (const auto& [k, x] : v.m().entries) {
        if (!first) out += ',';
        first = false;
        quoted(out, k);
        out += ':';
        if (!goJsonEncode(out, x, err, objects)) return false;
      }
      out += '}';
      return true;
    }
    case Kind::Object:
    case Kind::Func:
      break;
  }
  if (!objects) {
    err = "json: unsupported type: " + typeName(v, true);
    return false;
  }
  return objects(v, out, err);
}

}  // namespace nm::tmpl
