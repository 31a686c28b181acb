# SPDX-License-Identifier: Apache-2.0
"""Request parsing, body caps, streaming and crash containment, through the echo test driver."""
import unittest

from stack import Stack

CONFIG = """
[general]
# The echo driver stands alone: no identity driver, every request anonymous.
require_authentication = false
state_dir = {state}
module_dir = {module_dir}
max_json_size = 1K
max_body_size = 1M
log_file = {state}/log/jumpgate.log
[compute]
driver = {echo}
[image]
driver = {echo}
[identity]
driver =
[volume]
driver =
[network]
driver =
"""


def setUpModule():
    global stack
    # One worker, so "the same worker serves the next request" is observable by its pid.
    stack = Stack(CONFIG, workers=1).start()


def tearDownModule():
    stack.stop()


def pid():
    status, _, body = stack.get_json("/compute/v2.1/servers")
    assert status == 200, status
    return body["pid"]


class Json(unittest.TestCase):
    def test_echoes_a_json_body(self):
        status, _, body = stack.get_json("/compute/v2.1/servers?x=1", method="POST",
                                         body={"server": {"name": "a"}})
        self.assertEqual(status, 201)
        self.assertEqual(body["echo"], {"server": {"name": "a"}})
        self.assertEqual(body["query"], [["x", "1"]])

    def test_invalid_json_is_400_and_the_worker_goes_on(self):
        before = pid()
        status, _, body = stack.get_json("/compute/v2.1/servers", method="POST", body=b"{not json",
                                         headers={"Content-Type": "application/json"})
        self.assertEqual(status, 400)
        self.assertIn("Malformed", body["badRequest"]["message"])
        self.assertEqual(pid(), before)

    def test_empty_body_is_400(self):
        status, _, body = stack.get_json("/compute/v2.1/servers", method="POST", body=b"",
                                         headers={"Content-Type": "application/json"})
        self.assertEqual(status, 400)

    def test_non_json_content_type_is_415(self):
        status, _, body = stack.get_json("/compute/v2.1/servers", method="POST", body=b"<x/>",
                                         headers={"Content-Type": "application/xml"})
        self.assertEqual(status, 415)
        self.assertEqual(body["badMediaType"]["code"], 415)

    def test_json_over_its_cap_is_413(self):
        status, _, body = stack.get_json("/compute/v2.1/servers", method="POST",
                                         body={"pad": "x" * 2000})
        self.assertEqual(status, 413)
        self.assertEqual(body["overLimit"]["code"], 413)

    def test_driver_fault_keeps_its_status(self):
        status, _, body = stack.get_json("/compute/v2.1/servers", method="POST", body={"conflict": 1})
        self.assertEqual(status, 409)
        self.assertEqual(body["conflictingRequest"]["message"], "asked for a conflict")

    def test_exception_is_a_logged_500_and_the_worker_goes_on(self):
        before = pid()
        status, hdrs, body = stack.get_json("/compute/v2.1/servers", method="POST", body={"explode": True})
        self.assertEqual(status, 500)
        self.assertEqual(body["computeFault"]["code"], 500)
        self.assertNotIn("explode", body["computeFault"]["message"])
        self.assertIn(hdrs["x-openstack-request-id"] + " POST /compute/v2.1/servers", stack.log())
        self.assertEqual(pid(), before)


class Query(unittest.TestCase):
    def test_cgicc_decodes_repeated_and_encoded_parameters(self):
        _, _, body = stack.get_json("/compute/v2.1/servers?name=a%20b&tag=x&tag=y"
                                    "&changes-since=2026-01-01T00%3A00%3A00%2B00%3A00")
        self.assertEqual(body["query"], [["name", "a b"], ["tag", "x"], ["tag", "y"],
                                         ["changes-since", "2026-01-01T00:00:00+00:00"]])


class Paths(unittest.TestCase):
    def test_path_variables_are_decoded(self):
        _, _, body = stack.get_json("/compute/v2.1/servers/my%20server")
        self.assertEqual(body["endpoint"], "v2_server")
        self.assertEqual(body["params"], [["server_id", "my server"]])

    def test_urls_keep_the_form_the_client_used(self):
        base = f"http://127.0.0.1:{stack.port}/compute"
        _, _, body = stack.get_json("/compute/v2.1/servers")
        self.assertEqual(body["server_url"], base + "/v2.1/servers/abc")
        _, _, body = stack.get_json("/compute/v2/p9/servers")
        self.assertEqual(body["params"], [["tenant_id", "p9"]])
        self.assertEqual(body["server_url"], base + "/v2/p1/servers/abc")
        _, _, body = stack.get_json("/compute/v2.1/p9/servers")
        self.assertEqual(body["server_url"], base + "/v2.1/p1/servers/abc")


class Streams(unittest.TestCase):
    def test_upload_is_streamed_to_the_handler(self):
        status, _, body = stack.get_json("/image/v2/images/i1/file", method="PUT", body=b"z" * 524288,
                                         headers={"Content-Type": "application/octet-stream"})
        self.assertEqual((status, body["received"]), (200, 524288))

    def test_body_over_max_body_is_413(self):
        status, hdrs, body = stack.request("PUT", "/image/v2/images/i1/file", body=b"z" * (2 << 20),
                                           headers={"Content-Type": "application/octet-stream"})
        self.assertEqual(status, 413)
        self.assertIn(b"413 Request Entity Too Large", body)
        self.assertEqual(pid(), pid())

    def test_download_is_streamed_with_its_length(self):
        status, hdrs, body = stack.request("GET", "/image/v2/images/i1/file?size=3000000")
        self.assertEqual(status, 200)
        self.assertEqual(hdrs["content-length"], "3000000")
        self.assertEqual(len(body), 3000000)
        self.assertEqual(body[:3] + body[-1:], b"abc" + bytes([ord("a") + 2999999 % 26]))


if __name__ == "__main__":
    unittest.main()
