#!/usr/bin/env python3
"""Result checker of the DingTalk throttle benchmark: waits until nm-dingtalk-fake has accepted
every expected message (W robots x G groups) or nothing new arrived for --idle seconds, then
compares the fake's accept log with the expectation. Prints key=value lines; exit 1 when a message
was lost or the fake answered "send too fast" (errcode 130101) even once."""

import argparse
import json
import sys
import time
import urllib.request


def get(fake, path):
    with urllib.request.urlopen(f"http://{fake}{path}", timeout=10) as r:
        return r.read().decode()


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--fake", default="127.0.0.1:19299")
    p.add_argument("--webhooks", type=int, required=True)
    p.add_argument("--groups", type=int, required=True)
    p.add_argument("--start-ms", type=int, required=True, help="unix ms when the alerts were posted")
    p.add_argument("--idle", type=float, default=30, help="give up after this long without progress")
    p.add_argument("--save", help="write the fake's accept log (/dump) to this file")
    a = p.parse_args()

    expected = a.webhooks * a.groups
    last, last_change = -1, time.time()
    while True:
        stats = json.loads(get(a.fake, "/stats"))
        if stats["ids"] >= expected:
            break
        if stats["ids"] != last:
            last, last_change = stats["ids"], time.time()
        elif time.time() - last_change > a.idle:
            break
        time.sleep(0.2)
    time.sleep(0.5)  # late duplicates, if any
    stats = json.loads(get(a.fake, "/stats"))

    seen, duplicates, unexpected = {}, 0, 0
    want_ids = {f"tbid_{n}" for n in range(a.groups)}
    want_tokens = {f"bench-robot-{i}" for i in range(a.webhooks)}
    dump = get(a.fake, "/dump")
    if a.save:
        with open(a.save, "w") as f:
            f.write(dump)
    for line in dump.splitlines():
        token, ident, ms, errcode = line.split("\t")
        if errcode != "0":
            continue
        if token not in want_tokens or ident not in want_ids:
            unexpected += 1
            continue
        if (token, ident) in seen:
            duplicates += 1
        else:
            seen[(token, ident)] = int(ms)
    received = len(seen)
    lost = expected - received
    last_ms = max(seen.values()) if seen else a.start_ms
    out = {
        "expected": expected, "received": received, "lost": lost, "duplicates": duplicates,
        "unexpected": unexpected, "requests": stats["requests"], "over_limit": stats["over_limit"],
        "bad_sign": stats["bad_sign"], "bad_request": stats["bad_request"],
        "unknown_token": stats["unknown_token"],
        "total_s": round((last_ms - a.start_ms) / 1000, 3),
        "first_accept_s": round((stats["first_accept_ms"] - a.start_ms) / 1000, 3)
        if stats["first_accept_ms"] else None,
        # -1: no robot accepted more than `limit` messages, so no window could be exceeded
        "tightest_window_s": round(stats["tightest_window_s"], 4),
    }
    for k, v in out.items():
        print(f"{k}={v}")
    bad = lost > 0 or stats["over_limit"] > 0 or stats["bad_sign"] > 0 or stats["bad_request"] > 0
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
