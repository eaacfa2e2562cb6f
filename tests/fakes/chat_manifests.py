"""Manifests shared by the chat channel integration tests (DingTalk, WeCom): global receivers and
default configs (the NotificationManager comes from nmtest.nm_manifest). Stdlib only."""

import json


def global_receiver(name, type_, spec):
    return json.dumps({"apiVersion": "notification.kubesphere.io/v2beta2", "kind": "Receiver",
                       "metadata": {"name": name, "labels": {"type": "global"}},
                       "spec": {type_: spec}})


def default_config(name, type_, spec):
    return json.dumps({"apiVersion": "notification.kubesphere.io/v2beta2", "kind": "Config",
                       "metadata": {"name": name, "labels": {"type": "default"}},
                       "spec": {type_: spec}})
