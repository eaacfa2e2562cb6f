// The Data groups the built-in set is checked on against the reference's default set: one, several,
// all resolved, mixed, with and without group labels, message/summary/summaryCn/description.
#pragma once

#include <map>
#include <string>

#include "render_fixtures.h"

namespace nm::render::testing {

inline AlertPtr parityAlert(LabelSet labels, LabelSet annotations, bool resolved = false) {
  return resolved ? makeAlert(std::move(labels), std::move(annotations), AlertStatus::Resolved,
                              "2024-05-01T10:00:00Z", "2024-05-01T11:00:00Z")
                  : makeAlert(std::move(labels), std::move(annotations));
}

inline AlertPtr parityPod(const char* pod, const char* message, bool resolved = false) {
  return parityAlert({{"alertname", "KubePodCrashLooping"},
                      {"namespace", "demo"},
                      {"pod", pod},
                      {"severity", "warning"},
                      {"rule_id", "r1"}},
                     {{"message", message},
                      {"summary", "Pod is crash looping"},
                      {"summaryCn", "容器组崩溃循环"},
                      {"runbook_url", "http://runbook"},
                      {"description", "restarts often"}},
                     resolved);
}

inline LabelSet node(const char* name) {
  return {{"alertname", "NodeDown"},
          {"cluster", "host"},
          {"node", name},
          {"severity", "critical"},
          {"alerttype", "metric"}};
}

inline LabelSet cpu(const char* container, const char* instance) {
  return {{"alertname", "HighCPU"},
          {"workspace", "ws1"},
          {"container", container},
          {"instance", instance}};
}

// Fixture name → Data (receiver "team-a").
inline std::map<std::string, Data> parityFixtures() {
  std::map<std::string, Data> f;
  f["one_firing"] = makeData({parityPod("web-1", "Pod demo/web-1 restarts")},
                             {{"alertname", "KubePodCrashLooping"}});
  f["several_firing"] = makeData(
      {parityPod("web-1", "Pod demo/web-1 restarts"), parityPod("web-2", "Pod demo/web-2 restarts"),
       parityPod("web-3", "Pod demo/web-3 restarts")},
      {{"alertname", "KubePodCrashLooping"}, {"namespace", "demo"}});
  f["all_resolved"] = makeData({parityPod("web-1", "Pod demo/web-1 restarted", true),
                                parityPod("web-2", "Pod demo/web-2 restarted", true)},
                               {{"alertname", "KubePodCrashLooping"}});
  f["mixed"] = makeData({parityPod("web-1", "Pod demo/web-1 restarts"),
                         parityPod("web-2", "Pod demo/web-2 restarted", true)},
                        {{"alertname", "KubePodCrashLooping"}, {"namespace", "demo"}});
  f["several_no_group"] = makeData(
      {parityAlert(node("n1"), {{"summary", "node n1 down"}, {"description", "kubelet stopped"}}),
       parityAlert(node("n2"), {{"summary", "node n2 down"}, {"description", "kubelet stopped"}})},
      {});
  f["one_resolved_no_group"] = makeData(
      {parityAlert({{"alertname", "DiskFull"},
                    {"cluster", "host"},
                    {"node", "n1"},
                    {"pod", "db-0"},
                    {"namespace", "kube-system"},
                    {"alerttype", "metric"}},
                   {{"summary", "disk was full"}, {"description", "disk \"/var\" <full> & 'x'"}},
                   true)},
      {});
  f["summary_cn_only"] =
      makeData({parityAlert(cpu("app", "10.0.0.1:9100"), {{"summary_cn", "CPU 使用率过高"},
                                                          {"summary", "CPU high"},
                                                          {"message", "cpu > 90%"},
                                                          {"description", "check load"}}),
                parityAlert(cpu("app2", "10.0.0.2:9100"), {{"summary_cn", "CPU 使用率过高 2"}}),
                parityAlert(cpu("app3", "10.0.0.3:9100"),
                            {{"summaryCn", "CPU 使用率过高 3"}, {"summary", "CPU high 3"}})},
               {{"alertname", "HighCPU"}, {"workspace", "ws1"}});
  f["no_message"] = makeData(
      {parityAlert({{"alertname", "Silent"},
                    {"severity", "info"},
                    {"host_ip", "10.0.0.9"},
                    {"rule_id", "r9"}},
                   {{"runbook_url", "http://rb"}, {"custom", "value"}}),
       parityAlert({{"alertname", "Silent"}, {"severity", "info"}, {"host_ip", "10.0.0.8"}}, {},
                   true)},
      {{"alertname", "Silent"}});
  return f;
}

}  // namespace nm::render::testing
