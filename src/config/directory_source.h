// DirectorySource: the ConfigSource of file mode — the directory loader for load(), the
// directory watcher (only the files the loader reads, debounced) for watch().
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config/directory_watcher.h"
#include "interfaces/config_source.h"

namespace nm::config {

class DirectorySource final : public ConfigSource {
 public:
  explicit DirectorySource(std::string dir, DirectoryWatcher::Options options = {});
  ~DirectorySource() override;
  DirectorySource(const DirectorySource&) = delete;
  DirectorySource& operator=(const DirectorySource&) = delete;

  std::string name() const override { return "dir:" + dir_; }
  // Every config file (see directory_loader.h), the Secret resolver over its Secret manifests,
  // and the fingerprint of the files' paths and bytes plus the NotificationManager's
  // templateFiles (read by the builder, so a changed template file is a changed configuration).
  // The files are read and hashed before decoding, so unchanged content costs only that.
  SourceLoad load(const std::string& unlessFingerprint = {}) override;
  void watch(std::function<void()> onChange) override;
  void stop() override;

  const std::string& dir() const { return dir_; }
  bool usingInotify() const;

 private:
  std::string dir_;
  DirectoryWatcher::Options options_;
  mutable std::mutex mu_;  // guards watcher_
  std::unique_ptr<DirectoryWatcher> watcher_;
  // The template files named by the last decoded content, keyed by its files' fingerprint: the
  // same files name the same template files, so they can be hashed without decoding.
  std::string decodedFilesFingerprint_;
  std::vector<std::string> decodedTemplateFiles_;
};

}  // namespace nm::config
