// ParkedAdoption: the adoption rule (a hash of the record key over the sorted live replicas) and
// the owned thread that applies it every lease ttl.
#include "app/parked_adoption.h"

#include <algorithm>

namespace nm {

namespace {

// FNV-1a, 64 bits: written out because every replica, whatever its build, must pick the same
// adopter for a key (std::hash promises nothing across builds).
uint64_t stableHash(const std::string& s) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

bool ParkedAdoption::adopts(const std::string& key, const std::string& writer,
                            const std::vector<std::string>& live, const std::string& self) {
  if (live.empty() || writer == self) return false;
  if (std::binary_search(live.begin(), live.end(), writer)) return false;  // its writer's
  if (!std::binary_search(live.begin(), live.end(), self)) return false;   // not known live yet
  return live[stableHash(key) % live.size()] == self;
}

ParkedAdoption::ParkedAdoption(std::string self, Duration every, LiveReplicas live, Resend resend)
    : self_(std::move(self)),
      every_(std::max<Duration>(every, std::chrono::seconds(1))),
      live_(std::move(live)),
      resend_(std::move(resend)) {}

ParkedAdoption::~ParkedAdoption() {
  stop();
}

void ParkedAdoption::start() {
  thread_ = std::thread([this] { loop(); });
}

void ParkedAdoption::stop() {
  {
    std::lock_guard<std::mutex> g(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ParkedAdoption::loop() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lk(mu_);
      if (wake_.wait_for(lk, every_, [this] { return stopping_; })) return;
    }
    const std::vector<std::string> live = live_();
    if (live.empty()) continue;
    resend_([&](const std::string& key, const std::string& writer) {
      return adopts(key, writer, live, self_);
    });
  }
}

}  // namespace nm
