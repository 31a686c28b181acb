# SPDX-License-Identifier: Apache-2.0
"""The core through real nginx and spawn-fcgi workers: routing, versions, faults, headers."""
import json
import re
import subprocess
import unittest

from stack import MODULE_DIR, WORKER, Stack


def setUpModule():
    global stack
    stack = Stack().start()


def tearDownModule():
    stack.stop()


class RootIndex(unittest.TestCase):
    def test_lists_every_mounted_service_with_its_url(self):
        status, hdrs, body = stack.get_json("/")
        self.assertEqual(status, 200)
        names = [s["name"] for s in body["services"]]
        self.assertEqual(names, ["identity", "compute", "image", "volume", "network"])
        for s in body["services"]:
            self.assertEqual(s["url"], f"http://127.0.0.1:{stack.port}/{s['name']}")
            self.assertTrue(s["versions"], s["name"])
        self.assertRegex(hdrs["x-openstack-request-id"], r"^req-[0-9a-f-]{36}$")


class VersionDocuments(unittest.TestCase):
    def test_identity_root_is_300_and_links_follow(self):
        status, _, body = stack.get_json("/identity/")
        self.assertEqual(status, 300)
        ids = [v["id"] for v in body["versions"]["values"]]
        self.assertEqual(ids, ["v3.14", "v2.0"])
        for v in body["versions"]["values"]:
            href = v["links"][0]["href"]
            path = href.split(str(stack.port), 1)[1]
            status, _, doc = stack.get_json(path)
            self.assertEqual(status, 200, path)
            self.assertEqual(doc["version"]["id"], v["id"])

    def test_compute_self_links_round_trip(self):
        status, hdrs, body = stack.get_json("/compute/")
        self.assertEqual(status, 200)
        self.assertIn("x-compute-request-id", hdrs)
        v21 = [v for v in body["versions"] if v["id"] == "v2.1"][0]
        self.assertEqual((v21["min_version"], v21["status"]), ("2.1", "CURRENT"))
        for v in body["versions"]:
            href = v["links"][0]["href"]
            status, _, doc = stack.get_json(href.split(str(stack.port), 1)[1])
            self.assertEqual(status, 200, href)
            self.assertEqual(doc["version"]["links"][0]["href"], href)

    def test_image_volume_network(self):
        status, _, body = stack.get_json("/image/")
        self.assertEqual(status, 300)
        self.assertEqual(body["versions"][0]["id"], "v2.16")
        status, _, body = stack.get_json("/volume/")
        self.assertEqual(status, 300)
        self.assertEqual(body["versions"][0]["id"], "v3.0")
        status, _, body = stack.get_json("/volume/v3/")
        self.assertEqual(status, 200)
        self.assertEqual(body["versions"][0]["version"], "3.70")
        status, _, body = stack.get_json("/network/")
        self.assertEqual(status, 200)
        self.assertTrue(body["versions"][0]["links"][0]["href"].endswith("/network/v2.0/"))

    def test_trailing_slash_and_json_suffix(self):
        for path in ("/identity/v3", "/identity/v3/", "/identity/v3.json"):
            status, _, body = stack.get_json(path)
            self.assertEqual(status, 200, path)
            self.assertEqual(body["version"]["id"], "v3.14")

    def test_forwarded_proto_and_host_shape_links(self):
        _, _, body = stack.get_json("/", headers={"X-Forwarded-Proto": "https",
                                                  "X-Forwarded-Host": "cloud.example"})
        self.assertEqual(body["services"][1]["url"], "https://cloud.example/compute")


class Microversions(unittest.TestCase):
    def test_default_latest_and_echo(self):
        status, hdrs, _ = stack.get_json("/compute/v2.1/")
        self.assertEqual(status, 200)
        self.assertEqual(hdrs["openstack-api-version"], "compute 2.1")
        self.assertIn("OpenStack-API-Version", hdrs["vary"])
        _, hdrs, _ = stack.get_json("/compute/v2.1/", headers={"OpenStack-API-Version": "compute latest"})
        _, _, doc = stack.get_json("/compute/v2.1/")
        self.assertEqual(hdrs["openstack-api-version"], "compute " + doc["version"]["version"])
        _, hdrs, _ = stack.get_json("/compute/v2.1/", headers={"X-OpenStack-Nova-API-Version": "2.47"})
        self.assertEqual(hdrs["x-openstack-nova-api-version"], "2.47")

    def test_out_of_range_is_406_and_bad_format_400(self):
        status, _, body = stack.get_json("/compute/v2.1/", headers={"OpenStack-API-Version": "compute 2.999"})
        self.assertEqual(status, 406)
        self.assertIn("2.999", body["notAcceptable"]["message"])
        status, _, body = stack.get_json("/compute/v2.1/", headers={"OpenStack-API-Version": "compute two"})
        self.assertEqual(status, 400)
        self.assertEqual(body["badRequest"]["code"], 400)
        status, hdrs, _ = stack.get_json("/volume/v3/", headers={"OpenStack-API-Version": "volume 3.70"})
        self.assertEqual((status, hdrs["openstack-api-version"]), (200, "volume 3.70"))


class Faults(unittest.TestCase):
    def test_unknown_path_in_each_envelope(self):
        status, hdrs, body = stack.get_json("/compute/v2.1/no-such-thing/at-all")
        self.assertEqual(status, 404)
        self.assertEqual(body["itemNotFound"]["code"], 404)
        self.assertIn("x-openstack-request-id", hdrs)
        status, _, body = stack.get_json("/identity/v3/no/such/thing")
        self.assertEqual((status, body["error"]["code"], body["error"]["title"]), (404, 404, "Not Found"))
        status, _, body = stack.get_json("/network/v2.0/no-such-things")
        self.assertEqual((status, body["NeutronError"]["type"]), (404, "HTTPNotFound"))
        status, hdrs, body = stack.request("GET", "/image/v2/no-such-things")
        self.assertEqual(status, 404)
        self.assertTrue(hdrs["content-type"].startswith("text/html"))
        self.assertIn(b"404 Not Found", body)
        status, _, body = stack.get_json("/nowhere")
        self.assertEqual(status, 404)

    def test_wrong_verb_is_405_with_allow(self):
        status, hdrs, body = stack.get_json("/compute/", method="DELETE")
        self.assertEqual(status, 405)
        self.assertEqual(hdrs["allow"], "GET")
        self.assertEqual(body["badMethod"]["code"], 405)

    def test_known_endpoint_without_handler_is_501(self):
        out = subprocess.run([WORKER, f"--general.module_dir={MODULE_DIR}", f"--general.state_dir={stack.state}", "--coverage"],
                             check=True, capture_output=True, text=True).stdout
        rows = re.findall(r"^  GET\s+(/compute/\S+)\s+(\S+)\s+not implemented(?: \(needs [^)]*\))?$", out, re.M)
        self.assertTrue(rows, "no unimplemented compute GET endpoint left to probe")
        path, name = rows[0]
        path = re.sub(r"\{[^}]+\}", "x", path)
        status, _, body = stack.get_json(path)
        self.assertEqual(status, 501, path)
        self.assertEqual(body["notImplemented"]["code"], 501)
        self.assertIn(name, body["notImplemented"]["message"])

    def test_garbage_request_then_the_stack_still_serves(self):
        import socket
        with socket.create_connection(("127.0.0.1", stack.port)) as s:
            s.sendall(b"NOT-HTTP \x00\x01\x02\r\n\r\n")
            self.assertIn(b"400", s.recv(4096))
        self.assertEqual(stack.get_json("/")[0], 200)


class Coverage(unittest.TestCase):
    def test_every_endpoint_of_the_reference_catalogue_is_listed(self):
        import os
        from stack import TOP_SRCDIR
        with open(os.path.join(TOP_SRCDIR, "tests", "data", "jumpgate-endpoints.json")) as f:
            reference = json.load(f)
        out = subprocess.run([WORKER, f"--general.module_dir={MODULE_DIR}", f"--general.state_dir={stack.state}", "--coverage"],
                             check=True, capture_output=True, text=True).stdout
        listed = {}
        service = None
        for line in out.splitlines():
            if line.startswith("== "):
                service = line[3:].split(" ")[0]
                continue
            fields = line.split()
            listed.setdefault(service, set()).add(fields[2])
        for svc, endpoints in reference.items():
            for ep in endpoints:
                self.assertIn(ep["name"], listed.get(svc, set()), f"{svc} {ep['name']}")


if __name__ == "__main__":
    unittest.main()
