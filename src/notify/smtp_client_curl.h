// The libcurl SmtpClient: a small pool of worker threads, each running one blocking SMTP session
// (curl_easy_perform) at a time, plus the timers of retry backoff. Concurrency is the pool size.
#pragma once

#include <memory>

#include "interfaces/smtp_client.h"

namespace nm {

struct SmtpClientOptions {
  int workers = 4;                                    // concurrent sessions
  Duration connectTimeout = std::chrono::seconds(5);  // clipped to each session's timeout
};

// Destruction completes queued sessions with "client stopped" and runs pending timers.
std::unique_ptr<SmtpClient> makeCurlSmtpClient(const SmtpClientOptions& options = {});

// Classifies a finished session from libcurl's result, the last reply code and line, and the
// recipients refused. Exposed for unit tests.
SmtpResult classifySmtp(int curlCode, const char* curlError, int lastCode,
                        const std::string& lastReply, std::vector<SmtpRejection> rejected,
                        size_t rcptCount);

}  // namespace nm
