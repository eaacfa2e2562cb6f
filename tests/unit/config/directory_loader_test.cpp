// Directory loading: recursive, sorted, extension filter, dot entries skipped (ConfigMap mounts),
// multi-document files, missing directory.
#include "config/directory_loader.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "config_test_util.h"

namespace nm::config::test {
namespace {

std::string cm(const std::string& name) {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + name + "}\n";
}

TEST(DirectoryLoader, RecursiveSortedFiltered) {
  TempDir d;
  d.write("b.yaml", cm("b"));
  d.write("a.yml", cm("a1") + "---\n" + cm("a2"));
  d.write("sub/c.json", R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}})");
  d.write("notes.txt", "not: [yaml");
  d.write(".hidden.yaml", "not: [yaml");
  d.write(".git/x.yaml", "not: [yaml");
  d.write("empty.yaml", "");
  auto r = loadDirectory(d.path());
  ASSERT_TRUE(r.diags.ok()) << r.diags.str();
  ASSERT_EQ(r.files.size(), 4u);
  EXPECT_EQ(r.files[0], d.path() + "/a.yml");
  EXPECT_EQ(r.files[3], d.path() + "/sub/c.json");
  ASSERT_EQ(r.resources.configMaps.size(), 4u);
  EXPECT_EQ(r.resources.configMaps[0].name, "a1");
  EXPECT_EQ(r.resources.configMaps[1].origin.document, 2);
  EXPECT_EQ(r.resources.configMaps[2].name, "b");
  EXPECT_EQ(r.resources.configMaps[3].name, "c");
}

TEST(DirectoryLoader, ConfigMapMountLayout) {
  TempDir d;
  namespace fs = std::filesystem;
  d.write("..2024_01_01/receivers.yaml", cm("mounted"));
  fs::create_directory_symlink("..2024_01_01", fs::path(d.path()) / "..data");
  fs::create_symlink("..data/receivers.yaml", fs::path(d.path()) / "receivers.yaml");
  auto r = loadDirectory(d.path());
  ASSERT_TRUE(r.diags.ok()) << r.diags.str();
  ASSERT_EQ(r.resources.configMaps.size(), 1u);
  EXPECT_EQ(r.resources.configMaps[0].name, "mounted");
}

TEST(DirectoryLoader, ErrorsNameTheFile) {
  TempDir d;
  const std::string f = d.write("x/bad.yaml", cm("ok") + "---\n" + cm("dup") + "extra: 1\n");
  auto r = loadDirectory(d.path());
  ASSERT_EQ(r.diags.items().size(), 1u);
  EXPECT_TRUE(hasDiag(r.diags, f + ": document 2 (ConfigMap/dup): extra: unknown field"))
      << r.diags.str();
}

TEST(DirectoryLoader, MissingDirectory) {
  auto r = loadDirectory("/nonexistent/nm-config-dir");
  ASSERT_FALSE(r.diags.ok());
  EXPECT_TRUE(hasDiag(r.diags,
                      "/nonexistent/nm-config-dir: cannot access configuration "
                      "directory: No such file or directory"))
      << r.diags.str();
  TempDir d;
  const std::string f = d.write("file.yaml", "");
  model::Diagnostics diags;
  listConfigFiles(f, diags);
  EXPECT_TRUE(hasDiag(diags, "is not a directory")) << diags.str();
}

}  // namespace
}  // namespace nm::config::test
