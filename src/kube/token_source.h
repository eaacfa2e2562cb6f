// The bearer token of API requests: inline, or a file (the projected service-account token)
// re-read at most once a minute, and at once after the server answered 401.
#pragma once

#include <chrono>
#include <mutex>
#include <string>

namespace nm::kube {

class TokenSource {
 public:
  using Clock = std::chrono::steady_clock;
  TokenSource(std::string token, std::string file,
              std::chrono::seconds refresh = std::chrono::minutes(1));

  // The token to send now ("" for none); re-reads the file when due.
  std::string token();
  // The server refused the token: the next token() re-reads the file.
  void invalidate();
  const std::string& file() const { return file_; }

 private:
  void readLocked();

  std::mutex mu_;
  std::string token_;
  const std::string file_;
  const std::chrono::seconds refresh_;
  Clock::time_point readAt_{};
  bool due_ = true;
};

}  // namespace nm::kube
