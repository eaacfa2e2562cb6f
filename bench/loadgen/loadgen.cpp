// nm-loadgen: posts alert batches (an Alertmanager webhook object, or Prometheus' array of
// postable alerts) over keep-alive connections, then asks nm-sink how many alerts arrived and how
// late. Prints accepted/s, delivered/s, p50/p99 and peak RSS.
//
// Several replicas: --target takes a comma-separated list; connection c starts on target
// c % n and moves to the next one when its connection fails (a killed replica), so a post is
// retried elsewhere. --accepted-file records which alert ids were answered 200 (with --distinct,
// alert i of the run has id i in its instance label), for nm-sink --ids to count lost and
// duplicate deliveries against.
//
// Each alert carries annotation nm_bench_sent_ns (send time) so the sink measures
// ingest-to-delivery latency on the same clock. The array format is what Prometheus sends and what
// Alertmanager's own POST /api/v2/alerts takes, so one load can be posted to both.
#include <CLI/CLI.hpp>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string target = "127.0.0.1:19093";
  std::string sink = "127.0.0.1:19099";
  int connections = 8;
  int batch = 100;
  long long total = 300000;
  double rate = 0;  // alerts/s, 0 = as fast as possible
  int tenants = 1000;
  int alertnames = 20;
  int pid = 0;
  int tenantReceivers = 0;  // tenants tenant-0..N-1 have a receiver: their alerts count twice
  double waitSeconds = 30;
  bool resolved = false;
  std::string format = "webhook";  // webhook: Alertmanager's webhook object; array: Prometheus'
  bool distinct = false;           // every alert sent has its own fingerprint (else a fixed set)
  double endsInSeconds = 3600;   // array format: endsAt = start + this (Prometheus: a few minutes)
  std::string startsAt, endsAt;  // RFC 3339, computed once at start
  int attempts = 50;             // per post: 503s and connection failures retried this often
  std::string acceptedFile;      // "first count" per post answered 200
  double requestTimeout = 0;     // seconds per try (connect, write, answer); 0: wait for ever
};

std::vector<std::string> splitList(const std::string& s) {
  std::vector<std::string> out;
  size_t b = 0;
  while (b <= s.size()) {
    size_t e = s.find(',', b);
    if (e == std::string::npos) e = s.size();
    if (e > b) out.push_back(s.substr(b, e - b));
    b = e + 1;
  }
  return out;
}

// The instance label's id is written with this many digits, so --distinct can re-stamp it.
constexpr int kIdDigits = 12;

std::string rfc3339(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::pair<std::string, std::string> splitHostPort(const std::string& s) {
  auto c = s.rfind(':');
  return {s.substr(0, c), s.substr(c + 1)};
}

long long nowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// One request body of `n` alerts with ids seq0..seq0+n-1. The send time is written as 19 digits
// at the positions returned in `tsPos` (and each alert's instance id as kIdDigits digits at
// `idPos`), so a body is built once and re-stamped for every send: the generator must cost far
// less CPU than the daemon it measures (they share the 2 cores).
std::string makeBody(const Options& o, long long seq0, int n, std::vector<size_t>& tsPos,
                     std::vector<size_t>& idPos, long long& deliveries) {
  deliveries = 0;
  const bool array = o.format == "array";
  std::string b;
  b.reserve(static_cast<size_t>(n) * 340 + 200);
  if (array)
    b += '[';
  else
    b += "{\"receiver\":\"loadgen\",\"status\":\"firing\",\"version\":\"4\",\"alerts\":[";
  for (int i = 0; i < n; ++i) {
    long long id = seq0 + i;
    deliveries += 1 + (id % o.tenants < o.tenantReceivers ? 1 : 0);
    if (i) b += ',';
    if (array) {
      b += "{\"labels\":{\"alertname\":\"BenchAlert";
    } else {
      b += "{\"status\":\"";
      b += o.resolved ? "resolved" : "firing";
      b += "\",\"labels\":{\"alertname\":\"BenchAlert";
    }
    b += std::to_string(id % o.alertnames);
    b += "\",\"namespace\":\"tenant-";
    b += std::to_string(id % o.tenants);
    b += "\",\"severity\":\"warning\",\"instance\":\"host-";
    idPos.push_back(b.size());
    char idDigits[32];
    std::snprintf(idDigits, sizeof idDigits, "%0*lld", kIdDigits, id);
    b += idDigits;
    b += ":9100\",\"job\":\"node\",\"pod\":\"pod-";
    b += std::to_string(id % 977);
    b += "\"},\"annotations\":{\"summary\":\"load test alert\",\"nm_bench_sent_ns\":\"";
    tsPos.push_back(b.size());
    b += "0000000000000000000";
    if (array) {
      // Prometheus' shape: startsAt, and an endsAt in the future while the rule fires.
      b += "\"},\"startsAt\":\"" + o.startsAt + "\",\"endsAt\":\"" + o.endsAt +
           "\",\"generatorURL\":\"http://prometheus:9090/graph\"}";
    } else {
      b += "\"},\"startsAt\":\"2026-11-25T10:00:00Z\",\"endsAt\":\"0001-01-01T00:00:00Z\","
           "\"generatorURL\":\"http://prometheus:9090/graph\"}";
    }
  }
  if (array)
    b += ']';
  else
    b += "],\"groupLabels\":{},\"commonLabels\":{},\"commonAnnotations\":{},"
         "\"externalURL\":\"http://alertmanager:9093\"}";
  return b;
}

// --distinct: alert i of this send gets id seq0 + i, so no two sends repeat a fingerprint.
void stampIds(std::string& body, const std::vector<size_t>& idPos, long long seq0) {
  char digits[32];
  for (size_t i = 0; i < idPos.size(); ++i) {
    std::snprintf(digits, sizeof digits, "%0*lld", kIdDigits, seq0 + static_cast<long long>(i));
    std::memcpy(body.data() + idPos[i], digits, kIdDigits);
  }
}

void stamp(std::string& body, const std::vector<size_t>& tsPos) {
  char digits[32];
  std::snprintf(digits, sizeof digits, "%019lld", nowNs());
  for (size_t p : tsPos) std::memcpy(body.data() + p, digits, 19);
}

// One try of a post: connect when needed, write, read the answer. With a timeout the same steps
// run as async operations under the stream's deadline, so a peer that takes the request and never
// answers becomes an error (beast::error::timeout) instead of a thread blocked for ever.
void exchange(asio::io_context& io, beast::tcp_stream& s, const tcp::resolver::results_type& eps,
              bool connect, const http::request<http::string_body>& req, beast::flat_buffer& buf,
              http::response<http::string_body>& res, double timeoutSeconds) {
  if (timeoutSeconds <= 0) {
    if (connect) {
      s.connect(eps);
      s.socket().set_option(tcp::no_delay(true));
    }
    http::write(s, req);
    http::read(s, buf, res);
    return;
  }
  s.expires_after(std::chrono::duration_cast<SteadyClock::duration>(
      std::chrono::duration<double>(timeoutSeconds)));
  beast::error_code ec;
  auto onRead = [&](beast::error_code e, size_t) { ec = e; };
  auto onWrite = [&](beast::error_code e, size_t) {
    if (e) {
      ec = e;
      return;
    }
    http::async_read(s, buf, res, onRead);
  };
  auto write = [&] { http::async_write(s, req, onWrite); };
  if (connect) {
    s.async_connect(eps, [&](beast::error_code e, const tcp::endpoint&) {
      if (e) {
        ec = e;
        return;
      }
      s.socket().set_option(tcp::no_delay(true));
      write();
    });
  } else {
    write();
  }
  io.restart();
  io.run();
  s.expires_never();
  if (ec) throw beast::system_error(ec);
}

std::string httpGet(const std::string& hostport, const std::string& path) {
  try {
    asio::io_context io;
    tcp::resolver r(io);
    beast::tcp_stream s(io);
    auto [h, p] = splitHostPort(hostport);
    s.connect(r.resolve(h, p));
    http::request<http::empty_body> req{http::verb::get, path, 11};
    req.set(http::field::host, h);
    http::write(s, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(s, buf, res);
    return res.body();
  } catch (const std::exception&) {
    return "";
  }
}

double jsonNumber(const std::string& js, const std::string& key) {
  auto p = js.find("\"" + key + "\":");
  if (p == std::string::npos) return 0;
  return std::atof(js.c_str() + p + key.size() + 3);
}

std::string procStatus(int pid, const std::string& field) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind(field + ":", 0) == 0) return line.substr(field.size() + 1);
  return "?";
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"nm-loadgen: end-to-end load for notification-manager"};
  app.add_option("--target", o.target,
                 "daemon host:port, or a comma-separated list of replicas (connection c starts "
                 "on target c % n and fails over to the next)");
  app.add_option("--sink", o.sink, "nm-sink host:port ('' to skip delivery stats)");
  app.add_option("--connections", o.connections, "keep-alive connections (one thread each)");
  app.add_option("--batch", o.batch, "alerts per POST");
  app.add_option("--total", o.total, "alerts to send");
  app.add_option("--rate", o.rate, "target alerts/s (0: as fast as possible)");
  app.add_option("--tenants", o.tenants, "distinct namespace labels");
  app.add_option("--alertnames", o.alertnames, "distinct alertname labels");
  app.add_option("--pid", o.pid, "daemon pid, for RSS");
  app.add_option("--tenant-receivers", o.tenantReceivers,
                 "tenant-0..N-1 have their own receiver besides the global one");
  app.add_option("--wait", o.waitSeconds, "seconds to wait for deliveries to stop growing");
  app.add_flag("--resolved", o.resolved,
               "send resolved alerts (array format: endsAt = now, status implied)");
  app.add_option("--format", o.format,
                 "webhook: Alertmanager webhook objects (the daemon only); array: Prometheus' "
                 "array of postable alerts (the daemon and Alertmanager's POST /api/v2/alerts)")
      ->check(CLI::IsMember({"webhook", "array"}));
  app.add_flag("--distinct", o.distinct,
               "every alert sent has a distinct fingerprint (else re-sends of a fixed set of "
               "connections x 64 x batch alerts)");
  bool noSink = false;
  app.add_flag("--no-sink", noSink, "only count accepted alerts (same as --sink '')");
  app.add_option("--ends-in", o.endsInSeconds,
                 "array format: seconds from now to each alert's endsAt (firing until then)");
  app.add_option("--attempts", o.attempts,
                 "tries per post: a 503 waits 20 ms, a failed connection 50 ms and moves to the "
                 "next target")
      ->check(CLI::PositiveNumber);
  app.add_option("--request-timeout", o.requestTimeout,
                 "seconds one try of a post may take (connect, write, answer) before it counts "
                 "as failed and moves to the next target; 0 waits for ever")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--accepted-file", o.acceptedFile,
                 "write 'first_id count' per post answered 200 (needs --distinct)");
  CLI11_PARSE(app, argc, argv);
  if (noSink) o.sink.clear();
  if (!o.acceptedFile.empty() && !o.distinct) {
    std::cerr << "nm-loadgen: --accepted-file needs --distinct (ids are the alerts' sequence)\n";
    return 2;
  }
  const std::vector<std::string> targets = splitList(o.target);
  if (targets.empty()) {
    std::cerr << "nm-loadgen: --target: no host:port given\n";
    return 2;
  }
  std::mutex acceptedMu;
  std::vector<std::pair<long long, int>> acceptedPosts;
  {
    auto now = std::chrono::system_clock::now();
    o.startsAt = rfc3339(now);
    o.endsAt = o.resolved ? o.startsAt
                          : rfc3339(now + std::chrono::duration_cast<std::chrono::seconds>(
                                              std::chrono::duration<double>(o.endsInSeconds)));
  }

  std::string baseline = o.sink.empty() ? "" : httpGet(o.sink, "/stats");
  double baseAlerts = jsonNumber(baseline, "alerts");

  std::atomic<long long> next{0}, accepted{0}, rejected{0}, failed{0}, expectedDeliveries{0},
      timeouts{0};
  auto t0 = SteadyClock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < o.connections; ++c) {
    threads.emplace_back([&, c] {
      asio::io_context io;
      tcp::resolver r(io);
      size_t targetIndex = static_cast<size_t>(c) % targets.size();
      auto [h, p] = splitHostPort(targets[targetIndex]);
      auto eps = r.resolve(h, p);
      std::unique_ptr<beast::tcp_stream> s;
      std::vector<std::pair<long long, int>> acceptedHere;
      beast::flat_buffer buf;
      double perConn = o.rate > 0 ? o.rate / o.connections : 0;
      std::vector<std::string> pool;
      std::vector<std::vector<size_t>> poolTs, poolIds;
      std::vector<int> poolSizes;
      std::vector<long long> poolDeliveries;
      auto start = SteadyClock::now();
      long long sentHere = 0;
      for (;;) {
        long long seq0 = next.fetch_add(o.batch);
        if (seq0 >= o.total) break;
        int n = static_cast<int>(std::min<long long>(o.batch, o.total - seq0));
        if (perConn > 0) {
          auto due = start + std::chrono::duration_cast<SteadyClock::duration>(
                                 std::chrono::duration<double>(sentHere / perConn));
          std::this_thread::sleep_until(due);
        }
        // Bodies cycle through a pool of 64 per connection (distinct alerts, re-stamped).
        size_t slot = static_cast<size_t>(sentHere / o.batch) % 64;
        if (pool.size() <= slot || poolSizes[slot] != n) {
          if (pool.size() <= slot) {
            pool.resize(slot + 1);
            poolTs.resize(slot + 1);
            poolIds.resize(slot + 1);
            poolSizes.resize(slot + 1, 0);
            poolDeliveries.resize(slot + 1, 0);
          }
          poolTs[slot].clear();
          poolIds[slot].clear();
          long long firstId =
              (static_cast<long long>(c) * 64 + static_cast<long long>(slot)) * o.batch;
          pool[slot] = makeBody(o, firstId, n, poolTs[slot], poolIds[slot], poolDeliveries[slot]);
          poolSizes[slot] = n;
        }
        http::request<http::string_body> req{http::verb::post, "/api/v2/alerts", 11};
        req.set(http::field::host, h);
        req.set(http::field::content_type, "application/json");
        req.keep_alive(true);
        stamp(pool[slot], poolTs[slot]);
        if (o.distinct) stampIds(pool[slot], poolIds[slot], seq0);
        sentHere += n;
        req.body() = pool[slot];
        req.prepare_payload();
        for (int attempt = 0; attempt < o.attempts; ++attempt) {
          try {
            bool connect = !s;
            if (connect) s = std::make_unique<beast::tcp_stream>(io);
            http::response<http::string_body> res;
            exchange(io, *s, eps, connect, req, buf, res, o.requestTimeout);
            if (res.result_int() == 200) {
              accepted += n;
              if (!o.acceptedFile.empty()) acceptedHere.emplace_back(seq0, n);
              expectedDeliveries += poolDeliveries[slot];
              break;
            }
            if (res.result_int() == 503 || res.result_int() == 429) {
              rejected += n;
              std::this_thread::sleep_for(std::chrono::milliseconds(20));
              continue;  // the daemon asked us to retry: do, like Alertmanager would
            }
            failed += n;
            std::cerr << "nm-loadgen: HTTP " << res.result_int() << ": " << res.body() << "\n";
            break;
          } catch (const std::exception& e) {
            s.reset();
            buf.consume(buf.size());
            if (const auto* se = dynamic_cast<const beast::system_error*>(&e);
                se && se->code() == beast::error::timeout) {
              // Taken and not answered in time: it may have been accepted, so a retry elsewhere
              // can store it twice; counted and said, never silent.
              ++timeouts;
              std::cerr << "nm-loadgen: " << targets[targetIndex] << ": no answer within "
                        << o.requestTimeout << "s (attempt " << attempt + 1 << ")\n";
            }
            if (attempt == o.attempts - 1) {
              failed += n;
              std::cerr << "nm-loadgen: " << e.what() << "\n";
            } else if (targets.size() > 1 || attempt > 0) {
              // A replica gone (kill -9): retry the same post on the next one.
              targetIndex = (targetIndex + 1) % targets.size();
              std::tie(h, p) = splitHostPort(targets[targetIndex]);
              eps = r.resolve(h, p);
              std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
          }
        }
      }
      std::lock_guard<std::mutex> g(acceptedMu);
      acceptedPosts.insert(acceptedPosts.end(), acceptedHere.begin(), acceptedHere.end());
    });
  }
  for (auto& t : threads) t.join();
  double sendSecs = std::chrono::duration<double>(SteadyClock::now() - t0).count();
  std::printf(
      "sent: accepted=%lld alerts in %.3fs -> %.0f alerts/s accepted; 503-retries=%lld "
      "failed=%lld timeouts=%lld\n",
      accepted.load(), sendSecs, accepted.load() / sendSecs, rejected.load(), failed.load(),
      timeouts.load());
  if (o.pid) std::printf("daemon RSS after send: %s\n", procStatus(o.pid, "VmRSS").c_str());
  if (!o.acceptedFile.empty()) {
    std::ofstream f(o.acceptedFile);
    for (auto& [first, n] : acceptedPosts) f << first << ' ' << n << '\n';
    if (!f.flush()) {
      std::cerr << "nm-loadgen: --accepted-file: cannot write " << o.acceptedFile << "\n";
      return 1;
    }
  }

  if (!o.sink.empty()) {
    double expected = static_cast<double>(expectedDeliveries.load());
    double got = 0, lastGot = -1;
    auto lastChange = SteadyClock::now();
    std::string js;
    while (true) {
      js = httpGet(o.sink, "/stats");
      got = jsonNumber(js, "alerts") - baseAlerts;
      // nm-sink --ids: done when every accepted alert arrived, duplicates aside.
      if (js.find("\"distinct_ids\"") != std::string::npos
              ? jsonNumber(js, "distinct_ids") >= static_cast<double>(accepted.load())
              : got >= expected)
        break;
      if (got != lastGot) {
        lastGot = got;
        lastChange = SteadyClock::now();
      } else if (std::chrono::duration<double>(SteadyClock::now() - lastChange).count() >
                 o.waitSeconds) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    double total = std::chrono::duration<double>(SteadyClock::now() - t0).count();
    std::printf(
        "delivered: %.0f of %.0f expected alert deliveries; %.0f deliveries/s over the "
        "whole run (%.3fs)\n",
        got, expected, got / total, total);
    std::printf("latency ingest-to-delivery: p50=%.2fms p99=%.2fms max=%.2fms (%0.f samples)\n",
                jsonNumber(js, "p50_ms"), jsonNumber(js, "p99_ms"), jsonNumber(js, "max_ms"),
                jsonNumber(js, "latency_samples"));
    if (js.find("\"distinct_ids\"") != std::string::npos) {
      double distinct = jsonNumber(js, "distinct_ids");
      std::printf("distinct alerts delivered: %.0f of %lld accepted; %.0f duplicate deliveries\n",
                  distinct, accepted.load(), jsonNumber(js, "duplicates"));
      if (distinct < static_cast<double>(accepted.load())) return 1;
    } else if (got < expected) {
      return 1;
    }
  }
  if (o.pid) std::printf("daemon peak RSS (VmHWM): %s\n", procStatus(o.pid, "VmHWM").c_str());
  return failed.load() ? 1 : 0;
}
