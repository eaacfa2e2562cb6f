// Go's exec.go over our AST and Values: evaluation of pipelines, commands, fields, methods,
// functions and builtins, control flow, and execution errors with Go's location and context.
#include "template/exec.h"

#include <stdexcept>
#include <vector>

#include "template/ast.h"
#include "template/builtins.h"
#include "template/gofmt.h"

namespace nm::tmpl {

namespace {

struct ExecError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class Flow { Normal, Break, Continue };

const char* paramName(Param p) {
  switch (p) {
    case Param::Any:
      return "interface {}";
    case Param::String:
      return "string";
    case Param::Int:
      return "int";
    case Param::Float:
      return "float64";
    case Param::Bool:
      return "bool";
    case Param::StringList:
      return "[]string";
    case Param::Value:
      return "reflect.Value";
  }
  return "?";
}

// Signatures of the builtins as Go declares them.
struct BuiltinSig {
  std::vector<Param> params;
  bool variadic;
};

const BuiltinSig& builtinSig(Builtin b) {
  static const BuiltinSig valueVar{{Param::Value, Param::Value}, true};
  static const BuiltinSig value1{{Param::Value}, false};
  static const BuiltinSig value2{{Param::Value, Param::Value}, false};
  static const BuiltinSig anyVar{{Param::Any}, true};
  static const BuiltinSig printfSig{{Param::String, Param::Any}, true};
  switch (b) {
    case Builtin::Len:
    case Builtin::Not:
      return value1;
    case Builtin::Ne:
    case Builtin::Lt:
    case Builtin::Le:
    case Builtin::Gt:
    case Builtin::Ge:
      return value2;
    case Builtin::Html:
    case Builtin::Js:
    case Builtin::Urlquery:
    case Builtin::Print:
    case Builtin::Println:
      return anyVar;
    case Builtin::Printf:
      return printfSig;
    default:
      return valueVar;  // and or call index slice eq
  }
}

struct Var {
  std::string_view name;
  Value value;
};

class State {
 public:
  State(const TemplateSet& set, std::string& out, Arena& arena)
      : set_(set), out_(out), arena_(arena), ctx_(arena), opts_(set.options()) {}

  void run(const std::string& name, const Tree* tree, const Value& data) {
    name_ = name;
    vars_.push_back({"$", data});
    if (!tree || !tree->root) {
      std::string q;
      goQuote(q, name);
      errorf(q + " is an incomplete or empty template");
    }
    walk(data, tree->root);
  }

 private:
  const TemplateSet& set_;
  std::string& out_;
  Arena& arena_;
  Context ctx_;
  const Options& opts_;
  std::string name_;
  const Node* node_ = nullptr;
  std::vector<Var> vars_;
  int depth_ = 0;
  size_t steps_ = 0;

  void at(const Node* n) { node_ = n; }

  [[noreturn]] void errorf(const std::string& msg) {
    std::string e = "template: ";
    if (!node_) {
      e += name_ + ": " + msg;
    } else {
      std::string_view text = node_->unit->text;
      size_t pos = static_cast<size_t>(node_->pos);
      std::string_view before = text.substr(0, pos);
      size_t nl = before.rfind('\n');
      size_t col = nl == std::string_view::npos ? pos : pos - (nl + 1);
      int line = 1;
      for (char c : before) line += c == '\n';
      e += node_->unit->parseName + ":" + std::to_string(line) + ":" + std::to_string(col);
      e += ": executing ";
      goQuote(e, name_);
      e += " at <";
      node_->writeTo(e);
      e += ">: " + msg;
    }
    throw ExecError(e);
  }

  void step() {
    if (opts_.maxSteps && ++steps_ > opts_.maxSteps) errorf("exceeded maximum steps");
    if (opts_.maxOutput && out_.size() > opts_.maxOutput) errorf("exceeded maximum output size");
  }

  // ---- variables ----
  void setVar(std::string_view name, const Value& v) {
    for (size_t i = vars_.size(); i-- > 0;) {
      if (vars_[i].name == name) {
        vars_[i].value = v;
        return;
      }
    }
    errorf("undefined variable: " + std::string(name));
  }
  Value varValue(std::string_view name) {
    for (size_t i = vars_.size(); i-- > 0;)
      if (vars_[i].name == name) return vars_[i].value;
    errorf("undefined variable: " + std::string(name));
  }

  // ---- walking ----
  Flow walk(const Value& dot, const Node* node) {
    step();
    at(node);
    switch (node->type) {
      case NodeType::Action: {
        auto* a = static_cast<const ActionNode*>(node);
        Value v = evalPipeline(dot, a->pipe);
        if (a->pipe->decl.empty()) printValue(node, v);
        return Flow::Normal;
      }
      case NodeType::Break:
        return Flow::Break;
      case NodeType::Continue:
        return Flow::Continue;
      case NodeType::Comment:
        return Flow::Normal;
      case NodeType::If:
      case NodeType::With:
        return walkIfOrWith(dot, static_cast<const BranchNode*>(node));
      case NodeType::List:
        for (const Node* n : static_cast<const ListNode*>(node)->nodes) {
          Flow f = walk(dot, n);
          if (f != Flow::Normal) return f;
        }
        return Flow::Normal;
      case NodeType::Range:
        walkRange(dot, static_cast<const BranchNode*>(node));
        return Flow::Normal;
      case NodeType::Template:
        walkTemplate(dot, static_cast<const TemplateNode*>(node));
        return Flow::Normal;
      case NodeType::Text:
        out_ += static_cast<const TextNode*>(node)->text;
        return Flow::Normal;
      default:
        errorf("unknown node: " + node->str());
    }
  }

  Flow walkIfOrWith(const Value& dot, const BranchNode* b) {
    size_t mark = vars_.size();
    Value val = evalPipeline(dot, b->pipe);
    bool ok;
    bool truth = isTrue(concrete(val), ok);
    if (!ok) {
      std::string s;
      goPrintValue(s, val);
      errorf("if/with can't use " + s);
    }
    Flow f = Flow::Normal;
    if (truth) {
      f = walk(b->type == NodeType::With ? val : dot, b->list);
    } else if (b->elseList) {
      f = walk(dot, b->elseList);
    }
    vars_.resize(mark);
    return f;
  }

  void walkRange(const Value& dot, const BranchNode* r) {
    at(r);
    size_t outerMark = vars_.size();
    Value val = evalPipeline(dot, r->pipe);
    if (val.kind() == Kind::Nil) val = Value();
    size_t mark = vars_.size();
    size_t ndecl = r->pipe->decl.size();
    auto one = [&](const Value& index, const Value& elem) -> bool {
      step();
      if (ndecl > 0) vars_[vars_.size() - 1].value = elem;
      if (ndecl > 1) vars_[vars_.size() - 2].value = index;
      Flow f = walk(elem, r->list);
      vars_.resize(mark);
      return f != Flow::Break;
    };
    bool ran = false;
    switch (val.kind()) {
      case Kind::List: {
        const ListData& l = val.l();
        bool any = l.type->elem == Kind::Invalid;
        for (size_t i = 0; i < l.items.size(); ++i) {
          ran = true;
          Value e = any ? l.items[i].asIface() : l.items[i];
          if (!one(Value::integer(static_cast<int64_t>(i)), e)) break;
        }
        break;
      }
      case Kind::Map: {
        const MapData& m = val.m();
        bool any = m.type->elem == Kind::Invalid;
        for (const auto& [k, v] : m.entries) {
          ran = true;
          if (!one(Value::str(k), any ? v.asIface() : v)) break;
        }
        break;
      }
      case Kind::Invalid:
        break;
      default: {
        std::string s;
        goPrintValue(s, val);
        errorf("range can't iterate over " + s);
      }
    }
    if (!ran && r->elseList) walk(dot, r->elseList);
    vars_.resize(outerMark);
  }

  void walkTemplate(const Value& dot, const TemplateNode* t) {
    at(t);
    const Tree* tree = set_.lookup(t->name);
    if (!tree) {
      std::string q;
      goQuote(q, t->name);
      errorf("template " + q + " not defined");
    }
    if (!tree->root) {
      std::string q;
      goQuote(q, t->name);
      errorf(q + " is an incomplete or empty template");
    }
    if (depth_ >= opts_.maxDepth)
      errorf("exceeded maximum template depth (" + std::to_string(opts_.maxDepth) + ")");
    Value newDot = evalPipeline(dot, t->pipe);
    std::vector<Var> saved;
    saved.swap(vars_);
    std::string savedName = name_;
    vars_.push_back({"$", newDot});
    name_ = tree->name;
    depth_++;
    walk(newDot, tree->root);
    depth_--;
    name_ = std::move(savedName);
    vars_.swap(saved);
  }

  void printValue(const Node* n, const Value& v) {
    at(n);
    if (!v.valid()) {
      out_ += "<no value>";
      return;
    }
    if (v.kind() == Kind::Func) errorf("can't print " + n->str() + " of type " + typeName(v));
    goPrintValue(out_, v);
  }

  // ---- evaluation ----
  Value evalPipeline(const Value& dot, const PipeNode* pipe) {
    if (!pipe) return Value();
    at(pipe);
    Value value;
    const Value* final = nullptr;
    for (const CommandNode* cmd : pipe->cmds) {
      value = evalCommand(dot, cmd, final);
      value = concrete(value);  // interface values are unwrapped between commands
      final = &value;
    }
    for (const VariableNode* v : pipe->decl) {
      if (pipe->isAssign)
        setVar(v->ident[0], value);
      else
        vars_.push_back({v->ident[0], value});
    }
    return value;
  }

  void notAFunction(const std::vector<Node*>& args, const Value* final) {
    if (args.size() > 1 || final) errorf("can't give argument to non-function " + args[0]->str());
  }

  Value evalCommand(const Value& dot, const CommandNode* cmd, const Value* final) {
    const Node* first = cmd->args[0];
    switch (first->type) {
      case NodeType::Field:
        return evalFieldNode(dot, static_cast<const FieldNode*>(first), &cmd->args, final);
      case NodeType::Chain:
        return evalChainNode(dot, static_cast<const ChainNode*>(first), &cmd->args, final);
      case NodeType::Identifier:
        return evalFunction(dot, static_cast<const IdentifierNode*>(first), cmd, &cmd->args, final);
      case NodeType::Pipe:
        notAFunction(cmd->args, final);
        return evalPipeline(dot, static_cast<const PipeNode*>(first));
      case NodeType::Variable:
        return evalVariableNode(dot, static_cast<const VariableNode*>(first), &cmd->args, final);
      default:
        break;
    }
    at(first);
    notAFunction(cmd->args, final);
    switch (first->type) {
      case NodeType::Bool:
        return Value::boolean(static_cast<const BoolNode*>(first)->value);
      case NodeType::Dot:
        return dot;
      case NodeType::Nil:
        errorf("nil is not a command");
      case NodeType::Number:
        return idealConstant(static_cast<const NumberNode*>(first));
      case NodeType::String:
        return Value::str(static_cast<const StringNode*>(first)->text);
      default:
        break;
    }
    std::string q;
    goQuote(q, first->str());
    errorf("can't evaluate command " + q);
  }

  Value idealConstant(const NumberNode* n) {
    at(n);
    bool isHex = n->text.size() > 2 && n->text[0] == '0' && (n->text[1] | 0x20) == 'x' &&
                 n->text.find_first_of("pP") == std::string_view::npos;
    bool isRune = !n->text.empty() && n->text[0] == '\'';
    if (n->isFloat && !isHex && !isRune && n->text.find_first_of(".eEpP") != std::string_view::npos)
      return Value::floating(n->f);
    if (n->isInt) return Value::integer(n->i);
    if (n->isUint) errorf(std::string(n->text) + " overflows int");
    return Value();
  }

  Value evalFieldNode(const Value& dot, const FieldNode* f, const std::vector<Node*>* args,
                      const Value* final) {
    at(f);
    return evalFieldChain(dot, dot, f, f->ident.data(), f->ident.size(), args, final);
  }

  Value evalChainNode(const Value& dot, const ChainNode* c, const std::vector<Node*>* args,
                      const Value* final) {
    at(c);
    if (c->field.empty()) errorf("internal error: no fields in evalChainNode");
    if (c->node->type == NodeType::Nil) errorf("indirection through explicit nil in " + c->str());
    Value pipe = evalArgUntyped(dot, c->node);
    return evalFieldChain(dot, pipe, c, c->field.data(), c->field.size(), args, final);
  }

  Value evalVariableNode(const Value& dot, const VariableNode* v, const std::vector<Node*>* args,
                         const Value* final) {
    at(v);
    Value value = varValue(v->ident[0]);
    if (v->ident.size() == 1) {
      if (args) notAFunction(*args, final);
      return value;
    }
    return evalFieldChain(dot, value, v, v->ident.data() + 1, v->ident.size() - 1, args, final);
  }

  Value evalFieldChain(const Value& dot, Value receiver, const Node* node, const std::string* ident,
                       size_t n, const std::vector<Node*>* args, const Value* final) {
    for (size_t i = 0; i + 1 < n; ++i)
      receiver = evalField(dot, ident[i], node, nullptr, nullptr, receiver);
    return evalField(dot, ident[n - 1], node, args, final, receiver);
  }

  Value evalField(const Value& dot, const std::string& fieldName, const Node* node,
                  const std::vector<Node*>* args, const Value* final, const Value& receiver) {
    if (!receiver.valid()) {
      if (opts_.missingKey == MissingKey::Error) {
        std::string q;
        goQuote(q, fieldName);
        errorf("nil data; no entry for key " + q);
      }
      return Value();
    }
    if (receiver.kind() == Kind::Nil) {
      errorf("nil pointer evaluating " + typeName(receiver) + "." + fieldName);
    }
    const TypeInfo* type = nullptr;
    if (receiver.kind() == Kind::List) type = receiver.l().type;
    if (receiver.kind() == Kind::Map) type = receiver.m().type;
    if (receiver.kind() == Kind::Object) type = &receiver.o().type();
    if (type) {
      if (const Function* m = type->method(fieldName))
        return evalCall(dot, *m, nullptr, Builtin::None, node, fieldName, args, final,
                        receiver.asIface(false));
    }
    bool hasArgs = (args && args->size() > 1) || final;
    if (receiver.kind() == Kind::Object) {
      Value out;
      if (receiver.o().field(fieldName, out, ctx_)) {
        if (hasArgs) errorf(fieldName + " has arguments but cannot be invoked as function");
        return out;
      }
    } else if (receiver.kind() == Kind::Map) {
      if (hasArgs) errorf(fieldName + " is not a method but has arguments");
      const MapData& m = receiver.m();
      if (const Value* v = m.find(fieldName))
        return m.type->elem == Kind::Invalid ? v->asIface() : *v;
      switch (opts_.missingKey) {
        case MissingKey::Default:
          return Value();
        case MissingKey::Zero:
          return zeroOfElem(*m.type);
        case MissingKey::Error: {
          std::string q;
          goQuote(q, fieldName);
          errorf("map has no entry for key " + q);
        }
      }
    }
    errorf("can't evaluate field " + fieldName + " in type " + typeName(receiver));
  }

  Value evalFunction(const Value& dot, const IdentifierNode* id, const Node* cmd,
                     const std::vector<Node*>* args, const Value* final) {
    at(id);
    if (const Function* f = set_.findFunc(id->ident))
      return evalCall(dot, *f, nullptr, Builtin::None, cmd, id->ident, args, final, Value());
    if (id->builtin == Builtin::None) {
      std::string q;
      goQuote(q, id->ident);
      errorf(q + " is not a defined function");
    }
    const BuiltinSig& sig = builtinSig(id->builtin);
    Function f;
    f.params = sig.params;
    f.variadic = sig.variadic;
    return evalCall(dot, f, &f, id->builtin, cmd, id->ident, args, final, Value());
  }

  // fn: the function; builtin != None selects the builtin implementation.
  Value evalCall(const Value& dot, const Function& fn, const Function*, Builtin builtin,
                 const Node* node, const std::string& name, const std::vector<Node*>* args0,
                 const Value* final, const Value& self) {
    std::span<Node* const> args;
    if (args0) args = std::span<Node* const>(*args0).subspan(1);
    size_t numIn = args.size() + (final ? 1 : 0);
    size_t np = fn.params.size();
    size_t numFixed = args.size();
    if (fn.variadic) {
      numFixed = np - 1;
      if (numIn < numFixed)
        errorf("wrong number of args for " + name + ": want at least " + std::to_string(np - 1) +
               " got " + std::to_string(args.size()));
    } else if (numIn != np) {
      errorf("wrong number of args for " + name + ": want " + std::to_string(np) + " got " +
             std::to_string(numIn));
    }
    if (builtin == Builtin::And || builtin == Builtin::Or) {
      Value v;
      for (Node* a : args) {
        v = evalArg(dot, Param::Value, a);
        bool ok;
        if (isTrue(concrete(v), ok) == (builtin == Builtin::Or)) return v;
      }
      if (final) v = validateType(*final, Param::Value);
      return v;
    }
    std::vector<Value> argv(numIn);
    size_t i = 0;
    for (; i < numFixed && i < args.size(); ++i) argv[i] = evalArg(dot, fn.params[i], args[i]);
    if (fn.variadic)
      for (; i < args.size(); ++i) argv[i] = evalArg(dot, fn.params.back(), args[i]);
    if (final) {
      Param t = fn.params.empty() ? Param::Any : fn.params.back();
      if (fn.variadic && numIn - 1 < numFixed) t = fn.params[numIn - 1];
      argv[i] = validateType(*final, t);
    }
    CallResult r;
    if (builtin != Builtin::None)
      r = callBuiltin(builtin, argv);
    else
      r = fn.fn ? fn.fn(ctx_, self, argv) : CallResult::fail("nil function");
    if (!r.error.empty()) {
      at(node);
      errorf("error calling " + name + ": " + r.error);
    }
    return r.value;
  }

  CallResult callBuiltin(Builtin b, std::span<const Value> a) {
    std::string err;
    switch (b) {
      case Builtin::Not: {
        bool ok;
        return CallResult::ok(Value::boolean(!isTrue(concrete(a[0]), ok)));
      }
      case Builtin::Len: {
        int64_t n;
        if (!builtinLen(a[0], n, err)) return CallResult::fail(err);
        return CallResult::ok(Value::integer(n));
      }
      case Builtin::Index: {
        Value out;
        if (!builtinIndex(arena_, a[0], a.subspan(1), out, err)) return CallResult::fail(err);
        return CallResult::ok(out);
      }
      case Builtin::Slice: {
        Value out;
        if (!builtinSlice(arena_, a[0], a.subspan(1), out, err)) return CallResult::fail(err);
        return CallResult::ok(out);
      }
      case Builtin::Eq:
      case Builtin::Ne: {
        bool r;
        if (!builtinEq(a[0], a.subspan(1), r, err)) return CallResult::fail(err);
        return CallResult::ok(Value::boolean(b == Builtin::Eq ? r : !r));
      }
      case Builtin::Lt:
      case Builtin::Ge: {
        bool r;
        if (!builtinLt(a[0], a[1], r, err)) return CallResult::fail(err);
        return CallResult::ok(Value::boolean(b == Builtin::Lt ? r : !r));
      }
      case Builtin::Le:
      case Builtin::Gt: {
        bool r;
        if (!builtinLt(a[0], a[1], r, err)) return CallResult::fail(err);
        if (!r && !builtinEq(a[0], a.subspan(1, 1), r, err)) return CallResult::fail(err);
        return CallResult::ok(Value::boolean(b == Builtin::Le ? r : !r));
      }
      case Builtin::Print:
      case Builtin::Println:
      case Builtin::Printf: {
        std::string s;
        if (b == Builtin::Print)
          goSprint(s, a);
        else if (b == Builtin::Println)
          goSprintln(s, a);
        else
          goSprintf(s, a[0].s(), a.subspan(1));
        return CallResult::ok(arena_.str(std::move(s)));
      }
      case Builtin::Html:
      case Builtin::Js:
      case Builtin::Urlquery: {
        std::string in = escaperArg(a), s;
        if (b == Builtin::Html)
          htmlEscape(s, in);
        else if (b == Builtin::Js)
          jsEscape(s, in);
        else
          urlQueryEscape(s, in);
        return CallResult::ok(arena_.str(std::move(s)));
      }
      case Builtin::Call: {
        Value f = concrete(a[0]);
        if (!f.valid()) return CallResult::fail("call of nil");
        if (f.kind() != Kind::Func) return CallResult::fail("non-function of type " + typeName(f));
        const Function& fn = f.fn();
        size_t n = a.size() - 1;
        if (fn.variadic ? n + 1 < fn.params.size() : n != fn.params.size()) {
          return CallResult::fail("wrong number of args: got " + std::to_string(n) + " want " +
                                  (fn.variadic ? "at least " : "") +
                                  std::to_string(fn.params.size() - (fn.variadic ? 1 : 0)));
        }
        std::vector<Value> args(a.begin() + 1, a.end());
        return fn.fn(ctx_, Value(), args);
      }
      default:
        return CallResult::fail("unreachable builtin");
    }
  }

  // Go's validateType for a computed value passed to a parameter of type t.
  Value validateType(const Value& v, Param t) {
    if (!v.valid()) {
      switch (t) {
        case Param::Value:
          return Value();
        case Param::Any:
          return Value::nil();
        case Param::StringList: {
          ListData& l = arena_.newList();
          l.type = &stringListType();
          l.isNil = true;
          return Value::list(&l);
        }
        default:
          errorf(std::string("invalid value; expected ") + paramName(t));
      }
    }
    bool ok = true;
    switch (t) {
      case Param::Value:
      case Param::Any:
        return v;
      case Param::String:  // a typed string (template.HTML) is not assignable to string
        ok = v.kind() == Kind::String && v.content() == Content::Plain;
        break;
      case Param::Int:
        ok = v.kind() == Kind::Int;
        break;
      case Param::Float:
        ok = v.kind() == Kind::Float;
        break;
      case Param::Bool:
        ok = v.kind() == Kind::Bool;
        break;
      case Param::StringList:
        ok = v.kind() == Kind::List && v.l().type->elem == Kind::String;
        break;
    }
    if (!ok) {
      errorf(std::string("wrong type for value; expected ") + paramName(t) + "; got " +
             typeName(v, v.kind() != Kind::Nil));
    }
    return v.asIface(false);
  }

  Value evalArgUntyped(const Value& dot, const Node* n) {
    at(n);
    switch (n->type) {
      case NodeType::Dot:
        return dot;
      case NodeType::Field:
        return evalFieldNode(dot, static_cast<const FieldNode*>(n), nullptr, nullptr);
      case NodeType::Variable:
        return evalVariableNode(dot, static_cast<const VariableNode*>(n), nullptr, nullptr);
      case NodeType::Pipe:
        return evalPipeline(dot, static_cast<const PipeNode*>(n));
      case NodeType::Identifier:
        return evalFunction(dot, static_cast<const IdentifierNode*>(n), n, nullptr, nullptr);
      case NodeType::Chain:
        return evalChainNode(dot, static_cast<const ChainNode*>(n), nullptr, nullptr);
      default:
        errorf("can't handle " + n->str() + " for arg of type <nil>");
    }
  }

  Value evalArg(const Value& dot, Param t, const Node* n) {
    at(n);
    switch (n->type) {
      case NodeType::Dot:
        return validateType(dot, t);
      case NodeType::Nil:
        if (t == Param::Any || t == Param::Value || t == Param::StringList)
          return validateType(Value(), t);
        errorf(std::string("cannot assign nil to ") + paramName(t));
      case NodeType::Field:
      case NodeType::Variable:
      case NodeType::Pipe:
      case NodeType::Identifier:
      case NodeType::Chain: {
        std::vector<Node*> self{const_cast<Node*>(n)};
        Value v;
        if (n->type == NodeType::Field)
          v = evalFieldNode(dot, static_cast<const FieldNode*>(n), &self, nullptr);
        else
          v = evalArgUntyped(dot, n);
        return validateType(v, t);
      }
      default:
        break;
    }
    switch (t) {
      case Param::Bool:
        if (n->type == NodeType::Bool)
          return Value::boolean(static_cast<const BoolNode*>(n)->value);
        errorf("expected bool; found " + n->str());
      case Param::String:
        if (n->type == NodeType::String) return Value::str(static_cast<const StringNode*>(n)->text);
        errorf("expected string; found " + n->str());
      case Param::Int:
        if (n->type == NodeType::Number && static_cast<const NumberNode*>(n)->isInt)
          return Value::integer(static_cast<const NumberNode*>(n)->i);
        errorf("expected integer; found " + n->str());
      case Param::Float:
        if (n->type == NodeType::Number && static_cast<const NumberNode*>(n)->isFloat)
          return Value::floating(static_cast<const NumberNode*>(n)->f);
        errorf("expected float; found " + n->str());
      case Param::Any:
      case Param::Value:
        return evalEmptyInterface(dot, n);
      case Param::StringList:
        errorf("can't handle " + n->str() + " for arg of type []string");
    }
    errorf("can't handle " + n->str());
  }

  Value evalEmptyInterface(const Value& dot, const Node* n) {
    at(n);
    switch (n->type) {
      case NodeType::Bool:
        return Value::boolean(static_cast<const BoolNode*>(n)->value);
      case NodeType::Number:
        return idealConstant(static_cast<const NumberNode*>(n));
      case NodeType::String:
        return Value::str(static_cast<const StringNode*>(n)->text);
      default:
        return evalArgUntyped(dot, n);
    }
  }
};

}  // namespace

bool runTemplate(const TemplateSet& set, const std::string& name, const Tree* tree,
                 std::string& out, const Value& data, std::string* err) {
  Arena arena;
  State s(set, out, arena);
  try {
    s.run(name, tree, data);
    return true;
  } catch (const ExecError& e) {
    if (err) *err = e.what();
    return false;
  } catch (const std::exception& e) {
    if (err) *err = std::string("template: ") + name + ": internal error: " + e.what();
    return false;
  }
}

}  // namespace nm::tmpl
