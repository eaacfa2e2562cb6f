// HTML mode: Go html/template's contextual autoescaping over a TemplateSet. An HtmlTemplateSet
// holds escaped copies of a set's trees; each template is escaped on its first execution (as
// Go's Template.Execute does), then executions run concurrently.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "template/template.h"

namespace nm::tmpl {

class HtmlTemplateSet {
 public:
  // Copies the trees of `text` (which stays usable in text mode) and adds Go's escaper
  // functions. Parsing is over: like Go, no templates are added after escaping starts.
  explicit HtmlTemplateSet(const TemplateSet& text);
  ~HtmlTemplateSet();
  HtmlTemplateSet(const HtmlTemplateSet&) = delete;
  HtmlTemplateSet& operator=(const HtmlTemplateSet&) = delete;

  const std::string& name() const;
  // Escapes `name` now if it was not yet (Go does this on the first Execute). False with Go's
  // html/template error (ErrBranchEnd, ErrEndContext...); the error is sticky, as in Go.
  bool escape(std::string_view name, std::string* err = nullptr) const;

  // Go's html/template Execute / ExecuteTemplate: escape, then execute the escaped tree.
  bool execute(std::string& out, const Value& data, std::string* err = nullptr) const;
  bool executeTemplate(std::string& out, std::string_view name, const Value& data,
                       std::string* err = nullptr) const;

  // The escaped source of a template as Go's Tree.String prints it (for tests and previews);
  // empty when `name` is not escaped.
  std::string escapedSource(std::string_view name) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> st_;
};

}  // namespace nm::tmpl
