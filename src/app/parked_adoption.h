// ParkedAdoption: on a backend shared by replicas, re-sends the parked notifications of replicas
// that stopped (no heartbeat within the lease ttl), each record by one live replica.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/time.h"

namespace nm {

class ParkedAdoption {
 public:
  // The live replicas (sorted, this one included; empty: not known yet).
  using LiveReplicas = std::function<std::vector<std::string>()>;
  // Re-sends every record the predicate (record key, writer) accepts.
  using Resend =
      std::function<void(const std::function<bool(const std::string&, const std::string&)>&)>;

  // Whether replica `self` takes over record `key` of `writer`: the writer is not live, `self`
  // is, and the record's key hashes to `self` among the sorted live replicas, so that replicas
  // seeing the same live set split the orphans without talking to each other.
  static bool adopts(const std::string& key, const std::string& writer,
                     const std::vector<std::string>& live, const std::string& self);

  ParkedAdoption(std::string self, Duration every, LiveReplicas live, Resend resend);
  ~ParkedAdoption();  // stops and joins
  void start();
  void stop();

 private:
  void loop();

  const std::string self_;
  const Duration every_;
  LiveReplicas live_;
  Resend resend_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace nm
