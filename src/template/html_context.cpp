// Go html/template's context.go, transition.go, attr.go and the CSS/JS helpers the state machine
// needs, ported statement by statement so contexts (and derived template names) match Go's.
#include "template/html_context.h"

#include <algorithm>
#include <unordered_map>

#include "template/ast.h"
#include "template/gofmt.h"

namespace nm::tmpl::html {

namespace {

const char* delimName(Delim d) {
  static const char* n[] = {"delimNone", "delimDoubleQuote", "delimSingleQuote",
                            "delimSpaceOrTagEnd"};
  return n[static_cast<int>(d)];
}
const char* urlPartName(UrlPart u) {
  static const char* n[] = {"urlPartNone", "urlPartPreQuery", "urlPartQueryOrFrag",
                            "urlPartUnknown"};
  return n[static_cast<int>(u)];
}
const char* jsCtxName(JsCtx j) {
  static const char* n[] = {"jsCtxRegexp", "jsCtxDivOp", "jsCtxUnknown"};
  return n[static_cast<int>(j)];
}
const char* attrName(Attr a) {
  static const char* n[] = {"attrNone",  "attrScript", "attrScriptType",
                            "attrStyle", "attrURL",    "attrSrcset"};
  return n[static_cast<int>(a)];
}
const char* elementName(Element e) {
  static const char* n[] = {"elementNone", "elementScript", "elementStyle", "elementTextarea",
                            "elementTitle"};
  return n[static_cast<int>(e)];
}

bool isSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

size_t eatWhiteSpace(std::string_view s, size_t i) {
  for (size_t j = i; j < s.size(); ++j)
    if (!isSpace(static_cast<unsigned char>(s[j]))) return j;
  return s.size();
}

std::string lower(std::string_view s) {
  std::string o(s);
  for (char& c : o)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return o;
}

bool equalFold(std::string_view a, std::string_view b) {
  return a.size() == b.size() && lower(a) == lower(b);
}

size_t indexAny(std::string_view s, std::string_view chars) {
  return s.find_first_of(chars);
}

// %q of a byte slice, truncated to n runes when n > 0 (Go's %.32q).
std::string quoteq(std::string_view s, size_t n = 0) {
  if (n) {
    size_t i = 0, count = 0;
    while (i < s.size() && count < n) {
      size_t w;
      decodeRune(s, i, w);
      i += w;
      ++count;
    }
    s = s.substr(0, i);
  }
  std::string o;
  goQuote(o, s);
  return o;
}

Context err(ErrorCode code, std::string description) {
  return errorContext(code, nullptr, 0, std::move(description));
}

bool asciiAlpha(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
bool asciiAlphaNum(unsigned char c) {
  return asciiAlpha(c) || (c >= '0' && c <= '9');
}

std::pair<size_t, Element> eatTagName(std::string_view s, size_t i) {
  if (i == s.size() || !asciiAlpha(static_cast<unsigned char>(s[i]))) return {i, Element::None};
  size_t j = i + 1;
  while (j < s.size()) {
    unsigned char x = static_cast<unsigned char>(s[j]);
    if (asciiAlphaNum(x)) {
      ++j;
      continue;
    }
    if ((x == ':' || x == '-') && j + 1 < s.size() &&
        asciiAlphaNum(static_cast<unsigned char>(s[j + 1]))) {
      j += 2;
      continue;
    }
    break;
  }
  std::string name = lower(s.substr(i, j - i));
  Element e = Element::None;
  if (name == "script") e = Element::Script;
  if (name == "style") e = Element::Style;
  if (name == "textarea") e = Element::Textarea;
  if (name == "title") e = Element::Title;
  return {j, e};
}

// Returns npos-1 sentinel via ok=false on error.
size_t eatAttrName(std::string_view s, size_t i, std::shared_ptr<EscapeError>& e) {
  for (size_t j = i; j < s.size(); ++j) {
    switch (s[j]) {
      case ' ':
      case '\t':
      case '\n':
      case '\f':
      case '\r':
      case '=':
      case '>':
        return j;
      case '\'':
      case '"':
      case '<':
        e = errorContext(ErrorCode::BadHTML, nullptr, 0,
                         quoteq(s.substr(j, 1)) + " in attribute name: " + quoteq(s, 32))
                .err;
        return std::string_view::npos;
      default:
        break;
    }
  }
  return s.size();
}

std::pair<Context, size_t> tText(Context c, std::string_view s) {
  size_t k = 0;
  for (;;) {
    size_t f = s.find('<', k);
    if (f == std::string_view::npos || f + 1 == s.size()) return {c, s.size()};
    size_t i = f;
    if (s.substr(i, 4) == "<!--") {
      Context d;
      d.state = State::HTMLCmt;
      return {d, i + 4};
    }
    ++i;
    bool end = false;
    if (s[i] == '/') {
      if (i + 1 == s.size()) return {c, s.size()};
      end = true;
      ++i;
    }
    auto [j, e] = eatTagName(s, i);
    if (j != i) {
      if (end) e = Element::None;
      Context d;
      d.state = State::Tag;
      d.element = e;
      return {d, j};
    }
    k = j;
  }
}

State elementContentType(Element e) {
  switch (e) {
    case Element::Script:
      return State::JS;
    case Element::Style:
      return State::CSS;
    case Element::Textarea:
    case Element::Title:
      return State::RCDATA;
    case Element::None:
      break;
  }
  return State::Text;
}

std::pair<Context, size_t> tTag(Context c, std::string_view s) {
  size_t i = eatWhiteSpace(s, 0);
  if (i == s.size()) return {c, s.size()};
  if (s[i] == '>') {
    Context d;
    d.state = elementContentType(c.element);
    d.element = c.element;
    return {d, i + 1};
  }
  std::shared_ptr<EscapeError> e;
  size_t j = eatAttrName(s, i, e);
  if (e) {
    Context d;
    d.state = State::Error;
    d.err = e;
    return {d, s.size()};
  }
  if (i == j)
    return {err(ErrorCode::BadHTML,
                "expected space, attr name, or end of tag, but got " + quoteq(s.substr(i))),
            s.size()};
  std::string name = lower(s.substr(i, j - i));
  Attr attr = Attr::None;
  if (c.element == Element::Script && name == "type") {
    attr = Attr::ScriptType;
  } else {
    bool unsafeAttr = false;
    switch (attrType(name, &unsafeAttr)) {
      case Content::URL:
        attr = Attr::URL;
        break;
      case Content::CSS:
        attr = Attr::Style;
        break;
      case Content::JS:
        attr = Attr::Script;
        break;
      case Content::Srcset:
        attr = Attr::Srcset;
        break;
      default:
        break;
    }
  }
  Context d;
  d.state = j == s.size() ? State::AttrName : State::AfterName;
  d.element = c.element;
  d.attr = attr;
  return {d, j};
}

std::pair<Context, size_t> tAttrName(Context c, std::string_view s) {
  std::shared_ptr<EscapeError> e;
  size_t i = eatAttrName(s, 0, e);
  if (e) {
    Context d;
    d.state = State::Error;
    d.err = e;
    return {d, s.size()};
  }
  if (i != s.size()) c.state = State::AfterName;
  return {c, i};
}

std::pair<Context, size_t> tAfterName(Context c, std::string_view s) {
  size_t i = eatWhiteSpace(s, 0);
  if (i == s.size()) return {c, s.size()};
  if (s[i] != '=') {
    c.state = State::Tag;
    return {c, i};
  }
  c.state = State::BeforeValue;
  return {c, i + 1};
}

State attrStartState(Attr a) {
  switch (a) {
    case Attr::Script:
      return State::JS;
    case Attr::Style:
      return State::CSS;
    case Attr::URL:
      return State::URL;
    case Attr::Srcset:
      return State::Srcset;
    default:
      return State::Attr;
  }
}

std::pair<Context, size_t> tBeforeValue(Context c, std::string_view s) {
  size_t i = eatWhiteSpace(s, 0);
  if (i == s.size()) return {c, s.size()};
  Delim delim = Delim::SpaceOrTagEnd;
  if (s[i] == '\'') {
    delim = Delim::SingleQuote;
    ++i;
  } else if (s[i] == '"') {
    delim = Delim::DoubleQuote;
    ++i;
  }
  c.state = attrStartState(c.attr);
  c.delim = delim;
  return {c, i};
}

std::pair<Context, size_t> tHTMLCmt(Context c, std::string_view s) {
  size_t i = s.find("-->");
  if (i != std::string_view::npos) return {Context{}, i + 3};
  return {c, s.size()};
}

size_t indexTagEnd(std::string_view s, std::string_view tag) {
  size_t res = 0;
  const size_t plen = 2;
  while (!s.empty()) {
    size_t i = s.find("</");
    if (i == std::string_view::npos) return std::string_view::npos;
    s = s.substr(i + plen);
    if (tag.size() <= s.size() && equalFold(tag, s.substr(0, tag.size()))) {
      s = s.substr(tag.size());
      if (!s.empty() && std::string_view("> \t\n\f/").find(s[0]) != std::string_view::npos)
        return res + i;
      res += tag.size();
    }
    res += i + plen;
  }
  return std::string_view::npos;
}

std::pair<Context, size_t> tSpecialTagEnd(Context c, std::string_view s) {
  if (c.element != Element::None) {
    static const char* markers[] = {"", "script", "style", "textarea", "title"};
    size_t i = indexTagEnd(s, markers[static_cast<int>(c.element)]);
    if (i != std::string_view::npos) return {Context{}, i};
  }
  return {c, s.size()};
}

std::pair<Context, size_t> tURL(Context c, std::string_view s) {
  if (s.find_first_of("#?") != std::string_view::npos) {
    c.urlPart = UrlPart::QueryOrFrag;
  } else if (s.size() != eatWhiteSpace(s, 0) && c.urlPart == UrlPart::None) {
    c.urlPart = UrlPart::PreQuery;
  }
  return {c, s.size()};
}

JsCtx nextJSCtx(std::string_view s, JsCtx preceding) {
  // bytes.TrimRight(s, "\t\n\f\r \u2028\u2029"): trims those runes from the end.
  for (;;) {
    if (s.empty()) break;
    unsigned char last = static_cast<unsigned char>(s.back());
    if (isSpace(last)) {
      s.remove_suffix(1);
      continue;
    }
    if (s.size() >= 3 &&
        (s.substr(s.size() - 3) == "\u2028" || s.substr(s.size() - 3) == "\u2029")) {
      s.remove_suffix(3);
      continue;
    }
    break;
  }
  if (s.empty()) return preceding;
  const char c = s.back();
  const size_t n = s.size();
  switch (c) {
    case '+':
    case '-': {
      size_t start = n - 1;
      while (start > 0 && s[start - 1] == c) --start;
      return ((n - start) & 1) == 1 ? JsCtx::Regexp : JsCtx::DivOp;
    }
    case '.':
      if (n != 1 && s[n - 2] >= '0' && s[n - 2] <= '9') return JsCtx::DivOp;
      return JsCtx::Regexp;
    case ',':
    case '<':
    case '>':
    case '=':
    case '*':
    case '%':
    case '&':
    case '|':
    case '^':
    case '?':
    case '!':
    case '~':
    case '(':
    case '[':
    case ':':
    case ';':
    case '{':
    case '}':
      return JsCtx::Regexp;
    default: {
      size_t j = n;
      while (j > 0 && isJSIdentPart(static_cast<unsigned char>(s[j - 1]))) --j;
      static const char* kw[] = {"break", "case",    "continue", "delete",     "do",
                                 "else",  "finally", "in",       "instanceof", "return",
                                 "throw", "try",     "typeof",   "void"};
      std::string_view word = s.substr(j);
      for (const char* k : kw)
        if (word == k) return JsCtx::Regexp;
    }
  }
  return JsCtx::DivOp;
}

std::pair<Context, size_t> tJS(Context c, std::string_view s) {
  size_t i = s.find_first_of("\"`'/");
  if (i == std::string_view::npos) {
    c.jsCtx = nextJSCtx(s, c.jsCtx);
    return {c, s.size()};
  }
  c.jsCtx = nextJSCtx(s.substr(0, i), c.jsCtx);
  switch (s[i]) {
    case '"':
      c.state = State::JSDqStr;
      c.jsCtx = JsCtx::Regexp;
      break;
    case '\'':
      c.state = State::JSSqStr;
      c.jsCtx = JsCtx::Regexp;
      break;
    case '`':
      c.state = State::JSBqStr;
      c.jsCtx = JsCtx::Regexp;
      break;
    default:  // '/'
      if (i + 1 < s.size() && s[i + 1] == '/') {
        c.state = State::JSLineCmt;
        ++i;
      } else if (i + 1 < s.size() && s[i + 1] == '*') {
        c.state = State::JSBlockCmt;
        ++i;
      } else if (c.jsCtx == JsCtx::Regexp) {
        c.state = State::JSRegexp;
      } else if (c.jsCtx == JsCtx::DivOp) {
        c.jsCtx = JsCtx::Regexp;
      } else {
        return {err(ErrorCode::SlashAmbig,
                    "'/' could start a division or regexp: " + quoteq(s.substr(i), 32)),
                s.size()};
      }
  }
  return {c, i + 1};
}

std::pair<Context, size_t> tJSDelimited(Context c, std::string_view s) {
  std::string_view specials = "\\\"";
  if (c.state == State::JSSqStr) specials = "\\'";
  if (c.state == State::JSBqStr) specials = "`\\";
  if (c.state == State::JSRegexp) specials = "\\/[]";
  size_t k = 0;
  bool inCharset = false;
  for (;;) {
    size_t i = s.find_first_of(specials, k);
    if (i == std::string_view::npos) break;
    switch (s[i]) {
      case '\\':
        ++i;
        if (i == s.size())
          return {err(ErrorCode::PartialEscape,
                      "unfinished escape sequence in JS string: " + quoteq(s)),
                  s.size()};
        break;
      case '[':
        inCharset = true;
        break;
      case ']':
        inCharset = false;
        break;
      default:
        if (!inCharset) {
          c.state = State::JS;
          c.jsCtx = JsCtx::DivOp;
          return {c, i + 1};
        }
    }
    k = i + 1;
  }
  if (inCharset)
    return {err(ErrorCode::PartialCharset, "unfinished JS regexp charset: " + quoteq(s)), s.size()};
  return {c, s.size()};
}

std::pair<Context, size_t> tBlockCmt(Context c, std::string_view s) {
  size_t i = s.find("*/");
  if (i == std::string_view::npos) return {c, s.size()};
  c.state = c.state == State::JSBlockCmt ? State::JS : State::CSS;
  return {c, i + 2};
}

std::pair<Context, size_t> tLineCmt(Context c, std::string_view s) {
  size_t i = std::string_view::npos;
  State endState;
  if (c.state == State::JSLineCmt) {
    endState = State::JS;
    i = s.find_first_of("\n\r");
    size_t u = s.find("\u2028"), v = s.find("\u2029");
    i = std::min({i, u, v});
  } else {
    endState = State::CSS;
    i = s.find_first_of("\n\f\r");
  }
  if (i == std::string_view::npos) return {c, s.size()};
  c.state = endState;
  return {c, i};
}

bool endsWithCSSKeyword(std::string_view b, std::string_view kw) {
  if (b.size() < kw.size()) return false;
  size_t i = b.size() - kw.size();
  if (i != 0) {
    // utf8.DecodeLastRune(b[:i])
    size_t start = i - 1;
    while (start > 0 && (static_cast<unsigned char>(b[start]) & 0xC0) == 0x80 && i - start < 4)
      --start;
    size_t w;
    char32_t r = decodeRune(b.substr(0, i), start, w);
    if (start + w != i) r = 0xFFFD;
    if (isCSSNmchar(r)) return false;
  }
  return lower(b.substr(i)) == kw;
}

std::pair<Context, size_t> tCSS(Context c, std::string_view s) {
  size_t k = 0;
  for (;;) {
    size_t i = s.find_first_of("(\"'/", k);
    if (i == std::string_view::npos) return {c, s.size()};
    switch (s[i]) {
      case '(': {
        std::string_view p = s.substr(0, i);
        while (!p.empty() && (isSpace(static_cast<unsigned char>(p.back())))) p.remove_suffix(1);
        if (endsWithCSSKeyword(p, "url")) {
          size_t j = i + 1;
          while (j < s.size() && isSpace(static_cast<unsigned char>(s[j]))) ++j;
          if (j != s.size() && s[j] == '"') {
            c.state = State::CSSDqURL;
            ++j;
          } else if (j != s.size() && s[j] == '\'') {
            c.state = State::CSSSqURL;
            ++j;
          } else {
            c.state = State::CSSURL;
          }
          return {c, j};
        }
        break;
      }
      case '/':
        if (i + 1 < s.size()) {
          if (s[i + 1] == '/') {
            c.state = State::CSSLineCmt;
            return {c, i + 2};
          }
          if (s[i + 1] == '*') {
            c.state = State::CSSBlockCmt;
            return {c, i + 2};
          }
        }
        break;
      case '"':
        c.state = State::CSSDqStr;
        return {c, i + 1};
      case '\'':
        c.state = State::CSSSqStr;
        return {c, i + 1};
    }
    k = i + 1;
  }
}

std::pair<Context, size_t> tCSSStr(Context c, std::string_view s) {
  std::string_view endAndEsc;
  switch (c.state) {
    case State::CSSDqStr:
    case State::CSSDqURL:
      endAndEsc = "\\\"";
      break;
    case State::CSSSqStr:
    case State::CSSSqURL:
      endAndEsc = "\\'";
      break;
    default:
      endAndEsc = std::string_view("\\\t\n\f\r )", 7);
  }
  size_t k = 0;
  for (;;) {
    size_t i = s.find_first_of(endAndEsc, k);
    if (i == std::string_view::npos) {
      std::string d = decodeCSS(s.substr(k));
      auto [c1, nread] = tURL(c, d);
      return {c1, k + nread};
    }
    if (s[i] == '\\') {
      ++i;
      if (i == s.size())
        return {
            err(ErrorCode::PartialEscape, "unfinished escape sequence in CSS string: " + quoteq(s)),
            s.size()};
    } else {
      c.state = State::CSS;
      return {c, i + 1};
    }
    c = tURL(c, decodeCSS(s.substr(0, i + 1))).first;
    k = i + 1;
  }
}

}  // namespace

std::string EscapeError::message() const {
  if (node) {
    std::string_view text = node->unit->text;
    size_t pos = std::min(static_cast<size_t>(node->pos), text.size());
    std::string_view before = text.substr(0, pos);
    size_t nl = before.rfind('\n');
    size_t col = nl == std::string_view::npos ? pos : pos - (nl + 1);
    int ln = 1;
    for (char c : before) ln += c == '\n';
    return "html/template:" + node->unit->parseName + ":" + std::to_string(ln) + ":" +
           std::to_string(col) + ": " + description;
  }
  if (line != 0) return "html/template:" + name + ":" + std::to_string(line) + ": " + description;
  if (!name.empty()) return "html/template:" + name + ": " + description;
  return "html/template: " + description;
}

Context errorContext(ErrorCode code, const Node* node, int line, std::string description) {
  Context c;
  c.state = State::Error;
  c.err = std::make_shared<EscapeError>();
  c.err->code = code;
  c.err->node = node;
  c.err->line = line;
  c.err->description = std::move(description);
  return c;
}

const char* stateName(State s) {
  static const char* n[] = {
      "stateText",       "stateTag",       "stateAttrName", "stateAfterName",   "stateBeforeValue",
      "stateHTMLCmt",    "stateRCDATA",    "stateAttr",     "stateURL",         "stateSrcset",
      "stateJS",         "stateJSDqStr",   "stateJSSqStr",  "stateJSBqStr",     "stateJSRegexp",
      "stateJSBlockCmt", "stateJSLineCmt", "stateCSS",      "stateCSSDqStr",    "stateCSSSqStr",
      "stateCSSDqURL",   "stateCSSSqURL",  "stateCSSURL",   "stateCSSBlockCmt", "stateCSSLineCmt",
      "stateError",      "stateDead"};
  return n[static_cast<int>(s)];
}

std::string Context::str() const {
  std::string s = "{";
  s += stateName(state);
  s += ' ';
  s += delimName(delim);
  s += ' ';
  s += urlPartName(urlPart);
  s += ' ';
  s += jsCtxName(jsCtx);
  s += ' ';
  s += attrName(attr);
  s += ' ';
  s += elementName(element);
  s += ' ';
  s += err ? err->message() : "<nil>";
  s += '}';
  return s;
}

std::string Context::mangle(const std::string& templateName) const {
  if (state == State::Text) return templateName;
  std::string s = templateName + "$htmltemplate_" + stateName(state);
  if (delim != Delim::None) s += std::string("_") + delimName(delim);
  if (urlPart != UrlPart::None) s += std::string("_") + urlPartName(urlPart);
  if (jsCtx != JsCtx::Regexp) s += std::string("_") + jsCtxName(jsCtx);
  if (attr != Attr::None) s += std::string("_") + attrName(attr);
  if (element != Element::None) s += std::string("_") + elementName(element);
  return s;
}

bool isComment(State s) {
  switch (s) {
    case State::HTMLCmt:
    case State::JSBlockCmt:
    case State::JSLineCmt:
    case State::CSSBlockCmt:
    case State::CSSLineCmt:
      return true;
    default:
      return false;
  }
}

bool isInTag(State s) {
  switch (s) {
    case State::Tag:
    case State::AttrName:
    case State::AfterName:
    case State::BeforeValue:
    case State::Attr:
      return true;
    default:
      return false;
  }
}

std::pair<Context, size_t> transition(Context c, State st, std::string_view s) {
  switch (st) {
    case State::Text:
      return tText(c, s);
    case State::Tag:
      return tTag(c, s);
    case State::AttrName:
      return tAttrName(c, s);
    case State::AfterName:
      return tAfterName(c, s);
    case State::BeforeValue:
      return tBeforeValue(c, s);
    case State::HTMLCmt:
      return tHTMLCmt(c, s);
    case State::RCDATA:
      return tSpecialTagEnd(c, s);
    case State::Attr:
      return {c, s.size()};
    case State::URL:
    case State::Srcset:
      return tURL(c, s);
    case State::JS:
      return tJS(c, s);
    case State::JSDqStr:
    case State::JSSqStr:
    case State::JSBqStr:
    case State::JSRegexp:
      return tJSDelimited(c, s);
    case State::JSBlockCmt:
    case State::CSSBlockCmt:
      return tBlockCmt(c, s);
    case State::JSLineCmt:
    case State::CSSLineCmt:
      return tLineCmt(c, s);
    case State::CSS:
      return tCSS(c, s);
    case State::CSSDqStr:
    case State::CSSSqStr:
    case State::CSSDqURL:
    case State::CSSSqURL:
    case State::CSSURL:
      return tCSSStr(c, s);
    case State::Error:
    case State::Dead:
      break;
  }
  return {c, s.size()};
}

std::pair<Context, size_t> contextAfterText(Context c, std::string_view s) {
  if (c.delim == Delim::None) {
    auto [c1, i] = tSpecialTagEnd(c, s);
    if (i == 0) return {c1, 0};
    return transition(c, c.state, s.substr(0, i));
  }
  std::string_view ends = c.delim == Delim::DoubleQuote   ? "\""
                          : c.delim == Delim::SingleQuote ? "'"
                                                          : " \t\n\f\r>";
  size_t i = indexAny(s, ends);
  if (i == std::string_view::npos) i = s.size();
  if (c.delim == Delim::SpaceOrTagEnd) {
    size_t j = s.substr(0, i).find_first_of("\"'<=`");
    if (j != std::string_view::npos)
      return {err(ErrorCode::BadHTML,
                  quoteq(s.substr(j, 1)) + " in unquoted attr: " + quoteq(s.substr(0, i))),
              s.size()};
  }
  if (i == s.size()) {
    std::string u = unescapeEntities(s);
    std::string_view rest = u;
    while (!rest.empty()) {
      auto [c1, i1] = transition(c, c.state, rest);
      c = c1;
      rest = rest.substr(i1);
      if (i1 == 0 && c.state == c1.state) break;  // defensive: Go relies on progress
    }
    return {c, s.size()};
  }
  Element element = c.element;
  if (c.state == State::Attr && c.element == Element::Script && c.attr == Attr::ScriptType &&
      !isJSType(s.substr(0, i)))
    element = Element::None;
  if (c.delim != Delim::SpaceOrTagEnd) ++i;
  Context d;
  d.state = State::Tag;
  d.element = element;
  return {d, i};
}

Content attrType(std::string_view name0, bool* unsafeAttr) {
  static const std::unordered_map<std::string_view, int> m = {
      // 0 plain, 1 url, 2 css, 3 js, 4 srcset, 5 unsafe, 6 html
      {"accept", 0},       {"accept-charset", 5},
      {"action", 1},       {"alt", 0},
      {"archive", 1},      {"async", 5},
      {"autocomplete", 0}, {"autofocus", 0},
      {"autoplay", 0},     {"background", 1},
      {"border", 0},       {"checked", 0},
      {"cite", 1},         {"challenge", 5},
      {"charset", 5},      {"class", 0},
      {"classid", 1},      {"codebase", 1},
      {"cols", 0},         {"colspan", 0},
      {"content", 5},      {"contenteditable", 0},
      {"contextmenu", 0},  {"controls", 0},
      {"coords", 0},       {"crossorigin", 5},
      {"data", 1},         {"datetime", 0},
      {"default", 0},      {"defer", 5},
      {"dir", 0},          {"dirname", 0},
      {"disabled", 0},     {"draggable", 0},
      {"dropzone", 0},     {"enctype", 5},
      {"for", 0},          {"form", 5},
      {"formaction", 1},   {"formenctype", 5},
      {"formmethod", 5},   {"formnovalidate", 5},
      {"formtarget", 0},   {"headers", 0},
      {"height", 0},       {"hidden", 0},
      {"high", 0},         {"href", 1},
      {"hreflang", 0},     {"http-equiv", 5},
      {"icon", 1},         {"id", 0},
      {"ismap", 0},        {"keytype", 5},
      {"kind", 0},         {"label", 0},
      {"lang", 0},         {"language", 5},
      {"list", 0},         {"longdesc", 1},
      {"loop", 0},         {"low", 0},
      {"manifest", 1},     {"max", 0},
      {"maxlength", 0},    {"media", 0},
      {"mediagroup", 0},   {"method", 5},
      {"min", 0},          {"multiple", 0},
      {"name", 0},         {"novalidate", 5},
      {"open", 0},         {"optimum", 0},
      {"pattern", 5},      {"placeholder", 0},
      {"poster", 1},       {"profile", 1},
      {"preload", 0},      {"pubdate", 0},
      {"radiogroup", 0},   {"readonly", 0},
      {"rel", 5},          {"required", 0},
      {"reversed", 0},     {"rows", 0},
      {"rowspan", 0},      {"sandbox", 5},
      {"spellcheck", 0},   {"scope", 0},
      {"scoped", 0},       {"seamless", 0},
      {"selected", 0},     {"shape", 0},
      {"size", 0},         {"sizes", 0},
      {"span", 0},         {"src", 1},
      {"srcdoc", 6},       {"srclang", 0},
      {"srcset", 4},       {"start", 0},
      {"step", 0},         {"style", 2},
      {"tabindex", 0},     {"target", 0},
      {"title", 0},        {"type", 5},
      {"usemap", 1},       {"value", 5},
      {"width", 0},        {"wrap", 0},
      {"xmlns", 1}};
  auto conv = [&](int k) {
    switch (k) {
      case 1:
        return Content::URL;
      case 2:
        return Content::CSS;
      case 3:
        return Content::JS;
      case 4:
        return Content::Srcset;
      case 5:
        if (unsafeAttr) *unsafeAttr = true;
        return Content::Plain;
      case 6:
        return Content::HTML;
      default:
        return Content::Plain;
    }
  };
  std::string_view name = name0;
  if (name.substr(0, 5) == "data-") {
    name = name.substr(5);
  } else if (size_t colon = name.find(':'); colon != std::string_view::npos) {
    if (name.substr(0, colon) == "xmlns") return Content::URL;
    name = name.substr(colon + 1);
  }
  if (auto it = m.find(name); it != m.end()) return conv(it->second);
  if (name.substr(0, 2) == "on") return Content::JS;
  if (name.find("src") != std::string_view::npos || name.find("uri") != std::string_view::npos ||
      name.find("url") != std::string_view::npos)
    return Content::URL;
  return Content::Plain;
}

bool isJSType(std::string_view mimeType) {
  size_t semi = mimeType.find(';');
  if (semi != std::string_view::npos) mimeType = mimeType.substr(0, semi);
  std::string m = lower(mimeType);
  size_t a = 0, b = m.size();
  // strings.TrimSpace (ASCII part).
  while (a < b && (isSpace(static_cast<unsigned char>(m[a])) || m[a] == '\v')) ++a;
  while (b > a && (isSpace(static_cast<unsigned char>(m[b - 1])) || m[b - 1] == '\v')) --b;
  m = m.substr(a, b - a);
  static const char* types[] = {"application/ecmascript",
                                "application/javascript",
                                "application/json",
                                "application/ld+json",
                                "application/x-ecmascript",
                                "application/x-javascript",
                                "module",
                                "text/ecmascript",
                                "text/javascript",
                                "text/javascript1.0",
                                "text/javascript1.1",
                                "text/javascript1.2",
                                "text/javascript1.3",
                                "text/javascript1.4",
                                "text/javascript1.5",
                                "text/jscript",
                                "text/livescript",
                                "text/x-ecmascript",
                                "text/x-javascript"};
  for (const char* t : types)
    if (m == t) return true;
  return false;
}

bool isJSIdentPart(char32_t r) {
  return r == '$' || (r >= '0' && r <= '9') || (r >= 'A' && r <= 'Z') || r == '_' ||
         (r >= 'a' && r <= 'z');
}

bool isHex(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool isCSSNmchar(char32_t r) {
  return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || r == '-' ||
         r == '_' || (r >= 0x80 && r <= 0xd7ff) || (r >= 0xe000 && r <= 0xfffd) ||
         (r >= 0x10000 && r <= 0x10ffff);
}

std::string decodeCSS(std::string_view s) {
  if (s.find('\\') == std::string_view::npos) return std::string(s);
  std::string b;
  while (!s.empty()) {
    size_t i = s.find('\\');
    if (i == std::string_view::npos) i = s.size();
    b.append(s.substr(0, i));
    s = s.substr(i);
    if (s.size() < 2) break;
    if (isHex(static_cast<unsigned char>(s[1]))) {
      size_t j = 2;
      while (j < s.size() && j < 7 && isHex(static_cast<unsigned char>(s[j]))) ++j;
      char32_t r = 0;
      for (size_t k = 1; k < j; ++k) {
        unsigned char c = static_cast<unsigned char>(s[k]);
        r <<= 4;
        r |= c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
      }
      if (r > 0x10FFFF) {
        r /= 16;
        --j;
      }
      if ((r >= 0xD800 && r <= 0xDFFF)) r = 0xFFFD;  // utf8.EncodeRune of a surrogate
      appendRune(b, r);
      s = s.substr(j);
      // skipCSSSpace
      if (!s.empty()) {
        if (s[0] == '\t' || s[0] == '\n' || s[0] == '\f' || s[0] == ' ')
          s = s.substr(1);
        else if (s[0] == '\r')
          s = s.substr(s.size() >= 2 && s[1] == '\n' ? 2 : 1);
      }
    } else {
      size_t w;
      decodeRune(s, 1, w);
      b.append(s.substr(1, w));
      s = s.substr(1 + w);
    }
  }
  return b;
}

namespace {

struct Entity {
  std::string_view name;  // with its ';', or one of the legacy names without it
  std::string_view utf8;
};

constexpr Entity kEntities[] = {
#include "template/html_entities.inc"
};

constexpr size_t kLongestEntityWithoutSemicolon = 6;

std::string_view lookupEntity(std::string_view name) {
  auto it = std::lower_bound(std::begin(kEntities), std::end(kEntities), name,
                             [](const Entity& e, std::string_view n) { return e.name < n; });
  return it != std::end(kEntities) && it->name == name ? it->utf8 : std::string_view();
}

// Windows-1252 characters that numeric references in 0x80–0x9F mean (Go's replacementTable).
constexpr char32_t kWindows1252[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

bool asciiLetterOrDigit(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Go's html.unescapeEntity(attribute=false) for s starting at '&': appends the decoding and
// returns how many bytes it consumed.
size_t unescapeEntity(std::string_view s, std::string& out) {
  size_t i = 1;
  if (s.size() <= 1) {
    out += s[0];
    return 1;
  }
  if (s[i] == '#') {
    if (s.size() <= 3) {  // at least "&#." is needed
      out += s[0];
      return 1;
    }
    ++i;
    const bool hex = s[i] == 'x' || s[i] == 'X';
    if (hex) ++i;
    char32_t x = 0;
    while (i < s.size()) {
      const unsigned char c = static_cast<unsigned char>(s[i++]);
      int d = -1;
      if (c >= '0' && c <= '9') {
        d = c - '0';
      } else if (hex && c >= 'a' && c <= 'f') {
        d = c - 'a' + 10;
      } else if (hex && c >= 'A' && c <= 'F') {
        d = c - 'A' + 10;
      }
      if (d >= 0) {
        x = x * (hex ? 16 : 10) + static_cast<char32_t>(d);  // wraps like Go's int32 rune
        continue;
      }
      if (c != ';') --i;
      break;
    }
    if (i <= 3) {  // no digits
      out += s[0];
      return 1;
    }
    const int32_t v = static_cast<int32_t>(x);
    if (v >= 0x80 && v <= 0x9F) {
      x = kWindows1252[v - 0x80];
    } else if (v <= 0 || (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF) {
      x = 0xFFFD;
    }
    appendRune(out, x);
    return i;
  }
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i++]);
    if (asciiLetterOrDigit(c)) continue;
    if (c != ';') --i;
    break;
  }
  const std::string_view name = s.substr(1, i - 1);
  if (!name.empty()) {
    if (std::string_view v = lookupEntity(name); !v.empty()) {
      out += v;
      return i;
    }
    // A legacy name without ';' as a prefix ("&notit;" is "¬it;").
    size_t maxLen = std::min(name.size() - 1, kLongestEntityWithoutSemicolon);
    for (size_t j = maxLen; j > 1; --j) {
      if (std::string_view v = lookupEntity(name.substr(0, j)); !v.empty()) {
        out += v;
        return j + 1;
      }
    }
  }
  out += s.substr(0, i);
  return i;
}

}  // namespace

// Go's html.UnescapeString: numeric references (Windows-1252 for 0x80–0x9F), all WHATWG names,
// and the legacy names that may omit ';'.
std::string unescapeEntities(std::string_view s) {
  if (s.find('&') == std::string_view::npos) return std::string(s);
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const size_t amp = s.find('&', i);
    if (amp == std::string_view::npos) {
      out.append(s.substr(i));
      break;
    }
    out.append(s.substr(i, amp - i));
    i = amp + unescapeEntity(s.substr(amp), out);
  }
  return out;
}

}  // namespace nm::tmpl::html
