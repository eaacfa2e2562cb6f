// The tree-walking executor behind TemplateSet::execute: Go's exec.go semantics (pipelines,
// variables, control flow, field/method/map access, builtins) over Values.
#pragma once

#include <string>

#include "template/template.h"

namespace nm::tmpl {

// Runs tree (nullptr: Go's "incomplete or empty template") named name from set.
bool runTemplate(const TemplateSet& set, const std::string& name, const Tree* tree,
                 std::string& out, const Value& data, std::string* err);

}  // namespace nm::tmpl
