// POST /api/v2/verify and POST /api/v2/notifications: parse {receiver, config?[, alert]} and hand
// them to the daemon's direct-send callbacks, off the io threads; the completion is the reply.
#include <simdjson.h>
#include <yaml-cpp/yaml.h>

#include <string>

#include "api/router.h"
#include "ingest/alert_decoder.h"

namespace nm::api {

namespace http = boost::beast::http;

namespace {

Completion toReply(Respond respond) {
  return [respond = std::move(respond)](ApiResult r) {
    respond(jsonReply(static_cast<unsigned>(r.status), r.message));
  };
}

void handleVerify(Request& req, const HandlerEnv& env, Respond respond) {
  if (!env.deps.verify) return respond(jsonReply(503, "verify is not available"));
  env.runBlocking(
      [&deps = env.deps, body = std::move(req.body), respond = std::move(respond)]() mutable {
        YAML::Node root;
        try {
          root = YAML::Load(body);
        } catch (const YAML::Exception& e) {
          return respond(jsonReply(400, "invalid request body: " + std::string(e.what())));
        }
        if (!root.IsMap()) return respond(jsonReply(400, "request body: expected an object"));
        const YAML::Node& croot = root;
        YAML::Node receiver = croot["receiver"];
        YAML::Node config = croot["config"];
        if (!receiver || !receiver.IsMap()) {
          return respond(jsonReply(400, "receiver: expected a Receiver object"));
        }
        if (config && !config.IsNull() && !config.IsMap()) {
          return respond(jsonReply(400, "config: expected a Config object"));
        }
        try {
          deps.verify(receiver, config ? config : YAML::Node(), toReply(respond));
        } catch (const std::exception& e) {
          respond(jsonReply(500, std::string("verify failed: ") + e.what()));
        }
      });
}

// A member of the body re-read as YAML for the resource decoders (JSON is YAML).
bool memberAsYaml(simdjson::dom::element root, const char* key, YAML::Node& out,
                  std::string& error) {
  simdjson::dom::element e;
  if (root[key].get(e) != simdjson::SUCCESS || e.is_null()) {
    out = YAML::Node();
    return true;
  }
  if (!e.is_object()) {
    error = std::string(key) + ": expected an object";
    return false;
  }
  try {
    out = YAML::Load(simdjson::to_string(e));
  } catch (const YAML::Exception& ex) {
    error = std::string(key) + ": " + ex.what();
    return false;
  }
  return true;
}

void handleNotifications(Request& req, const HandlerEnv& env, Respond respond) {
  if (!env.deps.notifications) return respond(jsonReply(503, "notifications are not available"));
  env.runBlocking([&deps = env.deps, body = std::move(req.body),
                   respond = std::move(respond)]() mutable {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    auto err = parser.parse(body).get(root);
    if (err == simdjson::UTF8_ERROR) return respond(jsonReply(400, "invalid UTF-8 in body"));
    if (err) {
      return respond(jsonReply(
          400, std::string("invalid request body: invalid JSON: ") + simdjson::error_message(err)));
    }
    if (!root.is_object()) return respond(jsonReply(400, "request body: expected an object"));
    YAML::Node receiver, config;
    std::string error;
    if (!memberAsYaml(root, "receiver", receiver, error) ||
        !memberAsYaml(root, "config", config, error)) {
      return respond(jsonReply(400, error));
    }
    if (!receiver) return respond(jsonReply(400, "receiver: expected a Receiver object"));
    simdjson::dom::element alert;
    if (root["alert"].get(alert) != simdjson::SUCCESS) {
      return respond(jsonReply(400, "alert: missing (an Alertmanager webhook payload)"));
    }
    auto snapshot = deps.snapshots ? deps.snapshots->current() : nullptr;
    ingest::DecodeOptions opts;
    opts.cluster = snapshot && !snapshot->cluster.empty() ? std::string_view(snapshot->cluster)
                                                          : std::string_view(deps.cluster);
    opts.maxLabelsPerAlert = deps.maxLabelsPerAlert;
    opts.maxLabelValueBytes = deps.maxLabelValueBytes;
    ingest::DecodeResult r = ingest::decodeAlerts(alert, opts, "alert");
    if (!r.ok()) return respond(jsonReply(400, r.fatal));
    if (!r.errors.empty()) {
      std::string msg = "invalid alerts:";
      for (const auto& e : r.errors) msg += " " + e + ";";
      msg.pop_back();
      return respond(jsonReply(400, msg));
    }
    if (r.alerts.empty()) return respond(jsonReply(400, "alert: no alerts to send"));
    try {
      deps.notifications(receiver, config, std::move(r.alerts), toReply(respond));
    } catch (const std::exception& e) {
      respond(jsonReply(500, std::string("send failed: ") + e.what()));
    }
  });
}

}  // namespace

void addDirectSendRoutes(Router& router) {
  router.add({"/api/v2/verify", http::verb::post, "verify", handleVerify});
  router.add({"/api/v2/notifications", http::verb::post, "notifications", handleNotifications});
}

}  // namespace nm::api
