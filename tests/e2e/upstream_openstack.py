# SPDX-License-Identifier: Apache-2.0
"""Starts and stops a real upstream OpenStack on loopback for a test: Debian's Keystone (its WSGI app under uWSGI)
and Glance (its own eventlet server), each on SQLite in a temporary directory, Glance's images in a file store
there; an admin, a member of another project, and the openstack client run as either."""
import configparser
import contextlib
import dataclasses
import grp
import http.client
import json
import os
import pwd
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time

REGION = "RegionOne"
START_SECONDS = 120  # nine modules may be starting at once on two cores


@dataclasses.dataclass(frozen=True)
class User:
    """A user of the Default domain with a role in one project of it."""
    name: str
    password: str
    project: str


ADMIN = User("admin", "admin-secret", "admin")
MEMBER = User("demo", "demo-secret", "demo")
GLANCE = User("glance", "glance-secret", "service")


def listening_socket():
    """A socket listening on a free loopback port, handed to a server as it starts: no other process can take the
    port between choosing it and binding it."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(100)
    return s


def write_conf(path, sections, extra):
    """Writes an oslo.config file of `sections` ({section: {option: value}}), `extra`'s options over them."""
    conf = configparser.RawConfigParser()
    for source in (sections, extra or {}):
        for section, options in source.items():
            if not conf.has_section(section) and section != "DEFAULT":
                conf.add_section(section)
            for option, value in options.items():
                conf.set(section, option, str(value))
    with open(path, "w", encoding="utf-8") as f:
        conf.write(f)


class Upstream:
    """Keystone and Glance on free 127.0.0.1 ports. After start(): `identity_url` (…/v3), `image_url`, `admin`
    (the bootstrap admin, admin of project admin) and `member` (member of project demo); the catalog has both
    services in RegionOne. `keystone_conf` and `glance_conf` ({section: {option: value}}) add to or replace the
    options written. stop() ends every process it started, also after a start that failed."""

    def __init__(self, keystone_conf=None, glance_conf=None):
        self.keystone_extra, self.glance_extra = keystone_conf, glance_conf
        self.admin, self.member = ADMIN, MEMBER
        self.dir = None
        self.processes = {}  # name: Popen, each the leader of its own process group

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        """Sets up and starts Keystone and Glance and waits until both answer; returns self. Raises RuntimeError
        naming the program that failed, with the end of its logs, once everything started is stopped."""
        started = time.monotonic()
        sockets = []
        try:
            self.dir = tempfile.mkdtemp(prefix="jumpgate-upstream-")
            keystone_socket, glance_socket = sockets = [listening_socket(), listening_socket()]
            self.keystone_port = keystone_socket.getsockname()[1]
            self.glance_port = glance_socket.getsockname()[1]
            self.identity_url = f"http://127.0.0.1:{self.keystone_port}/v3"
            self.image_url = f"http://127.0.0.1:{self.glance_port}"
            self._write_confs()
            # Keystone leaves a read transaction open after a request (until its connection is collected), which
            # in SQLite's default journal keeps every writer out; in WAL mode, readers do not block writers.
            with contextlib.closing(sqlite3.connect(self.path("keystone.sqlite"))) as db:
                db.execute("PRAGMA journal_mode=WAL")
            # Each program spends seconds importing before it works: every one starts as soon as what it needs is
            # there. Keystone's app reads no table to load, but leaves at once when its key directories are not
            # there yet: it starts when they are.
            for name, args in (("keystone-db-sync", self._keystone_manage("db_sync")),
                               ("keystone-fernet-setup", self._keystone_manage("fernet_setup", *self._owner())),
                               ("keystone-credential-setup",
                                self._keystone_manage("credential_setup", *self._owner())),
                               ("glance-db-sync", ["glance-manage", "--config-file",
                                                   self.path("glance-api.conf"), "db_sync"])):
                self._spawn(name, args)
            deadline = started + START_SECONDS
            for name in ("keystone-fernet-setup", "keystone-credential-setup"):
                self._finish(name, deadline)
            # One uWSGI worker, of one thread: SQLAlchemy closes a connection in whichever thread collects it, and
            # SQLite refuses one used from another thread than its own; a second worker would warm up apart (each
            # first request takes a second). uWSGI's HTTP socket closes every connection after its answer: saying
            # so keeps a client from sending its next request into one that is closing (which is reset).
            self._spawn("keystone", [
                "uwsgi", "--plugin", "python3", "--http-socket", f"fd://{keystone_socket.fileno()}",
                "--wsgi-file", "/usr/bin/keystone-wsgi-public", "--need-app", "--master", "--processes", "1",
                "--die-on-term", "--add-header", "Connection: close", "--logto", self.path("uwsgi.log")],
                pass_fds=[keystone_socket.fileno()],
                env=dict(os.environ, OS_KEYSTONE_CONFIG_DIR=self.dir, OS_KEYSTONE_CONFIG_FILES="keystone.conf"))
            self._finish("glance-db-sync", deadline)
            # Glance's own hook for a listening socket that its functional tests hand it.
            self._spawn("glance-api", ["glance-api", "--config-file", self.path("glance-api.conf")],
                        pass_fds=[glance_socket.fileno()],
                        env=dict(os.environ, GLANCE_TEST_SOCKET_FD=str(glance_socket.fileno())))
            for s in sockets:
                s.close()
            self._finish("keystone-db-sync", deadline)
            self._spawn("keystone-bootstrap", self._keystone_manage(
                "bootstrap", "--bootstrap-username", ADMIN.name, "--bootstrap-password", ADMIN.password,
                "--bootstrap-project-name", ADMIN.project, "--bootstrap-role-name", "admin",
                "--bootstrap-service-name", "keystone", "--bootstrap-region-id", REGION,
                *(a for i in ("admin", "internal", "public") for a in (f"--bootstrap-{i}-url", self.identity_url))))
            self._finish("keystone-bootstrap", deadline)
            self._wait_answer("keystone", self.keystone_port, "/v3", deadline)
            self._populate()
            self._wait_answer("glance-api", self.glance_port, "/", deadline)
            return self
        except BaseException:
            for s in sockets:
                s.close()
            self.stop()
            raise

    def stop(self):
        """Ends every process started (SIGTERM to its group, SIGKILL after ten seconds) and removes the directory
        (kept with JUMPGATE_KEEP_STATE set)."""
        # A group whose leader was reaped long ago is left alone: its number may be another's by now.
        running = [p for p in self.processes.values() if p.poll() is None]
        for process in running:
            os.killpg(process.pid, signal.SIGTERM)
        for process in running:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                pass
            try:  # the leader if it outlived SIGTERM, and whatever it left in its group (uWSGI's workers)
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()
        if self.dir and not os.environ.get("JUMPGATE_KEEP_STATE"):
            shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, *names):
        return os.path.join(self.dir, *names)

    def log(self, name):
        """The text of the file `name` in the directory ("" before there is one): keystone.log, uwsgi.log,
        glance-api.log, and <process>.out, what a process wrote on stdout and stderr."""
        try:
            with open(self.path(name), encoding="utf-8", errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def env(self, user):
        """The openrc environment of `user` (a User, self.admin or self.member) against Keystone."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
        env.update(OS_AUTH_URL=self.identity_url, OS_IDENTITY_API_VERSION="3", OS_REGION_NAME=REGION,
                   OS_USERNAME=user.name, OS_PASSWORD=user.password, OS_PROJECT_NAME=user.project,
                   OS_USER_DOMAIN_NAME="Default", OS_PROJECT_DOMAIN_NAME="Default")
        return env

    def cli(self, user, *args, parse=True, check=True, program="openstack"):
        """Runs an OpenStack client (`program`) as `user` directly against the upstream: its JSON output when
        `parse`, else its stdout (with `check` False: the run, with returncode, stdout and stderr). Raises
        AssertionError with the client's stderr when it fails and `check`."""
        from stack import client_served  # the e2e harness's: it needs top_srcdir, top_builddir
        args = list(args) + (["-f", "json"] if parse else [])
        run = client_served(program, args, self.env(user))
        if not check:
            return run
        if run.returncode != 0:
            raise AssertionError(f"{program} {' '.join(args)}: exit {run.returncode}\n{run.stderr}")
        return json.loads(run.stdout) if parse else run.stdout

    def token(self, user):
        """A Keystone token of `user`, scoped to their project."""
        status, headers, body = self.request("POST", "/v3/auth/tokens", {"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": user.name, "domain": {"id": "default"}, "password": user.password}}},
            "scope": {"project": {"name": user.project, "domain": {"id": "default"}}}}})
        if status != 201:
            raise RuntimeError(f"Keystone refused {user.name}'s password: {status} {body}")
        return headers["x-subject-token"]

    def request(self, method, path, body=None, token=None, port=None):
        """One request to Keystone (or to `port`): (status, headers with lower-case names, decoded JSON or None)."""
        connection = http.client.HTTPConnection("127.0.0.1", port or self.keystone_port, timeout=60)
        try:
            headers = {"X-Auth-Token": token} if token else {}
            data = None
            if body is not None:
                data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            raw = response.read()
            decoded = json.loads(raw) if raw and response.getheader("Content-Type", "").startswith(
                "application/json") else None
            return response.status, {k.lower(): v for k, v in response.getheaders()}, decoded
        finally:
            connection.close()

    def _write_confs(self):
        write_conf(self.path("keystone.conf"), {
            "DEFAULT": {"log_file": self.path("keystone.log")},
            "database": {"connection": f"sqlite:///{self.path('keystone.sqlite')}"},
            "fernet_tokens": {"key_repository": self.path("fernet-keys")},
            # fernet_setup makes the receipts' repository too, under /etc unless it is the tokens' one
            "fernet_receipts": {"key_repository": self.path("fernet-keys")},
            "credential": {"key_repository": self.path("credential-keys")},
            # bcrypt's least cost: each password check takes milliseconds, not a quarter of a second.
            "identity": {"password_hash_rounds": 4},
        }, self.keystone_extra)
        write_conf(self.path("glance-api.conf"), {
            # workers = 0: one process, which serves in green threads.
            "DEFAULT": {"log_file": self.path("glance-api.log"), "bind_host": "127.0.0.1", "workers": 0,
                        "enabled_backends": "local:file"},
            "database": {"connection": f"sqlite:///{self.path('glance.sqlite')}"},
            "glance_store": {"default_backend": "local"},
            "local": {"filesystem_store_datadir": self.path("images")},
            "os_glance_staging_store": {"filesystem_store_datadir": self.path("staging")},
            "os_glance_tasks_store": {"filesystem_store_datadir": self.path("tasks")},
            "oslo_concurrency": {"lock_path": self.path("locks")},
            "paste_deploy": {"flavor": "keystone", "config_file": "/usr/share/glance-common/glance-api-paste.ini"},
            "keystone_authtoken": {"www_authenticate_uri": self.identity_url, "auth_url": self.identity_url,
                                   "auth_type": "password", "username": GLANCE.name, "password": GLANCE.password,
                                   "project_name": GLANCE.project, "user_domain_name": "Default",
                                   "project_domain_name": "Default"},
        }, self.glance_extra)

    def _keystone_manage(self, *args):
        return ["keystone-manage", "--config-file", self.path("keystone.conf"), *args]

    @staticmethod
    def _owner():
        """keystone-manage's key repositories belong to whoever runs the tests."""
        return ["--keystone-user", pwd.getpwuid(os.getuid()).pw_name,
                "--keystone-group", grp.getgrgid(os.getgid()).gr_name]

    def _spawn(self, name, args, pass_fds=(), env=None):
        with open(self.path(f"{name}.out"), "wb") as out:
            process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                       pass_fds=pass_fds, env=env, cwd=self.dir, start_new_session=True)
        self.processes[name] = process
        return process

    def _finish(self, name, deadline):
        """Waits for the command `name` to end; fails, with its output, unless it exits 0 before the deadline."""
        try:
            code = self.processes[name].wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            raise RuntimeError(self._failure(name, f"did not end within {START_SECONDS} s")) from None
        if code != 0:
            raise RuntimeError(self._failure(name, f"exited {code}"))

    def _wait_answer(self, name, port, path, deadline):
        """Waits until the server `name` answers GET `path` below 500; fails, with its logs, when it ends first
        or the deadline passes."""
        while True:
            try:
                status, _, body = self.request("GET", path, port=port)
                if status < 500:
                    return
                problem = f"answered GET {path} with {status} {body}"
            except OSError as e:
                problem = f"did not answer GET {path} ({e})"
            if self.processes[name].poll() is not None:
                raise RuntimeError(self._failure(name, f"exited {self.processes[name].returncode}"))
            if time.monotonic() > deadline:
                raise RuntimeError(self._failure(name, f"{problem} within {START_SECONDS} s"))
            time.sleep(0.1)

    def _failure(self, name, what):
        """The message of a failed start: what `name` did, and the end of each log that concerns it."""
        service = "glance" if name.startswith("glance") else "keystone"
        logs = [f"{name}.out"] + (["glance-api.log"] if service == "glance" else ["keystone.log", "uwsgi.log"])
        tails = "".join(f"\n--- {self.path(log)}:\n" + "\n".join(self.log(log).splitlines()[-40:])
                        for log in logs if self.log(log))
        return f"upstream OpenStack: {name} {what}{tails}"

    def _populate(self):
        """Through Keystone's API as the admin: Glance's service user (admin in project service), the image
        service and its endpoints, and the member's project and user."""
        token = self.token(ADMIN)

        def create(path, kind, body):
            status, _, answer = self.request("POST", path, {kind: body}, token=token)
            if status != 201:
                raise RuntimeError(self._failure("keystone", f"answered POST {path} with {status} {answer}"))
            return answer[kind]["id"]

        roles = {r["name"]: r["id"] for r in self.request("GET", "/v3/roles", token=token)[2]["roles"]}
        for user, role in ((GLANCE, "admin"), (MEMBER, "member")):
            project_id = create("/v3/projects", "project", {"name": user.project, "domain_id": "default"})
            user_id = create("/v3/users", "user", {"name": user.name, "password": user.password,
                                                   "domain_id": "default", "default_project_id": project_id})
            path = f"/v3/projects/{project_id}/users/{user_id}/roles/{roles[role]}"
            status, _, answer = self.request("PUT", path, token=token)
            if status != 204:
                raise RuntimeError(self._failure("keystone", f"answered PUT {path} with {status} {answer}"))
        service_id = create("/v3/services", "service", {"type": "image", "name": "glance"})
        for interface in ("admin", "internal", "public"):
            create("/v3/endpoints", "endpoint", {"service_id": service_id, "interface": interface,
                                                 "region_id": REGION, "url": self.image_url})
