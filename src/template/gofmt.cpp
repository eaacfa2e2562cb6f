// Go's fmt verbs, flags and error forms, and strconv's Quote/FormatFloat, re-implemented over
// template Values so print/printf/println render byte for byte as Go does.
#include "template/gofmt.h"

#include <charconv>
#include <cmath>
#include <cstdint>

namespace nm::tmpl {

char32_t decodeRune(std::string_view s, size_t i, size_t& w) {
  auto c = static_cast<unsigned char>(s[i]);
  w = 1;
  if (c < 0x80) return c;
  auto cont = [&](size_t k) {
    return i + k < s.size() && (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
  };
  auto at = [&](size_t k) {
    return static_cast<char32_t>(static_cast<unsigned char>(s[i + k]) & 0x3F);
  };
  if (c >= 0xC2 && c <= 0xDF && cont(1)) {
    w = 2;
    return ((c & 0x1F) << 6) | at(1);
  }
  if (c >= 0xE0 && c <= 0xEF && cont(1) && cont(2)) {
    char32_t r = ((c & 0x0F) << 12) | (at(1) << 6) | at(2);
    if (r < 0x800 || (r >= 0xD800 && r <= 0xDFFF)) return 0xFFFD;
    w = 3;
    return r;
  }
  if (c >= 0xF0 && c <= 0xF4 && cont(1) && cont(2) && cont(3)) {
    char32_t r = ((c & 0x07) << 18) | (at(1) << 12) | (at(2) << 6) | at(3);
    if (r < 0x10000 || r > 0x10FFFF) return 0xFFFD;
    w = 4;
    return r;
  }
  return 0xFFFD;
}

void appendRune(std::string& out, char32_t r) {
  if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) r = 0xFFFD;
  if (r < 0x80) {
    out += static_cast<char>(r);
  } else if (r < 0x800) {
    out += static_cast<char>(0xC0 | (r >> 6));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else if (r < 0x10000) {
    out += static_cast<char>(0xE0 | (r >> 12));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (r >> 18));
    out += static_cast<char>(0x80 | ((r >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  }
}

bool isPrintRune(char32_t r) {
  if (r < 0x20 || r == 0x7F) return false;
  if (r < 0x7F) return true;
  if (r < 0xA0 || r == 0xAD || r == 0xA0) return false;
  if ((r >= 0x2000 && r <= 0x200F) || (r >= 0x2028 && r <= 0x202F) ||
      (r >= 0x205F && r <= 0x206F) || r == 0x3000 || r == 0xFEFF || (r >= 0xFFF0 && r <= 0xFFFB) ||
      (r >= 0xD800 && r <= 0xDFFF) || r > 0x10FFFF || (r >= 0xE000 && r <= 0xF8FF) || r == 0xFFFE ||
      r == 0xFFFF)
    return false;
  return true;
}

static const char* kLower = "0123456789abcdefx";
static const char* kUpper = "0123456789ABCDEFX";

static void quoteRuneBody(std::string& out, char32_t r, char quote, bool ascii) {
  if (r == static_cast<char32_t>(quote) || r == '\\') {
    out += '\\';
    out += static_cast<char>(r);
    return;
  }
  if (ascii ? (r < 0x80 && isPrintRune(r)) : isPrintRune(r)) {
    appendRune(out, r);
    return;
  }
  switch (r) {
    case '\a':
      out += "\\a";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\v':
      out += "\\v";
      return;
    default:
      break;
  }
  if (r < ' ' || r == 0x7F) {
    out += "\\x";
    out += kLower[(r >> 4) & 0xF];
    out += kLower[r & 0xF];
  } else if (r < 0x10000) {
    out += "\\u";
    for (int s = 12; s >= 0; s -= 4) out += kLower[(r >> s) & 0xF];
  } else {
    out += "\\U";
    for (int s = 28; s >= 0; s -= 4) out += kLower[(r >> s) & 0xF];
  }
}

void goQuote(std::string& out, std::string_view s, bool ascii) {
  out += '"';
  for (size_t i = 0; i < s.size();) {
    size_t w;
    char32_t r = decodeRune(s, i, w);
    if (r == 0xFFFD && w == 1 && static_cast<unsigned char>(s[i]) >= 0x80) {
      out += "\\x";
      out += kLower[static_cast<unsigned char>(s[i]) >> 4];
      out += kLower[static_cast<unsigned char>(s[i]) & 0xF];
      i += 1;
      continue;
    }
    quoteRuneBody(out, r, '"', ascii);
    i += w;
  }
  out += '"';
}

static void quoteRune(std::string& out, char32_t r, bool ascii) {
  if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) r = 0xFFFD;
  out += '\'';
  quoteRuneBody(out, r, '\'', ascii);
  out += '\'';
}

namespace {

// Decimal digits of a float: value = 0.d1d2... * 10^dp.
struct Digits {
  std::string d;
  int dp = 0;
};

Digits toDigits(double v, int sigDigits) {  // sigDigits < 0: shortest
  char buf[64];
  std::to_chars_result r =
      sigDigits < 0
          ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific)
          : std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific, sigDigits - 1);
  std::string_view s(buf, r.ptr - buf);
  Digits out;
  size_t e = s.find('e');
  for (size_t i = 0; i < e; ++i)
    if (s[i] != '.') out.d += s[i];
  int exp = 0;
  std::from_chars(s.data() + e + 1 + (s[e + 1] == '+'), s.data() + s.size(), exp);
  while (!out.d.empty() && out.d.back() == '0') out.d.pop_back();
  out.dp = out.d.empty() ? 0 : exp + 1;
  return out;
}

void fmtE(std::string& out, const Digits& g, int prec, char fmt) {
  out += g.d.empty() ? '0' : g.d[0];
  if (prec > 0) {
    out += '.';
    int i = 1;
    int m = std::min(static_cast<int>(g.d.size()), prec + 1);
    if (i < m) {
      out.append(g.d, i, m - i);
      i = m;
    }
    for (; i <= prec; ++i) out += '0';
  }
  out += fmt;
  int exp = g.d.empty() ? 0 : g.dp - 1;
  out += exp < 0 ? '-' : '+';
  if (exp < 0) exp = -exp;
  if (exp < 10) {
    out += '0';
    out += static_cast<char>('0' + exp);
  } else {
    out += std::to_string(exp);
  }
}

void fmtF(std::string& out, const Digits& g, int prec) {
  int nd = static_cast<int>(g.d.size());
  if (g.dp > 0) {
    int m = std::min(nd, g.dp);
    out.append(g.d, 0, m);
    for (; m < g.dp; ++m) out += '0';
  } else {
    out += '0';
  }
  if (prec > 0) {
    out += '.';
    for (int i = 1; i <= prec; ++i) {
      int j = g.dp + i - 1;
      out += (j >= 0 && j < nd) ? g.d[j] : '0';
    }
  }
}

}  // namespace

void goFormatFloat(std::string& out, double v, char fmt, int prec) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
    return;
  }
  if (std::signbit(v)) out += '-';
  double a = std::fabs(v);
  bool shortest = prec < 0;
  switch (fmt) {
    case 'e':
    case 'E': {
      Digits g = toDigits(a, shortest ? -1 : prec + 1);
      if (shortest) prec = std::max(static_cast<int>(g.d.size()) - 1, 0);
      fmtE(out, g, prec, fmt);
      return;
    }
    case 'f':
    case 'F': {
      if (!shortest) {
        char buf[400];
        auto r = std::to_chars(buf, buf + sizeof buf, a, std::chars_format::fixed, prec);
        out.append(buf, r.ptr - buf);
        return;
      }
      Digits g = toDigits(a, -1);
      fmtF(out, g, std::max(static_cast<int>(g.d.size()) - g.dp, 0));
      return;
    }
    default: {  // g G
      if (prec == 0) prec = 1;
      Digits g = toDigits(a, shortest ? -1 : prec);
      int nd = static_cast<int>(g.d.size());
      if (shortest) prec = nd;
      int eprec = prec;
      if (eprec > nd && nd >= g.dp) eprec = nd;
      if (shortest) eprec = 6;
      int exp = g.dp - 1;  // zero: Go's decimal has nd = dp = 0, so exp is -1
      if (exp < -4 || exp >= eprec) {
        if (prec > nd) prec = nd;
        fmtE(out, g, prec - 1, fmt == 'g' ? 'e' : 'E');
        return;
      }
      if (prec > g.dp) prec = nd;
      fmtF(out, g, std::max(prec - g.dp, 0));
      return;
    }
  }
}

namespace {

size_t runeCount(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    size_t w;
    decodeRune(s, i, w);
    i += w;
    ++n;
  }
  return n;
}

struct Printer {
  std::string& buf;
  bool plus = false, minus = false, sharp = false, space = false, zero = false;
  bool plusV = false, sharpV = false;
  bool widPresent = false, precPresent = false;
  int wid = 0, prec = 0;

  void clearFlags() {
    plus = minus = sharp = space = zero = plusV = sharpV = false;
    widPresent = precPresent = false;
    wid = prec = 0;
  }

  void writePadding(int n) {
    if (n <= 0) return;
    buf.append(static_cast<size_t>(n), zero ? '0' : ' ');
  }
  void pad(std::string_view s) {
    if (!widPresent || wid == 0) {
      buf += s;
      return;
    }
    int width = wid - static_cast<int>(runeCount(s));
    if (!minus) {
      writePadding(width);
      buf += s;
    } else {
      buf += s;
      writePadding(width);
    }
  }

  void fmtBoolean(bool v) { pad(v ? "true" : "false"); }

  void fmtInteger(uint64_t u, int base, bool isSigned, char verb, const char* digits) {
    bool negative = isSigned && static_cast<int64_t>(u) < 0;
    if (negative) u = -u;
    int p = 0;
    if (precPresent) {
      p = prec;
      if (p == 0 && u == 0) {
        bool oz = zero;
        zero = false;
        writePadding(wid);
        zero = oz;
        return;
      }
    } else if (zero && widPresent) {
      p = wid;
      if (negative || plus || space) p--;
    }
    std::string tmp;
    do {
      tmp += digits[u % base];
      u /= base;
    } while (u > 0);
    while (static_cast<int>(tmp.size()) < p) tmp += '0';
    if (sharp) {
      if (base == 2) tmp += "b0";
      if (base == 8 && tmp.back() != '0') tmp += '0';
      if (base == 16) {
        tmp += digits[16];
        tmp += '0';
      }
    }
    if (verb == 'O') tmp += "o0";
    if (negative)
      tmp += '-';
    else if (plus)
      tmp += '+';
    else if (space)
      tmp += ' ';
    std::string s(tmp.rbegin(), tmp.rend());
    bool oz = zero;
    zero = false;
    pad(s);
    zero = oz;
  }

  void fmtUnicode(uint64_t u) {
    int p = 4;
    if (precPresent && prec > 4) p = prec;
    std::string hex;
    do {
      hex += kUpper[u & 0xF];
      u >>= 4;
    } while (u > 0);
    while (static_cast<int>(hex.size()) < p) hex += '0';
    std::string s = "U+" + std::string(hex.rbegin(), hex.rend());
    (void)0;
    bool oz = zero;
    zero = false;
    pad(s);
    zero = oz;
  }
  void fmtUnicodeSharp(uint64_t u) {
    // %#U: U+0078 'x'
    int p = 4;
    if (precPresent && prec > 4) p = prec;
    std::string hex;
    uint64_t x = u;
    do {
      hex += kUpper[x & 0xF];
      x >>= 4;
    } while (x > 0);
    while (static_cast<int>(hex.size()) < p) hex += '0';
    std::string s = "U+" + std::string(hex.rbegin(), hex.rend());
    if (u <= 0x10FFFF && isPrintRune(static_cast<char32_t>(u))) {
      s += " '";
      appendRune(s, static_cast<char32_t>(u));
      s += '\'';
    }
    bool oz = zero;
    zero = false;
    pad(s);
    zero = oz;
  }

  std::string_view truncate(std::string_view s) {
    if (precPresent) {
      int n = prec;
      for (size_t i = 0; i < s.size();) {
        if (--n < 0) return s.substr(0, i);
        size_t w;
        decodeRune(s, i, w);
        i += w;
      }
    }
    return s;
  }
  void fmtS(std::string_view s) { pad(truncate(s)); }
  void fmtQ(std::string_view s) {
    s = truncate(s);
    if (sharp && canBackquote(s)) {
      std::string q = "`";
      q += s;
      q += '`';
      pad(q);
      return;
    }
    std::string q;
    goQuote(q, s, plus);
    pad(q);
  }
  static bool canBackquote(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
      size_t w;
      char32_t r = decodeRune(s, i, w);
      if (r == 0xFFFD && w == 1 && static_cast<unsigned char>(s[i]) >= 0x80) return false;
      if (r == 0xFEFF) return false;
      if ((r < ' ' && r != '\t') || r == '`' || r == 0x7F) return false;
      i += w;
    }
    return true;
  }
  void fmtSx(std::string_view s, const char* digits) {
    int length = static_cast<int>(s.size());
    if (precPresent && prec < length) length = prec;
    int width = 2 * length;
    if (width > 0) {
      if (space) {
        if (sharp) width *= 2;
        width += length - 1;
      } else if (sharp) {
        width += 2;
      }
    } else {
      if (widPresent) writePadding(wid);
      return;
    }
    if (widPresent && wid > width && !minus) writePadding(wid - width);
    if (sharp) {
      buf += '0';
      buf += digits[16];
    }
    for (int i = 0; i < length; ++i) {
      if (space && i > 0) {
        buf += ' ';
        if (sharp) {
          buf += '0';
          buf += digits[16];
        }
      }
      auto c = static_cast<unsigned char>(s[i]);
      buf += digits[c >> 4];
      buf += digits[c & 0xF];
    }
    if (widPresent && wid > width && minus) writePadding(wid - width);
  }
  void fmtC(uint64_t c) {
    char32_t r = c > 0x10FFFF ? 0xFFFD : static_cast<char32_t>(c);
    std::string s;
    appendRune(s, r);
    pad(s);
  }
  void fmtQc(uint64_t c) {
    char32_t r = c > 0x10FFFF ? 0xFFFD : static_cast<char32_t>(c);
    std::string s;
    quoteRune(s, r, plus);
    pad(s);
  }

  void fmtFloat(double v, char verb, int p) {
    if (precPresent) p = prec;
    std::string num = "+";
    goFormatFloat(num, v, verb, p);
    if (num[1] == '-' || num[1] == '+')
      num.erase(0, 1);
    else
      num[0] = '+';
    if (space && num[0] == '+' && !plus) num[0] = ' ';
    if (num[1] == 'I' || num[1] == 'N') {
      bool oz = zero;
      zero = false;
      if (num[1] == 'N' && !space && !plus) num.erase(0, 1);
      pad(num);
      zero = oz;
      return;
    }
    if (sharp && verb != 'b') {
      int digits = 0;
      if (verb == 'v' || verb == 'g' || verb == 'G' || verb == 'x') {
        digits = p;
        if (digits == -1) digits = 6;
      }
      std::string tail;
      bool hasDot = false, sawNonzero = false;
      for (size_t i = 1; i < num.size(); ++i) {
        char c = num[i];
        if (c == '.') {
          hasDot = true;
        } else if (c == 'p' || c == 'P' || ((c == 'e' || c == 'E') && verb != 'x' && verb != 'X')) {
          tail = num.substr(i);
          num.resize(i);
          break;
        } else {
          if (c != '0') sawNonzero = true;
          if (sawNonzero) digits--;
        }
      }
      if (!hasDot) {
        if (num.size() == 2 && num[1] == '0') digits--;
        num += '.';
      }
      while (digits > 0) {
        num += '0';
        digits--;
      }
      num += tail;
    }
    if (plus || num[0] != '+') {
      if (zero && widPresent && wid > static_cast<int>(num.size())) {
        buf += num[0];
        writePadding(wid - static_cast<int>(num.size()));
        buf.append(num, 1);
        return;
      }
      pad(num);
      return;
    }
    pad(std::string_view(num).substr(1));
  }

  // ---- per-kind dispatch (print.go) ----
  void badVerb(char32_t verb, const Value* arg) {
    buf += "%!";
    appendRune(buf, verb);
    buf += '(';
    if (arg && arg->kind() != Kind::Invalid && arg->kind() != Kind::Nil) {
      buf += typeName(*arg, true);
      buf += '=';
      printArg(*arg, 'v', 0);
    } else {
      buf += "<nil>";
    }
    buf += ')';
  }

  void fmtIntegerVerb(int64_t v, char32_t verb, const Value& arg) {
    auto u = static_cast<uint64_t>(v);
    switch (verb) {
      case 'v':
      case 'd':
        fmtInteger(u, 10, true, 'd', kLower);
        break;
      case 'b':
        fmtInteger(u, 2, true, 'b', kLower);
        break;
      case 'o':
      case 'O':
        fmtInteger(u, 8, true, static_cast<char>(verb), kLower);
        break;
      case 'x':
        fmtInteger(u, 16, true, 'x', kLower);
        break;
      case 'X':
        fmtInteger(u, 16, true, 'X', kUpper);
        break;
      case 'c':
        fmtC(u);
        break;
      case 'q':
        fmtQc(u);
        break;
      case 'U':
        if (sharp)
          fmtUnicodeSharp(u);
        else
          fmtUnicode(u);
        break;
      default:
        badVerb(verb, &arg);
    }
  }

  void fmtFloatVerb(double v, char32_t verb, const Value& arg) {
    switch (verb) {
      case 'v':
        fmtFloat(v, 'g', -1);
        break;
      case 'g':
      case 'G':
        fmtFloat(v, static_cast<char>(verb), -1);
        break;
      case 'f':
      case 'e':
      case 'E':
        fmtFloat(v, static_cast<char>(verb), 6);
        break;
      case 'F':
        fmtFloat(v, 'f', 6);
        break;
      default:
        badVerb(verb, &arg);
    }
  }

  void fmtStringVerb(std::string_view s, char32_t verb, const Value& arg) {
    switch (verb) {
      case 'v':
        if (sharpV)
          fmtQ(s);
        else
          fmtS(s);
        break;
      case 's':
        fmtS(s);
        break;
      case 'x':
        fmtSx(s, kLower);
        break;
      case 'X':
        fmtSx(s, kUpper);
        break;
      case 'q':
        fmtQ(s);
        break;
      default:
        badVerb(verb, &arg);
    }
  }

  // depth 0 is a top-level operand; nested elements print through printValue.
  void printArg(const Value& v, char32_t verb, int depth) {
    if (v.kind() == Kind::Invalid || v.kind() == Kind::Nil) {
      if (depth > 0) {  // a nil interface{} element
        if (sharpV)
          buf += "interface {}(nil)";
        else
          buf += "<nil>";
        return;
      }
      if (verb == 'T' || verb == 'v')
        pad("<nil>");
      else
        badVerb(verb, nullptr);
      return;
    }
    if (depth == 0) {
      if (verb == 'T') {
        fmtS(typeName(v, true));
        return;
      }
      if (verb == 'p') {
        badVerb(verb, &v);
        return;
      }
    }
    switch (v.kind()) {
      case Kind::Bool:
        if (verb == 't' || verb == 'v')
          fmtBoolean(v.b());
        else
          badVerb(verb, &v);
        return;
      case Kind::Int:
        fmtIntegerVerb(v.i(), verb, v);
        return;
      case Kind::Float:
        fmtFloatVerb(v.f(), verb, v);
        return;
      case Kind::String:
        fmtStringVerb(v.s(), verb, v);
        return;
      case Kind::List: {
        const ListData& l = v.l();
        if (sharpV) {
          buf += l.type->name;
          if (l.isNil) {
            buf += "(nil)";
            return;
          }
          buf += '{';
          for (size_t i = 0; i < l.items.size(); ++i) {
            if (i) buf += ", ";
            printArg(l.items[i], verb, depth + 1);
          }
          buf += '}';
          return;
        }
        buf += '[';
        for (size_t i = 0; i < l.items.size(); ++i) {
          if (i) buf += ' ';
          printArg(l.items[i], verb, depth + 1);
        }
        buf += ']';
        return;
      }
      case Kind::Map: {
        const MapData& m = v.m();
        if (sharpV) {
          buf += m.type->name;
          buf += '{';
        } else {
          buf += "map[";
        }
        bool first = true;
        for (const auto& [k, val] : m.entries) {
          if (!first) buf += sharpV ? ", " : " ";
          first = false;
          Value key = Value::str(k);
          printArg(key, verb, depth + 1);
          buf += ':';
          printArg(val, verb, depth + 1);
        }
        buf += sharpV ? '}' : ']';
        return;
      }
      case Kind::Object: {
        std::string s;
        v.o().format(s);
        if (verb == 'v' || verb == 's')
          fmtS(s);
        else
          badVerb(verb, &v);
        return;
      }
      case Kind::Func:
        buf += "%!";
        appendRune(buf, verb);
        buf += "(func)";
        return;
      default:
        return;
    }
  }
};

int parseNum(std::string_view s, size_t& i, size_t end, bool& isNum) {
  int num = 0;
  isNum = false;
  if (i >= end) return 0;
  for (; i < end && s[i] >= '0' && s[i] <= '9'; ++i) {
    if (num > 1000000 || num < -1000000) {
      isNum = false;
      i = end;
      return 0;
    }
    num = num * 10 + (s[i] - '0');
    isNum = true;
  }
  return num;
}

bool intFromArg(std::span<const Value> a, size_t& argNum, int& num) {
  bool isInt = false;
  num = 0;
  if (argNum < a.size()) {
    if (a[argNum].kind() == Kind::Int) {
      int64_t n = a[argNum].i();
      if (n <= 1000000 && n >= -1000000) {
        num = static_cast<int>(n);
        isInt = true;
      }
    }
    argNum++;
  }
  return isInt;
}

}  // namespace

void goPrintValue(std::string& out, const Value& v) {
  Printer p{out};
  p.printArg(v, 'v', 0);
}

void goSprint(std::string& out, std::span<const Value> args) {
  Printer p{out};
  bool prevString = false;
  for (size_t i = 0; i < args.size(); ++i) {
    bool isString = args[i].kind() == Kind::String;
    if (i > 0 && !isString && !prevString) out += ' ';
    p.clearFlags();
    p.printArg(args[i], 'v', 0);
    prevString = isString;
  }
}

void goSprintln(std::string& out, std::span<const Value> args) {
  Printer p{out};
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out += ' ';
    p.printArg(args[i], 'v', 0);
  }
  out += '\n';
}

void goSprintf(std::string& out, std::string_view format, std::span<const Value> a) {
  Printer p{out};
  size_t end = format.size();
  size_t argNum = 0;
  bool afterIndex = false;
  bool reordered = false;
  bool goodArgNum = true;

  auto argNumber = [&](size_t i, size_t& newi, bool& found) {
    found = false;
    newi = i;
    if (i >= end || format[i] != '[') return;
    reordered = true;
    // parseArgNumber
    std::string_view f = format.substr(i);
    int index = 0;
    size_t wid = 1;
    bool ok = false;
    if (f.size() >= 3) {
      for (size_t j = 1; j < f.size(); ++j) {
        if (f[j] == ']') {
          size_t k = 1;
          bool isNum;
          int w = parseNum(f, k, j, isNum);
          if (!isNum || k != j) {
            index = 0;
            wid = j + 1;
            ok = false;
          } else {
            index = w - 1;
            wid = j + 1;
            ok = true;
          }
          break;
        }
      }
    }
    if (ok && index >= 0 && static_cast<size_t>(index) < a.size()) {
      argNum = static_cast<size_t>(index);
      newi = i + wid;
      found = true;
      return;
    }
    goodArgNum = false;
    newi = i + wid;
    found = ok;
  };

  for (size_t i = 0; i < end;) {
    goodArgNum = true;
    size_t lasti = i;
    while (i < end && format[i] != '%') ++i;
    if (i > lasti) out.append(format.substr(lasti, i - lasti));
    if (i >= end) break;
    ++i;
    p.clearFlags();
    bool simpleDone = false;
    for (; i < end; ++i) {
      char c = format[i];
      if (c == '#') {
        p.sharp = true;
      } else if (c == '0') {
        p.zero = !p.minus;
      } else if (c == '+') {
        p.plus = true;
      } else if (c == '-') {
        p.minus = true;
        p.zero = false;
      } else if (c == ' ') {
        p.space = true;
      } else {
        if (c >= 'a' && c <= 'z' && argNum < a.size()) {
          if (c == 'v') {
            p.sharpV = p.sharp;
            p.sharp = false;
            p.plusV = p.plus;
            p.plus = false;
          }
          p.printArg(a[argNum], static_cast<char32_t>(c), 0);
          argNum++;
          i++;
          simpleDone = true;
        }
        break;
      }
    }
    if (simpleDone) continue;

    size_t ni;
    argNumber(i, ni, afterIndex);
    i = ni;
    if (i < end && format[i] == '*') {
      i++;
      p.widPresent = intFromArg(a, argNum, p.wid);
      if (!p.widPresent) out += "%!(BADWIDTH)";
      if (p.wid < 0) {
        p.wid = -p.wid;
        p.minus = true;
        p.zero = false;
      }
      afterIndex = false;
    } else {
      p.wid = parseNum(format, i, end, p.widPresent);
      if (afterIndex && p.widPresent) goodArgNum = false;
    }
    if (i + 1 < end && format[i] == '.') {
      i++;
      if (afterIndex) goodArgNum = false;
      argNumber(i, ni, afterIndex);
      i = ni;
      if (i < end && format[i] == '*') {
        i++;
        p.precPresent = intFromArg(a, argNum, p.prec);
        if (p.prec < 0) {
          p.prec = 0;
          p.precPresent = false;
        }
        if (!p.precPresent) out += "%!(BADPREC)";
        afterIndex = false;
      } else {
        p.prec = parseNum(format, i, end, p.precPresent);
        if (!p.precPresent) {
          p.prec = 0;
          p.precPresent = true;
        }
      }
    }
    if (!afterIndex) {
      argNumber(i, ni, afterIndex);
      i = ni;
    }
    if (i >= end) {
      out += "%!(NOVERB)";
      break;
    }
    size_t w;
    char32_t verb = decodeRune(format, i, w);
    i += w;
    if (verb == '%') {
      out += '%';
    } else if (!goodArgNum) {
      out += "%!";
      appendRune(out, verb);
      out += "(BADINDEX)";
    } else if (argNum >= a.size()) {
      out += "%!";
      appendRune(out, verb);
      out += "(MISSING)";
    } else {
      if (verb == 'v') {
        p.sharpV = p.sharp;
        p.sharp = false;
        p.plusV = p.plus;
        p.plus = false;
      }
      p.printArg(a[argNum], verb, 0);
      argNum++;
    }
  }
  if (!reordered && argNum < a.size()) {
    p.clearFlags();
    out += "%!(EXTRA ";
    for (size_t i = argNum; i < a.size(); ++i) {
      if (i > argNum) out += ", ";
      if (a[i].kind() == Kind::Invalid || a[i].kind() == Kind::Nil) {
        out += "<nil>";
      } else {
        out += typeName(a[i], true);
        out += '=';
        p.printArg(a[i], 'v', 0);
      }
    }
    out += ')';
  }
}

}  // namespace nm::tmpl
