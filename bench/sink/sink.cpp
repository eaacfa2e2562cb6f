// nm-sink: a webhook receiver that counts (and optionally prints) what the daemon delivers.
// Used by the README example (--print), the integration tests and the end-to-end benchmark.
//
// Latency: alerts whose annotations carry `nm_bench_sent_ns` (set by nm-loadgen) contribute
// ingest-to-delivery samples. GET /stats returns counts and percentiles as JSON.
//
// --ids: every alert's id (nm-loadgen's instance label host-<id>:9100) is counted, so a run can
// tell lost from duplicate deliveries: /stats adds distinct_ids, duplicates (deliveries beyond
// the first) and mixed_groups (notifications carrying an alert outside their groupLabels);
// GET /ids lists "id deliveries" per delivered id.
#include <simdjson.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <chrono>
#include <csignal>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

struct Stats {
  bool countIds = false;  // --ids
  std::atomic<uint64_t> requests{0}, alerts{0}, badRequests{0};
  std::mutex mu;
  std::vector<double> latenciesMs;
  std::chrono::steady_clock::time_point first{}, last{};
  std::vector<uint32_t> deliveriesById;  // --ids
  uint64_t distinctIds = 0, duplicates = 0, mixedGroups = 0;

  void record(uint64_t n, const std::vector<double>& lat, const std::vector<uint64_t>& ids,
              bool mixed) {
    auto t = std::chrono::steady_clock::now();
    std::lock_guard<std::mutex> g(mu);
    if (requests == 0) first = t;
    last = t;
    requests++;
    alerts += n;
    latenciesMs.insert(latenciesMs.end(), lat.begin(), lat.end());
    if (mixed) mixedGroups++;
    for (uint64_t id : ids) {
      if (id >= deliveriesById.size())
        deliveriesById.resize(std::max<size_t>(id + 1, 2 * deliveriesById.size()));
      if (deliveriesById[id]++ == 0)
        distinctIds++;
      else
        duplicates++;
    }
  }

  std::string idList() {
    std::lock_guard<std::mutex> g(mu);
    std::string out;
    for (size_t id = 0; id < deliveriesById.size(); ++id)
      if (deliveriesById[id])
        out += std::to_string(id) + ' ' + std::to_string(deliveriesById[id]) + '\n';
    return out;
  }

  std::string json() {
    std::lock_guard<std::mutex> g(mu);
    std::vector<double> v = latenciesMs;
    std::sort(v.begin(), v.end());
    auto pct = [&](double p) {
      if (v.empty()) return 0.0;
      size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1));
      return v[i];
    };
    double secs = std::chrono::duration<double>(last - first).count();
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "{\"requests\":%llu,\"alerts\":%llu,\"bad_requests\":%llu,\"span_seconds\":%.3f,"
                  "\"latency_samples\":%zu,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f",
                  static_cast<unsigned long long>(requests.load()),
                  static_cast<unsigned long long>(alerts.load()),
                  static_cast<unsigned long long>(badRequests.load()), secs, v.size(), pct(0.5),
                  pct(0.99), v.empty() ? 0.0 : v.back());
    std::string out = buf;
    if (countIds) {
      std::snprintf(
          buf, sizeof buf, ",\"distinct_ids\":%llu,\"duplicates\":%llu,\"mixed_groups\":%llu",
          static_cast<unsigned long long>(distinctIds), static_cast<unsigned long long>(duplicates),
          static_cast<unsigned long long>(mixedGroups));
      out += buf;
    }
    return out + "}";
  }
};

struct Options {
  std::string address = "127.0.0.1:19099";
  bool print = false;
  int status = 200;
};

Stats gStats;
Options gOpts;

// nm-loadgen's alert id: the digits of its instance label host-<id>:9100.
bool alertId(simdjson::dom::element alert, uint64_t& id) {
  std::string_view inst;
  if (alert["labels"]["instance"].get_string().get(inst) || inst.rfind("host-", 0) != 0)
    return false;
  id = 0;
  size_t i = 5;
  for (; i < inst.size() && inst[i] >= '0' && inst[i] <= '9'; ++i) id = id * 10 + (inst[i] - '0');
  return i > 5 && id < (1ull << 32);
}

// True when an alert lacks one of the notification's groupLabels or has another value for it.
bool outsideGroup(simdjson::dom::element doc, simdjson::dom::element alert) {
  simdjson::dom::object group;
  if (doc["groupLabels"].get_object().get(group)) return false;
  for (auto [key, value] : group) {
    std::string_view want, have;
    if (value.get_string().get(want)) continue;
    if (alert["labels"][key].get_string().get(have) || have != want) return true;
  }
  return false;
}

uint64_t countAlerts(const std::string& body, std::vector<double>& lat, std::vector<uint64_t>& ids,
                     bool& mixed) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc)) return 0;
  simdjson::dom::array alerts;
  if (doc["alerts"].get_array().get(alerts)) return 0;
  auto nowNs = std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  uint64_t n = 0;
  for (auto a : alerts) {
    ++n;
    if (gStats.countIds) {
      uint64_t id;
      if (alertId(a, id)) ids.push_back(id);
      if (outsideGroup(doc, a)) mixed = true;
    }
    std::string_view sent;
    if (!a["annotations"]["nm_bench_sent_ns"].get_string().get(sent)) {
      long long ns = std::atoll(std::string(sent).c_str());
      if (ns > 0) lat.push_back(static_cast<double>(nowNs - ns) / 1e6);
    }
  }
  return n;
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  // 64 KB read buffer: an emptied flat_buffer shrinks back to 512 bytes, and Beast reads at most
  // its free capacity per recv (3-4 recvmsg per webhook body instead of one).
  explicit Session(tcp::socket s) : stream_(std::move(s)) { buf_.reserve(64 << 10); }
  void run() { read(); }

 private:
  void read() {
    req_ = {};
    parser_.emplace();
    parser_->body_limit(256u << 20);
    http::async_read(stream_, buf_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return;
                       self->req_ = self->parser_->release();
                       self->handle();
                     });
  }

  void handle() {
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(req_.version());
    res->keep_alive(req_.keep_alive());
    res->set(http::field::content_type, "application/json");
    if (req_.method() == http::verb::get && req_.target() == "/stats") {
      res->result(http::status::ok);
      res->body() = gStats.json();
    } else if (req_.method() == http::verb::get && req_.target() == "/ids") {
      res->result(http::status::ok);
      res->set(http::field::content_type, "text/plain");
      res->body() = gStats.idList();
    } else if (req_.method() == http::verb::post) {
      std::vector<double> lat;
      std::vector<uint64_t> ids;
      bool mixed = false;
      uint64_t n = countAlerts(req_.body(), lat, ids, mixed);
      if (n == 0) gStats.badRequests++;
      gStats.record(n, lat, ids, mixed);
      if (gOpts.print) {
        static std::mutex printMu;
        std::lock_guard<std::mutex> g(printMu);
        std::cout << "nm-sink: " << req_.method_string() << " " << req_.target() << " (" << n
                  << " alerts)\n"
                  << req_.body() << "\n"
                  << std::flush;
      }
      res->result(static_cast<http::status>(gOpts.status));
      res->body() = "{}";
    } else {
      res->result(http::status::not_found);
    }
    res->prepare_payload();
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res](beast::error_code ec, size_t) {
                        if (ec || !res->keep_alive()) return;
                        self->read();
                      });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buf_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::request<http::string_body> req_;
};

void accept(tcp::acceptor& acc) {
  acc.async_accept([&acc](beast::error_code ec, tcp::socket s) {
    if (!ec) std::make_shared<Session>(std::move(s))->run();
    if (acc.is_open()) accept(acc);
  });
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"nm-sink: counts and prints webhook deliveries"};
  app.add_option("--address", gOpts.address, "host:port to listen on (port 0: any free port)");
  app.add_flag("--print", gOpts.print, "print every request body");
  app.add_option("--status", gOpts.status, "HTTP status to answer POSTs with");
  app.add_flag("--ids", gStats.countIds,
               "count deliveries per alert id (nm-loadgen's instance label host-<id>:9100): "
               "/stats adds distinct_ids, duplicates, mixed_groups; GET /ids lists them");
  CLI11_PARSE(app, argc, argv);

  auto colon = gOpts.address.rfind(':');
  std::string host = gOpts.address.substr(0, colon);
  if (host.empty()) host = "0.0.0.0";
  auto port = static_cast<unsigned short>(std::stoi(gOpts.address.substr(colon + 1)));
  asio::io_context io;
  tcp::acceptor acc(io);
  tcp::endpoint ep(asio::ip::make_address(host), port);
  acc.open(ep.protocol());
  acc.set_option(asio::socket_base::reuse_address(true));
  acc.bind(ep);
  acc.listen();
  std::cout << "nm-sink: listening on " << host << ":" << acc.local_endpoint().port() << std::endl;
  accept(acc);
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code, int) {
    std::cout << "nm-sink: " << gStats.json() << std::endl;
    io.stop();
  });
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) threads.emplace_back([&] { io.run(); });
  for (auto& t : threads) t.join();
  return 0;
}
