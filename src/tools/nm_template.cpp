// nm-template: renders a template file (or a named template of the built-in set) against a JSON
// file of Data in the webhook's shape, with a language and language packs, for template authors.
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "core/data.h"
#include "core/json.h"
#include "render/renderer.h"

namespace {

bool readFile(const std::string& path, std::string& out, std::string& err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    err = "cannot read " + path;
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

using nm::json::find;

bool labelsOf(const rapidjson::Value* j, const std::string& what, nm::LabelSet& out,
              std::string& err) {
  if (!j || j->IsNull()) return true;
  if (!j->IsObject()) {
    err = what + ": expected an object of strings";
    return false;
  }
  for (const auto& [k, v] : nm::json::sortedMembers(*j)) {
    if (!v->IsString()) {
      err = what + "." + std::string(k) + ": expected a string";
      return false;
    }
    out.appendUnsorted(std::string(k), std::string(v->GetString(), v->GetStringLength()));
  }
  out.normalize();
  return true;
}

// The string member `key` into `out`; absent or null leaves `out` alone.
bool stringOf(const rapidjson::Value& a, const char* key, const std::string& at, std::string& out,
              std::string& err) {
  const rapidjson::Value* v = find(a, key);
  if (!v || v->IsNull()) return true;
  if (!v->IsString()) {
    err = at + "." + key + ": expected a string";
    return false;
  }
  out.assign(v->GetString(), v->GetStringLength());
  return true;
}

bool timeOf(const rapidjson::Value& a, const char* key, const std::string& at, nm::TimePoint& out,
            std::string& err) {
  const rapidjson::Value* v = find(a, key);
  if (!v || v->IsNull()) return true;
  const std::string s = v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : "";
  if (v->IsString() && (s.empty() || s == "0001-01-01T00:00:00Z")) {
    out = nm::kZeroTime;  // Go's zero time: unset
    return true;
  }
  auto t = v->IsString() ? nm::parseRfc3339(s) : std::nullopt;
  if (!t) {
    err = at + "." + key + ": expected an RFC 3339 time";
    return false;
  }
  out = *t;
  return true;
}

// {"receiver","alerts":[{status,labels,annotations,startsAt,endsAt,generatorURL}],
//  "groupLabels","commonLabels","commonAnnotations"} → Data.
bool decodeData(const std::string& text, nm::Data& d, std::string& err) {
  const nm::json::Parsed j = nm::json::parse(text);
  if (!j.ok()) {
    err = "invalid JSON: " + j.error;
    return false;
  }
  if (!j.doc.IsObject()) {
    err = "expected a JSON object";
    return false;
  }
  if (auto r = nm::json::stringMember(j.doc, "receiver")) d.receiverName = *r;
  if (!labelsOf(find(j.doc, "groupLabels"), "groupLabels", d.groupLabels, err) ||
      !labelsOf(find(j.doc, "commonLabels"), "commonLabels", d.commonLabels, err) ||
      !labelsOf(find(j.doc, "commonAnnotations"), "commonAnnotations", d.commonAnnotations, err))
    return false;
  const rapidjson::Value* alerts = find(j.doc, "alerts");
  if (!alerts) return true;
  if (!alerts->IsArray()) {
    err = "alerts: expected an array";
    return false;
  }
  for (rapidjson::SizeType i = 0; i < alerts->Size(); ++i) {
    const rapidjson::Value& a = (*alerts)[i];
    const std::string at = "alerts[" + std::to_string(i) + "]";
    if (!a.IsObject()) {
      err = at + ": expected an object";
      return false;
    }
    auto alert = std::make_shared<nm::Alert>();
    std::string status;
    if (!labelsOf(find(a, "labels"), at + ".labels", alert->labels, err) ||
        !labelsOf(find(a, "annotations"), at + ".annotations", alert->annotations, err) ||
        !timeOf(a, "startsAt", at, alert->startsAt, err) ||
        !timeOf(a, "endsAt", at, alert->endsAt, err) || !stringOf(a, "status", at, status, err) ||
        !stringOf(a, "generatorURL", at, alert->generatorURL, err))
      return false;
    if (status == "resolved" ||
        (status.empty() && alert->endsAt != nm::kZeroTime && alert->endsAt <= nm::now())) {
      alert->status = nm::AlertStatus::Resolved;
    } else if (!status.empty() && status != "firing") {
      err = at + ".status: expected \"firing\" or \"resolved\"";
      return false;
    }
    nm::finalizeIdentity(*alert);
    d.alerts.push_back(std::move(alert));
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Render a Notification Manager template against a JSON file of Data (the webhook's "
      "shape) and print the result, or the error with its position."};
  std::string dataFile, templateFile, name, language = "English";
  std::vector<std::string> packs;
  app.add_option("-d,--data", dataFile, "JSON file of Data: {\"alerts\":[...],\"groupLabels\":...}")
      ->required();
  app.add_option("-f,--file", templateFile,
                 "template file parsed on top of the built-in set (as spec.template.text)");
  app.add_option("-n,--name", name,
                 "template to render (a name, or text invoking {{ template }}); default: the "
                 "file's top-level text");
  app.add_option("-l,--language", language, "language of translate/message (English, zh-cn, ...)");
  app.add_option("-p,--language-pack", packs, "language pack YAML file (repeatable)");
  bool htmlMode = false;
  app.add_flag("--html", htmlMode,
               "HTML mode as email bodies use it: Go html/template's contextual autoescaping "
               "(needs --name)");
  CLI11_PARSE(app, argc, argv);

  auto fail = [](const std::string& msg) {
    std::cerr << "nm-template: " << msg << "\n";
    return 1;
  };
  if (name.empty() && templateFile.empty()) return fail("give --file and/or --name");
  if (htmlMode && name.empty()) return fail("--html needs --name (the template to render)");

  nm::render::RendererOptions o;
  o.language = language;
  std::string err, text;
  if (!templateFile.empty()) {
    if (!readFile(templateFile, text, err)) return fail(err);
    o.templates.push_back({templateFile, text});
  }
  for (const auto& p : packs) {
    std::string pack;
    if (!readFile(p, pack, err)) return fail(err);
    o.languagePacks.push_back({p, pack});
  }
  std::vector<nm::render::LoadError> errors;
  auto renderer = nm::render::Renderer::build(o, errors);
  if (!renderer) {
    for (const auto& e : errors) {
      const auto& src = e.languagePack ? o.languagePacks[e.index] : o.templates[e.index];
      std::cerr << "nm-template: " << src.label << ": " << e.message << "\n";
    }
    return 1;
  }
  std::string dataText;
  if (!readFile(dataFile, dataText, err)) return fail(err);
  nm::Data data;
  if (!decodeData(dataText, data, err)) return fail(dataFile + ": " + err);

  nm::render::RenderResult r = htmlMode       ? renderer->renderHtml(name, data)
                               : name.empty() ? renderer->renderBody(data)
                                              : renderer->render(name, data);
  if (!r.ok()) return fail(r.error);
  std::cout << r.text << "\n";
  return 0;
}
