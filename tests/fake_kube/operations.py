# What the API server does to objects: create, update, patch (merge, strategic, apply), delete,
# list pages; metadata it fills in (uid, resourceVersion, generation); the Status errors it returns.
import base64
import binascii
import copy
import json
import uuid
from datetime import datetime, timezone

from schema import name_errors, prune, validate, validate_fields
from store import Gone


class ApiError(Exception):
    """Answered as a Kubernetes Status."""

    def __init__(self, code, reason, message, details=None, extra_meta=None):
        super().__init__(message)
        self.code, self.reason, self.message, self.details = code, reason, message, details
        self.extra_meta = extra_meta

    def status(self):
        s = {"kind": "Status", "apiVersion": "v1", "metadata": self.extra_meta or {},
             "status": "Failure", "message": self.message, "reason": self.reason}
        if self.details is not None:
            s["details"] = self.details
        s["code"] = self.code
        return s


def details(kind, name):
    d = {"name": name}
    if kind.group:
        d["group"] = kind.group
    d["kind"] = kind.plural
    return d


def not_found(kind, name):
    return ApiError(404, "NotFound", f'{kind.qualified} "{name}" not found', details(kind, name))


def now():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def merge_patch(target, patch):
    """RFC 7386; keys starting with "$" (strategic-merge directives) are dropped."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = copy.deepcopy(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if k.startswith("$"):
            continue
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


class Operations:
    def __init__(self, store):
        self.store = store

    # --- validation ---------------------------------------------------------------------------
    def check(self, kind, obj, strict):
        """Returns warnings; raises 400 for unknown fields under Strict, 422 for invalid values."""
        if not isinstance(obj, dict):
            raise ApiError(400, "BadRequest", "the body of the request was in an unknown format")
        name = obj.get("metadata", {}).get("name", "")
        if kind.is_custom:
            unknown, errors = validate(kind.schema, obj)
        else:
            unknown, errors = validate_fields(kind.known, obj) if kind.known else ([], [])
        if unknown and strict:
            listed = ", ".join(f'unknown field "{p}"' for p in unknown)
            raise ApiError(400, "BadRequest", f'{kind.kind} in version "{kind.version}" cannot be '
                           f"handled as a {kind.kind}: strict decoding error: {listed}")
        prune(obj, unknown)
        errors = name_errors(name) + errors
        if errors:
            head = f'{kind.kind}{"." + kind.group if kind.group else ""} "{name}" is invalid: '
            msgs = [f"{e['field']}: {e['message']}" for e in errors]
            text = head + (msgs[0] if len(msgs) == 1 else "[" + ", ".join(msgs) + "]")
            d = details(kind, name)
            d["kind"] = kind.kind
            d["causes"] = [{"reason": e["reason"], "message": e["message"], "field": e["field"]}
                           for e in errors]
            raise ApiError(422, "Invalid", text, d)
        return [f'unknown field "{p}"' for p in unknown]

    def normalize(self, kind, obj, ns):
        """Server-side defaults and conversions before storing."""
        obj["apiVersion"], obj["kind"] = kind.api_version, kind.kind
        meta = obj.setdefault("metadata", {})
        if kind.namespaced:
            meta["namespace"] = ns
        else:
            meta.pop("namespace", None)
        if kind.kind == "Secret":
            data = obj.get("data") or {}
            for k, v in data.items():
                try:
                    base64.b64decode(v, validate=True)
                except (binascii.Error, TypeError):
                    raise ApiError(400, "BadRequest", f"Secret in version \"v1\" cannot be handled"
                                   f" as a Secret: illegal base64 data at input byte 0")
            for k, v in (obj.pop("stringData", None) or {}).items():
                data[k] = base64.b64encode(str(v).encode()).decode()
            if data:
                obj["data"] = data
            if not obj.get("type"):
                obj["type"] = "Opaque"
        if kind.kind == "Namespace":
            obj.setdefault("spec", {"finalizers": ["kubernetes"]})
            obj["status"] = {"phase": "Active"}

    def require_namespace(self, kind, ns):
        if kind.namespaced and not self.store.get("namespaces", "", ns):
            raise ApiError(404, "NotFound", f'namespaces "{ns}" not found',
                           {"name": ns, "kind": "namespaces"})

    # --- writes (callers hold store.cond) -------------------------------------------------------
    def create(self, kind, ns, body, strict):
        meta = body.setdefault("metadata", {})
        if kind.namespaced and meta.get("namespace") not in (None, "", ns):
            raise ApiError(400, "BadRequest", "the namespace of the provided object does not "
                           "match the namespace sent on the request")
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = meta["generateName"] + uuid.uuid4().hex[:5]
        warnings = self.check(kind, body, strict)
        self.require_namespace(kind, ns)
        name = meta["name"]
        if self.store.get(kind.plural, ns, name):
            d = details(kind, name)
            raise ApiError(409, "AlreadyExists", f'{kind.qualified} "{name}" already exists', d)
        self.normalize(kind, body, ns)
        for k in ("resourceVersion", "deletionTimestamp", "managedFields", "selfLink"):
            meta.pop(k, None)
        meta["uid"] = str(uuid.uuid4())
        meta["creationTimestamp"] = now()
        if kind.is_custom:
            meta["generation"] = 1
        meta["resourceVersion"] = str(self.store.next_rv())
        self.store.put(kind.plural, ns, name, body, "ADDED")
        return body, warnings

    def replace(self, kind, ns, name, old, new, strict, subresource=None):
        """Stores `new` in place of `old` keeping identity; status and spec are kept apart for
        kinds with a status subresource."""
        meta = new.setdefault("metadata", {})
        if meta.get("name", name) != name:
            raise ApiError(400, "BadRequest", f'the name of the object ({meta.get("name")}) does '
                           f"not match the name on the URL ({name})")
        meta["name"] = name
        warnings = self.check(kind, new, strict)
        self.normalize(kind, new, ns)
        if kind.status:
            if subresource == "status":
                kept = copy.deepcopy(old)
                kept["status"] = new.get("status")
                if kept["status"] is None:
                    kept.pop("status")
                new, meta = kept, kept["metadata"]
            elif "status" in old:
                new["status"] = old["status"]
            else:
                new.pop("status", None)
        for k in ("uid", "creationTimestamp", "generation"):
            if k in old["metadata"]:
                meta[k] = old["metadata"][k]
            else:
                meta.pop(k, None)
        if kind.is_custom and strip(old) != strip(new):
            meta["generation"] = old["metadata"].get("generation", 1) + 1
        if old == {**new, "metadata": {**meta, "resourceVersion":
                                       old["metadata"]["resourceVersion"]}}:
            return old, warnings  # a no-op write keeps the resourceVersion, as etcd3 does
        meta["resourceVersion"] = str(self.store.next_rv())
        self.store.put(kind.plural, ns, name, new, "MODIFIED")
        return new, warnings

    def update(self, kind, ns, name, body, strict, subresource=None):
        old = self.store.get(kind.plural, ns, name)
        if old is None:
            raise not_found(kind, name)
        want = body.get("metadata", {}).get("resourceVersion")
        if want and want != old["metadata"]["resourceVersion"]:
            raise ApiError(409, "Conflict", f'Operation cannot be fulfilled on {kind.qualified} '
                           f'"{name}": the object has been modified; please apply your changes '
                           "to the latest version and try again", details(kind, name))
        return self.replace(kind, ns, name, old, body, strict, subresource)

    def patch(self, kind, ns, name, content_type, body, strict, subresource=None):
        old = self.store.get(kind.plural, ns, name)
        ctype = content_type.split(";")[0].strip()
        if ctype == "application/apply-patch+yaml":
            if old is None:
                return self.create(kind, ns, body, strict)
        elif ctype == "application/strategic-merge-patch+json":
            if kind.is_custom:
                raise ApiError(415, "UnsupportedMediaType", "the body of the request was in an "
                               "unknown format - accepted media types include: "
                               "application/json-patch+json, application/merge-patch+json, "
                               "application/apply-patch+yaml")
        elif ctype != "application/merge-patch+json":
            raise ApiError(415, "UnsupportedMediaType",
                           f"the media type {ctype!r} is not supported by this fake")
        if old is None:
            raise not_found(kind, name)
        if not isinstance(body, dict):
            raise ApiError(400, "BadRequest", "the body of the request was in an unknown format")
        new = merge_patch(old, body)
        new["metadata"]["resourceVersion"] = old["metadata"]["resourceVersion"]
        return self.replace(kind, ns, name, old, new, strict, subresource)

    def delete(self, kind, ns, name):
        old = self.store.get(kind.plural, ns, name)
        if old is None:
            raise not_found(kind, name)
        last = copy.deepcopy(old)
        last["metadata"]["resourceVersion"] = str(self.store.next_rv())
        self.store.remove(kind.plural, ns, name, last)
        return last

    # --- reads ----------------------------------------------------------------------------------
    def page(self, kind, ns, matches, limit, token):
        """(items, list metadata) of one page; the continue token names the list's RV and the last
        key served; a token from before a compaction is 410 Expired."""
        list_rv, after = self.store.rv, None
        if token:
            try:
                t = json.loads(base64.urlsafe_b64decode(token.encode()))
                list_rv, after = int(t["rv"]), t["start"]
            except (ValueError, KeyError, TypeError, binascii.Error):
                raise ApiError(400, "BadRequest", "continue key is not valid: invalid token")
            if list_rv < self.store.compacted:
                raise ApiError(410, "Expired", "The provided continue parameter is too old to "
                               "display a consistent list result. You can start a new list "
                               "without the continue parameter.")
        items = [o for o in self.store.items(kind.plural, ns) if matches(o)]
        if after is not None:
            items = [o for o in items if key_of(o) > after]
        meta = {"resourceVersion": str(list_rv)}
        if limit and len(items) > limit:
            rest = len(items) - limit
            items = items[:limit]
            meta["continue"] = base64.urlsafe_b64encode(json.dumps(
                {"rv": list_rv, "start": key_of(items[-1])}).encode()).decode()
            meta["remainingItemCount"] = rest
        return items, meta

    def watch_backlog(self, kind, rv):
        return self.store.events_after(kind.plural, rv)


def key_of(o):
    return o["metadata"].get("namespace", "") + "/" + o["metadata"]["name"]


def strip(o):
    """An object without metadata and status: what generation counts changes of."""
    return {k: v for k, v in o.items() if k not in ("metadata", "status")}


__all__ = ["ApiError", "Operations", "Gone", "not_found", "merge_patch"]
