// A tiny in-process HTTP/1.1 server on 127.0.0.1:0 for the notify tests: records every request
// (with the TCP connection it came on) and answers scripted replies, keep-alive included.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <strings.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace nm::test {

class TestHttpServer {
 public:
  struct Request {
    std::string method;
    std::string target;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    int connection = 0;  // 1-based index of the TCP connection that carried it

    std::string header(const std::string& name) const {
      for (const auto& [k, v] : headers) {
        if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
      }
      return "";
    }
  };

  struct Reply {
    int status = 200;
    std::string body = "ok";
    std::vector<std::pair<std::string, std::string>> headers;
    std::chrono::milliseconds delay{0};
  };

  TestHttpServer() {
    listenFd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listenFd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(listenFd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(listenFd_, 64);
    socklen_t len = sizeof addr;
    ::getsockname(listenFd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { acceptLoop(); });
  }

  ~TestHttpServer() {
    {
      std::lock_guard<std::mutex> g(mu_);
      stopping_ = true;
      for (int fd : connFds_) ::shutdown(fd, SHUT_RDWR);
    }
    cv_.notify_all();
    ::shutdown(listenFd_, SHUT_RDWR);
    ::close(listenFd_);
    acceptor_.join();
    for (auto& t : workers_) t.join();
    for (int fd : connFds_) ::close(fd);
  }

  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  // Replies used in order, one per request; afterwards the default reply.
  void script(std::vector<Reply> replies) {
    std::lock_guard<std::mutex> g(mu_);
    script_.assign(replies.begin(), replies.end());
  }
  void setDefault(Reply r) {
    std::lock_guard<std::mutex> g(mu_);
    default_ = std::move(r);
  }

  std::vector<Request> requests() const {
    std::lock_guard<std::mutex> g(mu_);
    return requests_;
  }
  int connections() const {
    std::lock_guard<std::mutex> g(mu_);
    return connections_;
  }
  bool waitRequests(size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> g(mu_);
    return cv_.wait_for(g, timeout, [&] { return requests_.size() >= n; });
  }

 private:
  void acceptLoop() {
    while (true) {
      int fd = ::accept(listenFd_, nullptr, nullptr);
      if (fd < 0) return;
      std::lock_guard<std::mutex> g(mu_);
      if (stopping_) {
        ::close(fd);
        return;
      }
      int id = ++connections_;
      connFds_.push_back(fd);
      workers_.emplace_back([this, fd, id] { serve(fd, id); });
    }
  }

  static bool readMore(int fd, std::string& buf) {
    char tmp[8192];
    ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf.append(tmp, static_cast<size_t>(n));
    return true;
  }

  static const char* reason(int status) {
    switch (status) {
      case 200:
        return "OK";
      case 204:
        return "No Content";
      case 400:
        return "Bad Request";
      case 401:
        return "Unauthorized";
      case 429:
        return "Too Many Requests";
      case 500:
        return "Internal Server Error";
      case 503:
        return "Service Unavailable";
      default:
        return "Status";
    }
  }

  void serve(int fd, int id) {
    std::string buf;
    while (true) {
      size_t end;
      while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
        if (!readMore(fd, buf)) return;
      }
      Request req;
      req.connection = id;
      std::string head = buf.substr(0, end);
      buf.erase(0, end + 4);
      size_t pos = head.find("\r\n");
      std::string line = head.substr(0, pos);
      size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
      req.method = line.substr(0, sp1);
      req.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
      size_t contentLength = 0;
      while (pos != std::string::npos) {
        size_t next = head.find("\r\n", pos + 2);
        std::string h =
            head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
        pos = next;
        size_t colon = h.find(':');
        if (colon == std::string::npos) continue;
        std::string k = h.substr(0, colon), v = h.substr(colon + 1);
        while (!v.empty() && v.front() == ' ') v.erase(0, 1);
        if (strcasecmp(k.c_str(), "Content-Length") == 0) contentLength = std::stoul(v);
        req.headers.emplace_back(k, v);
      }
      while (buf.size() < contentLength) {
        if (!readMore(fd, buf)) return;
      }
      req.body = buf.substr(0, contentLength);
      buf.erase(0, contentLength);
      Reply reply;
      {
        std::unique_lock<std::mutex> g(mu_);
        requests_.push_back(req);
        if (!script_.empty()) {
          reply = script_.front();
          script_.pop_front();
        } else {
          reply = default_;
        }
        cv_.notify_all();
        if (reply.delay.count() > 0) {
          cv_.wait_for(g, reply.delay, [&] { return stopping_; });
          if (stopping_) return;
        }
      }
      std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " " + reason(reply.status) +
                        "\r\nContent-Length: " + std::to_string(reply.body.size()) + "\r\n";
      for (const auto& [k, v] : reply.headers) out += k + ": " + v + "\r\n";
      out += "\r\n" + reply.body;
      if (::send(fd, out.data(), out.size(), MSG_NOSIGNAL) < 0) return;
    }
  }

  int listenFd_ = -1;
  int port_ = 0;
  std::thread acceptor_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  int connections_ = 0;
  std::vector<int> connFds_;
  std::vector<std::thread> workers_;
  std::deque<Reply> script_;
  Reply default_;
  std::vector<Request> requests_;
};

}  // namespace nm::test
