#!/usr/bin/env python3
# A protocol-faithful fake Kubernetes API server for the tests (driven by the real kubectl and by
# the daemon's Kubernetes client): CLI, TLS and client certificates, start and SIGTERM shutdown.
"""Usage:
  apiserver.py --crds DIR [--port 0] [--host 127.0.0.1] [--port-file F]
               [--tls-cert C --tls-key K [--client-ca CA]] [--token T]...

Serves core v1 namespaces, secrets, configmaps and events and every CustomResourceDefinition in
DIR (*.yaml). With --token (repeatable) or --client-ca, requests need `Authorization: Bearer T`
(one of the tokens) or a client certificate signed by CA; others get 401. /_fake/ endpoints need
no authentication:
  POST /_fake/compact        every resourceVersion before now becomes too old (410)
  POST /_fake/cut-watches    open watch streams end mid-line, without the last chunk
  POST /_fake/config         {"delayMs", "watchTimeoutSeconds", "tokens", "maxPageSize",
                              "bookmarkIntervalSeconds"}: any subset; answers the whole config
  GET  /_fake/requests       [{method, path, query, userAgent, auth: bearer|cert|none}]
  GET  /_fake/watchers       [{path, query}] of the open watches
The bound port is written to --port-file (atomically) once the server listens."""

import argparse
import os
import signal
import ssl
import sys
import threading
from http.server import ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import handler  # noqa: E402
import resources  # noqa: E402
from store import Store  # noqa: E402

NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--crds", required=True, help="directory of CustomResourceDefinition YAML")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--client-ca")
    p.add_argument("--token", action="append", default=[])
    a = p.parse_args(argv)
    if bool(a.tls_cert) != bool(a.tls_key):
        p.error("--tls-cert and --tls-key go together")
    if a.client_ca and not a.tls_cert:
        p.error("--client-ca needs --tls-cert and --tls-key")
    return a


def make_state(crd_dir, tokens, cert_auth):
    kinds = resources.core_kinds() + resources.load_crds(crd_dir)
    store = Store()
    state = handler.FakeState(store, kinds, tokens, cert_auth)
    ns_kind = kinds[0]
    with store.cond:
        for ns in NAMESPACES:
            state.ops.create(ns_kind, "", {"metadata": {"name": ns}}, True)
    return state


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def main(argv):
    a = parse_args(argv)
    state = make_state(a.crds, a.token, bool(a.client_ca))
    handler.Handler.state = state
    server = Server((a.host, a.port), handler.Handler)
    if a.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.tls_cert, a.tls_key)
        ctx.set_alpn_protocols(["http/1.1"])
        if a.client_ca:
            ctx.load_verify_locations(a.client_ca)
            ctx.verify_mode = ssl.CERT_OPTIONAL
        # The handshake happens in the connection's thread (Handler.setup), not in accept().
        server.socket = ctx.wrap_socket(server.socket, server_side=True,
                                        do_handshake_on_connect=False)

    def stop(*_):
        with state.store.cond:
            state.store.closing = True
            state.store.cond.notify_all()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    port = server.server_address[1]
    if a.port_file:
        tmp = a.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{port}\n")
        os.replace(tmp, a.port_file)
    print(f"fake kube-apiserver listening on {'https' if a.tls_cert else 'http'}://"
          f"{a.host}:{port}", flush=True)
    server.serve_forever(poll_interval=0.2)
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
