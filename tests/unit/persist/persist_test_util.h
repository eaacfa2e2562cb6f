// Helpers of the persist tests: a temporary directory removed at the end, and reading a table
// back into a map.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include "interfaces/state_backend.h"

namespace nm::persist::test {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "nm-persist-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::map<std::string, std::string> readTable(StateBackend& b, StateTable t) {
  std::map<std::string, std::string> out;
  std::string error;
  bool ok = b.load(
      t, [&](std::string_view k, std::string_view v) { out.emplace(k, v); }, error);
  if (!ok) out.emplace("<error>", error);
  return out;
}

}  // namespace nm::persist::test
