# SPDX-License-Identifier: Apache-2.0
"""A full disk (issue 18, finding 7): every create answered a bare 500 "database or disk is full".
Now the database past [general] max_database_size answers 503 in each service's envelope and an
image upload past a full store answers Glance's 413, and nothing is left half-made."""
import json
import os
import subprocess
import unittest

from stack import Stack

SERVERS = "/compute/v2.1/servers"
N = "/network/v2.0"
FULL = "The storage of the cloud is full"


class DatabaseFull(unittest.TestCase):
    """The database at its limit: max_database_size below what it holds keeps it at its size."""

    @classmethod
    def setUpClass(cls):
        cls.stack = Stack().start()
        cls.project, cls.token, _ = cls.stack.member("full-db")
        cls.image_id = cls.stack.public_image("full-db-image", b"x" * 1024)
        # Only the room in the database may stop a create.
        for path, body in ((f"/compute/v2.1/os-quota-sets/{cls.project}",
                            {"quota_set": {"instances": -1, "cores": -1, "ram": -1}}),
                           (f"/volume/v3/{cls.project}/os-quota-sets/{cls.project}",
                            {"quota_set": {"volumes": -1, "gigabytes": -1}}),
                           (f"{N}/quotas/{cls.project}", {"quota": {"network": -1, "port": -1}})):
            status, _, answer = cls.stack.get_json(path, method="PUT", body=body)
            assert status == 200, answer
        _, _, net = cls.stack.get_json(f"{N}/networks", method="POST", body={"network": {"name": "full-db-net"}},
                                       headers={"X-Auth-Token": cls.token})
        cls.network_id = net["network"]["id"]
        status, _, subnet = cls.stack.get_json(f"{N}/subnets", method="POST", headers={"X-Auth-Token": cls.token},
                                               body={"subnet": {"network_id": cls.network_id, "ip_version": 4,
                                                                "cidr": "10.9.0.0/16"}})
        assert status == 201, subnet
        # The same state, its workers started again with the database held at the size it has.
        cls.stack._script("stop")
        path = os.path.join(cls.stack.state, "jumpgate.conf")
        with open(path) as f:
            config = f.read()
        with open(path, "w") as f:
            f.write(config.replace("[general]\n", "[general]\nmax_database_size = 1\n", 1))
        cls.stack._script("start")

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop()

    def call(self, method, path, body=None, headers=None):
        return self.stack.get_json(path, method=method, body=body,
                                   headers=dict({"X-Auth-Token": self.token}, **(headers or {})))

    def until_full(self, create, full):
        """The ids `create` made before it answered 503, which `full` checks."""
        made = []
        for i in range(1000):
            status, _, body = create(i)
            if status == 503:
                full(body)
                return made
            self.assertIn(status, (201, 202), body)
            made.append(body)
        self.fail("the database never filled up")

    def nova_full(self, body):
        self.assertIn(FULL, body["serviceUnavailable"]["message"])

    def test_1_networks(self):
        def full(body):
            self.assertEqual(body["NeutronError"]["type"], "HTTPServiceUnavailable")
            self.assertIn(FULL, body["NeutronError"]["message"])

        made = self.until_full(lambda i: self.call("POST", f"{N}/networks", {"network": {
            "name": f"filler-{i}", "description": "f" * 255}}), full)
        _, _, listed = self.call("GET", f"{N}/networks")
        self.assertEqual(sorted(n["id"] for n in listed["networks"]),
                         sorted([n["network"]["id"] for n in made] + [self.network_id]))
        self.assertIn("database is full", self.stack.log())

    def test_2_servers(self):
        made = self.until_full(lambda i: self.call("POST", SERVERS, {"server": {
            "name": f"full-{i}", "imageRef": self.image_id, "flavorRef": "1", "metadata": {"k": "m" * 255},
            "networks": [{"uuid": self.network_id}]}}, headers={"OpenStack-API-Version": "compute 2.37"}),
            self.nova_full)
        _, _, servers = self.call("GET", SERVERS)
        self.assertEqual(sorted(s["id"] for s in servers["servers"]), sorted(s["server"]["id"] for s in made))
        _, _, ports = self.call("GET", f"{N}/ports")
        self.assertEqual(sorted(p["device_id"] for p in ports["ports"]), sorted(s["server"]["id"] for s in made))

    def test_3_volumes(self):
        volumes = f"/volume/v3/{self.project}/volumes"
        made = self.until_full(lambda i: self.call("POST", volumes, {"volume": {
            "size": 1, "name": f"full-{i}", "description": "v" * 255}}), self.nova_full)
        _, _, listed = self.call("GET", volumes)
        ids = sorted(v["volume"]["id"] for v in made)
        self.assertEqual(sorted(v["id"] for v in listed["volumes"]), ids)
        self.assertEqual(sorted(os.listdir(os.path.join(self.stack.state, "volumes"))), ids)

    def test_4_images(self):
        def full(body):
            self.assertIn(FULL.encode(), body)

        def create(i):
            status, hdrs, body = self.stack.request("POST", "/image/v2/images", headers={
                "X-Auth-Token": self.token, "Content-Type": "application/json"}, body=json.dumps({
                    "name": f"full-{i}", "disk_format": "raw", "container_format": "bare",
                    **{f"property_{k}": "p" * 255 for k in range(8)}}).encode())
            return status, hdrs, json.loads(body) if status == 201 else body

        made = self.until_full(create, full)
        _, _, images = self.call("GET", "/image/v2/images?limit=1000")
        self.assertEqual(sorted(i["id"] for i in images["images"]),
                         sorted([i["id"] for i in made] + [self.image_id]))

    def test_5_deleting_makes_room_again(self):
        _, _, listed = self.call("GET", f"{N}/networks")
        for n in listed["networks"][:20]:
            if n["id"] != self.network_id:
                self.assertEqual(self.call("DELETE", f"{N}/networks/{n['id']}")[0], 204)
        status, _, body = self.call("POST", f"{N}/networks", {"network": {"name": "fits-again"}})
        self.assertEqual(status, 201, body)


def can_mount_tmpfs():
    try:
        return subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
                              capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


class SmallDisk(Stack):
    """A stack whose images and volumes live on small tmpfs mounts of a user namespace its processes share."""

    def _script(self, cmd):
        if cmd != "start":
            return super()._script(cmd)
        script = os.path.join(os.environ["top_srcdir"], "scripts", "jumpgate-stack")
        mounts = "".join(f'mkdir -p "$STATE/{d}" && mount -t tmpfs -o size={size} tmpfs "$STATE/{d}" && '
                         for d, size in (("images", "128k"), ("volumes", "32k")))
        subprocess.run(["unshare", "-rm", "sh", "-c", mounts + f'exec "{script}" start'], env=self.script_env(),
                       check=True)


@unittest.skipUnless(can_mount_tmpfs(), "needs unshare -rm to mount a small tmpfs")
class StoreFull(unittest.TestCase):
    """Files on a full disk: Glance's 413 for an upload, 503 for a volume's copy, and no partial file."""

    @classmethod
    def setUpClass(cls):
        cls.stack = SmallDisk().start()

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop()

    def image(self, name):
        status, _, body = self.stack.get_json("/image/v2/images", method="POST", body={
            "name": name, "disk_format": "raw", "container_format": "bare"})
        self.assertEqual(status, 201, body)
        return body["id"]

    def upload(self, image_id, size):
        return self.stack.request("PUT", f"/image/v2/images/{image_id}/file", body=os.urandom(size),
                                  headers={"Content-Type": "application/octet-stream"})

    def test_an_upload_that_does_not_fit_is_413_and_leaves_no_file(self):
        big = self.image("too-big")
        status, _, body = self.upload(big, 512 * 1024)
        self.assertEqual(status, 413, body)
        self.assertIn(b"Image storage media is full", body)
        _, _, shown = self.stack.get_json(f"/image/v2/images/{big}")
        self.assertEqual(shown["status"], "queued")
        # The partial upload, which filled the store, is gone: what fits in it fits still.
        status, _, body = self.upload(self.image("fits"), 40 * 1024)
        self.assertEqual(status, 204, body)

    def test_a_volume_that_does_not_fit_is_503_and_leaves_nothing(self):
        image_id = self.image("volume-source")
        self.assertEqual(self.upload(image_id, 48 * 1024)[0], 204)
        _, _, body = self.stack.get_json("/identity/v3/auth/tokens", headers={"X-Subject-Token": self.stack.token})
        volumes = f"/volume/v3/{body['token']['project']['id']}/volumes"
        status, _, body = self.stack.get_json(volumes, method="POST", body={"volume": {
            "size": 1, "name": "from-image", "imageRef": image_id}})
        if status == 202:                       # made in the background: it ends in error
            self.skipTest("this driver copies the image after answering")
        self.assertEqual(status, 503, body)
        self.assertIn(FULL, body["serviceUnavailable"]["message"])
        _, _, listed = self.stack.get_json(volumes)
        self.assertEqual(listed["volumes"], [])
        status, _, body = self.stack.get_json(volumes, method="POST", body={"volume": {"size": 1, "name": "empty"}})
        self.assertEqual(status, 202, body)     # a sparse volume needs no room: the failed copy left none taken


if __name__ == "__main__":
    unittest.main()
