// DirectorySource: loadDirectory + the content fingerprint + the file-mode Secret resolver, and
// the DirectoryWatcher's thread started by watch() and joined by stop().
#include "config/directory_source.h"

#include <fstream>
#include <sstream>

#include "config/content_fingerprint.h"
#include "config/directory_loader.h"
#include "config/secret_resolver.h"

namespace nm::config {

DirectorySource::DirectorySource(std::string dir, DirectoryWatcher::Options options)
    : dir_(std::move(dir)), options_(options) {}

DirectorySource::~DirectorySource() {
  stop();
}

namespace {

// The whole content's fingerprint: the config files' plus the bytes of the template files.
std::string contentFingerprint(const std::string& filesFingerprint,
                               const std::vector<std::string>& templateFiles) {
  if (templateFiles.empty()) return filesFingerprint;
  ContentFingerprint fp;
  fp.add("files", filesFingerprint);
  for (const auto& f : templateFiles) {
    std::ifstream in(f, std::ios::binary);
    std::ostringstream text;
    if (in) text << in.rdbuf();
    fp.add("templateFile " + f, in ? text.view() : std::string_view("\n<unreadable>"));
  }
  return fp.hex();
}

}  // namespace

SourceLoad DirectorySource::load(const std::string& unlessFingerprint) {
  ReadResult read = readDirectory(dir_);
  SourceLoad out;
  if (read.diags.ok() && !unlessFingerprint.empty() &&
      read.fingerprint == decodedFilesFingerprint_ &&
      contentFingerprint(read.fingerprint, decodedTemplateFiles_) == unlessFingerprint) {
    out.unchanged = true;
    out.config.fingerprint = unlessFingerprint;
    out.config.items = read.files.size();
    return out;
  }
  out.config.items = read.files.size();
  LoadResult r = decodeFiles(std::move(read));
  out.diags = std::move(r.diags);
  decodedFilesFingerprint_ = r.fingerprint;
  decodedTemplateFiles_.clear();
  if (!r.resources.notificationManagers.empty())
    decodedTemplateFiles_ = r.resources.notificationManagers.front().globalTemplateFiles;
  out.config.fingerprint = contentFingerprint(r.fingerprint, decodedTemplateFiles_);
  out.config.secrets = makeResourceSecretResolver(r.resources);
  out.config.resources = std::move(r.resources);
  return out;
}

void DirectorySource::watch(std::function<void()> onChange) {
  std::lock_guard<std::mutex> g(mu_);
  if (watcher_) return;
  watcher_ = std::make_unique<DirectoryWatcher>(dir_, std::move(onChange), options_);
  watcher_->start();
}

void DirectorySource::stop() {
  std::unique_ptr<DirectoryWatcher> w;
  {
    std::lock_guard<std::mutex> g(mu_);
    w = std::move(watcher_);
  }
  if (w) w->stop();  // joins outside the lock: the callback may be running
}

bool DirectorySource::usingInotify() const {
  std::lock_guard<std::mutex> g(mu_);
  return watcher_ && watcher_->usingInotify();
}

}  // namespace nm::config
