// ClusterSource: the ConfigSource of Kubernetes mode — reflectors over the five v2beta2 kinds,
// the Secrets and ConfigMaps they reference (per namespace, only referenced ones kept) and the
// cluster-name objects; each object decoded when stored (its JSON not kept), coalesced change
// notifications, Events on skips.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "config/cluster_decoder.h"
#include "interfaces/config_source.h"
#include "kube/event_poster.h"
#include "kube/references.h"
#include "kube/reflector.h"
#include "kube/rest_client.h"

namespace nm::config {

class ClusterSource final : public ConfigSource {
 public:
  struct Options {
    // A change is notified once no other change came for `coalesce`, or `maxCoalesce` after
    // it at the latest: one onChange call per burst.
    std::chrono::milliseconds coalesce{100};
    std::chrono::milliseconds maxCoalesce{1000};
    // load() before the initial lists completed waits this long, then refuses naming what is
    // missing.
    std::chrono::seconds syncTimeout{30};
    kube::ReflectorOptions reflector;
  };

  explicit ClusterSource(kube::KubeConfig config);
  ClusterSource(kube::KubeConfig config, Options options);
  ~ClusterSource() override;
  ClusterSource(const ClusterSource&) = delete;
  ClusterSource& operator=(const ClusterSource&) = delete;

  std::string name() const override { return "cluster:" + client_.config().server; }
  SourceLoad load(const std::string& unlessFingerprint = {}) override;
  void watch(std::function<void()> onChange) override;
  void stop() override;
  void reportSkipped(const model::Diagnostics& skipped) override;

  // Starts the reflectors (load() and watch() do it too).
  void start();

 private:
  // The referenced names of one namespace, read by its reflector's keep filter.
  struct NameSet {
    std::mutex mu;
    std::set<std::string> names;
  };
  struct NamespaceWatch {
    std::shared_ptr<NameSet> names;
    std::unique_ptr<kube::Reflector> reflector;
  };
  using NamespaceReflectors = std::map<std::string, NamespaceWatch>;

  void changed();
  void run();
  // Recomputes the references and starts/stops the per-namespace reflectors to match.
  void reconcile();
  void syncNamespaces(NamespaceReflectors& current,
                      const std::map<std::string, std::set<std::string>>& want, const char* kind,
                      const char* plural);
  bool allSynced() const;
  std::vector<kube::ObjectPtr> allObjects() const;
  std::string notSyncedReport() const;
  kube::ObjectPtr findObject(const model::Origin& o) const;

  kube::RestClient client_;
  const Options options_;
  kube::EventPoster events_;

  // Reflectors: fixed ones from start(); per-namespace ones changed by the manager thread.
  mutable std::mutex reflMu_;
  std::vector<std::unique_ptr<kube::Reflector>> resources_;    // the five kinds (required)
  std::vector<std::unique_ptr<kube::Reflector>> clusterInfo_;  // cluster name (optional)
  NamespaceReflectors secrets_, configMaps_;
  bool started_ = false;

  // Manager thread state.
  std::mutex mu_;
  std::condition_variable cv_;
  bool dirty_ = false;
  bool stopping_ = false;
  bool ready_ = false;  // initial lists done and references reconciled
  std::function<void()> onChange_;
  std::thread manager_;
};

}  // namespace nm::config
