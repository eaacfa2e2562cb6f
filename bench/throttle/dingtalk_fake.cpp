// nm-dingtalk-fake: a fast DingTalk custom-robot server for the throttle benchmark (issue #4):
// per-access_token sliding-window rate limit (errcode 130101), HMAC signature check, accept log.
// --penalty models DingTalk's "over 20 per minute: throttled for 10 minutes" (off by default).
//
// C++ rather than tests/fakes/dingtalk_fake.py: the Python fake serialises every request under one
// lock on a thread per connection, stamps the window after queueing, and would share the 2 cores
// with the daemon it measures. This one stamps each request when its body has been read, on the
// steady clock, and costs a few µs per request.
//
// Protocol as documented: POST /robot/send?access_token=T[&timestamp=ms&sign=b64] with a JSON body
// {"msgtype":"text","text":{"content":...}} or markdown {title,text}; always HTTP 200 with
// {"errcode":0,"errmsg":"ok"} or the vendor's error code (300001 unknown token, 310000 sign not
// match, 40035 missing parameter, 130101 send too fast).
// https://open.dingtalk.com/document/robots/custom-robot-access
// https://open.dingtalk.com/document/robots/customize-robot-security-settings
//
// GET /stats: counters and the tightest observed window as JSON. GET /dump: one line per message
// id accepted or refused over the limit: "<token>\t<id>\t<unix ms>\t<errcode 0|130101>" (ids:
// every distinct `--id-prefix`<digits> in the text).
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <simdjson.h>

#include <CLI/CLI.hpp>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <cctype>
#include <chrono>
#include <csignal>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Steady = std::chrono::steady_clock;

namespace {

struct Options {
  std::string address = "127.0.0.1:19299";
  int limit = 20;      // accepted messages per window per token
  double window = 60;  // seconds
  double penalty = 0;  // seconds a robot stays blocked after going over the limit
  std::string robots;  // file: "<token> [secret]" per line; empty: any token, unsigned
  std::string idPrefix = "tbid_";
};

struct Logged {
  std::string id;
  long long unixMs;
  int errcode;  // 0 accepted, 130101 over the limit
};

struct Robot {
  std::string secret;
  std::deque<Steady::time_point> window;  // accepted sends within the window
  Steady::time_point blockedUntil{};      // --penalty after an over-limit send
  std::vector<Steady::time_point> all;    // every accepted send, for the tightest-window figure
  std::vector<Logged> ids;
};

struct State {
  std::mutex mu;
  bool restricted = false;
  std::unordered_map<std::string, Robot> robots;
  uint64_t requests = 0, accepted = 0, overLimit = 0, badSign = 0, badRequest = 0, unknownToken = 0;
  long long firstMs = 0, lastMs = 0;
};

Options gOpts;
State gState;

long long unixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string percentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

std::map<std::string, std::string> queryOf(std::string_view target) {
  std::map<std::string, std::string> q;
  auto qm = target.find('?');
  if (qm == std::string_view::npos) return q;
  std::string_view rest = target.substr(qm + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view kv = rest.substr(0, amp);
    auto eq = kv.find('=');
    if (eq != std::string_view::npos)
      q[percentDecode(kv.substr(0, eq))] = percentDecode(kv.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return q;
}

// base64(HMAC-SHA256(key = secret, message = "<timestamp>\n<secret>")), DingTalk's documented sign.
std::string expectedSign(const std::string& ts, const std::string& secret) {
  const std::string msg = ts + "\n" + secret;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), mac, &len);
  std::string b64(4 * ((len + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), mac, static_cast<int>(len));
  b64.resize(static_cast<size_t>(n));
  return b64;
}

// The message text (text.content or markdown.text); empty when a required field is missing.
std::string messageText(const std::string& body) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc)) return "";
  std::string_view type, text, title;
  if (doc["msgtype"].get_string().get(type)) return "";
  if (type == "text") {
    if (doc["text"]["content"].get_string().get(text)) return "";
  } else if (type == "markdown") {
    if (doc["markdown"]["title"].get_string().get(title) || title.empty()) return "";
    if (doc["markdown"]["text"].get_string().get(text)) return "";
  } else {
    return "";
  }
  return std::string(text);
}

std::set<std::string> idsIn(const std::string& text) {
  std::set<std::string> ids;
  for (size_t p = 0; (p = text.find(gOpts.idPrefix, p)) != std::string::npos;) {
    size_t e = p + gOpts.idPrefix.size();
    while (e < text.size() && std::isdigit(static_cast<unsigned char>(text[e]))) ++e;
    if (e > p + gOpts.idPrefix.size()) ids.insert(text.substr(p, e - p));
    p = e;
  }
  return ids;
}

std::string answer(int code, const std::string& msg) {
  return "{\"errcode\":" + std::to_string(code) + ",\"errmsg\":\"" + msg + "\"}";
}

std::string robotSend(std::string_view target, const std::string& body) {
  const auto at = Steady::now();
  const long long ms = unixMs();
  auto q = queryOf(target);
  const std::string token = q["access_token"];
  const std::string text = messageText(body);
  std::lock_guard<std::mutex> g(gState.mu);
  gState.requests++;
  auto it = gState.robots.find(token);
  if (it == gState.robots.end()) {
    if (gState.restricted || token.empty()) {
      gState.unknownToken++;
      return answer(300001, "token is not exist");
    }
    it = gState.robots.emplace(token, Robot{}).first;
  }
  Robot& r = it->second;
  if (!r.secret.empty()) {
    const std::string& ts = q["timestamp"];
    if (ts.empty() || ts.size() > 15 || ts.find_first_not_of("0123456789") != std::string::npos ||
        std::llabs(ms - std::stoll(ts)) > 3600 * 1000 || q["sign"] != expectedSign(ts, r.secret)) {
      gState.badSign++;
      return answer(310000, "sign not match");
    }
  }
  if (text.empty()) {
    gState.badRequest++;
    return answer(40035, "missing parameter text");
  }
  const auto window =
      std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(gOpts.window));
  while (!r.window.empty() && r.window.front() + window <= at) r.window.pop_front();
  if (static_cast<int>(r.window.size()) >= gOpts.limit || at < r.blockedUntil) {
    if (gOpts.penalty > 0 && at >= r.blockedUntil) {
      r.blockedUntil = at + std::chrono::duration_cast<Steady::duration>(
                                std::chrono::duration<double>(gOpts.penalty));
    }
    gState.overLimit++;
    for (const auto& id : idsIn(text)) r.ids.push_back({id, ms, 130101});
    return answer(130101, "send too fast, exceed 20 times per minute");
  }
  r.window.push_back(at);
  r.all.push_back(at);
  for (const auto& id : idsIn(text)) r.ids.push_back({id, ms, 0});
  gState.accepted++;
  if (gState.firstMs == 0) gState.firstMs = ms;
  gState.lastMs = ms;
  return answer(0, "ok");
}

std::string statsJson() {
  std::lock_guard<std::mutex> g(gState.mu);
  // The tightest window: min over tokens and i of all[i + limit] - all[i], the time between an
  // accept and the one `limit` places later (the limit holds while it is >= the window).
  double tightest = -1;
  size_t ids = 0;
  for (const auto& [token, r] : gState.robots) {
    for (const auto& l : r.ids) ids += l.errcode == 0 ? 1 : 0;
    const size_t n = static_cast<size_t>(gOpts.limit);
    for (size_t i = 0; n > 0 && i + n < r.all.size(); ++i) {
      double span = std::chrono::duration<double>(r.all[i + n] - r.all[i]).count();
      if (tightest < 0 || span < tightest) tightest = span;
    }
  }
  std::ostringstream o;
  o << "{\"requests\":" << gState.requests << ",\"accepted\":" << gState.accepted
    << ",\"ids\":" << ids << ",\"over_limit\":" << gState.overLimit
    << ",\"bad_sign\":" << gState.badSign << ",\"bad_request\":" << gState.badRequest
    << ",\"unknown_token\":" << gState.unknownToken << ",\"robots\":" << gState.robots.size()
    << ",\"first_accept_ms\":" << gState.firstMs << ",\"last_accept_ms\":" << gState.lastMs
    << ",\"limit\":" << gOpts.limit << ",\"window_s\":" << gOpts.window
    << ",\"tightest_window_s\":" << tightest << "}";
  return o.str();
}

std::string dump() {
  std::lock_guard<std::mutex> g(gState.mu);
  std::string out;
  for (const auto& [token, r] : gState.robots)
    for (const auto& a : r.ids)
      out += token + "\t" + a.id + "\t" + std::to_string(a.unixMs) + "\t" +
             std::to_string(a.errcode) + "\n";
  return out;
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(tcp::socket s) : stream_(std::move(s)) {}
  void read() {
    req_ = {};
    http::async_read(stream_, buf_, req_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (!ec) self->handle();
                     });
  }

 private:
  void handle() {
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(req_.version());
    res->keep_alive(req_.keep_alive());
    res->set(http::field::content_type, "application/json");
    res->result(http::status::ok);
    std::string_view target(req_.target().data(), req_.target().size());
    if (req_.method() == http::verb::post && target.starts_with("/robot/send")) {
      res->body() = robotSend(target, req_.body());
    } else if (req_.method() == http::verb::get && target == "/stats") {
      res->body() = statsJson();
    } else if (req_.method() == http::verb::get && target == "/dump") {
      res->set(http::field::content_type, "text/plain");
      res->body() = dump();
    } else {
      res->result(http::status::not_found);
      res->body() = answer(404, "not found");
    }
    res->prepare_payload();
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res](beast::error_code ec, size_t) {
                        if (!ec && res->keep_alive()) self->read();
                      });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buf_;
  http::request<http::string_body> req_;
};

void accept(tcp::acceptor& acc) {
  acc.async_accept([&acc](beast::error_code ec, tcp::socket s) {
    if (!ec) std::make_shared<Session>(std::move(s))->read();
    if (acc.is_open()) accept(acc);
  });
}

bool loadRobots(const std::string& path) {
  std::ifstream f(path);
  if (!f) return false;
  std::string line;
  while (std::getline(f, line)) {
    std::istringstream ls(line);
    std::string token, secret;
    if (!(ls >> token)) continue;
    ls >> secret;
    gState.robots[token].secret = secret;
  }
  gState.restricted = true;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"nm-dingtalk-fake: DingTalk robots with the per-webhook rate limit"};
  app.add_option("--address", gOpts.address, "host:port to listen on");
  app.add_option("--limit", gOpts.limit, "accepted messages per window per access_token");
  app.add_option("--window", gOpts.window, "sliding window in seconds");
  app.add_option("--penalty", gOpts.penalty,
                 "seconds a robot answers 130101 after going over the limit (DingTalk: 10 min)");
  app.add_option("--robots", gOpts.robots, "file of '<access_token> [secret]' lines");
  app.add_option("--id-prefix", gOpts.idPrefix, "message ids recorded for /dump");
  CLI11_PARSE(app, argc, argv);
  if (!gOpts.robots.empty() && !loadRobots(gOpts.robots)) {
    std::cerr << "nm-dingtalk-fake: cannot read " << gOpts.robots << "\n";
    return 2;
  }
  auto colon = gOpts.address.rfind(':');
  asio::io_context io;
  tcp::acceptor acc(io);
  tcp::endpoint ep(asio::ip::make_address(gOpts.address.substr(0, colon)),
                   static_cast<unsigned short>(std::stoi(gOpts.address.substr(colon + 1))));
  acc.open(ep.protocol());
  acc.set_option(asio::socket_base::reuse_address(true));
  acc.bind(ep);
  acc.listen();
  std::cout << "nm-dingtalk-fake: listening on " << gOpts.address << ", " << gOpts.limit << " per "
            << gOpts.window << " s per token, " << gState.robots.size() << " robots" << std::endl;
  accept(acc);
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code, int) {
    std::cout << "nm-dingtalk-fake: " << statsJson() << std::endl;
    io.stop();
  });
  io.run();  // one thread: the state is behind one mutex anyway, and the daemon needs the cores
  return 0;
}
