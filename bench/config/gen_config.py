#!/usr/bin/env python3
"""Config generator of the reload benchmark (bench/config/reload_bench.py, issue #9): a
NotificationManager, N tenant webhook Receivers and N Configs (one per tenant namespace, each
receiver selecting its own Config), spread over --files files of each kind, plus one Secret."""

import argparse
import os

V2 = "apiVersion: notification.kubesphere.io/v2beta2\n"


def receiver(i):
    return (f"{V2}kind: Receiver\nmetadata:\n  name: r-{i}\n  labels:\n    type: tenant\n"
            f"    namespace: tenant-{i}\nspec:\n  webhook:\n    enabled: true\n"
            f"    url: http://127.0.0.1:19099/tenant/{i}\n    webhookConfigSelector:\n"
            f"      matchLabels:\n        config: c-{i}\n")


def config(i):
    return (f"{V2}kind: Config\nmetadata:\n  name: c-{i}\n  labels:\n    type: tenant\n"
            f"    namespace: tenant-{i}\n    config: c-{i}\nspec:\n  webhook: {{}}\n")


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--dir", required=True)
    p.add_argument("--receivers", type=int, default=10000)
    p.add_argument("--files", type=int, default=100, help="files per kind")
    a = p.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    with open(os.path.join(a.dir, "nm.yaml"), "w") as f:
        f.write(f"""{V2}kind: NotificationManager
metadata:
  name: bench-reload
spec:
  defaultConfigSelector:
    matchLabels:
      type: default
  receivers:
    tenantKey: namespace
    globalReceiverSelector:
      matchLabels:
        type: global
    tenantReceiverSelector:
      matchLabels:
        type: tenant
  groupLabels: [alertname, namespace]
---
apiVersion: v1
kind: Secret
metadata:
  name: bench-token
  namespace: default
stringData:
  token: not-a-secret
""")
    per = (a.receivers + a.files - 1) // a.files
    for k, make in (("receivers", receiver), ("configs", config)):
        for n in range(a.files):
            items = range(n * per, min((n + 1) * per, a.receivers))
            with open(os.path.join(a.dir, f"{k}-{n:03d}.yaml"), "w") as f:
                f.write("---\n".join(make(i) for i in items))


if __name__ == "__main__":
    main()
