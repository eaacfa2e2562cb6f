// The renderer of one configuration snapshot: the built-in set plus the user's ConfigMap
// templates and language packs, per-receiver tmplText on top, the priority chain, and rendering
// a name (or template text) against a Data into right-trimmed text.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/data.h"
#include "render/language_pack.h"
#include "template/html_escape.h"
#include "template/template.h"

namespace nm::render {

// render()'s outcome: text, or an error naming template, line and column.
struct RenderResult {
  std::string text;
  std::string error;
  bool ok() const { return error.empty(); }
};

// One template text or language pack to load, with a label for its errors.
struct Source {
  std::string label;  // e.g. "ConfigMap ns/name data.template"
  std::string text;
};

struct RendererOptions {
  std::vector<Source> templates;      // parsed in order on top of the built-in set
  std::vector<Source> languagePacks;  // merged in order; replace the built-in pack of a language
  std::string language = "English";   // spec.template.language
};

struct LoadError {
  bool languagePack = false;
  size_t index = 0;  // into RendererOptions::templates / languagePacks
  std::string message;
};

class Renderer {
 public:
  // The built-in set, packs and English; parsed once per process.
  static std::shared_ptr<const Renderer> builtin();
  // Null with `errors` filled when any source fails to parse.
  static std::shared_ptr<const Renderer> build(const RendererOptions& options,
                                               std::vector<LoadError>& errors);

  // A receiver's tmplText parsed on top of a clone of this renderer's set; compiled once per
  // distinct text (cached). Null with err on a parse error.
  std::shared_ptr<const Renderer> withTemplates(const std::string& text, std::string& err) const;

  // Renders `name` (a template of the set; text already invoking a template is parsed as a
  // template; any other name is wrapped as {{ template "name" . }}) against data, or against
  // `alerts` only (a subset of data.alerts). Output right-trimmed of spaces, CR and LF.
  RenderResult render(std::string_view name, const Data& data) const;
  RenderResult render(std::string_view name, const Data& data,
                      std::span<const AlertPtr> alerts) const;

  // render() in HTML mode (Go's html/template): contextual autoescaping of every action. The
  // escaped set is built once per Renderer (lazily, thread-safe) and each template is escaped on
  // its first use; escaping errors (e.g. branches ending in different contexts) are errors.
  RenderResult renderHtml(std::string_view name, const Data& data) const;
  RenderResult renderHtml(std::string_view name, const Data& data,
                          std::span<const AlertPtr> alerts) const;

  // Executes the set's main body (the top-level text of the parsed sources, outside defines).
  RenderResult renderBody(const Data& data) const;

  const tmpl::TemplateSet& templates() const { return set_; }
  const std::string& language() const;

  struct Shared;
  Renderer(tmpl::TemplateSet set, std::shared_ptr<Shared> shared);

 private:
  std::shared_ptr<const tmpl::TemplateSet> textSet(std::string_view text, std::string& err) const;
  std::shared_ptr<const tmpl::HtmlTemplateSet> htmlSet() const;
  std::shared_ptr<const tmpl::HtmlTemplateSet> htmlTextSet(std::string_view text,
                                                           std::string& err) const;

  tmpl::TemplateSet set_;
  std::shared_ptr<Shared> shared_;
  mutable std::mutex mu_;
  mutable std::map<std::string, std::shared_ptr<const Renderer>, std::less<>> children_;
  mutable std::map<std::string, std::shared_ptr<const tmpl::TemplateSet>, std::less<>> texts_;
  mutable std::once_flag htmlOnce_;
  mutable std::shared_ptr<const tmpl::HtmlTemplateSet> html_;
  mutable std::map<std::string, std::shared_ptr<const tmpl::HtmlTemplateSet>, std::less<>>
      htmlTexts_;
};

// The template a channel uses: the last non-empty of built-in default < options.global.template
// < options.<type>.template < the receiver's template.
std::string chooseTemplate(std::string_view builtinDefault, std::string_view global,
                           std::string_view channel, std::string_view receiver);

// True when text already contains a {{ template ... }} invocation.
bool invokesTemplate(std::string_view text);

// Right-trims spaces, CR and LF.
void trimRight(std::string& s);

}  // namespace nm::render
