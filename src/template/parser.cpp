// Recursive-descent parser mirroring Go's parse.Tree: the same three-token lookahead, the same
// order of checks, so the same input fails with the same message at the same line.
#include "template/parser.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>
#include <stdexcept>

#include "template/gofmt.h"
#include "template/lexer.h"

namespace nm::tmpl {

Builtin builtinId(std::string_view n) {
  static const std::map<std::string_view, Builtin> m = {{"and", Builtin::And},
                                                        {"call", Builtin::Call},
                                                        {"html", Builtin::Html},
                                                        {"index", Builtin::Index},
                                                        {"slice", Builtin::Slice},
                                                        {"js", Builtin::Js},
                                                        {"len", Builtin::Len},
                                                        {"not", Builtin::Not},
                                                        {"or", Builtin::Or},
                                                        {"print", Builtin::Print},
                                                        {"printf", Builtin::Printf},
                                                        {"println", Builtin::Println},
                                                        {"urlquery", Builtin::Urlquery},
                                                        {"eq", Builtin::Eq},
                                                        {"ge", Builtin::Ge},
                                                        {"gt", Builtin::Gt},
                                                        {"le", Builtin::Le},
                                                        {"lt", Builtin::Lt},
                                                        {"ne", Builtin::Ne}};
  auto it = m.find(n);
  return it == m.end() ? Builtin::None : it->second;
}

bool isEmptyTree(const Node* n) {
  if (!n) return true;
  switch (n->type) {
    case NodeType::Comment:
      return true;
    case NodeType::List:
      for (auto* c : static_cast<const ListNode*>(n)->nodes)
        if (!isEmptyTree(c)) return false;
      return true;
    case NodeType::Text: {
      auto t = static_cast<const TextNode*>(n)->text;
      for (char c : t)
        if (!(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'))
          return false;
      return true;
    }
    default:
      return false;
  }
}

namespace {

int hexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// strconv.UnquoteChar: one (possibly escaped) character of s; false on syntax error.
bool unquoteChar(std::string_view& s, char quote, char32_t& value, bool& multibyte) {
  if (s.empty()) return false;
  unsigned char c = s[0];
  if (c == static_cast<unsigned char>(quote) && (quote == '\'' || quote == '"')) return false;
  if (c >= 0x80) {
    size_t w;
    value = decodeRune(s, 0, w);
    s.remove_prefix(w);
    multibyte = true;
    return true;
  }
  if (c != '\\') {
    value = c;
    multibyte = false;
    s.remove_prefix(1);
    return true;
  }
  if (s.size() <= 1) return false;
  char e = s[1];
  s.remove_prefix(2);
  multibyte = false;
  switch (e) {
    case 'a':
      value = '\a';
      return true;
    case 'b':
      value = '\b';
      return true;
    case 'f':
      value = '\f';
      return true;
    case 'n':
      value = '\n';
      return true;
    case 'r':
      value = '\r';
      return true;
    case 't':
      value = '\t';
      return true;
    case 'v':
      value = '\v';
      return true;
    case 'x':
    case 'u':
    case 'U': {
      size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
      if (s.size() < n) return false;
      char32_t v = 0;
      for (size_t j = 0; j < n; ++j) {
        int x = hexVal(s[j]);
        if (x < 0) return false;
        v = (v << 4) | static_cast<char32_t>(x);
      }
      s.remove_prefix(n);
      if (e == 'x') {
        value = v;
        return true;
      }
      if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return false;
      value = v;
      multibyte = true;
      return true;
    }
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7': {
      char32_t v = static_cast<char32_t>(e - '0');
      if (s.size() < 2) return false;
      for (int j = 0; j < 2; ++j) {
        int x = s[j] - '0';
        if (x < 0 || x > 7) return false;
        v = (v << 3) | static_cast<char32_t>(x);
      }
      s.remove_prefix(2);
      if (v > 255) return false;
      value = v;
      return true;
    }
    case '\\':
      value = '\\';
      return true;
    case '\'':
    case '"':
      if (e != quote) return false;
      value = static_cast<char32_t>(e);
      return true;
    default:
      return false;
  }
}

}  // namespace

bool goUnquote(std::string_view in, std::string& out) {
  out.clear();
  if (in.size() < 2) return false;
  char q = in.front();
  if (q != in.back()) return false;
  std::string_view s = in.substr(1, in.size() - 2);
  if (q == '`') {
    if (s.find('`') != std::string_view::npos) return false;
    for (char c : s)
      if (c != '\r') out += c;
    return true;
  }
  if (q != '"' && q != '\'') return false;
  while (!s.empty()) {
    char32_t v;
    bool mb;
    if (!unquoteChar(s, q, v, mb)) return false;
    if (v < 0x80 || !mb)
      out += static_cast<char>(v);
    else
      appendRune(out, v);
  }
  return true;
}

namespace {

struct ParseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

bool underscoreOK(std::string_view s) {
  char saw = '^';
  size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0') {
    char l = static_cast<char>(s[1] | 0x20);
    if (l == 'b' || l == 'o' || l == 'x') {
      i = 2;
      saw = '0';
      hex = l == 'x';
    }
  }
  for (; i < s.size(); ++i) {
    char c = s[i];
    char l = static_cast<char>(c | 0x20);
    if ((c >= '0' && c <= '9') || (hex && l >= 'a' && l <= 'f')) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

// strconv.ParseUint(s, 0, 64) / ParseInt(s, 0, 64).
bool parseUint0(std::string_view s, uint64_t& out) {
  if (s.empty()) return false;
  std::string_view s0 = s;
  int base = 10;
  if (s[0] == '0') {
    if (s.size() >= 3 && (s[1] | 0x20) == 'b') {
      base = 2;
      s.remove_prefix(2);
    } else if (s.size() >= 3 && (s[1] | 0x20) == 'o') {
      base = 8;
      s.remove_prefix(2);
    } else if (s.size() >= 3 && (s[1] | 0x20) == 'x') {
      base = 16;
      s.remove_prefix(2);
    } else {
      base = 8;
      s.remove_prefix(1);
    }
  }
  bool underscores = false;
  unsigned __int128 n = 0;
  for (char c : s) {
    if (c == '_') {
      underscores = true;
      continue;
    }
    int d = hexVal(c);
    if (d < 0 || d >= base) return false;
    n = n * base + d;
    if (n > UINT64_MAX) return false;
  }
  if (underscores && !underscoreOK(s0)) return false;
  out = static_cast<uint64_t>(n);
  return true;
}

bool parseInt0(std::string_view s, int64_t& out) {
  if (s.empty()) return false;
  bool neg = false;
  std::string_view body = s;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    body.remove_prefix(1);
  }
  uint64_t u;
  if (!parseUint0(body, u)) return false;
  if (!neg && u > static_cast<uint64_t>(INT64_MAX)) return false;
  if (neg && u > static_cast<uint64_t>(INT64_MAX) + 1) return false;
  out = neg ? static_cast<int64_t>(0 - u) : static_cast<int64_t>(u);
  return true;
}

// strconv.ParseFloat(s, 64) for the forms the lexer produces; false on syntax or range error.
bool parseFloat(std::string_view s, double& out) {
  std::string clean;
  bool underscores = false;
  for (char c : s) {
    if (c == '_')
      underscores = true;
    else
      clean += c;
  }
  if (underscores && !underscoreOK(s)) return false;
  if (clean.empty()) return false;
  // Reject forms strtod accepts but Go does not (inf/nan words cannot reach here).
  std::string_view body = clean;
  if (body[0] == '+' || body[0] == '-') body.remove_prefix(1);
  bool hex = body.size() > 1 && body[0] == '0' && (body[1] | 0x20) == 'x';
  if (hex && body.find_first_of("pP") == std::string_view::npos) return false;
  if (!hex) {
    // Go rejects a leading 0b/0o prefix in floats.
    if (body.size() > 1 && body[0] == '0' && ((body[1] | 0x20) == 'b' || (body[1] | 0x20) == 'o'))
      return false;
  }
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(clean.c_str(), &end);
  if (end != clean.c_str() + clean.size()) return false;
  if (errno == ERANGE && std::isinf(v)) return false;
  out = v;
  return true;
}

class Parser {
 public:
  Parser(std::shared_ptr<Unit> unit, const HasFunction& hasFn)
      : u_(std::move(unit)), hasFn_(hasFn) {}

  void run(const std::string& name, std::vector<std::shared_ptr<const Tree>>& out) {
    bool breakOK = !hasFn_("break");
    bool continueOK = !hasFn_("continue");
    items_ = lexTemplate(u_->text, lexErr_, breakOK, continueOK);
    vars_ = {"$"};
    name_ = name;
    root_ = u_->make<ListNode>(peek().pos);
    while (peek().type != Tok::Eof) {
      if (peek().type == Tok::LeftDelim) {
        Item delim = next();
        if (nextNonSpace().type == Tok::Define) {
          parseDefinition();
          continue;
        }
        backup2(delim);
      }
      Node* n = textOrAction();
      if (n->type == NodeType::End || n->type == NodeType::Else) errorf("unexpected " + n->str());
      root_->nodes.push_back(n);
    }
    add(name, root_);
    for (auto& [n, t] : set_) out.push_back(t);
  }

 private:
  std::shared_ptr<Unit> u_;
  const HasFunction& hasFn_;
  std::vector<Item> items_;
  std::string lexErr_;
  size_t itemIdx_ = 0;
  Item token_[3];
  int peekCount_ = 0;
  std::vector<std::string> vars_;
  int actionLine_ = 0;
  int rangeDepth_ = 0;
  int nesting_ = 0;  // bounds recursion so hostile input cannot exhaust the stack

  struct Nest {
    Parser& p;
    explicit Nest(Parser& parser) : p(parser) {
      if (++p.nesting_ > kMaxNesting) p.errorf("template nesting too deep");
    }
    ~Nest() { --p.nesting_; }
  };
  static constexpr int kMaxNesting = 1000;
  std::string name_;
  ListNode* root_ = nullptr;
  std::vector<std::pair<std::string, std::shared_ptr<Tree>>> set_;

  Item lexNext() {
    if (itemIdx_ < items_.size()) return items_[itemIdx_++];
    return Item{Tok::Error, 0, {}, 0};
  }
  Item next() {
    if (peekCount_ > 0)
      peekCount_--;
    else
      token_[0] = lexNext();
    return token_[peekCount_];
  }
  void backup() { peekCount_++; }
  void backup2(Item t1) {
    token_[1] = t1;
    peekCount_ = 2;
  }
  void backup3(Item t2, Item t1) {
    token_[1] = t1;
    token_[2] = t2;
    peekCount_ = 3;
  }
  Item peek() {
    if (peekCount_ > 0) return token_[peekCount_ - 1];
    peekCount_ = 1;
    token_[0] = lexNext();
    return token_[0];
  }
  Item nextNonSpace() {
    Item t;
    do {
      t = next();
    } while (t.type == Tok::Space);
    return t;
  }
  Item peekNonSpace() {
    Item t = nextNonSpace();
    backup();
    return t;
  }

  [[noreturn]] void errorf(const std::string& msg) {
    throw ParseError("template: " + u_->parseName + ":" + std::to_string(token_[0].line) + ": " +
                     msg);
  }
  Item expect(Tok t, const char* context) {
    Item tok = nextNonSpace();
    if (tok.type != t) unexpected(tok, context);
    return tok;
  }
  Item expectOneOf(Tok a, Tok b, const char* context) {
    Item tok = nextNonSpace();
    if (tok.type != a && tok.type != b) unexpected(tok, context);
    return tok;
  }
  [[noreturn]] void unexpected(const Item& tok, const std::string& context) {
    if (tok.type == Tok::Error) {
      std::string extra;
      if (actionLine_ != 0 && actionLine_ != tok.line) {
        extra = " in action started at " + u_->parseName + ":" + std::to_string(actionLine_);
        if (tok.val.ends_with(" action")) extra = extra.substr(std::string(" in action").size());
      }
      errorf(itemString(tok) + extra);
    }
    errorf("unexpected " + itemString(tok) + " in " + context);
  }

  void add(const std::string& name, ListNode* root) {
    for (auto& [n, t] : set_) {
      if (n == name) {
        if (isEmptyTree(t->root)) {
          t->root = root;
          return;
        }
        if (!isEmptyTree(root))
          errorf("template: multiple definition of template \"" + name + "\"");
        return;
      }
    }
    auto t = std::make_shared<Tree>();
    t->name = name;
    t->root = root;
    t->unit = u_;
    set_.emplace_back(name, std::move(t));
  }

  void parseDefinition() {
    const char* context = "define clause";
    Item nameTok = expectOneOf(Tok::String, Tok::RawString, context);
    std::string name;
    if (!goUnquote(nameTok.val, name)) errorf("invalid syntax");
    expect(Tok::RightDelim, context);
    auto saved = vars_;
    vars_ = {"$"};
    Node* end;
    ListNode* list = itemList(end);
    if (end->type != NodeType::End) errorf("unexpected " + end->str() + " in " + context);
    add(name, list);
    vars_ = saved;
  }

  ListNode* itemList(Node*& end) {
    Nest nest(*this);
    ListNode* list = u_->make<ListNode>(peekNonSpace().pos);
    while (peekNonSpace().type != Tok::Eof) {
      Node* n = textOrAction();
      if (n->type == NodeType::End || n->type == NodeType::Else) {
        end = n;
        return list;
      }
      list->nodes.push_back(n);
    }
    errorf("unexpected EOF");
  }

  Node* textOrAction() {
    Item tok = nextNonSpace();
    switch (tok.type) {
      case Tok::Text: {
        auto* n = u_->make<TextNode>(tok.pos);
        n->text = tok.val;
        return n;
      }
      case Tok::LeftDelim: {
        actionLine_ = tok.line;
        Node* n;
        try {
          n = action();
        } catch (...) {
          actionLine_ = 0;
          throw;
        }
        actionLine_ = 0;
        return n;
      }
      default:
        unexpected(tok, "input");
    }
  }

  Node* action() {
    Item tok = nextNonSpace();
    switch (tok.type) {
      case Tok::Block:
        return blockControl();
      case Tok::Break:
        return breakControl(tok.pos, "{{break}}", true);
      case Tok::Continue:
        return breakControl(tok.pos, "{{continue}}", false);
      case Tok::Else:
        return elseControl();
      case Tok::End:
        return u_->make<EndNode>(expect(Tok::RightDelim, "end").pos);
      case Tok::If:
        return parseControl(true, "if", NodeType::If);
      case Tok::Range:
        return parseControl(false, "range", NodeType::Range);
      case Tok::Template:
        return templateControl();
      case Tok::With:
        return parseControl(false, "with", NodeType::With);
      default:
        break;
    }
    backup();
    Item t = peek();
    auto* a = u_->make<ActionNode>(t.pos);
    a->line = t.line;
    a->pipe = pipeline("command", Tok::RightDelim);
    return a;
  }

  Node* breakControl(int pos, const char* what, bool isBreak) {
    Item tok = nextNonSpace();
    if (tok.type != Tok::RightDelim) unexpected(tok, what);
    if (rangeDepth_ == 0) errorf(std::string(what) + " outside {{range}}");
    if (isBreak) return u_->make<BreakNode>(pos);
    return u_->make<ContinueNode>(pos);
  }

  Node* elseControl() {
    Item p = peekNonSpace();
    if (p.type == Tok::If) {
      auto* e = u_->make<ElseNode>(p.pos);
      e->line = p.line;
      return e;
    }
    Item tok = expect(Tok::RightDelim, "else");
    auto* e = u_->make<ElseNode>(tok.pos);
    e->line = tok.line;
    return e;
  }

  BranchNode* parseControl(bool allowElseIf, const char* context, NodeType type) {
    size_t mark = vars_.size();
    PipeNode* pipe = pipeline(context, Tok::RightDelim);
    std::string ctx = context;
    if (ctx == "range") rangeDepth_++;
    Node* next = nullptr;
    ListNode* list = itemList(next);
    if (ctx == "range") rangeDepth_--;
    ListNode* elseList = nullptr;
    if (next->type == NodeType::Else) {
      bool done = false;
      if (allowElseIf && peek().type == Tok::If) {
        this->next();
        elseList = u_->make<ListNode>(next->pos);
        elseList->nodes.push_back(parseControl(true, "if", NodeType::If));
        done = true;
      }
      if (!done) {
        Node* end = nullptr;
        elseList = itemList(end);
        if (end->type != NodeType::End) errorf("expected end; found " + end->str());
      }
    }
    vars_.resize(mark);
    auto* b = u_->make<BranchNode>(pipe->pos, type);
    b->line = pipe->line;
    b->pipe = pipe;
    b->list = list;
    b->elseList = elseList;
    return b;
  }

  std::string parseTemplateName(const Item& tok, const char* context) {
    if (tok.type != Tok::String && tok.type != Tok::RawString) unexpected(tok, context);
    std::string s;
    if (!goUnquote(tok.val, s)) errorf("invalid syntax");
    return s;
  }

  Node* blockControl() {
    const char* context = "block clause";
    Item tok = nextNonSpace();
    std::string name = parseTemplateName(tok, context);
    PipeNode* pipe = pipeline(context, Tok::RightDelim);
    auto saved = vars_;
    int savedDepth = rangeDepth_;
    vars_ = {"$"};
    rangeDepth_ = 0;
    Node* end = nullptr;
    ListNode* list = itemList(end);
    if (end->type != NodeType::End) errorf("unexpected " + end->str() + " in " + context);
    add(name, list);
    vars_ = saved;
    rangeDepth_ = savedDepth;
    auto* t = u_->make<TemplateNode>(tok.pos);
    t->line = tok.line;
    t->name = name;
    t->pipe = pipe;
    return t;
  }

  Node* templateControl() {
    const char* context = "template clause";
    Item tok = nextNonSpace();
    std::string name = parseTemplateName(tok, context);
    PipeNode* pipe = nullptr;
    if (nextNonSpace().type != Tok::RightDelim) {
      backup();
      pipe = pipeline(context, Tok::RightDelim);
    }
    auto* t = u_->make<TemplateNode>(tok.pos);
    t->line = tok.line;
    t->name = name;
    t->pipe = pipe;
    return t;
  }

  VariableNode* newVariable(int pos, std::string_view name) {
    auto* v = u_->make<VariableNode>(pos);
    size_t start = 0;
    for (;;) {
      size_t dot = name.find('.', start);
      v->ident.emplace_back(name.substr(start, dot == std::string_view::npos ? dot : dot - start));
      if (dot == std::string_view::npos) break;
      start = dot + 1;
    }
    return v;
  }

  PipeNode* pipeline(const std::string& context, Tok end) {
    Nest nest(*this);
    Item tok = peekNonSpace();
    auto* pipe = u_->make<PipeNode>(tok.pos);
    pipe->line = tok.line;
  decls:
    if (Item v = peekNonSpace(); v.type == Tok::Variable) {
      next();
      Item after = peek();
      Item nxt = peekNonSpace();
      if (nxt.type == Tok::Assign || nxt.type == Tok::Declare) {
        pipe->isAssign = nxt.type == Tok::Assign;
        nextNonSpace();
        pipe->decl.push_back(newVariable(v.pos, v.val));
        vars_.emplace_back(v.val);
      } else if (nxt.type == Tok::Char && nxt.val == ",") {
        nextNonSpace();
        pipe->decl.push_back(newVariable(v.pos, v.val));
        vars_.emplace_back(v.val);
        if (context == "range" && pipe->decl.size() < 2) {
          Tok t = peekNonSpace().type;
          if (t == Tok::Variable || t == Tok::RightDelim || t == Tok::RightParen) goto decls;
          errorf("range can only initialize variables");
        }
        errorf("too many declarations in " + context);
      } else if (after.type == Tok::Space) {
        backup3(v, after);
      } else {
        backup2(v);
      }
    }
    for (;;) {
      Item t = nextNonSpace();
      if (t.type == end) {
        checkPipeline(pipe, context);
        return pipe;
      }
      switch (t.type) {
        case Tok::Bool:
        case Tok::CharConstant:
        case Tok::Complex:
        case Tok::Dot:
        case Tok::Field:
        case Tok::Identifier:
        case Tok::Number:
        case Tok::Nil:
        case Tok::RawString:
        case Tok::String:
        case Tok::Variable:
        case Tok::LeftParen:
          backup();
          pipe->cmds.push_back(command());
          break;
        default:
          unexpected(t, context);
      }
    }
  }

  void checkPipeline(PipeNode* pipe, const std::string& context) {
    if (pipe->cmds.empty()) errorf("missing value for " + context);
    for (size_t i = 1; i < pipe->cmds.size(); ++i) {
      switch (pipe->cmds[i]->args[0]->type) {
        case NodeType::Bool:
        case NodeType::Dot:
        case NodeType::Nil:
        case NodeType::Number:
        case NodeType::String:
          errorf("non executable command in pipeline stage " + std::to_string(i + 1));
        default:
          break;
      }
    }
  }

  CommandNode* command() {
    auto* cmd = u_->make<CommandNode>(peekNonSpace().pos);
    for (;;) {
      peekNonSpace();
      Node* op = operand();
      if (op) cmd->args.push_back(op);
      Item t = next();
      if (t.type == Tok::Space) continue;
      if (t.type == Tok::RightDelim || t.type == Tok::RightParen) {
        backup();
      } else if (t.type != Tok::Pipe) {
        unexpected(t, "operand");
      }
      break;
    }
    if (cmd->args.empty()) errorf("empty command");
    return cmd;
  }

  Node* operand() {
    Node* node = term();
    if (!node) return nullptr;
    if (peek().type == Tok::Field) {
      auto* chain = u_->make<ChainNode>(peek().pos);
      chain->node = node;
      while (peek().type == Tok::Field) chain->field.emplace_back(next().val.substr(1));
      switch (node->type) {
        case NodeType::Field: {
          auto* f = u_->make<FieldNode>(chain->pos);
          std::string s = chain->str();
          std::string_view sv = s;
          sv.remove_prefix(1);
          size_t start = 0;
          for (;;) {
            size_t dot = sv.find('.', start);
            f->ident.emplace_back(
                sv.substr(start, dot == std::string_view::npos ? dot : dot - start));
            if (dot == std::string_view::npos) break;
            start = dot + 1;
          }
          return f;
        }
        case NodeType::Variable: {
          std::string s = chain->str();
          auto* v = newVariable(chain->pos, s);
          return v;
        }
        case NodeType::Bool:
        case NodeType::String:
        case NodeType::Number:
        case NodeType::Nil:
        case NodeType::Dot: {
          std::string q;
          goQuote(q, node->str());
          errorf("unexpected . after term " + q);
        }
        default:
          return chain;
      }
    }
    return node;
  }

  Node* term() {
    Item t = nextNonSpace();
    switch (t.type) {
      case Tok::Identifier: {
        if (!hasFn_(t.val)) {
          std::string q;
          goQuote(q, t.val);
          errorf("function " + q + " not defined");
        }
        auto* n = u_->make<IdentifierNode>(t.pos);
        n->ident = std::string(t.val);
        n->builtin = builtinId(t.val);
        return n;
      }
      case Tok::Dot:
        return u_->make<DotNode>(t.pos);
      case Tok::Nil:
        return u_->make<NilNode>(t.pos);
      case Tok::Variable:
        return useVar(t.pos, t.val);
      case Tok::Field: {
        auto* f = u_->make<FieldNode>(t.pos);
        std::string_view sv = t.val.substr(1);
        size_t start = 0;
        for (;;) {
          size_t dot = sv.find('.', start);
          f->ident.emplace_back(
              sv.substr(start, dot == std::string_view::npos ? dot : dot - start));
          if (dot == std::string_view::npos) break;
          start = dot + 1;
        }
        return f;
      }
      case Tok::Bool: {
        auto* b = u_->make<BoolNode>(t.pos);
        b->value = t.val == "true";
        return b;
      }
      case Tok::CharConstant:
      case Tok::Complex:
      case Tok::Number:
        return newNumber(t);
      case Tok::LeftParen:
        return pipeline("parenthesized pipeline", Tok::RightParen);
      case Tok::String:
      case Tok::RawString: {
        auto* s = u_->make<StringNode>(t.pos);
        s->quoted = t.val;
        if (!goUnquote(t.val, s->text)) errorf("invalid syntax");
        return s;
      }
      default:
        backup();
        return nullptr;
    }
  }

  Node* useVar(int pos, std::string_view name) {
    VariableNode* v = newVariable(pos, name);
    for (const auto& n : vars_)
      if (n == v->ident[0]) return v;
    std::string q;
    goQuote(q, v->ident[0]);
    errorf("undefined variable " + q);
  }

  Node* newNumber(const Item& t) {
    auto* n = u_->make<NumberNode>(t.pos);
    n->text = t.val;
    std::string_view text = t.val;
    if (t.type == Tok::CharConstant) {
      std::string_view rest = text.substr(1);
      char32_t r;
      bool mb;
      if (!unquoteChar(rest, '\'', r, mb)) errorf("invalid syntax");
      if (rest != "'") errorf("malformed character constant: " + std::string(text));
      n->i = r;
      n->isInt = true;
      n->u = r;
      n->isUint = true;
      n->f = r;
      n->isFloat = true;
      return n;
    }
    if (t.type == Tok::Complex || (!text.empty() && text.back() == 'i'))
      errorf("complex number " + std::string(text) + " is not supported");
    uint64_t u = 0;
    if (parseUint0(text, u)) {
      n->isUint = true;
      n->u = u;
    }
    int64_t i;
    if (parseInt0(text, i)) {
      n->isInt = true;
      n->i = i;
      if (i == 0) {
        n->isUint = true;
        n->u = u;
      }
    }
    if (n->isInt) {
      n->isFloat = true;
      n->f = static_cast<double>(n->i);
    } else if (n->isUint) {
      n->isFloat = true;
      n->f = static_cast<double>(n->u);
    } else {
      double f;
      if (parseFloat(text, f)) {
        if (text.find_first_of(".eEpP") == std::string_view::npos) {
          std::string q;
          goQuote(q, text);
          errorf("integer overflow: " + q);
        }
        n->isFloat = true;
        n->f = f;
        if (f >= -9.2233720368547758e18 && f < 9.2233720368547758e18 &&
            static_cast<double>(static_cast<int64_t>(f)) == f) {
          n->isInt = true;
          n->i = static_cast<int64_t>(f);
        }
        if (f >= 0 && f < 1.8446744073709552e19 &&
            static_cast<double>(static_cast<uint64_t>(f)) == f) {
          n->isUint = true;
          n->u = static_cast<uint64_t>(f);
        }
      }
    }
    if (!n->isInt && !n->isUint && !n->isFloat) {
      std::string q;
      goQuote(q, text);
      errorf("illegal number syntax: " + q);
    }
    return n;
  }
};

}  // namespace

bool parseTemplateText(const std::string& name, std::string text, const HasFunction& hasFunction,
                       std::vector<std::shared_ptr<const Tree>>& trees, std::string& err) {
  auto unit = std::make_shared<Unit>();
  unit->text = std::move(text);
  unit->parseName = name;
  Parser p(unit, hasFunction);
  try {
    std::vector<std::shared_ptr<const Tree>> out;
    p.run(name, out);
    trees = std::move(out);
    return true;
  } catch (const ParseError& e) {
    err = e.what();
    return false;
  }
}

void TemplateNode::writeTo(std::string& out) const {
  out += "{{template ";
  goQuote(out, name);
  if (pipe) {
    out += ' ';
    pipe->writeTo(out);
  }
  out += "}}";
}

}  // namespace nm::tmpl
