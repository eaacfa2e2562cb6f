// Public API of the Go text/template-compatible engine: a TemplateSet of named templates parsed
// once into immutable trees, executed against Values with a FuncMap. No exceptions escape.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "template/value.h"

namespace nm::tmpl {

struct Tree;

enum class MissingKey { Default, Zero, Error };

struct Options {
  MissingKey missingKey = MissingKey::Default;
  // Go allows 100000 nested {{template}} calls; a C++ stack does not, so the default is lower.
  int maxDepth = 1000;
  // 0 = unlimited. Steps count visited nodes and loop iterations (for fuzzing and untrusted
  // input); exceeding it is an execution error.
  size_t maxSteps = 0;
  size_t maxOutput = 0;  // bytes; 0 = unlimited
};

using FuncMap = std::map<std::string, Function, std::less<>>;

class TemplateSet {
 public:
  // name: the set's main template, as template.New(name).
  explicit TemplateSet(std::string name = "");

  const std::string& name() const { return name_; }
  // Adds functions (Go's Funcs); must precede parsing text that uses them.
  TemplateSet& funcs(const FuncMap& m);
  // Go's Option("missingkey=zero") etc.; false and err on an unknown option.
  bool option(std::string_view opt, std::string* err = nullptr);
  Options& options() { return opts_; }
  const Options& options() const { return opts_; }

  // Go's Template.Parse on the main template: defines in text replace existing ones; an empty
  // body does not replace an existing main body.
  bool parse(std::string_view text, std::string* err = nullptr);
  // Go's t.New(name).Parse(text): parses into the set under another name (error messages and
  // Execute of that name use it).
  bool parseNamed(const std::string& name, std::string_view text, std::string* err = nullptr);
  // An independent copy sharing the immutable trees (Go's Clone): parse on top of it to
  // override definitions without touching the original.
  TemplateSet clone() const { return *this; }

  bool has(std::string_view name) const;
  // The names of every defined (non-empty-tree) template, sorted.
  std::vector<std::string> names() const;

  // Executes the main template / the named one, appending to out. On error returns false and
  // sets err to Go's message; out keeps what was written before the error (as Go's writer).
  bool execute(std::string& out, const Value& data, std::string* err = nullptr) const;
  bool executeTemplate(std::string& out, std::string_view name, const Value& data,
                       std::string* err = nullptr) const;

  // Adds or replaces one tree (HTML escaping installs escaped copies and derived templates).
  void putTree(std::shared_ptr<const Tree> tree);
  const std::map<std::string, std::shared_ptr<const Tree>, std::less<>>& trees() const {
    return trees_;
  }

  // Internal lookups for the executor.
  const Tree* lookup(std::string_view name) const;
  const Function* findFunc(std::string_view name) const;

 private:
  bool addTrees(const std::string& parseName, std::string_view text, std::string* err);
  std::string name_;
  std::shared_ptr<const FuncMap> funcs_;
  std::map<std::string, std::shared_ptr<const Tree>, std::less<>> trees_;
  Options opts_;
};

}  // namespace nm::tmpl
