# SPDX-License-Identifier: Apache-2.0
"""make bench: Jumpgate against the limits of its own stack, measured with wrk and curl in one run.

Baselines: nginx serving a static 1 KiB JSON file; bench/responder (libfcgi) behind the same
nginx returning those bytes; the same responder parsing the query and building the JSON with
nlohmann/json. Then Jumpgate's calls through the whole stack, with token validation on every
authenticated one: reads, lists of 100 servers and 500 images, server create-then-delete, token
issue. Rounds are interleaved and medians reported, as ratios to the libfcgi baseline of the
same run. Then growth (lists of 100, 1,000 and 10,000 servers; 1, 2 and 4 workers), 1 GiB image
upload and download against nginx's static-file MB/s, the workers' peak RSS, and a perf profile
of each target missed. Results go to bench/results.md; the hand-written analysis after the
ANALYSIS marker in that file is kept across runs.

Last, the openstack driver: a second stack in front of the first, its token validation, small reads and
1 GiB download as ratios to the same calls made to the first directly (`bench.py --proxy`: only that).

Environment: ROUNDS (3), DURATION (4s), CONNECTIONS (32), DATA_ROUNDS (3), DATA_MIB (1024),
SCALE (100,1000,10000), PROFILE (1: perf record a missed target when perf is there).
"""
import concurrent.futures
import http.client
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

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("BUILD", os.path.join(TOP, "build-bench"))
ROUNDS = int(os.environ.get("ROUNDS", "3"))
DURATION = os.environ.get("DURATION", "4s")
CONNECTIONS = os.environ.get("CONNECTIONS", "32")
DATA_ROUNDS = int(os.environ.get("DATA_ROUNDS", "3"))
DATA_MIB = int(os.environ.get("DATA_MIB", "1024"))
SCALE = [int(n) for n in os.environ.get("SCALE", "100,1000,10000").split(",")]
PROFILE = os.environ.get("PROFILE", "1") == "1" and shutil.which("perf") is not None
RESULTS = os.path.join(TOP, "bench", "results.md")
ANALYSIS = "<!-- ANALYSIS: everything below this line is written by hand and kept by bench.py -->"


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(url, script=None, connections=CONNECTIONS, duration=DURATION, threads=2):
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}", "--latency", url]
    if script:
        cmd[1:1] = ["-s", script]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    unit = {"us": 0.001, "ms": 1.0, "s": 1000.0}

    def pct(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)", out, re.M)
        return float(m.group(1)) * unit[m.group(2)] if m else float("nan")
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = int(non2xx.group(1)) if non2xx else 0
    if sock:
        errors += sum(int(g) for g in sock.groups())
    return {"rps": rps, "requests": requests, "p50": pct(50), "p99": pct(99), "errors": errors}


SCRIPTS = []
COMPUTE_2_37 = "compute 2.37"


def lua(method="GET", body=None, headers=None, text=None):
    fd, name = tempfile.mkstemp(suffix=".lua")
    SCRIPTS.append(name)
    with os.fdopen(fd, "w") as f:
        if text is not None:
            f.write(text)
            return name
        f.write(f'wrk.method = "{method}"\n')
        if body is not None:
            f.write(f"wrk.body = {json.dumps(json.dumps(body))}\n")
        for k, v in (headers or {}).items():
            f.write(f'wrk.headers["{k}"] = "{v}"\n')
    return name


# Create-then-delete: each thread POSTs a server, and its next request DELETEs the one made
# (the id from the Location header); so half the requests create and half delete.
CREATE_DELETE = """
local token = "%(token)s"
local body = %(body)s
local made = {}
request = function()
  local id = table.remove(made)
  if id then
    return wrk.format("DELETE", "/compute/v2.1/servers/" .. id, {["X-Auth-Token"] = token})
  end
  return wrk.format("POST", "/compute/v2.1/servers",
                    {["X-Auth-Token"] = token, ["Content-Type"] = "application/json",
                     ["OpenStack-API-Version"] = "compute 2.37"}, body)
end
response = function(status, headers, body)
  local location = headers["Location"] or headers["location"]
  if status == 202 and location then
    table.insert(made, location:match("([^/]+)$"))
  end
end
"""


class Nginx:
    """nginx serving the static files and the responders on their own ports."""

    def __init__(self, state, responder_socks):
        self.state = state
        self.ports = {"static": free_port(), "static_fcgi": free_port(), "json_fcgi": free_port()}
        os.makedirs(os.path.join(state, "www", "data"), exist_ok=True)
        with open(os.path.join(state, "www", "doc.json"), "w") as f:
            f.write(subprocess.run([os.path.join(BUILD, "bench-responder"), "print"], capture_output=True,
                                   text=True).stdout or json.dumps({"items": ["x" * 990]}))
        self.responder_socks = responder_socks
        self.write_conf()
        subprocess.run(["nginx", "-p", state, "-c", os.path.join(state, "nginx.conf"), "-e",
                        os.path.join(state, "nginx-error.log")], check=True)

    def write_conf(self):
        state, socks = self.state, self.responder_socks
        user = "user root;" if os.getuid() == 0 else ""
        # /data/ is sent as Jumpgate's internal image location sends it (same snippet).
        conf = f"""{user}
worker_processes 1;
pid {state}/nginx.pid;
error_log {state}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {state}/tmp-body; fastcgi_temp_path {state}/tmp-fcgi;
    proxy_temp_path {state}/tmp-proxy; uwsgi_temp_path {state}/tmp-uwsgi; scgi_temp_path {state}/tmp-scgi;
    # /data/ is asked for directly, not redirected to for an image URL (jumpgate-http.conf's check).
    map $uri $jumpgate_image_named {{ default 1; }}
    server {{ listen 127.0.0.1:{self.ports['static']};
        location / {{ root {state}/www; default_type application/json; }}
        location /data/ {{ alias {state}/www/data/; default_type application/octet-stream;
                          include {TOP}/nginx/jumpgate-image-store.conf; }} }}
    server {{ listen 127.0.0.1:{self.ports['static_fcgi']}; location / {{ fastcgi_pass unix:{socks['static']}; include {TOP}/nginx/jumpgate-fastcgi.conf; }} }}
    server {{ listen 127.0.0.1:{self.ports['json_fcgi']}; location / {{ fastcgi_pass unix:{socks['json']}; include {TOP}/nginx/jumpgate-fastcgi.conf; }} }}
}}
"""
        with open(os.path.join(state, "nginx.conf"), "w") as f:
            f.write(conf)

    def reload(self):
        self.write_conf()
        with open(os.path.join(self.state, "nginx.pid")) as f:
            os.kill(int(f.read()), 1)
        time.sleep(0.5)

    def stop(self):
        with open(os.path.join(self.state, "nginx.pid")) as f:
            os.kill(int(f.read()), 15)


def spawn_responder(state, mode, workers):
    sock = os.path.join(state, f"responder-{mode}-{workers}.sock")
    pidfile = os.path.join(state, f"responder-{mode}-{workers}.pid")
    subprocess.run(["spawn-fcgi", "-s", sock, "-M", "0660", "-F", str(workers), "-P", pidfile, "--",
                    os.path.join(BUILD, "bench-responder"), mode], check=True, capture_output=True)
    return sock, pidfile


def pids_in(pidfile):
    with open(pidfile) as f:
        return [int(p) for p in f.read().split()]


def cpu_ticks(pids):
    """utime and stime of `pids`, in clock ticks (/proc/PID/stat fields 14 and 15)."""
    user = system = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        user, system = user + int(fields[11]), system + int(fields[12])
    return user, system


def measured(pids, run):
    """run() (a wrk result), with the CPU its workers spent per request, in µs of user and system time."""
    before = cpu_ticks(pids)
    result = run()
    after = cpu_ticks(pids)
    requests = max(1, result["requests"])
    tick_us = 1e6 / os.sysconf("SC_CLK_TCK")
    result["user_us"] = (after[0] - before[0]) * tick_us / requests
    result["sys_us"] = (after[1] - before[1]) * tick_us / requests
    return result


def kill_pids(pidfile):
    with open(pidfile) as f:
        for pid in f.read().split():
            try:
                os.kill(int(pid), 15)
            except ProcessLookupError:
                pass


class Jumpgate:
    """A stack on the local driver or, given `upstream` (a Jumpgate), on the openstack driver in front of it."""

    def __init__(self, workers, upstream=None):
        self.port = free_port()
        self.state = tempfile.mkdtemp(prefix="jumpgate-bench-")
        self.workers = workers
        if upstream:
            services = "".join(f"[{s}]\ndriver = openstack\n" for s in ("identity", "compute", "image", "volume",
                                                                         "network"))
            with open(os.path.join(self.state, "jumpgate.conf"), "w") as f:
                f.write(f"[general]\nstate_dir = {self.state}\nmodule_dir = {BUILD}/drivers/.libs\n"
                        f"log_file = {self.state}/log/jumpgate.log\n{services}"
                        f"[openstack]\nauth_url = {upstream.url('/identity/v3')}\n")
        self.script("start")
        with open(os.path.join(upstream.state if upstream else self.state, "admin-password")) as f:
            self.password = f.read().strip()
        self.auth = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
            "name": "admin", "domain": {"id": "default"}, "password": self.password}}},
            "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}}
        status, hdrs, body = self.call("POST", "/identity/v3/auth/tokens", self.auth, auth=False)
        assert status == 201, body
        self.token = hdrs["x-subject-token"]
        self.project_id = json.loads(body)["token"]["project"]["id"]

    def script(self, cmd):
        env = dict(os.environ, PORT=str(self.port), STATE=self.state, WORKERS=str(self.workers), BUILD=BUILD)
        subprocess.run([os.path.join(TOP, "scripts", "jumpgate-stack"), cmd], env=env, check=True)

    def restart(self, workers, accel=True):
        """The same state with `workers` workers and accel_redirect on or off."""
        self.script("stop")
        conf = os.path.join(self.state, "jumpgate.conf")
        with open(conf) as f:
            text = f.read()
        text = re.sub(r"^accel_redirect = .*$", "accel_redirect = " + ("/_jumpgate_image_store/" if accel else ""),
                      text, flags=re.M)
        with open(conf, "w") as f:
            f.write(text)
        self.workers = workers
        self.script("start")

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def call(self, method, path, body=None, headers=None, auth=True):
        """One request; (status, headers with lower-case names, body bytes)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        hdrs = dict(headers or {})
        if auth:
            hdrs["X-Auth-Token"] = self.token
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        conn.request(method, path, body=body, headers=hdrs)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data

    def pids(self):
        """The workers: the children of the watcher (multiwatch) whose pid the stack records."""
        with open(os.path.join(self.state, "run", "workers.pid")) as f:
            watchers = [int(p) for p in f.read().split()]
        workers = []
        for watcher in watchers:
            for task in os.listdir(f"/proc/{watcher}/task"):
                with open(f"/proc/{watcher}/task/{task}/children") as f:
                    workers += [int(p) for p in f.read().split()]
        return workers or watchers

    def worker_rss_kib(self):
        peaks = []
        for pid in self.pids():
            with open(f"/proc/{pid}/status") as st:
                peaks.append(int(re.search(r"VmHWM:\s+(\d+)", st.read()).group(1)))
        return max(peaks)

    def stop(self):
        self.script("stop")
        shutil.rmtree(self.state, ignore_errors=True)


def parallel(jobs, threads=8):
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        return list(pool.map(lambda job: job(), jobs))


class Provision:
    """What the measured calls need, made through the APIs only."""

    def __init__(self, jg):
        self.jg = jg
        status, _, body = jg.call("PUT", f"/compute/v2.1/os-quota-sets/{jg.project_id}",
                                  {"quota_set": {"instances": -1, "cores": -1, "ram": -1}})
        assert status == 200, body
        status, _, body = jg.call("POST", "/image/v2/images", {"name": "bench-server-image", "disk_format": "raw",
                                                                "container_format": "bare"})
        assert status == 201, body
        self.image_id = json.loads(body)["id"]
        status, _, body = jg.call("PUT", f"/image/v2/images/{self.image_id}/file", b"\0" * 1024,
                                  {"Content-Type": "application/octet-stream"})
        assert status == 204, body
        self.flavor_id = "1"
        self.servers = 0

    def server_body(self, name, count=1):
        # No ports: the lists and the write path measure Compute alone (networks "none" needs 2.37).
        server = {"name": name, "imageRef": self.image_id, "flavorRef": self.flavor_id, "networks": "none"}
        if count > 1:
            server["min_count"] = server["max_count"] = count
        return {"server": server}

    def grow_servers(self, total, batch=250):
        """Servers up to `total`, through POST /servers with min_count = max_count = batch, two at a time."""
        jobs = []
        left = total - self.servers
        while left > 0:
            n = min(batch, left)
            left -= n

            def job(n=n):
                status, _, body = self.jg.call("POST", "/compute/v2.1/servers", self.server_body("bench", n),
                                               {"OpenStack-API-Version": COMPUTE_2_37})
                assert status == 202, body
            jobs.append(job)
        started = time.monotonic()
        parallel(jobs, threads=2)
        self.servers = total
        return time.monotonic() - started

    def images(self, total):
        def job():
            status, _, body = self.jg.call("POST", "/image/v2/images", {"name": "bench-list", "disk_format": "qcow2",
                                                                        "container_format": "bare"})
            assert status == 201, body
        parallel([job] * total)

    def delete_servers_named(self, name):
        status, _, body = self.jg.call("GET", f"/compute/v2.1/servers?name=%5E{name}%24&limit=1000")
        assert status == 200, body
        ids = [s["id"] for s in json.loads(body)["servers"]]

        def job(i):
            return lambda: self.jg.call("DELETE", f"/compute/v2.1/servers/{i}")
        parallel([job(i) for i in ids], threads=2)
        return len(ids)


def profile(jg, label, run):
    """perf record of the whole machine while `run()` goes: CPU by process, the workers' top symbols."""
    if not PROFILE:
        return None
    data = tempfile.mktemp(suffix=".perf")
    # DWARF call graphs: the build keeps no frame pointers, and where the time goes is inclusive.
    rec = subprocess.Popen(["perf", "record", "-a", "-F", "999", "--call-graph", "dwarf,8192", "-o", data,
                            "--", "sleep", "3"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        run()
    finally:
        rec.wait()
    with open(f"/proc/{jg.pids()[0]}/comm") as f:
        comm = f.read().strip()

    def report(*args):
        out = subprocess.run(["perf", "report", "-i", data, "--stdio", "-g", "none", *args],
                             capture_output=True, text=True).stdout
        return [l.rstrip() for l in out.splitlines() if l.strip() and not l.startswith("#")]
    by_comm = report("--no-children", "--sort", "comm", "--percent-limit", "2")
    # Inclusive: each function with what it calls, the entry points (main, _start...) left out.
    entry = re.compile(r"\] (main|_start|__libc_start\S*( \(inlined\))?|0x[0-9a-f]+)$")
    symbols = [l for l in map(short_symbol, report("--children", "--comm", comm, "--sort", "symbol",
                                                  "--percent-limit", "4")) if not entry.search(l)][:24]
    os.unlink(data)
    return {"label": label, "comm": by_comm, "symbols": symbols, "worker": comm}


def short_symbol(line):
    """A perf line with the C++ templates' noise taken out: nlohmann's basic_json<...> is "json"."""
    line = re.sub(r"nlohmann::json_abi_v[\d_]+::", "nlohmann::", line)
    line = re.sub(r"basic_json<std::map, std::vector, .*?std::allocator<unsigned char> >(, void)?>", "json", line)
    line = line.replace("std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >", "std::string")
    line = re.sub(r"\s+-\s+-$", "", line.rstrip())      # perf's empty columns
    line = re.sub(r"\s{3,}", "  ", line)
    return line if len(line) <= 150 else line[:147] + "..."


def disk_write_speed(source, directory):
    """MB/s of copying `source` to a new file in `directory` in 64 KiB writes, then fsync: what an
    upload's bytes cost on their way to disk, before any HTTP or digest."""
    target = os.path.join(directory, ".bench-disk-write")
    started = time.monotonic()
    with open(source, "rb", buffering=0) as src, open(target, "wb", buffering=0) as dst:
        while chunk := src.read(1 << 16):
            dst.write(chunk)
        os.fsync(dst.fileno())
    elapsed = time.monotonic() - started
    size = os.path.getsize(target)
    os.unlink(target)
    return size / elapsed / 1e6


def curl_speed(args):
    out = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{speed_download} %{speed_upload}",
                          *args], capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]), float(out[1]) / 1e6, float(out[2]) / 1e6


def proxied(jg, image, size_mib):
    """The openstack driver: a front stack in front of `jg`. Token validation, a small read and the download of
    `image` (`size_mib` MiB) through the front, each against the same call made to `jg` directly, interleaved;
    and the front workers' peak RSS before and after the downloads."""
    front = Jumpgate(jg.workers, upstream=jg)
    try:
        direct = {"X-Auth-Token": jg.token}
        through = {"X-Auth-Token": front.token}
        calls = [
            ("GET /identity/v3/auth/tokens (validation)", "/identity/v3/auth/tokens",
             lua(headers=dict(direct, **{"X-Subject-Token": jg.token})),
             lua(headers=dict(through, **{"X-Subject-Token": front.token}))),
            ("GET /compute/v2.1/flavors/1 (a small read)", "/compute/v2.1/flavors/1", lua(headers=direct),
             lua(headers=through)),
            (f"GET /image/v2/images/{{id}} (a small read)", f"/image/v2/images/{image}", lua(headers=direct),
             lua(headers=through)),
        ]
        runs = {name: {"direct": [], "proxied": []} for name, *_ in calls}
        for _ in range(ROUNDS):
            for name, path, direct_script, proxied_script in calls:
                runs[name]["direct"].append(wrk(jg.url(path), direct_script)["rps"])
                runs[name]["proxied"].append(wrk(front.url(path), proxied_script)["rps"])
        rss_before = front.worker_rss_kib()
        data = {"direct": [], "proxied": []}
        for _ in range(DATA_ROUNDS):
            for key, stack in (("direct", jg), ("proxied", front)):
                code, down, _ = curl_speed(["-H", f"X-Auth-Token: {stack.token}",
                                            stack.url(f"/image/v2/images/{image}/file")])
                assert code == 200, code
                data[key].append(down)
        return {"calls": {name: {k: statistics.median(v) for k, v in r.items()} for name, r in runs.items()},
                "data": {k: statistics.median(v) for k, v in data.items()}, "size_mib": size_mib,
                "rss": (rss_before, front.worker_rss_kib())}
    finally:
        front.stop()


def render_proxied(p):
    lines = ["## In front of an OpenStack (the openstack driver)", "",
             "A second stack on the openstack driver in front of the bench's stack (its upstream): each call made "
             f"through the front and directly to the upstream, interleaved, wrk -t2 -c{CONNECTIONS} -d{DURATION}, "
             f"medians of {ROUNDS} rounds; the download with curl, {DATA_ROUNDS} rounds. Both stacks share the two "
             "cores, so a proxied call also pays for the upstream's work on the same machine.", "",
             "| call | direct req/s | through the front req/s | ratio |", "|---|---|---|---|"]
    for name, m in p["calls"].items():
        lines.append(f"| {name} | {m['direct']:.0f} | {m['proxied']:.0f} | {m['proxied'] / m['direct']:.2f} |")
    d = p["data"]
    lines.append(f"| GET /image/v2/images/{{id}}/file ({p['size_mib']} MiB), MB/s | {d['direct']:.0f} | "
                 f"{d['proxied']:.0f} | {d['proxied'] / d['direct']:.2f} |")
    before, after = p["rss"]
    lines += ["", f"Front workers' peak RSS: {before / 1024:.1f} MiB before the downloads, {after / 1024:.1f} MiB "
              f"after {DATA_ROUNDS} of {p['size_mib']} MiB (" +
              ("flat: the body is streamed, never held whole)." if after - before < 8 * 1024 else
               "**it grew**: the worker held more than a piece of the body at a time).")]
    return lines


def proxy_only():
    """bench.py --proxy: only the openstack driver's section, printed (results.md is left alone)."""
    jg = Jumpgate(2)
    try:
        status, _, body = jg.call("POST", "/image/v2/images", {"name": "bench-big", "disk_format": "raw",
                                                                "container_format": "bare"})
        image = json.loads(body)["id"]
        big = tempfile.mktemp()
        with open(big, "wb") as f:
            block = os.urandom(1 << 20)
            for _ in range(DATA_MIB):
                f.write(block)
        code, _, _ = curl_speed(["-T", big, "-H", "Content-Type: application/octet-stream", "-H",
                                 f"X-Auth-Token: {jg.token}", jg.url(f"/image/v2/images/{image}/file")])
        os.unlink(big)
        assert code == 204, code
        print("\n".join(render_proxied(proxied(jg, image, DATA_MIB))))
    finally:
        jg.stop()
        for s in SCRIPTS:
            os.unlink(s)
    return 0


def main():
    if sys.argv[1:] == ["--proxy"]:
        return proxy_only()
    started = time.monotonic()
    state = tempfile.mkdtemp(prefix="jumpgate-bench-base-")
    workers = 2
    socks, pids = {}, []
    for mode in ("static", "json"):
        sock, pidfile = spawn_responder(state, mode, workers)
        socks[mode] = sock
        pids.append(pidfile)
    nginx = Nginx(state, socks)
    jg = Jumpgate(workers)
    notes = []
    rss = {}
    profiles = []
    try:
        log("provisioning: quota, an image, 100 servers, 500 images")
        prov = Provision(jg)
        t = prov.grow_servers(100)
        prov.images(499)       # with the servers' image: 500
        notes.append(f"100 servers made in {t:.1f} s.")
        auth = {"X-Auth-Token": jg.token}
        scripts = {
            "token": lua(headers={"X-Auth-Token": jg.token, "X-Subject-Token": jg.token}),
            "authed": lua(headers=auth),
            "issue": lua("POST", jg.auth, {"Content-Type": "application/json"}),
            "create_delete": lua(text=CREATE_DELETE % {"token": jg.token, "body": json.dumps(json.dumps(
                prov.server_body("bench-cd")))}),
        }
        # (name, url, script, kind, target ratio or None, connections)
        targets = [
            ("nginx static 1 KiB", f"http://127.0.0.1:{nginx.ports['static']}/doc.json", None, "baseline", None),
            ("libfcgi responder, fixed bytes", f"http://127.0.0.1:{nginx.ports['static_fcgi']}/", None, "baseline", None),
            ("libfcgi responder, cgicc + nlohmann/json", f"http://127.0.0.1:{nginx.ports['json_fcgi']}/?name=x", None,
             "baseline", None),
            ("GET / (index)", jg.url("/"), None, "small", 0.8),
            ("GET /compute/v2.1 (version document)", jg.url("/compute/v2.1"), None, "small", 0.8),
            ("GET /identity/v3/auth/tokens (validation)", jg.url("/identity/v3/auth/tokens"), scripts["token"],
             "small", 0.8),
            ("GET /compute/v2.1/flavors/detail", jg.url("/compute/v2.1/flavors/detail"), scripts["authed"], "small", 0.8),
            ("GET /compute/v2.1/servers/detail (100 servers)", jg.url("/compute/v2.1/servers/detail"), scripts["authed"],
             "list", 0.25),
            ("GET /image/v2/images (500 images, default page of 25)", jg.url("/image/v2/images"), scripts["authed"],
             "list", None),
            ("GET /image/v2/images?limit=500 (all 500 images)", jg.url("/image/v2/images?limit=500"), scripts["authed"],
             "list", None),
            ("POST then DELETE /compute/v2.1/servers (create-then-delete)", jg.url("/"), scripts["create_delete"],
             "write", 0.1),
            ("POST /identity/v3/auth/tokens (password)", jg.url("/identity/v3/auth/tokens"), scripts["issue"], "kdf",
             None),
        ]
        servers = {"baseline": [], "static_fcgi": pids_in(pids[0]), "json_fcgi": pids_in(pids[1])}
        jg_pids = jg.pids()

        def serving(url):
            for key in ("static_fcgi", "json_fcgi"):
                if f":{nginx.ports[key]}/" in url:
                    return servers[key]
            return [] if f":{nginx.ports['static']}/" in url else jg_pids
        results = {name: [] for name, *_ in targets}
        for r in range(ROUNDS):
            log(f"round {r + 1} of {ROUNDS}")
            for name, url, script, kind, _goal in targets:
                results[name].append(measured(serving(url), lambda: wrk(url, script, "4" if kind == "kdf" else CONNECTIONS)))
                if kind == "write":
                    prov.delete_servers_named("bench-cd")     # the last ones made, not yet deleted
        rss["after the rounds above (small reads, lists, create/delete)"] = jg.worker_rss_kib()
        med = {name: {k: statistics.median(r[k] for r in runs) for k in ("rps", "p50", "p99", "user_us", "sys_us")}
               for name, runs in results.items()}
        base = med["libfcgi responder, fixed bytes"]["rps"]
        json_base = med["libfcgi responder, cgicc + nlohmann/json"]["rps"]

        def ratio(name):
            m = med[name]["rps"]
            # A create-then-delete is two requests: judged per pair.
            return (m / 2 if "create-then-delete" in name else m) / base

        for name, url, script, kind, goal in targets:
            if PROFILE and goal is not None and ratio(name) < goal:
                log(f"profiling {name}")
                p = profile(jg, name, lambda: wrk(url, script, CONNECTIONS, "3s"))
                if kind == "write":
                    prov.delete_servers_named("bench-cd")
                if p:
                    profiles.append(p)

        # Growth: list latency with 100, 1,000 and 10,000 servers; one connection, so latency is service time.
        log("growth: servers")
        growth = []
        page = lua(headers=auth)
        for count in SCALE:
            if count > prov.servers:
                t = prov.grow_servers(count)
                notes.append(f"{count:,} servers reached in {t:.1f} s more (POST /servers with "
                             "min_count = max_count = 250, two requests at a time).")
            row = {"servers": count}
            for key, path in (("page", "/compute/v2.1/servers/detail?limit=100"),
                              ("all", "/compute/v2.1/servers/detail"),
                              ("brief_page", "/compute/v2.1/servers?limit=100")):
                row[key] = wrk(jg.url(path), page, connections=1, duration="2s", threads=1)
            if count == max(SCALE):
                status, _, body = jg.call("GET", f"/compute/v2.1/servers?limit={count // 2}")
                marker = json.loads(body)["servers"][-1]["id"]
                row["marker"] = wrk(jg.url(f"/compute/v2.1/servers/detail?limit=100&marker={marker}"), page,
                                    connections=1, duration="2s", threads=1)
            growth.append(row)
        rss["after listing up to 1,000 servers of 10,000"] = jg.worker_rss_kib()

        # Workers: token validation against the libfcgi responder with as many workers.
        log("workers: 1, 2, 4")
        scaling = []
        for n in (1, 2, 4):
            jg.restart(n)
            if n != workers:
                sock, pidfile = spawn_responder(state, "static", n)
                pids.append(pidfile)
                nginx.responder_socks = dict(socks, static=sock)
            else:
                nginx.responder_socks = dict(socks)
            nginx.reload()
            runs = {"jg": [], "base": []}
            for _ in range(max(1, ROUNDS - 1)):
                runs["base"].append(wrk(f"http://127.0.0.1:{nginx.ports['static_fcgi']}/", None, CONNECTIONS, "3s"))
                runs["jg"].append(wrk(jg.url("/identity/v3/auth/tokens"), scripts["token"], CONNECTIONS, "3s"))
            if n != workers:
                kill_pids(pidfile)
            scaling.append({"workers": n, **{k: statistics.median(r["rps"] for r in v) for k, v in runs.items()}})
        nginx.responder_socks = dict(socks)
        nginx.reload()

        # Data: 1 GiB up and down, against nginx sending the same file from disk.
        log(f"data: {DATA_MIB} MiB files")
        jg.restart(workers)
        big = os.path.join(state, "www", "data", "big.bin")
        block = os.urandom(1 << 20)
        with open(big, "wb") as f:
            for _ in range(DATA_MIB):
                f.write(block)
        rss_before = jg.worker_rss_kib()
        data = {"static": [], "upload": [], "accel": [], "worker": [], "disk": []}
        uploaded = []
        for _ in range(DATA_ROUNDS):
            data["static"].append(curl_speed([f"http://127.0.0.1:{nginx.ports['static']}/data/big.bin"])[1])
            data["disk"].append(disk_write_speed(big, os.path.join(jg.state, "images")))
            status, _, body = jg.call("POST", "/image/v2/images", {"name": "bench-big", "disk_format": "raw",
                                                                    "container_format": "bare"})
            image = json.loads(body)["id"]
            code, _, up = curl_speed(["-T", big, "-H", "Content-Type: application/octet-stream", "-H",
                                      f"X-Auth-Token: {jg.token}", jg.url(f"/image/v2/images/{image}/file")])
            assert code == 204, code
            data["upload"].append(up)
            code, down, _ = curl_speed(["-H", f"X-Auth-Token: {jg.token}", jg.url(f"/image/v2/images/{image}/file")])
            assert code == 200, code
            data["accel"].append(down)
            if uploaded:
                jg.call("DELETE", f"/image/v2/images/{uploaded.pop()}")
            uploaded.append(image)
        rss["before the transfers (fresh workers)"] = rss_before
        rss[f"after {DATA_ROUNDS} uploads and downloads of {DATA_MIB} MiB (downloads sent by nginx)"] = \
            jg.worker_rss_kib()
        if PROFILE:
            image = uploaded[-1]
            status, _, body = jg.call("POST", "/image/v2/images", {"name": "bench-big-profiled", "disk_format": "raw",
                                                                    "container_format": "bare"})
            profiled = json.loads(body)["id"]
            log("profiling an upload")
            p = profile(jg, f"PUT /image/v2/images/ID/file ({DATA_MIB} MiB upload), first 3 s", lambda: curl_speed(
                ["-T", big, "-H", "Content-Type: application/octet-stream", "-H", f"X-Auth-Token: {jg.token}",
                 jg.url(f"/image/v2/images/{profiled}/file")]))
            if p:
                profiles.append(p)
            jg.call("DELETE", f"/image/v2/images/{profiled}")
        # The same downloads streamed by the workers (accel_redirect off), for comparison.
        jg.restart(workers, accel=False)
        rss_before_stream = jg.worker_rss_kib()
        for _ in range(max(1, DATA_ROUNDS - 1)):
            code, down, _ = curl_speed(["-H", f"X-Auth-Token: {jg.token}",
                                        jg.url(f"/image/v2/images/{uploaded[-1]}/file")])
            assert code == 200, code
            data["worker"].append(down)
        rss["before the worker-streamed downloads (accel_redirect off, fresh workers)"] = rss_before_stream
        rss[f"after {max(1, DATA_ROUNDS - 1)} worker-streamed downloads of {DATA_MIB} MiB"] = jg.worker_rss_kib()
        os.unlink(big)
        log("in front of an OpenStack: the openstack driver")
        jg.restart(workers)
        proxy = proxied(jg, uploaded[-1], DATA_MIB)
    finally:
        jg.stop()
        nginx.stop()
        for p in pids:
            try:
                kill_pids(p)
            except FileNotFoundError:
                pass
        for s in SCRIPTS:
            os.unlink(s)
        shutil.rmtree(state, ignore_errors=True)

    elapsed = time.monotonic() - started
    text = render(targets, results, med, base, json_base, ratio, growth, scaling, data, rss, profiles, notes, elapsed,
                  proxy)
    kept = ""
    if os.path.exists(RESULTS):
        with open(RESULTS) as f:
            old = f.read()
        if ANALYSIS in old:
            kept = old[old.index(ANALYSIS) + len(ANALYSIS):]
    with open(RESULTS, "w") as f:
        f.write(text + "\n" + ANALYSIS + kept)
    print(text)
    failures = [n for n in results if sum(r["errors"] for r in results[n])]
    if failures:
        print("errors answered by:", ", ".join(failures), file=sys.stderr)
        return 1
    return 0


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            return re.search(r"model name\s*:\s*(.*)", f.read()).group(1).strip()
    except (OSError, AttributeError):
        return platform.processor() or "unknown CPU"


def render(targets, results, med, base, json_base, ratio, growth, scaling, data, rss, profiles, notes, elapsed,
           proxy):
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / (1 << 30)
    nginx_version = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip()
    lines = ["# make bench results", "",
             f"Machine: {platform.node()}, {os.cpu_count()} cores ({cpu_model()}), {mem:.0f} GiB RAM, "
             f"{platform.platform()}; {nginx_version}; wrk 4.1.0 and curl on loopback.",
             f"Command: `make bench` (ROUNDS={ROUNDS} DURATION={DURATION} CONNECTIONS={CONNECTIONS} "
             f"DATA_ROUNDS={DATA_ROUNDS} DATA_MIB={DATA_MIB} SCALE={','.join(map(str, SCALE))}); "
             f"it took {elapsed / 60:.1f} minutes after the build.", "",
             "Ratios are to the libfcgi responder (fixed bytes) measured in the same run: absolute figures "
             "drift between runs, ratios much less. wrk, nginx and the workers share the two cores, as in the "
             "baselines.", "",
             "## Requests", "",
             f"wrk -t2 -c{CONNECTIONS} -d{DURATION} (the password token issue with -c4), {ROUNDS} interleaved "
             "rounds, medians; 2 workers everywhere; every Jumpgate call but GET / and the version document "
             "carries an X-Auth-Token that is validated.", "",
             "| call | req/s | p50 ms | p99 ms | worker CPU µs/req (user + sys) | ratio to libfcgi | goal | met "
             "| ratio to libfcgi + JSON | errors |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for name, _url, _script, kind, goal in targets:
        m = med[name]
        errors = sum(r["errors"] for r in results[name])
        r = ratio(name)
        met = "" if goal is None else ("yes" if r >= goal else "**no**")
        goal_s = "" if goal is None else f"≥ {goal:.2f}"
        if kind == "kdf":
            goal_s = "KDF-bound"
        rps = f"{m['rps']:.0f}" + (f" ({m['rps'] / 2:.0f} pairs/s)" if kind == "write" else "")
        cpu = "" if kind == "baseline" and "libfcgi" not in name else f"{m['user_us']:.0f} + {m['sys_us']:.0f}"
        json_r = r * base / json_base
        lines.append(f"| {name} | {rps} | {m['p50']:.2f} | {m['p99']:.2f} | {cpu} | {r:.3f} | {goal_s} | {met} | "
                     f"{json_r:.3f} | {errors} |")
    lines += ["", "Create-then-delete: a wrk Lua script (bench/bench.py, CREATE_DELETE) alternates "
              "`POST /compute/v2.1/servers` (m1.tiny, a 1 KiB image) and `DELETE` of the server it made, on each "
              "connection; req/s counts both, and its ratio and goal are per pair (req/s ÷ 2). The servers it "
              "leaves at the end of a run are deleted before the next call is measured, so the lists always "
              "show 100 servers.", "",
              "Worker CPU: the user and system time the serving processes (Jumpgate's workers, or the "
              "responder's) spent during the call's rounds, from /proc/PID/stat, divided by the requests "
              "answered; the rest of each request's CPU is nginx's, wrk's and the kernel's. The last ratio is "
              "to the responder that parses the query and builds its JSON with cgicc and nlohmann/json, the "
              "least any JSON-building FastCGI worker does.", ""]

    lines += ["## Lists as they grow", "",
              "wrk -t1 -c1 -d2s (one request at a time: latency is service time), 2 workers. `detail` without "
              "a limit returns at most 1,000 servers (Nova's max_limit); `limit=100` is a page.", "",
              "| servers | detail?limit=100: req/s, p50, p99 ms | detail (≤ 1,000): req/s, p50, p99 ms | "
              "servers?limit=100 (brief): req/s, p50 ms |", "|---|---|---|---|"]
    for row in growth:
        p, a, b = row["page"], row["all"], row["brief_page"]
        lines.append(f"| {row['servers']:,} | {p['rps']:.0f}, {p['p50']:.2f}, {p['p99']:.2f} | "
                     f"{a['rps']:.1f}, {a['p50']:.2f}, {a['p99']:.2f} | {b['rps']:.0f}, {b['p50']:.2f} |")
    if growth and "marker" in growth[-1]:
        m = growth[-1]["marker"]
        lines += ["", f"A page of 100 from a marker half-way through {growth[-1]['servers']:,} servers: "
                  f"{m['rps']:.0f} req/s, p50 {m['p50']:.2f} ms, p99 {m['p99']:.2f} ms."]
    first, last = growth[0]["page"]["p50"], growth[-1]["page"]["p50"]
    lines += ["", f"A page of 100 costs {last / first:.2f}× as much with {growth[-1]['servers']:,} servers as with "
              f"{growth[0]['servers']:,}: {'in proportion to the page' if last / first < 1.5 else '**it grows with the total**'}.",
              ""]

    lines += ["## Workers", "",
              f"Token validation (`GET /identity/v3/auth/tokens`) and the libfcgi responder with the same number "
              f"of workers, wrk -t2 -c{CONNECTIONS} -d3s, medians of {max(1, ROUNDS - 1)} rounds. Two cores: wrk "
              "and nginx take their share, so more than two workers cannot add much.", "",
              "| workers | Jumpgate req/s | libfcgi req/s | ratio |", "|---|---|---|---|"]
    for row in scaling:
        lines.append(f"| {row['workers']} | {row['jg']:.0f} | {row['base']:.0f} | {row['jg'] / row['base']:.2f} |")

    static = statistics.median(data["static"])
    lines += ["", "## Image data", "",
              f"{DATA_MIB} MiB, curl to /dev/null (download) and `curl -T` (upload), {DATA_ROUNDS} rounds "
              "(worker-streamed downloads: " + str(max(1, DATA_ROUNDS - 1)) + "), medians, MB/s = 10^6 bytes/s. "
              "The baseline is the bench's nginx sending the same file from disk with the same directives "
              "(nginx/jumpgate-image-store.conf); the file is in the page cache throughout.", "",
              "| transfer | MB/s | ratio to nginx static | goal | met |", "|---|---|---|---|---|",
              f"| nginx static file | {static:.0f} | 1.00 | | |"]
    for key, label, goal in (("accel", "GET /image/v2/images/ID/file (X-Accel-Redirect, the default of the stack)", 0.8),
                             ("upload", "PUT /image/v2/images/ID/file (upload: MD5 + SHA-512, written to disk)", 0.5),
                             ("worker", "GET /image/v2/images/ID/file streamed by the worker (accel_redirect off)", None)):
        v = statistics.median(data[key])
        met = "" if goal is None else ("yes" if v / static >= goal else "**no**")
        lines.append(f"| {label} | {v:.0f} | {v / static:.2f} | {'' if goal is None else f'≥ {goal:.2f}'} | {met} |")
    disk = statistics.median(data["disk"])
    upload = statistics.median(data["upload"])
    lines += ["", f"The same bytes copied into a new file of the image store and fsynced, with no HTTP and no digest "
              f"(64 KiB writes): {disk:.0f} MB/s; the upload reaches {upload / disk:.2f} of that."]

    lines += [""] + render_proxied(proxy)
    lines += ["", "## Worker peak RSS", "", "VmHWM of the largest worker; goal: under 32 MiB and flat during a transfer.",
              "", "| when | peak RSS MiB |", "|---|---|"]
    for label, kib in rss.items():
        lines.append(f"| {label} | {kib / 1024:.1f} |")
    peak = max(rss.values()) / 1024
    lines += ["", f"Largest: {peak:.1f} MiB ({'under' if peak < 32 else '**over**'} 32 MiB)."]

    if notes:
        lines += ["", "## State made for the run", ""] + [f"- {n}" for n in notes]
    if profiles:
        lines += ["", "## Profiles of the targets missed", "",
                  "`perf record -a -F 999 --call-graph dwarf` for 3 s while the call runs again under wrk (or curl): "
                  "the CPU per process, then, for the workers, each function's share with what it calls (children "
                  "and self), down to 4%."]
        for p in profiles:
            lines += ["", f"### {p['label']}", "", "```"] + p["comm"][:8] + ["", f"{p['worker']}:"] + \
                p["symbols"] + ["```"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
