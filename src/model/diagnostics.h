// Config errors that name the file, the document and the field path, e.g.
// "receivers.yaml: document 2 (Receiver/team-a): spec.webhook.url: expected a string".
#pragma once

#include <string>
#include <vector>

namespace nm::model {

// Where a resource came from: a file and document (file mode), or an API object (the Kubernetes
// source: kind, namespace, name, resourceVersion). Error texts use describe().
struct Origin {
  std::string file;
  int document = 0;  // 1-based index of the YAML document within the file
  std::string kind;
  std::string name;
  std::string ns = {};               // API objects: empty for cluster-scoped kinds
  std::string resourceVersion = {};  // API objects: the version that was read

  // An API object's origin (file empty).
  static Origin apiObject(std::string kind, std::string ns, std::string name,
                          std::string resourceVersion);
  bool isApiObject() const { return file.empty() && !kind.empty() && !name.empty(); }

  // "receivers.yaml: document 2 (Receiver/team-a)" for a file;
  // "Secret default/hook-token (resourceVersion 42)" for an API object.
  std::string describe() const;
};

struct Diagnostic {
  Origin origin;
  std::string path;  // field path: "spec.receivers.regexName"; empty for the whole document
  std::string message;

  std::string str() const;
};

class Diagnostics {
 public:
  void error(const Origin& o, std::string path, std::string message) {
    items_.push_back({o, std::move(path), std::move(message)});
  }
  // A warning (e.g. a deprecated apiVersion converted on load): logged by whoever loads, never a
  // reason to refuse. ok(), items() and str() are about errors only.
  void warn(const Origin& o, std::string path, std::string message) {
    warnings_.push_back({o, std::move(path), std::move(message)});
  }
  bool ok() const { return items_.empty(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  const std::vector<Diagnostic>& warnings() const { return warnings_; }
  void append(const Diagnostics& other) {
    items_.insert(items_.end(), other.items_.begin(), other.items_.end());
    warnings_.insert(warnings_.end(), other.warnings_.begin(), other.warnings_.end());
  }
  // All error messages, one per line.
  std::string str() const;

 private:
  std::vector<Diagnostic> items_;
  std::vector<Diagnostic> warnings_;
};

}  // namespace nm::model
