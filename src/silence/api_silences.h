// Silences created through the Alertmanager API: ids, states, Alertmanager's update rules,
// expiry, retention of expired ones, limits, and write-through to the StateBackend.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "interfaces/state_backend.h"
#include "silence/matchers.h"

namespace nm {

struct ApiSilence {
  std::string id;  // UUID v4 text
  LabelMatchers matchers;
  TimePoint startsAt = kZeroTime;
  TimePoint endsAt = kZeroTime;
  TimePoint updatedAt = kZeroTime;
  std::string createdBy;
  std::string comment;
};

using ApiSilencePtr = std::shared_ptr<const ApiSilence>;

enum class SilenceState { Pending, Active, Expired };
const char* toString(SilenceState s);  // "pending", "active", "expired"
// Pending before startsAt, active until endsAt, expired from endsAt on.
SilenceState stateAt(const ApiSilence& s, TimePoint now);

// The tenant a silence pins: the value of its first `=` matcher on `tenantKey` (non-empty);
// "" for a global silence.
std::string pinnedTenant(const ApiSilence& s, std::string_view tenantKey);

struct ApiSilenceLimits {
  size_t maxSilences = 0;                        // silences not yet expired; 0: no limit
  size_t maxSilenceBytes = 0;                    // one silence's encoded size; 0: no limit
  Duration retention = std::chrono::hours(120);  // expired silences are kept this long
};

class ApiSilences {
 public:
  // `backend` may be null (nothing persisted); it must outlive this.
  explicit ApiSilences(ApiSilenceLimits limits = {}, StateBackend* backend = nullptr);

  // Reads the backend's Silences table (durable backends only). Records that do not decode are
  // skipped and named in `warnings`. False with `error` when the table cannot be read.
  bool load(TimePoint now, std::vector<std::string>& warnings, std::string& error);

  // Shared state: a silence record written by another replica (the StateBackend's watch; its
  // subscriber thread): created, updated or expired there. Replaces the silence held here unless
  // that one was updated later; nullopt (collected there) drops it. Never written back.
  void applyRemote(std::string_view key, std::optional<std::string_view> value);

  enum class Outcome { Ok, Invalid, NotFound, LimitExceeded };
  struct Result {
    Outcome outcome = Outcome::Ok;
    std::string id;     // the silence's id (a new one when it was created or replaced)
    std::string error;  // why not, naming the field
  };

  // Creates or updates (s.id set) as Alertmanager does: an update of identical matchers is made
  // in place when the times allow it (active: startsAt unchanged and endsAt not past; pending:
  // startsAt not past), else the old silence is expired and a new one created. A new silence
  // starting in the past starts now. Validated: at least one matcher, one of which does not match
  // "", startsAt before endsAt, endsAt not past.
  Result set(ApiSilence s, TimePoint now);
  // Expires now (a pending silence gets startsAt = endsAt = now).
  Result expire(std::string_view id, TimePoint now);

  ApiSilencePtr get(std::string_view id) const;
  std::vector<ApiSilencePtr> list() const;  // by id
  // Silences active at `now` (a consistent copy; the muters hold it for one batch).
  std::vector<ApiSilencePtr> activeAt(TimePoint now) const;
  // Drops silences expired longer than the retention ago; returns how many.
  size_t collect(TimePoint now);

 private:
  void store(ApiSilencePtr s);  // under mu_
  size_t unexpiredLocked(TimePoint now) const;

  ApiSilenceLimits limits_;
  StateBackend* backend_;
  mutable std::mutex mu_;
  std::map<std::string, ApiSilencePtr, std::less<>> byId_;
};

}  // namespace nm
