# SPDX-License-Identifier: Apache-2.0
"""The state directory stays the workers' (issue 24): jumpgate-manage run as root acts as the directory's owner, so
that a worker running as that user can still write what it made; a worker that cannot write its database says
which path and what to do."""
import os
import pwd
import shutil
import subprocess
import tempfile
import unittest

from stack import MODULE_DIR, TOP_BUILDDIR, WORKER

MANAGE = os.path.join(TOP_BUILDDIR, "jumpgate-manage")


def as_user(user, *command, env=None):
    return subprocess.run(["runuser", "-u", user, "--", *command], capture_output=True, text=True, timeout=120,
                          env=env)


@unittest.skipUnless(os.geteuid() == 0 and shutil.which("runuser"), "needs root and runuser")
class StateOwner(unittest.TestCase):
    def setUp(self):
        self.user = "nobody"
        if as_user(self.user, "test", "-x", MANAGE).returncode != 0:
            self.skipTest(f"{self.user} cannot run the build's programs here")
        entry = pwd.getpwnam(self.user)
        self.top = tempfile.mkdtemp(prefix="jumpgate-owner-")
        os.chmod(self.top, 0o755)
        self.state = os.path.join(self.top, "state")
        os.mkdir(self.state, 0o750)
        os.chown(self.state, entry.pw_uid, entry.pw_gid)
        self.uid = entry.pw_uid
        self.config = os.path.join(self.top, "jumpgate.conf")
        with open(self.config, "w") as f:
            f.write(f"[general]\nstate_dir = {self.state}\nmodule_dir = {MODULE_DIR}\n")
        os.chmod(self.config, 0o644)

    def tearDown(self):
        shutil.rmtree(self.top, ignore_errors=True)

    def manage(self, *args, user=None):
        command = [MANAGE, "--config", self.config, *args]
        env = dict(os.environ, JUMPGATE_PASSWORD="owner-secret")
        return as_user(user, *command, env=env) if user else subprocess.run(command, capture_output=True,
                                                                             text=True, timeout=120, env=env)

    def test_root_makes_what_the_owner_can_write(self):
        run = self.manage("bootstrap", "--username", "admin", "--project", "admin")
        self.assertEqual(run.returncode, 0, run.stderr)
        made = [os.path.join(d, n) for d, dirs, files in os.walk(self.state) for n in dirs + files]
        self.assertTrue(made)
        self.assertEqual({p: os.stat(p).st_uid for p in made if os.stat(p).st_uid != self.uid}, {})
        # The owner writes the database root's run made: a user, then the worker's own check of the state.
        run = self.manage("user", "create", "later", user=self.user)
        self.assertEqual(run.returncode, 0, run.stderr)

    def test_a_worker_that_cannot_write_its_database_says_where_and_what_to_do(self):
        os.chown(self.state, 0, 0)   # as when root bootstrapped before the directory was handed over
        run = self.manage("bootstrap", "--username", "admin", "--project", "admin")
        self.assertEqual(run.returncode, 0, run.stderr)
        os.chmod(self.state, 0o755)
        run = as_user(self.user, WORKER, "--config", self.config, "--listen", "127.0.0.1:0")
        self.assertEqual(run.returncode, 1, run.stdout + run.stderr)
        self.assertIn(self.state, run.stderr)
        self.assertIn("chown", run.stderr)


if __name__ == "__main__":
    unittest.main()
