# SPDX-License-Identifier: Apache-2.0
"""The access log (issue 24): each request gets one line in the worker's log and one in nginx's, both with the
request id the client got, in logfmt; a 4xx, a 5xx and a slow request alike; no secret of the query is written."""
import http.client
import re
import time
import unittest

from stack import Stack, wait_for

LINE = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\S+)')


def fields(line):
    """The key=value pairs of a logfmt line, values unquoted."""
    return {k: (v[1:-1] if v.startswith('"') else v) for k, v in LINE.findall(line)}


def setUpModule():
    global stack, project_id, user_id
    stack = Stack().start()
    _, _, body = stack.get_json("/identity/v3/auth/tokens", headers={"X-Subject-Token": stack.token})
    project_id, user_id = body["token"]["project"]["id"], body["token"]["user"]["id"]


def tearDownModule():
    stack.stop()


def lines_of(request_id):
    """The worker's access line and nginx's line of the request, once both are written."""
    found = {}

    def both():
        found["worker"] = [l for l in stack.log().splitlines() if f"access request_id={request_id} " in l]
        found["nginx"] = [l for l in stack.log("nginx-access.log").splitlines() if f"request_id={request_id}" in l]
        return found["worker"] and found["nginx"]
    wait_for(both, 10)
    return found["worker"], found["nginx"]


class AccessLog(unittest.TestCase):
    def check(self, status, headers, method, path, query=None, caller=True):
        request_id = headers["x-openstack-request-id"]
        worker, nginx = lines_of(request_id)
        self.assertEqual((len(worker), len(nginx)), (1, 1), (worker, nginx))
        self.assertRegex(worker[0], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z jumpgate-fcgi\[\d+\]: info: access ")
        ours, theirs = fields(worker[0]), fields(nginx[0])
        self.assertEqual((ours["method"], ours["path"], ours["status"], ours["user_id"], ours["project_id"]),
                         (method, path, str(status)) + ((user_id, project_id) if caller else ("-", "-")))
        self.assertEqual((theirs["method"], theirs["path"], theirs["status"]), (method, path, str(status)))
        if query is not None:
            self.assertEqual(ours["query"], query)
        return ours, theirs

    def test_a_4xx(self):
        status, headers, _ = stack.request("GET", "/compute/v2.1/servers/no-such-server")
        self.assertEqual(status, 404)
        ours, _ = self.check(404, headers, "GET", "/compute/v2.1/servers/no-such-server", query="-")
        self.assertGreater(int(ours["bytes"]), 0)

    def test_a_5xx(self):
        # The catalogue's project user listing (the original Jumpgate's) has no handler in the local identity: 501,
        # a 5xx of the worker's own, answered before the token is looked at.
        status, headers, _ = stack.request("GET", "/identity/v3/projects/some-project/users")
        self.assertEqual(status, 501)
        self.check(501, headers, "GET", "/identity/v3/projects/some-project/users", caller=False)

    def test_a_slow_request_and_its_duration(self):
        status, _, body = stack.get_json("/image/v2/images", method="POST", body={
            "name": "slow", "disk_format": "raw", "container_format": "bare"})
        self.assertEqual(status, 201, body)
        path = f"/image/v2/images/{body['id']}/file"
        pieces = [b"x" * 1000] * 4
        conn = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=30)
        conn.putrequest("PUT", path)
        for name, value in (("X-Auth-Token", stack.token), ("Content-Type", "application/octet-stream"),
                            ("Content-Length", str(sum(map(len, pieces))))):
            conn.putheader(name, value)
        conn.endheaders()
        for piece in pieces:   # image data reaches the worker as it comes (jumpgate-image-data.conf)
            conn.send(piece)
            time.sleep(0.5)
        resp = conn.getresponse()
        resp.read()
        conn.close()
        self.assertEqual(resp.status, 204)
        ours, theirs = self.check(204, {k.lower(): v for k, v in resp.getheaders()}, "PUT", path)
        self.assertGreaterEqual(float(ours["duration_ms"]), 1400)
        self.assertGreaterEqual(float(theirs["duration_s"]), 1.4)

    def test_no_secret_of_the_query_is_written(self):
        status, headers, _ = stack.request("GET", "/image/v2/images?limit=1&password=hunter2-secret&name=x")
        self.assertEqual(status, 200)
        self.check(200, headers, "GET", "/image/v2/images", query="limit=1&password=***&name=x")
        self.assertNotIn("hunter2-secret", stack.log())
        self.assertNotIn("hunter2-secret", stack.log("nginx-access.log"))

    def test_a_token_in_the_path_is_not_written(self):
        # Keystone v2.0 validates a token named in the path.
        subject = stack.password_token("admin", stack.password, "admin")[0]
        status, headers, _ = stack.request("GET", f"/identity/v2.0/tokens/{subject}")
        self.assertEqual(status, 200)
        self.check(200, headers, "GET", "/identity/v2.0/tokens/***")
        self.assertNotIn(subject, stack.log())
        self.assertNotIn(subject, stack.log("nginx-access.log"))

    def test_a_value_the_client_sent_cannot_forge_a_line(self):
        status, headers, _ = stack.request("GET", '/image/v2/images?name=a%0Astatus%3D200"x')
        request_id = headers["x-openstack-request-id"]
        worker, _ = lines_of(request_id)
        self.assertEqual(len(worker), 1)
        self.assertEqual(fields(worker[0])["status"], str(status))
        self.assertEqual(sum("status=200\"x" in l for l in stack.log().splitlines()), 0)


if __name__ == "__main__":
    unittest.main()
