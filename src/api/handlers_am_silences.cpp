// Alertmanager v2 silences: GET/POST /api/v2/silences, GET/DELETE /api/v2/silence/{id}. API
// silences are read and written here; Silence resources are listed beside them, read-only.
#include <algorithm>
#include <string>
#include <vector>

#include "api/am_common.h"
#include "silence/resource_silences.h"
#include "silence/silence_json.h"

namespace nm::api {

namespace http = boost::beast::http;

namespace {

struct Listed {
  ApiSilence silence;
  SilenceState state;
};

// Every silence, API ones then resources, in Alertmanager's order: active by endsAt, pending by
// startsAt, expired by endsAt, newest first.
std::vector<Listed> allSilences(const HandlerEnv& env, TimePoint now) {
  std::vector<Listed> out;
  for (const auto& s : env.deps.silences->list()) out.push_back({*s, stateAt(*s, now)});
  auto snap = env.deps.snapshots ? env.deps.snapshots->current() : nullptr;
  if (snap) {
    auto addScope = [&](const std::vector<const model::SilenceResource*>& scope) {
      for (const auto* r : scope) {
        if (!r) continue;
        Listed l{{}, SilenceState::Active};
        l.silence = silenceFromResource(*r, snap->loadedAt, now, l.state);
        out.push_back(std::move(l));
      }
    };
    addScope(snap->globalSilences);
    for (const auto& [tenant, scope] : snap->tenantSilences) addScope(scope);
  }
  std::stable_sort(out.begin(), out.end(), [](const Listed& a, const Listed& b) {
    if (a.state != b.state) {
      auto rank = [](SilenceState s) {
        return s == SilenceState::Active ? 0 : s == SilenceState::Pending ? 1 : 2;
      };
      return rank(a.state) < rank(b.state);
    }
    switch (a.state) {
      case SilenceState::Active:
        return a.silence.endsAt < b.silence.endsAt;
      case SilenceState::Pending:
        return a.silence.startsAt < b.silence.startsAt;
      case SilenceState::Expired:
        return a.silence.endsAt > b.silence.endsAt;
    }
    return false;
  });
  return out;
}

// Alertmanager filters silences on their matchers' name/value pairs.
bool silenceMatchesFilter(const ApiSilence& s, const LabelMatchers& filter) {
  LabelSet pairs;
  for (const LabelMatcher& m : s.matchers) pairs.set(m.name, m.value);
  return matchesFilter(filter, pairs);
}

bool available(const HandlerEnv& env, const Respond& respond) {
  if (env.deps.silences) return true;
  respond(amError(503, "API silences are not enabled in this daemon"));
  return false;
}

void handleList(Request& req, const HandlerEnv& env, Respond respond) {
  if (!available(env, respond)) return;
  LabelMatchers filter;
  std::string error;
  if (!parseFilters(req, filter, error)) return respond(amError(400, error));
  TimePoint at = nm::now();
  env.deps.silences->collect(at);
  json::Writer w;
  w.startArray();
  for (const Listed& l : allSilences(env, at))
    if (silenceMatchesFilter(l.silence, filter)) writeSilence(w, l.silence, l.state);
  w.endArray();
  respond(amJson(w.take()));
}

void handlePost(Request& req, const HandlerEnv& env, Respond respond) {
  if (!available(env, respond)) return;
  json::Parsed p = json::parse(req.body);
  if (!p.ok()) return respond(amError(400, "body: not JSON: " + p.error));
  ApiSilence s;
  std::string error;
  if (!decodeSilence(p.doc, s, error)) return respond(amError(400, error));
  if (s.id.starts_with(kResourceSilencePrefix))
    return respond(
        amError(400, "id: " + s.id + " is a Silence resource, read-only here: edit the resource"));
  auto r = env.deps.silences->set(std::move(s), nm::now());
  switch (r.outcome) {
    case ApiSilences::Outcome::Ok: {
      json::Writer w;
      w.startObject().member("silenceID", r.id).endObject();
      return respond(amJson(w.take()));
    }
    case ApiSilences::Outcome::NotFound:
      return respond(amError(404, r.error));
    case ApiSilences::Outcome::Invalid:
    case ApiSilences::Outcome::LimitExceeded:
      return respond(amError(400, r.error));
  }
}

std::string idOf(const Request& req) {
  constexpr std::string_view kPrefix = "/api/v2/silence/";
  return req.path.substr(kPrefix.size());
}

void handleGet(Request& req, const HandlerEnv& env, Respond respond) {
  if (!available(env, respond)) return;
  std::string id = idOf(req);
  TimePoint at = nm::now();
  if (id.starts_with(kResourceSilencePrefix)) {
    for (const Listed& l : allSilences(env, at))
      if (l.silence.id == id) {
        json::Writer w;
        writeSilence(w, l.silence, l.state);
        return respond(amJson(w.take()));
      }
  } else if (auto s = env.deps.silences->get(id)) {
    json::Writer w;
    writeSilence(w, *s, stateAt(*s, at));
    return respond(amJson(w.take()));
  }
  respond(amError(404, "silence " + id + " not found"));
}

void handleDelete(Request& req, const HandlerEnv& env, Respond respond) {
  if (!available(env, respond)) return;
  std::string id = idOf(req);
  if (id.starts_with(kResourceSilencePrefix)) {
    Reply r = amError(405, "silence " + id +
                               " is a Silence resource, read-only through this API: disable or "
                               "delete the resource instead");
    r.headers.emplace_back("Allow", "GET");
    return respond(std::move(r));
  }
  auto r = env.deps.silences->expire(id, nm::now());
  switch (r.outcome) {
    case ApiSilences::Outcome::Ok:
      return respond(amJson(""));
    case ApiSilences::Outcome::NotFound:
      return respond(amError(404, r.error));
    default:
      return respond(amError(400, r.error));
  }
}

}  // namespace

void addAlertmanagerSilenceRoutes(Router& router) {
  router.add({"/api/v2/silences", http::verb::get, "am_silences", handleList});
  router.add({"/api/v2/silences", http::verb::post, "am_silences_post", handlePost});
  router.add({"/api/v2/silence/*", http::verb::get, "am_silence", handleGet});
  router.add({"/api/v2/silence/*", http::verb::delete_, "am_silence_delete", handleDelete});
}

}  // namespace nm::api
