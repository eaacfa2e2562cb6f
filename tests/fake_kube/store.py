# The fake's etcd: objects by (resource, namespace, name), one global decimal resourceVersion,
# the event history that watches replay, compaction, and selectors (label and field).
import re
import threading


class Gone(Exception):
    """A resourceVersion older than the last compaction."""

    def __init__(self, rv, oldest):
        super().__init__(f"too old resource version: {rv} ({oldest})")


class Store:
    def __init__(self):
        self.cond = threading.Condition()
        self.rv = 1
        self.objects = {}  # (resource, ns, name) -> object
        self.history = []  # (rv, resource, type, object), oldest first
        self.compacted = 0  # watches and continue tokens from an RV below this are gone
        self.cut_generation = 0  # bumped by /_fake/cut-watches
        self.closing = False

    def next_rv(self):
        self.rv += 1
        return self.rv

    # All callers hold self.cond.
    def get(self, resource, ns, name):
        return self.objects.get((resource, ns, name))

    def put(self, resource, ns, name, obj, event_type):
        self.objects[(resource, ns, name)] = obj
        self.record(resource, event_type, obj)

    def remove(self, resource, ns, name, last_state):
        self.objects.pop((resource, ns, name), None)
        self.record(resource, "DELETED", last_state)

    def record(self, resource, event_type, obj):
        self.history.append((int(obj["metadata"]["resourceVersion"]), resource, event_type, obj))
        if len(self.history) > 100000:
            self.compacted = self.history[50000][0]
            del self.history[:50000]
        self.cond.notify_all()

    def items(self, resource, ns=None):
        out = [o for (r, n, _), o in self.objects.items() if r == resource and (ns is None or
                                                                                n == ns)]
        out.sort(key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"]))
        return out

    def compact(self):
        """Every resourceVersion issued so far becomes too old (the counter moves on by one, so
        a list made after the compaction has a version that is not)."""
        self.compacted = self.next_rv()
        self.history.clear()
        self.cond.notify_all()

    def events_after(self, resource, rv):
        """Events of `resource` newer than rv; raises Gone when rv predates the compaction."""
        if rv < self.compacted:
            raise Gone(rv, self.compacted)
        return [e for e in self.history if e[0] > rv and e[1] == resource]


# --- selectors --------------------------------------------------------------------------------

class BadSelector(Exception):
    pass


def split_top(s):
    """Splits on commas outside parentheses."""
    parts, depth, cur = [], 0, ""
    for ch in s:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur)
    return [p.strip() for p in parts if p.strip()]


def label_matcher(text):
    """labelSelector: k=v, k==v, k!=v, k, !k, k in (a,b), k notin (a,b)."""
    tests = []
    for req in split_top(text or ""):
        m = re.fullmatch(r"([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)", req)
        if m:
            key, op = m.group(1), m.group(2)
            vals = {v.strip() for v in m.group(3).split(",") if v.strip()}
            if op == "in":
                tests.append(lambda l, k=key, vs=vals: l.get(k) in vs)
            else:
                tests.append(lambda l, k=key, vs=vals: l.get(k) not in vs)
            continue
        m = re.fullmatch(r"([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)", req)
        if m:
            key, op, val = m.groups()
            if op == "!=":
                tests.append(lambda l, k=key, v=val: l.get(k) != v)
            else:
                tests.append(lambda l, k=key, v=val: l.get(k) == v)
            continue
        m = re.fullmatch(r"(!?)([\w./-]+)", req)
        if m:
            neg, key = m.groups()
            tests.append(lambda l, k=key, n=bool(neg): (k in l) != n)
            continue
        raise BadSelector(f"unable to parse requirement: {req!r}")
    return lambda obj: all(t(obj["metadata"].get("labels") or {}) for t in tests)


FIELDS = {"metadata.name": lambda o: o["metadata"]["name"],
          "metadata.namespace": lambda o: o["metadata"].get("namespace", "")}


def field_matcher(text):
    tests = []
    for req in split_top(text or ""):
        m = re.fullmatch(r"([\w.]+)\s*(==|=|!=)\s*(.*)", req)
        if not m:
            raise BadSelector(f"invalid selector: '{text}'; can't understand '{req}'")
        field, op, val = m.groups()
        if field not in FIELDS:
            raise BadSelector(f'field label not supported: {field}')
        get = FIELDS[field]
        if op == "!=":
            tests.append(lambda o, g=get, v=val: g(o) != v)
        else:
            tests.append(lambda o, g=get, v=val: g(o) == v)
    return lambda obj: all(t(obj) for t in tests)
