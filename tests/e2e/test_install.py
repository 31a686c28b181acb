# SPDX-License-Identifier: Apache-2.0
"""A default install runs as installed: `make install` into a scratch DESTDIR, the installed jumpgate-fcgi under
spawn-fcgi and multiwatch with the installed configuration, nginx with the installed snippets, a token and the
flavors through them; the installed files name the paths the installed binaries use; the man pages lint clean."""
import glob
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest
import urllib.request

import installed
from stack import TOP_BUILDDIR, TOP_SRCDIR, free_port, wait_for

# Left out of make check-asan: it checks what make install puts where, which the sanitizers do not watch.
SANITIZED_RUN = False

PASSWORD = "installed-secret"


def run(args, **kwargs):
    done = subprocess.run(args, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        raise AssertionError(f"{args}: exit {done.returncode}\n{done.stdout}\n{done.stderr}")
    return done.stdout


def installed_text(path):
    """The text of the installed file `path` (a path as installed, under the scratch DESTDIR here)."""
    with open(root + path) as f:
        return f.read()


def setUpModule():
    global work, root, paths, env, stack_dir, port, worker_args, token
    work = tempfile.mkdtemp(prefix="jumpgate-install-")
    stack_dir = os.path.join(work, "stack")
    try:
        if not os.path.exists(os.path.join(TOP_BUILDDIR, "drivers", ".libs", "jumpgate_local.so")):
            raise unittest.SkipTest("the build has no local driver (--without-driver-local)")
        root = os.path.join(work, "root")
        pc_dir = installed.install(root)
        with open(os.path.join(pc_dir, "jumpgate.pc")) as f:
            pc = dict(re.findall(r"^(\w+)=(.*)$", f.read(), re.M))
        prefix = pc["prefix"]
        libdir = pc["libdir"].replace("${exec_prefix}", pc["exec_prefix"]).replace("${prefix}", prefix)
        # Nothing but DESTDIR finds the library: a default install needs ldconfig (make install runs it as root).
        env = dict(os.environ, LD_LIBRARY_PATH=root + libdir)
        worker = root + prefix + "/sbin/jumpgate-fcgi"
        manage = root + prefix + "/bin/jumpgate-manage"

        # The paths the installed worker takes when nothing says otherwise, from its own --help.
        said = " ".join(run([worker, "--help"], env=env).split())
        paths = {"config": re.search(r"configuration file \(default (\S+)\)", said)[1],
                 "module_dir": re.search(r"--general\.module_dir=VALUE \(default: (\S+)\)", said)[1],
                 "state_dir": re.search(r"--general\.state_dir=VALUE \(default: (\S+)\)", said)[1],
                 "libdir": libdir, "prefix": prefix, "worker": worker, "manage": manage,
                 "socket": re.search(r"^ListenStream=(\S+)$",
                                     installed_text(prefix + "/lib/systemd/system/jumpgate-fcgi.socket"), re.M)[1]}

        # Only where the DESTDIR prefix requires it, the worker and jumpgate-manage are told where the install put
        # what they would find by themselves: the configuration, the modules and the state, each under root.
        worker_args = ["--config", root + paths["config"], f"--general.module_dir={root}{paths['module_dir']}",
                       f"--general.state_dir={root}{paths['state_dir']}",
                       f"--general.log_file={stack_dir}/log/jumpgate.log",
                       "--image.accel_redirect=/_jumpgate_image_store/"]
        for d in ("run", "log", "nginx/tmp"):
            os.makedirs(os.path.join(stack_dir, d), exist_ok=True)
        os.makedirs(root + paths["state_dir"], exist_ok=True)
        os.makedirs(os.path.dirname(root + paths["socket"]), exist_ok=True)
        run([manage, *worker_args, "bootstrap", "--username", "admin", "--project", "admin"],
            env=dict(env, JUMPGATE_PASSWORD=PASSWORD))

        # The stack's own stop (scripts/jumpgate-stack stop) finds these pid files and ends every process.
        # spawn-fcgi runs the program it is given without a PATH search.
        run(["spawn-fcgi", "-s", root + paths["socket"], "-M", "0660", "-P", f"{stack_dir}/run/workers.pid",
             "--", shutil.which("multiwatch"), "-f", "2", "-s", "TERM", "--", worker, *worker_args], env=env)
        nginx_dir = root + prefix + "/share/jumpgate/nginx"
        for attempt in range(3):
            port = free_port()
            write_nginx_conf(nginx_dir)
            started = subprocess.run(["nginx", "-p", f"{stack_dir}/nginx", "-c", f"{stack_dir}/nginx/nginx.conf",
                                      "-e", f"{stack_dir}/log/nginx-error.log"], capture_output=True, text=True)
            if started.returncode == 0:
                break
            assert "Address already in use" in started.stderr and attempt < 2, started.stderr
        assert wait_for(lambda: request("GET", "/")[0] in (200, 300), 10), "nginx did not answer through a worker"
        status, headers, _ = request("POST", "/identity/v3/auth/tokens", {"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": "admin", "domain": {"id": "default"}, "password": PASSWORD}}},
            "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}})
        assert status == 201, status
        token = headers["x-subject-token"]
    except BaseException:
        tearDownModule()
        raise


def write_nginx_conf(nginx_dir):
    """A small nginx configuration of the test's own on 127.0.0.1:`port` that includes the installed snippets."""
    user_line = "user root;" if os.getuid() == 0 else ""
    tmp = f"{stack_dir}/nginx/tmp"
    with open(os.path.join(stack_dir, "nginx", "nginx.conf"), "w") as f:
        f.write(f"""{user_line}
worker_processes 1;
pid {stack_dir}/run/nginx.pid;
error_log {stack_dir}/log/nginx-error.log warn;
events {{ worker_connections 64; }}
http {{
    client_body_temp_path {tmp}/body;
    fastcgi_temp_path {tmp}/fastcgi;
    proxy_temp_path {tmp}/proxy;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {nginx_dir}/jumpgate-http.conf;
    access_log {stack_dir}/log/nginx-access.log jumpgate;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            fastcgi_pass unix:{root}{paths['socket']};
            include {nginx_dir}/jumpgate-fastcgi.conf;
        }}
        location ~ ^/image/(v1/images(/[^/]+)?|v2/images/[^/]+/file)$ {{
            fastcgi_pass unix:{root}{paths['socket']};
            include {nginx_dir}/jumpgate-image-data.conf;
        }}
        location /_jumpgate_image_store/ {{
            internal;
            alias {root}{paths['state_dir']}/images/;
            include {nginx_dir}/jumpgate-image-store.conf;
        }}
    }}
}}
""")


def tearDownModule():
    subprocess.run([os.path.join(TOP_SRCDIR, "scripts", "jumpgate-stack"), "stop"],
                   env=dict(os.environ, STATE=stack_dir, BUILD=TOP_BUILDDIR), capture_output=True)
    shutil.rmtree(work, ignore_errors=True)


def request(method, path, body=None, headers=None):
    """(status, headers with lower-case names, body bytes) of one request through nginx; a JSON body for a dict."""
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    hdrs = dict(headers or {})
    if isinstance(body, dict):
        hdrs["Content-Type"] = "application/json"
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, headers=hdrs, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()
    except OSError:
        return None, {}, b""


class RunsAsInstalled(unittest.TestCase):
    def test_the_installed_worker_lists_the_flavors(self):
        status, _, body = request("GET", "/compute/v2.1/flavors", headers={"X-Auth-Token": token})
        self.assertEqual(status, 200, body)
        self.assertIn("m1.tiny", [f["name"] for f in json.loads(body)["flavors"]])

    def test_the_workers_run_the_installed_library_and_driver(self):
        with open(os.path.join(stack_dir, "run", "workers.pid")) as f:
            watcher = f.read().strip()
        workers = run(["pgrep", "-P", watcher]).split()
        self.assertEqual(len(workers), 2)
        for pid in workers:
            with open(f"/proc/{pid}/maps") as f:
                mapped = {line.split()[-1] for line in f if "/" in line}
            self.assertEqual(os.readlink(f"/proc/{pid}/exe"), paths["worker"])
            self.assertIn(os.path.realpath(root + paths["libdir"] + "/libjumpgate.so"), mapped)
            self.assertIn(root + paths["module_dir"] + "/jumpgate_local.so", mapped)
            self.assertFalse([m for m in mapped if m.startswith(TOP_BUILDDIR + "/")], mapped)

    def test_nginx_sends_an_image_through_the_installed_store_snippet(self):
        auth = {"X-Auth-Token": token}
        status, _, body = request("POST", "/image/v2/images", {"name": "installed", "disk_format": "raw",
                                                               "container_format": "bare"}, auth)
        self.assertEqual(status, 201, body)
        image = json.loads(body)["id"]
        data = os.urandom(4096)
        status, _, body = request("PUT", f"/image/v2/images/{image}/file", data,
                                  dict(auth, **{"Content-Type": "application/octet-stream"}))
        self.assertEqual(status, 204, body)
        status, headers, body = request("GET", f"/image/v2/images/{image}/file", headers=auth)
        self.assertEqual((status, body), (200, data))
        # The snippet adds back what nginx drops from the worker's answer on a redirect.
        self.assertTrue(headers.get("x-openstack-request-id", "").startswith("req-"), headers)
        # A worker answers no byte range: nginx sent the file.
        status, _, body = request("GET", f"/image/v2/images/{image}/file", headers=dict(auth, Range="bytes=0-99"))
        self.assertEqual((status, body), (206, data[:100]))

    def test_one_set_of_paths(self):
        prefix = paths["prefix"]
        self.assertEqual(run(["pkg-config", "--variable=moduledir", "jumpgate"],
                             env=dict(os.environ, PKG_CONFIG_PATH=root + paths["libdir"] + "/pkgconfig")).strip(),
                         paths["module_dir"])
        conf = installed_text(paths["config"])
        self.assertRegex(conf, rf"(?m)^state_dir = {re.escape(paths['state_dir'])}$")
        self.assertRegex(conf, rf"(?m)^#module_dir = {re.escape(paths['module_dir'])}$")
        unit = installed_text(prefix + "/lib/systemd/system/jumpgate-fcgi@.service")
        self.assertIn(f"ExecStart={paths['worker'][len(root):]} --config {paths['config']}\n", unit)
        for example in ("nginx/jumpgate.conf", "nginx/jumpgate-ports.conf", "apache/jumpgate.conf"):
            text = installed_text(f"{prefix}/share/jumpgate/{example}")
            self.assertNotIn("@", re.sub(r"jumpgate-fcgi@", "", text), example)
            sockets = set(re.findall(r"unix:([^;|\"]+)", text))
            self.assertEqual(sockets, {paths["socket"]}, example)
            for included in re.findall(r"^\s*#?\s*include (/\S+);", text, re.M):
                if included != "/etc/nginx/fastcgi_params":
                    self.assertTrue(os.path.isfile(root + included), f"{example} includes {included}")
        fcgi_man = installed_text(prefix + "/share/man/man8/jumpgate-fcgi.8")
        for path in (paths["config"], paths["state_dir"], paths["module_dir"], paths["socket"], paths["libdir"]):
            self.assertIn(f"Pa {path}", fcgi_man)
        self.assertIn(f"Pa {paths['config']}", installed_text(prefix + "/share/man/man5/jumpgate.conf.5"))
        self.assertIn(f"Pa {paths['config']}", installed_text(prefix + "/share/man/man8/jumpgate-manage.8"))
        for man in glob.glob(root + prefix + "/share/man/man*/*"):
            self.assertNotRegex(installed_text(man[len(root):]), r"@[a-z]+@", man)


class ManPages(unittest.TestCase):
    def test_mandoc_lint_and_groff_have_nothing_to_say(self):
        pages = sorted(glob.glob(root + paths["prefix"] + "/share/man/man*/*"))
        self.assertEqual([os.path.basename(p) for p in pages],
                         ["jumpgate.conf.5", "jumpgate-fcgi.8", "jumpgate-manage.8"])
        for page in pages:
            # Warnings and up: the STYLE notes name manuals that are not installed on the machine that runs it.
            lint = subprocess.run(["mandoc", "-T", "lint", "-W", "warning", page], capture_output=True, text=True)
            self.assertEqual((lint.returncode, lint.stdout + lint.stderr), (0, ""), page)
            groff = subprocess.run(["groff", "-ww", "-mandoc", "-z", page], capture_output=True, text=True)
            self.assertEqual((groff.returncode, groff.stdout + groff.stderr), (0, ""), page)


if __name__ == "__main__":
    unittest.main()
