# SPDX-License-Identifier: Apache-2.0
"""The openstack driver in front of a real OpenStack: Debian's Keystone 22 and Glance 25 on loopback
(upstream_openstack.py), Jumpgate's identity and image services on the openstack driver. Clients of the API
versions the upstream dropped keep working (Keystone v2.0 over its v3), and every assertion of what a client did
through Jumpgate is checked again in the upstream itself."""
import hashlib
import os
import unittest

from stack import Stack
from upstream_openstack import Upstream

FRONT = """[general]
state_dir = {state}
module_dir = {module_dir}
log_file = {state}/log/jumpgate.log
[identity]
driver = openstack
[image]
driver = openstack
# Keystone and Glance are all this upstream has: the other services are not mounted.
[compute]
driver =
[volume]
driver =
[network]
driver =
[openstack]
auth_url = UPSTREAM
region_name = RegionOne
"""


def setUpModule():
    global upstream, front
    upstream = Upstream().start()
    try:
        front = Stack(config=FRONT.replace("UPSTREAM", upstream.identity_url)).start()
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
    status, hdrs, body = front.get_json("/identity/v3/auth/tokens", method="POST", auth=False, body={"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": user.name, "domain": {"id": "default"}, "password": user.password}}},
        "scope": {"project": {"name": user.project, "domain": {"id": "default"}}}}})
    assert status == 201, (status, body)
    return hdrs["x-subject-token"], body["token"]


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


if __name__ == "__main__":
    unittest.main()
