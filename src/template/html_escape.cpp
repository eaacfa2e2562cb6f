// Go html/template's escape.go over our AST: walks templates tracking the HTML context, adds
// the escaper commands to each action's pipeline, strips comments from text, derives copies
// of templates called in other contexts, and reports Go's errors. Plus HtmlTemplateSet.
#include "template/html_escape.h"

#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <unordered_map>
#include <vector>

#include "template/ast.h"
#include "template/exec.h"
#include "template/gofmt.h"
#include "template/html_context.h"
#include "template/html_escapers.h"
#include "template/parser.h"

namespace nm::tmpl {

using Ctx = html::Context;
using html::Delim;
using html::ErrorCode;
using html::JsCtx;
using St = html::State;
using html::UrlPart;

namespace {

int lineOf(const Node* n) {
  if (!n || !n->unit) return 0;
  std::string_view text = n->unit->text;
  size_t pos = std::min(static_cast<size_t>(n->pos), text.size());
  int line = 1;
  for (size_t i = 0; i < pos; ++i) line += text[i] == '\n';
  return line;
}

std::string quoted(std::string_view s) {
  std::string o;
  goQuote(o, s);
  return o;
}

// Node copies live in `holder`; they keep the original unit for positions in messages.
class Copier {
 public:
  explicit Copier(Unit& holder) : h_(holder) {}
  template <class T>
  T* like(const Node* orig) {
    T* n = h_.make<T>(orig->pos);
    n->unit = orig->unit;
    return n;
  }
  ListNode* list(const ListNode* l) {
    if (!l) return nullptr;
    auto* n = like<ListNode>(l);
    for (const Node* c : l->nodes) n->nodes.push_back(node(c));
    return n;
  }
  Node* node(const Node* c) {
    switch (c->type) {
      case NodeType::List:
        return list(static_cast<const ListNode*>(c));
      case NodeType::Text: {
        auto* t = like<TextNode>(c);
        t->text = static_cast<const TextNode*>(c)->text;
        return t;
      }
      case NodeType::Action: {
        auto* o = static_cast<const ActionNode*>(c);
        auto* a = like<ActionNode>(c);
        a->line = o->line;
        a->pipe = pipe(o->pipe);
        return a;
      }
      case NodeType::If:
      case NodeType::Range:
      case NodeType::With: {
        auto* o = static_cast<const BranchNode*>(c);
        BranchNode* b = h_.make<BranchNode>(o->pos, o->type);
        b->unit = o->unit;
        b->line = o->line;
        b->pipe = o->pipe;
        b->list = list(o->list);
        b->elseList = list(o->elseList);
        return b;
      }
      case NodeType::Template: {
        auto* o = static_cast<const TemplateNode*>(c);
        auto* t = like<TemplateNode>(c);
        t->line = o->line;
        t->name = o->name;
        t->pipe = o->pipe;
        return t;
      }
      default:  // comments, break, continue: never edited, shared
        return const_cast<Node*>(c);
    }
  }
  PipeNode* pipe(const PipeNode* p) {
    if (!p) return nullptr;
    auto* n = like<PipeNode>(p);
    n->line = p->line;
    n->isAssign = p->isAssign;
    n->decl = p->decl;
    n->cmds = p->cmds;
    return n;
  }

 private:
  Unit& h_;
};

struct RangeContext {
  RangeContext* outer = nullptr;
  std::vector<Ctx> breaks, continues;
};

bool isPredefinedEscaper(std::string_view s) {
  return s == "html" || s == "urlquery";
}

std::string normalizeEscFn(const std::string& e) {
  if (e == "_html_template_attrescaper" || e == "_html_template_htmlescaper" ||
      e == "_html_template_rcdataescaper")
    return "html";
  if (e == "_html_template_urlescaper" || e == "_html_template_urlnormalizer") return "urlquery";
  return e;
}

bool redundant(const std::string& last, const std::string& next) {
  if (last == "_html_template_commentescaper")
    return next == "_html_template_attrescaper" || next == "_html_template_nospaceescaper" ||
           next == "_html_template_htmlescaper";
  if (last == "_html_template_cssescaper" || last == "_html_template_jsregexpescaper" ||
      last == "_html_template_jsstrescaper")
    return next == "_html_template_attrescaper";
  if (last == "_html_template_urlescaper") return next == "_html_template_urlnormalizer";
  return false;
}

const IdentifierNode* identOf(const CommandNode* c) {
  if (c->args.empty() || c->args[0]->type != NodeType::Identifier) return nullptr;
  return static_cast<const IdentifierNode*>(c->args[0]);
}

Ctx nudge(Ctx c) {
  switch (c.state) {
    case St::Tag:
      c.state = St::AttrName;
      break;
    case St::BeforeValue: {
      St st = St::Attr;
      switch (c.attr) {
        case html::Attr::Script:
          st = St::JS;
          break;
        case html::Attr::Style:
          st = St::CSS;
          break;
        case html::Attr::URL:
          st = St::URL;
          break;
        case html::Attr::Srcset:
          st = St::Srcset;
          break;
        default:
          break;
      }
      c.state = st;
      c.delim = Delim::SpaceOrTagEnd;
      c.attr = html::Attr::None;
      break;
    }
    case St::AfterName:
      c.state = St::AttrName;
      c.attr = html::Attr::None;
      break;
    default:
      break;
  }
  return c;
}

Ctx join(const Ctx& a, const Ctx& b, const Node* node, const char* nodeName) {
  if (a.state == St::Error) return a;
  if (b.state == St::Error) return b;
  if (a.state == St::Dead) return b;
  if (b.state == St::Dead) return a;
  if (a.eq(b)) return a;
  Ctx c = a;
  c.urlPart = b.urlPart;
  if (c.eq(b)) {
    c.urlPart = UrlPart::Unknown;
    return c;
  }
  c = a;
  c.jsCtx = b.jsCtx;
  if (c.eq(b)) {
    c.jsCtx = JsCtx::Unknown;
    return c;
  }
  Ctx c2 = nudge(a), d = nudge(b);
  if (!(c2.eq(a) && d.eq(b))) {
    Ctx e = join(c2, d, node, nodeName);
    if (e.state != St::Error) return e;
  }
  return html::errorContext(ErrorCode::BranchEnd, node, 0,
                            std::string("{{") + nodeName +
                                "}} branches end in different contexts: " + a.str() + ", " +
                                b.str());
}

}  // namespace

struct HtmlTemplateSet::Impl {
  mutable std::shared_mutex mu;
  TemplateSet set;               // executed; holds escaped copies and derived trees
  std::shared_ptr<Unit> holder;  // owns every copied node
  std::map<std::string, std::string, std::less<>> status;  // escaped: "" ok, else the error
  std::set<std::string, std::less<>> failed;

  // The persistent escaper of Go's nameSpace.esc: output contexts, derived templates and any
  // edits not yet committed survive from one root to the next, as in Go.
  struct Escaper;
  std::map<std::string, Ctx> output;
  std::shared_ptr<Escaper> esc;

  explicit Impl(const TemplateSet& text) : set(text.clone()), holder(std::make_shared<Unit>()) {
    set.funcs(html::escaperFuncs());
    Copier cp(*holder);
    for (const auto& [name, tree] : text.trees()) {
      if (!tree) continue;
      auto t = std::make_shared<Tree>();
      t->name = tree->name;
      if (tree->unit) holder->deps.push_back(tree->unit);
      t->root = tree->root ? cp.list(tree->root) : nullptr;
      t->unit = holder;
      set.putTree(t);
    }
  }

  Tree* tree(std::string_view name) {
    if (failed.count(name)) return nullptr;
    const Tree* t = set.lookup(name);
    return const_cast<Tree*>(t);
  }

  bool escapeRoot(const std::string& name, std::string& err);
};

struct HtmlTemplateSet::Impl::Escaper {
  Impl& ns;
  std::map<std::string, Ctx>& output;
  std::map<std::string, Ctx> ownOutput;
  std::map<std::string, std::shared_ptr<Tree>> derived;
  std::set<std::string> called;
  std::map<ActionNode*, std::vector<std::string>> actionNodeEdits;
  std::map<TemplateNode*, std::string> templateNodeEdits;
  std::map<TextNode*, std::string> textNodeEdits;
  RangeContext* rangeContext = nullptr;
  std::vector<std::unique_ptr<RangeContext>> ranges;

  Escaper(Impl& s, std::map<std::string, Ctx>& out) : ns(s), output(out) {}

  Tree* tmpl(const std::string& name) {
    if (Tree* t = ns.tree(name)) return t;
    if (auto it = derived.find(name); it != derived.end()) return it->second.get();
    return nullptr;
  }

  RangeContext* pushRange() {
    ranges.push_back(std::make_unique<RangeContext>());
    ranges.back()->outer = rangeContext;
    rangeContext = ranges.back().get();
    return rangeContext;
  }

  Ctx escape(Ctx c, Node* n) {
    switch (n->type) {
      case NodeType::Action:
        return escapeAction(c, static_cast<ActionNode*>(n));
      case NodeType::Break:
        c.n = n;
        if (rangeContext) rangeContext->breaks.push_back(c);
        return deadContext();
      case NodeType::Continue:
        c.n = n;
        // Go appends to breaks here (a known quirk): continues = append(breaks, c).
        if (rangeContext) {
          auto v = rangeContext->breaks;
          v.push_back(c);
          rangeContext->continues = std::move(v);
        }
        return deadContext();
      case NodeType::Comment:
        return c;
      case NodeType::If:
        return escapeBranch(c, static_cast<BranchNode*>(n), "if");
      case NodeType::Range:
        return escapeBranch(c, static_cast<BranchNode*>(n), "range");
      case NodeType::With:
        return escapeBranch(c, static_cast<BranchNode*>(n), "with");
      case NodeType::List:
        return escapeList(c, static_cast<ListNode*>(n));
      case NodeType::Template:
        return escapeTemplate(c, static_cast<TemplateNode*>(n));
      case NodeType::Text:
        return escapeText(c, static_cast<TextNode*>(n));
      default:
        return html::errorContext(ErrorCode::OutputContext, n, 0,
                                  "escaping " + n->str() + " is unimplemented");
    }
  }

  static Ctx deadContext() {
    Ctx d;
    d.state = St::Dead;
    return d;
  }

  Ctx escapeAction(Ctx c, ActionNode* n) {
    if (!n->pipe->decl.empty()) return c;
    c = nudge(c);
    for (size_t pos = 0; pos < n->pipe->cmds.size(); ++pos) {
      const IdentifierNode* id = identOf(n->pipe->cmds[pos]);
      if (!id) continue;
      if (isPredefinedEscaper(id->ident)) {
        if (pos < n->pipe->cmds.size() - 1 ||
            (c.state == St::Attr && c.delim == Delim::SpaceOrTagEnd && id->ident == "html"))
          return html::errorContext(
              ErrorCode::PredefinedEscaper, n, n->line,
              "predefined escaper " + quoted(id->ident) + " disallowed in template");
      }
    }
    std::vector<std::string> s;
    switch (c.state) {
      case St::Error:
        return c;
      case St::URL:
      case St::CSSDqStr:
      case St::CSSSqStr:
      case St::CSSDqURL:
      case St::CSSSqURL:
      case St::CSSURL:
        switch (c.urlPart) {
          case UrlPart::None:
            s.push_back("_html_template_urlfilter");
            [[fallthrough]];
          case UrlPart::PreQuery:
            if (c.state == St::CSSDqStr || c.state == St::CSSSqStr)
              s.push_back("_html_template_cssescaper");
            else
              s.push_back("_html_template_urlnormalizer");
            break;
          case UrlPart::QueryOrFrag:
            s.push_back("_html_template_urlescaper");
            break;
          case UrlPart::Unknown:
            return html::errorContext(ErrorCode::AmbigContext, n, n->line,
                                      n->str() + " appears in an ambiguous context within a URL");
        }
        break;
      case St::JS:
        s.push_back("_html_template_jsvalescaper");
        c.jsCtx = JsCtx::DivOp;
        break;
      case St::JSDqStr:
      case St::JSSqStr:
        s.push_back("_html_template_jsstrescaper");
        break;
      case St::JSBqStr:
        return html::errorContext(ErrorCode::JSTmplLit, n, n->line,
                                  n->str() + " appears in a JS template literal");
      case St::JSRegexp:
        s.push_back("_html_template_jsregexpescaper");
        break;
      case St::CSS:
        s.push_back("_html_template_cssvaluefilter");
        break;
      case St::Text:
        s.push_back("_html_template_htmlescaper");
        break;
      case St::RCDATA:
        s.push_back("_html_template_rcdataescaper");
        break;
      case St::Attr:
        break;
      case St::AttrName:
      case St::Tag:
        c.state = St::AttrName;
        s.push_back("_html_template_htmlnamefilter");
        break;
      case St::Srcset:
        s.push_back("_html_template_srcsetescaper");
        break;
      default:
        if (html::isComment(c.state)) {
          s.push_back("_html_template_commentescaper");
        } else {
          return html::errorContext(ErrorCode::OutputContext, n, n->line,
                                    std::string("unexpected state ") + html::stateName(c.state));
        }
    }
    switch (c.delim) {
      case Delim::None:
        break;
      case Delim::SpaceOrTagEnd:
        s.push_back("_html_template_nospaceescaper");
        break;
      default:
        s.push_back("_html_template_attrescaper");
    }
    actionNodeEdits[n] = s;
    return c;
  }

  Ctx escapeBranch(Ctx c, BranchNode* n, const char* nodeName) {
    const bool isRange = n->type == NodeType::Range;
    if (isRange) pushRange();
    Ctx c0 = escapeList(c, n->list);
    if (isRange) {
      if (c0.state != St::Error) c0 = joinRange(c0, rangeContext);
      rangeContext = rangeContext->outer;
      if (c0.state == St::Error) return c0;
      pushRange();
      Ctx c1 = escapeListConditionally(c0, n->list, nullptr).first;
      c0 = join(c0, c1, n, nodeName);
      if (c0.state == St::Error) {
        rangeContext = rangeContext->outer;
        // Go mutates the shared *Error in place (a re-escape may prefix it again).
        c0.err->line = n->line;
        c0.err->description = "on range loop re-entry: " + c0.err->description;
        return c0;
      }
      c0 = joinRange(c0, rangeContext);
      rangeContext = rangeContext->outer;
      if (c0.state == St::Error) return c0;
    }
    Ctx c1 = escapeList(c, n->elseList);
    return join(c0, c1, n, nodeName);
  }

  Ctx joinRange(Ctx c0, RangeContext* rc) {
    auto one = [&](const std::vector<Ctx>& v, const char* what) {
      for (const Ctx& c : v) {
        c0 = join(c0, c, c.n, "range");
        if (c0.state == St::Error) {
          c0.err->line = lineOf(c.n);
          c0.err->description = std::string("at range loop ") + what + ": " + c0.err->description;
          return false;
        }
      }
      return true;
    };
    if (!one(rc->breaks, "break")) return c0;
    one(rc->continues, "continue");
    return c0;
  }

  Ctx escapeList(Ctx c, ListNode* n) {
    if (!n) return c;
    for (Node* m : n->nodes) {
      c = escape(c, m);
      if (c.state == St::Dead) break;
    }
    return c;
  }

  using Filter = std::function<bool(Escaper&, const Ctx&)>;

  std::pair<Ctx, bool> escapeListConditionally(Ctx c, ListNode* n, const Filter& filter) {
    std::map<std::string, Ctx> out1 = output;
    Escaper e1(ns, out1);
    e1.rangeContext = rangeContext;
    c = e1.escapeList(c, n);
    bool ok = filter && filter(e1, c);
    if (ok) {
      for (auto& [k, v] : out1) output[k] = v;
      for (auto& [k, v] : e1.derived) derived[k] = v;
      for (auto& k : e1.called) called.insert(k);
      for (auto& [k, v] : e1.actionNodeEdits) actionNodeEdits[k] = v;
      for (auto& [k, v] : e1.templateNodeEdits) templateNodeEdits[k] = v;
      for (auto& [k, v] : e1.textNodeEdits) textNodeEdits[k] = v;
    }
    // e1's range contexts may still be referenced by ours (shared rangeContext chain).
    for (auto& r : e1.ranges) ranges.push_back(std::move(r));
    return {c, ok};
  }

  Ctx escapeTemplate(Ctx c, TemplateNode* n) {
    auto [c1, name] = escapeTree(c, n, n->name, n->line);
    if (name != n->name) templateNodeEdits[n] = name;
    return c1;
  }

  std::pair<Ctx, std::string> escapeTree(Ctx c, const Node* node, const std::string& name,
                                         int line) {
    std::string dname = c.mangle(name);
    called.insert(dname);
    if (auto it = output.find(dname); it != output.end()) return {it->second, dname};
    Tree* t = tmpl(name);
    if (!t || !t->root) {
      if (ns.failed.count(name) || (t && !t->root))
        return {html::errorContext(ErrorCode::NoSuchTemplate, node, line,
                                   quoted(name) + " is an incomplete or empty template"),
                dname};
      return {html::errorContext(ErrorCode::NoSuchTemplate, node, line,
                                 "no such template " + quoted(name)),
              dname};
    }
    if (dname != name) {
      Tree* dt = tmpl(dname);
      if (!dt) {
        auto d = std::make_shared<Tree>();
        d->name = dname;
        d->root = Copier(*ns.holder).list(t->root);
        d->unit = ns.holder;
        derived[dname] = d;
        dt = d.get();
      }
      t = dt;
    }
    return {computeOutCtx(c, t), dname};
  }

  Ctx computeOutCtx(Ctx c, Tree* t) {
    auto [c1, ok] = escapeTemplateBody(c, t);
    if (!ok) {
      auto [c2, ok2] = escapeTemplateBody(c1, t);
      if (ok2) {
        c1 = c2;
        ok = true;
      }
    }
    if (!ok && c1.state != St::Error)
      return html::errorContext(ErrorCode::OutputContext, t->root, 0,
                                "cannot compute output context for template " + t->name);
    return c1;
  }

  std::pair<Ctx, bool> escapeTemplateBody(Ctx c, Tree* t) {
    const std::string tname = t->name;
    Filter filter = [c, tname](Escaper& e1, const Ctx& c1) {
      if (c1.state == St::Error) return false;
      if (!e1.called.count(tname)) return true;
      return c.eq(c1);
    };
    output[tname] = c;
    return escapeListConditionally(c, t->root, filter);
  }

  Ctx escapeText(Ctx c, TextNode* n) {
    std::string_view s = n->text;
    size_t written = 0, i = 0;
    std::string b;
    while (i != s.size()) {
      auto [c1, nread] = html::contextAfterText(c, s.substr(i));
      size_t i1 = i + nread;
      if (c.state == St::Text || c.state == St::RCDATA) {
        size_t end = i1;
        if (c1.state != c.state) {
          for (size_t j = end; j-- > i;) {
            if (s[j] == '<') {
              end = j;
              break;
            }
          }
        }
        for (size_t j = i; j < end; ++j) {
          if (s[j] == '<' && !upperHasPrefix(s.substr(j), "<!DOCTYPE")) {
            b.append(s.substr(written, j - written));
            b += "&lt;";
            written = j + 1;
          }
        }
      } else if (html::isComment(c.state) && c.delim == Delim::None) {
        if (c.state == St::JSBlockCmt) {
          std::string_view w = s.substr(written, i1 - written);
          bool nl = w.find_first_of("\n\r") != std::string_view::npos ||
                    w.find("\u2028") != std::string_view::npos ||
                    w.find("\u2029") != std::string_view::npos;
          b += nl ? '\n' : ' ';
        } else if (c.state == St::CSSBlockCmt) {
          b += ' ';
        }
        written = i1;
      }
      if (c.state != c1.state && html::isComment(c1.state) && c1.delim == Delim::None) {
        size_t cs = i1 - 2;
        if (c1.state == St::HTMLCmt) cs -= 2;
        b.append(s.substr(written, cs - written));
        written = i1;
      }
      if (i == i1 && c.state == c1.state)
        return html::errorContext(ErrorCode::BadHTML, n, 0,
                                  "internal error: no progress escaping text");
      c = c1;
      i = i1;
    }
    if (written != 0 && c.state != St::Error) {
      if (!html::isComment(c.state) || c.delim != Delim::None) b.append(s.substr(written));
      textNodeEdits[n] = std::move(b);
    }
    return c;
  }

  static bool upperHasPrefix(std::string_view s, std::string_view prefix) {
    // bytes.HasPrefix(bytes.ToUpper(s), prefix) for an ASCII prefix.
    if (s.size() < prefix.size()) return false;
    for (size_t k = 0; k < prefix.size(); ++k) {
      char c = s[k];
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
      if (c != prefix[k]) return false;
    }
    return true;
  }

  IdentifierNode* newIdent(const std::string& name, const PipeNode* p) {
    auto* id = ns.holder->make<IdentifierNode>(p->pos);
    id->unit = p->unit;
    id->ident = name;
    id->builtin = builtinId(name);
    return id;
  }
  CommandNode* newIdentCmd(const std::string& name, const PipeNode* p) {
    auto* c = ns.holder->make<CommandNode>(p->pos);
    c->unit = p->unit;
    c->args.push_back(newIdent(name, p));
    return c;
  }
  static void appendCmd(std::vector<CommandNode*>& cmds, CommandNode* cmd) {
    if (!cmds.empty()) {
      const IdentifierNode* last = identOf(cmds.back());
      const IdentifierNode* next = identOf(cmd);
      if (last && next && redundant(last->ident, next->ident)) return;
    }
    cmds.push_back(cmd);
  }

  void ensurePipelineContains(PipeNode* p, std::vector<std::string> s) {
    if (s.empty()) return;
    size_t pipelineLen = p->cmds.size();
    if (pipelineLen > 0) {
      CommandNode* lastCmd = p->cmds[pipelineLen - 1];
      if (const IdentifierNode* idNode = identOf(lastCmd);
          idNode && isPredefinedEscaper(idNode->ident)) {
        std::string esc = idNode->ident;
        if (p->cmds.size() == 1 && lastCmd->args.size() > 1) {
          auto* copy = ns.holder->make<CommandNode>(lastCmd->pos);
          copy->unit = lastCmd->unit;
          copy->args = lastCmd->args;
          auto* ev = newIdent("_eval_args_", p);
          ev->pos = lastCmd->args[0]->pos;
          ev->unit = lastCmd->args[0]->unit;
          copy->args[0] = ev;
          p->cmds[pipelineLen - 1] = copy;
          appendCmd(p->cmds, newIdentCmd(esc, p));
          ++pipelineLen;
        }
        bool dup = false;
        for (auto& e : s) {
          if (normalizeEscFn(esc) == normalizeEscFn(e)) {
            e = esc;
            dup = true;
          }
        }
        if (dup) --pipelineLen;
      }
    }
    std::vector<CommandNode*> newCmds(p->cmds.begin(), p->cmds.begin() + pipelineLen);
    std::set<std::string> inserted;
    for (CommandNode* cmd : newCmds)
      if (const IdentifierNode* id = identOf(cmd)) inserted.insert(normalizeEscFn(id->ident));
    for (const auto& name : s)
      if (!inserted.count(normalizeEscFn(name))) appendCmd(newCmds, newIdentCmd(name, p));
    p->cmds = std::move(newCmds);
  }

  void commit() {
    for (auto& [name, t] : derived) ns.set.putTree(t);
    for (auto& [n, s] : actionNodeEdits) ensurePipelineContains(n->pipe, s);
    for (auto& [n, name] : templateNodeEdits) n->name = name;
    for (auto& [n, text] : textNodeEdits) {
      ns.holder->texts.push_back(text);
      n->text = ns.holder->texts.back();
    }
    called.clear();
    actionNodeEdits.clear();
    templateNodeEdits.clear();
    textNodeEdits.clear();
  }
};

bool HtmlTemplateSet::Impl::escapeRoot(const std::string& name, std::string& err) {
  Tree* t = tree(name);
  if (!esc) esc = std::make_shared<Escaper>(*this, output);
  Escaper& e = *esc;
  Ctx c = e.escapeTree(Ctx{}, t ? static_cast<Node*>(t->root) : nullptr, name, 0).first;
  std::shared_ptr<html::EscapeError> error;
  if (c.err) {
    error = std::make_shared<html::EscapeError>(*c.err);
    error->name = name;
  } else if (c.state != St::Text) {
    error = std::make_shared<html::EscapeError>();
    error->code = ErrorCode::EndContext;
    error->name = name;
    error->description = "ends in a non-text context: " + c.str();
  }
  if (error) {
    err = error->message();
    status[name] = err;
    failed.insert(name);
    // Go drops the failed template's tree: calls to it can no longer run it.
    auto dead = std::make_shared<Tree>();
    dead->name = name;
    dead->unit = holder;
    set.putTree(dead);
    return false;
  }
  e.commit();
  status[name] = "";
  return true;
}

HtmlTemplateSet::HtmlTemplateSet(const TemplateSet& text) : st_(std::make_unique<Impl>(text)) {}
HtmlTemplateSet::~HtmlTemplateSet() = default;

const std::string& HtmlTemplateSet::name() const {
  return st_->set.name();
}

bool HtmlTemplateSet::escape(std::string_view name, std::string* err) const {
  {
    std::shared_lock<std::shared_mutex> g(st_->mu);
    if (auto it = st_->status.find(name); it != st_->status.end()) {
      if (it->second.empty()) return true;
      if (err) *err = it->second;
      return false;
    }
  }
  std::unique_lock<std::shared_mutex> g(st_->mu);
  if (auto it = st_->status.find(name); it != st_->status.end()) {
    if (it->second.empty()) return true;
    if (err) *err = it->second;
    return false;
  }
  std::string e;
  if (!st_->escapeRoot(std::string(name), e)) {
    if (err) *err = e;
    return false;
  }
  return true;
}

bool HtmlTemplateSet::execute(std::string& out, const Value& data, std::string* err) const {
  const std::string& n = st_->set.name();
  bool missing;
  {
    std::shared_lock<std::shared_mutex> g(st_->mu);
    missing = !st_->status.count(n) && (!st_->set.lookup(n) || !st_->set.lookup(n)->root);
  }
  if (missing) {
    if (err) *err = "template: " + quoted(n) + " is an incomplete or empty template";
    return false;
  }
  if (!escape(n, err)) return false;
  std::shared_lock<std::shared_mutex> g(st_->mu);
  return runTemplate(st_->set, n, st_->set.lookup(n), out, data, err);
}

bool HtmlTemplateSet::executeTemplate(std::string& out, std::string_view name, const Value& data,
                                      std::string* err) const {
  bool undefined, incomplete;
  {
    std::shared_lock<std::shared_mutex> g(st_->mu);
    const Tree* t = st_->set.lookup(name);
    undefined = !t || name.find("$htmltemplate_") != std::string_view::npos;
    incomplete = t && !t->root && !st_->status.count(name);
  }
  if (undefined) {
    if (err) *err = "html/template: " + quoted(name) + " is undefined";
    return false;
  }
  if (!incomplete && !escape(name, err)) return false;
  if (incomplete) {
    if (err) *err = "html/template: " + quoted(name) + " is an incomplete template";
    return false;
  }
  std::shared_lock<std::shared_mutex> g(st_->mu);
  return runTemplate(st_->set, std::string(name), st_->set.lookup(name), out, data, err);
}

std::string HtmlTemplateSet::escapedSource(std::string_view name) const {
  std::shared_lock<std::shared_mutex> g(st_->mu);
  auto it = st_->status.find(name);
  if (it == st_->status.end() || !it->second.empty()) return {};
  const Tree* t = st_->set.lookup(name);
  return t && t->root ? t->root->str() : std::string();
}

}  // namespace nm::tmpl
