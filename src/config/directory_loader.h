// The directory loader: every .yaml/.yml/.json file under a directory (recursively, dot-entries
// skipped, sorted by path), each multi-document, decoded into one ResourceSet.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/diagnostics.h"
#include "model/resources.h"

namespace nm::config {

struct LoadResult {
  model::ResourceSet resources;
  model::Diagnostics diags;
  std::vector<std::string> files;  // what was read, in order
  std::string fingerprint;         // ContentFingerprint hex over each file's path and bytes
};

// The loader's filter, shared with the watcher. A directory entry whose name starts with '.' is
// never read nor descended into (the ConfigMap mount's ..data links, editors' swap files).
bool isSkippedEntryName(std::string_view name);
// A file the loader reads: not skipped, and named *.yaml, *.yml or *.json.
bool isConfigFileName(std::string_view name);

// The config files below `dir`, sorted; skips names starting with '.' (and so the ConfigMap
// mount's ..data links). Errors (missing directory) go to diags.
std::vector<std::string> listConfigFiles(const std::string& dir, model::Diagnostics& diags);

LoadResult loadDirectory(const std::string& dir);

}  // namespace nm::config
