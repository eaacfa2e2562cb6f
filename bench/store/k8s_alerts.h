// Realistic Kubernetes alerts for the store benchmarks: 10 labels (alertname, cluster, container,
// endpoint, instance, job, namespace, pod, service, severity) with pod and instance distinct per
// alert, and 2 annotations (summary per alertname, description naming the pod: distinct too).
#pragma once

#include <memory>
#include <string>

#include "core/alert.h"

namespace nm::bench {

inline AlertPtr k8sAlert(uint64_t i, TimePoint startsAt, TimePoint receivedAt,
                         TimePoint endsAt = kZeroTime) {
  static const char* kNames[] = {"KubePodCrashLooping",  "KubePodNotReady",
                                 "KubeContainerWaiting", "KubeDeploymentReplicasMismatch",
                                 "CPUThrottlingHigh",    "KubeMemoryOvercommit",
                                 "TargetDown",           "KubeJobFailed"};
  static const char* kSev[] = {"warning", "critical", "info"};
  auto a = std::make_shared<Alert>();
  const std::string ns = "namespace-" + std::to_string(i % 1000);
  const std::string name = kNames[i % 8];
  const std::string pod = "app-" + std::to_string(i % 5000) + "-7d9f8b6c4-" + std::to_string(i);
  const unsigned ip = static_cast<unsigned>(i);
  const std::string inst = "10." + std::to_string((ip >> 16) & 255) + "." +
                           std::to_string((ip >> 8) & 255) + "." + std::to_string(ip & 255) +
                           ":8443";
  a->labels.reserve(10);
  a->labels.appendUnsorted("alertname", name);
  a->labels.appendUnsorted("cluster", "prod-" + std::to_string(i % 3));
  a->labels.appendUnsorted("container", "container-" + std::to_string(i % 50));
  a->labels.appendUnsorted("endpoint", "https-metrics");
  a->labels.appendUnsorted("instance", inst);
  a->labels.appendUnsorted("job", "kube-state-metrics");
  a->labels.appendUnsorted("namespace", ns);
  a->labels.appendUnsorted("pod", pod);
  a->labels.appendUnsorted("service", "svc-" + std::to_string(i % 100));
  a->labels.appendUnsorted("severity", kSev[i % 3]);
  a->labels.normalize();
  a->annotations.appendUnsorted("summary", name + " is firing in the cluster.");
  a->annotations.appendUnsorted("description", "Pod " + ns + "/" + pod + " (" + name +
                                                   ") has been in this state for 15 minutes.");
  a->annotations.normalize();
  a->generatorURL = "http://prometheus-k8s-0:9090/graph?g0.expr=" + name;
  a->startsAt = startsAt;
  a->endsAt = endsAt;
  a->receivedAt = receivedAt;
  a->format = IngestFormat::AlertArray;
  finalizeIdentity(*a);
  return a;
}

}  // namespace nm::bench
