# SPDX-License-Identifier: Apache-2.0
"""The openstack driver in front of a real OpenStack: Debian's Keystone 22 and Glance 25 on loopback
(upstream_openstack.py), Jumpgate's identity and image services on the openstack driver. Clients of the API
versions the upstream dropped keep working (Keystone v2.0 over its v3), and every assertion of what a client did
through Jumpgate is checked again in the upstream itself."""
import hashlib
import os
import time
import unittest
import uuid

from stack import Stack, openstack_front_config
from upstream_openstack import Upstream

def setUpModule():
    global upstream, front
    upstream = Upstream().start()
    try:
        # Keystone and Glance are all this upstream has: the other services are not mounted.
        front = Stack(config=openstack_front_config(upstream.identity_url, services=("identity", "image"),
                                                    extra="region_name = RegionOne\n")).start()
    except Exception:
        upstream.stop()
        raise
    front.password = upstream.admin.password


def tearDownModule():
    front.stop()
    upstream.stop()


def front_env(user, **extra):
    """`user`'s own openrc for the upstream, with OS_AUTH_URL pointed at Jumpgate."""
    env = upstream.env(user)
    env["OS_AUTH_URL"] = f"http://127.0.0.1:{front.port}/identity/v3"
    for k, v in extra.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


def front_token(user):
    return front.password_token(user.name, user.password, user.project)


class Identity(unittest.TestCase):
    def test_v3_token_issue_is_the_upstream_users(self):
        issued = front.cli("token", "issue", env=front_env(upstream.admin))
        admin = upstream.token(upstream.admin)
        _, _, users = upstream.request("GET", "/v3/users?name=admin", token=admin)
        _, _, projects = upstream.request("GET", "/v3/projects?name=admin", token=admin)
        self.assertEqual(issued["user_id"], users["users"][0]["id"])
        self.assertEqual(issued["project_id"], projects["projects"][0]["id"])
        _, _, body = front.get_json("/identity/v3/auth/tokens", headers={"X-Auth-Token": issued["id"],
                                                                         "X-Subject-Token": issued["id"]}, auth=False)
        self.assertEqual(body["token"]["user"]["name"], "admin")
        # The catalog lists what this deployment serves: identity and image, on Jumpgate's port.
        types = {s["type"]: s for s in body["token"]["catalog"]}
        self.assertEqual(set(types), {"identity", "image"})
        self.assertTrue(all(e["url"].startswith(f"http://127.0.0.1:{front.port}/")
                            for s in types.values() for e in s["endpoints"]))

    def test_keystone_v2_token_issue_over_a_keystone_without_v2(self):
        # The upstream has no v2.0 at all.
        self.assertEqual(upstream.request("POST", "/v2.0/tokens", {"auth": {}})[0], 404)
        env = front_env(upstream.member, OS_IDENTITY_API_VERSION="2.0",
                        OS_AUTH_URL=f"http://127.0.0.1:{front.port}/identity/v2.0",
                        OS_USER_DOMAIN_NAME=None, OS_PROJECT_DOMAIN_NAME=None)
        issued = front.cli("token", "issue", env=env)
        self.assertTrue(issued["id"])
        _, _, theirs = upstream.request("GET", "/v3/projects?name=demo", token=upstream.token(upstream.admin))
        self.assertEqual(issued["project_id"], theirs["projects"][0]["id"])

    def test_a_password_keystone_refuses_is_refused(self):
        status, _, _ = front.get_json("/identity/v3/auth/tokens", method="POST", auth=False, body={"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": "demo", "domain": {"id": "default"}, "password": "not-it"}}}}})
        self.assertEqual(status, 401)

    def test_the_members_policy_is_keystones(self):
        run = front.cli("user", "list", env=front_env(upstream.member), check=False)
        self.assertNotEqual(run.returncode, 0)
        self.assertIn("403", run.stderr)


class Images(unittest.TestCase):
    def test_glance_v2_create_upload_download_through_jumpgate(self):
        data = os.urandom(256 * 1024 + 3)
        token, _ = front_token(upstream.member)
        status, _, body = front.get_json("/image/v2/images", method="POST", auth=False,
                                         headers={"X-Auth-Token": token},
                                         body={"name": "through-jumpgate", "disk_format": "raw",
                                               "container_format": "bare"})
        self.assertEqual(status, 201, body)
        image_id = body["id"]
        status, _, _ = front.request("PUT", f"/image/v2/images/{image_id}/file", body=data, auth=False,
                                     headers={"X-Auth-Token": token, "Content-Type": "application/octet-stream"})
        self.assertEqual(status, 204)
        # What Glance keeps.
        status, _, theirs = upstream.request("GET", f"/v2/images/{image_id}", token=upstream.token(upstream.member),
                                             port=upstream.glance_port)
        self.assertEqual(status, 200)
        self.assertEqual((theirs["status"], theirs["size"], theirs["checksum"]),
                         ("active", len(data), hashlib.md5(data).hexdigest()))
        status, hdrs, got = front.request("GET", f"/image/v2/images/{image_id}/file", auth=False,
                                          headers={"X-Auth-Token": token})
        self.assertEqual(status, 200)
        self.assertEqual(got, data)
        self.assertEqual(hdrs["content-md5"], hashlib.md5(data).hexdigest())
        # The schema's and the list's links are Jumpgate's.
        status, _, body = front.get_json("/image/v2/images", auth=False, headers={"X-Auth-Token": token})
        self.assertIn(image_id, [i["id"] for i in body["images"]])
        self.assertEqual(front.request("DELETE", f"/image/v2/images/{image_id}", auth=False,
                                       headers={"X-Auth-Token": token})[0], 204)
        status, _, _ = upstream.request("GET", f"/v2/images/{image_id}", token=upstream.token(upstream.member),
                                        port=upstream.glance_port)
        self.assertEqual(status, 404)

    def test_the_openstack_client_on_images(self):
        env = front_env(upstream.member)
        path = os.path.join(front.state, "cli-image.bin")
        with open(path, "wb") as f:
            f.write(os.urandom(70000))
        made = front.cli("image", "create", "--file", path, "--disk-format", "raw", "--container-format", "bare",
                         "cli-through-jumpgate", env=env)
        listed = front.cli("image", "list", env=env)
        self.assertIn(made["id"], [i["ID"] for i in listed])
        theirs = upstream.cli(upstream.member, "image", "show", made["id"])
        self.assertEqual(theirs["status"], "active")
        with open(path, "rb") as f:
            self.assertEqual(theirs["checksum"], hashlib.md5(f.read()).hexdigest())
        front.cli("image", "delete", made["id"], env=env, parse=False)


def glance(path, user=None):
    """GET `path` of Glance's own API as `user` (the admin): (status, decoded JSON)."""
    status, _, body = upstream.request("GET", path, token=upstream.token(user or upstream.admin),
                                       port=upstream.glance_port)
    return status, body


class GlanceV1(unittest.TestCase):
    """Glance v1 (gone since Rocky) through Jumpgate, over a Glance that has only v2."""

    def setUp(self):
        self.token, _ = front_token(upstream.admin)

    def v1(self, method, path, body=None, headers=None):
        hdrs = dict(headers or {}, **{"X-Auth-Token": self.token})
        if body is not None:
            hdrs["Content-Type"] = "application/octet-stream"
        return front.request(method, "/image/v1/images" + path, body=body, headers=hdrs, auth=False)

    def test_versions_list_v1_beside_glances_own(self):
        status, _, body = front.get_json("/image/", auth=False)
        self.assertEqual(status, 300, body)
        _, _, theirs = upstream.request("GET", "/", port=upstream.glance_port)
        ids = [v["id"] for v in body["versions"]]
        self.assertNotIn("v1.0", [v["id"] for v in theirs["versions"]])
        self.assertEqual(ids, [v["id"] for v in theirs["versions"]] + ["v1.1", "v1.0"])
        self.assertEqual(body["versions"][-1]["links"][0]["href"], f"http://127.0.0.1:{front.port}/image/v1/")

    def test_create_list_head_download_update_delete(self):
        data = os.urandom(300_000)
        md5 = hashlib.md5(data).hexdigest()
        name = "v1-real-" + uuid.uuid4().hex[:6]
        status, hdrs, body = self.v1("POST", "", data, {
            "x-image-meta-name": name, "x-image-meta-disk_format": "qcow2", "x-image-meta-container_format": "bare",
            "x-image-meta-is-public": "True", "x-image-meta-min-ram": "512", "x-image-meta-checksum": md5,
            "x-image-meta-property-distro-name": "Debian 12"})
        self.assertEqual(status, 201, body)
        image_id = hdrs["location"].rsplit("/", 1)[1]
        _, held = glance(f"/v2/images/{image_id}")
        self.assertEqual({k: held[k] for k in ("name", "status", "visibility", "disk_format", "container_format",
                                               "min_ram", "size", "checksum", "distro_name")},
                         {"name": name, "status": "active", "visibility": "public", "disk_format": "qcow2",
                          "container_format": "bare", "min_ram": 512, "size": len(data), "checksum": md5,
                          "distro_name": "Debian 12"})

        for query in (f"?name={name}", f"?name={name}&disk_format=qcow2&container_format=bare&status=active",
                      f"?name={name}&property-distro_name=Debian%2012", f"?name={name}&size_min=1&size_max=300000",
                      f"?name={name}&sort_key=size&sort_dir=asc"):
            status, _, body = front.get_json("/image/v1/images/detail" + query, headers={"X-Auth-Token": self.token},
                                             auth=False)
            self.assertEqual(status, 200, body)
            self.assertEqual([(i["id"], i["is_public"], i["checksum"]) for i in body["images"]],
                             [(image_id, True, md5)], query)
        for query in (f"?name={name}&is_public=false", f"?name={name}&disk_format=raw",
                      f"?name={name}&property-distro_name=Debian", f"?name={name}&size_max=10"):
            status, _, body = front.get_json("/image/v1/images" + query, headers={"X-Auth-Token": self.token},
                                             auth=False)
            self.assertEqual((status, body["images"]), (200, []), query)

        status, hdrs, _ = self.v1("HEAD", f"/{image_id}")
        self.assertEqual(status, 200)
        self.assertEqual((hdrs["x-image-meta-name"], hdrs["x-image-meta-disk-format"], hdrs["x-image-meta-size"],
                          hdrs["x-image-meta-checksum"], hdrs["x-image-meta-is-public"], hdrs["etag"],
                          hdrs["x-image-meta-property-distro_name"]),
                         (name, "qcow2", str(len(data)), md5, "True", md5, "Debian 12"))
        status, hdrs, got = self.v1("GET", f"/{image_id}")
        self.assertEqual((status, hashlib.md5(got).hexdigest(), hdrs["etag"]), (200, md5, md5))

        status, _, body = self.v1("PUT", f"/{image_id}", headers={"x-image-meta-name": name + "-renamed",
                                                                   "x-image-meta-property-os": "linux"})
        self.assertEqual(status, 200, body)
        _, held = glance(f"/v2/images/{image_id}")
        self.assertEqual((held["name"], held["os"], held["distro_name"]), (name + "-renamed", "linux", "Debian 12"))
        self.assertEqual(self.v1("DELETE", f"/{image_id}")[0], 200)
        self.assertEqual(glance(f"/v2/images/{image_id}")[0], 404)

    def test_a_wrong_checksum_leaves_glance_nothing(self):
        data = os.urandom(200_000)
        wanted = str(uuid.uuid4())
        status, _, body = self.v1("POST", "", data, {
            "x-image-meta-id": wanted, "x-image-meta-name": "bad sum", "x-image-meta-disk_format": "raw",
            "x-image-meta-container_format": "bare", "x-image-meta-checksum": "0" * 32})
        self.assertEqual(status, 400, body)
        self.assertEqual(glance(f"/v2/images/{wanted}")[0], 404)
        status, hdrs, body = self.v1("POST", "", headers={
            "x-image-meta-name": "bad sum later", "x-image-meta-disk_format": "raw",
            "x-image-meta-container_format": "bare"})
        image_id = hdrs["location"].rsplit("/", 1)[1]
        self.assertEqual(self.v1("PUT", f"/{image_id}", data, {"x-image-meta-checksum": "0" * 32})[0], 400)
        # Glance sees the connection end short of the body and puts the image back in the queue.
        deadline = time.monotonic() + 10
        while glance(f"/v2/images/{image_id}")[1]["status"] == "saving" and time.monotonic() < deadline:
            time.sleep(0.2)
        _, held = glance(f"/v2/images/{image_id}")
        self.assertEqual((held["status"], held["size"], held["checksum"]), ("queued", None, None))
        self.assertEqual([f for f in os.listdir(os.path.join(upstream.dir, "images")) if f in (wanted, image_id)], [])
        self.assertEqual(self.v1("DELETE", f"/{image_id}")[0], 200)


if __name__ == "__main__":
    unittest.main()
