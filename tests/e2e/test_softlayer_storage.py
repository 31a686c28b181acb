# SPDX-License-Identifier: Apache-2.0
"""The SoftLayer driver's images, block storage and networks (drivers/softlayer) against the SoftLayer API simulator
(tests/softlayer/simulator.py), through the openstack client: image templates listed, shown and deleted; portable
storage ordered, attached to a guest, detached and cancelled; VLANs and subnets as networks and subnets; after each
step, what the simulator then holds. The other account sees none of it, and what SoftLayer cannot do answers 501."""
import json
import subprocess
import unittest

import softlayer_cloud
from stack import WORKER, wait_for

C = "/compute/v2.1"


def setUpModule():
    global cloud, stack, sim, a, b
    cloud = softlayer_cloud.Cloud(provision_seconds=3)  # long enough to see an order being filled
    stack, sim, a, b = cloud.stack, cloud.sim, cloud.a, cloud.b


def tearDownModule():
    cloud.stop()


def volume_path(account, volume_id=""):
    return f"/volume/v3/{account.id}/volumes" + (f"/{volume_id}" if volume_id else "")


class Images(unittest.TestCase):
    """Templates as images, in order: the last test deletes the account's private template."""

    @classmethod
    def setUpClass(cls):
        cls.private = a.held()["blockDeviceTemplateGroups"][0]
        cls.public = sim.state()["publicImages"][0]
        cls.others = b.held()["blockDeviceTemplateGroups"][0]

    def test_1_list_is_the_private_and_the_public_templates(self):
        listed = {i["ID"]: i for i in a.cli("image", "list")}
        expected = {t["globalIdentifier"]: t["name"] for t in a.held()["blockDeviceTemplateGroups"]}
        expected.update({t["globalIdentifier"]: t["name"] for t in sim.state()["publicImages"]})
        self.assertEqual({i: listed[i]["Name"] for i in listed}, expected)
        self.assertEqual({i["Status"] for i in listed.values()}, {"active"})
        self.assertNotIn(self.others["globalIdentifier"], [i["ID"] for i in a.cli("image", "list", "--private")])
        self.assertEqual([i["ID"] for i in a.cli("image", "list", "--public")],
                         sorted((t["globalIdentifier"] for t in sim.state()["publicImages"]), reverse=True))

    def test_2_show_private_and_public(self):
        shown = a.cli("image", "show", self.private["globalIdentifier"])
        self.assertEqual((shown["name"], shown["visibility"], shown["owner"], shown["min_disk"]),
                         (self.private["name"], "private", str(a.id), self.private["capacity"]))
        shown = a.cli("image", "show", self.public["globalIdentifier"])
        self.assertEqual((shown["name"], shown["visibility"]), (self.public["name"], "public"))
        # Glance v1's HEAD, as seed 003 has it.
        status, hdrs, _ = a.get(f"/image/v1/images/{self.private['globalIdentifier']}", method="HEAD")
        self.assertEqual(status, 200)
        self.assertEqual(hdrs["x-image-meta-name"], self.private["name"])

    def test_3_bytes_are_not_served(self):
        guid = self.private["globalIdentifier"]
        for method, path in (("GET", f"/image/v2/images/{guid}/file"), ("PUT", f"/image/v2/images/{guid}/file"),
                             ("POST", "/image/v2/images")):
            status, _, body = a.get(path, method=method, body={} if method != "GET" else None,
                                    headers={"Content-Type": "application/octet-stream"} if method == "PUT" else None)
            self.assertEqual(status, 501, (method, path, body))

    def test_4_the_other_account_sees_and_deletes_none_of_them(self):
        guid = self.private["globalIdentifier"]
        self.assertNotIn(guid, [i["ID"] for i in b.cli("image", "list")])
        for method in ("GET", "DELETE"):
            status, _, body = b.get(f"/image/v2/images/{guid}", method=method)
            self.assertEqual(status, 404, (method, body))
        self.assertIn(guid, [t["globalIdentifier"] for t in a.held()["blockDeviceTemplateGroups"]])

    def test_5_a_public_image_is_not_deleted(self):
        status, _, body = a.get(f"/image/v2/images/{self.public['globalIdentifier']}", method="DELETE")
        self.assertEqual(status, 403, body)
        self.assertIn(self.public["globalIdentifier"], [t["globalIdentifier"] for t in sim.state()["publicImages"]])

    def test_9_a_private_image_is_deleted(self):
        a.cli("image", "delete", self.private["globalIdentifier"], parse=False)
        self.assertNotIn(self.private["globalIdentifier"],
                         [t["globalIdentifier"] for t in a.held()["blockDeviceTemplateGroups"]])
        status, _, _ = a.get(f"/image/v2/images/{self.private['globalIdentifier']}")
        self.assertEqual(status, 404)


class Volumes(unittest.TestCase):
    """A portable storage volume's life, in order, with a server to attach it to."""

    @classmethod
    def setUpClass(cls):
        image = sim.state()["publicImages"][0]["globalIdentifier"]
        cls.server_id = a.cli("server", "create", "--flavor", "sl.tiny", "--image", image, "--availability-zone",
                              "dal10", "jg-vol-host")["id"]

    @classmethod
    def tearDownClass(cls):
        a.cli("server", "delete", cls.server_id, parse=False)

    def volume(self, volume_id, account=None):
        status, _, body = (account or a).get(volume_path(account or a, volume_id))
        self.assertEqual(status, 200, body)
        return body["volume"]

    def disk(self, volume_id):
        return next((d for d in a.held()["virtualDiskImages"] if d["id"] == int(volume_id)), None)

    def test_1_one_type(self):
        self.assertEqual([t["Name"] for t in a.cli("volume", "type", "list")], ["SAN"])

    def test_2_create_orders_portable_storage(self):
        made = a.cli("volume", "create", "--size", "15", "--availability-zone", "dal10", "jg-vol")
        self.assertEqual((made["status"], made["name"], made["size"]), ("creating", "jg-vol", 20))
        order = next(o for o in a.held()["orders"] if f"order-{o['id']}" == made["id"])
        self.assertEqual([i["categoryCode"] for i in order["items"]], ["portable_storage"])
        status, _, body = a.get(volume_path(a, "detail"))
        self.assertIn((made["id"], "creating"), [(v["id"], v["status"]) for v in body["volumes"]])
        self.assertTrue(wait_for(lambda: self.volume(made["id"])["status"] == "available", 15))
        volume = self.volume(made["id"])
        type(self).volume_id = volume["id"]
        disk = self.disk(volume["id"])
        self.assertEqual((disk["name"], disk["capacity"], disk["portable"], disk["guestId"]),
                         ("jg-vol", 20, True, None))
        self.assertEqual((volume["availability_zone"], volume["volume_type"], volume["size"]), ("dal10", "SAN", 20))

    def test_3_list_and_show(self):
        listed = {v["ID"]: v for v in a.cli("volume", "list")}
        portable = {str(d["id"]) for d in a.held()["virtualDiskImages"] if d["portable"]}
        self.assertEqual(set(listed), portable)
        self.assertEqual(listed[self.volume_id]["Status"], "available")
        shown = a.cli("volume", "show", self.volume_id)
        self.assertEqual((shown["name"], shown["size"], shown["status"]), ("jg-vol", 20, "available"))
        # Seed 002's os-volumes through Nova.
        status, _, body = a.get(f"{C}/os-volumes")
        self.assertEqual(status, 200, body)
        self.assertEqual({v["id"] for v in body["volumes"]}, portable)

    def test_4_attach_and_detach(self):
        self.assertTrue(wait_for(lambda: a.get(f"{C}/servers/{self.server_id}")[2]["server"]["status"] == "ACTIVE",
                                 30))
        a.cli("server", "add", "volume", self.server_id, self.volume_id, parse=False)
        self.assertEqual(self.disk(self.volume_id)["guestId"], int(self.server_id))
        volume = self.volume(self.volume_id)
        self.assertEqual(volume["status"], "in-use")
        self.assertEqual([(x["server_id"], x["device"]) for x in volume["attachments"]],
                         [(self.server_id, "/dev/xvd" + chr(ord("a") + int(self.disk(self.volume_id)["device"])))])
        status, _, body = a.get(f"{C}/servers/{self.server_id}/os-volume_attachments")
        self.assertEqual(status, 200, body)
        self.assertEqual([x["volumeId"] for x in body["volumeAttachments"]], [self.volume_id])
        shown = a.cli("server", "show", self.server_id)
        self.assertIn(self.volume_id, str(shown["volumes_attached"]))
        # In use, it is not deleted.
        status, _, body = a.get(volume_path(a, self.volume_id), method="DELETE")
        self.assertEqual(status, 400, body)

        a.cli("server", "remove", "volume", self.server_id, self.volume_id, parse=False)
        self.assertIsNone(self.disk(self.volume_id)["guestId"])
        self.assertEqual(self.volume(self.volume_id)["status"], "available")

    def test_5_the_image_a_server_captures_is_an_image(self):
        a.cli("server", "image", "create", "--name", "jg-snap", self.server_id)
        captured = next(t for t in a.held()["blockDeviceTemplateGroups"] if t["name"] == "jg-snap")
        listed = {i["Name"]: i for i in a.cli("image", "list")}
        self.assertEqual(listed["jg-snap"]["ID"], captured["globalIdentifier"])
        self.assertTrue(wait_for(
            lambda: a.get(f"/image/v2/images/{captured['globalIdentifier']}")[2]["status"] == "active", 15))

    def test_6_the_other_account_sees_and_touches_none_of_it(self):
        self.assertNotIn(self.volume_id, [v["ID"] for v in b.cli("volume", "list")])
        for method in ("GET", "DELETE"):
            status, _, body = b.get(volume_path(b, self.volume_id), method=method)
            self.assertEqual(status, 404, (method, body))
        b_guest = b.held()["virtualGuests"][0]["id"]
        status, _, body = b.get(f"{C}/servers/{b_guest}/os-volume_attachments", method="POST",
                                body={"volumeAttachment": {"volumeId": self.volume_id}})
        self.assertEqual(status, 404, body)
        status, _, body = b.get(f"{C}/servers/{self.server_id}/os-volume_attachments", method="POST",
                                body={"volumeAttachment": {"volumeId": self.volume_id}})
        self.assertEqual(status, 404, body)
        self.assertIsNone(self.disk(self.volume_id)["guestId"])

    def test_7_snapshots_are_not_made(self):
        status, _, body = a.get(f"/volume/v3/{a.id}/snapshots", method="POST",
                                body={"snapshot": {"volume_id": self.volume_id}})
        self.assertEqual(status, 501, body)

    def test_8_delete_cancels_it(self):
        a.cli("volume", "delete", self.volume_id, parse=False)
        self.assertIsNone(self.disk(self.volume_id))
        status, _, _ = a.get(volume_path(a, self.volume_id))
        self.assertEqual(status, 404)


class Networks(unittest.TestCase):
    def test_networks_are_the_vlans(self):
        vlans = a.held()["networkVlans"]
        listed = {n["ID"]: n for n in a.cli("network", "list")}
        self.assertEqual(set(listed), {str(v["id"]) for v in vlans})
        subnets = a.held()["subnets"]
        vlan = vlans[0]
        shown = a.cli("network", "show", str(vlan["id"]))
        self.assertEqual(shown["name"], vlan["name"])
        self.assertEqual(shown["subnets"], [str(s["id"]) for s in subnets if s["networkVlanId"] == vlan["id"]])
        self.assertEqual(shown["project_id"], str(a.id))

    def test_subnets_are_the_vlans_subnets(self):
        subnets = a.held()["subnets"]
        listed = {s["ID"]: s for s in a.cli("subnet", "list")}
        self.assertEqual({i: s["Subnet"] for i, s in listed.items()},
                         {str(s["id"]): f"{s['networkIdentifier']}/{s['cidr']}" for s in subnets})
        subnet = subnets[1]
        shown = a.cli("subnet", "show", str(subnet["id"]))
        self.assertEqual((shown["network_id"], shown["gateway_ip"], shown["cidr"]),
                         (str(subnet["networkVlanId"]), subnet["gateway"],
                          f"{subnet['networkIdentifier']}/{subnet['cidr']}"))
        filtered = a.cli("subnet", "list", "--network", str(subnet["networkVlanId"]))
        self.assertEqual([s["ID"] for s in filtered], [str(subnet["id"])])

    def test_ports_are_the_guests_network_components(self):
        guest = a.held()["virtualGuests"][0]
        ports = {p["ID"]: p for p in a.cli("port", "list", "--device-id", str(guest["id"]))}
        self.assertEqual(set(ports), {str(c["id"]) for c in guest["networkComponents"]})
        for c in guest["networkComponents"]:
            self.assertEqual(ports[str(c["id"])]["MAC Address"], c["macAddress"])

    def test_nova_lists_them_too(self):
        status, _, body = a.get(f"{C}/os-networks")
        self.assertEqual(status, 200, body)
        self.assertEqual({n["id"] for n in body["networks"]}, {str(v["id"]) for v in a.held()["networkVlans"]})
        status, _, body = a.get(f"{C}/os-tenant-networks")
        self.assertEqual(status, 200, body)

    def test_the_other_account_sees_none_of_them(self):
        vlan, subnet = a.held()["networkVlans"][0], a.held()["subnets"][0]
        self.assertNotIn(str(vlan["id"]), [n["ID"] for n in b.cli("network", "list")])
        for path in (f"/network/v2.0/networks/{vlan['id']}", f"/network/v2.0/subnets/{subnet['id']}",
                     f"/network/v2.0/ports/{a.held()['virtualGuests'][0]['networkComponents'][0]['id']}"):
            status, _, body = b.get(path)
            self.assertEqual(status, 404, (path, body))

    def test_what_softlayer_has_not_is_501(self):
        for path in ("/network/v2.0/routers", "/network/v2.0/floatingips", "/network/v2.0/security-groups"):
            status, _, body = a.get(path)
            self.assertEqual(status, 501, (path, body))
        status, _, body = a.get("/network/v2.0/networks", method="POST", body={"network": {"name": "x"}})
        self.assertEqual(status, 501, body)


class Coverage(unittest.TestCase):
    """--coverage says what the requests above found: what SoftLayer cannot do is No."""

    def test_the_rows_say_what_is_served(self):
        run = subprocess.run([WORKER, "--config", f"{stack.state}/jumpgate.conf", "--coverage=json"],
                             capture_output=True, text=True, check=True)
        rows = {(r["service"], r["endpoint"], r["method"]): r for r in json.loads(run.stdout) if not r["action"]}
        for key in (("image", "v2_images", "GET"), ("image", "v2_image", "GET"), ("image", "v2_image", "DELETE"),
                    ("image", "v1_image", "HEAD"), ("volume", "v3_volumes", "POST"), ("volume", "v3_volume", "DELETE"),
                    ("volume", "v1_volume_types", "GET"), ("network", "v2_networks", "GET"),
                    ("network", "v2_subnet", "GET"), ("network", "v2_ports", "GET"),
                    ("compute", "v2_os_volume_attachments", "POST"), ("compute", "v2_os_networks", "GET")):
            self.assertEqual(rows[key]["support"], "yes", key)
        for key in (("image", "v2_image_file", "GET"), ("image", "v2_image_file", "PUT"), ("image", "v2_images", "POST"),
                    ("volume", "v3_snapshots", "POST"), ("network", "v2_networks", "POST"),
                    ("network", "v2_routers", "GET"), ("network", "v2_floatingip", "GET"),
                    ("network", "v2_security_groups", "GET")):
            self.assertEqual(rows[key]["support"], "no", key)
        self.assertEqual(rows[("network", "v2_routers", "GET")]["lacking"], ["routers"])


if __name__ == "__main__":
    unittest.main()
