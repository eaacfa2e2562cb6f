// API silences: one map by id under a mutex; silences are immutable values replaced on change,
// so muters keep a consistent copy without locking. Changes are written through to the backend.
#include "silence/api_silences.h"

#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

#include "observe/log.h"
#include "silence/silence_json.h"

namespace nm {

namespace {

std::string newUuid() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) throw std::runtime_error("no random bytes for a silence id");
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
    s += kHex[b[i] >> 4];
    s += kHex[b[i] & 0xf];
  }
  return s;
}

bool canUpdate(const ApiSilence& prev, const ApiSilence& next, TimePoint now) {
  if (prev.matchers != next.matchers) return false;
  switch (stateAt(prev, now)) {
    case SilenceState::Active:
      return next.startsAt == prev.startsAt && next.endsAt >= now;
    case SilenceState::Pending:
      return next.startsAt >= now;
    case SilenceState::Expired:
      return false;
  }
  return false;
}

std::string validate(const ApiSilence& s, TimePoint now) {
  if (s.matchers.empty()) return "matchers: at least one matcher is required";
  bool allMatchEmpty = std::all_of(s.matchers.begin(), s.matchers.end(),
                                   [](const LabelMatcher& m) { return m.matches(""); });
  if (allMatchEmpty) return "matchers: at least one matcher must not match the empty string";
  if (s.endsAt <= s.startsAt) return "endsAt: must be after startsAt";
  if (s.endsAt < now) return "endsAt: must not be in the past";
  return {};
}

}  // namespace

const char* toString(SilenceState s) {
  switch (s) {
    case SilenceState::Pending:
      return "pending";
    case SilenceState::Active:
      return "active";
    case SilenceState::Expired:
      return "expired";
  }
  return "?";
}

SilenceState stateAt(const ApiSilence& s, TimePoint now) {
  if (now < s.startsAt) return SilenceState::Pending;
  if (now < s.endsAt) return SilenceState::Active;
  return SilenceState::Expired;
}

std::string pinnedTenant(const ApiSilence& s, std::string_view tenantKey) {
  for (const LabelMatcher& m : s.matchers)
    if (m.type == MatchType::Equal && m.name == tenantKey && !m.value.empty()) return m.value;
  return {};
}

ApiSilences::ApiSilences(ApiSilenceLimits limits, StateBackend* backend)
    : limits_(limits), backend_(backend) {}

bool ApiSilences::load(TimePoint now, std::vector<std::string>& warnings, std::string& error) {
  if (!backend_ || !backend_->durable()) return true;
  std::lock_guard<std::mutex> g(mu_);
  bool ok = backend_->load(
      StateTable::Silences,
      [&](std::string_view key, std::string_view value) {
        json::Parsed p = json::parse(value);
        auto s = std::make_shared<ApiSilence>();
        std::string why = p.error;
        if (p.ok() && !decodeSilence(p.doc, *s, why)) p.error = why;
        if (!p.ok() || s->id != key) {
          warnings.push_back("silence record " + std::string(key) +
                             " skipped: " + (p.ok() ? "id does not match its key" : why));
          return;
        }
        byId_[s->id] = std::move(s);
      },
      error);
  if (!ok) return false;
  for (auto it = byId_.begin(); it != byId_.end();) {
    if (it->second->endsAt + limits_.retention < now) {
      backend_->erase(StateTable::Silences, it->first);
      it = byId_.erase(it);
    } else {
      ++it;
    }
  }
  return true;
}

void ApiSilences::applyRemote(std::string_view key, std::optional<std::string_view> value) {
  if (!value) {
    std::lock_guard<std::mutex> g(mu_);
    if (auto it = byId_.find(key); it != byId_.end()) byId_.erase(it);
    return;
  }
  json::Parsed p = json::parse(*value);
  auto s = std::make_shared<ApiSilence>();
  std::string why = p.error;
  if (!p.ok() || !decodeSilence(p.doc, *s, why) || s->id != key) {
    log::warn("remote silence record skipped",
              {{"key", key}, {"error", p.ok() && why.empty() ? "id does not match its key" : why}});
    return;
  }
  std::lock_guard<std::mutex> g(mu_);
  auto it = byId_.find(key);
  if (it != byId_.end() && it->second->updatedAt > s->updatedAt) return;
  byId_[s->id] = std::move(s);
}

void ApiSilences::store(ApiSilencePtr s) {
  if (backend_ && backend_->durable())
    backend_->put(StateTable::Silences, s->id, encodeSilence(*s, SilenceState::Active));
  byId_[s->id] = std::move(s);
}

size_t ApiSilences::unexpiredLocked(TimePoint now) const {
  size_t n = 0;
  for (const auto& [id, s] : byId_)
    if (stateAt(*s, now) != SilenceState::Expired) ++n;
  return n;
}

ApiSilences::Result ApiSilences::set(ApiSilence s, TimePoint now) {
  if (std::string why = validate(s, now); !why.empty()) return {Outcome::Invalid, s.id, why};
  if (limits_.maxSilenceBytes) {
    size_t size = encodeSilence(s, SilenceState::Active).size();
    if (size > limits_.maxSilenceBytes)
      return {Outcome::LimitExceeded, s.id,
              "silence is " + std::to_string(size) + " bytes, more than the limit of " +
                  std::to_string(limits_.maxSilenceBytes) + " (--silences.max-silence-size-bytes)"};
  }
  collect(now);
  std::lock_guard<std::mutex> g(mu_);
  ApiSilencePtr prev;
  if (!s.id.empty()) {
    auto it = byId_.find(s.id);
    if (it == byId_.end()) return {Outcome::NotFound, s.id, "id: silence " + s.id + " not found"};
    prev = it->second;
  }
  s.updatedAt = now;
  if (prev && canUpdate(*prev, s, now)) {
    auto next = std::make_shared<ApiSilence>(std::move(s));
    std::string id = next->id;
    store(std::move(next));
    return {Outcome::Ok, id, {}};
  }
  const bool replacesUnexpired = prev && stateAt(*prev, now) != SilenceState::Expired;
  if (limits_.maxSilences && !replacesUnexpired && unexpiredLocked(now) >= limits_.maxSilences)
    return {Outcome::LimitExceeded, s.id,
            "already " + std::to_string(limits_.maxSilences) +
                " silences that are active or pending (--silences.max)"};
  if (replacesUnexpired) {
    auto old = std::make_shared<ApiSilence>(*prev);
    old->endsAt = now;
    if (old->startsAt > now) old->startsAt = now;
    old->updatedAt = now;
    store(std::move(old));
  }
  s.id = newUuid();
  if (s.startsAt < now) s.startsAt = now;
  auto next = std::make_shared<ApiSilence>(std::move(s));
  std::string id = next->id;
  store(std::move(next));
  return {Outcome::Ok, id, {}};
}

ApiSilences::Result ApiSilences::expire(std::string_view id, TimePoint now) {
  std::lock_guard<std::mutex> g(mu_);
  auto it = byId_.find(id);
  if (it == byId_.end())
    return {Outcome::NotFound, std::string(id), "silence " + std::string(id) + " not found"};
  const ApiSilence& cur = *it->second;
  SilenceState st = stateAt(cur, now);
  if (st == SilenceState::Expired)
    return {Outcome::Invalid, cur.id, "silence " + cur.id + " is already expired"};
  auto next = std::make_shared<ApiSilence>(cur);
  next->endsAt = now;
  if (st == SilenceState::Pending) next->startsAt = now;
  next->updatedAt = now;
  std::string sid = next->id;
  store(std::move(next));
  return {Outcome::Ok, sid, {}};
}

ApiSilencePtr ApiSilences::get(std::string_view id) const {
  std::lock_guard<std::mutex> g(mu_);
  auto it = byId_.find(id);
  return it == byId_.end() ? nullptr : it->second;
}

std::vector<ApiSilencePtr> ApiSilences::list() const {
  std::lock_guard<std::mutex> g(mu_);
  std::vector<ApiSilencePtr> out;
  out.reserve(byId_.size());
  for (const auto& [id, s] : byId_) out.push_back(s);
  return out;
}

std::vector<ApiSilencePtr> ApiSilences::activeAt(TimePoint now) const {
  std::lock_guard<std::mutex> g(mu_);
  std::vector<ApiSilencePtr> out;
  for (const auto& [id, s] : byId_)
    if (stateAt(*s, now) == SilenceState::Active) out.push_back(s);
  return out;
}

size_t ApiSilences::collect(TimePoint now) {
  std::lock_guard<std::mutex> g(mu_);
  size_t n = 0;
  for (auto it = byId_.begin(); it != byId_.end();) {
    if (it->second->endsAt + limits_.retention < now) {
      if (backend_ && backend_->durable()) backend_->erase(StateTable::Silences, it->first);
      it = byId_.erase(it);
      ++n;
    } else {
      ++it;
    }
  }
  return n;
}

}  // namespace nm
