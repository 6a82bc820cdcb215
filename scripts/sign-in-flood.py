#!/usr/bin/env python3
"""Floods `probity serve` with signed-out sign-in attempts and reports what it cost.

Issue 15, item 1: N clients (default 100), each from its own loopback address (127.0.0.2,
127.0.0.3, ...: Linux routes all of 127.0.0.0/8 to this machine, so each client has an
address of its own and the per-address throttle does not hide the password work), loop
GET /sign-in then POST /sign-in with a random username for DURATION seconds (default 30).
Meanwhile one signed-in officer opens their caseload again and again. Reports the server's
peak resident memory (VmHWM) and the caseload's p50/p99 during the flood.

Only loopback addresses are used, the loops are bounded in time, and the script stops by
itself. Python's standard library only.

    cargo build --release -p probity
    scripts/sign-in-flood.py                # generates a store, serves it, floods it
    scripts/sign-in-flood.py --clients 100 --seconds 30 --binary target/release/probity
"""

import argparse
import http.client
import os
import random
import re
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

PASSWORD = "a long flood test password"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run(binary, *args, stdin=None):
    out = subprocess.run([binary, *args], input=stdin, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{' '.join(args[:2])} failed: {out.stderr.strip()}")
    return out.stdout


class Client:
    """One HTTP/1.1 keep-alive connection from a chosen loopback source address."""

    def __init__(self, port, source="127.0.0.1"):
        self.port, self.source = port, source
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        for _ in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30,
                                                       source_address=(self.source, 0))
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                r = self.conn.getresponse()
                data = r.read()
                return r.status, r.getheaders(), data
            except (ConnectionError, http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
        return 0, [], b""


def cookie(headers, name):
    for k, v in headers:
        if k.lower() == "set-cookie" and v.startswith(name + "="):
            return v.split(";", 1)[0].split("=", 1)[1]
    return None


def form_token(html):
    m = re.search(rb'name="csrf_token" value="([0-9a-f]+)"', html)
    return m.group(1).decode() if m else ""


def sign_in(c, username, password):
    status, headers, page = c.request("GET", "/sign-in")
    form_cookie = cookie(headers, "probity_sign_in")
    body = urllib.parse.urlencode({"username": username, "password": password,
                                   "csrf_token": form_token(page), "next": "/"})
    return c.request("POST", "/sign-in", body, {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"probity_sign_in={form_cookie}",
    })


def peak_rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        fields = dict(line.split(":", 1) for line in f if ":" in line)
    return int(fields["VmHWM"].split()[0]) / 1024, int(fields["VmRSS"].split()[0]) / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default="target/release/probity")
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--cases", type=int, default=2000)
    args = ap.parse_args()
    if not 1 <= args.clients <= 250:
        sys.exit("--clients: from 1 to 250 (one loopback address each)")

    work = tempfile.mkdtemp(prefix="probity-flood-")
    db = f"sqlite://{work}/flood.db"
    run(args.binary, "generate", "--cases", str(args.cases), "--seed", "1", "--database", db)
    run(args.binary, "user", "add", "--database", db, "--username", "floodadmin", "--role", "admin",
        "--scope", "provider", "--password-stdin", stdin=PASSWORD + "\n")
    # An officer with a caseload: the first member of staff the export names.
    run(args.binary, "export", "--database", db, "--dir", f"{work}/export")
    with open(f"{work}/export/staff.csv") as f:
        next(f)
        officer, team = f.readline().split(",")[:2]
    run(args.binary, "user", "add", "--database", db, "--username", "officer", "--role",
        "responsible_officer", "--scope", f"team:{team}", "--officer", officer, "--password-stdin",
        stdin=PASSWORD + "\n")

    port = free_port()
    server = subprocess.Popen([args.binary, "serve", "--database", db, "--addr", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        idle_peak, idle_rss = peak_rss_mb(server.pid)

        officer_client = Client(port)
        status, headers, _ = sign_in(officer_client, "officer", PASSWORD)
        session = cookie(headers, "probity_session")
        if status != 303 or not session:
            sys.exit(f"the officer could not sign in ({status})")

        stop = time.monotonic() + args.seconds
        counts = {"attempts": 0, "refused_busy": 0, "throttled": 0, "errors": 0}
        lock = threading.Lock()

        def flood(i):
            c = Client(port, source=f"127.0.0.{i + 2}")
            while time.monotonic() < stop:
                name = "".join(random.choices(string.ascii_lowercase, k=12))
                status, _, _ = sign_in(c, name, "not anyone's password at all")
                with lock:
                    counts["attempts"] += 1
                    if status == 503:
                        counts["refused_busy"] += 1
                    elif status == 429:
                        counts["throttled"] += 1
                    elif status not in (401,):
                        counts["errors"] += 1

        latencies = []

        def caseload():
            path = f"/officers/{officer}/caseload"
            while time.monotonic() < stop:
                t = time.perf_counter()
                status, _, _ = officer_client.request("GET", path, headers={"Cookie": f"probity_session={session}"})
                latencies.append((time.perf_counter() - t) * 1000)
                if status != 200:
                    counts["errors"] += 1
                time.sleep(0.05)

        peak = [idle_peak]

        def monitor():
            while time.monotonic() < stop:
                peak[0] = max(peak[0], peak_rss_mb(server.pid)[0])
                time.sleep(0.1)

        threads = [threading.Thread(target=flood, args=(i,)) for i in range(args.clients)]
        threads += [threading.Thread(target=caseload), threading.Thread(target=monitor)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        time.sleep(2)
        final_peak, after_rss = peak_rss_mb(server.pid)
        latencies.sort()
        pct = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else float("nan")
        print(f"clients {args.clients}, {args.seconds:.0f} s, store of {args.cases} cases")
        print(f"sign-in attempts {counts['attempts']}: throttled {counts['throttled']}, "
              f"refused busy {counts['refused_busy']}, unexpected {counts['errors']}")
        print(f"server memory: idle {idle_rss:.0f} MB, peak {max(final_peak, peak[0]):.0f} MB "
              f"(target under 300 MB), 2 s after {after_rss:.0f} MB")
        print(f"caseload during the flood: {len(latencies)} requests, p50 {pct(0.5):.1f} ms, "
              f"p99 {pct(0.99):.1f} ms, max {latencies[-1] if latencies else float('nan'):.1f} ms")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
