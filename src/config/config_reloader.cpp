// Reload = source.load + (unless the fingerprint is the published one) buildSnapshot + publish,
// with counts and timings logged on success, every diagnostic logged on failure, and the reload
// metrics.
#include "config/config_reloader.h"

#include <set>

#include "config/snapshot_builder.h"
#include "observe/log.h"
#include "observe/metrics.h"

namespace nm::config {

namespace {

std::string millisSince(std::chrono::steady_clock::time_point t0) {
  const auto us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  return std::to_string(us / 1000) + "." + std::to_string(us % 1000 / 100) + "ms";
}

}  // namespace

ConfigReloader::ConfigReloader(ConfigSource& source, SnapshotStore& store,
                               const ChannelServices* services, metrics::Registry& registry)
    : source_(source),
      store_(store),
      services_(services),
      reloads_(registry.counter("nm_config_reloads_total",
                                "Configuration reload attempts by result.", {"result"})),
      skipped_(registry.counter("nm_config_reloads_skipped_total",
                                "Configuration reloads not rebuilt because the content equals the "
                                "running configuration's.")),
      lastSuccess_(registry.gauge("nm_config_last_reload_success_timestamp_seconds",
                                  "Unix time of the last successful configuration load.")),
      objectsSkipped_(registry.gauge("nm_config_objects_skipped",
                                     "Invalid objects left out of the running configuration "
                                     "(Kubernetes mode).")) {}

ConfigReloader::~ConfigReloader() {
  stop();
}

ReloadOutcome ConfigReloader::reload() {
  std::lock_guard<std::mutex> g(mu_);
  const TimePoint t = now();
  const auto t0 = std::chrono::steady_clock::now();
  status_.lastAttempt = t;
  const std::string source = source_.name();
  SnapshotPtr cur = store_.current();
  SourceLoad loaded = source_.load(cur ? cur->fingerprint : std::string());
  model::Diagnostics diags = std::move(loaded.diags);
  // Warnings (a deprecated v2beta1 object converted on load) never refuse a load.
  for (const auto& w : diags.warnings())
    log::warn("configuration warning", {{"source", source}, {"warning", w.str()}});
  ReloadOutcome out;
  if (diags.ok() && cur && (loaded.unchanged || cur->fingerprint == loaded.config.fingerprint)) {
    // What runs is what was read: a touched file, an event on a file rewritten as it was, a
    // reverted bad edit (which also clears its error).
    status_.lastError.clear();
    status_.lastErrorTime = kZeroTime;
    ++status_.skipped;
    skipped_.with({}).inc();
    log::debug(
        "configuration unchanged, not rebuilt",
        {{"source", source}, {"version", std::to_string(cur->version)}, {"took", millisSince(t0)}});
    out.ok = true;
    out.skipped = true;
    return out;
  }
  const auto loadTook = millisSince(t0);
  BuildResult built;
  if (diags.ok()) {
    BuildOptions opts{services_,
                      source,
                      (cur ? cur->version : 0) + 1,
                      loaded.config.fingerprint,
                      cur,
                      loaded.config.skipInvalidObjects};
    built =
        buildSnapshot(std::move(loaded.config.resources), std::move(loaded.config.secrets), opts);
    diags.append(built.diags);
  }
  if (!diags.ok() || !built.snapshot) {
    out.error = diags.ok() ? std::string("configuration could not be built") : diags.str();
    for (const auto& d : diags.items()) {
      log::error("configuration rejected", {{"source", source}, {"error", d.str()}});
    }
    if (cur)
      log::error("keeping the running configuration", {{"version", std::to_string(cur->version)}});
    status_.lastError = out.error;
    status_.lastErrorTime = t;
    reloads_.with({"failure"}).inc();
    return out;
  }
  const Snapshot& s = *built.snapshot;
  // Every object left out: the source's (did not decode) and the builder's (did not build).
  model::Diagnostics skipped = std::move(loaded.config.skipped);
  skipped.append(built.skipped);
  std::set<std::string> skippedObjects;
  status_.skippedObjects.clear();
  for (const auto& d : skipped.items()) {
    skippedObjects.insert(d.origin.describe());
    status_.skippedObjects.push_back(d.str());
    log::warn("configuration object skipped",
              {{"source", source}, {"object", d.origin.describe()}, {"error", d.str()}});
  }
  objectsSkipped_.with({}).set(static_cast<double>(skippedObjects.size()));
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
  size_t tenantInhibitRules = 0;
  for (const auto& [tenant, v] : s.tenantInhibitRules) tenantInhibitRules += v.size();
  log::info("configuration reloaded",
            {{"source", source},
             {"version", std::to_string(s.version)},
             {"items", std::to_string(loaded.config.items)},
             {"receivers", std::to_string(s.receivers.size())},
             {"configs", std::to_string(configs)},
             {"routers", std::to_string(s.routers.size())},
             {"silences", std::to_string(s.globalSilences.size() + tenantSilences)},
             {"inhibit_rules", std::to_string(s.globalInhibitRules.size() + tenantInhibitRules)},
             {"history", s.history ? "true" : "false"},
             {"receivers_reused", std::to_string(built.receiversReused)},
             {"receivers_built", std::to_string(built.receiversBuilt)},
             {"objects_skipped", std::to_string(skippedObjects.size())},
             {"load_took", loadTook},
             {"took", millisSince(t0)}});
  out.ok = true;
  if (loaded.config.skipInvalidObjects) source_.reportSkipped(skipped);
  cur.reset();  // the previous snapshot goes now unless a batch still holds it
  if (afterPublish_) afterPublish_();
  return out;
}

void ConfigReloader::setAfterPublish(std::function<void()> fn) {
  std::lock_guard<std::mutex> g(mu_);
  afterPublish_ = std::move(fn);
}

ReloadStatus ConfigReloader::status() const {
  std::lock_guard<std::mutex> g(mu_);
  return status_;
}

void ConfigReloader::start() {
  source_.watch([this] { reload(); });
}

void ConfigReloader::stop() {
  source_.stop();
}

}  // namespace nm::config
