// nm-template: renders a template file (or a named template of the built-in set) against a JSON
// file of Data in the webhook's shape, with a language and language packs, for template authors.
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/data.h"
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

bool labelsOf(const nlohmann::json& j, const char* what, nm::LabelSet& out, std::string& err) {
  if (j.is_null()) return true;
  if (!j.is_object()) {
    err = std::string(what) + ": expected an object of strings";
    return false;
  }
  for (const auto& [k, v] : j.items()) {
    if (!v.is_string()) {
      err = std::string(what) + "." + k + ": expected a string";
      return false;
    }
    out.appendUnsorted(k, v.get<std::string>());
  }
  out.normalize();
  return true;
}

bool timeOf(const nlohmann::json& a, const char* key, const std::string& at, nm::TimePoint& out,
            std::string& err) {
  if (!a.contains(key) || a[key].is_null()) return true;
  const auto* s = a[key].get_ptr<const std::string*>();
  if (s && (s->empty() || *s == "0001-01-01T00:00:00Z")) {
    out = nm::kZeroTime;  // Go's zero time: unset
    return true;
  }
  auto t = s ? nm::parseRfc3339(*s) : std::nullopt;
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
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    err = e.what();
    return false;
  }
  if (!j.is_object()) {
    err = "expected a JSON object";
    return false;
  }
  if (j.contains("receiver") && j["receiver"].is_string()) d.receiverName = j["receiver"];
  if (!labelsOf(j.value("groupLabels", nlohmann::json()), "groupLabels", d.groupLabels, err) ||
      !labelsOf(j.value("commonLabels", nlohmann::json()), "commonLabels", d.commonLabels, err) ||
      !labelsOf(j.value("commonAnnotations", nlohmann::json()), "commonAnnotations",
                d.commonAnnotations, err))
    return false;
  const auto alerts = j.value("alerts", nlohmann::json::array());
  if (!alerts.is_array()) {
    err = "alerts: expected an array";
    return false;
  }
  for (size_t i = 0; i < alerts.size(); ++i) {
    const auto& a = alerts[i];
    const std::string at = "alerts[" + std::to_string(i) + "]";
    if (!a.is_object()) {
      err = at + ": expected an object";
      return false;
    }
    auto alert = std::make_shared<nm::Alert>();
    if (!labelsOf(a.value("labels", nlohmann::json()), (at + ".labels").c_str(), alert->labels,
                  err) ||
        !labelsOf(a.value("annotations", nlohmann::json()), (at + ".annotations").c_str(),
                  alert->annotations, err) ||
        !timeOf(a, "startsAt", at, alert->startsAt, err) ||
        !timeOf(a, "endsAt", at, alert->endsAt, err))
      return false;
    const std::string status = a.value("status", std::string());
    if (status == "resolved" ||
        (status.empty() && alert->endsAt != nm::kZeroTime && alert->endsAt <= nm::now())) {
      alert->status = nm::AlertStatus::Resolved;
    } else if (!status.empty() && status != "firing") {
      err = at + ".status: expected \"firing\" or \"resolved\"";
      return false;
    }
    alert->generatorURL = a.value("generatorURL", std::string());
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
