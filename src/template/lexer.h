// Tokenizer for Go text/template source: text, delimiters with trim markers, comments and the
// tokens inside actions, with Go's positions, line numbers and error messages.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nm::tmpl {

enum class Tok {
  Error,
  Bool,
  Char,
  CharConstant,
  Comment,
  Complex,
  Assign,
  Declare,
  Eof,
  Field,
  Identifier,
  LeftDelim,
  LeftParen,
  Number,
  Pipe,
  RawString,
  RightDelim,
  RightParen,
  Space,
  String,
  Text,
  Variable,
  Keyword,  // keywords follow
  Block,
  Break,
  Continue,
  Dot,
  Define,
  Else,
  End,
  If,
  Nil,
  Range,
  Template,
  With
};

struct Item {
  Tok type = Tok::Eof;
  int pos = 0;
  std::string_view val;  // into the source, or into Lexer::errors for Tok::Error
  int line = 0;
};

// Lexes the whole input; the last item is Eof or Error. breakOK/continueOK are false when a
// function of that name exists (then the word is an identifier, as in Go).
std::vector<Item> lexTemplate(std::string_view input, std::string& errStore, bool breakOK,
                              bool continueOK);

// Go's item.String() for "unexpected %s" messages.
std::string itemString(const Item& it);

}  // namespace nm::tmpl
