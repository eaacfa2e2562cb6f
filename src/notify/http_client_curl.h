// Tuning of the libcurl HttpClient: connection limits, connect timeout and the response cap.
// makeCurlHttpClient() without options uses the defaults.
#pragma once

#include <cstddef>
#include <memory>

#include "interfaces/http_client.h"

namespace nm {

struct CurlClientOptions {
  long maxHostConnections = 8;                        // CURLMOPT_MAX_HOST_CONNECTIONS
  long maxTotalConnections = 64;                      // CURLMOPT_MAX_TOTAL_CONNECTIONS
  Duration connectTimeout = std::chrono::seconds(5);  // clipped to each request's timeout
  size_t maxResponseBytes = 64 * 1024;
};

// libcurl multi implementation; owns its thread. Destruction completes pending requests with an
// error "client stopped".
std::unique_ptr<HttpClient> makeCurlHttpClient(const CurlClientOptions& options = {});

}  // namespace nm
