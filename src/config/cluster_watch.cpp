// ClusterSource's watching side: the reflectors it owns, the manager thread that follows
// references (per-namespace Secret/ConfigMap reflectors started, re-filtered, stopped) and
// coalesces changes into one onChange call per window once everything is listed.
#include "config/cluster_source.h"

#include "config/cluster_object.h"
#include "observe/log.h"

namespace nm::config {

namespace {

constexpr const char* kGroupPath = "/apis/notification.kubesphere.io/v2beta2/";

struct Kind {
  const char* kind;
  const char* plural;
};
constexpr Kind kKinds[] = {{"NotificationManager", "notificationmanagers"},
                           {"Config", "configs"},
                           {"Receiver", "receivers"},
                           {"Router", "routers"},
                           {"Silence", "silences"},
                           {"InhibitRule", "inhibitrules"}};

// Every reflector decodes what it stores and keeps that instead of the JSON.
ClusterSource::Options withDigest(ClusterSource::Options o) {
  o.reflector.digest = [](const kube::StoredObject& obj) { return DecodedObject::decode(obj); };
  return o;
}

}  // namespace

ClusterSource::ClusterSource(kube::KubeConfig config)
    : ClusterSource(std::move(config), Options{}) {}

ClusterSource::ClusterSource(kube::KubeConfig config, Options options)
    : client_(std::move(config)),
      options_(withDigest(std::move(options))),
      events_(client_, client_.config().ns) {}

ClusterSource::~ClusterSource() {
  stop();
}

void ClusterSource::start() {
  std::lock_guard<std::mutex> g(reflMu_);
  if (started_) return;
  started_ = true;
  auto onChange = [this] { changed(); };
  for (const Kind& k : kKinds) {
    resources_.push_back(std::make_unique<kube::Reflector>(
        client_,
        kube::ResourceType{k.kind, "notification.kubesphere.io/v2beta2",
                           std::string(kGroupPath) + k.plural},
        onChange, options_.reflector));
  }
  // The cluster name (options.global.cluster, else this namespace's annotation, else this
  // ConfigMap): optional, a cluster without KubeSphere has neither.
  clusterInfo_.push_back(
      std::make_unique<kube::Reflector>(client_,
                                        kube::ResourceType{"Namespace", "v1", "/api/v1/namespaces",
                                                           "metadata.name=kubesphere-system"},
                                        onChange, options_.reflector));
  clusterInfo_.push_back(std::make_unique<kube::Reflector>(
      client_,
      kube::ResourceType{"ConfigMap", "v1", "/api/v1/namespaces/kubesphere-system/configmaps",
                         "metadata.name=kubesphere-config"},
      onChange, options_.reflector));
  manager_ = std::thread([this] { run(); });
  for (auto& r : resources_) r->start();
  for (auto& r : clusterInfo_) r->start();
}

void ClusterSource::watch(std::function<void()> onChange) {
  start();
  std::lock_guard<std::mutex> g(mu_);
  if (onChange_) return;
  onChange_ = std::move(onChange);
  dirty_ = true;  // a change between the initial load and now is not lost
  cv_.notify_all();
}

void ClusterSource::stop() {
  {
    std::lock_guard<std::mutex> g(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (manager_.joinable()) manager_.join();
  // Reflectors call changed(), which only takes mu_: stopping them here cannot deadlock.
  std::lock_guard<std::mutex> g(reflMu_);
  for (auto& r : resources_) r->stop();
  for (auto& r : clusterInfo_) r->stop();
  for (auto& [ns, w] : secrets_) w.reflector->stop();
  for (auto& [ns, w] : configMaps_) w.reflector->stop();
}

void ClusterSource::changed() {
  std::lock_guard<std::mutex> g(mu_);
  dirty_ = true;
  cv_.notify_all();
}

void ClusterSource::run() {
  std::unique_lock<std::mutex> l(mu_);
  for (;;) {
    cv_.wait(l, [this] { return stopping_ || dirty_; });
    if (stopping_) return;
    // Let the burst finish: changes keep extending the window (up to maxCoalesce after the
    // first), so a burst of any length is a notification per second at most.
    if (ready_) {
      const auto first = std::chrono::steady_clock::now();
      for (;;) {
        dirty_ = false;
        if (!cv_.wait_for(l, options_.coalesce, [this] { return stopping_ || dirty_; })) break;
        if (stopping_) return;
        if (std::chrono::steady_clock::now() - first >= options_.maxCoalesce) break;
      }
    }
    dirty_ = false;
    l.unlock();
    reconcile();
    const bool synced = allSynced();
    l.lock();
    if (!synced) continue;  // a reflector still listing calls changed() when it is done
    if (!ready_) {
      ready_ = true;
      cv_.notify_all();
      log::info("initial lists from the Kubernetes API complete", {{"source", name()}});
    }
    auto cb = onChange_;
    if (!cb || stopping_) continue;
    l.unlock();
    cb();
    l.lock();
  }
}

void ClusterSource::reconcile() {
  std::vector<kube::ObjectPtr> crs;
  {
    std::lock_guard<std::mutex> g(reflMu_);
    for (const auto& r : resources_) {
      auto objs = r->objects();
      crs.insert(crs.end(), objs.begin(), objs.end());
    }
  }
  std::string defaultNs = client_.config().ns;
  bool defaultTaken = false;
  std::map<std::string, std::set<std::string>> secrets, configMaps;
  std::vector<std::shared_ptr<const DecodedObject>> decoded;
  decoded.reserve(crs.size());
  for (const auto& o : crs) {
    decoded.push_back(DecodedObject::of(*o));
    if (o->kind == "NotificationManager" && !defaultTaken) {
      defaultTaken = true;  // the first one counts, as in the snapshot
      if (!decoded.back()->defaultSecretNamespace.empty())
        defaultNs = decoded.back()->defaultSecretNamespace;
    }
  }
  for (const auto& d : decoded) {
    for (const auto& [ns, n] : d->refs.secrets) secrets[ns.empty() ? defaultNs : ns].insert(n);
    for (const auto& [ns, n] : d->refs.configMaps)
      configMaps[ns.empty() ? defaultNs : ns].insert(n);
  }
  syncNamespaces(secrets_, secrets, "Secret", "secrets");
  syncNamespaces(configMaps_, configMaps, "ConfigMap", "configmaps");
}

void ClusterSource::syncNamespaces(NamespaceReflectors& current,
                                   const std::map<std::string, std::set<std::string>>& want,
                                   const char* kind, const char* plural) {
  std::vector<std::unique_ptr<kube::Reflector>> stopped;
  std::vector<kube::Reflector*> started;
  {
    std::lock_guard<std::mutex> g(reflMu_);
    for (auto it = current.begin(); it != current.end();) {
      if (want.count(it->first)) {
        ++it;
        continue;
      }
      log::debug("no longer watching a namespace", {{"kind", kind}, {"namespace", it->first}});
      stopped.push_back(std::move(it->second.reflector));
      it = current.erase(it);
    }
    for (const auto& [ns, names] : want) {
      auto it = current.find(ns);
      if (it != current.end()) {
        bool differs;
        {
          std::lock_guard<std::mutex> ng(it->second.names->mu);
          differs = it->second.names->names != names;
          if (differs) it->second.names->names = names;
        }
        if (differs) it->second.reflector->relist();
        continue;
      }
      NamespaceWatch w;
      w.names = std::make_shared<NameSet>();
      w.names->names = names;
      kube::ReflectorOptions o = options_.reflector;
      o.keep = [set = w.names](const std::string&, const std::string& name) {
        std::lock_guard<std::mutex> ng(set->mu);
        return set->names.count(name) > 0;
      };
      w.reflector = std::make_unique<kube::Reflector>(
          client_, kube::ResourceType{kind, "v1", "/api/v1/namespaces/" + ns + "/" + plural},
          [this] { changed(); }, o);
      started.push_back(w.reflector.get());
      current.emplace(ns, std::move(w));
    }
  }
  for (auto& r : stopped) r->stop();
  for (auto* r : started) r->start();
}

bool ClusterSource::allSynced() const {
  std::lock_guard<std::mutex> g(reflMu_);
  for (const auto& r : resources_)
    if (!r->synced()) return false;
  for (const auto* m : {&secrets_, &configMaps_})
    for (const auto& [ns, w] : *m)
      if (!w.reflector->synced()) return false;
  return true;
}

std::vector<kube::ObjectPtr> ClusterSource::allObjects() const {
  std::vector<kube::ObjectPtr> out;
  std::lock_guard<std::mutex> g(reflMu_);
  auto add = [&out](const kube::Reflector& r) {
    auto objs = r.objects();
    out.insert(out.end(), objs.begin(), objs.end());
  };
  for (const auto& r : resources_) add(*r);
  for (const auto& r : clusterInfo_) add(*r);
  for (const auto* m : {&secrets_, &configMaps_}) {
    for (const auto& [ns, w] : *m) {
      auto objs = w.reflector->objects();  // before the names' lock: the keep filter's order
      std::lock_guard<std::mutex> ng(w.names->mu);
      for (auto& o : objs)
        if (w.names->names.count(o->name)) out.push_back(std::move(o));
    }
  }
  return out;
}

std::string ClusterSource::notSyncedReport() const {
  std::string s;
  std::lock_guard<std::mutex> g(reflMu_);
  auto add = [&s](const kube::Reflector& r) {
    if (r.synced()) return;
    if (!s.empty()) s += "; ";
    const std::string e = r.lastError();
    s += r.type().describe() + (e.empty() ? " not listed yet" : ": " + e);
  };
  for (const auto& r : resources_) add(*r);
  for (const auto* m : {&secrets_, &configMaps_})
    for (const auto& [ns, w] : *m) add(*w.reflector);
  return s.empty() ? "references not reconciled yet" : s;
}

kube::ObjectPtr ClusterSource::findObject(const model::Origin& o) const {
  for (const auto& obj : allObjects())
    if (obj->kind == o.kind && obj->ns == o.ns && obj->name == o.name) return obj;
  return nullptr;
}

}  // namespace nm::config
