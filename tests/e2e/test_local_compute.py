# SPDX-License-Identifier: Apache-2.0
"""The first typed interface end to end: Compute flavors and zones of the local driver, from SQLite."""
import unittest

from stack import Stack


def setUpModule():
    global stack
    stack = Stack().start()


def tearDownModule():
    stack.stop()


def at(version):
    return {"OpenStack-API-Version": f"compute {version}"}


class Flavors(unittest.TestCase):
    def test_list_links_in_the_form_the_client_used(self):
        status, _, body = stack.get_json("/compute/v2.1/flavors")
        self.assertEqual(status, 200)
        tiny = [f for f in body["flavors"] if f["name"] == "m1.tiny"][0]
        self.assertEqual(set(tiny), {"id", "name", "links"})
        self.assertEqual(tiny["links"][0]["href"], f"http://127.0.0.1:{stack.port}/compute/v2.1/flavors/1")
        self.assertEqual(tiny["links"][1]["href"], f"http://127.0.0.1:{stack.port}/compute/flavors/1")
        _, _, body = stack.get_json("/compute/v2/p1/flavors")
        self.assertTrue(body["flavors"][0]["links"][0]["href"].startswith(
            f"http://127.0.0.1:{stack.port}/compute/v2/p1/flavors/"))

    def test_detail_shape_follows_the_microversion(self):
        _, _, body = stack.get_json("/compute/v2.1/flavors/detail", headers=at("2.1"))
        f = body["flavors"][0]
        self.assertNotIn("description", f)
        self.assertNotIn("extra_specs", f)
        self.assertEqual(f["swap"], "")
        self.assertIn("OS-FLV-EXT-DATA:ephemeral", f)
        _, _, body = stack.get_json("/compute/v2.1/flavors/detail", headers=at("2.55"))
        self.assertIn("description", body["flavors"][0])
        self.assertNotIn("extra_specs", body["flavors"][0])
        _, _, body = stack.get_json("/compute/v2.1/flavors/42", headers=at("2.75"))
        self.assertEqual(body["flavor"]["extra_specs"], {"hw_rng:allowed": "True"})
        self.assertEqual(body["flavor"]["swap"], 0)
        self.assertEqual((body["flavor"]["ram"], body["flavor"]["name"]), (128, "m1.nano"))

    def test_filters_sorting_and_pages(self):
        _, _, body = stack.get_json("/compute/v2.1/flavors/detail?minRam=4096")
        self.assertEqual(sorted(f["ram"] for f in body["flavors"]), [4096, 8192, 16384])
        _, _, body = stack.get_json("/compute/v2.1/flavors?sort_key=name&sort_dir=desc")
        names = [f["name"] for f in body["flavors"]]
        self.assertEqual(names, sorted(names, reverse=True))
        seen, path = [], "/compute/v2.1/flavors?limit=3"
        while path:
            _, _, body = stack.get_json(path)
            self.assertLessEqual(len(body["flavors"]), 3)
            seen += [f["id"] for f in body["flavors"]]
            links = body.get("flavors_links", [])
            path = links[0]["href"].split(str(stack.port), 1)[1] if links else None
        self.assertEqual(len(seen), 7)
        self.assertEqual(len(set(seen)), 7)

    def test_bad_input_and_unknown_flavor(self):
        status, _, body = stack.get_json("/compute/v2.1/flavors?limit=-1")
        self.assertEqual(status, 400)
        status, _, body = stack.get_json("/compute/v2.1/flavors?marker=nope")
        self.assertEqual(status, 400)
        status, _, body = stack.get_json("/compute/v2.1/flavors/nope")
        self.assertEqual(status, 404)
        self.assertEqual(body["itemNotFound"]["message"], "Flavor nope could not be found.")

    def test_extra_specs(self):
        _, _, body = stack.get_json("/compute/v2.1/flavors/42/os-extra_specs")
        self.assertEqual(body, {"extra_specs": {"hw_rng:allowed": "True"}})
        _, _, body = stack.get_json("/compute/v2.1/flavors/1/os-extra_specs")
        self.assertEqual(body, {"extra_specs": {}})
        status, _, _ = stack.get_json("/compute/v2.1/flavors/1/os-extra_specs/missing")
        self.assertEqual(status, 404)


class Zones(unittest.TestCase):
    def test_zone_list_and_detail(self):
        _, _, body = stack.get_json("/compute/v2.1/os-availability-zone")
        self.assertEqual(body["availabilityZoneInfo"],
                         [{"zoneName": "nova", "zoneState": {"available": True}, "hosts": None}])
        _, _, body = stack.get_json("/compute/v2.1/os-availability-zone/detail")
        hosts = body["availabilityZoneInfo"][0]["hosts"]
        self.assertEqual(len(hosts), 1)
        self.assertIn("nova-compute", list(hosts.values())[0])


if __name__ == "__main__":
    unittest.main()
