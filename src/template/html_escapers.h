// html/template's escaper and filter functions (Go's html.go, url.go, js.go, css.go, content.go)
// over template Values, and the FuncMap that registers them under Go's _html_template_* names.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "template/template.h"
#include "template/value.h"

namespace nm::tmpl::html {

inline constexpr const char* kFilterFailsafe = "ZgotmplZ";

// content.go's stringify: a lone (typed) string as is, else fmt.Sprint of the non-nil args.
std::string stringify(std::span<const Value> args, Content& type);

// The escapers on an already stringified value of the given content type.
std::string htmlEscaper(std::string_view s, Content t);
std::string attrEscaper(std::string_view s, Content t);
std::string rcdataEscaper(std::string_view s, Content t);
std::string htmlNospaceEscaper(std::string_view s, Content t);
std::string htmlNameFilter(std::string_view s, Content t);
std::string urlFilter(std::string_view s, Content t);
std::string urlEscaper(std::string_view s, Content t);
std::string urlNormalizer(std::string_view s, Content t);
std::string srcsetEscaper(std::string_view s, Content t);
std::string jsStrEscaper(std::string_view s, Content t);
std::string jsRegexpEscaper(std::string_view s, Content t);
std::string cssEscaper(std::string_view s, Content t);
std::string cssValueFilter(std::string_view s, Content t);
std::string stripTags(std::string_view html);
bool isSafeURL(std::string_view s);
// js.go's jsValEscaper; false with err when a value cannot be encoded as JSON here.
bool jsValEscaper(std::span<const Value> args, std::string& out, std::string& err,
                  tmpl::Context& ctx);

// _html_template_* escapers and _eval_args_, as Functions of (args ...interface{}).
const FuncMap& escaperFuncs();

}  // namespace nm::tmpl::html
