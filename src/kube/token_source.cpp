// TokenSource: the file is read under a lock; an unreadable or empty file keeps the last token
// (a rotation writes the new file atomically, but a reader may still race an editor).
#include "kube/token_source.h"

#include <fstream>
#include <sstream>

namespace nm::kube {

TokenSource::TokenSource(std::string token, std::string file, std::chrono::seconds refresh)
    : token_(std::move(token)), file_(std::move(file)), refresh_(refresh) {}

void TokenSource::readLocked() {
  readAt_ = Clock::now();
  due_ = false;
  std::ifstream in(file_);
  if (!in) return;
  std::ostringstream s;
  s << in.rdbuf();
  std::string t = s.str();
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
  if (!t.empty()) token_ = std::move(t);
}

std::string TokenSource::token() {
  std::lock_guard<std::mutex> g(mu_);
  if (!file_.empty() && (due_ || Clock::now() - readAt_ >= refresh_)) readLocked();
  return token_;
}

void TokenSource::invalidate() {
  std::lock_guard<std::mutex> g(mu_);
  due_ = true;
}

}  // namespace nm::kube
