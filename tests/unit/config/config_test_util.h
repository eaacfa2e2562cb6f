// Helpers of the config tests: a temporary directory, inline YAML decoding, a failing HttpClient
// (so notifiers can be built without a network), diagnostic search.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "config/snapshot_builder.h"
#include "fake_http_client.h"
#include "interfaces/http_client.h"
#include "model/decode.h"
#include "test_services.h"

namespace nm::config::test {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "nm-config-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string write(const std::string& rel, const std::string& content) const {
    std::filesystem::path p = std::filesystem::path(path_) / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary | std::ios::trunc) << content;
    return p.string();
  }

 private:
  std::string path_;
};

// Notifiers can be built without a network: every send fails as if nothing listened.
inline nm::test::FakeHttpClient nullHttpClient() {
  return nm::test::FakeHttpClient(nm::test::transportError("null client"));
}

inline model::ResourceSet decodeYaml(const std::string& yaml, model::Diagnostics& diags,
                                     const std::string& file = "f.yaml") {
  model::ResourceSet rs;
  model::decodeText(yaml, file, rs, diags);
  return rs;
}

inline bool hasDiag(const model::Diagnostics& diags, const std::string& needle) {
  for (const auto& d : diags.items()) {
    if (d.str().find(needle) != std::string::npos) return true;
  }
  return false;
}

// Decodes and builds; decode errors are folded into the result.
inline BuildResult build(const std::string& yaml, HttpClient* http = nullptr) {
  model::Diagnostics diags;
  auto rs = decodeYaml(yaml, diags);
  BuildResult r = buildSnapshot(
      std::move(rs), BuildOptions{http ? &nm::test::servicesFor(*http) : nullptr, "test", 1});
  diags.append(r.diags);
  r.diags = diags;
  if (!r.diags.ok()) r.snapshot = nullptr;
  return r;
}

inline constexpr const char* kV2 = "apiVersion: notification.kubesphere.io/v2beta2\n";

}  // namespace nm::config::test
