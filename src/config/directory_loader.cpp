// Directory walking (std::filesystem, symlinks followed as a ConfigMap mount needs) and file
// reading; decoding is model::decodeText's.
#include "config/directory_loader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "config/content_fingerprint.h"
#include "model/decode.h"

namespace nm::config {

namespace fs = std::filesystem;

bool isSkippedEntryName(std::string_view name) {
  return name.starts_with(".");
}

bool isConfigFileName(std::string_view name) {
  return !isSkippedEntryName(name) &&
         (name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".json"));
}

namespace {

void walk(const fs::path& dir, std::vector<std::string>& out, model::Diagnostics& diags,
          int depth) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    model::Origin o;
    o.file = dir.string();
    diags.error(o, "", "cannot read directory: " + ec.message());
    return;
  }
  for (const auto& entry : it) {
    const fs::path& p = entry.path();
    const std::string name = p.filename().string();
    if (isSkippedEntryName(name)) continue;
    std::error_code sec;
    if (entry.is_directory(sec)) {
      if (depth < 32) walk(p, out, diags, depth + 1);  // bounded: symlink loops
    } else if (entry.is_regular_file(sec) && isConfigFileName(name)) {
      out.push_back(p.string());
    }
  }
}

}  // namespace

std::vector<std::string> listConfigFiles(const std::string& dir, model::Diagnostics& diags) {
  std::vector<std::string> files;
  std::error_code ec;
  model::Origin o;
  o.file = dir;
  if (!fs::is_directory(dir, ec)) {
    diags.error(o, "",
                ec ? "cannot access configuration directory: " + ec.message()
                   : std::string("configuration directory does not exist or is not a "
                                 "directory"));
    return files;
  }
  walk(dir, files, diags, 0);
  std::sort(files.begin(), files.end());
  return files;
}

LoadResult loadDirectory(const std::string& dir) {
  LoadResult r;
  r.files = listConfigFiles(dir, r.diags);
  ContentFingerprint fp;
  for (const auto& f : r.files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      model::Origin o;
      o.file = f;
      r.diags.error(o, "", "cannot read file");
      continue;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    fp.add(f, text);
    model::decodeText(text, f, r.resources, r.diags);
  }
  r.fingerprint = fp.hex();
  return r;
}

}  // namespace nm::config
