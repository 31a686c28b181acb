# SPDX-License-Identifier: Apache-2.0
"""The local driver's Image service: Glance v2 and v1 over HTTP, and Debian's openstack and glance CLIs."""
import hashlib
import http.client
import json
import os
import shutil
import tempfile
import unittest
import uuid

from stack import Stack

V2_PATCH = "application/openstack-images-v2.1-json-patch"


def setUpModule():
    global stack, member_project, member_token, member_env
    stack = Stack(workers=2).start()
    member_project, member_token, member_env = stack.member("img-demo")


def tearDownModule():
    stack.stop()


def as_member(**kw):
    headers = dict(kw.pop("headers", None) or {}, **{"X-Auth-Token": member_token})
    return stack.get_json(auth=False, headers=headers, **kw)


def create_v2(body, token=None):
    headers = {"X-Auth-Token": token} if token else None
    status, _, image = stack.get_json("/image/v2/images", method="POST", body=body, headers=headers)
    assert status == 201, image
    return image


def upload_v2(image_id, data, token=None):
    headers = {"Content-Type": "application/octet-stream"}
    if token:
        headers["X-Auth-Token"] = token
    return stack.request("PUT", f"/image/v2/images/{image_id}/file", body=data, headers=headers)


def patch_v2(image_id, ops, token=None, content_type=V2_PATCH):
    headers = {"Content-Type": content_type}
    if token:
        headers["X-Auth-Token"] = token
    return stack.get_json(f"/image/v2/images/{image_id}", method="PATCH", headers=headers,
                          body=json.dumps(ops).encode())


def image_file(image_id):
    return os.path.join(stack.state, "images", image_id)


class ImagesV2(unittest.TestCase):
    def test_version_document_is_300(self):
        status, _, body = stack.get_json("/image/", auth=False)
        self.assertEqual(status, 300)
        self.assertEqual(body["versions"][0]["id"], "v2.16")

    def test_create_upload_download_with_checksums(self):
        image = create_v2({"name": "v2-data", "disk_format": "raw", "container_format": "bare",
                           "owner_specified.openstack.md5": "x", "tags": ["a", "a", "b"]})
        self.assertEqual(image["status"], "queued")
        self.assertEqual(image["visibility"], "shared")
        self.assertIsNone(image["size"])
        self.assertEqual(image["tags"], ["a", "b"])
        self.assertEqual(image["owner_specified.openstack.md5"], "x")
        self.assertEqual(image["self"], "/v2/images/" + image["id"])
        self.assertRegex(image["created_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        data = os.urandom(200_000)
        status, _, _ = upload_v2(image["id"], data)
        self.assertEqual(status, 204)
        status, _, shown = stack.get_json("/image/v2/images/" + image["id"])
        self.assertEqual((shown["status"], shown["size"]), ("active", len(data)))
        self.assertEqual(shown["checksum"], hashlib.md5(data).hexdigest())
        self.assertEqual(shown["os_hash_algo"], "sha512")
        self.assertEqual(shown["os_hash_value"], hashlib.sha512(data).hexdigest())
        status, hdrs, body = stack.request("GET", f"/image/v2/images/{image['id']}/file")
        self.assertEqual(status, 200)
        self.assertEqual(body, data)
        self.assertEqual(hdrs["content-md5"], shown["checksum"])
        self.assertEqual(hdrs["content-type"], "application/octet-stream")
        # Data is never replaced, and only octet-streams are taken.
        self.assertEqual(upload_v2(image["id"], b"again")[0], 409)
        other = create_v2({"name": "typed", "disk_format": "raw", "container_format": "bare"})
        status, _, _ = stack.request("PUT", f"/image/v2/images/{other['id']}/file", body=b"x",
                                     headers={"Content-Type": "text/plain"})
        self.assertEqual(status, 415)
        status, _, body = stack.request("GET", f"/image/v2/images/{other['id']}/file")
        self.assertEqual((status, body), (204, b""))
        # Nothing is left behind by the uploads: one file, no temporaries.
        self.assertEqual(os.path.getsize(image_file(image["id"])), len(data))
        self.assertFalse([f for f in os.listdir(os.path.join(stack.state, "images")) if f.startswith(".")])

    def test_patch_rules(self):
        image = create_v2({"name": "patched", "disk_format": "qcow2", "container_format": "bare"})
        path = image["id"]
        status, _, body = patch_v2(path, [{"op": "add", "path": "/distro", "value": "debian"},
                                          {"op": "replace", "path": "/name", "value": "renamed"},
                                          {"op": "replace", "path": "/min_ram", "value": 512}])
        self.assertEqual(status, 200, body)
        self.assertEqual((body["distro"], body["name"], body["min_ram"]), ("debian", "renamed", 512))
        status, _, body = patch_v2(path, [{"op": "remove", "path": "/distro"}])
        self.assertEqual(status, 200)
        self.assertNotIn("distro", body)
        self.assertEqual(patch_v2(path, [{"op": "replace", "path": "/nothing", "value": "x"}])[0], 409)
        self.assertEqual(patch_v2(path, [{"op": "replace", "path": "/status", "value": "active"}])[0], 403)
        self.assertEqual(patch_v2(path, [{"op": "add", "path": "/min_ram", "value": "lots"}])[0], 400)
        self.assertEqual(patch_v2(path, [{"op": "move", "path": "/name"}])[0], 400)
        self.assertEqual(patch_v2(path, [], content_type="application/json")[0], 415)
        # The v2.0 media type writes each change as {"<op>": "<path>", "value": ...}.
        status, _, body = patch_v2(path, [{"replace": "/name", "value": "draft10"}, {"add": "/os_distro", "value": "x"}],
                                   content_type="application/openstack-images-v2.0-json-patch")
        self.assertEqual(status, 200, body)
        self.assertEqual((body["name"], body["os_distro"]), ("draft10", "x"))
        # Glance keeps os_glance_* for itself: 403 on create and patch, an admin's too.
        self.assertEqual(patch_v2(path, [{"op": "add", "path": "/os_glance_foo", "value": "bar"}])[0], 403)
        status, _, _ = stack.get_json("/image/v2/images", method="POST", body={
            "name": "reserved", "disk_format": "raw", "container_format": "bare", "os_glance_foo": "bar"})
        self.assertEqual(status, 403)
        self.assertNotIn("reserved", [i["name"] for i in stack.get_json("/image/v2/images")[2]["images"]])
        # Glance routes no trailing slash: /v2/images/ is not the list.
        self.assertEqual(stack.get_json("/image/v2/images/")[0], 404)
        self.assertEqual(stack.get_json("/image/v2/images/", method="DELETE")[0], 404)

    def test_protected_images_and_publicizing(self):
        image = create_v2({"name": "guarded", "protected": True})
        self.assertEqual(stack.request("DELETE", "/image/v2/images/" + image["id"])[0], 403)
        self.assertEqual(patch_v2(image["id"], [{"op": "replace", "path": "/protected", "value": False}])[0], 200)
        self.assertEqual(stack.request("DELETE", "/image/v2/images/" + image["id"])[0], 204)
        self.assertEqual(stack.request("GET", "/image/v2/images/" + image["id"])[0], 404)
        status, _, _ = as_member(path="/image/v2/images", method="POST", body={"name": "mine", "visibility": "public"})
        self.assertEqual(status, 403)
        status, _, body = as_member(path="/image/v2/images", method="POST", body={"name": "mine", "visibility": "community"})
        self.assertEqual(status, 201)
        self.assertEqual(body["owner"], member_project)

    def test_bad_input(self):
        for body in ({"disk_format": "floppy"}, {"visibility": "everyone"}, {"min_disk": -1},
                     {"name": 7}, {"id": "not-a-uuid"}, {"custom": 5}):
            status, _, _ = stack.get_json("/image/v2/images", method="POST", body=body)
            self.assertEqual(status, 400, body)
        status, _, _ = stack.get_json("/image/v2/images", method="POST", body={"status": "active"})
        self.assertEqual(status, 403)
        fixed = str(uuid.uuid4())
        create_v2({"id": fixed})
        self.assertEqual(stack.get_json("/image/v2/images", method="POST", body={"id": fixed})[0], 409)
        self.assertEqual(stack.get_json("/image/v2/images?sort_key=colour")[0], 400)
        self.assertEqual(stack.get_json("/image/v2/images?limit=-1")[0], 400)
        self.assertEqual(stack.get_json("/image/v2/images?marker=" + str(uuid.uuid4()))[0], 400)

    def test_filters_sorting_and_pages(self):
        tag = "page-" + uuid.uuid4().hex[:8]
        names = [f"{tag}-{i}" for i in range(5)]
        for name in reversed(names):
            create_v2({"name": name, "tags": [tag], "disk_format": "raw", "container_format": "bare"})
        seen, path = [], f"/image/v2/images?tag={tag}&sort_key=name&sort_dir=asc&limit=2"
        while path:
            status, _, body = stack.get_json(path.replace("/v2/", "/image/v2/", 1) if path.startswith("/v2/") else path)
            self.assertEqual(status, 200)
            self.assertLessEqual(len(body["images"]), 2)
            seen += [i["name"] for i in body["images"]]
            path = body.get("next")
        self.assertEqual(seen, names)
        _, _, body = stack.get_json(f"/image/v2/images?tag={tag}&sort=name:desc")
        self.assertEqual([i["name"] for i in body["images"]], list(reversed(names)))
        _, _, body = stack.get_json(f"/image/v2/images?name={names[2]}")
        self.assertEqual([i["name"] for i in body["images"]], [names[2]])
        _, _, body = stack.get_json(f"/image/v2/images?tag={tag}&status=active")
        self.assertEqual(body["images"], [])
        sized = create_v2({"name": f"{tag}-sized", "disk_format": "raw", "container_format": "bare"})
        self.assertEqual(upload_v2(sized["id"], b"x" * 777)[0], 204)
        _, _, body = stack.get_json("/image/v2/images?size=777")
        self.assertEqual([i["id"] for i in body["images"]], [sized["id"]])
        self.assertEqual(stack.get_json("/image/v2/images?size=big")[0], 400)

    def test_tags(self):
        image = create_v2({"name": "tagged"})
        self.assertEqual(stack.request("PUT", f"/image/v2/images/{image['id']}/tags/blue")[0], 204)
        self.assertEqual(stack.get_json("/image/v2/images/" + image["id"])[2]["tags"], ["blue"])
        self.assertEqual(stack.request("DELETE", f"/image/v2/images/{image['id']}/tags/blue")[0], 204)
        self.assertEqual(stack.request("DELETE", f"/image/v2/images/{image['id']}/tags/blue")[0], 404)

    def test_tenancy_and_members(self):
        image = create_v2({"name": "admin-private", "visibility": "private"})
        self.assertEqual(as_member(path="/image/v2/images/" + image["id"])[0], 404)
        self.assertNotIn(image["id"], [i["id"] for i in as_member(path="/image/v2/images?limit=1000")[2]["images"]])
        self.assertEqual(as_member(path="/image/v2/images/" + image["id"], method="DELETE")[0], 404)
        # Only shared images have members.
        status, _, _ = stack.get_json(f"/image/v2/images/{image['id']}/members", method="POST",
                                      body={"member": member_project})
        self.assertEqual(status, 403)
        shared = create_v2({"name": "admin-shared"})
        status, _, m = stack.get_json(f"/image/v2/images/{shared['id']}/members", method="POST",
                                      body={"member": member_project})
        self.assertEqual((status, m["status"], m["member_id"]), (200, "pending", member_project))
        self.assertEqual(stack.get_json(f"/image/v2/images/{shared['id']}/members", method="POST",
                                        body={"member": member_project})[0], 409)
        # A pending member sees the image but does not list it until it accepts.
        self.assertEqual(as_member(path="/image/v2/images/" + shared["id"])[0], 200)
        listed = lambda: [i["id"] for i in as_member(path="/image/v2/images?limit=1000")[2]["images"]]
        self.assertNotIn(shared["id"], listed())
        member_path = f"/image/v2/images/{shared['id']}/members/{member_project}"
        self.assertEqual(stack.get_json(member_path, method="PUT", body={"status": "accepted"})[0], 403)
        status, _, m = as_member(path=member_path, method="PUT", body={"status": "accepted"})
        self.assertEqual((status, m["status"]), (200, "accepted"))
        self.assertIn(shared["id"], listed())
        # The member may not change the image; the owner removes the member.
        self.assertEqual(as_member(path="/image/v2/images/" + shared["id"], method="DELETE")[0], 403)
        self.assertEqual(stack.request("DELETE", member_path)[0], 204)
        self.assertEqual(as_member(path="/image/v2/images/" + shared["id"])[0], 404)

    def test_deactivate_and_reactivate(self):
        _, _, image = as_member(path="/image/v2/images", method="POST",
                                body={"name": "to-deactivate", "disk_format": "raw", "container_format": "bare"})
        self.assertEqual(upload_v2(image["id"], b"bytes", token=member_token)[0], 204)
        action = f"/image/v2/images/{image['id']}/actions/"
        # Glance's default policy: a member of the image's project (or an admin) deactivates it.
        self.assertEqual(as_member(path=action + "deactivate", method="POST")[0], 204)
        self.assertEqual(as_member(path=f"/image/v2/images/{image['id']}")[2]["status"], "deactivated")
        self.assertEqual(as_member(path=f"/image/v2/images/{image['id']}/file")[0], 403)
        self.assertEqual(stack.request("GET", f"/image/v2/images/{image['id']}/file")[0], 200)
        self.assertEqual(as_member(path=action + "reactivate", method="POST")[0], 204)
        status, _, data = as_member(path=f"/image/v2/images/{image['id']}/file")
        self.assertEqual((status, data), (200, b"bytes"))
        # Another project's public image is not the member's to take out of use.
        public = create_v2({"name": "public-active", "disk_format": "raw", "container_format": "bare",
                            "visibility": "public"})
        self.assertEqual(upload_v2(public["id"], b"data")[0], 204)
        public_action = f"/image/v2/images/{public['id']}/actions/"
        self.assertEqual(as_member(path=public_action + "deactivate", method="POST")[0], 403)
        self.assertEqual(stack.request("POST", public_action + "deactivate")[0], 204)
        self.assertEqual(as_member(path=public_action + "reactivate", method="POST")[0], 403)

    def test_admin_replaces_owner(self):
        image = create_v2({"name": "owned", "disk_format": "raw", "container_format": "bare",
                           "owner": "a1b2c3"})
        self.assertEqual(image["owner"], "a1b2c3")
        status, _, body = patch_v2(image["id"], [{"op": "replace", "path": "/owner", "value": "d4e5f6"}])
        self.assertEqual((status, body["owner"]), (200, "d4e5f6"))
        # A member may not give its own image away.
        mine = create_v2({"name": "mine", "disk_format": "raw", "container_format": "bare"}, token=member_token)
        status = patch_v2(mine["id"], [{"op": "replace", "path": "/owner", "value": "d4e5f6"}], token=member_token)[0]
        self.assertEqual(status, 403)

    def test_data_streams_in_constant_memory(self):
        """256 MiB up and down leave every worker's peak RSS where it was (within 8 MiB)."""
        def peaks():
            with open(os.path.join(stack.state, "run", "workers.pid")) as f:
                pids = f.read().split()
            out = {}
            for pid in pids:
                with open(f"/proc/{pid}/status") as status:
                    out[pid] = next(int(l.split()[1]) for l in status if l.startswith("VmHWM:"))
            return out

        image = create_v2({"name": "large", "disk_format": "raw", "container_format": "bare"})
        chunk = os.urandom(1 << 20)
        size = 256 << 20
        before = peaks()

        class Body:
            def __init__(self):
                self.left = size

            def read(self, n=-1):
                if self.left == 0:
                    return b""
                self.left -= len(chunk)
                return chunk

        conn = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=120)
        conn.request("PUT", f"/image/v2/images/{image['id']}/file", body=Body(),
                     headers={"X-Auth-Token": stack.token, "Content-Type": "application/octet-stream",
                              "Content-Length": str(size)})
        put = conn.getresponse()
        put.read()
        self.assertEqual(put.status, 204)
        conn.request("GET", f"/image/v2/images/{image['id']}/file", headers={"X-Auth-Token": stack.token})
        resp = conn.getresponse()
        received = 0
        while True:
            block = resp.read(1 << 20)
            if not block:
                break
            received += len(block)
        conn.close()
        self.assertEqual((resp.status, received), (200, size))
        after = peaks()
        for pid, kib in after.items():
            self.assertLess(kib - before.get(pid, kib), 8 * 1024, f"worker {pid} grew from {before.get(pid)} KiB")

    def test_schemas(self):
        status, _, schema = stack.get_json("/image/v2/schemas/image")
        self.assertEqual(status, 200)
        self.assertEqual(schema["name"], "image")
        self.assertIn("disk_format", schema["properties"])
        self.assertEqual(schema["additionalProperties"], {"type": "string"})
        self.assertEqual(stack.get_json("/image/v2/schemas/images")[2]["name"], "images")
        self.assertEqual(stack.get_json("/image/v2/schemas/member")[2]["name"], "member")


def v1_post(headers, data=None, token=None):
    hdrs = dict(headers)
    if data is not None:
        hdrs["Content-Type"] = "application/octet-stream"
    if token:
        hdrs["X-Auth-Token"] = token
    return stack.get_json("/image/v1/images", method="POST", headers=hdrs, body=data)


class ImagesV1(unittest.TestCase):
    """Each behaviour of the seed's v1 chapter (seed 003)."""

    def test_post_with_data_then_head_and_get(self):
        data = os.urandom(100_000)
        status, hdrs, body = v1_post({"x-image-meta-name": "v1 plain", "x-image-meta-disk-format": "vhd",
                                      "x-image-meta-container-format": "ovf", "x-image-meta-is-public": "True",
                                      "x-image-meta-size": str(len(data)),
                                      "x-image-meta-checksum": hashlib.md5(data).hexdigest(),
                                      "x-image-meta-store": "file",
                                      "x-image-meta-property-distro-name": "Ubuntu 10.04 LTS"}, data)
        self.assertEqual(status, 201, body)
        image = body["image"]
        self.assertEqual((image["status"], image["size"], image["is_public"]), ("active", len(data), True))
        self.assertEqual(image["properties"], {"distro_name": "Ubuntu 10.04 LTS"})
        self.assertTrue(hdrs["location"].endswith("/v1/images/" + image["id"]))
        status, hdrs, _ = stack.request("HEAD", "/image/v1/images/" + image["id"])
        self.assertEqual(status, 200)
        self.assertEqual(hdrs["x-image-meta-name"], "v1 plain")
        self.assertEqual(hdrs["x-image-meta-disk-format"], "vhd")
        self.assertEqual(hdrs["x-image-meta-container-format"], "ovf")
        self.assertEqual(hdrs["x-image-meta-size"], str(len(data)))
        self.assertEqual(hdrs["x-image-meta-checksum"], hashlib.md5(data).hexdigest())
        self.assertEqual(hdrs["x-image-meta-is-public"], "True")
        self.assertEqual(hdrs["x-image-meta-status"], "active")
        self.assertEqual(hdrs["x-image-meta-property-distro_name"], "Ubuntu 10.04 LTS")
        self.assertIn("x-image-meta-created_at", hdrs)
        status, hdrs, body = stack.request("GET", "/image/v1/images/" + image["id"])
        self.assertEqual((status, body), (200, data))
        self.assertEqual(hdrs["content-length"], str(len(data)))
        self.assertEqual(hdrs["etag"], hashlib.md5(data).hexdigest())
        self.assertEqual(hdrs["content-type"], "application/octet-stream")
        self.assertEqual(hdrs["x-image-meta-checksum"], hdrs["etag"])
        # v2 sees the same image.
        self.assertEqual(stack.get_json("/image/v2/images/" + image["id"])[2]["visibility"], "public")

    def test_upload_refusals_keep_nothing(self):
        taken = v1_post({"x-image-meta-name": "taken"})[2]["image"]["id"]
        self.assertEqual(v1_post({"x-image-meta-id": taken})[0], 409)
        for store in ("s3", "swift", "tape"):
            self.assertEqual(v1_post({"x-image-meta-store": store})[0], 400)
        for headers in ({"x-image-meta-size": "5"}, {"x-image-meta-checksum": "0" * 32}):
            wanted = str(uuid.uuid4())
            headers = dict(headers, **{"x-image-meta-id": wanted, "x-image-meta-disk-format": "raw",
                                       "x-image-meta-container-format": "bare"})
            status, _, _ = v1_post(headers, b"four")
            self.assertEqual(status, 400, headers)
            self.assertEqual(stack.request("HEAD", "/image/v1/images/" + wanted)[0], 404)
            self.assertFalse(os.path.exists(image_file(wanted)))
        self.assertFalse([f for f in os.listdir(os.path.join(stack.state, "images")) if f.startswith(".")])

    def test_reserve_then_upload_then_update_and_delete(self):
        status, _, body = v1_post({"x-image-meta-name": "reserved", "x-image-meta-disk-format": "raw",
                                   "x-image-meta-container-format": "bare"})
        image = body["image"]
        self.assertEqual((status, image["status"]), (201, "queued"))
        path = "/image/v1/images/" + image["id"]
        status, _, body = stack.get_json(path, method="PUT", body=b"data later",
                                         headers={"Content-Type": "application/octet-stream"})
        self.assertEqual((status, body["image"]["status"], body["image"]["size"]), (200, "active", 10))
        status, _, _ = stack.get_json(path, method="PUT", body=b"replacement",
                                      headers={"Content-Type": "application/octet-stream"})
        self.assertEqual(status, 409)
        status, _, body = stack.get_json(path, method="PUT", headers={"x-image-meta-name": "renamed",
                                                                      "x-image-meta-property-os": "linux"})
        self.assertEqual((status, body["image"]["name"], body["image"]["properties"]["os"]), (200, "renamed", "linux"))
        self.assertEqual(stack.request("DELETE", path)[0], 200)
        self.assertEqual(stack.request("HEAD", path)[0], 404)
        self.assertFalse(os.path.exists(image_file(image["id"])))

    def test_lists_filtered_and_sorted(self):
        prefix = "v1list-" + uuid.uuid4().hex[:6]
        for name, size in (("b", 30), ("a", 10), ("c", 20)):
            v1_post({"x-image-meta-name": f"{prefix}-{name}", "x-image-meta-is-public": "true",
                     "x-image-meta-disk-format": "raw", "x-image-meta-container-format": "bare"}, b"x" * size)
        private = v1_post({"x-image-meta-name": f"{prefix}-private"})[2]["image"]["id"]

        def names(query):
            status, _, body = stack.get_json("/image/v1/images" + query)
            self.assertEqual(status, 200)
            return [i["name"] for i in body["images"] if i["name"].startswith(prefix)]

        self.assertEqual(names("?is_public=true&sort_key=name&sort_dir=asc&limit=1000"),
                         [f"{prefix}-a", f"{prefix}-b", f"{prefix}-c"])
        self.assertEqual(names("?is_public=true&sort_key=size&sort_dir=desc&limit=1000"),
                         [f"{prefix}-b", f"{prefix}-c", f"{prefix}-a"])
        self.assertEqual(names("?is_public=true&size_min=15&size_max=25&limit=1000"), [f"{prefix}-c"])
        self.assertEqual(names(f"?name={prefix}-a"), [f"{prefix}-a"])
        # Without is_public, every image the caller may see: the admin's own private one too.
        self.assertIn(f"{prefix}-private", names("?limit=1000"))
        self.assertNotIn(f"{prefix}-private", names("?is_public=true&limit=1000"))
        self.assertEqual(names("?is_public=false&limit=1000"), [f"{prefix}-private"])
        _, _, body = stack.get_json("/image/v1/images?sort_key=name&sort_dir=asc&limit=1000")
        brief = next(i for i in body["images"] if i["name"] == f"{prefix}-a")
        self.assertEqual(set(brief), {"id", "name", "disk_format", "container_format", "size", "checksum"})
        _, _, page = stack.get_json(f"/image/v1/images?sort_key=name&sort_dir=asc&limit=1&marker={brief['id']}")
        self.assertEqual(len(page["images"]), 1)
        _, _, detail = stack.get_json(f"/image/v1/images/detail?name={prefix}-a")
        self.assertEqual(detail["images"][0]["is_public"], True)
        self.assertIn("properties", detail["images"][0])
        self.assertEqual(stack.get_json("/image/v1/images?sort_key=colour")[0], 400)
        self.assertEqual(stack.get_json("/image/v1/images?sort_dir=up")[0], 400)
        self.assertEqual(stack.request("HEAD", "/image/v1/images/" + private)[0], 200)

    def test_lists_filter_on_properties(self):
        prefix = "v1prop-" + uuid.uuid4().hex[:6]
        for name, os_name in (("a", "linux"), ("b", "windows"), ("c", "linux")):
            v1_post({"x-image-meta-name": f"{prefix}-{name}", "x-image-meta-is-public": "true",
                     "x-image-meta-property-os": os_name, "x-image-meta-property-distro-name": name})
        for query, wanted in (("property-os=linux", ["a", "c"]), ("property-os=windows", ["b"]),
                              ("property-os=linux&property-distro_name=c", ["c"]), ("property-os=bsd", [])):
            for path in ("/image/v1/images", "/image/v1/images/detail"):
                status, _, body = stack.get_json(f"{path}?{query}&sort_key=name&sort_dir=asc&is_public=none")
                self.assertEqual(status, 200, body)
                self.assertEqual([i["name"][len(prefix) + 1:] for i in body["images"]
                                  if i["name"].startswith(prefix)], wanted, (path, query))

    def test_owner_is_for_admins_only(self):
        _, _, body = v1_post({"x-image-meta-owner": "someone-else"})
        self.assertEqual(body["image"]["owner"], "someone-else")
        status, _, body = v1_post({"x-image-meta-owner": "someone-else"}, token=member_token)
        self.assertEqual((status, body["image"]["owner"]), (201, member_project))
        self.assertEqual(v1_post({"x-image-meta-is-public": "true"}, token=member_token)[0], 403)

    def test_memberships_and_shared_images(self):
        image = v1_post({"x-image-meta-name": "v1-shared"})[2]["image"]["id"]
        members = f"/image/v1/images/{image}/members"
        self.assertEqual(as_member(path="/image/v1/images/" + image, method="HEAD")[0], 404)
        self.assertEqual(stack.request("PUT", f"{members}/{member_project}")[0], 204)
        self.assertEqual(stack.get_json(members)[2], {"members": [{"member_id": member_project, "can_share": False}]})
        self.assertEqual(as_member(path="/image/v1/images/" + image, method="HEAD")[0], 200)
        status, _, _ = stack.get_json(f"{members}/{member_project}", method="PUT", body={"member": {"can_share": True}})
        self.assertEqual(status, 204)
        self.assertEqual(stack.request("PUT", f"{members}/{member_project}")[0], 204)   # no body: unchanged
        self.assertEqual(stack.get_json(members)[2]["members"][0]["can_share"], True)
        status, _, shared = as_member(path=f"/image/v1/shared-images/{member_project}")
        self.assertEqual(status, 200)
        self.assertIn({"image_id": image, "can_share": True}, shared["shared_images"])
        status, _, _ = stack.get_json(members, method="PUT", body={"memberships": [{"member_id": "tenant2"}]})
        self.assertEqual(status, 204)
        self.assertEqual(stack.get_json(members)[2]["members"], [{"member_id": "tenant2", "can_share": False}])
        self.assertEqual(stack.request("DELETE", f"{members}/tenant2")[0], 204)
        self.assertEqual(stack.request("DELETE", f"{members}/tenant2")[0], 404)
        # Another tenant's shares: only those of the caller's own images (none here), as Glance v1 answered.
        self.assertEqual(as_member(path=f"/image/v1/shared-images/tenant2")[:3:2], (200, {"shared_images": []}))


@unittest.skipUnless(shutil.which("openstack"), "Debian's python3-openstackclient is not installed")
class Clients(unittest.TestCase):
    SANITIZED_RUN = False  # the client sends what the raw-API classes send; under the sanitizers it checks Python

    def test_openstack_cli(self):
        with tempfile.TemporaryDirectory() as tmp:
            src, out = os.path.join(tmp, "in.img"), os.path.join(tmp, "out.img")
            data = os.urandom(1_500_000)
            with open(src, "wb") as f:
                f.write(data)
            image = stack.cli("image", "create", "--file", src, "--disk-format", "qcow2",
                              "--container-format", "bare", "osc-image")
            listed = {i["Name"]: i for i in stack.cli("image", "list")}
            self.assertEqual(listed["osc-image"]["Status"], "active")
            shown = stack.cli("image", "show", image["id"])
            self.assertEqual((shown["size"], shown["checksum"]), (len(data), hashlib.md5(data).hexdigest()))
            stack.cli("image", "save", "--file", out, "osc-image", parse=False)   # the client checks the MD5
            with open(out, "rb") as f:
                self.assertEqual(f.read(), data)
        stack.cli("image", "set", "--property", "distro=debian", "--tag", "gold", "osc-image", parse=False)
        shown = stack.cli("image", "show", "osc-image")
        self.assertEqual(shown["properties"]["distro"], "debian")
        self.assertEqual(shown["tags"], ["gold"])
        stack.cli("image", "add", "project", "osc-image", "img-demo", parse=False)
        self.assertEqual(stack.cli("image", "show", image["id"], env=member_env)["name"], "osc-image")
        stack.cli("image", "set", "--accept", image["id"], env=member_env, parse=False)
        self.assertIn("osc-image", [i["Name"] for i in stack.cli("image", "list", env=member_env)])
        stack.cli("image", "delete", "osc-image", parse=False)
        self.assertNotIn("osc-image", [i["Name"] for i in stack.cli("image", "list")])
        self.assertFalse(os.path.exists(image_file(image["id"])))

    @unittest.skipUnless(shutil.which("glance"), "Debian's python3-glanceclient is not installed")
    def test_glance_cli(self):
        with tempfile.TemporaryDirectory() as tmp:
            src, out = os.path.join(tmp, "in.img"), os.path.join(tmp, "out.img")
            data = os.urandom(300_000)
            with open(src, "wb") as f:
                f.write(data)
            env = stack.env()
            glance = lambda *a: stack.cli("--os-image-api-version", "2", *a, env=env, parse=False, program="glance")
            created = glance("image-create", "--name", "glance-cli", "--disk-format", "raw",
                             "--container-format", "bare", "--file", src)
            image_id = next(line.split("|")[2].strip() for line in created.splitlines()
                            if line.startswith("| id "))
            self.assertIn("glance-cli", glance("image-list"))
            glance("image-download", "--file", out, image_id)
            with open(out, "rb") as f:
                self.assertEqual(f.read(), data)
            glance("image-delete", image_id)
            self.assertEqual(stack.request("GET", "/image/v2/images/" + image_id)[0], 404)


if __name__ == "__main__":
    unittest.main()
