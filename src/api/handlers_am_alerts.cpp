// Alertmanager v2 reads: GET /api/v2/alerts (the active-alert store with silence and inhibition
// status and the receivers routing picks), GET /api/v2/status, GET /api/v2/receivers.
#include <re2/re2.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "api/am_common.h"
#include "core/version.h"
#include "silence/silence_muter.h"

namespace nm::api {

namespace http = boost::beast::http;

namespace {

struct AlertQuery {
  LabelMatchers filter;
  std::shared_ptr<RE2> receiver;  // anchored; null: any
  bool active = true, silenced = true, inhibited = true, unprocessed = true;
};

bool parseAlertQuery(const Request& req, AlertQuery& q, std::string& error) {
  if (!parseFilters(req, q.filter, error)) return false;
  struct Flag {
    const char* name;
    bool* value;
  };
  for (Flag f : {Flag{"active", &q.active}, Flag{"silenced", &q.silenced},
                 Flag{"inhibited", &q.inhibited}, Flag{"unprocessed", &q.unprocessed}}) {
    auto v = boolParam(req, f.name, true);
    if (!v) {
      error =
          std::string(f.name) + ": must be true or false, got \"" + req.queryParam(f.name) + "\"";
      return false;
    }
    *f.value = *v;
  }
  if (req.hasQueryParam("receiver")) {
    std::string re = req.queryParam("receiver");
    RE2::Options opts;
    opts.set_log_errors(false);
    q.receiver = std::make_shared<RE2>("^(?:" + re + ")$", opts);
    if (!q.receiver->ok()) {
      error = "receiver: invalid regular expression \"" + re + "\": " + q.receiver->error();
      return false;
    }
  }
  return true;
}

struct Row {
  const StoredAlert* stored;
  std::vector<std::string> silencedBy, inhibitedBy, receivers;
};

void writeAlert(json::Writer& w, const Row& r) {
  const Alert& a = *r.stored->alert;
  w.startObject();
  w.key("annotations").startObject();
  for (const auto& [k, v] : a.annotations) w.member(k, v);
  w.endObject();
  w.member("endsAt", amTime(a.endsAt));
  w.member("fingerprint", fingerprintHex(a.fingerprint));
  w.key("receivers").startArray();
  for (const std::string& name : r.receivers) w.startObject().member("name", name).endObject();
  w.endArray();
  w.member("startsAt", amTime(a.startsAt));
  w.key("status").startObject();
  w.key("inhibitedBy").strings(r.inhibitedBy);
  w.key("silencedBy").strings(r.silencedBy);
  const bool suppressed = !r.silencedBy.empty() || !r.inhibitedBy.empty();
  w.member("state", suppressed ? "suppressed" : "active");
  w.endObject();
  w.member("updatedAt", amTime(r.stored->updatedAt));
  if (!a.generatorURL.empty()) w.member("generatorURL", a.generatorURL);
  w.key("labels").startObject();
  for (const auto& [k, v] : a.labels) w.member(k, v);
  w.endObject();
  w.endObject();
}

std::string listAlerts(const ApiDeps& deps, const AlertQuery& q) {
  const TimePoint at = nm::now();
  auto snap = deps.snapshots ? deps.snapshots->current() : nullptr;
  std::vector<StoredAlert> held;
  deps.alertStore->forEach([&](const StoredAlert& s) {
    if (!s.alert) return;
    // Resolved alerts are not listed (Alertmanager: endsAt before now).
    if (s.alert->endsAt != kZeroTime && s.alert->endsAt < at) return;
    if (!matchesFilter(q.filter, s.alert->labels)) return;
    held.push_back(s);
  });
  std::unique_ptr<const Muter> inhibit;
  if (deps.inhibition && snap) inhibit = deps.inhibition->muterFor(*snap, at, "");
  std::vector<Row> rows;
  rows.reserve(held.size());
  for (const StoredAlert& s : held) {
    Row r{&s, silencesMatching(snap.get(), deps.silences, at, *s.alert), {}, {}};
    std::string by;
    if (inhibit && inhibit->mutes(*s.alert, &by)) r.inhibitedBy.push_back(by);
    const bool suppressed = !r.silencedBy.empty() || !r.inhibitedBy.empty();
    if (!q.active && !suppressed) continue;
    if (!q.silenced && !r.silencedBy.empty()) continue;
    if (!q.inhibited && !r.inhibitedBy.empty()) continue;
    rows.push_back(std::move(r));
  }
  if (deps.routeReceivers && snap && !rows.empty()) {
    AlertList list;
    list.reserve(rows.size());
    for (const Row& r : rows) list.push_back(r.stored->alert);
    auto names = deps.routeReceivers(snap, list);
    for (size_t i = 0; i < rows.size() && i < names.size(); ++i)
      rows[i].receivers = std::move(names[i]);
  }
  if (q.receiver) {
    std::erase_if(rows, [&](const Row& r) {
      return std::none_of(r.receivers.begin(), r.receivers.end(),
                          [&](const std::string& n) { return RE2::FullMatch(n, *q.receiver); });
    });
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return fingerprintHex(a.stored->alert->fingerprint) <
           fingerprintHex(b.stored->alert->fingerprint);
  });
  json::Writer w;
  w.startArray();
  for (const Row& r : rows) writeAlert(w, r);
  w.endArray();
  return w.take();
}

void handleAlerts(Request& req, const HandlerEnv& env, Respond respond) {
  if (!env.deps.alertStore)
    return respond(amError(503,
                           "GET /api/v2/alerts needs the active-alert store, which this daemon "
                           "does not run"));
  auto q = std::make_shared<AlertQuery>();
  std::string error;
  if (!parseAlertQuery(req, *q, error)) return respond(amError(400, error));
  // Routing may ask the tenant sidecar: off the io thread.
  env.runBlocking([&deps = env.deps, q, respond = std::move(respond)] {
    try {
      respond(amJson(listAlerts(deps, *q)));
    } catch (const std::exception& e) {
      respond(amError(500, std::string("listing alerts failed: ") + e.what()));
    }
  });
}

void handleStatus(Request&, const HandlerEnv& env, Respond respond) {
  json::Writer w;
  w.startObject();
  w.key("cluster").startObject().member("status", "disabled");
  w.key("peers").startArray().endArray().endObject();
  w.key("config").startObject().member("original", "").endObject();
  w.member("uptime", amTime(env.deps.startedAt == kZeroTime ? nm::now() : env.deps.startedAt));
  w.key("versionInfo").startObject();
  w.member("branch", "").member("buildDate", "").member("buildUser", "");
  w.member("goVersion", "").member("revision", "");
  w.member("version", std::string("notification-manager-") + kVersion);
  w.endObject();
  w.endObject();
  respond(amJson(w.take()));
}

void handleReceivers(Request&, const HandlerEnv& env, Respond respond) {
  auto snap = env.deps.snapshots ? env.deps.snapshots->current() : nullptr;
  std::set<std::string> names;
  if (snap)
    for (const auto& r : snap->receivers)
      if (r) names.insert(r->name);
  json::Writer w;
  w.startArray();
  for (const std::string& n : names) w.startObject().member("name", n).endObject();
  w.endArray();
  respond(amJson(w.take()));
}

}  // namespace

void addAlertmanagerRoutes(Router& router) {
  router.add({"/api/v2/alerts", http::verb::get, "am_alerts", handleAlerts});
  router.add({"/api/v2/status", http::verb::get, "am_status", handleStatus});
  router.add({"/api/v2/receivers", http::verb::get, "am_receivers", handleReceivers});
  addAlertmanagerSilenceRoutes(router);
}

}  // namespace nm::api
