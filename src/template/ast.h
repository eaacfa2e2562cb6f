// The parsed program: Go text/template's node kinds, owned by one Unit per Parse call and shared
// read-only across threads. String() reproduces Go's node printing for error messages.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace nm::tmpl {

enum class NodeType : uint8_t {
  Text,
  Action,
  Bool,
  Chain,
  Command,
  Dot,
  Else,
  End,
  Field,
  Identifier,
  If,
  List,
  Nil,
  Number,
  Pipe,
  Range,
  String,
  Template,
  Variable,
  With,
  Comment,
  Break,
  Continue
};

struct Unit;

struct Node {
  NodeType type;
  int pos = 0;
  const Unit* unit = nullptr;
  explicit Node(NodeType t) : type(t) {}
  virtual ~Node() = default;
  virtual void writeTo(std::string& out) const = 0;
  std::string str() const {
    std::string s;
    writeTo(s);
    return s;
  }
};

struct ListNode : Node {
  std::vector<Node*> nodes;
  ListNode() : Node(NodeType::List) {}
  void writeTo(std::string& out) const override {
    for (auto* n : nodes) n->writeTo(out);
  }
};

struct TextNode : Node {
  std::string_view text;
  TextNode() : Node(NodeType::Text) {}
  void writeTo(std::string& out) const override { out += text; }
};

struct CommentNode : Node {
  std::string_view text;
  CommentNode() : Node(NodeType::Comment) {}
  void writeTo(std::string& out) const override {
    out += "{{";
    out += text;
    out += "}}";
  }
};

struct VariableNode : Node {
  std::vector<std::string> ident;
  VariableNode() : Node(NodeType::Variable) {}
  void writeTo(std::string& out) const override {
    for (size_t i = 0; i < ident.size(); ++i) {
      if (i) out += '.';
      out += ident[i];
    }
  }
};

struct CommandNode : Node {
  std::vector<Node*> args;
  CommandNode() : Node(NodeType::Command) {}
  void writeTo(std::string& out) const override;
};

struct PipeNode : Node {
  int line = 0;
  bool isAssign = false;
  std::vector<VariableNode*> decl;
  std::vector<CommandNode*> cmds;
  PipeNode() : Node(NodeType::Pipe) {}
  void writeTo(std::string& out) const override {
    if (!decl.empty()) {
      for (size_t i = 0; i < decl.size(); ++i) {
        if (i) out += ", ";
        decl[i]->writeTo(out);
      }
      out += " := ";
    }
    for (size_t i = 0; i < cmds.size(); ++i) {
      if (i) out += " | ";
      cmds[i]->writeTo(out);
    }
  }
};

inline void CommandNode::writeTo(std::string& out) const {
  for (size_t i = 0; i < args.size(); ++i) {
    if (i) out += ' ';
    if (args[i]->type == NodeType::Pipe) {
      out += '(';
      args[i]->writeTo(out);
      out += ')';
      continue;
    }
    args[i]->writeTo(out);
  }
}

struct ActionNode : Node {
  int line = 0;
  PipeNode* pipe = nullptr;
  ActionNode() : Node(NodeType::Action) {}
  void writeTo(std::string& out) const override {
    out += "{{";
    pipe->writeTo(out);
    out += "}}";
  }
};

// Builtin functions, resolved at parse time (a FuncMap entry of the same name still wins).
enum class Builtin : uint8_t {
  None,
  And,
  Call,
  Html,
  Index,
  Slice,
  Js,
  Len,
  Not,
  Or,
  Print,
  Printf,
  Println,
  Urlquery,
  Eq,
  Ge,
  Gt,
  Le,
  Lt,
  Ne
};

struct IdentifierNode : Node {
  std::string ident;
  Builtin builtin = Builtin::None;
  IdentifierNode() : Node(NodeType::Identifier) {}
  void writeTo(std::string& out) const override { out += ident; }
};

struct DotNode : Node {
  DotNode() : Node(NodeType::Dot) {}
  void writeTo(std::string& out) const override { out += '.'; }
};

struct NilNode : Node {
  NilNode() : Node(NodeType::Nil) {}
  void writeTo(std::string& out) const override { out += "nil"; }
};

struct FieldNode : Node {
  std::vector<std::string> ident;
  FieldNode() : Node(NodeType::Field) {}
  void writeTo(std::string& out) const override {
    for (const auto& id : ident) {
      out += '.';
      out += id;
    }
  }
};

struct ChainNode : Node {
  Node* node = nullptr;
  std::vector<std::string> field;
  ChainNode() : Node(NodeType::Chain) {}
  void writeTo(std::string& out) const override {
    if (node->type == NodeType::Pipe) {
      out += '(';
      node->writeTo(out);
      out += ')';
    } else {
      node->writeTo(out);
    }
    for (const auto& f : field) {
      out += '.';
      out += f;
    }
  }
};

struct BoolNode : Node {
  bool value = false;
  BoolNode() : Node(NodeType::Bool) {}
  void writeTo(std::string& out) const override { out += value ? "true" : "false"; }
};

struct NumberNode : Node {
  bool isInt = false, isUint = false, isFloat = false;
  int64_t i = 0;
  uint64_t u = 0;
  double f = 0;
  std::string_view text;
  NumberNode() : Node(NodeType::Number) {}
  void writeTo(std::string& out) const override { out += text; }
};

struct StringNode : Node {
  std::string_view quoted;
  std::string text;
  StringNode() : Node(NodeType::String) {}
  void writeTo(std::string& out) const override { out += quoted; }
};

struct EndNode : Node {
  EndNode() : Node(NodeType::End) {}
  void writeTo(std::string& out) const override { out += "{{end}}"; }
};

struct ElseNode : Node {
  int line = 0;
  ElseNode() : Node(NodeType::Else) {}
  void writeTo(std::string& out) const override { out += "{{else}}"; }
};

struct BreakNode : Node {
  BreakNode() : Node(NodeType::Break) {}
  void writeTo(std::string& out) const override { out += "{{break}}"; }
};

struct ContinueNode : Node {
  ContinueNode() : Node(NodeType::Continue) {}
  void writeTo(std::string& out) const override { out += "{{continue}}"; }
};

// If, Range and With.
struct BranchNode : Node {
  int line = 0;
  PipeNode* pipe = nullptr;
  ListNode* list = nullptr;
  ListNode* elseList = nullptr;
  explicit BranchNode(NodeType t) : Node(t) {}
  void writeTo(std::string& out) const override {
    const char* name = type == NodeType::If ? "if" : type == NodeType::Range ? "range" : "with";
    out += "{{";
    out += name;
    out += ' ';
    pipe->writeTo(out);
    out += "}}";
    list->writeTo(out);
    if (elseList) {
      out += "{{else}}";
      elseList->writeTo(out);
    }
    out += "{{end}}";
  }
};

struct TemplateNode : Node {
  int line = 0;
  std::string name;
  PipeNode* pipe = nullptr;
  TemplateNode() : Node(NodeType::Template) {}
  void writeTo(std::string& out) const override;
};

// Everything one Parse call produced: its source text (node text points into it), the name used
// in messages, and the nodes.
struct Unit {
  std::string text;
  std::string parseName;
  std::deque<std::unique_ptr<Node>> nodes;
  // For a Unit holding copies made by HTML escaping: rewritten texts and the Units whose text
  // the copied nodes still point into.
  std::deque<std::string> texts;
  std::vector<std::shared_ptr<const Unit>> deps;
  template <class T, class... A>
  T* make(int pos, A&&... a) {
    auto n = std::make_unique<T>(std::forward<A>(a)...);
    n->pos = pos;
    n->unit = this;
    T* raw = n.get();
    nodes.push_back(std::move(n));
    return raw;
  }
};

// One named template: its root list and the Unit keeping its nodes alive.
struct Tree {
  std::string name;
  ListNode* root = nullptr;
  std::shared_ptr<const Unit> unit;
};

// Go's parse.IsEmptyTree.
bool isEmptyTree(const Node* n);

}  // namespace nm::tmpl
