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

ReadResult readDirectory(const std::string& dir) {
  ReadResult r;
  ContentFingerprint fp;
  for (auto& f : listConfigFiles(dir, r.diags)) {
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      model::Origin o;
      o.file = f;
      r.diags.error(o, "", "cannot read file");
      continue;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    fp.add(f, ss.view());
    r.files.emplace_back(std::move(f), std::move(ss).str());
  }
  r.fingerprint = fp.hex();
  return r;
}

LoadResult decodeFiles(ReadResult read) {
  LoadResult r;
  r.diags = std::move(read.diags);
  r.fingerprint = std::move(read.fingerprint);
  for (auto& [path, text] : read.files) {
    model::decodeText(text, path, r.resources, r.diags);
    std::string().swap(text);  // each file's bytes go once decoded
    r.files.push_back(std::move(path));
  }
  return r;
}

LoadResult loadDirectory(const std::string& dir) {
  return decodeFiles(readDirectory(dir));
}

}  // namespace nm::config
