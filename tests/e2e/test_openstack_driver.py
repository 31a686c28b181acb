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
import uuid

from stack import Stack, openstack_front_config


def front_config(auth_url, timeout=30):
    return openstack_front_config(auth_url, extra=f"timeout = {timeout}\n")


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
    return stack.password_token(user, password, project)[0]


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

    def test_a_microversion_is_capped_at_the_upstreams_maximum(self):
        _, _, doc = upstream.get_json("/compute/v2.1/", auth=False)
        most = doc["version"]["version"]
        major, minor = map(int, most.split("."))

        def versions_answered(asked):
            conn = http.client.HTTPConnection("127.0.0.1", front.port, timeout=30)
            conn.request("GET", "/compute/v2.1/flavors", headers={"X-Auth-Token": front.token,
                                                                  "OpenStack-API-Version": asked})
            resp = conn.getresponse()
            resp.read()
            conn.close()
            return resp.status, [v for k, v in resp.getheaders() if k.lower() == "openstack-api-version"]

        # Past the front's own maximum too: the upstream's is what counts, and the client is told the one served.
        self.assertEqual(versions_answered(f"compute {major}.{minor + 50}"), (200, [f"compute {most}"]))
        self.assertEqual(versions_answered("compute latest"), (200, [f"compute {most}"]))
        self.assertEqual(versions_answered("volume 3.5, compute 2.10"), (200, ["compute 2.10"]))
        self.assertEqual(versions_answered("compute 1.1")[0], 406)
        self.assertEqual(versions_answered("compute two")[0], 400)

    def test_a_dot_segment_names_nothing_upstream(self):
        # The upstream's URL parser would climb out of the matched resource with it.
        _, _, body = front.get_json("/identity/v3/auth/tokens", headers={"X-Subject-Token": front.token})
        project = body["token"]["project"]["id"]
        for value in ("..", "%2e%2e", ".%2E", "."):
            status, _, _ = front.request("GET", f"/compute/v2.1/servers/{value}")
            self.assertEqual(status, 404, value)
            # Served over the upstream's current versions by the typed drivers: their ids are path segments too.
            for path in (f"/volume/v2/{project}/volumes/{value}", f"/image/v1/images/{value}"):
                self.assertEqual(front.request("GET", path)[0], 404, path)
        self.assertEqual(front.request("GET", "/compute/v2.1/servers")[0], 200)

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


def v1_post(headers, data=None, token=None):
    """POST /v1/images through the front: metadata as headers, `data` the image's bytes."""
    hdrs = dict(headers)
    if data is not None:
        hdrs["Content-Type"] = "application/octet-stream"
    if token:
        hdrs["X-Auth-Token"] = token
    return front.get_json("/image/v1/images", method="POST", headers=hdrs, body=data, auth=not token)


def theirs(image_id):
    """The image as the upstream's Glance v2 holds it: (status, record)."""
    status, _, body = upstream.get_json(f"/image/v2/images/{image_id}")
    return status, body


def stored_files(image_id):
    """The files of the upstream's image store that hold (part of) the image's data."""
    store = os.path.join(upstream.state, "images")
    return [name for name in os.listdir(store) if image_id in name] if os.path.isdir(store) else []


def settled(predicate, seconds=10):
    """Whether `predicate` comes true within `seconds`: the upstream learns that an upload was cut short only when
    its own server sees the connection end, a moment after the front has answered."""
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


class GlanceV1OverV2(unittest.TestCase):
    """Glance v1 through the front is the core's, over the driver's calls to the upstream's Glance v2: each change is
    checked in what the upstream then holds, through its v2 API."""

    def test_create_with_headers_and_data_then_head_download_and_v2(self):
        data = os.urandom(300_000)
        md5 = hashlib.md5(data).hexdigest()
        # A v1 client spells multi-word fields with underscores (nginx passes them: underscores_in_headers).
        status, hdrs, body = v1_post({"x-image-meta-name": "v1 over v2", "x-image-meta-disk_format": "qcow2",
                                      "x-image-meta-container_format": "bare", "x-image-meta-is-public": "True",
                                      "x-image-meta-min-ram": "512", "x-image-meta-size": str(len(data)),
                                      "x-image-meta-checksum": md5,
                                      "x-image-meta-property-distro-name": "Debian 12"}, data)
        self.assertEqual(status, 201, body)
        image = body["image"]
        self.assertEqual((image["status"], image["size"], image["checksum"], image["is_public"]),
                         ("active", len(data), md5, True))
        self.assertEqual((image["disk_format"], image["container_format"], image["min_ram"]), ("qcow2", "bare", 512))
        self.assertEqual(image["properties"], {"distro_name": "Debian 12"})
        self.assertEqual(hdrs["location"], f"http://127.0.0.1:{front.port}/image/v1/images/{image['id']}")
        status, held = theirs(image["id"])
        self.assertEqual(status, 200)
        self.assertEqual({k: held[k] for k in ("name", "status", "visibility", "disk_format", "container_format",
                                               "min_ram", "size", "checksum", "distro_name")},
                         {"name": "v1 over v2", "status": "active", "visibility": "public", "disk_format": "qcow2",
                          "container_format": "bare", "min_ram": 512, "size": len(data), "checksum": md5,
                          "distro_name": "Debian 12"})

        status, hdrs, _ = front.request("HEAD", f"/image/v1/images/{image['id']}")
        self.assertEqual(status, 200)
        self.assertEqual({k: hdrs.get(k) for k in ("x-image-meta-name", "x-image-meta-disk-format",
                                                   "x-image-meta-container-format", "x-image-meta-size",
                                                   "x-image-meta-checksum", "x-image-meta-is-public",
                                                   "x-image-meta-status", "x-image-meta-min-ram",
                                                   "x-image-meta-property-distro_name", "etag")},
                         {"x-image-meta-name": "v1 over v2", "x-image-meta-disk-format": "qcow2",
                          "x-image-meta-container-format": "bare", "x-image-meta-size": str(len(data)),
                          "x-image-meta-checksum": md5, "x-image-meta-is-public": "True",
                          "x-image-meta-status": "active", "x-image-meta-min-ram": "512",
                          "x-image-meta-property-distro_name": "Debian 12", "etag": md5})
        self.assertTrue(hdrs["x-image-meta-created_at"].startswith(held["created_at"][:19]))

        status, hdrs, got = front.request("GET", f"/image/v1/images/{image['id']}")
        self.assertEqual(status, 200)
        self.assertEqual(hashlib.md5(got).hexdigest(), md5)
        self.assertEqual(got, data)
        self.assertEqual((hdrs["etag"], hdrs["x-image-meta-checksum"], hdrs["content-length"]),
                         (md5, md5, str(len(data))))

        # The upstream was asked in Glance v2 only.
        access = upstream.log("nginx-access.log")
        self.assertIn(f'method=PUT path="/image/v2/images/{image["id"]}/file"', access)
        self.assertNotIn("/image/v1/", access)
        # Glance v2 through the front stays the upstream's own answer, byte for byte.
        path = f"/image/v2/images/{image['id']}"
        self.assertEqual(front.request("GET", path)[2], upstream.request("GET", path)[2])
        self.assertEqual(front.request("DELETE", f"/image/v1/images/{image['id']}")[0], 200)
        self.assertEqual(theirs(image["id"])[0], 404)
        self.assertEqual(front.request("HEAD", f"/image/v1/images/{image['id']}")[0], 404)

    def test_lists_filter_and_sort_as_v1_does(self):
        prefix = "v1os-" + uuid.uuid4().hex[:6]
        made = {}
        for name, size, disk, os_name in (("b", 30, "qcow2", "windows"), ("a", 10, "raw", "linux"),
                                          ("c", 20, "raw", "linux")):
            status, _, body = v1_post({"x-image-meta-name": f"{prefix}-{name}", "x-image-meta-is-public": "true",
                                       "x-image-meta-disk-format": disk, "x-image-meta-container-format": "bare",
                                       "x-image-meta-property-os": os_name}, b"x" * size)
            self.assertEqual(status, 201, body)
            made[name] = body["image"]["id"]
        status, _, body = v1_post({"x-image-meta-name": f"{prefix}-private"})
        self.assertEqual(status, 201, body)
        private = body["image"]["id"]

        def names(query, path="/image/v1/images"):
            status, _, body = front.get_json(path + query)
            self.assertEqual(status, 200, body)
            return [i["name"][len(prefix) + 1:] for i in body["images"] if i["name"].startswith(prefix)]

        # Without is_public, every image the caller may see, as Glance v1 lists them.
        self.assertEqual(names("?sort_key=name&sort_dir=asc&limit=1000"), ["a", "b", "c", "private"])
        self.assertEqual(names("?is_public=true&sort_key=name&sort_dir=desc&limit=1000"), ["c", "b", "a"])
        self.assertEqual(names("?is_public=true&sort_key=size&sort_dir=desc&limit=1000"), ["b", "c", "a"])
        self.assertEqual(names("?sort_key=size&sort_dir=asc&size_min=15&size_max=25"), ["c"])
        self.assertEqual(names(f"?name={prefix}-a"), ["a"])
        self.assertEqual(names("?disk_format=qcow2&limit=1000"), ["b"])
        self.assertEqual(names("?container_format=bare&status=active&sort_key=name&sort_dir=asc&limit=1000"),
                         ["a", "b", "c"])
        self.assertEqual(names("?property-os=linux&sort_key=name&sort_dir=asc&limit=1000"), ["a", "c"])
        self.assertEqual(names("?property-os=linux&sort_key=name&sort_dir=asc&limit=1000", "/image/v1/images/detail"),
                         ["a", "c"])
        # Public or not: what Glance v2 cannot filter on, filtered by the front.
        self.assertEqual(sorted(names("?is_public=true&limit=1000")), ["a", "b", "c"])
        self.assertEqual(names("?is_public=false&status=queued&limit=1000"), ["private"])
        self.assertEqual(sorted(names("?is_public=none&limit=1000")), ["a", "b", "c", "private"])
        # A page after a marker, in the order asked.
        self.assertEqual(names(f"?sort_key=name&sort_dir=asc&limit=1&marker={made['a']}"), ["b"])
        self.assertEqual(names(f"?sort_key=name&sort_dir=asc&limit=2&marker={made['a']}&name={prefix}-c"), ["c"])
        self.assertEqual(front.get_json("/image/v1/images?marker=" + str(uuid.uuid4()))[0], 400)
        self.assertEqual(front.get_json("/image/v1/images?sort_key=colour")[0], 400)

        _, _, brief = front.get_json(f"/image/v1/images?name={prefix}-a")
        self.assertEqual(set(brief["images"][0]), {"id", "name", "disk_format", "container_format", "size",
                                                   "checksum"})
        _, _, detail = front.get_json(f"/image/v1/images/detail?name={prefix}-a")
        image = detail["images"][0]
        self.assertEqual((image["id"], image["is_public"], image["status"], image["size"], image["properties"]),
                         (made["a"], True, "active", 10, {"os": "linux"}))
        self.assertEqual(image["checksum"], hashlib.md5(b"x" * 10).hexdigest())
        # The same images as the upstream's own v2 list.
        _, _, held = upstream.get_json(f"/image/v2/images?os=linux&visibility=public&sort_key=name&sort_dir=asc")
        self.assertEqual([i["id"] for i in held["images"] if i["name"].startswith(prefix)], [made["a"], made["c"]])
        for image_id in [*made.values(), private]:
            self.assertEqual(front.request("DELETE", f"/image/v1/images/{image_id}")[0], 200)

    def test_reserve_update_with_headers_upload_and_delete(self):
        status, _, body = v1_post({"x-image-meta-name": "reserved", "x-image-meta-disk_format": "raw",
                                   "x-image-meta-container_format": "bare"})
        self.assertEqual((status, body["image"]["status"]), (201, "queued"))
        image_id = body["image"]["id"]
        path = f"/image/v1/images/{image_id}"
        self.assertEqual(theirs(image_id)[1]["status"], "queued")

        status, _, body = front.get_json(path, method="PUT", headers={
            "x-image-meta-name": "renamed", "x-image-meta-min-disk": "3", "x-image-meta-property-os": "linux",
            "x-image-meta-property-arch": "x86_64"})
        self.assertEqual(status, 200, body)
        self.assertEqual((body["image"]["name"], body["image"]["min_disk"], body["image"]["properties"]),
                         ("renamed", 3, {"os": "linux", "arch": "x86_64"}))
        held = theirs(image_id)[1]
        self.assertEqual((held["name"], held["min_disk"], held["os"], held["arch"]), ("renamed", 3, "linux", "x86_64"))
        status, _, body = front.get_json(path, method="PUT", headers={"x-image-meta-property-os": "bsd"})
        self.assertEqual((status, body["image"]["properties"]["os"]), (200, "bsd"))
        self.assertEqual(theirs(image_id)[1]["os"], "bsd")

        data = os.urandom(70_000)
        status, _, body = front.get_json(path, method="PUT", body=data,
                                         headers={"Content-Type": "application/octet-stream"})
        self.assertEqual((status, body["image"]["status"], body["image"]["size"]), (200, "active", len(data)))
        held = theirs(image_id)[1]
        self.assertEqual((held["status"], held["size"], held["checksum"]),
                         ("active", len(data), hashlib.md5(data).hexdigest()))
        status, _, _ = front.get_json(path, method="PUT", body=b"again",
                                      headers={"Content-Type": "application/octet-stream"})
        self.assertEqual(status, 409)
        self.assertEqual(theirs(image_id)[1]["size"], len(data))

        self.assertEqual(front.get_json(path, method="PUT", headers={"x-image-meta-protected": "True"})[0], 200)
        self.assertTrue(theirs(image_id)[1]["protected"])
        self.assertEqual(front.request("DELETE", path)[0], 403)
        self.assertEqual(theirs(image_id)[0], 200)
        self.assertEqual(front.get_json(path, method="PUT", headers={"x-image-meta-protected": "False"})[0], 200)
        self.assertEqual(front.request("DELETE", path)[0], 200)
        self.assertEqual(theirs(image_id)[0], 404)
        self.assertEqual(stored_files(image_id), [])

    def test_a_wrong_checksum_is_refused_and_the_upstream_keeps_nothing(self):
        data = os.urandom(500_000)
        wanted = str(uuid.uuid4())
        status, _, body = v1_post({"x-image-meta-id": wanted, "x-image-meta-name": "bad sum",
                                   "x-image-meta-disk_format": "raw", "x-image-meta-container_format": "bare",
                                   "x-image-meta-checksum": hashlib.md5(b"other").hexdigest()}, data)
        self.assertEqual(status, 400, body)
        self.assertIn(b"Checksum of the uploaded data", body)
        self.assertEqual(theirs(wanted)[0], 404)
        self.assertTrue(settled(lambda: stored_files(wanted) == []), stored_files(wanted))
        # The transfer was cut before its last bytes: the upstream never took the data.
        puts = [line for line in upstream.log("nginx-access.log").splitlines()
                if f'method=PUT path="/image/v2/images/{wanted}' in line]
        self.assertEqual(len(puts), 1, puts)
        self.assertNotIn(" status=204 ", puts[0])
        self.assertEqual(front.request("HEAD", f"/image/v1/images/{wanted}")[0], 404)

        # Data sent later to a reserved image: refused, the image is left queued with nothing, and takes good data.
        status, _, body = v1_post({"x-image-meta-name": "bad sum later", "x-image-meta-disk_format": "raw",
                                   "x-image-meta-container_format": "bare"})
        image_id = body["image"]["id"]
        path = f"/image/v1/images/{image_id}"
        status, _, body = front.get_json(path, method="PUT", body=data, headers={
            "Content-Type": "application/octet-stream", "x-image-meta-checksum": "0" * 32})
        self.assertEqual(status, 400, body)
        self.assertTrue(settled(lambda: theirs(image_id)[1]["status"] == "queued"), theirs(image_id))
        held = theirs(image_id)[1]
        self.assertEqual((held["size"], held["checksum"]), (None, None))
        self.assertTrue(settled(lambda: stored_files(image_id) == []), stored_files(image_id))
        status, _, body = front.get_json(path, method="PUT", body=data, headers={
            "Content-Type": "application/octet-stream", "x-image-meta-checksum": hashlib.md5(data).hexdigest()})
        self.assertEqual((status, body["image"]["status"]), (200, "active"))
        self.assertEqual(theirs(image_id)[1]["checksum"], hashlib.md5(data).hexdigest())
        self.assertEqual(front.request("DELETE", path)[0], 200)

    def test_refusals_come_back_in_glances_shape(self):
        missing = str(uuid.uuid4())
        status, hdrs, body = front.request("GET", f"/image/v1/images/{missing}")
        self.assertEqual(status, 404)
        self.assertIn(b"404 Not Found", body)
        self.assertTrue(hdrs["content-type"].startswith("text/html"))
        # The upstream's 409 for a taken id, and a property Glance v2 cannot have.
        taken = v1_post({"x-image-meta-name": "taken"})[2]["image"]["id"]
        self.assertEqual(v1_post({"x-image-meta-id": taken})[0], 409)
        status, _, body = v1_post({"x-image-meta-name": "odd", "x-image-meta-property-size": "5"})
        self.assertEqual(status, 400, body)
        self.assertIn(b"attribute of Glance v2", body)
        self.assertEqual(front.request("DELETE", f"/image/v1/images/{taken}")[0], 200)

    def test_memberships_are_the_upstreams_members(self):
        project_id = upstream.member("v1-member")[0]
        member = token(front, "v1-member-user", "member-secret", "v1-member")
        image_id = v1_post({"x-image-meta-name": "v1 shared"})[2]["image"]["id"]
        members = f"/image/v1/images/{image_id}/members"
        self.assertEqual(front.request("HEAD", f"/image/v1/images/{image_id}", headers={"X-Auth-Token": member},
                                       auth=False)[0], 404)
        self.assertEqual(front.request("PUT", f"{members}/{project_id}")[0], 204)
        _, _, held = upstream.get_json(f"/image/v2/images/{image_id}/members")
        self.assertEqual([(m["member_id"], m["status"]) for m in held["members"]], [(project_id, "pending")])
        self.assertEqual(front.get_json(members)[2], {"members": [{"member_id": project_id, "can_share": False}]})
        status, _, shared = front.get_json(f"/image/v1/shared-images/{project_id}", headers={"X-Auth-Token": member},
                                           auth=False)
        self.assertEqual(status, 200, shared)
        self.assertEqual(shared["shared_images"], [{"image_id": image_id, "can_share": False}])
        self.assertEqual(front.request("HEAD", f"/image/v1/images/{image_id}", headers={"X-Auth-Token": member},
                                       auth=False)[0], 200)
        # Glance v2 has no can_share: asked for, it is refused, not dropped.
        status, _, _ = front.get_json(f"{members}/{project_id}", method="PUT", body={"member": {"can_share": True}})
        self.assertEqual(status, 400)
        self.assertEqual(front.request("DELETE", f"{members}/{project_id}")[0], 204)
        self.assertEqual(upstream.get_json(f"/image/v2/images/{image_id}/members")[2]["members"], [])
        self.assertEqual(front.request("DELETE", f"{members}/{project_id}")[0], 404)
        self.assertEqual(front.request("DELETE", f"/image/v1/images/{image_id}")[0], 200)

    def test_versions_list_v1_and_the_upstreams_v2(self):
        status, _, body = front.get_json("/image/", auth=False)
        self.assertEqual(status, 300, body)
        ids = [v["id"] for v in body["versions"]]
        self.assertIn("v1.0", ids)
        self.assertIn("v1.1", ids)
        _, _, held = upstream.get_json("/image/", auth=False)
        self.assertEqual([i for i in ids if i.startswith("v2")], [v["id"] for v in held["versions"]
                                                                  if v["id"].startswith("v2")])
        v1 = next(v for v in body["versions"] if v["id"] == "v1.0")
        self.assertEqual(v1["links"][0]["href"], f"http://127.0.0.1:{front.port}/image/v1/")


class CinderV1V2OverV3(unittest.TestCase):
    """Cinder v1 and v2 through the front are the core's, over the driver's calls to the upstream's Cinder v3 (the
    only version a current Cinder has): each change is checked in what the upstream's v3 then holds, and the
    upstream's access log shows that it was asked for nothing but v3."""

    def wait(self, path, key, wanted):
        for _ in range(100):
            status, _, body = upstream.get_json(path)
            if (wanted is None and status == 404) or (status == 200 and body[key]["status"] == wanted):
                return
            time.sleep(0.1)
        self.fail(f"{path} never became {wanted}")

    def test_volumes_and_snapshots_through_v1_and_v2(self):
        _, _, body = front.get_json("/identity/v3/auth/tokens", headers={"X-Subject-Token": front.token})
        project = body["token"]["project"]["id"]
        v1, v2, v3 = (f"/volume/{v}/{project}" for v in ("v1", "v2", "v3"))
        seen = len(upstream.log("nginx-access.log"))

        status, _, body = front.get_json(f"{v1}/volumes", method="POST", body={"volume": {
            "size": 1, "display_name": "made by v1", "display_description": "old", "metadata": {"tier": "gold"}}})
        self.assertEqual(status, 202, body)
        volume_id = body["volume"]["id"]
        self.assertEqual(body["volume"]["display_name"], "made by v1")
        status, _, held = upstream.get_json(f"{v3}/volumes/{volume_id}")
        self.assertEqual(status, 200, held)
        self.assertEqual((held["volume"]["name"], held["volume"]["description"], held["volume"]["metadata"]),
                         ("made by v1", "old", {"tier": "gold"}))
        self.wait(f"{v3}/volumes/{volume_id}", "volume", "available")

        status, _, body = front.get_json(f"{v2}/volumes/{volume_id}")
        self.assertEqual((status, body["volume"]["name"], body["volume"]["status"]), (200, "made by v1", "available"))
        status, _, body = front.get_json(f"{v2}/volumes/{volume_id}", method="PUT",
                                         body={"volume": {"name": "renamed by v2"}})
        self.assertEqual(status, 200, body)
        status, _, body = front.get_json(f"{v2}/volumes/{volume_id}/metadata", method="POST",
                                         body={"metadata": {"owner": "ops"}})
        self.assertEqual((status, body["metadata"]), (200, {"tier": "gold", "owner": "ops"}))
        held = upstream.get_json(f"{v3}/volumes/{volume_id}")[2]["volume"]
        self.assertEqual((held["name"], held["metadata"]), ("renamed by v2", {"tier": "gold", "owner": "ops"}))

        status, _, body = front.get_json(f"{v2}/volumes/detail?name=renamed%20by%20v2")
        self.assertEqual([v["id"] for v in body["volumes"]], [volume_id])
        status, _, body = front.get_json(f"{v1}/volumes/detail")
        self.assertIn(("renamed by v2", volume_id), [(v["display_name"], v["id"]) for v in body["volumes"]])
        status, _, body = front.get_json(f"{v2}/volumes?status=error")
        self.assertNotIn(volume_id, [v["id"] for v in body["volumes"]])

        status, _, body = front.get_json(f"{v2}/snapshots", method="POST", body={"snapshot": {
            "volume_id": volume_id, "name": "snap by v2"}})
        self.assertEqual(status, 202, body)
        snapshot_id = body["snapshot"]["id"]
        self.assertEqual(upstream.get_json(f"{v3}/snapshots/{snapshot_id}")[2]["snapshot"]["volume_id"], volume_id)
        self.wait(f"{v3}/snapshots/{snapshot_id}", "snapshot", "available")
        status, _, body = front.get_json(f"{v1}/snapshots/detail")
        self.assertIn(("snap by v2", volume_id), [(s["display_name"], s["volume_id"]) for s in body["snapshots"]])
        # A volume with snapshots stays, as Cinder's answer says; with them gone it goes.
        self.assertEqual(front.request("DELETE", f"{v1}/volumes/{volume_id}")[0], 400)
        self.assertEqual(front.request("DELETE", f"{v2}/snapshots/{snapshot_id}")[0], 202)
        self.wait(f"{v3}/snapshots/{snapshot_id}", "snapshot", None)

        status, _, ours = front.get_json(f"{v2}/types")
        _, _, theirs = upstream.get_json(f"{v3}/types")
        self.assertEqual(sorted(t["name"] for t in ours["volume_types"]),
                         sorted(t["name"] for t in theirs["volume_types"]))
        _, _, ours = front.get_json(f"{v2}/os-availability-zone")
        _, _, theirs = upstream.get_json(f"{v3}/os-availability-zone")
        self.assertEqual(ours["availabilityZoneInfo"], theirs["availabilityZoneInfo"])
        _, _, ours = front.get_json(f"{v2}/limits")
        self.assertEqual(ours["limits"]["absolute"]["maxTotalVolumes"],
                         upstream.get_json(f"{v3}/os-quota-sets/{project}")[2]["quota_set"]["volumes"])

        self.assertEqual(front.request("DELETE", f"{v1}/volumes/{volume_id}")[0], 202)
        self.wait(f"{v3}/volumes/{volume_id}", "volume", None)
        asked = upstream.log("nginx-access.log")[seen:]
        self.assertIn(f"/volume/v3/{project}/volumes", asked)
        self.assertNotIn("/volume/v1/", asked)
        self.assertNotIn("/volume/v2/", asked)

    def test_another_projects_volume_is_not_found(self):
        a_project, _, _ = upstream.member("cinder-a")
        b_project, _, _ = upstream.member("cinder-b")
        a = token(front, "cinder-a-user", "member-secret", "cinder-a")
        b = token(front, "cinder-b-user", "member-secret", "cinder-b")
        status, _, body = front.get_json(f"/volume/v2/{a_project}/volumes", method="POST",
                                         headers={"X-Auth-Token": a}, auth=False,
                                         body={"volume": {"size": 1, "name": "a's"}})
        self.assertEqual(status, 202, body)
        volume_id = body["volume"]["id"]
        for path in (f"/volume/v2/{b_project}/volumes/{volume_id}", f"/volume/v1/{b_project}/volumes/{volume_id}"):
            self.assertEqual(front.request("GET", path, headers={"X-Auth-Token": b}, auth=False)[0], 404, path)
            self.assertEqual(front.request("DELETE", path, headers={"X-Auth-Token": b}, auth=False)[0], 404, path)
        status, _, body = front.get_json(f"/volume/v2/{b_project}/volumes/detail", headers={"X-Auth-Token": b},
                                         auth=False)
        self.assertNotIn(volume_id, [v["id"] for v in body["volumes"]])
        # The project in the path is the token's: b naming a's project is refused before the upstream is asked.
        self.assertIn(front.request("GET", f"/volume/v2/{a_project}/volumes/{volume_id}",
                                    headers={"X-Auth-Token": b}, auth=False)[0], (401, 403, 404))
        self.assertEqual(front.get_json(f"/volume/v2/{a_project}/volumes/{volume_id}", headers={"X-Auth-Token": a},
                                        auth=False)[2]["volume"]["name"], "a's")


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
        # The upstream has the timeout to answer from the last byte it was sent, not from the first: the
        # upload takes longer than the timeout, which must still leave a slow (sanitized, loaded) upstream
        # the time to check a password.
        stack = Stack(config=front_config(f"http://127.0.0.1:{upstream.port}/identity/v3", timeout=5)).start()
        try:
            t = token(stack, "admin", upstream.password, "admin")
            status, _, body = stack.get_json("/image/v1/images", method="POST", auth=False, headers={
                "X-Auth-Token": t, "x-image-meta-name": "slow", "x-image-meta-disk_format": "raw",
                "x-image-meta-container_format": "bare"})
            self.assertEqual(status, 201, body)
            image_id = body["image"]["id"]
            pieces = [os.urandom(64 * 1024) for _ in range(8)]
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
