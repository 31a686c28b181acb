# SPDX-License-Identifier: Apache-2.0
"""make bench: Jumpgate against the limits of its own stack, measured with wrk in one run.

Baselines: nginx serving a static 1 KiB JSON file; bench/responder (libfcgi) behind the same
nginx returning those bytes; the same responder parsing the query and building the JSON with
nlohmann/json. Then Jumpgate's calls through the whole stack, with token validation on every
authenticated one. Rounds are interleaved and medians reported, as ratios to the libfcgi
baseline of the same run; results go to bench/results.md.
"""
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("BUILD", os.path.join(TOP, "build-bench"))
ROUNDS = int(os.environ.get("ROUNDS", "3"))
DURATION = os.environ.get("DURATION", "4s")
CONNECTIONS = os.environ.get("CONNECTIONS", "32")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(url, script=None, connections=CONNECTIONS):
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{DURATION}", "--latency", url]
    if script:
        cmd[1:1] = ["-s", script]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    unit = {"us": 0.001, "ms": 1.0, "s": 1000.0}

    def pct(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)", out, re.M)
        return float(m.group(1)) * unit[m.group(2)] if m else float("nan")
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": pct(50), "p99": pct(99), "errors": int(non2xx.group(1)) if non2xx else 0}


def lua(path, method="GET", body=None, headers=None):
    fd, name = tempfile.mkstemp(suffix=".lua")
    with os.fdopen(fd, "w") as f:
        f.write(f'wrk.method = "{method}"\n')
        if body is not None:
            f.write(f"wrk.body = {json.dumps(json.dumps(body))}\n")
        for k, v in (headers or {}).items():
            f.write(f'wrk.headers["{k}"] = "{v}"\n')
    return name


class Nginx:
    """nginx serving the static file and the responders on their own ports."""

    def __init__(self, state, responder_socks):
        self.state = state
        self.ports = {"static": free_port(), "static_fcgi": free_port(), "json_fcgi": free_port()}
        os.makedirs(os.path.join(state, "www"), exist_ok=True)
        with open(os.path.join(state, "www", "doc.json"), "w") as f:
            f.write(subprocess.run([os.path.join(BUILD, "bench-responder"), "print"], capture_output=True,
                                   text=True).stdout or json.dumps({"items": ["x" * 990]}))
        user = "user root;" if os.getuid() == 0 else ""
        conf = f"""{user}
worker_processes 1;
pid {state}/nginx.pid;
error_log {state}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {state}/tmp-body; fastcgi_temp_path {state}/tmp-fcgi;
    proxy_temp_path {state}/tmp-proxy; uwsgi_temp_path {state}/tmp-uwsgi; scgi_temp_path {state}/tmp-scgi;
    server {{ listen 127.0.0.1:{self.ports['static']}; location / {{ root {state}/www; default_type application/json; }} }}
    server {{ listen 127.0.0.1:{self.ports['static_fcgi']}; location / {{ fastcgi_pass unix:{responder_socks['static']}; include {TOP}/nginx/jumpgate-fastcgi.conf; }} }}
    server {{ listen 127.0.0.1:{self.ports['json_fcgi']}; location / {{ fastcgi_pass unix:{responder_socks['json']}; include {TOP}/nginx/jumpgate-fastcgi.conf; }} }}
}}
"""
        with open(os.path.join(state, "nginx.conf"), "w") as f:
            f.write(conf)
        subprocess.run(["nginx", "-p", state, "-c", os.path.join(state, "nginx.conf"), "-e",
                        os.path.join(state, "nginx-error.log")], check=True)

    def stop(self):
        with open(os.path.join(self.state, "nginx.pid")) as f:
            os.kill(int(f.read()), 15)


def spawn_responder(state, mode, workers):
    sock = os.path.join(state, f"responder-{mode}.sock")
    pidfile = os.path.join(state, f"responder-{mode}.pid")
    subprocess.run(["spawn-fcgi", "-s", sock, "-M", "0660", "-F", str(workers), "-P", pidfile, "--",
                    os.path.join(BUILD, "bench-responder"), mode], check=True, capture_output=True)
    return sock, pidfile


def kill_pids(pidfile):
    with open(pidfile) as f:
        for pid in f.read().split():
            try:
                os.kill(int(pid), 15)
            except ProcessLookupError:
                pass


class Jumpgate:
    def __init__(self, workers):
        self.port = free_port()
        self.state = tempfile.mkdtemp(prefix="jumpgate-bench-")
        self.env = dict(os.environ, PORT=str(self.port), STATE=self.state, WORKERS=str(workers), BUILD=BUILD)
        subprocess.run([os.path.join(TOP, "scripts", "jumpgate-stack"), "start"], env=self.env, check=True)
        with open(os.path.join(self.state, "admin-password")) as f:
            self.password = f.read().strip()
        self.auth = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
            "name": "admin", "domain": {"id": "default"}, "password": self.password}}},
            "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}}
        req = urllib.request.Request(self.url("/identity/v3/auth/tokens"), data=json.dumps(self.auth).encode(),
                                     headers={"Content-Type": "application/json"})
        self.token = urllib.request.urlopen(req).headers["X-Subject-Token"]

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def worker_rss_kib(self):
        total = []
        with open(os.path.join(self.state, "run", "workers.pid")) as f:
            for pid in f.read().split():
                with open(f"/proc/{pid}/status") as st:
                    total.append(int(re.search(r"VmHWM:\s+(\d+)", st.read()).group(1)))
        return max(total)

    def stop(self):
        subprocess.run([os.path.join(TOP, "scripts", "jumpgate-stack"), "stop"], env=self.env, check=True)
        shutil.rmtree(self.state, ignore_errors=True)


def main():
    state = tempfile.mkdtemp(prefix="jumpgate-bench-base-")
    workers = 2
    socks, pids = {}, []
    for mode in ("static", "json"):
        sock, pidfile = spawn_responder(state, mode, workers)
        socks[mode] = sock
        pids.append(pidfile)
    nginx = Nginx(state, socks)
    jg = Jumpgate(workers)
    auth = {"X-Auth-Token": jg.token}
    scripts = {
        "token": lua("/", headers={"X-Auth-Token": jg.token, "X-Subject-Token": jg.token}),
        "authed": lua("/", headers=auth),
        "issue": lua("/", "POST", jg.auth, {"Content-Type": "application/json"}),
    }
    targets = [
        ("nginx static 1 KiB", f"http://127.0.0.1:{nginx.ports['static']}/doc.json", None, "baseline"),
        ("libfcgi responder, fixed bytes", f"http://127.0.0.1:{nginx.ports['static_fcgi']}/", None, "baseline"),
        ("libfcgi responder, cgicc + nlohmann/json", f"http://127.0.0.1:{nginx.ports['json_fcgi']}/?name=x", None, "baseline"),
        ("GET / (index)", jg.url("/"), None, "small"),
        ("GET /compute/v2.1 (version document)", jg.url("/compute/v2.1"), None, "small"),
        ("GET /identity/v3/auth/tokens (validation)", jg.url("/identity/v3/auth/tokens"), scripts["token"], "small"),
        ("GET /compute/v2.1/flavors/detail", jg.url("/compute/v2.1/flavors/detail"), scripts["authed"], "small"),
        ("POST /identity/v3/auth/tokens (password)", jg.url("/identity/v3/auth/tokens"), scripts["issue"], "kdf"),
    ]
    results = {name: [] for name, *_ in targets}
    try:
        for _ in range(ROUNDS):
            for name, url, script, _kind in targets:
                results[name].append(wrk(url, script, "4" if _kind == "kdf" else CONNECTIONS))
        rss = jg.worker_rss_kib()
    finally:
        jg.stop()
        nginx.stop()
        for p in pids:
            kill_pids(p)
        for s in scripts.values():
            os.unlink(s)
        shutil.rmtree(state, ignore_errors=True)

    med = {name: {k: statistics.median(r[k] for r in runs) for k in ("rps", "p50", "p99")}
           for name, runs in results.items()}
    base = med["libfcgi responder, fixed bytes"]["rps"]
    lines = ["# make bench results", "",
             f"Machine: {platform.node()}, {os.cpu_count()} cores, {platform.platform()}; "
             f"wrk -t2 -c{CONNECTIONS} -d{DURATION} (the password token issue with -c4), "
             f"{ROUNDS} interleaved rounds, medians; {workers} workers everywhere.",
             f"Command: `make bench` (ROUNDS={ROUNDS} DURATION={DURATION}). Ratios are to the libfcgi "
             "responder measured in the same run; absolute figures drift between runs.", "",
             "| target | req/s | p50 ms | p99 ms | ratio to libfcgi | errors |", "|---|---|---|---|---|---|"]
    for name, *_ in targets:
        m = med[name]
        errors = sum(r["errors"] for r in results[name])
        lines.append(f"| {name} | {m['rps']:.0f} | {m['p50']:.2f} | {m['p99']:.2f} | {m['rps'] / base:.2f} | {errors} |")
    lines += ["", f"Worker peak RSS (VmHWM, largest worker): {rss / 1024:.1f} MiB.", "",
              "Not yet measured (their services are not implemented yet): servers detail with 100 to "
              "10,000 servers, server create/delete, image list with 500 images, 1 GiB image upload and "
              "download, and 1/2/4-worker scaling."]
    text = "\n".join(lines) + "\n"
    with open(os.path.join(TOP, "bench", "results.md"), "w") as f:
        f.write(text)
    print(text)
    failures = [n for n in results if sum(r["errors"] for r in results[n])]
    if failures:
        print("errors answered by:", ", ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
