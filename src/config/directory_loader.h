// The directory loader: every .yaml/.yml/.json file under a directory (recursively, dot-entries
// skipped, sorted by path), each multi-document, decoded into one ResourceSet.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/diagnostics.h"
#include "model/resources.h"

namespace nm::config {

// The files' bytes, read but not decoded: enough to tell whether anything changed.
struct ReadResult {
  std::vector<std::pair<std::string, std::string>> files;  // path, bytes; sorted by path
  model::Diagnostics diags;
  std::string fingerprint;  // ContentFingerprint hex over each file's path and bytes
};

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

// Reads every config file below `dir` (a file that cannot be read is a diagnostic).
ReadResult readDirectory(const std::string& dir);
// Decodes what readDirectory read.
LoadResult decodeFiles(ReadResult read);
// readDirectory + decodeFiles.
LoadResult loadDirectory(const std::string& dir);

}  // namespace nm::config
