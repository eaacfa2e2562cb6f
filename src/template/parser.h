// Go text/template's parser: items to a set of named Trees (the top-level template plus every
// define/block), with Go's error messages ("template: NAME:LINE: ...").
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "template/ast.h"

namespace nm::tmpl {

// Returns true for a name the FuncMap or the builtins define.
using HasFunction = std::function<bool(std::string_view)>;

// Parses text as template `name`; on success fills trees (the top-level one first) and returns
// true; on error sets err to Go's message.
bool parseTemplateText(const std::string& name, std::string text, const HasFunction& hasFunction,
                       std::vector<std::shared_ptr<const Tree>>& trees, std::string& err);

// Builtin id for a name, Builtin::None when not a builtin.
Builtin builtinId(std::string_view name);

// strconv.Unquote for "..." and `...` literals; false on invalid syntax.
bool goUnquote(std::string_view in, std::string& out);

}  // namespace nm::tmpl
