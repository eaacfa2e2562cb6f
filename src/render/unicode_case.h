// Go's simple Unicode case mapping (unicode.ToUpper, ToLower, ToTitle) for the template functions
// toUpper, toLower and title, from tables generated out of Go's own (tools/gen_unicode_case.go).
#pragma once

namespace nm::render {

char32_t goToUpper(char32_t r);
char32_t goToLower(char32_t r);
char32_t goToTitle(char32_t r);

}  // namespace nm::render
