# SPDX-License-Identifier: Apache-2.0
"""Start and stop a whole Jumpgate stack (nginx, spawn-fcgi workers) for a test."""
import http.client
import json
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time

TOP_SRCDIR = os.environ["top_srcdir"]
TOP_BUILDDIR = os.environ["top_builddir"]
WORKER = os.path.join(TOP_BUILDDIR, "jumpgate-fcgi")
MODULE_DIR = os.path.join(TOP_BUILDDIR, "drivers", ".libs")
ECHO_DRIVER = os.path.join(TOP_BUILDDIR, "tests", "drivers", ".libs", "jumpgate_echo.so")
READONLY_DRIVER = os.path.join(TOP_BUILDDIR, "tests", "drivers", ".libs", "jumpgate_readonly.so")


# What the sanitizers of `make check-asan` write on a worker's stderr: ASan's and LSan's reports, UBSan's errors.
SANITIZER_REPORT = re.compile(r"ERROR: (AddressSanitizer|LeakSanitizer)\b|runtime error:")

# Where under a stack's log directory they go: sanitizer.<pid>, one file per process that reports.
SANITIZER_LOG = "sanitizer"

# The reports the workers of this process's stacks wrote (main.py fails the module that holds one).
sanitizer_reports = []


def sanitizer_report(text, lines=15):
    """The first sanitizer report in `text`, its first `lines` lines from the line it starts on; None without one."""
    found = SANITIZER_REPORT.search(text)
    if not found:
        return None
    start = text.rfind("\n", 0, found.start()) + 1
    return "\n".join(text[start:].splitlines()[:lines])


def wait_for(predicate, seconds):
    """Whether `predicate` comes true within `seconds`, asked every 50 ms."""
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def alive(pid):
    """Whether process `pid` runs (a zombie nobody reaps has ended)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_client_servers = {}


def client_served(program, args, env):
    """An OpenStack client (openstack, glance, cinder, nova) run by clients_server.py: each run a process forked
    from one that has imported the client."""
    server = _client_servers.get(program)
    if server is None or server.poll() is not None:
        server = _client_servers[program] = subprocess.Popen(
            [sys.executable, os.path.join(os.path.dirname(__file__), "clients_server.py"), program],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    server.stdin.write(json.dumps({"args": args, "env": env}) + "\n")
    server.stdin.flush()
    ready, _, _ = select.select([server.stdout], [], [], 180)
    line = server.stdout.readline() if ready else ""
    if not line:
        server.kill()
        return subprocess.CompletedProcess([program, *args], 124, "", "the client timed out or died")
    answer = json.loads(line)
    return subprocess.CompletedProcess([program, *args], answer["returncode"], answer["stdout"], answer["stderr"])


class Stack:
    """A stack on a free loopback port; `config` is jumpgate.conf text (None: the default)."""

    def __init__(self, config=None, workers=2):
        self.port = free_port()
        self.state = tempfile.mkdtemp(prefix="jumpgate-e2e-")
        self.workers = workers
        if config is not None:
            with open(os.path.join(self.state, "jumpgate.conf"), "w") as f:
                f.write(config.format(state=self.state, module_dir=MODULE_DIR, echo=ECHO_DRIVER,
                                     readonly=READONLY_DRIVER))

    def script_env(self):
        """The environment of scripts/jumpgate-stack for this stack. spawn-fcgi leaves its workers no stderr, so the
        sanitizers of a sanitized build (`make check-asan`) write their reports to log/sanitizer.<pid> instead."""
        # Glance's seed catalog is loaded by the tests that ask for it (test_glance_metadefs), not by every stack.
        env = dict(os.environ, PORT=str(self.port), STATE=self.state,
                   WORKERS=str(self.workers), BUILD=TOP_BUILDDIR, METADEFS="")
        os.makedirs(os.path.join(self.state, "log"), exist_ok=True)
        for options in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
            env[options] = ":".join(filter(None, [os.environ.get(options),
                                                  f"log_path={self.state}/log/{SANITIZER_LOG}"]))
        return env

    def _script(self, cmd):
        subprocess.run([os.path.join(TOP_SRCDIR, "scripts", "jumpgate-stack"), cmd],
                       env=self.script_env(), check=True)

    def start(self):
        # Another stack may bind the port free_port() found before nginx does: take another one then.
        for attempt in range(3):
            try:
                self._script("start")
                break
            except subprocess.CalledProcessError:
                taken = "Address already in use" in self.log("nginx-error.log")
                if not taken or attempt == 2:
                    self.stop()  # setUpModule failed: no tearDownModule will
                    raise
                self.port = free_port()
        self.token = None
        password_file = os.path.join(self.state, "admin-password")
        status = None
        if os.path.exists(password_file):
            with open(password_file) as f:
                self.password = f.read().strip()
            status, hdrs, _ = self.request("POST", "/identity/v3/auth/tokens", body={"auth": {
                "identity": {"methods": ["password"], "password": {"user": {
                    "name": "admin", "domain": {"id": "default"}, "password": self.password}}},
                "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}}, auth=False)
            if status == 201:
                self.token = hdrs["x-subject-token"]
        return self

    def stop(self):
        self._script("stop")
        # Read once the workers have ended: a leak is reported only then.
        log_dir = os.path.join(self.state, "log")
        names = sorted(n for n in os.listdir(log_dir) if n.startswith(SANITIZER_LOG + ".")) \
            if os.path.isdir(log_dir) else []
        found = [f"{log_dir}/{name} (kept):\n{report}" for name in names if (report := sanitizer_report(self.log(name)))]
        sanitizer_reports.extend(found)
        if not found and not os.environ.get("JUMPGATE_KEEP_STATE"):
            shutil.rmtree(self.state, ignore_errors=True)

    def log(self, name="jumpgate.log"):
        """The text of log/`name` in the stack's state ("" before there is one)."""
        path = os.path.join(self.state, "log", name)
        if not os.path.exists(path):
            return ""
        with open(path, errors="replace") as f:
            return f.read()

    def request(self, method, path, body=None, headers=None, auth=True):
        """One request, with the admin's token unless auth is False; returns (status, headers
        as a dict of lower-case names, body bytes)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        hdrs = dict(headers or {})
        if auth and getattr(self, "token", None):
            hdrs.setdefault("X-Auth-Token", self.token)
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        conn.request(method, path, body=body, headers=hdrs)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data

    def get_json(self, path, headers=None, method="GET", body=None, auth=True):
        status, hdrs, data = self.request(method, path, body=body, headers=headers, auth=auth)
        return status, hdrs, (json.loads(data) if data and hdrs.get("content-type", "").startswith("application/json") else data)

    def admin_json(self, path, method="GET", body=None, expect=None):
        """The admin's request, its JSON body; with `expect`, the status is asserted first."""
        status, _, data = self.get_json(path, method=method, body=body)
        if expect is not None:
            assert status == expect, (method, path, status, data)
        return data

    def token_json(self, token, path, method="GET", body=None):
        """A request with `token` alone (not the admin's): (status, headers, JSON body)."""
        return self.get_json(path, method=method, body=body, headers={"X-Auth-Token": token}, auth=False)

    def env(self, **extra):
        """The openrc environment of the stack's admin, with `extra` set (None removes a variable)."""
        env = dict(os.environ, OS_AUTH_URL=f"http://127.0.0.1:{self.port}/identity/v3",
                   OS_USERNAME="admin", OS_PASSWORD=self.password, OS_PROJECT_NAME="admin",
                   OS_USER_DOMAIN_NAME="Default", OS_PROJECT_DOMAIN_NAME="Default",
                   OS_IDENTITY_API_VERSION="3", OS_REGION_NAME="RegionOne")
        for k, v in extra.items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v
        return env

    def cli(self, *args, env=None, parse=True, program="openstack", check=True):
        """Runs an OpenStack client (`program`) against the stack; its JSON output when `parse`,
        else its stdout (with `check` False: the run, with returncode, stdout and stderr). Raises
        AssertionError with the client's stderr when it fails and `check`."""
        args = list(args) + (["-f", "json"] if parse else [])
        run = client_served(program, args, env or self.env())
        if check and run.returncode != 0:
            raise AssertionError(f"{program} {' '.join(args)}: exit {run.returncode}\n{run.stderr}")
        if not check:
            return run
        return json.loads(run.stdout) if parse else run.stdout

    def manage(self, *args):
        """jumpgate-manage against the stack's configuration; its output."""
        r = subprocess.run([os.path.join(TOP_BUILDDIR, "jumpgate-manage"), "--config",
                            os.path.join(self.state, "jumpgate.conf"), *args], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        return r.stdout.strip()

    def public_image(self, name, data=None):
        """A public raw image of the admin's with `data` (4 KiB of random bytes by default) uploaded; its id."""
        status, _, body = self.get_json("/image/v2/images", method="POST", body={
            "name": name, "disk_format": "raw", "container_format": "bare", "visibility": "public"})
        assert status == 201, body
        status, _, _ = self.request("PUT", f"/image/v2/images/{body['id']}/file",
                                    body=os.urandom(4096) if data is None else data,
                                    headers={"Content-Type": "application/octet-stream"})
        assert status == 204
        return body["id"]

    def password_token(self, user, password, project=None):
        """A token of `user` of the Default domain, scoped to `project` (by name) when given: (token, its view)."""
        auth = {"identity": {"methods": ["password"], "password": {"user": {
            "name": user, "domain": {"id": "default"}, "password": password}}}}
        if project:
            auth["scope"] = {"project": {"name": project, "domain": {"id": "default"}}}
        status, hdrs, body = self.get_json("/identity/v3/auth/tokens", method="POST", body={"auth": auth}, auth=False)
        assert status == 201, (status, body)
        return hdrs["x-subject-token"], body["token"]

    def member(self, project, user=None, password="member-secret"):
        """A project with a user holding the member role in it; returns (project id, token, env)."""
        user = user or project + "-user"
        project_id = self.manage("project", "create", project)
        self.manage("user", "create", user, "--password", password, "--project", project)
        token, _ = self.password_token(user, password, project)
        env = self.env(OS_USERNAME=user, OS_PASSWORD=password, OS_PROJECT_NAME=project)
        return project_id, token, env


# The services a stack on the openstack driver mounts in front of a whole OpenStack.
OPENSTACK_SERVICES = ("identity", "compute", "image", "volume", "network")


def openstack_front_config(auth_url, services=OPENSTACK_SERVICES, extra=""):
    """jumpgate.conf of a stack on the openstack driver in front of the upstream whose identity is `auth_url`,
    mounting `services` (the others not at all), with `extra` lines for its [openstack] section."""
    sections = "".join(f"[{s}]\ndriver = {'openstack' if s in services else ''}\n" for s in OPENSTACK_SERVICES)
    return ("[general]\nstate_dir = {state}\nmodule_dir = {module_dir}\nlog_file = {state}/log/jumpgate.log\n" +
            sections + f"[openstack]\nauth_url = {auth_url}\n" + extra)
