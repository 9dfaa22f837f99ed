#!/usr/bin/env python3
"""How long `psirt-site serve` takes from saving an advisory to telling the browser.

Usage: serve-latency.py BIN SITE_ROOT [EDITS]

Starts `BIN serve` on SITE_ROOT, then EDITS times (default 6) edits the first advisory's
title (or restores it) and times, from the moment the file is written, how long until a
parked live-reload request (the one every open page holds) is answered with the new
build: the watcher's wait for the save to settle, the rebuild and the publish, as a reader sees them. Prints
one line per edit with that time and the build time `serve` printed, then the medians.
"""
import json
import os
import pathlib
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def version(base, since):
    with urllib.request.urlopen(f"{base}/__livereload?since={since}", timeout=60) as r:
        if r.status == 204:
            return since
        return json.loads(r.read())["version"]


def median(values):
    s = sorted(values)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def main():
    binary, root = sys.argv[1], pathlib.Path(sys.argv[2])
    edits = int(sys.argv[3]) if len(sys.argv) > 3 else 6
    advisory = sorted((root / "content" / "advisories").rglob("*.md"))[0]
    original = advisory.read_bytes()
    edited = original.replace(b'title = "', b'title = "Edited: ', 1)
    port = free_port()
    log = open(os.devnull if os.environ.get("QUIET") else "/dev/stderr", "w")
    proc = subprocess.Popen(
        [binary, "serve", "--root", str(root), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    built = []
    ready = threading.Event()

    def read_log():
        for line in proc.stderr:
            m = re.match(r"^built: .* in ([0-9.]+)s$", line.strip())
            if m:
                built.append(float(m.group(1)))
                ready.set()
            log.write(line)

    threading.Thread(target=read_log, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    try:
        if not ready.wait(600):
            sys.exit("serve-latency: serve did not finish its first build")
        current = version(base, 0)
        latencies = []
        for i in range(edits):
            result = {}
            waiter = threading.Thread(target=lambda: result.update(v=version(base, current)))
            waiter.start()
            time.sleep(0.2)  # the request is parked before the file changes
            start = time.monotonic()
            advisory.write_bytes(edited if i % 2 == 0 else original)
            waiter.join(60)
            latency = time.monotonic() - start
            if result.get("v", current) == current:
                sys.exit("serve-latency: no rebuild was announced within 60 s")
            latencies.append(latency)
            # A save can be seen as two batches of events (two rebuilds): the next edit
            # waits for the version that is current once they are done.
            time.sleep(1.0)
            current = version(base, 0)
            print(f"edit {i + 1}: reload after {latency * 1000:.0f} ms (serve's build: {built[-1] * 1000:.0f} ms)")
        print(
            f"median reload {median(latencies) * 1000:.0f} ms; "
            f"median build {median(built[1:]) * 1000:.0f} ms; first build {built[0]:.2f} s"
        )
        # For scripts/bench: every figure in seconds.
        reloads = " ".join(f"{x:.3f}" for x in sorted(latencies))
        builds = " ".join(f"{x:.3f}" for x in sorted(built[1:]))
        print(
            f"result: first={built[0]:.2f} reload_median={median(latencies):.3f} "
            f"build_median={median(built[1:]):.3f} reloads={reloads} builds={builds}"
        )
    finally:
        advisory.write_bytes(original)
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
