# SPDX-License-Identifier: Apache-2.0
"""Header injection (issue 18, finding 1): no stored value reaches a response header with a control character,
and nginx sends no image file but the one the client's URL names."""
import json
import os
import socket
import sqlite3
import unittest
import uuid

from stack import Stack, wait_for

V2_PATCH = "application/openstack-images-v2.1-json-patch"
SMUGGLED = "x\r\nX-Accel-Redirect: /_jumpgate_image_store/{}"

# The echo driver answers a download with whatever X-Accel-Redirect ?accel= asks for.
ECHO = """[general]
# The echo driver stands alone: no identity driver, every request anonymous.
require_authentication = false
state_dir = {state}
module_dir = {module_dir}
log_file = {state}/log/jumpgate.log
[image]
driver = {echo}
accel_redirect = /_jumpgate_image_store/
[compute]
driver =
[identity]
driver =
[volume]
driver =
[network]
driver =
"""


def setUpModule():
    global stack, a_token, b_token, a_image, a_bytes
    stack = Stack().start()
    _, a_token, _ = stack.member("inject-a")
    _, b_token, _ = stack.member("inject-b")
    a_bytes = b"project A's private image " + os.urandom(4096)
    a_image = make_image(a_token, {"name": "a-private", "visibility": "private"}, a_bytes)


def tearDownModule():
    stack.stop()


def call(token, method, path, body=None, headers=None):
    headers = dict(headers or {}, **{"X-Auth-Token": token})
    if isinstance(body, (dict, list)) and "Content-Type" not in headers:
        headers["Content-Type"] = "application/json"
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
    return stack.request(method, path, body=body, headers=headers, auth=False)


def make_image(token, fields, data=None):
    status, _, body = call(token, "POST", "/image/v2/images",
                           dict({"disk_format": "raw", "container_format": "bare"}, **fields))
    assert status == 201, body
    image = json.loads(body)["id"]
    if data is not None:
        status, _, body = call(token, "PUT", f"/image/v2/images/{image}/file", data,
                               {"Content-Type": "application/octet-stream"})
        assert status == 204, body
    return image


def raw_request(head):
    """Sends `head` (request line and headers, as bytes) to nginx as it is; the status code."""
    with socket.create_connection(("127.0.0.1", stack.port), timeout=30) as conn:
        conn.sendall(head)
        reply = b""
        while b"\r\n" not in reply:
            chunk = conn.recv(4096)
            if not chunk:
                break
            reply += chunk
    return int(reply.split(b" ", 2)[1])


class AsFound(unittest.TestCase):
    """The attack as it was found: B's member smuggles X-Accel-Redirect into its own image's v1 headers."""

    def test_the_smuggled_property_is_refused_and_v1_sends_only_bs_own_bytes(self):
        b_bytes = b"project B's own image"
        b_image = make_image(b_token, {"name": "b-own"})
        status, _, body = call(b_token, "PATCH", f"/image/v2/images/{b_image}",
                               [{"op": "add", "path": "/note", "value": SMUGGLED.format(a_image)}],
                               {"Content-Type": V2_PATCH})
        self.assertEqual(status, 400, body)
        self.assertIn(b"note", body)
        self.assertIn(b"control character", body)
        status, _, _ = call(b_token, "PUT", f"/image/v2/images/{b_image}/file", b_bytes,
                            {"Content-Type": "application/octet-stream"})
        self.assertEqual(status, 204)
        status, hdrs, body = call(b_token, "GET", f"/image/v1/images/{b_image}")
        self.assertEqual((status, body), (200, b_bytes))
        self.assertNotIn(a_bytes[:32], body)
        self.assertNotIn("x-image-meta-property-note", hdrs)
        # A's image stays A's.
        self.assertEqual(call(b_token, "GET", f"/image/v1/images/{a_image}")[0], 404)

    def test_a_value_stored_before_the_fix_is_never_sent_raw(self):
        # As if written before writes were checked: straight into the database.
        b_bytes = b"B's bytes, and a stored property that carries a header"
        b_image = make_image(b_token, {"name": "b-legacy", "hw_disk_bus": "virtio"}, b_bytes)
        db = sqlite3.connect(os.path.join(stack.state, "jumpgate.sqlite"))
        with db:
            db.execute("INSERT INTO image_properties (image_id, key, value) VALUES (?, 'note', ?)",
                       (b_image, SMUGGLED.format(a_image)))
            db.execute("UPDATE images SET name = ? WHERE id = ?", (SMUGGLED.format(a_image), b_image))
        db.close()
        for method in ("GET", "HEAD"):
            status, hdrs, body = call(b_token, method, f"/image/v1/images/{b_image}")
            self.assertEqual(status, 200, method)
            self.assertEqual(body, b_bytes if method == "GET" else b"")
            self.assertNotIn("x-accel-redirect", hdrs)
            self.assertNotIn("x-image-meta-property-note", hdrs)
            self.assertNotIn("x-image-meta-name", hdrs)
            self.assertEqual(hdrs["x-image-meta-property-hw_disk_bus"], "virtio")
            self.assertEqual(hdrs["x-image-meta-id"], b_image)
        self.assertIn("response header not sent: x-image-meta-property-note", stack.log())
        # v2 shows it as the JSON text it is.
        status, _, body = call(b_token, "GET", f"/image/v2/images/{b_image}")
        self.assertEqual(json.loads(body)["note"], SMUGGLED.format(a_image))


class TheClass(unittest.TestCase):
    """Every way a client writes a value that v1 shows as a header refuses a control character."""

    def test_v2_create_refuses_names_properties_and_property_names(self):
        for fields, named in (({"name": "a\nb"}, b"name"), ({"name": "nul\u0000"}, b"name"),
                              ({"note": "tab\there"}, b"note"), ({"note": "del\u007f"}, b"note"),
                              ({"a\r\nX-Accel-Redirect": "/x"}, b"property name"),
                              ({"name": "n" * 256}, b"name")):
            status, _, body = call(b_token, "POST", "/image/v2/images", fields)
            self.assertEqual(status, 400, fields)
            self.assertIn(named, body)
        # Printable text of any script is kept, and shown by v1 as it is.
        image = make_image(b_token, {"name": "caf\u00e9 \u5149", "note": "a: b; c=\"d\""})
        status, hdrs, _ = call(b_token, "HEAD", f"/image/v1/images/{image}")
        self.assertEqual(status, 200)
        self.assertEqual(hdrs["x-image-meta-name"].encode("latin-1").decode(), "caf\u00e9 \u5149")
        self.assertEqual(hdrs["x-image-meta-property-note"], "a: b; c=\"d\"")

    def test_v2_patch_refuses_them_and_changes_nothing(self):
        image = make_image(b_token, {"name": "patched"})
        for op in ({"op": "replace", "path": "/name", "value": "a\r\nb"},
                   {"op": "add", "path": "/note", "value": "\u0000"},
                   {"op": "add", "path": "/bad\nname", "value": "v"}):
            status, _, body = call(b_token, "PATCH", f"/image/v2/images/{image}", [op],
                                   {"Content-Type": V2_PATCH})
            self.assertEqual(status, 400, op)
        shown = json.loads(call(b_token, "GET", f"/image/v2/images/{image}")[2])
        self.assertEqual(shown["name"], "patched")
        self.assertNotIn("note", shown)

    def test_v1_headers_refuse_control_characters(self):
        # nginx itself refuses CR and LF inside a header line; the other control characters reach the worker.
        for header in (b"x-image-meta-name: a\x01b", b"x-image-meta-property-note: esc\x1b[0m"):
            head = (b"POST /image/v1/images HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: " + b_token.encode() +
                    b"\r\nContent-Length: 0\r\n" + header + b"\r\nConnection: close\r\n\r\n")
            self.assertEqual(raw_request(head), 400, header)
        status, _, body = call(b_token, "POST", "/image/v1/images", headers={"x-image-meta-name": "n" * 256})
        self.assertEqual(status, 400)
        self.assertIn(b"x-image-meta-name", body)

    def test_a_property_v1_cannot_name_in_a_header_is_shown_by_v2_only(self):
        image = make_image(b_token, {"name": "spaced", "a key with spaces": "v", "hw_rng": "1"}, b"spaced")
        status, hdrs, body = call(b_token, "GET", f"/image/v1/images/{image}")
        self.assertEqual((status, body), (200, b"spaced"))
        self.assertEqual(hdrs["x-image-meta-property-hw_rng"], "1")
        self.assertFalse([h for h in hdrs if "spaces" in h])
        self.assertNotIn("(a name that is no token)", stack.log())


    def test_snapshots_and_volume_uploads_refuse_them_too(self):
        # Their names and metadata become an image's, which v1 shows as headers.
        base = make_image(stack.token, {"name": "snap-base", "visibility": "public"}, b"base")
        status, _, body = stack.get_json("/compute/v2.1/servers", method="POST", body={"server": {
            "name": "snap-source", "imageRef": base, "flavorRef": "1"}})
        self.assertEqual(status, 202, body)
        server = body["server"]["id"]
        self.assertTrue(wait_for(lambda: stack.get_json(f"/compute/v2.1/servers/{server}")[2]["server"]["status"]
                                 == "ACTIVE", 10))
        for args in ({"name": "a\r\nb"}, {"name": "ok", "metadata": {"k": SMUGGLED.format(a_image)}},
                     {"name": "ok", "metadata": {"k\n": "v"}}):
            status, _, body = stack.get_json(f"/compute/v2.1/servers/{server}/action", method="POST",
                                             body={"createImage": args})
            self.assertEqual(status, 400, args)
        project = json.loads(stack.request("GET", "/identity/v3/auth/tokens",
                                           headers={"X-Subject-Token": stack.token})[2])["token"]["project"]["id"]
        status, _, body = stack.get_json(f"/volume/v3/{project}/volumes", method="POST", body={"volume": {"size": 1}})
        self.assertEqual(status, 202, body)
        volume = body["volume"]["id"]
        for args in ({"image_name": "a\r\nb"}, {"image_name": "ok", "disk_format": "raw\r\nX: y"}):
            status, _, body = stack.get_json(f"/volume/v3/{project}/volumes/{volume}/action", method="POST",
                                             body={"os-volume_upload_image": args})
            self.assertEqual(status, 400, args)


class TheWebServer(unittest.TestCase):
    """nginx serves the store's file only for the image the client's URL names, whatever a worker says."""

    @classmethod
    def setUpClass(cls):
        cls.echo = Stack(config=ECHO).start()
        cls.files = {}
        os.makedirs(os.path.join(cls.echo.state, "images"), exist_ok=True)
        for name in (str(uuid.uuid4()), str(uuid.uuid4())):
            cls.files[name] = os.urandom(1000)
            with open(os.path.join(cls.echo.state, "images", name), "wb") as f:
                f.write(cls.files[name])
        cls.own, cls.other = list(cls.files)
        with open(os.path.join(cls.echo.state, "images", ".upload-" + cls.own), "wb") as f:
            f.write(b"partial")

    @classmethod
    def tearDownClass(cls):
        cls.echo.stop()

    def get(self, image, target, prefix="/image"):
        return self.echo.request("GET", f"{prefix}/v2/images/{image}/file?accel=/_jumpgate_image_store/{target}")

    def test_the_file_of_the_image_asked_for_is_sent(self):
        status, _, body = self.get(self.own, self.own)
        self.assertEqual((status, body), (200, self.files[self.own]))

    def test_another_images_file_is_not(self):
        for target in (self.other, ".upload-" + self.own, self.other + "?" + self.own,
                       f"{self.own}/../{self.other}"):
            status, _, body = self.get(self.own, target)
            self.assertEqual(status, 404, target)
            self.assertNotIn(self.files[self.other], body)
            self.assertNotIn(b"partial", body)


if __name__ == "__main__":
    unittest.main()
