#!/usr/bin/env python3
"""Config generator of the DingTalk throttle benchmark (scripts/bench-throttle.sh, issue #4):
W global DingTalk chatbot receivers (one robot token each) and G alert groups, so W x G messages.

Writes into --dir: config/nm.yaml, config/receivers.yaml, robots.txt (token and secret per line,
for nm-dingtalk-fake), alerts.json (one Alertmanager webhook body of G alerts, alertname
tbid_<n>: each alert is its own group and each group goes to every robot). The robots select
alerts with job=throttle-bench; an optional webhook receiver (--sink-url) takes job=node, the
alerts of nm-loadgen, for the ingest-under-throttle measurement."""

import argparse
import json
import os


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--dir", required=True)
    p.add_argument("--webhooks", type=int, default=500)
    p.add_argument("--groups", type=int, default=20)
    p.add_argument("--fake", default="127.0.0.1:19299", help="nm-dingtalk-fake host:port")
    p.add_argument("--threshold", type=int, default=20, help="chatBotThrottle.threshold")
    p.add_argument("--unit", default="1m", help="chatBotThrottle.unit")
    p.add_argument("--max-wait", default="10s", help="chatBotThrottle.maxWaitTime")
    p.add_argument("--defaults", action="store_true",
                   help="omit chatBotThrottle: the daemon's defaults (20 per 1m, maxWait 10s)")
    p.add_argument("--no-sign", action="store_true", help="robots without a secret")
    p.add_argument("--sink-url", default="", help="webhook receiver URL for job=node alerts")
    p.add_argument("--batch-max-size", type=int, default=1000)
    p.add_argument("--batch-max-wait", default="100ms")
    a = p.parse_args()

    cfg = os.path.join(a.dir, "config")
    os.makedirs(cfg, exist_ok=True)
    dingtalk = {}
    if not a.defaults:
        dingtalk["chatBotThrottle"] = {"threshold": a.threshold, "unit": a.unit,
                                       "maxWaitTime": a.max_wait}
    nm = {"apiVersion": "notification.kubesphere.io/v2beta2", "kind": "NotificationManager",
          "metadata": {"name": "bench-throttle"},
          "spec": {"receivers": {"tenantKey": "namespace",
                                 "globalReceiverSelector": {"matchLabels": {"type": "global"}},
                                 "tenantReceiverSelector": {"matchLabels": {"type": "tenant"}},
                                 "options": {"dingtalk": dingtalk} if dingtalk else {}},
                   "groupLabels": ["alertname"],
                   "batchMaxSize": a.batch_max_size, "batchMaxWait": a.batch_max_wait}}
    if not dingtalk:
        del nm["spec"]["receivers"]["options"]
    with open(os.path.join(cfg, "nm.yaml"), "w") as f:
        json.dump(nm, f, indent=1)  # JSON is YAML

    docs, robots = [], []
    for i in range(a.webhooks):
        token = f"bench-robot-{i}"
        secret = "" if a.no_sign else f"SECbench{i:04d}x"
        robots.append(f"{token} {secret}".rstrip())
        bot = {"webhook": {"value": f"http://{a.fake}/robot/send?access_token={token}"}}
        if secret:
            bot["secret"] = {"value": secret}
        docs.append({"apiVersion": "notification.kubesphere.io/v2beta2", "kind": "Receiver",
                     "metadata": {"name": f"robot-{i}", "labels": {"type": "global"}},
                     "spec": {"dingtalk": {
                         "alertSelector": {"matchLabels": {"job": "throttle-bench"}},
                         "chatbot": bot}}})
    if a.sink_url:
        docs.append({"apiVersion": "notification.kubesphere.io/v2beta2", "kind": "Receiver",
                     "metadata": {"name": "background-sink", "labels": {"type": "global"}},
                     "spec": {"webhook": {"alertSelector": {"matchLabels": {"job": "node"}},
                                          "url": a.sink_url}}})
    with open(os.path.join(cfg, "receivers.yaml"), "w") as f:
        f.write("\n---\n".join(json.dumps(d) for d in docs) + "\n")
    with open(os.path.join(a.dir, "robots.txt"), "w") as f:
        f.write("\n".join(robots) + "\n")

    alerts = [{"status": "firing",
               "labels": {"alertname": f"tbid_{n}", "job": "throttle-bench",
                          "namespace": "bench", "severity": "warning"},
               "annotations": {"summary": f"throttle benchmark group {n}"},
               "startsAt": "2026-11-25T10:00:00Z", "endsAt": "0001-01-01T00:00:00Z",
               "generatorURL": "http://prometheus:9090/graph"} for n in range(a.groups)]
    body = {"receiver": "bench", "status": "firing", "alerts": alerts, "groupLabels": {},
            "commonLabels": {}, "commonAnnotations": {}, "externalURL": "http://am:9093",
            "version": "4", "groupKey": "{}:{}", "truncatedAlerts": 0}
    with open(os.path.join(a.dir, "alerts.json"), "w") as f:
        json.dump(body, f)


if __name__ == "__main__":
    main()
