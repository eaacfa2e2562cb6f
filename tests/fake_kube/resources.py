# The kinds the fake serves (core v1 Namespace/Secret/ConfigMap/Event and the CRDs of --crds) and
# what describes them: /version, discovery (aggregated v2 and legacy), OpenAPI v3, Table rows.
import glob
import hashlib
import json
import os
from datetime import datetime, timezone

import yaml

VERSION_INFO = {"major": "1", "minor": "32", "gitVersion": "v1.32.4",
                "gitCommit": "59526cd4867447956156ae3a602fcbac10a2c335",
                "gitTreeState": "clean", "buildDate": "2025-04-22T16:02:27Z",
                "goVersion": "go1.23.6", "compiler": "gc", "platform": "linux/amd64"}

AGGREGATED_V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]


class Kind:
    """One resource: names, scope, schema (CRDs) or known top-level fields (core)."""

    def __init__(self, group, version, plural, singular, kind, namespaced, short=(),
                 categories=(), schema=None, known=None, columns=None, status=False):
        self.group, self.version, self.plural = group, version, plural
        self.singular, self.kind, self.namespaced = singular, kind, namespaced
        self.short, self.categories = list(short), list(categories)
        self.schema, self.known, self.status = schema, known, status
        self.columns = columns  # [(name, type, jsonPath or callable, priority, description)]

    @property
    def api_version(self):
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def qualified(self):
        """receivers.notification.kubesphere.io, or secrets for the core group."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def is_custom(self):
        return self.schema is not None


def age_of(obj):
    return obj.get("metadata", {}).get("creationTimestamp")


def core_kinds():
    meta = {"apiVersion", "kind", "metadata"}
    return [
        Kind("", "v1", "namespaces", "namespace", "Namespace", False, ["ns"],
             known=meta | {"spec", "status"},
             columns=[("Status", "string", lambda o: o.get("status", {}).get("phase", ""), 0, ""),
                      ("Age", "date", age_of, 0, "")]),
        Kind("", "v1", "secrets", "secret", "Secret", True,
             known=meta | {"data", "stringData", "type", "immutable"},
             columns=[("Type", "string", lambda o: o.get("type", ""), 0, ""),
                      ("Data", "integer", lambda o: len(o.get("data") or {}), 0, ""),
                      ("Age", "date", age_of, 0, "")]),
        Kind("", "v1", "configmaps", "configmap", "ConfigMap", True, ["cm"],
             known=meta | {"data", "binaryData", "immutable"},
             columns=[("Data", "integer",
                       lambda o: len(o.get("data") or {}) + len(o.get("binaryData") or {}), 0, ""),
                      ("Age", "date", age_of, 0, "")]),
        Kind("", "v1", "events", "event", "Event", True, ["ev"], known=None,
             columns=[("Reason", "string", lambda o: o.get("reason", ""), 0, ""),
                      ("Object", "string", lambda o: "%s/%s" % (
                          o.get("involvedObject", {}).get("kind", "").lower(),
                          o.get("involvedObject", {}).get("name", "")), 0, ""),
                      ("Message", "string", lambda o: o.get("message", ""), 0, ""),
                      ("Age", "date", age_of, 0, "")]),
        Kind("events.k8s.io", "v1", "events", "event", "Event", True, ["ev"], known=None,
             columns=[("Reason", "string", lambda o: o.get("reason", ""), 0, ""),
                      ("Note", "string", lambda o: o.get("note", ""), 0, ""),
                      ("Age", "date", age_of, 0, "")]),
    ]


def load_crds(directory):
    kinds = []
    for path in sorted(glob.glob(os.path.join(directory, "*.yaml"))):
        with open(path, encoding="utf-8") as f:
            for doc in yaml.safe_load_all(f):
                if not doc or doc.get("kind") != "CustomResourceDefinition":
                    continue
                spec, names = doc["spec"], doc["spec"]["names"]
                for v in spec["versions"]:
                    if not v.get("served", True):
                        continue
                    cols = [(c["name"], c["type"], c["jsonPath"], c.get("priority", 0),
                             c.get("description", ""))
                            for c in v.get("additionalPrinterColumns", [])]
                    if not cols:
                        cols = [("Age", "date", ".metadata.creationTimestamp", 0, "")]
                    kinds.append(Kind(spec["group"], v["name"], names["plural"],
                                      names.get("singular", names["kind"].lower()),
                                      names["kind"], spec["scope"] == "Namespaced",
                                      names.get("shortNames", []), names.get("categories", []),
                                      schema=v["schema"]["openAPIV3Schema"], columns=cols,
                                      status="status" in v.get("subresources", {})))
    return kinds


# --- discovery ------------------------------------------------------------------------------

def group_versions(kinds):
    """{group: [version, ...]} in first-seen order."""
    out = {}
    for k in kinds:
        out.setdefault(k.group, [])
        if k.version not in out[k.group]:
            out[k.group].append(k.version)
    return out


def aggregated(kinds, core):
    """APIGroupDiscoveryList of /api (core=True) or /apis."""
    items = []
    for group, versions in group_versions(kinds).items():
        if (group == "") != core:
            continue
        vlist = []
        for ver in versions:
            res = []
            for k in kinds:
                if k.group != group or k.version != ver:
                    continue
                gvk = {"group": group, "version": ver, "kind": k.kind}
                r = {"resource": k.plural, "responseKind": gvk, "scope":
                     "Namespaced" if k.namespaced else "Cluster",
                     "singularResource": k.singular, "verbs": VERBS}
                if k.short:
                    r["shortNames"] = k.short
                if k.categories:
                    r["categories"] = k.categories
                if k.status:
                    r["subresources"] = [{"subresource": "status", "responseKind": gvk,
                                          "verbs": ["get", "patch", "update"]}]
                res.append(r)
            vlist.append({"version": ver, "resources": res, "freshness": "Current"})
        items.append({"metadata": {"name": group, "creationTimestamp": None},
                      "versions": vlist})
    return {"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2",
            "metadata": {}, "items": items}


def api_versions(host):
    return {"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": host}]}


def api_group_list(kinds):
    groups = []
    for group, versions in group_versions(kinds).items():
        if not group:
            continue
        gvs = [{"groupVersion": f"{group}/{v}", "version": v} for v in versions]
        groups.append({"name": group, "versions": gvs, "preferredVersion": gvs[0]})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def api_resource_list(kinds, group, version):
    res = []
    for k in kinds:
        if k.group != group or k.version != version:
            continue
        r = {"name": k.plural, "singularName": k.singular, "namespaced": k.namespaced,
             "kind": k.kind, "verbs": VERBS}
        if k.short:
            r["shortNames"] = k.short
        if k.categories:
            r["categories"] = k.categories
        res.append(r)
        if k.status:
            res.append({"name": k.plural + "/status", "singularName": "", "namespaced":
                        k.namespaced, "kind": k.kind, "verbs": ["get", "patch", "update"]})
    gv = f"{group}/{version}" if group else version
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": res}


# --- OpenAPI v3 -----------------------------------------------------------------------------

def schema_name(k):
    if not k.group:
        return f"io.k8s.api.core.v1.{k.kind}"
    return ".".join(reversed(k.group.split("."))) + f".{k.version}.{k.kind}"


def openapi_docs(kinds):
    """{"api/v1": doc, "apis/G/V": doc}: per kind its schema and a PATCH operation that takes
    fieldValidation and only merge-patch (kubectl then validates on the server and, for custom
    resources, sends merge patches)."""
    docs = {}
    for group, versions in group_versions(kinds).items():
        for ver in versions:
            key = f"apis/{group}/{ver}" if group else f"api/{ver}"
            paths, schemas = {}, {}
            for k in kinds:
                if k.group != group or k.version != ver:
                    continue
                gvk = {"group": group, "version": ver, "kind": k.kind}
                name = schema_name(k)
                s = dict(k.schema) if k.schema else {"type": "object",
                                                     "x-kubernetes-preserve-unknown-fields": True}
                s["x-kubernetes-group-version-kind"] = [gvk]
                schemas[name] = s
                ref = {"schema": {"$ref": f"#/components/schemas/{name}"}}
                base = "/" + key + ("/namespaces/{namespace}" if k.namespaced else "")
                params = [{"name": "fieldValidation", "in": "query", "schema": {"type": "string"}},
                          {"name": "fieldManager", "in": "query", "schema": {"type": "string"}},
                          {"name": "dryRun", "in": "query", "schema": {"type": "string"}}]
                paths[f"{base}/{k.plural}/{{name}}"] = {
                    "get": {"x-kubernetes-group-version-kind": gvk,
                            "responses": {"200": {"content": {"application/json": ref}}}},
                    "patch": {"x-kubernetes-group-version-kind": gvk, "parameters": params,
                              "requestBody": {"content": {
                                  "application/merge-patch+json": {"schema": {"type": "object"}},
                                  "application/apply-patch+yaml": {"schema": {"type": "object"}}}},
                              "responses": {"200": {"content": {"application/json": ref}}}},
                }
                paths[f"{base}/{k.plural}"] = {
                    "post": {"x-kubernetes-group-version-kind": gvk, "parameters": params,
                             "requestBody": {"content": {"application/json": ref}},
                             "responses": {"201": {"content": {"application/json": ref}}}},
                }
            docs[key] = {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version":
                                                      VERSION_INFO["gitVersion"]},
                         "paths": paths, "components": {"schemas": schemas}}
    return docs


def openapi_root(docs):
    return {"paths": {key: {"serverRelativeURL": f"/openapi/v3/{key}?hash={doc_hash(doc)}"}
                      for key, doc in docs.items()}}


def doc_hash(doc):
    return hashlib.sha512(json.dumps(doc, sort_keys=True).encode()).hexdigest()[:128].upper()


# --- Table ----------------------------------------------------------------------------------

def human_duration(seconds):
    """k8s.io/apimachinery/pkg/util/duration.HumanDuration."""
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    s = int(seconds)
    if s < 120:
        return f"{s}s"
    minutes = s // 60
    if minutes < 10:
        return f"{minutes}m" if s % 60 == 0 else f"{minutes}m{s % 60}s"
    if minutes < 180:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 8:
        return f"{hours}h" if minutes % 60 == 0 else f"{hours}h{minutes % 60}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        return f"{hours // 24}d" if hours % 24 == 0 else f"{hours // 24}d{hours % 24}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        days = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if days == 0 else f"{hours // 24 // 365}y{days}d"
    return f"{hours // 24 // 365}y"


def parse_time(s):
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def json_path(obj, path):
    cur = obj
    for part in path.strip(".").split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


def cell(obj, col_type, getter):
    v = getter(obj) if callable(getter) else json_path(obj, getter)
    if v is None:
        return None
    if col_type == "date":
        try:
            return human_duration((datetime.now(timezone.utc) - parse_time(v)).total_seconds())
        except (TypeError, ValueError):
            return v
    if isinstance(v, (dict, list)):
        return json.dumps(v, separators=(",", ":"))
    if col_type == "string" and not isinstance(v, str):
        return json.dumps(v)
    return v


def table(kind, objects, include="Metadata", with_columns=True, list_meta=None):
    defs = [{"name": "Name", "type": "string", "format": "name",
             "description": "Name must be unique within a namespace.", "priority": 0}]
    for name, typ, _, prio, desc in kind.columns:
        defs.append({"name": name, "type": typ, "format": "", "description": desc,
                     "priority": prio})
    rows = []
    for o in objects:
        row = {"cells": [o["metadata"]["name"]] + [cell(o, t, g) for _, t, g, _, _ in kind.columns]}
        if include == "Object":
            row["object"] = o
        elif include != "None":
            row["object"] = {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                             "metadata": o["metadata"]}
        rows.append(row)
    t = {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": list_meta or {},
         "columnDefinitions": defs if with_columns else None, "rows": rows}
    return t
