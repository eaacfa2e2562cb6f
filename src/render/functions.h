// The template FuncMap of Notification Manager (toUpper … translate, message) and Alertmanager's
// common functions (trimSpace, safeUrl, urlUnescape, date, tz, since, humanizeDuration, toJson).
#pragma once

#include <string>
#include <string_view>

#include "render/language_pack.h"
#include "template/template.h"

namespace nm::render {

// Every function; `translate` and `message` read the language of the current LanguageScope.
const tmpl::FuncMap& templateFuncs();

// Selects the dictionary and language `translate`/`message` use on this thread while alive.
class LanguageScope {
 public:
  LanguageScope(const Dictionary* dict, std::string_view language);
  ~LanguageScope();
  LanguageScope(const LanguageScope&) = delete;
  LanguageScope& operator=(const LanguageScope&) = delete;

 private:
  const Dictionary* prevDict_;
  bool prevZh_;
};

// Go's encoding/json string escaping (HTML-safe, \u2028/\u2029, invalid UTF-8 → \ufffd) without
// the quotes: the `escape` function and the size measure of message splitting.
void jsonEscape(std::string& out, std::string_view s);
size_t jsonEscapedSize(std::string_view s);

// Go's regexp ReplaceAllString with RE2: $1, ${1}, $name, ${name}, $$ in repl. False with err
// on a bad pattern.
bool regexReplaceAll(std::string_view pattern, std::string_view repl, std::string_view s,
                     std::string& out, std::string& err);

// Prometheus' humanizeDuration of a number of seconds.
std::string humanizeDuration(double seconds);

// json.Marshal of a template value (model objects as their JSON shape). False with err for
// values Go cannot encode (NaN, Inf, functions).
bool toJson(const tmpl::Value& v, tmpl::Context& ctx, std::string& out, std::string& err);
// json.Marshal of one data-model object (Alert, Data, KV pair, time, duration): the `json` hook
// of their TypeInfo, which html/template's JavaScript escaper uses too.
bool jsonOfObject(const tmpl::Value& v, tmpl::Context& ctx, std::string& out, std::string& err);

}  // namespace nm::render
