// Go's fmt package as templates reach it: Sprint, Sprintln, Sprintf (verbs, flags, width,
// precision, argument indexes, %!verb(type=value) errors) over template Values.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "template/value.h"

namespace nm::tmpl {

// Arguments are interface{} values: Invalid and Nil both print as Go's nil.
void goSprint(std::string& out, std::span<const Value> args);
void goSprintln(std::string& out, std::span<const Value> args);
void goSprintf(std::string& out, std::string_view format, std::span<const Value> args);
// fmt.Sprint(v) of a single value.
void goPrintValue(std::string& out, const Value& v);

// strconv.Quote / QuoteToASCII.
void goQuote(std::string& out, std::string_view s, bool asciiOnly = false);
// strconv.FormatFloat(v, fmt, prec, 64) for fmt in e E f g G; prec -1 = shortest.
void goFormatFloat(std::string& out, double v, char fmt, int prec);
// Decodes one UTF-8 rune at s[i]; returns 0xFFFD with width 1 on invalid input.
char32_t decodeRune(std::string_view s, size_t i, size_t& width);
void appendRune(std::string& out, char32_t r);
// unicode.IsPrint approximation (exact for ASCII and Latin-1).
bool isPrintRune(char32_t r);

}  // namespace nm::tmpl
