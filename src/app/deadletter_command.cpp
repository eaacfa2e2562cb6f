// The deadletter subcommand: CLI11 flags (the daemon's --store.* connection flags, same names),
// a backend's DeadLetters, and list / replay / purge over its entries.
#include "app/deadletter_command.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>

#include "app/flags.h"
#include "app/redis_flags.h"
#include "core/alert_codec.h"
#include "queue/nats_dead_letters.h"
#include "queue/redis_dead_letters.h"

namespace nm::app {

namespace {

// Quoted for one line: \" \\ and control bytes escaped, so a label cannot forge a line.
std::string oneLine(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

bool selected(const DeadEntry& e, const std::vector<std::string>& ids) {
  return ids.empty() || std::find(ids.begin(), ids.end(), e.id) != ids.end();
}

TimePoint timeOf(const DeadEntry& e) {
  return TimePoint(std::chrono::milliseconds(e.timeMs));
}

void addDuration(CLI::App& app, const std::string& name, Duration& target,
                 const std::string& help) {
  app.add_option_function<std::string>(
         name,
         [&target, name](const std::string& v) {
           auto d = parseGoDuration(v);
           if (!d || *d < Duration::zero())
             throw CLI::ValidationError(name, "\"" + v + "\" is not a duration like 5s or 1h");
           target = *d;
         },
         help)
      ->type_name("DURATION");
}

}  // namespace

bool isDeadLetterCommand(int argc, char** argv) {
  return argc > 1 && std::string_view(argv[1]) == "deadletter";
}

std::string describeDeadEntry(const DeadEntry& e) {
  std::string line = "id=" + e.id + " reason=" + (e.reason.empty() ? "-" : e.reason) +
                     " partition=" + (e.partition.empty() ? "-" : e.partition) +
                     " size=" + std::to_string(e.bytes.size()) +
                     " time=" + formatRfc3339(timeOf(e)) + " error=" + oneLine(e.error);
  std::string err;
  std::optional<Alert> a = decodeAlert(e.bytes, err);
  if (!a) return line + " decodes=no";
  // Labels only: annotations and URLs may carry what an operator's terminal should not.
  line += " decodes=yes labels={";
  bool first = true;
  for (const auto& [name, value] : a->labels) {
    if (!first) line += ", ";
    first = false;
    line += name + "=" + oneLine(value);
  }
  return line + "}";
}

int runDeadLetterAction(DeadLetters& store, const DeadLetterRequest& req, std::ostream& out,
                        std::ostream& err) {
  std::vector<DeadEntry> entries;
  std::string error;
  if (!store.list(entries, error)) {
    err << "deadletter: cannot read the dead letters: " << error << "\n";
    return 2;
  }
  size_t done = 0, skipped = 0, failed = 0;
  TimePoint now = req.now == TimePoint::min() ? nm::now() : req.now;
  for (const DeadEntry& e : entries) {
    if (!selected(e, req.ids)) continue;
    if (req.action == "list") {
      out << describeDeadEntry(e) << "\n";
      ++done;
    } else if (req.action == "replay") {
      std::string why;
      if (!req.force && !decodeAlert(e.bytes, why)) {
        err << "skipped " << e.id << ": still undecodable (" << why
            << "); --force replays it anyway\n";
        ++skipped;
      } else if (!store.replay(e, error)) {
        err << "failed " << e.id << ": " << error << "\n";
        ++failed;
      } else {
        ++done;
      }
    } else {  // purge
      if (req.olderThan > Duration::zero() && now - timeOf(e) < req.olderThan) continue;
      if (!store.remove(e, error)) {
        err << "failed " << e.id << ": " << error << "\n";
        ++failed;
      } else {
        ++done;
      }
    }
  }
  if (req.action == "list")
    err << done << " dead letter(s)\n";
  else
    out << (req.action == "replay" ? "replayed " : "purged ") << done << ", skipped " << skipped
        << ", failed " << failed << "\n";
  return skipped + failed > 0 ? 1 : 0;
}

int runDeadLetterCommand(int argc, char** argv) {
  Flags f;
  DeadLetterRequest req;
  CLI::App app{
      "notification-manager deadletter: list, replay or purge the alerts the queue set aside"};
  app.name("notification-manager deadletter");
  app.require_subcommand(1, 1);
  app.fallthrough();
  app.add_option("--store.type", f.storeType, "Queue backend holding the dead letters")
      ->check(CLI::IsMember({"redis", "nats"}))
      ->required();
  app.add_option("--store.redis.url", f.storeRedisUrl, "As the daemon's")->capture_default_str();
  app.add_option("--store.redis.tls-ca", f.storeRedisTlsCa, "As the daemon's");
  app.add_option("--store.redis.tls-cert", f.storeRedisTlsCert, "As the daemon's");
  app.add_option("--store.redis.tls-key", f.storeRedisTlsKey, "As the daemon's");
  app.add_flag("--store.redis.tls-insecure-skip-verify", f.storeRedisTlsInsecureSkipVerify,
               "As the daemon's");
  app.add_option("--store.redis.stream", f.storeRedisStream,
                 "As the daemon's; dead letters are in <stream>:dead")
      ->capture_default_str();
  app.add_option("--store.partitions", f.storePartitions,
                 "As the daemon's: replay maps an entry's partition onto these")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  app.add_option("--store.nats.url", f.storeNatsUrl, "As the daemon's")->capture_default_str();
  app.add_option("--store.nats.creds", f.storeNatsCreds, "As the daemon's");
  app.add_option("--store.nats.tls-ca", f.storeNatsTlsCa, "As the daemon's");
  app.add_option("--id", req.ids, "Only these entries (repeatable; the id list prints)");
  app.add_subcommand("list",
                     "One line per dead letter: id, reason, partition, size, time, "
                     "error, and the alert's labels when it decodes");
  CLI::App* replay =
      app.add_subcommand("replay", "Re-queue the dead letters that decode now into the live queue");
  replay->add_flag("--force", req.force, "Re-queue those that still do not decode too");
  CLI::App* purge = app.add_subcommand("purge", "Delete dead letters");
  addDuration(*purge, "--older-than", req.olderThan,
              "Only those dead-lettered longer ago than this (default: all)");
  try {
    app.parse(argc - 1, argv + 1);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  req.action = app.get_subcommands().front()->get_name();

  std::string error;
  std::unique_ptr<DeadLetters> store;
  if (f.storeType == "redis") {
    std::optional<RedisUrl> url = redisUrlFromFlags(f, error);
    if (!url) {
      std::cerr << "deadletter: " << error << "\n";
      return 2;
    }
    auto r = std::make_unique<RedisDeadLetters>(*url, f.storeRedisStream,
                                                static_cast<uint32_t>(f.storePartitions));
    if (!r->connect(error)) {
      std::cerr << "deadletter: --store.redis.url: cannot connect: " << error << "\n";
      return 2;
    }
    store = std::move(r);
  } else {
    std::optional<NatsUrl> url = parseNatsUrl(f.storeNatsUrl, error);
    if (!url) {
      std::cerr << "deadletter: " << error << "\n";
      return 2;
    }
    NatsConnectOptions o;
    o.url = *url;
    o.credsFile = f.storeNatsCreds;
    o.tlsCa = f.storeNatsTlsCa;
    o.name = "notification-manager deadletter";
    auto n = std::make_unique<NatsDeadLetters>(std::move(o));
    if (!n->connect(error)) {
      std::cerr << "deadletter: " << error << "\n";
      return 2;
    }
    store = std::move(n);
  }
  return runDeadLetterAction(*store, req, std::cout, std::cerr);
}

}  // namespace nm::app
