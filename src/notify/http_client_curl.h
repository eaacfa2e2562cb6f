// Tuning of the libcurl HttpClient: event loops, connection limits, connect timeout and the
// response cap. makeCurlHttpClient() without options uses the defaults.
#pragma once

#include <cstddef>
#include <memory>

#include "interfaces/http_client.h"

namespace nm {

struct CurlClientOptions {
  // Event loops (threads, each a curl multi handle). Requests to one host are spread over them
  // and each of the two connection limits below is split exactly between them (the parts sum to
  // the limit). Timers and retries scheduled from a completion stay on its loop.
  size_t loops = 1;
  long maxHostConnections = 8;                        // CURLMOPT_MAX_HOST_CONNECTIONS
  long maxTotalConnections = 64;                      // CURLMOPT_MAX_TOTAL_CONNECTIONS
  Duration connectTimeout = std::chrono::seconds(5);  // clipped to each request's timeout
  size_t maxResponseBytes = 64 * 1024;
};

// libcurl multi implementation; owns its thread. Destruction completes pending requests with an
// error "client stopped".
std::unique_ptr<HttpClient> makeCurlHttpClient(const CurlClientOptions& options = {});

}  // namespace nm
