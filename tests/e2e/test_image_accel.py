# SPDX-License-Identifier: Apache-2.0
"""[image] accel_redirect: the worker authorises a download and nginx sends the stored file."""
import hashlib
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import unittest

from stack import MODULE_DIR, WORKER, Stack
from test_fastcgi import BEGIN, PARAMS, STDIN, pairs, read_response, record

# accel_redirect left at its default (off); the rest as scripts/jumpgate-stack writes it.
ACCEL_OFF = """[general]
state_dir = {state}
module_dir = {module_dir}
log_file = {state}/log/jumpgate.log
[image]
accel_redirect =
"""


def setUpModule():
    global on, off, member_token
    on = Stack().start()
    off = Stack(config=ACCEL_OFF).start()
    _, member_token, _ = on.member("accel-other")


def tearDownModule():
    on.stop()
    off.stop()


def make_image(stack, data, **extra):
    status, _, image = stack.get_json("/image/v2/images", method="POST", body=dict(
        {"name": "accel", "disk_format": "raw", "container_format": "bare"}, **extra))
    assert status == 201, image
    status, _, _ = stack.request("PUT", f"/image/v2/images/{image['id']}/file", body=data,
                                 headers={"Content-Type": "application/octet-stream"})
    assert status == 204
    return image["id"]


def worker_get(stack, path, token):
    """GET `path` from a worker over the stack's FastCGI socket, past nginx: (headers, body)."""
    conn = socket.socket(socket.AF_UNIX)
    conn.connect(os.path.join(stack.state, "run", "jumpgate.sock"))
    params = {"REQUEST_METHOD": "GET", "REQUEST_URI": path, "QUERY_STRING": "",
              "SERVER_NAME": "127.0.0.1", "SERVER_PORT": str(stack.port), "HTTP_HOST": "127.0.0.1",
              "HTTP_X_AUTH_TOKEN": token}
    conn.sendall(record(BEGIN, struct.pack(">HB5x", 1, 0)) + record(PARAMS, pairs(params)) +
                 record(PARAMS) + record(STDIN))
    with conn:
        out = read_response(conn)
    head, _, body = out.partition(b"\r\n\r\n")
    headers = {}
    for line in head.decode().split("\r\n"):
        name, _, value = line.partition(": ")
        headers[name.lower()] = value
    return headers, body


class AccelRedirect(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.data = os.urandom((3 << 20) + 12345)
        cls.md5 = hashlib.md5(cls.data).hexdigest()
        cls.image = make_image(on, cls.data)

    def test_nginx_sends_the_exact_bytes_and_checksum_headers(self):
        status, hdrs, body = on.request("GET", f"/image/v2/images/{self.image}/file")
        self.assertEqual(status, 200)
        self.assertEqual(body, self.data)
        self.assertEqual(hdrs["content-length"], str(len(self.data)))
        self.assertEqual(hdrs["content-md5"], self.md5)
        self.assertEqual(hdrs["content-type"], "application/octet-stream")
        self.assertTrue(hdrs["x-openstack-request-id"].startswith("req-"))
        self.assertNotIn("x-accel-redirect", hdrs)
        # v1 carries the checksum as ETag and the metadata as headers.
        status, hdrs, body = on.request("GET", f"/image/v1/images/{self.image}")
        self.assertEqual((status, body), (200, self.data))
        self.assertEqual(hdrs["etag"], self.md5)
        self.assertEqual(hdrs["x-image-meta-checksum"], self.md5)
        self.assertEqual(hdrs["x-image-meta-size"], str(len(self.data)))
        self.assertEqual(hdrs["x-image-meta-status"], "active")
        self.assertEqual(hdrs["content-length"], str(len(self.data)))

    def test_ranges_are_served_by_nginx(self):
        status, hdrs, body = on.request("GET", f"/image/v2/images/{self.image}/file",
                                        headers={"Range": "bytes=1000-1999"})
        self.assertEqual((status, body), (206, self.data[1000:2000]))
        self.assertEqual(hdrs["content-range"], f"bytes 1000-1999/{len(self.data)}")

    def test_the_worker_answers_with_a_redirect_and_no_body(self):
        hdrs, body = worker_get(on, f"/image/v2/images/{self.image}/file", on.token)
        self.assertEqual(hdrs["status"], "200 OK")
        self.assertEqual(hdrs["x-accel-redirect"], f"/_jumpgate_image_store/{self.image}")
        self.assertEqual(hdrs["content-length"], "0")      # not the file's: nginx sends that
        self.assertEqual(hdrs["content-md5"], self.md5)
        self.assertEqual(body, b"")
        hdrs, body = worker_get(on, f"/image/v1/images/{self.image}", on.token)
        self.assertEqual(hdrs["x-accel-redirect"], f"/_jumpgate_image_store/{self.image}")
        self.assertEqual((hdrs["etag"], body), (self.md5, b""))

    def test_v1_sends_an_image_with_properties_itself(self):
        image = make_image(on, b"with properties", hw_disk_bus="virtio")
        hdrs, body = worker_get(on, f"/image/v1/images/{image}", on.token)
        self.assertNotIn("x-accel-redirect", hdrs)
        self.assertEqual(body, b"with properties")
        status, hdrs, body = on.request("GET", f"/image/v1/images/{image}")
        self.assertEqual((status, body), (200, b"with properties"))
        self.assertEqual(hdrs["x-image-meta-property-hw_disk_bus"], "virtio")
        # v2 carries no properties in headers: nginx sends it.
        self.assertIn("x-accel-redirect", worker_get(on, f"/image/v2/images/{image}/file", on.token)[0])

    def test_without_accel_the_worker_streams_the_same_bytes(self):
        image = make_image(off, self.data)
        status, hdrs, body = off.request("GET", f"/image/v2/images/{image}/file")
        self.assertEqual((status, body), (200, self.data))
        self.assertEqual(hdrs["content-md5"], self.md5)
        self.assertEqual(hdrs["content-length"], str(len(self.data)))
        hdrs, body = worker_get(off, f"/image/v2/images/{image}/file", off.token)
        self.assertNotIn("x-accel-redirect", hdrs)
        self.assertEqual(hdrs["content-length"], str(len(self.data)))
        self.assertEqual(body, self.data)

    def test_authorisation_comes_before_the_redirect(self):
        headers = {"X-Auth-Token": member_token}
        for path in (f"/image/v2/images/{self.image}/file", f"/image/v1/images/{self.image}"):
            status, _, body = on.request("GET", path, headers=headers, auth=False)
            self.assertIn(status, (403, 404), path)
            self.assertNotIn(self.data[:64], body)
            self.assertEqual(on.request("GET", path, auth=False)[0], 401)
            hdrs, _ = worker_get(on, path, member_token)
            self.assertNotIn("x-accel-redirect", hdrs)
            self.assertIn(hdrs["status"][:3], ("403", "404"))

    def test_the_internal_location_is_not_reachable_from_outside(self):
        for token in (True, False):
            status, _, body = on.request("GET", f"/_jumpgate_image_store/{self.image}", auth=token)
            self.assertEqual(status, 404)
            self.assertNotIn(self.data[:64], body)
        self.assertEqual(on.request("GET", "/_jumpgate_image_store/")[0], 404)

    def test_a_relative_prefix_is_refused(self):
        fd, path = tempfile.mkstemp(suffix=".conf")
        with os.fdopen(fd, "w") as f:
            f.write("[image]\naccel_redirect = _jumpgate_image_store/\n")
        state = tempfile.mkdtemp(prefix="jumpgate-accel-")
        r = subprocess.run([WORKER, "--config", path, f"--general.module_dir={MODULE_DIR}",
                            f"--general.state_dir={state}", "--check-config"], capture_output=True, text=True)
        os.unlink(path)
        shutil.rmtree(state, ignore_errors=True)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{path}:2: [image] accel_redirect", r.stderr)


if __name__ == "__main__":
    unittest.main()
