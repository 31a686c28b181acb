# SPDX-License-Identifier: Apache-2.0
"""The read-only example driver (tests/drivers/readonly.cpp): a cloud that can only list and show servers, flavors
and images serves the OpenStack clients' reads, keeps each project to its own servers, and answers 501 to the
rest."""
import os
import subprocess
import unittest

import readonly_cloud
from stack import READONLY_DRIVER, WORKER

C = "/compute/v2.1"


def setUpModule():
    global stack, servers
    stack = readonly_cloud.start()
    servers = {s["name"]: s["id"] for s in readonly_cloud.cloud()["servers"]}


def tearDownModule():
    stack.stop()


def names(path, token=None):
    status, _, body = stack.get_json(path, headers={"X-Auth-Token": token} if token else None)
    assert status == 200, (path, status, body)
    return [s["name"] for s in body["servers"]]


class Clients(unittest.TestCase):
    def test_server_list_shows_the_projects_servers_newest_first(self):
        self.assertEqual([s["Name"] for s in stack.cli("server", "list")], ["db-1", "web-2", "web-1"])
        self.assertEqual([s["Name"] for s in stack.cli("server", "list", env=stack.env_b)], ["other-1"])

    def test_server_list_long_names_flavor_and_image(self):
        listed = {s["Name"]: s for s in stack.cli("server", "list", "--long")}
        self.assertEqual(listed["web-2"]["Flavor Name"], "m1.small")
        self.assertEqual(listed["web-2"]["Image Name"], "cirros-0.6.2")
        self.assertEqual(listed["web-2"]["Networks"], {"private": ["10.0.0.12", "fd00::12"]})
        self.assertEqual((listed["db-1"]["Status"], listed["db-1"]["Power State"]), ("SHUTOFF", 4))

    def test_server_show(self):
        shown = stack.cli("server", "show", servers["web-2"])
        self.assertEqual((shown["name"], shown["status"], shown["flavor"]), ("web-2", "ACTIVE", "m1.small (2)"))
        self.assertEqual(shown["properties"], {"role": "web"})
        self.assertEqual(shown["project_id"], stack.project_a)

    def test_flavor_list(self):
        listed = {f["Name"]: f for f in stack.cli("flavor", "list")}
        self.assertEqual(sorted(listed), ["m1.medium", "m1.small", "m1.tiny"])
        self.assertEqual(listed["m1.medium"]["RAM"], 4096)

    def test_image_list(self):
        # An admin sees every image, as in Glance; a member public ones and its project's.
        self.assertEqual(sorted(i["Name"] for i in stack.cli("image", "list", env=stack.env_b)),
                         ["cirros-0.6.2", "debian-12", "project-b-golden"])
        self.assertEqual(len(stack.cli("image", "list")), 4)

    def test_server_create_is_not_implemented(self):
        run = stack.cli("server", "create", "--flavor", "1", "--image", "cirros-0.6.2", "new", check=False)
        self.assertNotEqual(run.returncode, 0)
        self.assertIn("501", run.stderr)


class Projects(unittest.TestCase):
    def test_another_projects_server_is_not_found(self):
        status, _, body = stack.get_json(f"{C}/servers/{servers['web-1']}", headers={"X-Auth-Token": stack.token_b})
        self.assertEqual(status, 404, body)
        self.assertIn("itemNotFound", body)

    def test_an_admin_sees_every_project_when_asking(self):
        self.assertEqual(names(f"{C}/servers?all_tenants=1"), ["other-1", "db-1", "web-2", "web-1"])
        self.assertEqual(names(f"{C}/servers?all_tenants=1&project_id={stack.project_b}"), ["other-1"])
        status, _, _ = stack.get_json(f"{C}/servers/{servers['other-1']}")
        self.assertEqual(status, 200)

    def test_a_member_asking_for_all_projects_sees_its_own(self):
        self.assertEqual(names(f"{C}/servers?all_tenants=1", stack.token_b), ["other-1"])

    def test_a_marker_of_another_projects_server_is_refused(self):
        status, _, body = stack.get_json(f"{C}/servers?marker={servers['web-1']}",
                                         headers={"X-Auth-Token": stack.token_b})
        self.assertEqual(status, 400, body)


class Images(unittest.TestCase):
    def test_another_projects_private_image_is_not_found(self):
        image = {i["name"]: i["id"] for i in readonly_cloud.cloud()["images"]}["project-a-golden"]
        status, _, _ = stack.get_json(f"/image/v2/images/{image}", headers={"X-Auth-Token": stack.token_b})
        self.assertEqual(status, 404)
        status, _, _ = stack.get_json(f"/image/v2/images/{image}")
        self.assertEqual(status, 200)

    def test_filters_sort_and_pages(self):
        def listed(query):
            status, _, body = stack.get_json(f"/image/v2/images?{query}", headers={"X-Auth-Token": stack.token_b})
            self.assertEqual(status, 200, body)
            return [i["name"] for i in body["images"]], body.get("next")

        self.assertEqual(listed("visibility=public&sort=name:asc")[0], ["cirros-0.6.2", "debian-12"])
        self.assertEqual(listed("tag=tiny")[0], ["cirros-0.6.2"])
        self.assertEqual(listed("os_distro=debian")[0], ["debian-12"])
        self.assertEqual(listed("size_min=100000000&sort=name:desc")[0], ["project-b-golden", "debian-12"])
        first, following = listed("sort=name:asc&limit=2")
        self.assertEqual(first, ["cirros-0.6.2", "debian-12"])
        self.assertEqual(listed(following.split("?", 1)[1])[0], ["project-b-golden"])

    def test_nova_lists_the_image_services_images(self):
        status, _, body = stack.get_json(f"{C}/images/detail", headers={"X-Auth-Token": stack.token_b})
        self.assertEqual(status, 200, body)
        self.assertEqual(sorted(i["name"] for i in body["images"]), ["cirros-0.6.2", "debian-12", "project-b-golden"])


class Filters(unittest.TestCase):
    def test_name_is_a_regular_expression(self):
        self.assertEqual(names(f"{C}/servers?name=^web"), ["web-2", "web-1"])
        self.assertEqual(names(f"{C}/servers?name=1$"), ["db-1", "web-1"])

    def test_status(self):
        self.assertEqual(names(f"{C}/servers?status=SHUTOFF"), ["db-1"])
        self.assertEqual(names(f"{C}/servers?status=active"), ["web-2", "web-1"])

    def test_ip_image_flavor_and_changes_since(self):
        self.assertEqual(names(f"{C}/servers?ip=10%5C.0%5C.0%5C.1"), ["web-2", "web-1"])
        self.assertEqual(names(f"{C}/servers?flavor=3"), ["db-1"])
        image = readonly_cloud.cloud()["servers"][0]["image_id"]
        self.assertEqual(names(f"{C}/servers?image={image}"), ["web-2", "web-1"])
        self.assertEqual(names(f"{C}/servers?changes-since=2025-01-04T14:18:00Z"), ["db-1", "web-2"])

    def test_pages_follow_the_marker(self):
        seen, path = [], f"{C}/servers?limit=2"
        while path:
            status, _, body = stack.get_json(path)
            self.assertEqual(status, 200, body)
            seen += [s["name"] for s in body["servers"]]
            links = body.get("servers_links", [])
            path = links[0]["href"].split(str(stack.port), 1)[1] if links else None
        self.assertEqual(seen, ["db-1", "web-2", "web-1"])


class Configuration(unittest.TestCase):
    def test_the_data_file_is_required(self):
        run = subprocess.run([WORKER, "--check-config", f"--compute.driver={READONLY_DRIVER}", "--identity.driver=",
                              "--image.driver=", "--volume.driver=", "--network.driver=",
                              "--general.require_authentication=false",
                              f"--general.module_dir={os.path.dirname(READONLY_DRIVER)}"],
                             capture_output=True, text=True)
        self.assertEqual(run.returncode, 1)
        self.assertIn("[compute] readonly_file is not set", run.stderr)
