# SPDX-License-Identifier: Apache-2.0
"""The openstack driver: a Jumpgate (the front) in front of a second Jumpgate on the local driver (the upstream).
Every service of the front is the upstream's: users authenticate against the upstream, the front's tokens carry
the upstream's, and what a client does through the front is checked in the upstream itself."""
import hashlib
import http.client
import json
import os
import socket
import threading
import time
import unittest

from stack import Stack

FRONT = """[general]
state_dir = {state}
module_dir = {module_dir}
log_file = {state}/log/jumpgate.log
log_level = debug
[identity]
driver = openstack
[compute]
driver = openstack
[image]
driver = openstack
[volume]
driver = openstack
[network]
driver = openstack
[openstack]
auth_url = UPSTREAM
timeout = TIMEOUT
"""


def front_config(auth_url, timeout=30):
    return FRONT.replace("UPSTREAM", auth_url).replace("TIMEOUT", str(timeout))


def setUpModule():
    global upstream, front
    upstream = Stack().start()
    try:
        front = Stack(config=front_config(f"http://127.0.0.1:{upstream.port}/identity/v3")).start()
    except Exception:
        upstream.stop()
        raise
    front.password = upstream.password
    front.token = token(front, "admin", upstream.password, "admin")


def tearDownModule():
    front.stop()
    upstream.stop()


def token(stack, user, password, project=None):
    auth = {"identity": {"methods": ["password"], "password": {"user": {
        "name": user, "domain": {"id": "default"}, "password": password}}}}
    if project:
        auth["scope"] = {"project": {"name": project, "domain": {"id": "default"}}}
    status, hdrs, body = stack.get_json("/identity/v3/auth/tokens", method="POST", body={"auth": auth}, auth=False)
    assert status == 201, (status, body)
    return hdrs["x-subject-token"]


def urls_in(value):
    """Every string in a JSON value that reads as a URL."""
    if isinstance(value, dict):
        return [u for v in value.values() for u in urls_in(v)]
    if isinstance(value, list):
        return [u for v in value for u in urls_in(v)]
    return [value] if isinstance(value, str) and "://" in value else []


class Tokens(unittest.TestCase):
    def test_a_token_of_the_front_carries_the_upstreams(self):
        status, _, body = front.get_json("/identity/v3/auth/tokens", headers={"X-Subject-Token": front.token})
        self.assertEqual(status, 200, body)
        t = body["token"]
        # The same user and project as the upstream's admin, with the upstream's roles.
        _, _, theirs = upstream.get_json("/identity/v3/auth/tokens", headers={"X-Subject-Token": upstream.token})
        self.assertEqual(t["user"]["id"], theirs["token"]["user"]["id"])
        self.assertEqual(t["project"]["id"], theirs["token"]["project"]["id"])
        self.assertEqual(sorted(r["name"] for r in t["roles"]), sorted(r["name"] for r in theirs["token"]["roles"]))
        self.assertEqual(t["user"]["domain"], {"id": "default", "name": "Default"})
        # Not the upstream's token itself, which the upstream does not know.
        status, _, _ = upstream.get_json("/identity/v3/auth/tokens", headers={"X-Subject-Token": front.token})
        self.assertEqual(status, 404)
        # The catalog is the front's: every URL on its port.
        urls = urls_in(t["catalog"])
        self.assertTrue(urls)
        self.assertEqual({u.split("/")[2] for u in urls}, {f"127.0.0.1:{front.port}"})

    def test_wrong_password_and_unknown_project(self):
        status, _, _ = front.get_json("/identity/v3/auth/tokens", method="POST", auth=False, body={"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": "admin", "domain": {"id": "default"}, "password": "not-it"}}}}})
        self.assertEqual(status, 401)
        status, _, _ = front.get_json("/identity/v3/auth/tokens", method="POST", auth=False, body={"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": "admin", "domain": {"id": "default"}, "password": upstream.password}}},
            "scope": {"project": {"name": "no-such-project", "domain": {"id": "default"}}}}})
        self.assertEqual(status, 401)

    def test_keystone_v2_over_the_upstreams_v3(self):
        status, _, body = front.get_json("/identity/v2.0/tokens", method="POST", auth=False, body={"auth": {
            "passwordCredentials": {"username": "admin", "password": upstream.password}, "tenantName": "admin"}})
        self.assertEqual(status, 200, body)
        v2 = body["access"]["token"]["id"]
        urls = urls_in(body["access"]["serviceCatalog"])
        self.assertEqual({u.split("/")[2] for u in urls}, {f"127.0.0.1:{front.port}"})
        status, _, body = front.get_json("/compute/v2.1/flavors", headers={"X-Auth-Token": v2}, auth=False)
        self.assertEqual(status, 200, body)
        self.assertTrue(body["flavors"])

    def test_an_application_credential_made_and_used_through_the_front(self):
        _, _, body = front.get_json("/identity/v3/auth/tokens", headers={"X-Subject-Token": front.token})
        user_id, project_id = body["token"]["user"]["id"], body["token"]["project"]["id"]
        status, _, body = front.get_json(f"/identity/v3/users/{user_id}/application_credentials", method="POST",
                                         body={"application_credential": {"name": "front-cred"}})
        self.assertEqual(status, 201, body)
        cred = body["application_credential"]
        # Kept by the upstream, which answers for it.
        status, _, _ = upstream.get_json(f"/identity/v3/users/{user_id}/application_credentials/{cred['id']}")
        self.assertEqual(status, 200)
        status, hdrs, body = front.get_json("/identity/v3/auth/tokens", method="POST", auth=False, body={"auth": {
            "identity": {"methods": ["application_credential"],
                         "application_credential": {"id": cred["id"], "secret": cred["secret"]}}}})
        self.assertEqual(status, 201, body)
        self.assertEqual(body["token"]["project"]["id"], project_id)
        self.assertEqual(body["token"]["application_credential"]["id"], cred["id"])
        self.assertEqual(front.get_json("/compute/v2.1/flavors", headers={"X-Auth-Token": hdrs["x-subject-token"]},
                                        auth=False)[0], 200)
        status, _, _ = front.get_json("/identity/v3/auth/tokens", method="POST", auth=False, body={"auth": {
            "identity": {"methods": ["application_credential"],
                         "application_credential": {"id": cred["id"], "secret": "not-it"}}}})
        self.assertEqual(status, 401)

    def test_revoked_at_the_front_and_at_the_upstream(self):
        t = token(front, "admin", upstream.password, "admin")
        self.assertEqual(front.get_json("/compute/v2.1/servers", headers={"X-Auth-Token": t}, auth=False)[0], 200)
        status, _, _ = front.request("DELETE", "/identity/v3/auth/tokens", headers={"X-Subject-Token": t})
        self.assertEqual(status, 204)
        self.assertEqual(front.get_json("/identity/v3/auth/tokens", headers={"X-Subject-Token": t})[0], 404)
        self.assertEqual(front.get_json("/compute/v2.1/servers", headers={"X-Auth-Token": t}, auth=False)[0], 401)

    def test_password_change_through_the_front_ends_the_old_tokens(self):
        upstream.member("front-pw", password="first-secret")
        t = token(front, "front-pw-user", "first-secret", "front-pw")
        _, _, body = front.get_json("/identity/v3/auth/tokens", headers={"X-Subject-Token": t})
        user_id = body["token"]["user"]["id"]
        status, _, body = front.get_json(f"/identity/v3/users/{user_id}/password", method="POST", auth=False,
                                         headers={"X-Auth-Token": t},
                                         body={"user": {"original_password": "first-secret",
                                                        "password": "second-secret"}})
        self.assertEqual(status, 204, body)
        self.assertEqual(front.get_json("/compute/v2.1/servers", headers={"X-Auth-Token": t}, auth=False)[0], 401)
        # The upstream revokes every token issued up to the end of the change's second, as Keystone does.
        time.sleep(1.1)
        token(front, "front-pw-user", "second-secret", "front-pw")


class Passthrough(unittest.TestCase):
    def test_version_discovery_needs_no_token_on_any_worker(self):
        # A client discovers versions before it authenticates: every worker knows the upstream's services once one
        # has seen its catalog (the admin's token, in setUpModule).
        for _ in range(2 * front.workers + 1):
            status, _, body = front.get_json("/image/", auth=False)
            self.assertEqual(status, 300, body)
            self.assertTrue(all(link["href"].startswith(f"http://127.0.0.1:{front.port}/image/")
                                for v in body["versions"] for link in v["links"]))
            status, _, body = front.get_json("/compute/", auth=False)
            self.assertEqual(status, 200, body)

    def test_a_server_made_through_the_front_is_the_upstreams(self):
        flavor = front.get_json("/compute/v2.1/flavors")[2]["flavors"][0]["id"]
        image = upstream.public_image("front-server-image")
        status, hdrs, body = front.get_json("/compute/v2.1/servers", method="POST", body={"server": {
            "name": "through-the-front", "flavorRef": flavor, "imageRef": image, "networks": "none"}},
            headers={"OpenStack-API-Version": "compute 2.37"})
        self.assertEqual(status, 202, body)
        server_id = body["server"]["id"]
        # The upstream's URLs are the front's, in headers and bodies.
        self.assertTrue(hdrs["location"].startswith(f"http://127.0.0.1:{front.port}/compute/"), hdrs["location"])
        for url in urls_in(body):
            self.assertIn(f"127.0.0.1:{front.port}", url)
        status, _, theirs = upstream.get_json(f"/compute/v2.1/servers/{server_id}")
        self.assertEqual(status, 200)
        self.assertEqual(theirs["server"]["name"], "through-the-front")
        status, _, _ = front.request("DELETE", f"/compute/v2.1/servers/{server_id}")
        self.assertEqual(status, 204)
        deadline = time.monotonic() + 30
        while upstream.get_json(f"/compute/v2.1/servers/{server_id}")[0] != 404:
            self.assertLess(time.monotonic(), deadline, "the upstream kept the server")
            time.sleep(0.2)

    def test_image_data_goes_both_ways_whole(self):
        data = os.urandom(3 * 1024 * 1024 + 17)
        status, _, body = front.get_json("/image/v2/images", method="POST", body={
            "name": "front-bytes", "disk_format": "raw", "container_format": "bare"})
        self.assertEqual(status, 201, body)
        image_id = body["id"]
        self.assertEqual(body["self"], f"/v2/images/{image_id}")
        status, _, _ = front.request("PUT", f"/image/v2/images/{image_id}/file", body=data,
                                     headers={"Content-Type": "application/octet-stream"})
        self.assertEqual(status, 204)
        _, _, theirs = upstream.get_json(f"/image/v2/images/{image_id}")
        self.assertEqual(theirs["checksum"], hashlib.md5(data).hexdigest())
        self.assertEqual(theirs["size"], len(data))
        status, hdrs, got = front.request("GET", f"/image/v2/images/{image_id}/file")
        self.assertEqual(status, 200)
        self.assertEqual(got, data)
        self.assertEqual(hdrs["content-md5"], hashlib.md5(data).hexdigest())
        self.assertEqual(front.request("DELETE", f"/image/v2/images/{image_id}")[0], 204)
        self.assertEqual(upstream.get_json(f"/image/v2/images/{image_id}")[0], 404)

    def test_volumes_and_networks_are_the_upstreams(self):
        _, _, body = front.get_json("/identity/v3/auth/tokens", headers={"X-Subject-Token": front.token})
        project = body["token"]["project"]["id"]
        status, _, body = front.get_json(f"/volume/v3/{project}/volumes", method="POST",
                                         body={"volume": {"size": 1, "name": "front-volume"}})
        self.assertEqual(status, 202, body)
        volume_id = body["volume"]["id"]
        status, _, theirs = upstream.get_json(f"/volume/v3/{project}/volumes/{volume_id}")
        self.assertEqual(status, 200)
        self.assertEqual(theirs["volume"]["name"], "front-volume")
        status, _, ours = front.get_json("/network/v2.0/networks")
        self.assertEqual(status, 200)
        _, _, theirs = upstream.get_json("/network/v2.0/networks")
        self.assertEqual(sorted(n["id"] for n in ours["networks"]), sorted(n["id"] for n in theirs["networks"]))

    def test_another_project_sees_nothing_of_ones(self):
        upstream.member("front-a")
        upstream.member("front-b")
        a = token(front, "front-a-user", "member-secret", "front-a")
        b = token(front, "front-b-user", "member-secret", "front-b")
        status, _, body = front.get_json("/image/v2/images", method="POST", headers={"X-Auth-Token": a}, auth=False,
                                         body={"name": "a-private", "disk_format": "raw", "container_format": "bare"})
        self.assertEqual(status, 201, body)
        image_id = body["id"]
        self.assertEqual(front.get_json(f"/image/v2/images/{image_id}", headers={"X-Auth-Token": b},
                                        auth=False)[0], 404)
        status, _, body = front.get_json("/image/v2/images", headers={"X-Auth-Token": b}, auth=False)
        self.assertNotIn(image_id, [i["id"] for i in body["images"]])
        self.assertEqual(front.request("DELETE", f"/image/v2/images/{image_id}", headers={"X-Auth-Token": b},
                                       auth=False)[0], 404)
        self.assertEqual(front.get_json(f"/image/v2/images/{image_id}", headers={"X-Auth-Token": a},
                                        auth=False)[0], 200)

    def test_the_openstack_client_through_the_front(self):
        env = front.env()
        issued = front.cli("token", "issue", env=env)
        self.assertEqual(issued["project_id"], front.cli("project", "show", "admin", env=env)["id"])
        v2 = front.cli("token", "issue", env=front.env(OS_IDENTITY_API_VERSION="2.0",
                                                       OS_AUTH_URL=f"http://127.0.0.1:{front.port}/identity/v2.0",
                                                       OS_USER_DOMAIN_NAME=None, OS_PROJECT_DOMAIN_NAME=None))
        self.assertTrue(v2["id"])
        names = {f["Name"] for f in front.cli("flavor", "list", env=env)}
        self.assertEqual(names, {f["name"] for f in upstream.get_json("/compute/v2.1/flavors")[2]["flavors"]})
        front.cli("image", "list", env=env)
        front.cli("network", "list", env=env)
        front.cli("volume", "list", env=env)


class Faults(unittest.TestCase):
    def test_an_upstream_that_is_not_there_is_503(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        stack = Stack(config=front_config(f"http://127.0.0.1:{port}/identity/v3")).start()
        try:
            status, _, body = stack.get_json("/identity/v3/auth/tokens", method="POST", auth=False, body={"auth": {
                "identity": {"methods": ["password"], "password": {"user": {
                    "name": "admin", "domain": {"id": "default"}, "password": "x"}}}}})
            self.assertEqual(status, 503, body)
            self.assertIn(f"upstream http://127.0.0.1:{port} cannot be reached", stack.log())
        finally:
            stack.stop()

    def test_an_upstream_that_does_not_answer_is_503_after_the_timeout(self):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        held = []
        threading.Thread(target=lambda: [held.append(listener.accept()) for _ in range(4)], daemon=True).start()
        stack = Stack(config=front_config(f"http://127.0.0.1:{port}/identity/v3", timeout=2)).start()
        try:
            status, _, body = stack.get_json("/identity/v3/auth/tokens", method="POST", auth=False, body={"auth": {
                "identity": {"methods": ["password"], "password": {"user": {
                    "name": "admin", "domain": {"id": "default"}, "password": "x"}}}}})
            self.assertEqual(status, 503, body)
            self.assertIn(f"upstream http://127.0.0.1:{port} did not answer POST within 2 s", stack.log())
        finally:
            stack.stop()
            listener.close()
            for conn, _ in held:
                conn.close()

    def test_a_slow_upload_is_not_an_upstream_that_does_not_answer(self):
        # The upstream has the timeout to answer from the last byte it was sent, not from the first.
        stack = Stack(config=front_config(f"http://127.0.0.1:{upstream.port}/identity/v3", timeout=2)).start()
        try:
            t = token(stack, "admin", upstream.password, "admin")
            status, _, body = stack.get_json("/image/v1/images", method="POST", auth=False, headers={
                "X-Auth-Token": t, "x-image-meta-name": "slow", "x-image-meta-disk_format": "raw",
                "x-image-meta-container_format": "bare"})
            self.assertEqual(status, 201, body)
            image_id = body["image"]["id"]
            pieces = [os.urandom(64 * 1024) for _ in range(5)]
            conn = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=60)
            conn.putrequest("PUT", f"/image/v1/images/{image_id}")
            for name, value in (("X-Auth-Token", t), ("Content-Type", "application/octet-stream"),
                                ("Content-Length", str(sum(map(len, pieces))))):
                conn.putheader(name, value)
            conn.endheaders()
            for piece in pieces:
                conn.send(piece)
                time.sleep(1)
            resp = conn.getresponse()
            body = resp.read()
            conn.close()
            self.assertEqual(resp.status, 200, body)
            self.assertEqual(json.loads(body)["image"]["status"], "active")
            _, _, held = upstream.get_json(f"/image/v2/images/{image_id}")
            self.assertEqual(held["checksum"], hashlib.md5(b"".join(pieces)).hexdigest())
            self.assertEqual(stack.request("DELETE", f"/image/v1/images/{image_id}", headers={"X-Auth-Token": t},
                                           auth=False)[0], 200)
        finally:
            stack.stop()


if __name__ == "__main__":
    unittest.main()
