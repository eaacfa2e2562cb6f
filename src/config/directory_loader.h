// The directory loader: every .yaml/.yml/.json file under a directory (recursively, dot-entries
// skipped, sorted by path), each multi-document, decoded into one ResourceSet.
#pragma once

#include <string>
#include <vector>

#include "model/diagnostics.h"
#include "model/resources.h"

namespace nm::config {

struct LoadResult {
  model::ResourceSet resources;
  model::Diagnostics diags;
  std::vector<std::string> files;  // what was read, in order
};

// The config files below `dir`, sorted; skips names starting with '.' (and so the ConfigMap
// mount's ..data links). Errors (missing directory) go to diags.
std::vector<std::string> listConfigFiles(const std::string& dir, model::Diagnostics& diags);

LoadResult loadDirectory(const std::string& dir);

}  // namespace nm::config
