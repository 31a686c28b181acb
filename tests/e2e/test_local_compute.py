# SPDX-License-Identifier: Apache-2.0
"""The first typed interface end to end: Compute flavors and zones of the local driver, from SQLite."""
import unittest
import uuid

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


class FlavorManagement(unittest.TestCase):
    def test_every_workers_lists_follow_each_change_at_once(self):
        project, token, _ = stack.member("flavor-watcher")
        member = {"X-Auth-Token": token}

        def lists(headers=None, query=""):
            """The flavor e2e-watched as six lists in a row show it (two workers: each answers some)."""
            seen = []
            for _ in range(6):
                status, _, body = stack.get_json("/compute/v2.1/flavors/detail" + query,
                                                 headers={**at("2.61"), **(headers or {})})
                self.assertEqual(status, 200)
                mine = [f for f in body["flavors"] if f["id"] == "e2e-watched"]
                seen.append(mine[0] if mine else None)
            return seen

        private = "?is_public=false"     # an admin's default list is of the flavors its project may use
        self.assertEqual(lists(query=private), [None] * 6)
        self.assertEqual(lists(member), [None] * 6)
        status, _, _ = stack.get_json("/compute/v2.1/flavors", method="POST", body={"flavor": {
            "name": "e2e.watched", "ram": 128, "vcpus": 1, "disk": 1, "id": "e2e-watched",
            "os-flavor-access:is_public": False}})
        self.assertEqual(status, 200)
        self.assertEqual([f["name"] for f in lists(query=private)], ["e2e.watched"] * 6)
        self.assertEqual(lists(member), [None] * 6)
        stack.get_json("/compute/v2.1/flavors/e2e-watched/action", method="POST",
                       body={"addTenantAccess": {"tenant": project}})
        self.assertEqual([f["name"] for f in lists(member)], ["e2e.watched"] * 6)
        stack.get_json("/compute/v2.1/flavors/e2e-watched/os-extra_specs", method="POST",
                       body={"extra_specs": {"hw:watched": "yes"}})
        self.assertEqual([f["extra_specs"] for f in lists(member)], [{"hw:watched": "yes"}] * 6)
        self.assertEqual(stack.request("DELETE", "/compute/v2.1/flavors/e2e-watched")[0], 202)
        self.assertEqual(lists(query=private), [None] * 6)
        self.assertEqual(lists(member), [None] * 6)

    def test_admins_create_share_and_delete_private_flavors(self):
        status, _, body = stack.get_json("/compute/v2.1/flavors", method="POST", headers=at("2.55"), body={
            "flavor": {"name": "e2e.private", "ram": 256, "vcpus": 2, "disk": 3, "id": "e2e-priv",
                       "os-flavor-access:is_public": False, "description": "for one project"}})
        self.assertEqual(status, 200, body)
        f = body["flavor"]
        self.assertEqual((f["id"], f["ram"], f["vcpus"], f["os-flavor-access:is_public"], f["description"]),
                         ("e2e-priv", 256, 2, False, "for one project"))
        status, _, _ = stack.get_json("/compute/v2.1/flavors", method="POST", body={
            "flavor": {"name": "e2e.private", "ram": 256, "vcpus": 1, "disk": 1}})
        self.assertEqual(status, 409)
        for bad in ({"name": "x", "ram": 0, "vcpus": 1, "disk": 1}, {"name": "x", "vcpus": 1, "disk": 1},
                    {"name": "", "ram": 1, "vcpus": 1, "disk": 1}, {"name": "x", "ram": 1, "vcpus": "many", "disk": 1}):
            status, _, _ = stack.get_json("/compute/v2.1/flavors", method="POST", body={"flavor": bad})
            self.assertEqual(status, 400, bad)
        project, token, _ = stack.member("flavor-user")
        member = {"X-Auth-Token": token}
        status, _, _ = stack.get_json("/compute/v2.1/flavors", method="POST", headers=member, body={
            "flavor": {"name": "mine", "ram": 1, "vcpus": 1, "disk": 1}})
        self.assertEqual(status, 403)
        _, _, body = stack.get_json("/compute/v2.1/flavors", headers=member)
        self.assertNotIn("e2e-priv", [x["id"] for x in body["flavors"]])
        self.assertEqual(stack.get_json("/compute/v2.1/flavors/e2e-priv", headers=member)[0], 404)
        status, _, body = stack.get_json("/compute/v2.1/flavors/e2e-priv/action", method="POST",
                                         body={"addTenantAccess": {"tenant": project}})
        self.assertEqual((status, body["flavor_access"]), (200, [{"flavor_id": "e2e-priv", "tenant_id": project}]))
        status, _, _ = stack.get_json("/compute/v2.1/flavors/e2e-priv/action", method="POST",
                                      body={"addTenantAccess": {"tenant": project}})
        self.assertEqual(status, 409)
        _, _, body = stack.get_json("/compute/v2.1/flavors/e2e-priv/os-flavor-access")
        self.assertEqual(body["flavor_access"], [{"flavor_id": "e2e-priv", "tenant_id": project}])
        self.assertEqual(stack.get_json("/compute/v2.1/flavors/1/os-flavor-access")[0], 404)
        _, _, body = stack.get_json("/compute/v2.1/flavors", headers=member)
        self.assertIn("e2e-priv", [x["id"] for x in body["flavors"]])
        _, _, body = stack.get_json("/compute/v2.1/flavors?is_public=false")
        self.assertEqual([x["id"] for x in body["flavors"]], ["e2e-priv"])
        # Extra specs: set, merge, one key, delete.
        base = "/compute/v2.1/flavors/e2e-priv/os-extra_specs"
        status, _, body = stack.get_json(base, method="POST", body={"extra_specs": {"hw:cpu_policy": "dedicated"}})
        self.assertEqual((status, body), (200, {"extra_specs": {"hw:cpu_policy": "dedicated"}}))
        status, _, body = stack.get_json(base + "/quota:disk_read_bytes_sec", method="PUT",
                                         body={"quota:disk_read_bytes_sec": "1024"})
        self.assertEqual((status, body), (200, {"quota:disk_read_bytes_sec": "1024"}))
        self.assertEqual(stack.get_json(base + "/other", method="PUT", body={"mismatch": "1"})[0], 400)
        self.assertEqual(stack.get_json(base, method="POST", body={"extra_specs": {"x": "1"}}, headers=member)[0], 403)
        _, _, body = stack.get_json(base)
        self.assertEqual(body["extra_specs"], {"hw:cpu_policy": "dedicated", "quota:disk_read_bytes_sec": "1024"})
        self.assertEqual(stack.request("DELETE", base + "/hw:cpu_policy")[0], 200)
        self.assertEqual(stack.request("DELETE", base + "/hw:cpu_policy")[0], 404)
        status, _, body = stack.get_json("/compute/v2.1/flavors/e2e-priv", method="PUT", headers=at("2.55"),
                                         body={"flavor": {"description": "changed"}})
        self.assertEqual((status, body["flavor"]["description"]), (200, "changed"))
        status, _, body = stack.get_json("/compute/v2.1/flavors/e2e-priv/action", method="POST",
                                         body={"removeTenantAccess": {"tenant": project}})
        self.assertEqual((status, body["flavor_access"]), (200, []))
        self.assertEqual(stack.request("DELETE", "/compute/v2.1/flavors/e2e-priv", headers=member)[0], 403)
        self.assertEqual(stack.request("DELETE", "/compute/v2.1/flavors/e2e-priv")[0], 202)
        self.assertEqual(stack.get_json("/compute/v2.1/flavors/e2e-priv")[0], 404)
        self.assertEqual(stack.request("DELETE", "/compute/v2.1/flavors/e2e-priv")[0], 404)

    def test_openstack_flavor_create_and_delete(self):
        f = stack.cli("flavor", "create", "--ram", "64", "--vcpus", "1", "--disk", "0", "--private",
                      "--property", "hw:mem_page_size=small", "e2e.cli")
        self.assertEqual((f["name"], f["ram"], f["os-flavor-access:is_public"]), ("e2e.cli", 64, False))
        shown = stack.cli("flavor", "show", "e2e.cli")
        self.assertIn("hw:mem_page_size", str(shown["properties"]))
        stack.cli("flavor", "delete", "e2e.cli", parse=False)
        self.assertNotIn("e2e.cli", [x["Name"] for x in stack.cli("flavor", "list", "--all")])


class Extensions(unittest.TestCase):
    def test_listing_names_what_is_served(self):
        status, _, body = stack.get_json("/compute/v2.1/extensions")
        self.assertEqual(status, 200)
        aliases = {e["alias"]: e for e in body["extensions"]}
        self.assertIn("os-keypairs", aliases)
        self.assertIn("os-flavor-manage", aliases)
        self.assertEqual(set(aliases["os-keypairs"]), {"alias", "name", "description", "namespace", "updated", "links"})
        status, _, body = stack.get_json("/compute/v2.1/extensions/os-keypairs")
        self.assertEqual((status, body["extension"]["name"]), (200, "Keypairs"))
        self.assertEqual(stack.get_json("/compute/v2.1/extensions/os-nothing")[0], 404)
        # Nova lists os-consoles though its API is gone (410), as the other removed APIs.
        self.assertEqual(stack.get_json("/compute/v2.1/extensions/os-consoles")[2]["extension"]["name"], "Consoles")
        for method, path in (("GET", "consoles"), ("POST", "consoles"), ("GET", "consoles/1"), ("DELETE", "consoles/1")):
            status, _, body = stack.get_json(f"/compute/v2.1/servers/{uuid.uuid4()}/{path}", method=method)
            self.assertEqual(status, 410, (method, path, body))


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
