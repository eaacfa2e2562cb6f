# OpenAPI v3 structural-schema validation as the API server does it for custom resources: unknown
# fields (pruned, or refused under fieldValidation=Strict) and value errors worded like the real one.
"""validate(schema, obj) returns (unknown_field_paths, errors); each error is
{"field", "reason", "message"} with the real server's cause reasons (FieldValueInvalid,
FieldValueRequired, FieldValueNotSupported, FieldValueTooMany) and messages."""

import json
import re

JSON_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool}

# ObjectMeta fields a client may send (everything else under metadata is unknown).
META_FIELDS = {"name", "generateName", "namespace", "selfLink", "uid", "resourceVersion",
               "generation", "creationTimestamp", "deletionTimestamp",
               "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences",
               "finalizers", "managedFields"}

DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def type_name(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


def has_type(v, t):
    if t == "integer":
        return isinstance(v, int) and not isinstance(v, bool) or (
            isinstance(v, float) and v.is_integer())
    if t == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    return isinstance(v, JSON_TYPES[t])


def shown(v):
    """How the real server quotes a value in "Invalid value: X"."""
    if isinstance(v, (dict, list)):
        return json.dumps(type_name(v))
    return json.dumps(v)


class Validator:
    def __init__(self):
        self.unknown = []
        self.errors = []

    def err(self, path, reason, message):
        self.errors.append({"field": path, "reason": reason, "message": message})

    def invalid(self, path, value, detail, show=None):
        self.err(path, "FieldValueInvalid",
                 f"Invalid value: {show or shown(value)}: {path} {detail}")

    def wrong_type(self, path, value, want):
        got = json.dumps(type_name(value))
        self.invalid(path, value, f"in body must be of type {want}: {got}", show=got)

    def check(self, s, v, path):
        if v is None:
            if not s.get("nullable"):
                if "type" in s:
                    self.wrong_type(path, v, s["type"])
            return
        t = s.get("type")
        if t and not has_type(v, t):
            self.wrong_type(path, v, t)
            return
        if "enum" in s and v not in s["enum"]:
            allowed = ", ".join(json.dumps(e) for e in s["enum"])
            self.err(path, "FieldValueNotSupported",
                     f"Unsupported value: {json.dumps(v)}: supported values: {allowed}")
        if isinstance(v, str):
            self.check_string(s, v, path)
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            self.check_number(s, v, path)
        elif isinstance(v, list):
            self.check_array(s, v, path)
        elif isinstance(v, dict):
            self.check_object(s, v, path)
        for key, word, ok in (("oneOf", "one and only one", lambda n: n == 1),
                              ("anyOf", "at least one", lambda n: n >= 1)):
            if key in s:
                n = sum(1 for sub in s[key] if not self.branch_errors(sub, v, path))
                if not ok(n):
                    self.invalid(path, v, f"in body must validate {word} schema ({key}). "
                                 + ("Found none valid" if n == 0 else f"Found {n} valid alternatives"))

    def branch_errors(self, sub, v, path):
        probe = Validator()
        probe.check(sub, v, path)
        return probe.errors

    def check_string(self, s, v, path):
        if "minLength" in s and len(v) < s["minLength"]:
            self.invalid(path, v, f"in body should be at least {s['minLength']} chars long")
        if "maxLength" in s and len(v) > s["maxLength"]:
            self.err(path, "FieldValueTooLong",
                     f"Too long: may not be more than {s['maxLength']} bytes")
        if "pattern" in s and not re.search(s["pattern"], v):
            self.invalid(path, v, f"in body should match '{s['pattern']}'")
        if s.get("format") == "date-time" and not re.match(
                r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$", v):
            self.invalid(path, v, "in body must be of type date-time: " + json.dumps(v))

    def check_number(self, s, v, path):
        if "minimum" in s and v < s["minimum"]:
            self.invalid(path, v, f"in body should be greater than or equal to {s['minimum']}")
        if "maximum" in s and v > s["maximum"]:
            self.invalid(path, v, f"in body should be less than or equal to {s['maximum']}")

    def check_array(self, s, v, path):
        if "minItems" in s and len(v) < s["minItems"]:
            self.invalid(path, len(v), f"in body should have at least {s['minItems']} items")
        if "maxItems" in s and len(v) > s["maxItems"]:
            self.err(path, "FieldValueTooMany",
                     f"Too many: {len(v)}: must have at most {s['maxItems']} items")
        items = s.get("items")
        for i, item in enumerate(v):
            if items is not None:
                self.check(items, item, f"{path}[{i}]")

    def check_object(self, s, v, path):
        props = s.get("properties", {})
        for name in s.get("required", []):
            if name not in v:
                self.err(join(path, name), "FieldValueRequired", "Required value")
        addl = s.get("additionalProperties")
        for k, item in v.items():
            p = join(path, k)
            if k in props:
                self.check(props[k], item, p)
            elif isinstance(addl, dict):
                self.check(addl, item, p)
            elif addl is True or s.get("x-kubernetes-preserve-unknown-fields"):
                continue
            else:
                self.unknown.append(p)


def join(path, key):
    return f"{path}.{key}" if path else key


def check_metadata(meta, v):
    if not isinstance(meta, dict):
        v.wrong_type("metadata", meta, "object")
        return
    for k in meta:
        if k not in META_FIELDS:
            v.unknown.append("metadata." + k)
    for k in ("labels", "annotations"):
        m = meta.get(k)
        if m is None:
            continue
        if not isinstance(m, dict) or any(not isinstance(x, str) for x in m.values()):
            v.invalid("metadata." + k, m, "in body must be a map of strings")


def validate(schema, obj):
    """Validates a whole object (apiVersion, kind, metadata and the rest) against a CRD schema."""
    v = Validator()
    body = {k: x for k, x in obj.items() if k != "metadata"}
    trimmed = dict(schema)
    trimmed["properties"] = {k: x for k, x in schema.get("properties", {}).items()
                             if k != "metadata"}
    v.check(trimmed, body, "")
    check_metadata(obj.get("metadata", {}), v)
    return v.unknown, v.errors


def validate_fields(known, obj):
    """Core kinds: only the top-level field names are checked (and metadata)."""
    v = Validator()
    for k in obj:
        if k not in known:
            v.unknown.append(k)
    check_metadata(obj.get("metadata", {}), v)
    return v.unknown, v.errors


def prune(obj, paths):
    """Drops the unknown fields (what the server does without fieldValidation=Strict)."""
    for p in paths:
        parts = re.findall(r"[^.\[\]]+|\[\d+\]", p)
        cur = obj
        for part in parts[:-1]:
            cur = cur[int(part[1:-1])] if part.startswith("[") else cur.get(part)
            if cur is None:
                break
        else:
            last = parts[-1]
            if isinstance(cur, dict):
                cur.pop(last, None)


def name_errors(name):
    if not name:
        return [{"field": "metadata.name", "reason": "FieldValueRequired",
                 "message": "Required value: name or generateName is required"}]
    if len(name) > 253 or not DNS_SUBDOMAIN.match(name):
        msg = (f"Invalid value: {json.dumps(name)}: a lowercase RFC 1123 subdomain must consist of "
               "lower case alphanumeric characters, '-' or '.', and must start and end with an "
               "alphanumeric character (e.g. 'example.com', regex used for validation is "
               "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
        return [{"field": "metadata.name", "reason": "FieldValueInvalid", "message": msg}]
    return []
