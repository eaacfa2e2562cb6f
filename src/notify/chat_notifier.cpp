// ChatNotifier::send: builds the jobs, reports a render failure without sending, and runs the
// jobs through runChatJobs with the caller's hooks (parked included) and one failure log.
#include "notify/chat_notifier.h"

#include "observe/log.h"

namespace nm {

namespace {

void warn(std::string_view msg, const std::string& receiver, const std::string& error,
          const std::pair<std::string, std::string>& extra) {
  if (extra.first.empty()) {
    log::warn(msg, {{"receiver", receiver}, {"error", error}});
  } else {
    log::warn(msg, {{"receiver", receiver}, {extra.first, extra.second}, {"error", error}});
  }
}

}  // namespace

void ChatNotifier::send(std::shared_ptr<const Data> data, TimePoint deadline, SendDone done) {
  std::vector<ChatJob> jobs;
  std::string error = buildJobs(*data, jobs);
  const std::string receiver = type_ + "/" + receiverName_;
  if (!error.empty()) {
    warn(type_ + ": template failed to render", receiver, error, logField_);
    SendOutcome o;
    o.error = std::move(error);
    return done(std::move(o));
  }
  runChatJobs(http_, throttle_, std::move(jobs), deadline,
              std::move(done).wrap([msg = type_ + ": send failed", receiver,
                                    extra = logField_](const SendOutcome& o) {
                if (!o.ok) warn(msg, receiver, o.error, extra);
              }));
}

}  // namespace nm
