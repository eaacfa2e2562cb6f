"""A KubeSphere tenant sidecar fake: GET /api/v2/tenant?cluster=<c>&namespace=<ns> answers 200 with
a JSON array of user names for a known (cluster, namespace) and an empty 404 otherwise, as the
KubeSphere sidecar does; /readiness, /liveness and /preStop answer 200. Modes for the daemon's
failure paths: "ok", "slow" (answers after `delay` seconds) and "fail" (500)."""

import time

from fake_base import FakeServer


class TenantSidecarFake(FakeServer):

    def __init__(self, tenants, mode="ok", delay=3.0):
        self.tenants = {k: list(v) for k, v in tenants.items()}  # (cluster, ns) -> [users]
        self.mode = mode
        self.delay = delay
        super().__init__()

    def address(self):
        return f"127.0.0.1:{self.port}"

    def lookups(self):
        """Recorded tenant lookups as (cluster, namespace) pairs, in arrival order."""
        return [(r["query"].get("cluster"), r["query"].get("namespace"))
                for r in self.on("/api/v2/tenant")]

    def handle(self, method, path, query, body, raw):
        if path in ("/readiness", "/liveness", "/preStop"):
            return 200, None
        if method != "GET" or path != "/api/v2/tenant":
            return 404, None
        if self.mode == "fail":
            return 500, "internal error"
        if self.mode == "slow":
            # handle() runs under the base's lock; let other requests and the test read the
            # records while this answer is late.
            self.lock.release()
            try:
                time.sleep(self.delay)
            finally:
                self.lock.acquire()
        users = self.tenants.get((query.get("cluster", ""), query.get("namespace", "")))
        if users is None:
            return 404, None
        return 200, users
