# SPDX-License-Identifier: Apache-2.0
"""The upstream OpenStack that the openstack driver's tests stand Jumpgate in front of (upstream_openstack.py),
driven directly with Debian's openstack client: Keystone issues v3 tokens to the admin and to the member, Glance
keeps an image's bytes and lists it, and once stopped nothing of it runs or listens; a start that fails says which
service failed, with its log, and leaves nothing running either."""
import hashlib
import os
import shutil
import socket
import tempfile
import unittest

from upstream_openstack import Upstream

# Left out of make check-asan: it checks the harness (Keystone and Glance themselves), and runs no worker.
SANITIZED_RUN = False


def setUpModule():
    global upstream
    upstream = Upstream().start()


def tearDownModule():
    upstream.stop()


def listening(port):
    """Whether anything accepts connections on the loopback port."""
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def running(process):
    """Whether any process of the group that `process` leads is left."""
    try:
        os.killpg(process.pid, 0)
        return True
    except ProcessLookupError:
        return False


class Tokens(unittest.TestCase):
    def test_v3_token_issue_scopes_each_user_to_their_project(self):
        projects = {p["Name"]: p["ID"] for p in upstream.cli(upstream.admin, "project", "list")}
        for user in (upstream.admin, upstream.member):
            token = upstream.cli(user, "token", "issue")
            self.assertEqual(token["project_id"], projects[user.project])
            self.assertTrue(token["id"])

    def test_the_member_is_no_admin(self):
        run = upstream.cli(upstream.member, "user", "list", check=False)
        self.assertNotEqual(run.returncode, 0)
        self.assertIn("403", run.stderr)


class Images(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="jumpgate-upstream-image-")
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)

    def test_an_uploaded_image_is_listed_and_saves_as_the_same_bytes(self):
        data = os.urandom(100_000)
        source, saved = os.path.join(self.dir, "source.raw"), os.path.join(self.dir, "saved.raw")
        with open(source, "wb") as f:
            f.write(data)
        created = upstream.cli(upstream.member, "image", "create", "--disk-format", "raw", "--container-format",
                               "bare", "--file", source, "upstream-image")
        image = upstream.cli(upstream.member, "image", "show", created["id"])
        self.assertEqual((image["status"], image["size"], image["checksum"]),
                         ("active", len(data), hashlib.md5(data).hexdigest()))
        listed = {i["ID"]: i["Name"] for i in upstream.cli(upstream.member, "image", "list")}
        self.assertEqual(listed.get(image["id"]), "upstream-image")
        upstream.cli(upstream.member, "image", "save", "--file", saved, image["id"], parse=False)
        with open(saved, "rb") as f:
            self.assertEqual(f.read(), data)


class Lifecycle(unittest.TestCase):
    def test_stop_leaves_nothing_running_or_listening(self):
        with Upstream() as other:
            ports, processes = (other.keystone_port, other.glance_port), list(other.processes.values())
            self.assertTrue(all(listening(port) for port in ports))
        self.assertEqual([port for port in ports if listening(port)], [])
        self.assertEqual([p.args[0] for p in processes if running(p)], [])
        if not os.environ.get("JUMPGATE_KEEP_STATE"):
            self.assertFalse(os.path.exists(other.dir))

    def test_a_failed_start_names_the_service_shows_its_log_and_leaves_nothing(self):
        broken = Upstream(glance_conf={"DEFAULT": {"enabled_backends": "local:nosuchstore"}})
        with self.assertRaises(RuntimeError) as raised:
            broken.start()
        message = str(raised.exception)
        self.assertIn("glance-api exited", message)
        self.assertIn("nosuchstore", message)
        self.assertIn("keystone", broken.processes)  # it had started, and was stopped
        self.assertEqual([p.args[0] for p in broken.processes.values() if running(p)], [])
        self.assertFalse(listening(broken.keystone_port) or listening(broken.glance_port))
