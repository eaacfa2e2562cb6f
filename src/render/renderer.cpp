// Renderer: the process-wide parsed built-in set, user templates and packs on top, cached
// per-receiver clones and inline template texts, and execution with the snapshot's language.
#include "render/renderer.h"

#include "render/default_templates.h"
#include "render/functions.h"
#include "render/template_data.h"

namespace nm::render {

struct Renderer::Shared {
  LanguagePacks packs;
  std::string language;
  const Dictionary* dict = nullptr;
};

namespace {

constexpr const char* kMainName = "nm";

tmpl::TemplateSet emptySet() {
  tmpl::TemplateSet t(kMainName);
  t.funcs(templateFuncs());
  t.option("missingkey=zero");
  return t;
}

// The built-in set, parsed once per process.
const tmpl::TemplateSet& builtinSet() {
  static const tmpl::TemplateSet set = [] {
    tmpl::TemplateSet t = emptySet();
    std::string err;
    const bool ok = t.parse(defaultTemplateText(), &err);
    (void)ok;  // the built-in text is valid; unit tests render every define
    return t;
  }();
  return set;
}

}  // namespace

Renderer::Renderer(tmpl::TemplateSet set, std::shared_ptr<Shared> shared)
    : set_(std::move(set)), shared_(std::move(shared)) {}

std::shared_ptr<const Renderer> Renderer::builtin() {
  static const std::shared_ptr<const Renderer> r = [] {
    auto shared = std::make_shared<Shared>();
    shared->packs = LanguagePacks::builtin();
    shared->language = "English";
    shared->dict = shared->packs.find(shared->language);
    return std::make_shared<const Renderer>(builtinSet().clone(), std::move(shared));
  }();
  return r;
}

std::shared_ptr<const Renderer> Renderer::build(const RendererOptions& options,
                                                std::vector<LoadError>& errors) {
  auto shared = std::make_shared<Shared>();
  for (size_t i = 0; i < options.languagePacks.size(); ++i) {
    std::string err;
    if (!shared->packs.merge(options.languagePacks[i].text, err)) errors.push_back({true, i, err});
  }
  // A configured language uses its configured packs alone; built-ins serve the others.
  shared->packs.addMissing(LanguagePacks::builtin());
  shared->language = options.language.empty() ? "English" : options.language;
  shared->dict = shared->packs.find(shared->language);
  tmpl::TemplateSet set = builtinSet().clone();
  for (size_t i = 0; i < options.templates.size(); ++i) {
    std::string err;
    if (!set.parse(options.templates[i].text, &err)) errors.push_back({false, i, err});
  }
  if (!errors.empty()) return nullptr;
  return std::make_shared<const Renderer>(std::move(set), std::move(shared));
}

const std::string& Renderer::language() const {
  return shared_->language;
}

std::shared_ptr<const Renderer> Renderer::withTemplates(const std::string& text,
                                                        std::string& err) const {
  std::lock_guard<std::mutex> g(mu_);
  if (auto it = children_.find(text); it != children_.end()) return it->second;
  tmpl::TemplateSet set = set_.clone();
  if (!set.parse(text, &err)) return nullptr;
  auto child = std::make_shared<const Renderer>(std::move(set), shared_);
  if (children_.size() >= 256) children_.clear();  // bounded: ad-hoc requests bring texts too
  children_.emplace(text, child);
  return child;
}

std::shared_ptr<const tmpl::TemplateSet> Renderer::textSet(std::string_view text,
                                                           std::string& err) const {
  std::lock_guard<std::mutex> g(mu_);
  if (auto it = texts_.find(text); it != texts_.end()) return it->second;
  auto set = std::make_shared<tmpl::TemplateSet>(set_.clone());
  std::string source;
  if (invokesTemplate(text)) {
    source = std::string(text);
  } else {
    source = "{{ template \"";
    for (char c : text) {
      if (c == '"' || c == '\\') source += '\\';
      source += c;
    }
    source += "\" . }}";
  }
  if (!set->parse(source, &err)) return nullptr;
  if (texts_.size() >= 256) texts_.clear();
  texts_.emplace(std::string(text), set);
  return set;
}

RenderResult Renderer::render(std::string_view name, const Data& data) const {
  return render(name, data, std::span<const AlertPtr>(data.alerts));
}

RenderResult Renderer::render(std::string_view name, const Data& data,
                              std::span<const AlertPtr> alerts) const {
  RenderResult r;
  std::shared_ptr<const tmpl::TemplateSet> textSetPtr;
  const bool named = set_.has(name) && name != kMainName;
  if (!named) {
    textSetPtr = textSet(name, r.error);
    if (!textSetPtr) return r;
  }
  tmpl::Arena arena;
  const tmpl::Value v = dataValue(arena, data, alerts, now());
  LanguageScope scope(shared_->dict, shared_->language);
  const bool ok = named ? set_.executeTemplate(r.text, name, v, &r.error)
                        : textSetPtr->execute(r.text, v, &r.error);
  if (!ok) {
    r.text.clear();
    if (r.error.empty()) r.error = "template: " + std::string(name) + ": execution failed";
    return r;
  }
  trimRight(r.text);
  return r;
}

std::shared_ptr<const tmpl::HtmlTemplateSet> Renderer::htmlSet() const {
  std::call_once(htmlOnce_, [this] { html_ = std::make_shared<tmpl::HtmlTemplateSet>(set_); });
  return html_;
}

std::shared_ptr<const tmpl::HtmlTemplateSet> Renderer::htmlTextSet(std::string_view text,
                                                                   std::string& err) const {
  {
    std::lock_guard<std::mutex> g(mu_);
    if (auto it = htmlTexts_.find(text); it != htmlTexts_.end()) return it->second;
  }
  auto set = textSet(text, err);
  if (!set) return nullptr;
  auto h = std::make_shared<const tmpl::HtmlTemplateSet>(*set);
  std::lock_guard<std::mutex> g(mu_);
  if (auto it = htmlTexts_.find(text); it != htmlTexts_.end()) return it->second;
  if (htmlTexts_.size() >= 256) htmlTexts_.clear();
  htmlTexts_.emplace(std::string(text), h);
  return h;
}

RenderResult Renderer::renderHtml(std::string_view name, const Data& data) const {
  return renderHtml(name, data, std::span<const AlertPtr>(data.alerts));
}

RenderResult Renderer::renderHtml(std::string_view name, const Data& data,
                                  std::span<const AlertPtr> alerts) const {
  RenderResult r;
  std::shared_ptr<const tmpl::HtmlTemplateSet> set;
  const bool named = set_.has(name) && name != kMainName;
  if (named) {
    set = htmlSet();
  } else {
    set = htmlTextSet(name, r.error);
    if (!set) return r;
  }
  tmpl::Arena arena;
  const tmpl::Value v = dataValue(arena, data, alerts, now());
  LanguageScope scope(shared_->dict, shared_->language);
  const bool ok =
      named ? set->executeTemplate(r.text, name, v, &r.error) : set->execute(r.text, v, &r.error);
  if (!ok) {
    r.text.clear();
    if (r.error.empty()) r.error = "html/template: " + std::string(name) + ": execution failed";
    return r;
  }
  trimRight(r.text);
  return r;
}

RenderResult Renderer::renderBody(const Data& data) const {
  RenderResult r;
  tmpl::Arena arena;
  const tmpl::Value v = dataValue(arena, data, now());
  LanguageScope scope(shared_->dict, shared_->language);
  if (!set_.execute(r.text, v, &r.error)) {
    r.text.clear();
    return r;
  }
  trimRight(r.text);
  return r;
}

std::string chooseTemplate(std::string_view builtinDefault, std::string_view global,
                           std::string_view channel, std::string_view receiver) {
  for (auto s : {receiver, channel, global})
    if (!s.empty()) return std::string(s);
  return std::string(builtinDefault);
}

bool invokesTemplate(std::string_view text) {
  for (size_t i = text.find("{{"); i != std::string_view::npos; i = text.find("{{", i + 2)) {
    size_t j = i + 2;
    if (j < text.size() && text[j] == '-') ++j;
    while (j < text.size() &&
           (text[j] == ' ' || text[j] == '\t' || text[j] == '\n' || text[j] == '\r'))
      ++j;
    if (text.substr(j, 8) == "template" && j + 8 < text.size() &&
        (text[j + 8] == ' ' || text[j + 8] == '\t' || text[j + 8] == '"' || text[j + 8] == '`'))
      return true;
  }
  return false;
}

void trimRight(std::string& s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r' || s.back() == '\n')) s.pop_back();
}

}  // namespace nm::render
