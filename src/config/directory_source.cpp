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

SourceLoad DirectorySource::load() {
  LoadResult r = loadDirectory(dir_);
  SourceLoad out;
  out.diags = std::move(r.diags);
  out.config.items = r.files.size();
  ContentFingerprint fp;
  fp.add("files", r.fingerprint);
  if (!r.resources.notificationManagers.empty()) {
    for (const auto& f : r.resources.notificationManagers.front().globalTemplateFiles) {
      std::ifstream in(f, std::ios::binary);
      std::ostringstream text;
      if (in) text << in.rdbuf();
      fp.add("templateFile " + f, in ? text.str() : std::string("\n<unreadable>"));
    }
  }
  out.config.fingerprint = fp.hex();
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
