// TLS tests of the HttpClient against `openssl s_server -www` with a self-signed certificate made
// at test time: verification on by default, insecureSkipVerify, an in-memory CA and serverName.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "interfaces/http_client.h"
#include "notify/http_client_curl.h"
#include "test_helpers.h"
#include "wait_for.h"

extern char** environ;

namespace nm {
namespace {

int freePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

bool canConnect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

class TlsServer : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/nm-tls-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    std::string cmd =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
        "-keyout " +
        dir_ + "/key.pem -out " + dir_ +
        "/cert.pem -days 1 "
        "-subj /CN=nm-test.local -addext subjectAltName=DNS:nm-test.local "
        ">/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "openssl CLI not available";
    std::ifstream in(dir_ + "/cert.pem");
    std::stringstream ss;
    ss << in.rdbuf();
    certPem_ = ss.str();
    port_ = freePort();
    std::string cert = dir_ + "/cert.pem", key = dir_ + "/key.pem", port = std::to_string(port_);
    std::vector<std::string> args = {"openssl", "s_server", "-quiet", "-www", "-accept",
                                     port,      "-cert",    cert,     "-key", key};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    int rc = posix_spawnp(&pid_, "openssl", &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    ASSERT_EQ(rc, 0);
    ASSERT_TRUE(test::waitFor([&] { return canConnect(port_); })) << "s_server did not start";
  }

  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
    if (!dir_.empty()) std::system(("rm -rf " + dir_).c_str());
  }

  HttpResponse get(TlsOptions tls) {
    auto client = makeCurlHttpClient();
    HttpRequest req;
    req.method = "GET";
    req.url = "https://127.0.0.1:" + std::to_string(port_) + "/";
    req.tls = std::move(tls);
    test::Waiter<HttpResponse> w;
    client->send(req, w.callback());
    return w.get();
  }

  std::string dir_;
  std::string certPem_;
  int port_ = 0;
  pid_t pid_ = -1;
};

TEST_F(TlsServer, SelfSignedFailsVerificationByDefault) {
  HttpResponse r = get({});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error.rfind("tls: ", 0), 0u) << r.error;
}

TEST_F(TlsServer, InsecureSkipVerifySucceeds) {
  TlsOptions tls;
  tls.insecureSkipVerify = true;
  HttpResponse r = get(tls);
  EXPECT_EQ(r.status, 200) << r.error;
}

TEST_F(TlsServer, InMemoryCaWithServerNameSucceeds) {
  TlsOptions tls;
  tls.caPem = certPem_;
  tls.serverName = "nm-test.local";
  HttpResponse r = get(tls);
  EXPECT_EQ(r.status, 200) << r.error;
}

TEST_F(TlsServer, InMemoryCaStillChecksTheHostName) {
  TlsOptions tls;
  tls.caPem = certPem_;  // trusted, but issued for nm-test.local, not 127.0.0.1
  HttpResponse r = get(tls);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error.rfind("tls: ", 0), 0u) << r.error;
}

}  // namespace
}  // namespace nm
