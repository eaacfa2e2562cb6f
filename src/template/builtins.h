// text/template's builtin functions that need no executor state: comparisons (eq ne lt le gt
// ge with Go's basic-kind rules), len, index, slice and the html/js/urlquery escapers.
#pragma once

#include <span>
#include <string>

#include "template/value.h"

namespace nm::tmpl {

// Each returns false with err set to the message Go's function returns (without the
// "error calling NAME: " prefix).
bool builtinEq(const Value& a, std::span<const Value> rest, bool& result, std::string& err);
bool builtinLt(const Value& a, const Value& b, bool& result, std::string& err);
bool builtinLen(const Value& v, int64_t& result, std::string& err);
bool builtinIndex(Arena& arena, const Value& item, std::span<const Value> idx, Value& out,
                  std::string& err);
bool builtinSlice(Arena& arena, const Value& item, std::span<const Value> idx, Value& out,
                  std::string& err);

// The string the escapers escape: a lone string argument, else fmt.Sprint of the arguments
// with a missing value printed as "<no value>".
std::string escaperArg(std::span<const Value> args);
void htmlEscape(std::string& out, std::string_view s);
void jsEscape(std::string& out, std::string_view s);
void urlQueryEscape(std::string& out, std::string_view s);

// Go's indirectInterface: a nil interface becomes Invalid, wrapped values become concrete.
inline Value concrete(const Value& v) {
  if (v.kind() == Kind::Nil) return Value();
  return v.asIface(false);
}

}  // namespace nm::tmpl
