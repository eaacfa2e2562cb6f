// Operational endpoints: POST /-/reload, GET /-/ready, GET /-/live, GET /metrics (Prometheus
// text format) and GET /status (version, snapshot and queue).
#include <string>

#include "api/router.h"
#include "core/version.h"

namespace nm::api {

namespace http = boost::beast::http;

namespace {

void handleReload(Request&, const HandlerEnv& env, Respond respond) {
  if (!env.deps.reload) return respond(jsonReply(503, "reload is not available"));
  env.runBlocking([&deps = env.deps, respond = std::move(respond)] {
    try {
      ApiResult r = deps.reload();
      respond(jsonReply(static_cast<unsigned>(r.status), r.message));
    } catch (const std::exception& e) {
      respond(jsonReply(500, std::string("reload failed: ") + e.what()));
    }
  });
}

void handleReady(Request&, const HandlerEnv& env, Respond respond) {
  ReadyReport rep;
  if (env.deps.ready) {
    rep = env.deps.ready();
  } else {
    auto s = env.deps.snapshots ? env.deps.snapshots->current() : nullptr;
    rep.ready = s != nullptr;
    rep.snapshotVersion = s ? s->version : 0;
  }
  std::string message = "ready";
  if (!rep.ready) {
    message = "not ready: ";
    message += !rep.queueError.empty()       ? rep.queueError
               : rep.lastReloadError.empty() ? "no configuration loaded"
                                             : rep.lastReloadError;
  }
  std::vector<JsonField> extra{JsonField::boolean("ready", rep.ready),
                               JsonField::num("snapshotVersion", rep.snapshotVersion)};
  if (!rep.lastReloadTime.empty())
    extra.push_back(JsonField::str("lastReloadTime", rep.lastReloadTime));
  if (!rep.lastReloadError.empty()) {
    extra.push_back(JsonField::str("lastReloadError", rep.lastReloadError));
  }
  if (!rep.queueError.empty()) extra.push_back(JsonField::str("queueError", rep.queueError));
  if (!rep.skippedObjects.empty())
    extra.push_back(JsonField::strings("skippedObjects", rep.skippedObjects));
  if (!env.deps.storage.empty()) extra.push_back(JsonField::str("storage", env.deps.storage));
  respond(jsonReply(rep.ready ? 200 : 503, message, extra));
}

void handleLive(Request&, const HandlerEnv&, Respond respond) {
  respond(jsonReply(200, "alive"));
}

void handleMetrics(Request&, const HandlerEnv& env, Respond respond) {
  Reply r;
  r.body = env.deps.metrics->render();
  r.contentType = "text/plain; version=0.0.4; charset=utf-8";
  respond(std::move(r));
}

void handleStatus(Request&, const HandlerEnv& env, Respond respond) {
  auto s = env.deps.snapshots ? env.deps.snapshots->current() : nullptr;
  std::vector<JsonField> extra{JsonField::str("version", kVersion),
                               JsonField::num("snapshotVersion", s ? s->version : 0)};
  if (s) {
    extra.push_back(JsonField::str("snapshotSource", s->source));
    extra.push_back(JsonField::str("snapshotLoadedAt", formatRfc3339(s->loadedAt)));
  }
  if (env.deps.queue) {
    extra.push_back(JsonField::num("queueLength", env.deps.queue->size()));
    extra.push_back(JsonField::num("queueCapacity", env.deps.queue->capacity()));
  }
  if (!env.deps.storage.empty()) extra.push_back(JsonField::str("storage", env.deps.storage));
  respond(jsonReply(200, "ok", extra));
}

}  // namespace

void addOpsRoutes(Router& router) {
  router.add({"/-/reload", http::verb::post, "reload", handleReload});
  router.add({"/-/ready", http::verb::get, "ready", handleReady});
  router.add({"/-/live", http::verb::get, "live", handleLive});
  router.add({"/metrics", http::verb::get, "metrics", handleMetrics});
  router.add({"/status", http::verb::get, "status", handleStatus});
}

}  // namespace nm::api
