// Go html/template's escapers ported byte for byte: HTML text/attribute/RCDATA/name, URL filter
// and normalizer, srcset, JS value/string/regexp, CSS string/value, and their FuncMap.
#include "template/html_escapers.h"

#include <cmath>
#include <cstdio>

#include "template/gofmt.h"
#include "template/html_context.h"
#include "template/json_encode.h"

namespace nm::tmpl::html {

namespace {

using Table = std::string_view (*)(char32_t);

std::string_view htmlTable(char32_t r) {
  switch (r) {
    case 0:
      return "\xEF\xBF\xBD";
    case '"':
      return "&#34;";
    case '&':
      return "&amp;";
    case '\'':
      return "&#39;";
    case '+':
      return "&#43;";
    case '<':
      return "&lt;";
    case '>':
      return "&gt;";
  }
  return {};
}
std::string_view htmlNormTable(char32_t r) {
  return r == '&' ? std::string_view() : htmlTable(r);
}
std::string_view htmlNospaceTable(char32_t r) {
  switch (r) {
    case 0:
      return "&#xfffd;";
    case '\t':
      return "&#9;";
    case '\n':
      return "&#10;";
    case '\v':
      return "&#11;";
    case '\f':
      return "&#12;";
    case '\r':
      return "&#13;";
    case ' ':
      return "&#32;";
    case '=':
      return "&#61;";
    case '`':
      return "&#96;";
  }
  return htmlTable(r);
}
std::string_view htmlNospaceNormTable(char32_t r) {
  return r == '&' ? std::string_view() : htmlNospaceTable(r);
}

// html.go's htmlReplacer; tables cover runes < '`'+1 as Go's slices do.
std::string htmlReplacer(std::string_view s, Table table, bool badRunes) {
  std::string b;
  size_t written = 0;
  for (size_t i = 0; i < s.size();) {
    size_t w;
    char32_t r = decodeRune(s, i, w);
    if (r <= '`') {
      std::string_view repl = table(r);
      if (!repl.empty()) {
        b.append(s.substr(written, i - written));
        b.append(repl);
        written = i + w;
      }
    } else if (badRunes) {
      // no-op
    } else if ((r >= 0xfdd0 && r <= 0xfdef) || (r >= 0xfff0 && r <= 0xffff)) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "&#x%x;", static_cast<unsigned>(r));
      b.append(s.substr(written, i - written));
      b += buf;
      written = i + w;
    }
    i += w;
  }
  if (written == 0) return std::string(s);
  b.append(s.substr(written));
  return b;
}

std::string_view lowUnicode(char32_t r) {
  static const char* t[] = {
      "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007",
      "\\u0008", "\\t",     "\\n",     "\\u000b", "\\f",     "\\r",     "\\u000e", "\\u000f",
      "\\u0010", "\\u0011", "\\u0012", "\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017",
      "\\u0018", "\\u0019", "\\u001a", "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f"};
  return t[r];
}

std::string_view jsStrTable(char32_t r) {
  switch (r) {
    case '"':
      return "\\u0022";
    case '`':
      return "\\u0060";
    case '&':
      return "\\u0026";
    case '\'':
      return "\\u0027";
    case '+':
      return "\\u002b";
    case '/':
      return "\\/";
    case '<':
      return "\\u003c";
    case '>':
      return "\\u003e";
    case '\\':
      return "\\\\";
  }
  return {};
}
std::string_view jsStrNormTable(char32_t r) {
  return r == '\\' ? std::string_view() : jsStrTable(r);
}
std::string_view jsRegexpTable(char32_t r) {
  switch (r) {
    case '"':
      return "\\u0022";
    case '$':
      return "\\$";
    case '&':
      return "\\u0026";
    case '\'':
      return "\\u0027";
    case '(':
      return "\\(";
    case ')':
      return "\\)";
    case '*':
      return "\\*";
    case '+':
      return "\\u002b";
    case '-':
      return "\\-";
    case '.':
      return "\\.";
    case '/':
      return "\\/";
    case '<':
      return "\\u003c";
    case '>':
      return "\\u003e";
    case '?':
      return "\\?";
    case '[':
      return "\\[";
    case '\\':
      return "\\\\";
    case ']':
      return "\\]";
    case '^':
      return "\\^";
    case '{':
      return "\\{";
    case '|':
      return "\\|";
    case '}':
      return "\\}";
  }
  return {};
}

// js.go's replace.
std::string jsReplace(std::string_view s, Table table) {
  std::string b;
  size_t written = 0;
  for (size_t i = 0; i < s.size();) {
    size_t w;
    char32_t r = decodeRune(s, i, w);
    std::string_view repl;
    if (r < 0x20)
      repl = lowUnicode(r);
    else if (r < 0x80 && !table(r).empty())
      repl = table(r);
    else if (r == 0x2028)
      repl = "\\u2028";
    else if (r == 0x2029)
      repl = "\\u2029";
    if (repl.empty()) {
      i += w;
      continue;
    }
    b.append(s.substr(written, i - written));
    b.append(repl);
    written = i + w;
    i += w;
  }
  if (written == 0) return std::string(s);
  b.append(s.substr(written));
  return b;
}

std::string_view cssTable(char32_t r) {
  switch (r) {
    case 0:
      return "\\0";
    case '\t':
      return "\\9";
    case '\n':
      return "\\a";
    case '\f':
      return "\\c";
    case '\r':
      return "\\d";
    case '"':
      return "\\22";
    case '&':
      return "\\26";
    case '\'':
      return "\\27";
    case '(':
      return "\\28";
    case ')':
      return "\\29";
    case '+':
      return "\\2b";
    case '/':
      return "\\2f";
    case ':':
      return "\\3a";
    case ';':
      return "\\3b";
    case '<':
      return "\\3c";
    case '>':
      return "\\3e";
    case '\\':
      return "\\\\";
    case '{':
      return "\\7b";
    case '}':
      return "\\7d";
  }
  return {};
}

bool isCSSSpace(unsigned char b) {
  return b == '\t' || b == '\n' || b == '\f' || b == '\r' || b == ' ';
}

bool processURLOnto(std::string_view s, bool norm, std::string& b) {
  size_t written = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '!':
      case '#':
      case '$':
      case '&':
      case '*':
      case '+':
      case ',':
      case '/':
      case ':':
      case ';':
      case '=':
      case '?':
      case '@':
      case '[':
      case ']':
        if (norm) continue;
        break;
      case '-':
      case '.':
      case '_':
      case '~':
        continue;
      case '%':
        if (norm && i + 2 < s.size() && isHex(static_cast<unsigned char>(s[i + 1])) &&
            isHex(static_cast<unsigned char>(s[i + 2])))
          continue;
        break;
      default:
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) continue;
    }
    b.append(s.substr(written, i - written));
    char buf[4];
    std::snprintf(buf, sizeof buf, "%%%02x", c);
    b += buf;
    written = i + 1;
  }
  b.append(s.substr(written));
  return written != 0;
}

std::string urlProcessor(bool norm, std::string_view s, Content t) {
  if (t == Content::URL) norm = true;
  std::string b;
  if (processURLOnto(s, norm, b)) return b;
  return std::string(s);
}

bool isHTMLSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

void filterSrcsetElement(std::string_view s, size_t left, size_t right, std::string& b) {
  size_t start = left;
  while (start < right && isHTMLSpace(static_cast<unsigned char>(s[start]))) ++start;
  size_t end = right;
  for (size_t i = start; i < right; ++i) {
    if (isHTMLSpace(static_cast<unsigned char>(s[i]))) {
      end = i;
      break;
    }
  }
  std::string_view url = s.substr(start, end - start);
  if (isSafeURL(url)) {
    bool metadataOk = true;
    for (size_t i = end; i < right; ++i) {
      unsigned char c = static_cast<unsigned char>(s[i]);
      bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!(c < 0x80 && (isHTMLSpace(c) || alnum))) {
        metadataOk = false;
        break;
      }
    }
    if (metadataOk) {
      b.append(s.substr(left, start - left));
      processURLOnto(url, true, b);
      b.append(s.substr(end, right - end));
      return;
    }
  }
  b += '#';
  b += kFilterFailsafe;
}

bool equalFoldAscii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    unsigned char x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    if (x >= 'A' && x <= 'Z') x = static_cast<unsigned char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<unsigned char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

void jsonString(std::string& out, std::string_view s) {
  out += '"';
  goJsonEscape(out, s);
  out += '"';
}

// json.Marshal for jsValEscaper: data-model objects through their type's json hook (as
// toJson writes them); a type without one is refused rather than guessed.
bool jsonValue(std::string& out, const Value& v, std::string& err, tmpl::Context& ctx) {
  return goJsonEncode(out, v, err, [&ctx](const Value& x0, std::string& o, std::string& e) {
    const Value x = x0.asIface(false);
    if (x.kind() == Kind::Func) {
      e = "json: unsupported type: " + typeName(x, true);
      return false;
    }
    if (x.kind() == Kind::Object && x.o().type().json) return x.o().type().json(x, ctx, o, e);
    e = "html/template: a value of type " + typeName(x, true) +
        " cannot be written into a JavaScript context (unsupported)";
    return false;
  });
}

Function variadicAny(std::string (*f)(std::string_view, Content)) {
  Function fn;
  fn.params = {Param::Any};
  fn.variadic = true;
  fn.fn = [f](tmpl::Context& c, const Value&, std::span<const Value> args) {
    Content t;
    std::string s = stringify(args, t);
    return CallResult::ok(c.arena().str(f(s, t)));
  };
  return fn;
}

}  // namespace

std::string stringify(std::span<const Value> args, Content& type) {
  type = Content::Plain;
  if (args.size() == 1 && args[0].kind() == Kind::String) {
    type = args[0].content();
    return std::string(args[0].s());
  }
  std::vector<Value> a;
  for (const Value& v : args)
    if (v.kind() != Kind::Nil && v.kind() != Kind::Invalid) a.push_back(v);
  std::string s;
  goSprint(s, a);
  return s;
}

std::string htmlEscaper(std::string_view s, Content t) {
  if (t == Content::HTML) return std::string(s);
  return htmlReplacer(s, htmlTable, true);
}
std::string attrEscaper(std::string_view s, Content t) {
  if (t == Content::HTML) return htmlReplacer(stripTags(s), htmlNormTable, true);
  return htmlReplacer(s, htmlTable, true);
}
std::string rcdataEscaper(std::string_view s, Content t) {
  if (t == Content::HTML) return htmlReplacer(s, htmlNormTable, true);
  return htmlReplacer(s, htmlTable, true);
}
std::string htmlNospaceEscaper(std::string_view s, Content t) {
  if (t == Content::HTML) return htmlReplacer(stripTags(s), htmlNospaceNormTable, false);
  return htmlReplacer(s, htmlNospaceTable, false);
}

std::string htmlNameFilter(std::string_view s0, Content t) {
  if (t == Content::HTMLAttr) return std::string(s0);
  if (s0.empty()) return kFilterFailsafe;
  // strings.ToLower: ASCII is what can pass the filter below anyway.
  std::string s(s0);
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  bool unsafeAttr = false;
  if (attrType(s, &unsafeAttr) != Content::Plain || unsafeAttr) return kFilterFailsafe;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) return kFilterFailsafe;
  return s;
}

bool isSafeURL(std::string_view s) {
  size_t colon = s.find(':');
  if (colon != std::string_view::npos) {
    std::string_view protocol = s.substr(0, colon);
    if (protocol.find('/') == std::string_view::npos) {
      if (!equalFoldAscii(protocol, "http") && !equalFoldAscii(protocol, "https") &&
          !equalFoldAscii(protocol, "mailto"))
        return false;
    }
  }
  return true;
}

std::string urlFilter(std::string_view s, Content t) {
  if (t == Content::URL) return std::string(s);
  if (!isSafeURL(s)) return std::string("#") + kFilterFailsafe;
  return std::string(s);
}
std::string urlEscaper(std::string_view s, Content t) {
  return urlProcessor(false, s, t);
}
std::string urlNormalizer(std::string_view s, Content t) {
  return urlProcessor(true, s, t);
}

std::string srcsetEscaper(std::string_view s, Content t) {
  if (t == Content::Srcset) return std::string(s);
  if (t == Content::URL) {
    std::string b;
    std::string u = processURLOnto(s, true, b) ? b : std::string(s);
    std::string o;
    for (char c : u) {
      if (c == ',')
        o += "%2c";
      else
        o += c;
    }
    return o;
  }
  std::string b;
  size_t written = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ',') {
      filterSrcsetElement(s, written, i, b);
      b += ',';
      written = i + 1;
    }
  }
  filterSrcsetElement(s, written, s.size(), b);
  return b;
}

std::string jsStrEscaper(std::string_view s, Content t) {
  return jsReplace(s, t == Content::JSStr ? jsStrNormTable : jsStrTable);
}

std::string jsRegexpEscaper(std::string_view s, Content) {
  std::string r = jsReplace(s, jsRegexpTable);
  if (r.empty()) return "(?:)";
  return r;
}

std::string cssEscaper(std::string_view s, Content) {
  std::string b;
  size_t written = 0;
  for (size_t i = 0; i < s.size();) {
    size_t w;
    char32_t r = decodeRune(s, i, w);
    std::string_view repl = r < 0x80 ? cssTable(r) : std::string_view();
    if (repl.empty()) {
      i += w;
      continue;
    }
    b.append(s.substr(written, i - written));
    b.append(repl);
    written = i + w;
    if (repl != "\\\\" && (written == s.size() || isHex(static_cast<unsigned char>(s[written])) ||
                           isCSSSpace(static_cast<unsigned char>(s[written]))))
      b += ' ';
    i += w;
  }
  if (written == 0) return std::string(s);
  b.append(s.substr(written));
  return b;
}

std::string cssValueFilter(std::string_view s, Content t) {
  if (t == Content::CSS) return std::string(s);
  std::string b = decodeCSS(s), id;
  for (size_t i = 0; i < b.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(b[i]);
    switch (c) {
      case 0:
      case '"':
      case '\'':
      case '(':
      case ')':
      case '/':
      case ';':
      case '@':
      case '[':
      case '\\':
      case ']':
      case '`':
      case '{':
      case '}':
        return kFilterFailsafe;
      case '-':
        if (i != 0 && b[i - 1] == '-') return kFilterFailsafe;
        break;
      default:
        if (c < 0x80 && isCSSNmchar(c)) id += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
  }
  if (id.find("expression") != std::string::npos || id.find("mozbinding") != std::string::npos)
    return kFilterFailsafe;
  return b;
}

std::string stripTags(std::string_view html) {
  std::string b;
  html::Context c;
  size_t i = 0;
  bool allText = true;
  std::string_view s = html;
  while (i != s.size()) {
    if (c.delim == Delim::None) {
      State st = c.state;
      if (c.element != Element::None && !isInTag(st)) st = State::RCDATA;
      auto [d, nread] = transition(c, st, s.substr(i));
      size_t i1 = i + nread;
      if (c.state == State::Text || c.state == State::RCDATA) {
        size_t j = i1;
        if (d.state != c.state) {
          for (size_t j1 = j; j1-- > i;) {
            if (s[j1] == '<') {
              j = j1;
              break;
            }
          }
        }
        b.append(s.substr(i, j - i));
      } else {
        allText = false;
      }
      if (nread == 0 && d.state == c.state) break;  // defensive; Go's machine always advances
      c = d;
      i = i1;
      continue;
    }
    std::string_view ends = c.delim == Delim::DoubleQuote   ? "\""
                            : c.delim == Delim::SingleQuote ? "'"
                                                            : " \t\n\f\r>";
    size_t f = s.find_first_of(ends, i);
    if (f == std::string_view::npos) break;
    size_t i1 = f;
    if (c.delim != Delim::SpaceOrTagEnd) ++i1;
    Element e = c.element;
    c = html::Context{};
    c.state = State::Tag;
    c.element = e;
    i = i1;
  }
  if (allText) return std::string(html);
  if (c.state == State::Text || c.state == State::RCDATA) b.append(s.substr(i));
  return b;
}

bool jsValEscaper(std::span<const Value> args, std::string& out, std::string& err,
                  tmpl::Context& ctx) {
  std::string b;
  if (args.size() == 1) {
    const Value& a = args[0];
    if (a.kind() == Kind::String && a.content() == Content::JS) {
      out = std::string(a.s());
      return true;
    }
    if (a.kind() == Kind::String && a.content() == Content::JSStr) {
      out = "\"" + std::string(a.s()) + "\"";
      return true;
    }
    if (!jsonValue(b, a, err, ctx)) {
      if (err.rfind("json: ", 0) != 0) return false;
      std::string e = err;
      err.clear();
      std::string r;
      for (size_t i = 0; i < e.size(); ++i) {
        if (e.compare(i, 2, "*/") == 0) {
          r += "* /";
          ++i;
        } else {
          r += e[i];
        }
      }
      out = " /* " + r + " */null ";
      return true;
    }
  } else {
    std::string s;
    goSprint(s, args);
    jsonString(b, s);
  }
  if (b.empty()) {
    out = " null ";
    return true;
  }
  size_t w;
  char32_t first = decodeRune(b, 0, w);
  // utf8.DecodeLastRune
  size_t start = b.size() - 1;
  while (start > 0 && (static_cast<unsigned char>(b[start]) & 0xC0) == 0x80 && b.size() - start < 4)
    --start;
  char32_t last = decodeRune(b, start, w);
  bool pad = isJSIdentPart(first) || isJSIdentPart(last);
  // jsonString already wrote U+2028/U+2029 escaped.
  out = pad ? " " + b + " " : b;
  return true;
}

const FuncMap& escaperFuncs() {
  static const FuncMap m = [] {
    FuncMap m;
    m["_html_template_attrescaper"] = variadicAny(attrEscaper);
    m["_html_template_commentescaper"] =
        variadicAny([](std::string_view, Content) { return std::string(); });
    m["_html_template_cssescaper"] = variadicAny(cssEscaper);
    m["_html_template_cssvaluefilter"] = variadicAny(cssValueFilter);
    m["_html_template_htmlnamefilter"] = variadicAny(htmlNameFilter);
    m["_html_template_htmlescaper"] = variadicAny(htmlEscaper);
    m["_html_template_jsregexpescaper"] = variadicAny(jsRegexpEscaper);
    m["_html_template_jsstrescaper"] = variadicAny(jsStrEscaper);
    m["_html_template_nospaceescaper"] = variadicAny(htmlNospaceEscaper);
    m["_html_template_rcdataescaper"] = variadicAny(rcdataEscaper);
    m["_html_template_srcsetescaper"] = variadicAny(srcsetEscaper);
    m["_html_template_urlescaper"] = variadicAny(urlEscaper);
    m["_html_template_urlfilter"] = variadicAny(urlFilter);
    m["_html_template_urlnormalizer"] = variadicAny(urlNormalizer);
    Function jsval;
    jsval.params = {Param::Any};
    jsval.variadic = true;
    jsval.fn = [](tmpl::Context& c, const Value&, std::span<const Value> args) {
      std::string out, err;
      if (!jsValEscaper(args, out, err, c)) return CallResult::fail(err);
      return CallResult::ok(c.arena().str(std::move(out)));
    };
    m["_html_template_jsvalescaper"] = jsval;
    Function evalArgs;
    evalArgs.params = {Param::Any};
    evalArgs.variadic = true;
    evalArgs.fn = [](tmpl::Context& c, const Value&, std::span<const Value> args) {
      if (args.size() == 1 && args[0].kind() == Kind::String && args[0].content() == Content::Plain)
        return CallResult::ok(args[0]);
      std::string s;
      goSprint(s, args);
      return CallResult::ok(c.arena().str(std::move(s)));
    };
    m["_eval_args_"] = evalArgs;
    return m;
  }();
  return m;
}

}  // namespace nm::tmpl::html
