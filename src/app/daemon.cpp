// Daemon wiring and lifecycle. Signals are blocked before any thread starts and taken with
// sigwait on the main thread, so shutdown runs in one place: stop accepting, close the queue,
// drain in-flight batches and history within --shutdown.timeout, exit 0.
#include "app/daemon.h"

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "aggregate/aggregate_stage.h"
#include "api/http_server.h"
#include "app/allocator.h"
#include "app/direct_send.h"
#include "app/parked_adoption.h"
#include "app/redis_flags.h"
#include "app/source_select.h"
#include "app/storage_select.h"
#include "config/config_reloader.h"
#include "core/version.h"
#include "dedup/dedup_stage.h"
#include "dedup/memory_notification_log.h"
#include "dispatch/dispatcher.h"
#include "filter/filter_stage.h"
#include "history/history_stage.h"
#include "inhibit/inhibit_stage.h"
#include "interfaces/channel.h"
#include "interfaces/http_client.h"
#include "interfaces/smtp_client.h"
#include "interfaces/tenant_resolver.h"
#include "notify/http_client_curl.h"
#include "notify/nats_shared_tokens.h"
#include "notify/nats_throttle_window.h"
#include "notify/notify_stage.h"
#include "notify/parked_journal.h"
#include "notify/redis_shared_tokens.h"
#include "notify/redis_throttle_window.h"
#include "notify/smtp_client_curl.h"
#include "notify/throttle.h"
#include "notify/token_cache.h"
#include "observe/log.h"
#include "observe/metrics.h"
#include "pipeline/dropped_alerts.h"
#include "pipeline/mute_stage.h"
#include "queue/nats_leases.h"
#include "queue/nats_queue.h"
#include "queue/partition_key.h"
#include "queue/queue_factory.h"
#include "queue/redis_leases.h"
#include "route/namespace_tenant_resolver.h"
#include "route/route_stage.h"
#include "route/sidecar_tenant_resolver.h"
#include "silence/api_silences.h"
#include "silence/silence_muter.h"
#include "store/memory_alert_store.h"
#include "store/store_stage.h"

namespace nm::app {

namespace {

std::string readTokenFile(const std::string& path, std::string& error) {
  std::ifstream f(path);
  if (!f) {
    error = "cannot read --webhook.bearer-token-file " + path;
    return "";
  }
  std::stringstream ss;
  ss << f.rdbuf();
  std::string t = ss.str();
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
  if (t.empty()) error = "--webhook.bearer-token-file " + path + " is empty";
  return t;
}

// --notify.threads 0: one curl event loop per core, at most 4 (each loop is one thread that
// mostly waits on sockets; beyond the cores they only contend).
// One curl loop per two cores, at most 4: the worker pool and the HTTP server share the cores.
// Measured on 2 cores (docs/benchmarks.md): 1 loop delivers ~46,800 requests/s, 2 loops ~40,500.
size_t notifyLoops(int flag) {
  if (flag > 0) return static_cast<size_t>(flag);
  return std::clamp<size_t>(std::thread::hardware_concurrency() / 2, 1, 4);
}

double residentBytes() {
  std::ifstream f("/proc/self/statm");
  long pages = 0, rss = 0;
  f >> pages >> rss;
  return static_cast<double>(rss) * 4096.0;
}

}  // namespace

int runDaemon(const Flags& flags) {
  const size_t notifyLoopCount = notifyLoops(flags.notifyThreads);
  tuneAllocator(notifyLoopCount);
  log::Level level;
  log::parseLevel(flags.logLevel, level);
  log::setup(level, flags.logFormat == "json");

  std::string sourceError;
  std::unique_ptr<config::ConfigSource> sourcePtr = selectConfigSource(flags, sourceError);
  if (!sourcePtr) {
    log::error("invalid flag", {{"error", sourceError}});
    return 2;
  }
  config::ConfigSource& source = *sourcePtr;
  std::string bearerToken;
  if (!flags.bearerTokenFile.empty()) {
    std::string err;
    bearerToken = readTokenFile(flags.bearerTokenFile, err);
    if (!err.empty()) {
      log::error("invalid flag", {{"error", err}});
      return 2;
    }
  }

  // Block the termination signals before any thread exists (the Redis
  // queue's writer starts in makeQueue); every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // A peer that closes a socket (a TLS write to Redis included, which cannot pass MSG_NOSIGNAL)
  // is an error to handle, not a signal; set before the queue's threads start.
  std::signal(SIGPIPE, SIG_IGN);
  // The queue backend first: a backend this build lacks is a flag error, before any work.
  QueueOptions qopts;
  qopts.type = flags.storeType;
  qopts.memoryCapacity = static_cast<size_t>(flags.storeMemoryQueue);
  qopts.redisUrl = flags.storeRedisUrl;
  qopts.redis.stream = flags.storeRedisStream;
  qopts.redis.group = flags.storeRedisGroup;
  qopts.redis.claimIdle = flags.storeRedisClaimIdle;
  qopts.redis.maxLen = flags.storeRedisMaxLen;
  qopts.redis.partitions = static_cast<uint32_t>(flags.storePartitions);
  if ((flags.storeType == "redis" || flags.storeType == "nats") &&
      flags.storeLeaseTtl < std::chrono::milliseconds(300)) {
    log::error("invalid flag", {{"error", "--store.lease-ttl must be at least 300ms"}});
    return 2;
  }
  qopts.redisTls = redisTlsFromFlags(flags);
  // The registry outlives every component that counts, the queue first among them.
  metrics::Registry reg;
  qopts.natsUrl = flags.storeNatsUrl;
  qopts.nats.connect.credsFile = flags.storeNatsCreds;
  qopts.nats.connect.tlsCa = flags.storeNatsTlsCa;
  qopts.nats.stream = flags.storeNatsStream;
  qopts.nats.consumer = flags.storeNatsConsumer;
  qopts.nats.ackWait = flags.storeNatsAckWait;
  qopts.nats.maxDeliver = flags.storeNatsMaxDeliver;
  qopts.nats.maxMsgs = flags.storeNatsMaxMsgs;
  qopts.nats.partitions = static_cast<uint32_t>(flags.storePartitions);
  std::string queueError;
  std::unique_ptr<AlertQueue> queuePtr = makeQueue(qopts, reg, queueError);
  if (!queuePtr) {
    log::error("invalid flag", {{"error", queueError}});
    return 2;
  }
  AlertQueue& queue = *queuePtr;

  log::info("starting notification-manager", {{"version", kVersion},
                                              {"source", source.name()},
                                              {"store", flags.storeType},
                                              {"allocator", allocatorName()}});

  // Every component is constructed here and given what it uses; destruction runs in reverse, so
  // the shared machinery outlives the snapshots, stages and server that send through it.
  reg.gaugeFunc("process_resident_memory_bytes", "Resident memory size in bytes.", residentBytes);
  // Several replicas on Redis: each reads only the partitions it holds a lease on.
  auto* redisQueue = dynamic_cast<RedisQueue*>(queuePtr.get());
  auto* natsQueue = dynamic_cast<NatsQueue*>(queuePtr.get());
  std::unique_ptr<RedisLeases> redisLeases;
  std::unique_ptr<NatsLeases> natsLeases;
  PartitionLeases* leases = nullptr;
  if (redisQueue) {
    RedisLeaseOptions lo;
    std::string err;
    lo.url = *redisUrlFromFlags(flags, err);  // makeQueue accepted it already
    lo.partitions = redisQueue->partitions();
    lo.ttl = flags.storeLeaseTtl;
    lo.replica = redisQueue->consumer();
    // Keys beside the streams they govern: deployments on other streams of one Redis don't mix.
    lo.prefix = flags.storeRedisStream;
    redisLeases = std::make_unique<RedisLeases>(lo, &reg);
    leases = redisLeases.get();
    redisQueue->setOwned({});
    leases->onChange([redisQueue](const PartitionSet& owned) { redisQueue->setOwned(owned); });
    leases->onDrained([redisQueue](uint32_t p) { return redisQueue->partitionDrained(p); });
    if (!redisLeases->start(err)) {
      log::error("invalid flag", {{"error", err}});
      return 2;
    }
  }
  // The same on NATS: leases in the KV bucket <stream>_LEASES beside the stream they govern.
  if (natsQueue) {
    NatsLeaseOptions lo;
    std::string err;
    lo.connect.url = *parseNatsUrl(flags.storeNatsUrl, err);  // makeQueue accepted it already
    lo.connect.credsFile = flags.storeNatsCreds;
    lo.connect.tlsCa = flags.storeNatsTlsCa;
    lo.bucket = flags.storeNatsStream + "_LEASES";
    lo.partitions = natsQueue->partitions();
    lo.ttl = flags.storeLeaseTtl;
    lo.replica = natsQueue->replica();
    natsLeases = std::make_unique<NatsLeases>(lo, &reg);
    leases = natsLeases.get();
    natsQueue->setOwned({});
    leases->onChange([natsQueue](const PartitionSet& owned) { natsQueue->setOwned(owned); });
    leases->onDrained([natsQueue](uint32_t p) { return natsQueue->partitionDrained(p); });
    if (!natsLeases->start(err)) {
      log::error("invalid flag", {{"error", err}});
      return 2;
    }
  }
  // State storage before anything stateful: the active-alert store, the notification log and API
  // silences take `state` by reference and load from it before the dispatcher starts, so it is
  // declared before them and destroyed after them (its destructor commits what is pending).
  std::string storageError;
  StateStorage storage = selectStateStorage(flags, reg, storageError);
  if (!storage.backend) {
    log::error("state storage refused at startup", {{"error", storageError}});
    return 2;
  }
  StateBackend& state = *storage.backend;
  // With --store.type redis every replica reserves chat sends in one window per robot/chat.
  RedisThrottleWindow* sharedThrottle = nullptr;
  std::unique_ptr<ThrottleWindow> throttleWindow;
  if (flags.storeType == "redis") {
    std::string urlError;
    if (auto url = redisUrlFromFlags(flags, urlError)) {
      auto w = std::make_unique<RedisThrottleWindow>(*url, reg);
      sharedThrottle = w.get();
      throttleWindow = std::move(w);
    }
  }
  // With --store.type nats the same windows live in the NATS KV bucket NM_THROTTLE.
  NatsThrottleWindow* natsThrottle = nullptr;
  if (flags.storeType == "nats") {
    std::string urlError;
    if (auto url = parseNatsUrl(flags.storeNatsUrl, urlError)) {  // makeQueue accepted it already
      NatsConnectOptions c;
      c.url = *url;
      c.credsFile = flags.storeNatsCreds;
      c.tlsCa = flags.storeNatsTlsCa;
      auto w = std::make_unique<NatsThrottleWindow>(std::move(c), reg);
      natsThrottle = w.get();
      throttleWindow = std::move(w);
    }
  }
  Throttle throttle(reg, std::move(throttleWindow));
  // …and fetch one vendor access token per app (WeCom, Feishu, DingTalk) between them.
  std::unique_ptr<SharedTokens> sharedTokens;
  if (flags.storeType == "redis") {
    std::string urlError;
    if (auto url = redisUrlFromFlags(flags, urlError))
      sharedTokens = std::make_unique<RedisSharedTokens>(*url);
  } else if (flags.storeType == "nats") {
    std::string urlError;
    if (auto url = parseNatsUrl(flags.storeNatsUrl, urlError)) {  // makeQueue accepted it already
      NatsConnectOptions c;
      c.url = *url;
      c.credsFile = flags.storeNatsCreds;
      c.tlsCa = flags.storeNatsTlsCa;
      sharedTokens = std::make_unique<NatsSharedTokens>(std::move(c));  // bucket NM_TOKENS
    }
  }
  TokenCache tokens(sharedTokens.get());
  std::unique_ptr<SmtpClient> smtp = makeCurlSmtpClient();
  CurlClientOptions curlOptions;
  curlOptions.loops = notifyLoopCount;
  std::unique_ptr<HttpClient> http = makeCurlHttpClient(curlOptions);
  const ChannelServices services{*http, *smtp, throttle, tokens, reg};

  config::SnapshotStore snapshots;
  config::ConfigReloader reloader(source, snapshots, &services, reg);
  // A rebuild allocates a whole new snapshot on the watcher's thread; without a release the old
  // one's memory stays resident for a while after it is freed.
  reloader.setAfterPublish([] { releaseFreeMemory(); });
  if (auto r = reloader.initial(); !r.ok) {
    log::error("configuration refused at startup; fix it and start again", {{"error", r.error}});
    return 1;
  }

  reg.gaugeFunc("nm_queue_length", "Alerts waiting in the queue.",
                [&queue] { return static_cast<double>(queue.size()); });
  reg.gaugeFunc("nm_queue_capacity", "Capacity of the queue in alerts.",
                [&queue] { return static_cast<double>(queue.capacity()); });

  NamespaceTenantResolver tenants;
  SidecarTenantOptions sidecarOptions;
  sidecarOptions.address = flags.tenantSidecarAddress;
  sidecarOptions.timeout = flags.tenantSidecarTimeout;
  sidecarOptions.ttl = flags.tenantSidecarCacheTtl;
  sidecarOptions.failureTtl = flags.tenantSidecarFailureTtl;
  SidecarTenantResolver sidecarTenants(*http, reg, sidecarOptions);
  ApiSilenceLimits silenceLimits;
  silenceLimits.maxSilences = flags.silencesMax;
  silenceLimits.maxSilenceBytes = flags.silencesMaxSizeBytes;
  silenceLimits.retention = flags.silencesRetention;
  // Silences created through the Alertmanager API (amtool), persisted through `state`.
  ApiSilences apiSilences(silenceLimits, &state);
  {
    std::vector<std::string> warnings;
    std::string error;
    if (!apiSilences.load(nm::now(), warnings, error)) {
      log::error("cannot read the API silences", {{"error", error}});
      return 1;
    }
    for (const auto& w : warnings) log::warn("API silence skipped at load", {{"reason", w}});
  }
  // The active-alert store: the first stage merges each batch into it; its sweep re-injects
  // alerts whose resolve timeout passed through the queue (a full queue: the next sweep). The
  // API reads it (AlertStore&); state persists through `state` (--storage.path).
  DropCounter storeDrops(reg);
  store::AlertStoreOptions storeOptions;
  storeOptions.maxAlerts = flags.alertsMax;
  storeOptions.maxAlertsPerTenant = flags.alertsMaxPerTenant;
  storeOptions.maxBytes = flags.alertsMaxBytes;
  if (auto s = snapshots.current()) storeOptions.resolveTimeout = s->nm.resolveTimeout;
  store::MemoryAlertStore alertStore(storeOptions, &state, &storeDrops, &reg);
  if (std::string err; !alertStore.load(err)) {
    log::error("cannot load the active alerts", {{"backend", state.name()}, {"error", err}});
    return 1;
  }
  alertStore.setReinject([&queue](AlertList alerts) {
    return queue.push(std::move(alerts), Duration::zero()) == PushResult::Accepted;
  });
  if (leases) {
    // An alert's partition: its tenant label, then the group key of the current configuration.
    Partitioner partitioner = [&snapshots](const AlertList& alerts, uint32_t partitions,
                                           std::vector<uint32_t>& out) {
      auto s = snapshots.current();
      static const std::vector<std::string> kNone;
      const std::string tenantKey = s ? s->nm.tenantKey : std::string("namespace");
      const std::vector<std::string>& group = s ? s->nm.groupLabels : kNone;
      for (const AlertPtr& a : alerts)
        out.push_back(partitionOfAlert(*a, tenantKey, group, partitions));
    };
    if (redisQueue) redisQueue->setPartitioner(partitioner);
    if (natsQueue) natsQueue->setPartitioner(partitioner);
    alertStore.setSweepOwns([&snapshots, leases](const Alert& a) {
      auto s = snapshots.current();
      if (!s) return true;
      return leases->owns(
          partitionOfAlert(a, s->nm.tenantKey, s->nm.groupLabels, leases->partitions()));
    });
  }
  // Inhibition follows the active-alert store (subscribed before its first put); the store's
  // stage runs ahead of the silence stage, so a source later in a batch than its target still
  // inhibits it.
  auto inhibitor = std::make_shared<inhibit::Inhibitor>();
  inhibitor->follow(alertStore);
  std::vector<std::unique_ptr<Stage>> stages;
  stages.push_back(std::make_unique<store::StoreStage>(alertStore));
  auto silences = std::make_shared<SilenceMuterProvider>(&apiSilences);
  stages.push_back(std::make_unique<MuteStage>("silence", DropReason::GlobalSilence, silences));
  stages.push_back(std::make_unique<inhibit::InhibitStage>(inhibitor));
  auto routeStage = std::make_unique<RouteStage>(tenants, &sidecarTenants);
  RouteStage& route = *routeStage;
  stages.push_back(std::move(routeStage));
  stages.push_back(std::make_unique<FilterStage>(silences, inhibitor));
  stages.push_back(std::make_unique<AggregateStage>());
  // The notification log: what each receiver and group was last told, persisted through `state`.
  dedup::MemoryNotificationLogOptions nflogOptions;
  nflogOptions.backend = &state;
  auto nflog = std::make_shared<dedup::MemoryNotificationLog>(nflogOptions);
  if (std::string err; !nflog->load(now(), err)) {
    log::error("cannot load the notification log", {{"backend", state.name()}, {"error", err}});
    return 1;
  }
  stages.push_back(std::make_unique<dedup::DedupStage>(nflog, reg));
  // Shared state (--store.type redis): what other replicas write reaches the three parts (a no-op
  // on memory and SQLite). The guard removes the watchers before the parts are destroyed.
  state.watch(StateTable::Alerts,
              [&alertStore](std::string_view k, std::optional<std::string_view> v) {
                alertStore.applyRemote(k, v);
              });
  state.watch(
      StateTable::NotificationLog,
      [nflog](std::string_view k, std::optional<std::string_view> v) { nflog->applyRemote(k, v); });
  state.watch(StateTable::Silences,
              [&apiSilences](std::string_view k, std::optional<std::string_view> v) {
                apiSilences.applyRemote(k, v);
              });
  struct Unwatch {
    StateBackend& state;
    ~Unwatch() {
      for (StateTable t : {StateTable::Alerts, StateTable::NotificationLog, StateTable::Silences})
        state.watch(t, {});
    }
  } unwatch{state};

  HistoryStage history(reg);
  // Parked sends keep a record of their own in `state` (their batch is acked when they park);
  // declared before `notify`, whose sends call it, so it outlives them.
  const bool sharedState = flags.storeType == "redis" || flags.storeType == "nats";
  const std::string replica = redisQueue  ? redisQueue->consumer()
                              : natsQueue ? natsQueue->replica()
                                          : std::string("local");
  ParkedJournal parkedJournal(state, replica, reg);
  NotifyStage notify(reg, queue.capacity());
  notify.setParkedRecords(&parkedJournal);
  // Before intake: what an earlier process parked is sent again (throttles apply). On a shared
  // backend only this replica's own records (ParkedJournal explains why).
  if (auto snap = snapshots.current(); snap && state.durable()) {
    ParkedJournal::ResendResult resent;
    std::string err;
    auto mine = [sharedState, &replica](const std::string&, const ParkedRecord& r) {
      return !sharedState || r.writer == replica;
    };
    auto report = [&history, snap](NotifyReport r) { history.record(r, snap->history); };
    if (!parkedJournal.resend(*snap, notify, flags.workerTimeout, mine, report, resent, err))
      log::error("cannot read the parked notifications",
                 {{"backend", state.name()}, {"error", err}});
  }
  AsyncTail tail = [&history, &notify, &alertStore](std::shared_ptr<Work> work,
                                                    std::function<void()> finished) {
    auto notes = std::move(work->notifications);
    // A send parked behind its throttle releases the batch; its outcome reaches history later.
    notify.run(
        std::move(notes), work->deadline,
        [&history, &alertStore, work, finished = std::move(finished)](NotifyReport report) {
          history.record(report, work->snapshot->history);
          // The batch's resolved alerts went through notify and history: collectable.
          for (uint64_t fp : work->resolvedFingerprints) alertStore.resolvedNotified(fp);
          finished();
        },
        [&history, snapshot = work->snapshot](NotifyReport late) {
          history.record(late, snapshot->history);
        });
  };
  // Bounds from the queue, whichever backend: alerts in flight and parked stay within its
  // capacity (NotifyStage above), so memory stays within a few times the queue.
  DispatcherOptions dopts;
  dopts.maxInFlight = static_cast<size_t>(flags.workerQueue);
  dopts.maxAlertsInFlight = queue.capacity();
  dopts.maxDeliveries = static_cast<uint32_t>(flags.workerMaxDeliveries);
  dopts.workerTimeout = flags.workerTimeout;
  dopts.workerThreads = static_cast<unsigned>(flags.workerThreads);
  Dispatcher dispatcher(queue, snapshots, std::move(stages), tail, dopts, reg);
  dispatcher.start();
  alertStore.start();
  // Replicas sharing the backend: what a stopped replica parked is re-sent by one survivor once
  // its heartbeat is older than the lease ttl (checked every ttl).
  std::optional<ParkedAdoption> adoption;
  if (sharedState && leases && state.durable()) {
    adoption.emplace(
        replica, flags.storeLeaseTtl, [leases] { return leases->liveReplicaIds(); },
        [&](const std::function<bool(const std::string&, const std::string&)>& adopt) {
          config::SnapshotPtr snap = snapshots.current();
          if (!snap) return;
          ParkedJournal::ResendResult r;
          std::string err;
          auto report = [&history, snap](NotifyReport n) { history.record(n, snap->history); };
          auto orphan = [&adopt](const std::string& key, const ParkedRecord& rec) {
            return adopt(key, rec.writer);
          };
          if (!parkedJournal.resend(*snap, notify, flags.workerTimeout, orphan, report, r, err))
            log::warn("cannot read the parked notifications to adopt a stopped replica's",
                      {{"backend", state.name()}, {"error", err}});
          else if (r.resent || r.dropped)
            log::info(
                "parked notifications of a stopped replica taken over",
                {{"resent", std::to_string(r.resent)}, {"dropped", std::to_string(r.dropped)}});
        });
    adoption->start();
  }

  DirectSendContext direct{snapshots, services, notify, flags.webhookTimeout};
  api::ApiDeps deps;
  deps.queue = &queue;
  deps.metrics = &reg;
  deps.pushTimeout = flags.storeMemoryPushTimeout;
  deps.snapshots = &snapshots;
  deps.maxBodyBytes = flags.maxBodyBytes;
  deps.maxLabelsPerAlert = flags.maxLabelsPerAlert;
  deps.maxLabelValueBytes = flags.maxLabelValueBytes;
  deps.readTimeout = flags.webhookTimeout * 2;
  deps.bearerToken = bearerToken;
  deps.storage = storage.description;
  deps.silences = &apiSilences;
  deps.alertStore = &alertStore;
  deps.inhibition = inhibitor.get();
  deps.startedAt = nm::now();
  // The receivers GET /api/v2/alerts reports: what the route stage picks (before tenant silences
  // and alertSelector), by Receiver name.
  deps.routeReceivers = [&route](const config::SnapshotPtr& snap, const AlertList& alerts) {
    Work work;
    work.snapshot = snap;
    work.alerts = alerts;
    route.process(work);
    std::unordered_map<const Alert*, std::vector<std::string>> byAlert;
    for (const RoutedAlerts& ra : work.routed)
      for (const AlertPtr& a : ra.alerts) {
        auto& names = byAlert[a.get()];
        if (std::find(names.begin(), names.end(), ra.receiver->name) == names.end())
          names.push_back(ra.receiver->name);
      }
    std::vector<std::vector<std::string>> out;
    out.reserve(alerts.size());
    for (const AlertPtr& a : alerts) out.push_back(std::move(byAlert[a.get()]));
    return out;
  };
  deps.reload = [&reloader] {
    auto r = reloader.reload();
    if (r.ok && r.skipped) return api::ApiResult{200, "Configuration unchanged"};
    if (r.ok) return api::ApiResult{200, "Configuration reloaded"};
    return api::ApiResult{400, "configuration refused, the previous one keeps running: " + r.error};
  };
  deps.ready = [&reloader, &snapshots, &queue] {
    api::ReadyReport rep;
    auto s = snapshots.current();
    auto st = reloader.status();
    if (!queue.available())
      rep.queueError = "queue backend unreachable: " + queue.unavailableReason();
    rep.ready = s != nullptr && st.lastError.empty() && rep.queueError.empty();
    rep.snapshotVersion = s ? s->version : 0;
    rep.lastReloadError = st.lastError;
    rep.skippedObjects = st.skippedObjects;
    rep.lastReloadTime = s ? formatRfc3339(s->loadedAt) : "";
    return rep;
  };
  deps.verify = [&direct](const YAML::Node& receiver, const YAML::Node& config,
                          api::Completion done) {
    directSend(direct, receiver, config, verifyAlerts(), "Verify successfully", std::move(done));
  };
  deps.notifications = [&direct](const YAML::Node& receiver, const YAML::Node& config,
                                 AlertList alerts, api::Completion done) {
    directSend(direct, receiver, config, std::move(alerts), "Send alerts successfully",
               std::move(done));
  };

  api::HttpServer server(deps, flags.webhookAddress, flags.httpThreads);
  try {
    server.start();
  } catch (const std::exception& e) {
    log::error("cannot listen", {{"address", flags.webhookAddress}, {"error", e.what()}});
    queue.close();
    return 1;
  }
  std::string host = flags.webhookAddress.substr(0, flags.webhookAddress.rfind(':'));
  log::info("listening", {{"address", (host.empty() ? std::string("0.0.0.0") : host) + ":" +
                                          std::to_string(server.port())}});
  reloader.start();
  releaseFreeMemory();  // give back what loading the configuration used

  for (;;) {
    int sig = 0;
    sigwait(&signals, &sig);
    if (sig == SIGHUP) {
      reloader.reload();
      continue;
    }
    log::info("shutting down: draining queued alerts",
              {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"},
               {"queued", std::to_string(queue.size())},
               {"timeout", formatGoDuration(flags.shutdownTimeout)}});
    break;
  }

  auto deadline = now() + flags.shutdownTimeout;
  if (adoption) adoption->stop();  // no new resends while draining
  alertStore.stop();               // no re-injection into a closing queue
  server.stopAccepting();
  reloader.stop();
  queue.close();
  bool drained = dispatcher.drain(flags.shutdownTimeout);
  bool parkedDone = notify.parked().waitIdle(std::max(Duration::zero(), deadline - now()));
  bool historyDone = history.waitIdle(std::max(Duration::zero(), deadline - now()));
  // What was read is settled: survivors take the partitions now.
  if (redisLeases) redisLeases->stop();
  if (natsLeases) natsLeases->stop();
  if (!drained || !parkedDone || !historyDone) {
    log::warn("shutdown timeout reached before everything was delivered",
              {{"queued", std::to_string(queue.size())},
               {"batches_in_flight", std::to_string(dispatcher.inFlight())},
               {"parked_notifications", std::to_string(notify.parked().notifications())},
               {"history_pending", std::to_string(history.pending())}});
    // What is still pending ends now: the clients complete it with "client stopped" and run
    // their timers, and from here on a send fails at once. So every batch, parked send and
    // history post settles (failed, logged and counted) before the objects they call back into
    // are destroyed, and main returns normally.
    server.stop();
    if (sharedThrottle) sharedThrottle->stop();  // the stopped client's timers run at once
    if (natsThrottle) natsThrottle->stop();
    http->shutdown();
    smtp->shutdown();
    const Duration settle = std::chrono::seconds(10);
    if (!dispatcher.drain(settle) || !notify.parked().waitIdle(settle) ||
        !history.waitIdle(settle)) {
      // Not expected: a stopped client answers at once. Destroying what callbacks still use
      // would be worse than leaving without destructors.
      log::error("work still pending after the clients stopped; exiting without cleanup",
                 {{"batches_in_flight", std::to_string(dispatcher.inFlight())},
                  {"parked_notifications", std::to_string(notify.parked().notifications())},
                  {"history_pending", std::to_string(history.pending())}});
      std::_Exit(1);
    }
  }
  // The pipeline has drained (or was cut at the timeout): what it wrote is committed now.
  state.flush();
  server.stop();
  log::info("stopped");
  return 0;
}

}  // namespace nm::app
