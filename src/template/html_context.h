// html/template's parsing context (Go's context.go) and the HTML/JS/CSS state machine that moves
// it through template text (transition.go), plus attribute typing (attr.go).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "template/value.h"

namespace nm::tmpl {

struct Node;

namespace html {

enum class State : uint8_t {
  Text,
  Tag,
  AttrName,
  AfterName,
  BeforeValue,
  HTMLCmt,
  RCDATA,
  Attr,
  URL,
  Srcset,
  JS,
  JSDqStr,
  JSSqStr,
  JSBqStr,
  JSRegexp,
  JSBlockCmt,
  JSLineCmt,
  CSS,
  CSSDqStr,
  CSSSqStr,
  CSSDqURL,
  CSSSqURL,
  CSSURL,
  CSSBlockCmt,
  CSSLineCmt,
  Error,
  Dead
};
enum class Delim : uint8_t { None, DoubleQuote, SingleQuote, SpaceOrTagEnd };
enum class UrlPart : uint8_t { None, PreQuery, QueryOrFrag, Unknown };
enum class JsCtx : uint8_t { Regexp, DivOp, Unknown };
enum class Attr : uint8_t { None, Script, ScriptType, Style, URL, Srcset };
enum class Element : uint8_t { None, Script, Style, Textarea, Title };

// Go's html/template ErrorCode values used here.
enum class ErrorCode : uint8_t {
  OK,
  AmbigContext,
  BadHTML,
  BranchEnd,
  EndContext,
  NoSuchTemplate,
  OutputContext,
  PartialCharset,
  PartialEscape,
  RangeLoopReentry,
  SlashAmbig,
  PredefinedEscaper,
  JSTmplLit
};

// Go's *template.Error: a node (for "NAME:LINE:COL") or a line, the template name, and the
// description. message() is Error().
struct EscapeError {
  ErrorCode code = ErrorCode::OK;
  const Node* node = nullptr;
  std::string name;
  int line = 0;
  std::string description;
  std::string message() const;
};

struct Context {
  State state = State::Text;
  Delim delim = Delim::None;
  UrlPart urlPart = UrlPart::None;
  JsCtx jsCtx = JsCtx::Regexp;
  Attr attr = Attr::None;
  Element element = Element::None;
  const Node* n = nullptr;  // the break/continue node of a range context
  std::shared_ptr<EscapeError> err;

  bool eq(const Context& d) const {
    return state == d.state && delim == d.delim && urlPart == d.urlPart && jsCtx == d.jsCtx &&
           attr == d.attr && element == d.element && err == d.err;
  }
  // Go's %v of a context: {stateText delimNone ... <nil>}.
  std::string str() const;
  // The name of the template derived for this context ("x$htmltemplate_stateAttr_...").
  std::string mangle(const std::string& templateName) const;
};

Context errorContext(ErrorCode code, const Node* node, int line, std::string description);

bool isComment(State s);
bool isInTag(State s);
const char* stateName(State s);

// Go's contextAfterText: the context after the longest prefix of s handled in one step, and
// that prefix's length.
std::pair<Context, size_t> contextAfterText(Context c, std::string_view s);
// One transition function step (transitionFunc[c.state]).
std::pair<Context, size_t> transition(Context c, State st, std::string_view s);

// attr.go's attrType: the content type of an attribute by its (lower-case) name.
Content attrType(std::string_view name, bool* unsafeAttr = nullptr);

bool isJSType(std::string_view mimeType);
bool isJSIdentPart(char32_t r);
bool isHex(unsigned char c);
std::string decodeCSS(std::string_view s);
bool isCSSNmchar(char32_t r);

// Go's html.UnescapeString for the entities HTML text commonly uses (full named-entity table
// is not needed to track contexts: the result only feeds the state machine).
std::string unescapeEntities(std::string_view s);

}  // namespace html
}  // namespace nm::tmpl
