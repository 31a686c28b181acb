# SPDX-License-Identifier: Apache-2.0
"""The stack of `make run DRIVER=softlayer` (scripts/jumpgate-stack with DRIVER=softlayer): the SoftLayer driver for
every service and the SoftLayer API simulator it starts, the openrc it writes for the simulator's first user, the
simulator's state kept across a restart, a refused API key, and nothing left running once it stops."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from softlayer_cloud import accounts
from stack import MODULE_DIR, TOP_BUILDDIR, TOP_SRCDIR, alive, free_port, client_served, wait_for

# Left out of make check-asan: it checks jumpgate-stack's start, restart and stop, the same in either build.
SANITIZED_RUN = False

SCRIPT = os.path.join(TOP_SRCDIR, "scripts", "jumpgate-stack")
DRIVER = os.path.join(MODULE_DIR, "jumpgate_softlayer.so")


def processes_of(state):
    """The running processes whose command line names the state directory: nginx, the workers, the simulator."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if state.encode() in f.read() and alive(pid):
                    found.append(int(pid))
        except OSError:
            pass
    return found


def cli(env, *args):
    run = client_served("openstack", [*args, "-f", "json"], env)
    assert run.returncode == 0, f"openstack {' '.join(args)}: {run.stderr}"
    return json.loads(run.stdout)


class SoftLayerStack(unittest.TestCase):
    def setUp(self):
        if not os.path.exists(DRIVER):
            raise unittest.SkipTest("the SoftLayer driver is not built (no libcurl)")
        self.state = tempfile.mkdtemp(prefix="jumpgate-softlayer-stack-")
        self.env = dict(os.environ, DRIVER="softlayer", PORT=str(free_port()), STATE=self.state, BUILD=TOP_BUILDDIR,
                        SL_PROVISION_SECONDS="1")
        for k in ("SL_API_URL", "SL_USERNAME", "SL_API_KEY", "SL_SIMULATOR_PORT"):
            self.env.pop(k, None)

    def tearDown(self):
        self.stack("stop")
        shutil.rmtree(self.state, ignore_errors=True)

    def stack(self, command, check=True, **env):
        return subprocess.run([SCRIPT, command], env=dict(self.env, **env), capture_output=True, text=True,
                              timeout=120, check=check)

    def openrc(self):
        """The environment `. STATE/openrc` gives."""
        out = subprocess.run(["sh", "-c", '. "$1/openrc" && env -0', "sh", self.state], capture_output=True,
                             check=True).stdout.decode()
        return dict(item.split("=", 1) for item in out.split("\0") if "=" in item)

    def simulator_pid(self):
        with open(os.path.join(self.state, "run", "softlayer-simulator.pid")) as f:
            return int(f.read())

    def test_the_openrc_user_makes_a_server_that_outlives_a_restart_and_stop_leaves_nothing(self):
        self.stack("start")
        first = accounts()[0]
        env = self.openrc()
        self.assertEqual((env["OS_USERNAME"], env["OS_PASSWORD"], env["OS_PROJECT_ID"]),
                         (first["username"], first["apiKey"], str(first["id"])))
        self.assertEqual(cli(env, "token", "issue")["project_id"], str(first["id"]))
        server = cli(env, "server", "create", "--flavor", "sl.tiny", "--image", "Debian 12", "kept-1")
        self.assertTrue(wait_for(lambda: cli(env, "server", "show", server["id"])["status"] == "ACTIVE", 30))
        with open(os.path.join(self.state, "softlayer-simulator.json")) as f:
            held = next(a for a in json.load(f)["accounts"] if a["id"] == first["id"])
        self.assertIn(int(server["id"]), [g["id"] for g in held["virtualGuests"]])

        simulator = self.simulator_pid()
        self.assertIn(simulator, processes_of(self.state))
        self.stack("stop")
        self.assertTrue(wait_for(lambda: not processes_of(self.state), 5), processes_of(self.state))
        self.assertEqual(os.listdir(os.path.join(self.state, "run")), [])

        self.stack("start")
        self.assertNotEqual(self.simulator_pid(), simulator)
        listed = {s["ID"]: s["Name"] for s in cli(self.openrc(), "server", "list")}
        self.assertEqual(listed.get(server["id"]), "kept-1")

    def test_a_refused_api_key_stops_the_start_and_leaves_nothing_running(self):
        run = self.stack("start", check=False, SL_USERNAME=accounts()[0]["username"], SL_API_KEY="not-the-key")
        self.assertEqual(run.returncode, 1, run.stderr)
        self.assertIn("could not authenticate", run.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.state, "openrc")))
        self.assertFalse(os.path.exists(os.path.join(self.state, "softlayer-api-key")))
        self.assertEqual(os.listdir(os.path.join(self.state, "run")), [])
        self.assertTrue(wait_for(lambda: not processes_of(self.state), 5), processes_of(self.state))

    def test_a_state_directory_of_the_local_driver_is_refused(self):
        with open(os.path.join(self.state, "jumpgate.conf"), "w") as f:
            f.write("[identity]\ndriver = local\n")
        run = self.stack("start", check=False)
        self.assertEqual(run.returncode, 1)
        self.assertIn("mounts no service with driver softlayer", run.stderr)


if __name__ == "__main__":
    unittest.main()
