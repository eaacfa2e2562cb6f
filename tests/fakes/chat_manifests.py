"""Manifests shared by the chat channel integration tests (DingTalk, WeCom): a NotificationManager
with per-channel options, global receivers and default configs. Stdlib only."""

import json


def nm_with_options(options, group_labels="[alertname, namespace]"):
    """A NotificationManager whose spec.receivers.options is `options` (a dict)."""
    return f"""apiVersion: notification.kubesphere.io/v2beta2
kind: NotificationManager
metadata:
  name: notification-manager
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
    options: {json.dumps(options)}
  batchMaxSize: 100
  batchMaxWait: 50ms
  groupLabels: {group_labels}
"""


def global_receiver(name, type_, spec):
    return json.dumps({"apiVersion": "notification.kubesphere.io/v2beta2", "kind": "Receiver",
                       "metadata": {"name": name, "labels": {"type": "global"}},
                       "spec": {type_: spec}})


def default_config(name, type_, spec):
    return json.dumps({"apiVersion": "notification.kubesphere.io/v2beta2", "kind": "Config",
                       "metadata": {"name": name, "labels": {"type": "default"}},
                       "spec": {type_: spec}})
