// Flag parsing with CLI11; Go-style durations ("5s", "1m30s") are validated here so a typo is a
// startup error naming the flag, not a silent default.
#include "app/flags.h"

#include <CLI/CLI.hpp>

#include <iostream>

#include "core/version.h"

namespace nm::app {

namespace {
// CLI11 option that parses a Go duration into `target`.
void addDuration(CLI::App& app, const std::string& name, Duration& target,
                 const std::string& help) {
  app.add_option_function<std::string>(
         name,
         [&target, name](const std::string& v) {
           auto d = parseGoDuration(v);
           if (!d || *d < Duration::zero())
             throw CLI::ValidationError(name, "\"" + v + "\" is not a duration like 5s or 1m30s");
           target = *d;
         },
         help + " (default " + formatGoDuration(target) + ")")
      ->type_name("DURATION");
}
}  // namespace

Flags parseFlags(int argc, char** argv, int& exitCode) {
  Flags f;
  exitCode = -1;
  CLI::App app{"notification-manager: multi-tenant alert notification daemon for Kubernetes"};
  app.set_version_flag("--version", std::string("notification-manager ") + kVersion);
  app.add_option("--log.level", f.logLevel, "Log level: debug, info, warn, error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}))
      ->capture_default_str();
  app.add_option("--log.format", f.logFormat, "Log format: logfmt or json")
      ->check(CLI::IsMember({"logfmt", "json"}))
      ->capture_default_str();
  app.add_option("--webhook.address", f.webhookAddress, "Address the HTTP API listens on")
      ->capture_default_str();
  addDuration(app, "--webhook.timeout", f.webhookTimeout, "HTTP request handling timeout");
  addDuration(app, "--worker.timeout", f.workerTimeout,
              "Deadline for one batch through notify, retries included");
  app.add_option("--worker.queue", f.workerQueue, "Batches processed concurrently")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  app.add_option("--store.type", f.storeType,
                 "Alert queue backend: memory, redis (Streams) or nats (JetStream)")
      ->check(CLI::IsMember({"memory", "redis", "nats"}))
      ->capture_default_str();
  app.add_option("--store.memory.queue", f.storeMemoryQueue, "Memory queue capacity in alerts")
      ->check(CLI::Range(1, 100000000))
      ->capture_default_str();
  addDuration(app, "--store.memory.pushTimeout", f.storeMemoryPushTimeout,
              "How long a push waits for room before the sender gets 503");
  app.add_option("--store.redis.url", f.storeRedisUrl,
                 "Redis for --store.type redis: redis[s]://[[user]:password@]host[:port][/db] "
                 "(rediss://: TLS, the server's certificate verified)")
      ->capture_default_str();
  app.add_option("--store.redis.tls-ca", f.storeRedisTlsCa,
                 "rediss://: PEM file of the CAs that sign the server's certificate (default: "
                 "the system CA store)");
  app.add_option("--store.redis.tls-cert", f.storeRedisTlsCert,
                 "rediss://: PEM client certificate, for servers that require one (with "
                 "--store.redis.tls-key)");
  app.add_option("--store.redis.tls-key", f.storeRedisTlsKey,
                 "rediss://: PEM private key of --store.redis.tls-cert");
  app.add_flag("--store.redis.tls-insecure-skip-verify", f.storeRedisTlsInsecureSkipVerify,
               "rediss://: do not verify the server's certificate or host name (tests only)");
  app.add_option("--store.redis.stream", f.storeRedisStream, "Redis stream holding queued alerts")
      ->check(
          [](const std::string& s) { return s.empty() ? std::string("must not be empty") : ""; })
      ->capture_default_str();
  app.add_option("--store.redis.state-prefix", f.storeRedisStatePrefix,
                 "Prefix of the Redis hashes holding the state replicas share with "
                 "--store.type redis (<prefix>alerts, <prefix>nflog, <prefix>silences) and of "
                 "their change channel (<prefix>changes)")
      ->check(
          [](const std::string& s) { return s.empty() ? std::string("must not be empty") : ""; })
      ->capture_default_str();
  app.add_option("--store.redis.group", f.storeRedisGroup, "Redis consumer group of the replicas")
      ->check(
          [](const std::string& s) { return s.empty() ? std::string("must not be empty") : ""; })
      ->capture_default_str();
  addDuration(app, "--store.redis.claim-idle", f.storeRedisClaimIdle,
              "Entries idle this long in a (crashed) consumer's pending list are taken over");
  app.add_option("--store.redis.max-len", f.storeRedisMaxLen,
                 "Stream length (entries: one per push and partition) over which pushes answer 503 "
                 "(queue full)")
      ->check(CLI::Range(size_t{1}, size_t{1} << 32))
      ->capture_default_str();
  app.add_option("--store.partitions", f.storePartitions,
                 "Alert partitions (by tenant, then group key), one stream each; the same on "
                 "every replica (recorded in the backend at first start)")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  addDuration(app, "--store.lease-ttl", f.storeLeaseTtl,
              "A partition lease's lifetime: a dead replica's partitions move within about this");
  app.add_option("--store.nats.url", f.storeNatsUrl,
                 "NATS for --store.type nats: nats://[user:password@]host:port[,host:port...] "
                 "(tls:// for TLS)")
      ->capture_default_str();
  app.add_option("--store.nats.creds", f.storeNatsCreds, "NATS user credentials file (JWT + seed)");
  app.add_option("--store.nats.tls-ca", f.storeNatsTlsCa,
                 "CA certificates (PEM) that verify the NATS server; implies TLS");
  auto natsName = [](const std::string& s) {
    if (s.empty()) return std::string("must not be empty");
    if (s.find_first_of(" \t.*>") != std::string::npos)
      return std::string("must not contain spaces, '.', '*' or '>'");
    return std::string();
  };
  app.add_option("--store.nats.stream", f.storeNatsStream, "JetStream stream holding queued alerts")
      ->check(natsName)
      ->capture_default_str();
  app.add_option("--store.nats.consumer", f.storeNatsConsumer,
                 "Durable pull consumers' name: <name>-<p> reads partition p (nm.alerts.<p>)")
      ->check(natsName)
      ->capture_default_str();
  addDuration(app, "--store.nats.ack-wait", f.storeNatsAckWait,
              "A fetched message not acked (nor kept in progress) this long is redelivered "
              "(also the bound on a moved partition's in-flight messages)");
  app.add_option("--store.nats.max-deliver", f.storeNatsMaxDeliver,
                 "Deliveries after which a message goes to the dead-letter stream NM_DEADLETTER")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  app.add_option("--store.nats.max-msgs", f.storeNatsMaxMsgs,
                 "Stream messages (one per push and partition) over which pushes answer 503 "
                 "(queue full)")
      ->check(CLI::Range(size_t{1}, size_t{1} << 32))
      ->capture_default_str();
  app.add_option("--config.dir", f.configDir,
                 "Directory of v2beta2 resources (YAML/JSON, Secrets and ConfigMaps too)");
  app.add_option("--kubeconfig", f.kubeconfig,
                 "Kubernetes mode: kubeconfig file (else env KUBECONFIG, else in-cluster when "
                 "KUBERNETES_SERVICE_HOST is set)");
  app.add_option("--webhook.max-body-bytes", f.maxBodyBytes, "Largest accepted request body")
      ->check(CLI::Range(size_t{1024}, size_t{1} << 30))
      ->capture_default_str();
  app.add_option("--webhook.max-labels-per-alert", f.maxLabelsPerAlert,
                 "Alerts with more labels are refused with 400")
      ->check(CLI::Range(size_t{1}, size_t{1} << 24))
      ->capture_default_str();
  app.add_option("--webhook.max-label-value-bytes", f.maxLabelValueBytes,
                 "Alerts with a longer label value are refused with 400")
      ->check(CLI::Range(size_t{1}, size_t{1} << 30))
      ->capture_default_str();
  app.add_option("--webhook.bearer-token-file", f.bearerTokenFile,
                 "File holding a token that POST endpoints require as Authorization: Bearer");
  addDuration(app, "--shutdown.timeout", f.shutdownTimeout,
              "On SIGTERM, how long to drain queued alerts before exiting");
  app.add_option("--webhook.threads", f.httpThreads, "HTTP server I/O threads")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--worker.threads", f.workerThreads,
                 "Threads for the pipeline stages (0: one per core)")
      ->check(CLI::Range(0, 256))
      ->capture_default_str();
  app.add_option("--worker.max-deliveries", f.workerMaxDeliveries,
                 "Deliveries of a batch whose pipeline stage fails before its alerts are dropped")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  app.add_option("--notify.threads", f.notifyThreads,
                 "HTTP client event loops sending notifications (0: one per two cores, at most 4); "
                 "each host's connection limit is split between them")
      ->check(CLI::Range(0, 64))
      ->capture_default_str();
  app.add_option("--tenant.sidecar-address", f.tenantSidecarAddress,
                 "host:port of the tenant sidecar, asked when the NotificationManager declares "
                 "spec.sidecars.tenant (default: localhost and the port of that container, "
                 "19094 unless it declares another)");
  addDuration(app, "--tenant.sidecar-timeout", f.tenantSidecarTimeout,
              "Deadline of one tenant sidecar request; past it the alerts reach global receivers");
  addDuration(app, "--tenant.sidecar-cache-ttl", f.tenantSidecarCacheTtl,
              "How long a tenant sidecar answer for a (cluster, namespace) is reused");
  addDuration(app, "--tenant.sidecar-failure-ttl", f.tenantSidecarFailureTtl,
              "How long a failed tenant sidecar lookup is reused before asking again");
  app.add_option("--storage.path", f.storagePath,
                 "Directory of the state database (state.db: active alerts, notification log, "
                 "API silences), created when missing; empty: state is kept in memory only. "
                 "Refused with --store.type redis, whose replicas share their state in Redis");
  app.add_flag("--storage.allow-memory-fallback", f.storageAllowMemoryFallback,
               "When the state database cannot be used, run with memory-only state (logged as "
               "an error) instead of exiting 2");
  app.add_option("--alerts.max", f.alertsMax,
                 "Most alerts the active-alert store holds; new ones beyond are refused and "
                 "counted (0: unlimited)")
      ->capture_default_str();
  app.add_option("--alerts.max-per-tenant", f.alertsMaxPerTenant,
                 "Most alerts held per tenant (the namespace label) (0: unlimited)")
      ->capture_default_str();
  app.add_option("--alerts.max-bytes", f.alertsMaxBytes,
                 "Most bytes the active-alert store holds (0: unlimited)")
      ->capture_default_str();
  app.add_option("--silences.max", f.silencesMax,
                 "Most API silences active or pending at once (0: no limit)")
      ->capture_default_str();
  app.add_option("--silences.max-silence-size-bytes", f.silencesMaxSizeBytes,
                 "Largest API silence, encoded (0: no limit)")
      ->capture_default_str();
  addDuration(app, "--silences.retention", f.silencesRetention,
              "How long an expired API silence is kept (and listed) before it is collected");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    exitCode = app.exit(e);
    if (exitCode != 0) exitCode = 2;
  }
  return f;
}

}  // namespace nm::app
