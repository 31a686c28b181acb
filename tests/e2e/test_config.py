# SPDX-License-Identifier: Apache-2.0
"""--check-config: every error named with its file and line, drivers listed when one is unknown, nothing
made on disk; a worker that cannot start says why in its log_file under spawn-fcgi."""
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import stack
from stack import ECHO_DRIVER, MODULE_DIR, SANITIZER_LOG, TOP_BUILDDIR, WORKER, alive, sanitizer_report, wait_for

SPAWN_FCGI = shutil.which("spawn-fcgi") or "/usr/bin/spawn-fcgi"


def check(text, *args):
    fd, path = tempfile.mkstemp(suffix=".conf")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    state = tempfile.mkdtemp(prefix="jumpgate-config-")
    r = subprocess.run([WORKER, "--config", path, f"--general.module_dir={MODULE_DIR}",
                        f"--general.state_dir={state}", "--check-config", *args],
                       capture_output=True, text=True)
    os.unlink(path)
    shutil.rmtree(state, ignore_errors=True)
    return r.returncode, r.stdout + r.stderr, path


class CheckConfig(unittest.TestCase):
    def test_a_clean_file_in_the_seeds_shape(self):
        code, out, _ = check("[identity]\ndriver=local\n[compute]\ndriver=local\n"
                             "[block_storage]\ndriver=local\n")
        self.assertEqual(code, 0, out)
        self.assertIn("[volume] driver local, mounted at /volume", out)

    def test_the_installed_sample_is_valid(self):
        with open(os.path.join(TOP_BUILDDIR, "etc", "jumpgate.conf")) as f:
            code, out, _ = check(f.read())
        self.assertEqual(code, 0, out)
        self.assertNotIn("[baremetal]", out)

    def test_the_installed_sample_loads_with_any_driver(self):
        # Options only the local driver declares are shown commented out: another driver loads,
        # in every service but identity, which must validate tokens (the echo driver does not).
        with open(os.path.join(TOP_BUILDDIR, "etc", "jumpgate.conf")) as f:
            sample = f.read()
        code, out, _ = check(sample.replace("driver = local", f"driver = {ECHO_DRIVER}"), "--identity.driver=local")
        self.assertEqual(code, 0, out)
        self.assertEqual(out.count(f"driver {ECHO_DRIVER}"), 4, out)

    def test_services_with_no_identity_to_validate_tokens_do_not_start(self):
        # As found: no identity driver, and GET /compute/v2.1/servers answered 200 with no token.
        alone = f"[identity]\ndriver =\n[compute]\ndriver = {ECHO_DRIVER}\n[image]\ndriver =\n" \
                "[volume]\ndriver =\n[network]\ndriver =\n"
        code, out, path = check(alone)
        self.assertEqual(code, 1, out)
        self.assertIn(f"{path}:2: [identity] driver (none): no driver validates tokens", out)
        self.assertIn("require_authentication = false", out)
        code, out, _ = check(alone, "--general.require_authentication=false")
        self.assertEqual(code, 0, out)
        code, out, _ = check(alone, "--general.require_authentication=no")
        self.assertEqual(code, 1, out)
        self.assertIn("[general] require_authentication = no is not true or false", out)
        # Identity alone needs nothing more: its token endpoints are how one authenticates.
        code, out, _ = check("[identity]\ndriver = local\n[compute]\ndriver =\n[image]\ndriver =\n"
                             "[volume]\ndriver =\n[network]\ndriver =\n")
        self.assertEqual(code, 0, out)

    def test_every_error_has_file_and_line(self):
        code, out, path = check("[general]\nlog_level = loud\nno_such_key = 1\n"
                                "[compute]\ndriver = nosuch\n[nosection]\nx = 1\n")
        self.assertEqual(code, 1)
        self.assertIn(f"{path}:2: [general] log_level", out)
        self.assertIn(f"{path}:3: unknown option 'no_such_key' in [general]", out)
        self.assertIn(f"{path}:5: [compute] driver nosuch: not found", out)
        self.assertIn("drivers found: local", out)
        self.assertIn(f"{path}:7: unknown section [nosection]", out)

    def test_command_line_overrides_the_file(self):
        code, out, _ = check("[compute]\ndriver = local\n", "--compute.driver=missing")
        self.assertEqual(code, 1)
        self.assertIn("[compute] driver missing: not found", out)
        code, out, _ = check("[compute]\ndriver = nosuch\n", "--compute.driver=local",
                             "--compute.mount=/nova")
        self.assertEqual(code, 0, out)
        self.assertIn("[compute] driver local, mounted at /nova", out)

    def test_bad_size_is_reported(self):
        code, out, path = check("[general]\nmax_body_size = lots\n")
        self.assertEqual(code, 1)
        self.assertIn(f"{path}:2: [general] max_body_size", out)

    def test_bad_numbers_and_booleans_name_their_line(self):
        # As found: `token_expiration = an hour` stopped start-up with stoll's "stoll" and nothing more,
        # and `build_seconds = -5` or `token_expiration = 0` were taken.
        code, out, path = check("[general]\nrequire_authentication = yes\n[identity]\ntoken_expiration = 0\n"
                                "\n[compute]\nbuild_seconds = abc\n[block_storage]\nbuild_seconds = -5\n")
        self.assertEqual(code, 1, out)
        self.assertIn(f"jumpgate-fcgi: {path}:2: [general] require_authentication = yes is not true or false", out)
        self.assertIn(f"jumpgate-fcgi: {path}:4: [identity] token_expiration = 0 is not a whole number from 60 "
                      "to 31536000", out)
        self.assertIn(f"jumpgate-fcgi: {path}:7: [compute] build_seconds = abc is not a whole number from 0 to "
                      "86400", out)
        self.assertIn(f"jumpgate-fcgi: {path}:9: [volume] build_seconds = -5 is not a whole number from 0 to "
                      "86400", out)
        self.assertEqual(out.count("jumpgate-fcgi: "), 4, out)
        self.assertNotIn("setup_routes failed", out)
        code, out, path = check("[identity]\nlockout_failure_attempts = many\n", "--compute.build_seconds=2")
        self.assertEqual(code, 1, out)
        self.assertIn(f"{path}:2: [identity] lockout_failure_attempts = many is not a whole number from 0 to 1000",
                      out)
        code, out, _ = check("[general]\nmax_database_size = lots\n")
        self.assertEqual(code, 1, out)
        self.assertIn(":2: [general] max_database_size = lots is not a size", out)
        self.assertEqual(out.count("jumpgate-fcgi: "), 1, out)
        code, out, _ = check("[identity]\ntoken_expiration = 60\n[compute]\nbuild_seconds = 0\n")
        self.assertEqual(code, 0, out)


class ChecksChangeNothing(unittest.TestCase):
    """--check-config and --coverage load the drivers as a worker does, and make nothing: no state directory,
    database, token key or log file (as found: --check-config made the database)."""

    def setUp(self):
        self.top = tempfile.mkdtemp(prefix="jumpgate-check-")
        self.log = os.path.join(self.top, "log", "jumpgate.log")
        os.mkdir(os.path.dirname(self.log))
        self.conf = os.path.join(self.top, "jumpgate.conf")
        with open(self.conf, "w") as f:
            f.write(f"[general]\nlog_file = {self.log}\nmodule_dir = {MODULE_DIR}\n")

    def tearDown(self):
        shutil.rmtree(self.top, ignore_errors=True)

    def run_worker(self, state, *args):
        r = subprocess.run([WORKER, "--config", self.conf, f"--general.state_dir={state}", *args],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r.stdout

    def test_a_fresh_state_directory_stays_absent_or_empty(self):
        absent = os.path.join(self.top, "state")
        empty = os.path.join(self.top, "empty")
        os.mkdir(empty)
        for state in (absent, empty):
            out = self.run_worker(state, "--check-config")
            for service in ("identity", "compute", "image", "volume", "network"):
                self.assertIn(f"[{service}] driver local", out)
            rows = json.loads(self.run_worker(state, "--coverage=json"))
            served = {r["service"] for r in rows if r["support"] == "yes" and r["driver"] == "local"}
            self.assertEqual(served, {"identity", "compute", "image", "volume", "network"})
        # --help loads the configured drivers the same way, and lists their options.
        out = self.run_worker(absent, "--help", "--compute.driver=openstack", "--identity.driver=openstack",
                              "--image.driver=openstack", "--volume.driver=openstack", "--network.driver=openstack")
        self.assertIn("--openstack.auth_url", out)
        self.assertIn(self.conf, out)
        self.assertFalse(os.path.exists(absent), absent)
        self.assertEqual(os.listdir(empty), [])
        self.assertEqual(os.listdir(os.path.dirname(self.log)), [])

    def test_a_state_directory_in_use_is_left_as_it_was(self):
        state = os.path.join(self.top, "state")
        # What a worker makes: the database and its files, the stores, the token keys.
        made = subprocess.run([os.path.join(os.path.dirname(WORKER), "jumpgate-manage"), "--config", self.conf,
                               f"--general.state_dir={state}", "bootstrap", "--username", "admin",
                               "--password", "secret", "--project", "admin"], capture_output=True, text=True)
        self.assertEqual(made.returncode, 0, made.stderr)
        before = snapshot(state)
        self.assertIn("jumpgate.sqlite", before)
        self.assertIn("token-keys/0", before)
        self.run_worker(state, "--check-config")
        self.run_worker(state, "--coverage")
        self.assertEqual(snapshot(state), before)


def snapshot(top):
    """Every file and directory under `top`, with its size, modification time and (for files) contents' hash."""
    found = {}
    for root, dirs, files in os.walk(top):
        for name in dirs + files:
            path = os.path.join(root, name)
            st = os.stat(path)
            entry = (st.st_size, st.st_mtime_ns)
            if name in files:
                with open(path, "rb") as f:
                    entry += (hashlib.sha256(f.read()).hexdigest(),)
            found[os.path.relpath(path, top)] = entry
    return found


class UnderSpawnFcgi(unittest.TestCase):
    def test_a_worker_that_cannot_start_says_why_in_its_log_file(self):
        # As found: spawn-fcgi points the worker's standard error at /dev/null, and start-up errors went
        # nowhere else: the operator saw "child exited with: 1" and no reason.
        top = tempfile.mkdtemp(prefix="jumpgate-spawn-")
        log = os.path.join(top, "jumpgate.log")
        conf = os.path.join(top, "jumpgate.conf")
        with open(conf, "w") as f:
            f.write(f"[general]\nlog_file = {log}\nmodule_dir = {MODULE_DIR}\nstate_dir = {top}/state\n"
                    "[compute]\nbuild_seconds = a minute\n")
        env = dict(os.environ)
        for options in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
            env[options] = ":".join(filter(None, [env.get(options), f"log_path={top}/{SANITIZER_LOG}"]))
        pids = []
        try:
            # As jumpgate-fcgi(8) shows it, but for the user and group (the test's own) and the config file.
            r = subprocess.run([SPAWN_FCGI, "-s", os.path.join(top, "jumpgate.sock"), "-M", "0660", "-F", "1",
                                "--", WORKER, "--config", conf], env=env, capture_output=True, text=True, timeout=30)
            pids = re.findall(r"PID: (\d+)", r.stdout + r.stderr)
            self.assertTrue(pids or "child exited with: 1" in r.stderr, r.stdout + r.stderr)
            self.assertTrue(wait_for(lambda: not any(alive(pid) for pid in pids), 30), "the worker still runs")
            with open(log) as f:
                text = f.read()
            self.assertRegex(text, rf"jumpgate-fcgi\[\d+\]: error: {re.escape(conf)}:6: \[compute\] build_seconds = "
                                   r"a minute is not a whole number from 0 to 86400\n")
        finally:
            for pid in pids:
                if alive(pid):
                    os.kill(int(pid), 9)
            reports = [report for name in os.listdir(top) if name.startswith(SANITIZER_LOG + ".")
                       if (report := sanitizer_report(open(os.path.join(top, name)).read()))]
            stack.sanitizer_reports.extend(f"{top} (kept):\n{report}" for report in reports)
            if not reports:
                shutil.rmtree(top, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
