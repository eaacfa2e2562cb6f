// Reload = loadDirectory + buildSnapshot + publish, with counts logged on success, every
// diagnostic logged on failure, and the reload metrics.
#include "config/config_reloader.h"

#include "config/directory_loader.h"
#include "config/snapshot_builder.h"
#include "observe/log.h"
#include "observe/metrics.h"

namespace nm::config {

ConfigReloader::ConfigReloader(std::string dir, SnapshotStore& store,
                               const ChannelServices* services, metrics::Registry& registry)
    : dir_(std::move(dir)),
      store_(store),
      services_(services),
      reloads_(registry.counter("nm_config_reloads_total",
                                "Configuration reload attempts by result.", {"result"})),
      lastSuccess_(registry.gauge("nm_config_last_reload_success_timestamp_seconds",
                                  "Unix time of the last successful configuration load.")) {}

ConfigReloader::~ConfigReloader() {
  stop();
}

ReloadOutcome ConfigReloader::reload() {
  std::lock_guard<std::mutex> g(mu_);
  const TimePoint t = now();
  status_.lastAttempt = t;
  LoadResult loaded = loadDirectory(dir_);
  model::Diagnostics diags = std::move(loaded.diags);
  BuildResult built;
  if (diags.ok()) {
    SnapshotPtr cur = store_.current();
    BuildOptions opts{services_, "dir:" + dir_, (cur ? cur->version : 0) + 1};
    built = buildSnapshot(std::move(loaded.resources), opts);
    diags.append(built.diags);
  }
  ReloadOutcome out;
  if (!diags.ok() || !built.snapshot) {
    out.error = diags.ok() ? std::string("configuration could not be built") : diags.str();
    for (const auto& d : diags.items()) {
      log::error("configuration rejected", {{"dir", dir_}, {"error", d.str()}});
    }
    if (store_.current())
      log::error("keeping the running configuration",
                 {{"version", std::to_string(store_.current()->version)}});
    status_.lastError = out.error;
    status_.lastErrorTime = t;
    reloads_.with({"failure"}).inc();
    return out;
  }
  const Snapshot& s = *built.snapshot;
  store_.publish(built.snapshot);
  status_.version = s.version;
  status_.lastSuccess = t;
  status_.lastError.clear();
  status_.lastErrorTime = kZeroTime;
  reloads_.with({"success"}).inc();
  lastSuccess_.with({}).set(std::chrono::duration<double>(t.time_since_epoch()).count());
  size_t configs = 0;
  for (const auto& [type, v] : s.configsByType) configs += v.size();
  size_t tenantSilences = 0;
  for (const auto& [tenant, v] : s.tenantSilences) tenantSilences += v.size();
  log::info("configuration reloaded",
            {{"dir", dir_},
             {"version", std::to_string(s.version)},
             {"files", std::to_string(loaded.files.size())},
             {"receivers", std::to_string(s.receivers.size())},
             {"configs", std::to_string(configs)},
             {"routers", std::to_string(s.routers.size())},
             {"silences", std::to_string(s.globalSilences.size() + tenantSilences)},
             {"history", s.history ? "true" : "false"}});
  out.ok = true;
  return out;
}

ReloadStatus ConfigReloader::status() const {
  std::lock_guard<std::mutex> g(mu_);
  return status_;
}

void ConfigReloader::start(DirectoryWatcher::Options options) {
  if (watcher_) return;
  watcher_ = std::make_unique<DirectoryWatcher>(
      dir_, [this] { reload(); }, options);
  watcher_->start();
}

void ConfigReloader::stop() {
  if (!watcher_) return;
  watcher_->stop();
  watcher_.reset();
}

}  // namespace nm::config
