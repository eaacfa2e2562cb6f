// A reflector: lists one resource (paginated) and then watches it, keeping an in-memory store of
// the objects (raw JSON, or what a digest hook made of it, + resourceVersion) and calling back on
// every change. Owns its thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "kube/backoff.h"
#include "kube/rest_client.h"

namespace nm::kube {

struct ResourceType {
  std::string kind;                // "Receiver", "Secret"
  std::string apiVersion;          // "notification.kubesphere.io/v2beta2", "v1"
  std::string path;                // collection path: "/api/v1/namespaces/ns/secrets"
  std::string fieldSelector = {};  // "metadata.name=kubesphere-system"; empty for none
  std::string describe() const {
    return path + (fieldSelector.empty() ? "" : "?fieldSelector=" + fieldSelector);
  }
};

// What the store's owner keeps of an object instead of its JSON (ReflectorOptions::digest).
struct ObjectDigest {
  virtual ~ObjectDigest() = default;
};

struct StoredObject {
  std::string kind, apiVersion, uid, ns, name, resourceVersion;
  std::string json;  // the whole object, compact (without managedFields); empty with a digest
  std::shared_ptr<const ObjectDigest> digest;
};
using ObjectPtr = std::shared_ptr<const StoredObject>;

struct ReflectorOptions {
  Backoff::Millis initialBackoff{800};
  Backoff::Millis maxBackoff{30000};
  int pageSize = 500;
  // Objects for which this returns false are not stored (only referenced Secrets are kept).
  std::function<bool(const std::string& ns, const std::string& name)> keep;
  // When set: called on the reflector's thread once per stored object version (with its JSON);
  // the object is stored with the result and without its JSON.
  std::function<std::shared_ptr<const ObjectDigest>(const StoredObject&)> digest;
};

class Reflector {
 public:
  Reflector(RestClient& client, ResourceType type, std::function<void()> onChange,
            ReflectorOptions options = {});
  ~Reflector();
  Reflector(const Reflector&) = delete;
  Reflector& operator=(const Reflector&) = delete;

  void start();
  // Aborts a running request, joins the thread; no callback runs afterwards. Idempotent.
  void stop();

  // Lists again (the `keep` filter changed): the store is replaced when the list completes; until
  // then synced() is false and the old store stays readable.
  void relist();
  // The first full list, and any relist asked for, has been stored.
  bool synced() const { return synced_.load() && relistDone_.load() >= relistWanted_.load(); }
  std::vector<ObjectPtr> objects() const;
  ObjectPtr find(const std::string& ns, const std::string& name) const;
  std::string lastError() const;
  const ResourceType& type() const { return type_; }
  // Counters for tests and logs.
  uint64_t lists() const { return lists_.load(); }

 private:
  enum class WatchEnd { Closed, Expired, Failed };
  void run();
  bool list();
  WatchEnd watch(size_t& events, std::string& error);
  bool applyEvent(const std::string& line, bool& expired, std::string& error);
  // The object to store (its digest made, its JSON dropped, when options ask for a digest).
  ObjectPtr stored(std::string uid, std::string ns, std::string name, std::string resourceVersion,
                   std::string json) const;
  void fail(const std::string& what, const Response& r);
  bool sleepFor(Backoff::Millis d);  // false when stopping
  std::string query(const std::string& extra) const;

  RestClient& client_;
  const ResourceType type_;
  const std::function<void()> onChange_;
  const ReflectorOptions options_;
  Backoff backoff_;
  std::mt19937 rng_;

  mutable std::mutex mu_;  // guards store_, error_
  std::map<std::pair<std::string, std::string>, ObjectPtr> store_;
  std::string error_;
  std::string resourceVersion_;  // the reflector thread's only

  std::mutex waitMu_;
  std::condition_variable waitCv_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> synced_{false};
  std::atomic<uint64_t> lists_{0};
  std::atomic<uint64_t> relistWanted_{0}, relistDone_{0};
  std::thread thread_;
};

}  // namespace nm::kube
