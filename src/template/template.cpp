// TemplateSet: parsing into the set with Go's Parse/AddParseTree replacement rules, options,
// function registration and the execute entry points.
#include "template/template.h"

#include "template/ast.h"
#include "template/exec.h"
#include "template/gofmt.h"
#include "template/parser.h"

namespace nm::tmpl {

TemplateSet::TemplateSet(std::string name)
    : name_(std::move(name)), funcs_(std::make_shared<FuncMap>()) {}

TemplateSet& TemplateSet::funcs(const FuncMap& m) {
  auto copy = std::make_shared<FuncMap>(*funcs_);
  for (const auto& [k, v] : m) (*copy)[k] = v;
  funcs_ = std::move(copy);
  return *this;
}

bool TemplateSet::option(std::string_view opt, std::string* err) {
  if (opt == "missingkey=zero") {
    opts_.missingKey = MissingKey::Zero;
  } else if (opt == "missingkey=error") {
    opts_.missingKey = MissingKey::Error;
  } else if (opt == "missingkey=default" || opt == "missingkey=invalid") {
    opts_.missingKey = MissingKey::Default;
  } else {
    if (err) *err = "unrecognized option: " + std::string(opt);
    return false;
  }
  return true;
}

bool TemplateSet::parse(std::string_view text, std::string* err) {
  return addTrees(name_, text, err);
}

bool TemplateSet::parseNamed(const std::string& name, std::string_view text, std::string* err) {
  return addTrees(name, text, err);
}

bool TemplateSet::addTrees(const std::string& parseName, std::string_view text, std::string* err) {
  auto funcs = funcs_;
  HasFunction has = [&funcs](std::string_view n) {
    return funcs->find(n) != funcs->end() || builtinId(n) != Builtin::None;
  };
  std::vector<std::shared_ptr<const Tree>> trees;
  std::string e;
  if (!parseTemplateText(parseName, std::string(text), has, trees, e)) {
    if (err) *err = e;
    return false;
  }
  for (auto& t : trees) {
    auto it = trees_.find(t->name);
    // Go's associate: an empty tree does not replace an existing definition.
    if (it != trees_.end() && isEmptyTree(t->root) && it->second) continue;
    trees_[t->name] = t;
  }
  return true;
}

void TemplateSet::putTree(std::shared_ptr<const Tree> tree) {
  std::string n = tree->name;
  trees_[n] = std::move(tree);
}

bool TemplateSet::has(std::string_view name) const {
  return lookup(name) != nullptr;
}

std::vector<std::string> TemplateSet::names() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : trees_)
    if (v && v->root) out.push_back(k);
  return out;
}

const Tree* TemplateSet::lookup(std::string_view name) const {
  auto it = trees_.find(name);
  return it == trees_.end() ? nullptr : it->second.get();
}

const Function* TemplateSet::findFunc(std::string_view name) const {
  auto it = funcs_->find(name);
  return it == funcs_->end() ? nullptr : &it->second;
}

bool TemplateSet::execute(std::string& out, const Value& data, std::string* err) const {
  return runTemplate(*this, name_, lookup(name_), out, data, err);
}

bool TemplateSet::executeTemplate(std::string& out, std::string_view name, const Value& data,
                                  std::string* err) const {
  const Tree* t = lookup(name);
  if (!t) {
    if (err) {
      std::string e = "template: no template ";
      goQuote(e, name);
      e += " associated with template ";
      goQuote(e, name_);
      *err = e;
    }
    return false;
  }
  return runTemplate(*this, std::string(name), t, out, data, err);
}

}  // namespace nm::tmpl
