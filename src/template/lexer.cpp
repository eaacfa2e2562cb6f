// Go text/template's lexer rewritten as a loop over states producing all items up front; the
// parser pulls them with the same lookahead as Go, so errors surface at the same token.
#include "template/lexer.h"

#include <cstring>

#include "template/gofmt.h"

namespace nm::tmpl {

namespace {

constexpr int kEof = -1;

bool isSpace(int r) {
  return r == ' ' || r == '\t' || r == '\r' || r == '\n';
}

bool isLetterOrDigit(int r) {
  if (r < 0) return false;
  if (r < 0x80)
    return r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9');
  if (r == 0xAA || r == 0xB5 || r == 0xBA) return true;
  if (r < 0xC0 || r == 0xD7 || r == 0xF7) return false;
  if ((r >= 0x2000 && r <= 0x2BFF) || (r >= 0x3000 && r <= 0x303F) ||
      (r >= 0xFE30 && r <= 0xFE4F) || (r >= 0xFF00 && r <= 0xFF0F) ||
      (r >= 0xFF1A && r <= 0xFF20) || (r >= 0xFFF0))
    return false;
  return isPrintRune(static_cast<char32_t>(r));
}

bool hasLeftTrim(std::string_view s) {
  return s.size() >= 2 && s[0] == '-' && isSpace(s[1]);
}
bool hasRightTrim(std::string_view s) {
  return s.size() >= 2 && isSpace(s[0]) && s[1] == '-';
}

std::string runeDesc(int r) {  // %#U
  std::string out;
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(r));
  out = buf;
  if (r >= 0 && isPrintRune(static_cast<char32_t>(r))) {
    out += " '";
    appendRune(out, static_cast<char32_t>(r));
    out += '\'';
  }
  return out;
}

struct Lexer {
  std::string_view in;
  std::string& err;
  bool breakOK, continueOK;
  std::vector<Item> items;
  size_t pos = 0, start = 0;
  bool atEof = false;
  int parenDepth = 0;
  int line = 1, startLine = 1;
  size_t lastWidth = 0;

  int next() {
    if (pos >= in.size()) {
      atEof = true;
      return kEof;
    }
    size_t w;
    char32_t r = decodeRune(in, pos, w);
    pos += w;
    if (r == '\n') line++;
    return static_cast<int>(r);
  }
  void backup() {
    if (!atEof && pos > 0) {
      size_t p = pos - 1;
      while (p > 0 && (static_cast<unsigned char>(in[p]) & 0xC0) == 0x80 && pos - p < 4) --p;
      size_t w;
      decodeRune(in, p, w);
      if (p + w != pos) p = pos - 1;
      if (in[p] == '\n') line--;
      pos = p;
    }
  }
  int peek() {
    int r = next();
    backup();
    return r;
  }
  void emit(Tok t) {
    items.push_back({t, static_cast<int>(start), in.substr(start, pos - start), startLine});
    start = pos;
    startLine = line;
  }
  void ignore() {
    for (size_t i = start; i < pos; ++i)
      if (in[i] == '\n') line++;
    start = pos;
    startLine = line;
  }
  // Fix the double counting: ignore() counts newlines in [start,pos) which next() already
  // counted. Go's ignore does the same, but Go only calls it over text skipped by pos jumps.
  bool accept(const char* valid) {
    int r = next();
    if (r != kEof && r < 0x80 && std::strchr(valid, r)) return true;
    backup();
    return false;
  }
  void acceptRun(const char* valid) {
    for (;;) {
      int r = next();
      if (r == kEof || r >= 0x80 || !std::strchr(valid, r)) break;
    }
    backup();
  }
  bool errorf(std::string msg) {
    err = std::move(msg);
    items.push_back({Tok::Error, static_cast<int>(start), err, startLine});
    return false;
  }
  bool atRightDelim(bool& trim) {
    std::string_view rest = in.substr(pos);
    if (hasRightTrim(rest) && rest.substr(2).starts_with("}}")) {
      trim = true;
      return true;
    }
    trim = false;
    return rest.starts_with("}}");
  }
  bool atTerminator() {
    int r = peek();
    if (isSpace(r)) return true;
    switch (r) {
      case kEof:
      case '.':
      case ',':
      case '|':
      case ':':
      case ')':
      case '(':
        return true;
      default:
        break;
    }
    return in.substr(pos).starts_with("}}");
  }
  static size_t rightTrimLength(std::string_view s) {
    size_t n = s.size();
    while (n > 0 && isSpace(s[n - 1])) --n;
    return s.size() - n;
  }
  static size_t leftTrimLength(std::string_view s) {
    size_t n = 0;
    while (n < s.size() && isSpace(s[n])) ++n;
    return n;
  }
  static int countNl(std::string_view s) {
    int n = 0;
    for (char c : s) n += c == '\n';
    return n;
  }

  enum State { Text, LeftDelim, Comment, RightDelim, Inside, Done };

  void run() {
    State st = Text;
    while (st != Done) {
      switch (st) {
        case Text:
          st = lexText();
          break;
        case LeftDelim:
          st = lexLeftDelim();
          break;
        case Comment:
          st = lexComment();
          break;
        case RightDelim:
          st = lexRightDelim();
          break;
        case Inside:
          st = lexInside();
          break;
        case Done:
          break;
      }
    }
  }

  State lexText() {
    size_t x = in.find("{{", pos);
    if (x != std::string_view::npos) {
      pos = x;
      size_t trimLen = 0;
      if (hasLeftTrim(in.substr(pos + 2))) trimLen = rightTrimLength(in.substr(start, pos - start));
      pos -= trimLen;
      if (pos > start) {
        line += countNl(in.substr(start, pos - start));
        emit(Tok::Text);
      }
      pos += trimLen;
      ignoreSkipped();
      return LeftDelim;
    }
    pos = in.size();
    if (pos > start) {
      line += countNl(in.substr(start, pos - start));
      emit(Tok::Text);
    }
    emit(Tok::Eof);
    return Done;
  }
  // Go's ignore(): line += newlines in [start,pos) for text skipped without next().
  void ignoreSkipped() { ignore(); }

  State lexLeftDelim() {
    pos += 2;
    bool trim = hasLeftTrim(in.substr(pos));
    size_t after = trim ? 2 : 0;
    if (in.substr(pos + after).starts_with("/*")) {
      pos += after;
      ignore();
      return Comment;
    }
    emit(Tok::LeftDelim);
    pos += after;
    ignore();
    parenDepth = 0;
    return Inside;
  }

  State lexComment() {
    pos += 2;
    size_t i = in.find("*/", pos);
    if (i == std::string_view::npos) {
      errorf("unclosed comment");
      return Done;
    }
    pos = i + 2;
    bool trim;
    if (!atRightDelim(trim)) {
      errorf("comment ends before closing delimiter");
      return Done;
    }
    if (trim) pos += 2;
    pos += 2;
    if (trim) pos += leftTrimLength(in.substr(pos));
    ignore();
    return Text;
  }

  State lexRightDelim() {
    bool trim = hasRightTrim(in.substr(pos));
    if (trim) {
      pos += 2;
      ignore();
    }
    pos += 2;
    emit(Tok::RightDelim);
    if (trim) {
      pos += leftTrimLength(in.substr(pos));
      ignore();
    }
    return Text;
  }

  State lexInside() {
    bool trim;
    if (atRightDelim(trim)) {
      if (parenDepth == 0) return RightDelim;
      errorf("unclosed left paren");
      return Done;
    }
    int r = next();
    if (r == kEof) {
      errorf("unclosed action");
      return Done;
    }
    if (isSpace(r)) {
      backup();
      return lexSpace();
    }
    switch (r) {
      case '=':
        emit(Tok::Assign);
        return Inside;
      case ':':
        if (next() != '=') {
          errorf("expected :=");
          return Done;
        }
        emit(Tok::Declare);
        return Inside;
      case '|':
        emit(Tok::Pipe);
        return Inside;
      case '"':
        return lexQuote();
      case '`':
        return lexRawQuote();
      case '$':
        return lexVariable();
      case '\'':
        return lexChar();
      case '(':
        emit(Tok::LeftParen);
        parenDepth++;
        return Inside;
      case ')':
        emit(Tok::RightParen);
        parenDepth--;
        if (parenDepth < 0) {
          errorf("unexpected right paren " + runeDesc(r));
          return Done;
        }
        return Inside;
      default:
        break;
    }
    if (r == '.') {
      if (pos < in.size()) {
        char c = in[pos];
        if (c < '0' || c > '9') return lexFieldOrVariable(Tok::Field);
      }
      backup();
      return lexNumber();
    }
    if (r == '+' || r == '-' || (r >= '0' && r <= '9')) {
      backup();
      return lexNumber();
    }
    if (isLetterOrDigit(r)) {
      backup();
      return lexIdentifier();
    }
    if (r < 0x80 && r >= 0x20 && r != 0x7F) {
      emit(Tok::Char);
      return Inside;
    }
    errorf("unrecognized character in action: " + runeDesc(r));
    return Done;
  }

  State lexSpace() {
    int n = 0;
    while (isSpace(peek())) {
      next();
      n++;
    }
    std::string_view rest = in.substr(pos - 1);
    if (hasRightTrim(rest) && rest.substr(2).starts_with("}}")) {
      backup();
      if (n == 1) return RightDelim;
    }
    emit(Tok::Space);
    return Inside;
  }

  State lexIdentifier() {
    for (;;) {
      int r = next();
      if (isLetterOrDigit(r)) continue;
      backup();
      std::string_view word = in.substr(start, pos - start);
      if (!atTerminator()) {
        errorf("bad character " + runeDesc(r));
        return Done;
      }
      static const struct {
        const char* w;
        Tok t;
      } kw[] = {{"block", Tok::Block},
                {"break", Tok::Break},
                {"continue", Tok::Continue},
                {"define", Tok::Define},
                {"else", Tok::Else},
                {"end", Tok::End},
                {"if", Tok::If},
                {"range", Tok::Range},
                {"nil", Tok::Nil},
                {"template", Tok::Template},
                {"with", Tok::With}};
      for (const auto& k : kw) {
        if (word == k.w) {
          if ((k.t == Tok::Break && !breakOK) || (k.t == Tok::Continue && !continueOK))
            emit(Tok::Identifier);
          else
            emit(k.t);
          return Inside;
        }
      }
      if (word == "true" || word == "false")
        emit(Tok::Bool);
      else
        emit(Tok::Identifier);
      return Inside;
    }
  }

  State lexVariable() {
    if (atTerminator()) {
      emit(Tok::Variable);
      return Inside;
    }
    return lexFieldOrVariable(Tok::Variable);
  }

  State lexFieldOrVariable(Tok typ) {
    if (atTerminator()) {
      emit(typ == Tok::Variable ? Tok::Variable : Tok::Dot);
      return Inside;
    }
    int r;
    for (;;) {
      r = next();
      if (!isLetterOrDigit(r)) {
        backup();
        break;
      }
    }
    if (!atTerminator()) {
      errorf("bad character " + runeDesc(r));
      return Done;
    }
    emit(typ);
    return Inside;
  }

  State lexChar() {
    for (;;) {
      int r = next();
      if (r == '\\') {
        int r2 = next();
        if (r2 != kEof && r2 != '\n') continue;
        errorf("unterminated character constant");
        return Done;
      }
      if (r == kEof || r == '\n') {
        errorf("unterminated character constant");
        return Done;
      }
      if (r == '\'') break;
    }
    emit(Tok::CharConstant);
    return Inside;
  }

  bool scanNumber() {
    accept("+-");
    const char* digits = "0123456789_";
    if (accept("0")) {
      if (accept("xX"))
        digits = "0123456789abcdefABCDEF_";
      else if (accept("oO"))
        digits = "01234567_";
      else if (accept("bB"))
        digits = "01_";
    }
    acceptRun(digits);
    if (accept(".")) acceptRun(digits);
    size_t dl = std::strlen(digits);
    if (dl == 11 && accept("eE")) {
      accept("+-");
      acceptRun("0123456789_");
    }
    if (dl == 23 && accept("pP")) {
      accept("+-");
      acceptRun("0123456789_");
    }
    accept("i");
    if (isLetterOrDigit(peek())) {
      next();
      return false;
    }
    return true;
  }

  State lexNumber() {
    if (!scanNumber()) {
      std::string q;
      goQuote(q, in.substr(start, pos - start));
      errorf("bad number syntax: " + q);
      return Done;
    }
    int sign = peek();
    if (sign == '+' || sign == '-') {
      if (!scanNumber() || in[pos - 1] != 'i') {
        std::string q;
        goQuote(q, in.substr(start, pos - start));
        errorf("bad number syntax: " + q);
        return Done;
      }
      emit(Tok::Complex);
    } else {
      emit(Tok::Number);
    }
    return Inside;
  }

  State lexQuote() {
    for (;;) {
      int r = next();
      if (r == '\\') {
        int r2 = next();
        if (r2 != kEof && r2 != '\n') continue;
        errorf("unterminated quoted string");
        return Done;
      }
      if (r == kEof || r == '\n') {
        errorf("unterminated quoted string");
        return Done;
      }
      if (r == '"') break;
    }
    emit(Tok::String);
    return Inside;
  }

  State lexRawQuote() {
    for (;;) {
      int r = next();
      if (r == kEof) {
        errorf("unterminated raw quoted string");
        return Done;
      }
      if (r == '`') break;
    }
    emit(Tok::RawString);
    return Inside;
  }
};

}  // namespace

std::vector<Item> lexTemplate(std::string_view input, std::string& err, bool breakOK,
                              bool continueOK) {
  Lexer l{input, err, breakOK, continueOK, {}};
  l.items.reserve(input.size() / 2 + 8);
  l.run();
  return std::move(l.items);
}

std::string itemString(const Item& it) {
  if (it.type == Tok::Eof) return "EOF";
  if (it.type == Tok::Error) return std::string(it.val);
  if (it.type > Tok::Keyword) return "<" + std::string(it.val) + ">";
  std::string out;
  if (it.val.size() <= 10) {
    goQuote(out, it.val);
    return out;
  }
  size_t runes = 0, i = 0;
  for (; i < it.val.size() && runes < 10; ++runes) {
    size_t w;
    decodeRune(it.val, i, w);
    i += w;
  }
  goQuote(out, it.val.substr(0, i));
  out += "...";
  return out;
}

}  // namespace nm::tmpl
