// Command-line flags of the daemon: the Go Notification Manager's flags, same names and defaults,
// plus the file-mode and hardening flags this implementation adds.
#pragma once

#include <string>

#include "core/time.h"
#include "ingest/ingest_limits.h"

namespace nm::app {

struct Flags {
  std::string logLevel = "info";
  std::string logFormat = "logfmt";
  std::string webhookAddress = ":19093";
  Duration webhookTimeout = std::chrono::seconds(5);
  Duration workerTimeout = std::chrono::seconds(30);
  int workerQueue = 1000;
  std::string storeType = "memory";
  int storeMemoryQueue = 10000;
  Duration storeMemoryPushTimeout = std::chrono::seconds(3);
  // --store.type redis (issue #12).
  std::string storeRedisUrl = "redis://127.0.0.1:6379";
  std::string storeRedisStream = "nm:alerts";
  std::string storeRedisGroup = "notification-manager";
  Duration storeRedisClaimIdle = std::chrono::seconds(30);
  size_t storeRedisMaxLen = 100000;
  // Alert partitions (tenant, then group key) and their leases: one replica reads a partition.
  int storePartitions = 16;
  Duration storeLeaseTtl = std::chrono::seconds(10);
  // Shared state on Redis (active alerts, notification log, API silences): hashes under it.
  std::string storeRedisStatePrefix = "nm:state:";
  // rediss:// (TLS): verification is on unless skipped; empty CA: the system store.
  std::string storeRedisTlsCa;
  std::string storeRedisTlsCert;
  std::string storeRedisTlsKey;
  bool storeRedisTlsInsecureSkipVerify = false;
  // --store.type nats (issue #12).
  std::string storeNatsUrl = "nats://127.0.0.1:4222";
  std::string storeNatsCreds;
  std::string storeNatsTlsCa;
  std::string storeNatsStream = "NM_ALERTS";
  std::string storeNatsConsumer = "notification-manager";
  Duration storeNatsAckWait = std::chrono::seconds(30);
  int storeNatsMaxDeliver = 5;
  size_t storeNatsMaxMsgs = 100000;
  // Additions.
  std::string configDir;
  std::string kubeconfig;  // Kubernetes mode (else KUBECONFIG, else in-cluster)
  size_t maxBodyBytes = 16u << 20;
  size_t maxLabelsPerAlert = ingest::kDefaultMaxLabelsPerAlert;
  size_t maxLabelValueBytes = ingest::kDefaultMaxLabelValueBytes;
  std::string bearerTokenFile;
  Duration shutdownTimeout = std::chrono::seconds(30);
  int httpThreads = 2;
  int workerThreads = 0;
  // Deliveries of a batch whose stage throws before its alerts are dropped (stage_error).
  int workerMaxDeliveries = 3;
  int notifyThreads = 0;  // curl event loops; 0: one per two cores, at most 4
  // The KubeSphere tenant sidecar, asked when the NotificationManager declares
  // spec.sidecars.tenant.
  std::string tenantSidecarAddress;  // empty: localhost:<spec.sidecars.tenant's port>
  Duration tenantSidecarTimeout = std::chrono::seconds(2);
  Duration tenantSidecarCacheTtl = std::chrono::seconds(30);
  Duration tenantSidecarFailureTtl = std::chrono::seconds(5);
  // State (active alerts, notification log, API silences): SQLite in <storagePath>/state.db;
  // empty keeps it in memory only.
  std::string storagePath;
  // A database that cannot be used: run memory-only (logged at error) instead of exiting 2.
  bool storageAllowMemoryFallback = false;
  // The active-alert store's limits (0: unlimited).
  size_t alertsMax = 2'000'000;
  size_t alertsMaxPerTenant = 0;
  size_t alertsMaxBytes = 0;
  // Silences created through the Alertmanager API (amtool).
  size_t silencesMax = 0;           // active + pending; 0: no limit
  size_t silencesMaxSizeBytes = 0;  // one silence; 0: no limit
  Duration silencesRetention = std::chrono::hours(120);
};

// Parses argv; on --help/--version prints and sets exitCode >= 0; on error prints the reason and
// sets exitCode = 2. exitCode = -1 means "run".
Flags parseFlags(int argc, char** argv, int& exitCode);

}  // namespace nm::app
