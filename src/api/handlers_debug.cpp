// Debug dumps of the current snapshot: GET /receivers and GET /configs (?tenant=&type=), as
// redacted JSON from config::dumpReceivers / dumpConfigs.
#include "api/router.h"
#include "config/dump.h"

namespace nm::api {

namespace http = boost::beast::http;

namespace {

template <std::string (*Dump)(const config::Snapshot&, std::string_view, std::string_view)>
void handleDump(Request& req, const HandlerEnv& env, Respond respond) {
  auto s = env.deps.snapshots ? env.deps.snapshots->current() : nullptr;
  if (!s) return respond(jsonReply(503, "no configuration loaded"));
  Reply r;
  r.body = Dump(*s, req.queryParam("tenant"), req.queryParam("type"));
  respond(std::move(r));
}

}  // namespace

void addDebugRoutes(Router& router) {
  router.add({"/receivers", http::verb::get, "receivers", handleDump<&config::dumpReceivers>});
  router.add({"/configs", http::verb::get, "configs", handleDump<&config::dumpConfigs>});
}

}  // namespace nm::api
