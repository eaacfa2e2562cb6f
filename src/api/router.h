// The request router: the route table (path + method → handler), bearer-token authorization of
// state-changing (non-GET) routes, 404/405, and the per-handler request metrics. Knows nothing of
// sockets.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "api/api_backend.h"
#include "api/reply.h"
#include "observe/metrics.h"

namespace nm::api {

struct Request {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string path;
  std::string query;  // after '?', still encoded
  std::string authorization;
  std::string body;

  // The first value of a query parameter, percent-decoded ('+' is a space); "" when absent.
  std::string queryParam(std::string_view name) const;
  // Every value of a repeated query parameter, in order, percent-decoded.
  std::vector<std::string> queryParams(std::string_view name) const;
  // Whether the parameter is present at all (even empty).
  bool hasQueryParam(std::string_view name) const;
};

// Delivers the reply; call exactly once, from any thread.
using Respond = std::function<void(Reply)>;
// Runs a task off the io threads (queue pushes that wait, reloads, direct sends).
using RunBlocking = std::function<void(std::function<void()>)>;

struct HandlerEnv {
  const ApiDeps& deps;
  const RunBlocking& runBlocking;
};

using Handler = std::function<void(Request& req, const HandlerEnv& env, Respond respond)>;

struct Route {
  std::string path;  // exact, or a prefix when it ends in "/*" (the rest is the handler's)
  boost::beast::http::verb method;
  std::string name;  // the `handler` metrics label
  Handler handler;
};

class Router {
 public:
  Router(ApiDeps deps, RunBlocking runBlocking);

  void add(Route route);
  // Finds the route, checks method and authorization, runs the handler and counts the reply.
  void dispatch(Request req, Respond respond) const;

  // Counts a request the connection refused before routing (413, 431, malformed).
  void countRejected(unsigned status) const;

  const ApiDeps& deps() const { return deps_; }

 private:
  bool authorized(std::string_view header) const;

  std::unique_ptr<metrics::Registry> ownRegistry_;  // declared first: deps_ may point into it
  ApiDeps deps_;
  RunBlocking runBlocking_;
  std::vector<Route> routes_;
  metrics::Family<metrics::Counter>& requests_;
  metrics::Family<metrics::Histogram>& duration_;
};

// Every endpoint of the daemon (handlers_*.cpp).
void addAlertRoutes(Router& router);
void addDirectSendRoutes(Router& router);
void addOpsRoutes(Router& router);
void addDebugRoutes(Router& router);
void addAlertmanagerRoutes(Router& router);  // handlers_am_*.cpp: amtool's API
inline void addAllRoutes(Router& router) {
  addAlertRoutes(router);
  addAlertmanagerRoutes(router);
  addDirectSendRoutes(router);
  addOpsRoutes(router);
  addDebugRoutes(router);
}

}  // namespace nm::api
