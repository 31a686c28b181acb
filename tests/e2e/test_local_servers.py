# SPDX-License-Identifier: Apache-2.0
"""Compute servers, actions, keypairs, limits and quotas of the local driver, over HTTP and through
Debian's openstack and nova clients."""
import base64
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from stack import Stack

SERVERS = "/compute/v2.1/servers"


# Each class needs only the module's set-up, and several take long: tests/e2e/main.py runs each apart.
RUN_CLASSES_APART = True


def setUpModule():
    global stack, image_id, other_image_id, member_a, member_b
    stack = Stack().start()
    image_id = stack.public_image("cirros-e2e")
    other_image_id = stack.public_image("other-e2e")
    member_a = stack.member("servers-a")
    member_b = stack.member("servers-b")
    # The admin's project makes more servers here than the default quota of 10 allows.
    _, _, body = stack.get_json("/identity/v3/auth/tokens", headers={"X-Subject-Token": stack.token})
    status, _, _ = stack.get_json(f"/compute/v2.1/os-quota-sets/{body['token']['project']['id']}", method="PUT",
                                  body={"quota_set": {"instances": -1, "cores": -1, "ram": -1}})
    assert status == 200


def tearDownModule():
    stack.stop()


def at(version, token=None):
    headers = {"OpenStack-API-Version": f"compute {version}"}
    if token:
        headers["X-Auth-Token"] = token
    return headers


def create(name, token=None, version="2.1", **extra):
    server = {"name": name, "imageRef": image_id, "flavorRef": "1"}
    server.update(extra)
    return stack.get_json(SERVERS, method="POST", body={"server": server}, headers=at(version, token))


def show(server_id, token=None, version="2.1"):
    status, _, body = stack.get_json(f"{SERVERS}/{server_id}", headers=at(version, token))
    return status, body.get("server") if isinstance(body, dict) else body


def wait_status(server_id, wanted, token=None, seconds=10):
    deadline = time.time() + seconds
    while True:
        _, s = show(server_id, token)
        if s["status"] == wanted or time.time() > deadline:
            return s
        time.sleep(0.25)


def action(server_id, body, token=None, version="2.1"):
    return stack.get_json(f"{SERVERS}/{server_id}/action", method="POST", body=body, headers=at(version, token))


def active_server(name, token=None):
    status, _, body = create(name, token)
    assert status == 202, body
    s = wait_status(body["server"]["id"], "ACTIVE", token)
    assert s["status"] == "ACTIVE", s
    return s["id"]


class Create(unittest.TestCase):
    def test_created_building_then_active(self):
        status, hdrs, body = create("life", metadata={"role": "web"})
        self.assertEqual(status, 202)
        s = body["server"]
        self.assertEqual(hdrs["location"], f"http://127.0.0.1:{stack.port}{SERVERS}/{s['id']}")
        self.assertTrue(s["adminPass"])
        self.assertEqual(s["security_groups"], [{"name": "default"}])
        self.assertEqual(s["OS-DCF:diskConfig"], "MANUAL")
        _, first = show(s["id"])
        self.assertEqual(first["status"], "BUILD")
        self.assertEqual(first["OS-EXT-STS:task_state"], "spawning")
        self.assertEqual(first["OS-EXT-STS:power_state"], 0)
        self.assertIsNone(first["OS-SRV-USG:launched_at"])
        done = wait_status(s["id"], "ACTIVE")
        self.assertEqual(done["status"], "ACTIVE")
        self.assertIsNone(done["OS-EXT-STS:task_state"])
        self.assertEqual(done["OS-EXT-STS:power_state"], 1)
        self.assertEqual(done["progress"], 100)
        self.assertTrue(done["OS-SRV-USG:launched_at"])
        self.assertEqual(done["metadata"], {"role": "web"})
        self.assertEqual(done["image"]["id"], image_id)
        self.assertEqual(done["flavor"]["id"], "1")

    def test_bad_requests(self):
        cases = [
            ({"name": "x", "imageRef": image_id}, "2.1"),                         # no flavorRef
            ({"name": "x", "imageRef": image_id, "flavorRef": "nope"}, "2.1"),    # unknown flavor
            ({"imageRef": image_id, "flavorRef": "1"}, "2.1"),                    # no name
            ({"name": "x", "imageRef": "no-such-image", "flavorRef": "1"}, "2.1"),
            ({"name": "x", "flavorRef": "1"}, "2.1"),                             # no image, no volume
            ({"name": "x", "imageRef": image_id, "flavorRef": "1"}, "2.37"),      # networks required
            ({"name": "x", "imageRef": image_id, "flavorRef": "1", "networks": "none",
              "personality": [{"path": "/a", "contents": "YQ=="}]}, "2.57"),
            ({"name": "x", "imageRef": image_id, "flavorRef": "1", "user_data": "not base64!"}, "2.1"),
            ({"name": "x", "imageRef": image_id, "flavorRef": "1", "availability_zone": "mars"}, "2.1"),
            ({"name": "x", "imageRef": image_id, "flavorRef": "1", "key_name": "no-such-key"}, "2.1"),
            ({"name": "x", "imageRef": image_id, "flavorRef": "1", "min_count": 3, "max_count": 2}, "2.1"),
        ]
        for server, version in cases:
            with self.subTest(server=server, version=version):
                status, _, body = stack.get_json(SERVERS, method="POST", body={"server": server},
                                                 headers=at(version))
                self.assertEqual(status, 400, body)
                self.assertIn("message", body["badRequest"])
        status, _, body = stack.get_json(SERVERS, method="POST", body={"nope": {}})
        self.assertEqual(status, 400)
        status, _, body = stack.request("POST", SERVERS, body=b"{not json", headers={"Content-Type": "application/json"})
        self.assertEqual(status, 400)

    def test_networks_auto_and_none_from_2_37(self):
        status, _, body = create("net-none", version="2.37", networks="none")
        self.assertEqual(status, 202, body)
        status, _, body = create("net-auto", version="2.37", networks="auto")
        self.assertEqual(status, 202, body)
        status, _, body = create("net-bad", version="2.37", networks="sometimes")
        self.assertEqual(status, 400)

    def test_min_max_count_names_them(self):
        status, _, body = create("multi", max_count=2)
        self.assertEqual(status, 202, body)
        _, _, listed = stack.get_json(SERVERS + "?name=^multi-")
        self.assertEqual(sorted(s["name"] for s in listed["servers"]), ["multi-1", "multi-2"])


class Listing(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ids = []
        for i in range(5):
            status, _, body = create(f"page-{i}", imageRef=other_image_id if i == 4 else image_id)
            assert status == 202
            cls.ids.append(body["server"]["id"])
            time.sleep(0.01)

    def test_name_is_a_regex_and_filters(self):
        _, _, body = stack.get_json(SERVERS + "?name=^page-[0-2]$")
        self.assertEqual(sorted(s["name"] for s in body["servers"]), ["page-0", "page-1", "page-2"])
        self.assertEqual(set(body["servers"][0]), {"id", "name", "links"})
        _, _, body = stack.get_json(SERVERS + f"/detail?name=^page-&image={other_image_id}")
        self.assertEqual([s["name"] for s in body["servers"]], ["page-4"])
        _, _, body = stack.get_json(SERVERS + "/detail?name=^page-&flavor=2")
        self.assertEqual(body["servers"], [])
        status, _, _ = stack.get_json(SERVERS + "?name=(")
        self.assertEqual(status, 400)
        status, _, _ = stack.get_json(SERVERS + "?changes-since=yesterday")
        self.assertEqual(status, 400)
        future = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
        _, _, body = stack.get_json(SERVERS + "?name=^page-&changes-since=" + future)
        self.assertEqual(body["servers"], [])
        _, _, body = stack.get_json(SERVERS + "?name=^page-&availability_zone=^no")
        self.assertEqual(len(body["servers"]), 5)
        _, _, body = stack.get_json(SERVERS + "?name=^page-&availability_zone=elsewhere")
        self.assertEqual(body["servers"], [])

    def test_status_filter_follows_the_clock(self):
        for i in self.ids:
            wait_status(i, "ACTIVE")
        _, _, body = stack.get_json(SERVERS + "?name=^page-&status=ACTIVE")
        self.assertEqual(len(body["servers"]), 5)
        _, _, body = stack.get_json(SERVERS + "?name=^page-&status=BUILD")
        self.assertEqual(body["servers"], [])

    def test_pages_with_marker_and_links(self):
        seen, path = [], SERVERS + "/detail?name=^page-&limit=2"
        while path:
            status, _, body = stack.get_json(path)
            self.assertEqual(status, 200)
            self.assertLessEqual(len(body["servers"]), 2)
            seen += [s["id"] for s in body["servers"]]
            links = body.get("servers_links", [])
            path = links[0]["href"].split(str(stack.port), 1)[1] if links else None
        self.assertEqual(seen, list(reversed(self.ids)))    # newest first, each once
        status, _, _ = stack.get_json(SERVERS + "?marker=no-such-server")
        self.assertEqual(status, 400)
        status, _, _ = stack.get_json(SERVERS + "?limit=-3")
        self.assertEqual(status, 400)


class Shapes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.id = active_server("shapes")

    def test_fields_follow_the_microversion(self):
        _, s = show(self.id, version="2.1")
        self.assertEqual(set(s["flavor"]), {"id", "links"})
        for absent in ("locked", "description", "tags", "locked_reason", "server_groups"):
            self.assertNotIn(absent, s)
        _, s = show(self.id, version="2.47")
        self.assertEqual(s["flavor"]["original_name"], "m1.tiny")
        self.assertNotIn("id", s["flavor"])
        self.assertEqual(s["locked"], False)
        self.assertIsNone(s["description"])
        self.assertEqual(s["tags"], [])
        _, s = show(self.id, version="latest")
        self.assertIsNone(s["locked_reason"])
        self.assertEqual(s["server_groups"], [])

    def test_update_and_404(self):
        status, _, body = stack.get_json(f"{SERVERS}/{self.id}", method="PUT",
                                         body={"server": {"name": "shapes-renamed", "description": "d"}},
                                         headers=at("2.19"))
        self.assertEqual(status, 200, body)
        self.assertEqual((body["server"]["name"], body["server"]["description"]), ("shapes-renamed", "d"))
        # Before 2.75 the answer has the server's own fields only, not its extensions'.
        self.assertNotIn("OS-EXT-STS:vm_state", body["server"])
        self.assertNotIn("key_name", body["server"])
        for addresses in body["server"]["addresses"].values():
            self.assertNotIn("OS-EXT-IPS:type", addresses[0])
        status, _, body = stack.get_json(f"{SERVERS}/{self.id}", method="PUT",
                                         body={"server": {"accessIPv4": "1.1.1.1", "accessIPv6": "::babe:202:202"}},
                                         headers=at("2.75"))
        self.assertEqual(status, 200, body)
        self.assertEqual(body["server"]["OS-EXT-STS:vm_state"], "active")
        _, s = show(self.id)
        self.assertEqual((s["accessIPv4"], s["accessIPv6"]), ("1.1.1.1", "::babe:202:202"))
        for bad in ({"accessIPv4": "::1"}, {"accessIPv6": "notvalid"}, {"accessIPv4": 5}, {"flavorRef": "2"}):
            status, _, _ = stack.get_json(f"{SERVERS}/{self.id}", method="PUT", body={"server": bad})
            self.assertEqual(status, 400, bad)
        status, _, body = stack.get_json(f"{SERVERS}/no-such-server")
        self.assertEqual(status, 404)
        self.assertIn("itemNotFound", body)

    def test_metadata_six_calls(self):
        base = f"{SERVERS}/{self.id}/metadata"
        status, _, body = stack.get_json(base, method="PUT", body={"metadata": {"a": "1", "b": "2"}})
        self.assertEqual((status, body), (200, {"metadata": {"a": "1", "b": "2"}}))
        status, _, body = stack.get_json(base, method="POST", body={"metadata": {"b": "3", "c": "4"}})
        self.assertEqual(body, {"metadata": {"a": "1", "b": "3", "c": "4"}})
        _, _, body = stack.get_json(base)
        self.assertEqual(body["metadata"], {"a": "1", "b": "3", "c": "4"})
        _, _, body = stack.get_json(base + "/c")
        self.assertEqual(body, {"meta": {"c": "4"}})
        status, _, body = stack.get_json(base + "/d", method="PUT", body={"meta": {"d": "5"}})
        self.assertEqual((status, body), (200, {"meta": {"d": "5"}}))
        status, _, _ = stack.get_json(base + "/d", method="PUT", body={"meta": {"e": "5"}})
        self.assertEqual(status, 400)
        status, _, _ = stack.request("DELETE", base + "/a")
        self.assertEqual(status, 204)
        status, _, _ = stack.get_json(base + "/a")
        self.assertEqual(status, 404)
        _, _, body = stack.get_json(base)
        self.assertEqual(body["metadata"], {"b": "3", "c": "4", "d": "5"})

    def test_tags_from_2_26(self):
        base = f"{SERVERS}/{self.id}/tags"
        status, _, _ = stack.get_json(base, headers=at("2.25"))
        self.assertEqual(status, 404)
        status, _, body = stack.get_json(base, method="PUT", body={"tags": ["x", "y"]}, headers=at("2.26"))
        self.assertEqual((status, body), (200, {"tags": ["x", "y"]}))
        status, _, _ = stack.request("PUT", base + "/z", headers=at("2.26"))
        self.assertEqual(status, 201)
        status, _, _ = stack.request("GET", base + "/z", headers=at("2.26"))
        self.assertEqual(status, 204)
        status, _, _ = stack.request("PUT", base + "/bad,tag", headers=at("2.26"))
        self.assertEqual(status, 400)
        status, _, _ = stack.request("DELETE", base + "/x", headers=at("2.26"))
        self.assertEqual(status, 204)
        _, _, body = stack.get_json(base, headers=at("2.26"))
        self.assertEqual(body["tags"], ["y", "z"])
        _, _, body = stack.get_json(SERVERS + "/detail?name=^shapes", headers=at("2.26"))
        self.assertEqual(body["servers"][0]["tags"], ["y", "z"])

    def test_ips(self):
        # Before 2.37 no networks means "auto": a network of the project's own, made on first use.
        status, _, body = stack.get_json(f"{SERVERS}/{self.id}/ips")
        self.assertEqual((status, list(body["addresses"])), (200, ["auto_allocated_network"]))
        address = body["addresses"]["auto_allocated_network"][0]
        self.assertEqual((address["version"], address["OS-EXT-IPS:type"]), (4, "fixed"))
        self.assertTrue(address["OS-EXT-IPS-MAC:mac_addr"].startswith("fa:16:3e:"))
        _, _, one = stack.get_json(f"{SERVERS}/{self.id}/ips/auto_allocated_network")
        self.assertEqual(one, {"auto_allocated_network": body["addresses"]["auto_allocated_network"]})
        status, _, _ = stack.get_json(f"{SERVERS}/{self.id}/ips/private")
        self.assertEqual(status, 404)


class Networking(unittest.TestCase):
    """Servers take their addresses from the network service's ports."""

    def test_ports_addresses_ip_filter_and_floating_ips(self):
        _, _, net = stack.get_json("/network/v2.0/networks", method="POST", body={"network": {"name": "srv-net"}})
        net_id = net["network"]["id"]
        status, _, _ = stack.get_json("/network/v2.0/subnets", method="POST", body={"subnet": {
            "network_id": net_id, "cidr": "192.168.77.0/24", "ip_version": 4, "name": "srv-sub"}})
        self.assertEqual(status, 201)
        status, _, body = create("on-net", version="2.37", networks=[{"uuid": net_id, "fixed_ip": "192.168.77.40"}])
        self.assertEqual(status, 202, body)
        sid = body["server"]["id"]
        s = wait_status(sid, "ACTIVE")
        self.assertEqual([a["addr"] for a in s["addresses"]["srv-net"]], ["192.168.77.40"])
        _, _, ports = stack.get_json(f"/network/v2.0/ports?device_id={sid}")
        self.assertEqual(len(ports["ports"]), 1)
        self.assertTrue(ports["ports"][0]["device_owner"].startswith("compute:"))
        status, _, body = create("same-ip", version="2.37", networks=[{"uuid": net_id, "fixed_ip": "192.168.77.40"}])
        self.assertEqual(status, 400, body)                       # the address is taken
        status, _, body = create("no-net", version="2.37", networks=[{"uuid": "8b5cba1a-0000-4000-8000-000000000000"}])
        self.assertEqual(status, 400, body)
        _, _, body = stack.get_json(SERVERS + "?ip=192\\.168\\.77\\.4")
        self.assertEqual([x["id"] for x in body["servers"]], [sid])
        _, _, body = stack.get_json(SERVERS + "?ip=10\\.99\\.")
        self.assertEqual(body["servers"], [])
        # A floating IP on its port shows among its addresses.
        _, _, ext = stack.get_json("/network/v2.0/networks", method="POST",
                                   body={"network": {"name": "srv-public", "router:external": True}})
        stack.get_json("/network/v2.0/subnets", method="POST", body={"subnet": {
            "network_id": ext["network"]["id"], "cidr": "198.51.100.0/24", "ip_version": 4}})
        _, _, router = stack.get_json("/network/v2.0/routers", method="POST", body={"router": {
            "name": "srv-router", "external_gateway_info": {"network_id": ext["network"]["id"]}}})
        _, _, subnets = stack.get_json(f"/network/v2.0/subnets?network_id={net_id}")
        status, _, _ = stack.get_json(f"/network/v2.0/routers/{router['router']['id']}/add_router_interface",
                                      method="PUT", body={"subnet_id": subnets["subnets"][0]["id"]})
        self.assertEqual(status, 200)
        status, _, fip = stack.get_json("/network/v2.0/floatingips", method="POST", body={"floatingip": {
            "floating_network_id": ext["network"]["id"], "port_id": ports["ports"][0]["id"]}})
        self.assertEqual(status, 201, fip)
        _, shown = show(sid)
        kinds = {(a["addr"], a["OS-EXT-IPS:type"]) for a in shown["addresses"]["srv-net"]}
        self.assertEqual(kinds, {("192.168.77.40", "fixed"), (fip["floatingip"]["floating_ip_address"], "floating")})
        self.assertEqual(stack.request("DELETE", f"{SERVERS}/{sid}")[0], 204)
        _, _, ports = stack.get_json(f"/network/v2.0/ports?device_id={sid}")
        self.assertEqual(ports["ports"], [])                     # its port went with it
        status, _, body = create("reuses-ip", version="2.37", networks=[{"uuid": net_id, "fixed_ip": "192.168.77.40"}])
        self.assertEqual(status, 202, body)

    def test_server_add_floating_ip_through_the_cli(self):
        _, token, env = stack.member("servers-fip")
        cli = lambda *a, **k: stack.cli(*a, env=env, **k)
        cli("network", "create", "fip-net", parse=False)
        cli("subnet", "create", "--network", "fip-net", "--subnet-range", "10.20.0.0/24", "fip-sub", parse=False)
        # Waited for over the API: the client's --wait looks every five seconds.
        server = cli("server", "create", "--image", "cirros-e2e", "--flavor", "m1.tiny", "--nic", "net-id=fip-net",
                     "fip-server")
        server = wait_status(server["id"], "ACTIVE", token)
        self.assertIn("fip-net", str(server["addresses"]))
        stack.cli("network", "create", "--external", "fip-public", parse=False)
        stack.cli("subnet", "create", "--network", "fip-public", "--subnet-range", "203.0.113.0/24", "fip-pub",
                  parse=False)
        cli("router", "create", "fip-router", parse=False)
        cli("router", "add", "subnet", "fip-router", "fip-sub", parse=False)
        cli("router", "set", "--external-gateway", "fip-public", "fip-router", parse=False)
        fip = cli("floating", "ip", "create", "fip-public")["floating_ip_address"]
        cli("server", "add", "floating", "ip", "fip-server", fip, parse=False)
        self.assertIn(fip, str(cli("server", "show", "fip-server")["addresses"]))
        cli("server", "remove", "floating", "ip", "fip-server", fip, parse=False)
        self.assertNotIn(fip, str(cli("server", "show", "fip-server")["addresses"]))
        cli("server", "delete", "fip-server", parse=False)


class Actions(unittest.TestCase):
    def test_each_action_checks_its_state(self):
        sid = active_server("acts")
        status, _, body = action(sid, {"os-start": None})
        self.assertEqual(status, 409, body)
        self.assertIn("conflictingRequest", body)
        self.assertEqual(action(sid, {"os-stop": None})[0], 202)
        self.assertEqual(show(sid)[1]["OS-EXT-STS:task_state"], "powering-off")
        self.assertEqual(action(sid, {"pause": None})[0], 409)      # a task is running
        s = wait_status(sid, "SHUTOFF")
        self.assertEqual((s["status"], s["OS-EXT-STS:power_state"]), ("SHUTOFF", 4))
        self.assertEqual(action(sid, {"pause": None})[0], 409)      # stopped servers do not pause
        self.assertEqual(action(sid, {"os-start": None})[0], 202)
        wait_status(sid, "ACTIVE")
        self.assertEqual(action(sid, {"reboot": {"type": "SOFT"}})[0], 202)
        self.assertEqual(show(sid)[1]["status"], "REBOOT")
        wait_status(sid, "ACTIVE")
        self.assertEqual(action(sid, {"reboot": {"type": "SIDEWAYS"}})[0], 400)
        for start, end in (("pause", "PAUSED"), ("unpause", "ACTIVE"), ("suspend", "SUSPENDED"),
                           ("resume", "ACTIVE")):
            self.assertEqual(action(sid, {start: None})[0], 202, start)
            self.assertEqual(wait_status(sid, end)["status"], end)
        status, _, body = action(sid, {"rescue": {}})
        self.assertEqual(status, 200)
        self.assertTrue(body["adminPass"])
        wait_status(sid, "RESCUE")
        self.assertEqual(action(sid, {"unrescue": None})[0], 202)
        wait_status(sid, "ACTIVE")
        self.assertEqual(action(sid, {"resize": {"flavorRef": "1"}})[0], 400)   # same flavor
        self.assertEqual(action(sid, {"resize": {"flavorRef": "2"}})[0], 202)
        self.assertEqual(wait_status(sid, "VERIFY_RESIZE")["flavor"]["id"], "2")
        self.assertEqual(action(sid, {"revertResize": None})[0], 202)
        self.assertEqual(wait_status(sid, "ACTIVE")["flavor"]["id"], "1")
        self.assertEqual(action(sid, {"resize": {"flavorRef": "2"}})[0], 202)
        wait_status(sid, "VERIFY_RESIZE")
        self.assertEqual(action(sid, {"confirmResize": None})[0], 204)
        s = show(sid)[1]
        self.assertEqual((s["status"], s["flavor"]["id"]), ("ACTIVE", "2"))
        status, _, body = action(sid, {"rebuild": {"imageRef": other_image_id, "name": "rebuilt"}})
        self.assertEqual(status, 202, body)
        self.assertEqual(body["server"]["status"], "REBUILD")
        s = wait_status(sid, "ACTIVE")
        self.assertEqual((s["name"], s["image"]["id"]), ("rebuilt", other_image_id))
        self.assertEqual(action(sid, {"changePassword": {"adminPass": "n3w"}})[0], 202)
        # Nova cuts the console at newlines and keeps the last pieces: the log ends in one, so the last piece of
        # two is empty, as Nova's compute manager gives it.
        _, _, whole = action(sid, {"os-getConsoleOutput": {}})
        status, _, body = action(sid, {"os-getConsoleOutput": {"length": 2}})
        self.assertEqual(status, 200)
        self.assertEqual(body["output"].split("\n"), whole["output"].split("\n")[-2:])
        self.assertEqual(body["output"].split("\n")[-1], "")
        self.assertEqual(action(sid, {"os-getConsoleOutput": {"length": 0}})[2], {"output": ""})
        self.assertEqual(action(sid, {"shelve": None})[0], 202)
        wait_status(sid, "SHELVED_OFFLOADED")
        self.assertEqual(action(sid, {"unshelve": None})[0], 202)
        wait_status(sid, "ACTIVE")
        self.assertEqual(action(sid, {"no-such-action": None})[0], 400)
        _, _, body = stack.get_json(f"{SERVERS}/{sid}/os-instance-actions")
        recorded = [a["action"] for a in body["instanceActions"]]
        for name in ("create", "stop", "start", "reboot", "pause", "resize", "revertResize", "rebuild", "unshelve"):
            self.assertIn(name, recorded)
        request_id = body["instanceActions"][0]["request_id"]
        status, _, one = stack.get_json(f"{SERVERS}/{sid}/os-instance-actions/{request_id}")
        self.assertEqual(status, 200)
        self.assertEqual(one["instanceAction"]["action"], body["instanceActions"][0]["action"])

    def test_a_stopped_server_stays_stopped_through_resize_and_rebuild(self):
        sid = active_server("stays-off")
        self.assertEqual(action(sid, {"os-stop": None})[0], 202)
        wait_status(sid, "SHUTOFF")
        self.assertEqual(action(sid, {"resize": {"flavorRef": "2"}})[0], 202)
        s = wait_status(sid, "VERIFY_RESIZE")
        self.assertEqual((s["status"], s["OS-EXT-STS:power_state"]), ("VERIFY_RESIZE", 4))
        self.assertEqual(action(sid, {"confirmResize": None})[0], 204)
        s = wait_status(sid, "SHUTOFF")
        self.assertEqual((s["status"], s["flavor"]["id"], s["OS-EXT-STS:power_state"]), ("SHUTOFF", "2", 4))
        self.assertEqual(action(sid, {"resize": {"flavorRef": "1"}})[0], 202)
        wait_status(sid, "VERIFY_RESIZE")
        self.assertEqual(action(sid, {"revertResize": None})[0], 202)
        s = wait_status(sid, "SHUTOFF")
        self.assertEqual((s["status"], s["flavor"]["id"]), ("SHUTOFF", "2"))
        status, _, body = action(sid, {"rebuild": {"imageRef": other_image_id}})
        self.assertEqual(status, 202, body)
        self.assertEqual(body["server"]["status"], "REBUILD")
        s = wait_status(sid, "SHUTOFF")
        self.assertEqual((s["status"], s["image"]["id"], s["OS-EXT-STS:power_state"]), ("SHUTOFF", other_image_id, 4))
        # A running server rebuilt runs again.
        self.assertEqual(action(sid, {"os-start": None})[0], 202)
        wait_status(sid, "ACTIVE")
        self.assertEqual(action(sid, {"rebuild": {"imageRef": image_id}})[0], 202)
        self.assertEqual(wait_status(sid, "ACTIVE")["OS-EXT-STS:power_state"], 1)

    def test_a_rescued_server_does_not_reboot_and_a_snapshot_is_a_task(self):
        sid = active_server("rescued")
        self.assertEqual(action(sid, {"rescue": {}})[0], 200)
        wait_status(sid, "RESCUE")
        for kind in ("SOFT", "HARD"):
            status, _, body = action(sid, {"reboot": {"type": kind}})
            self.assertEqual(status, 409, body)
        self.assertEqual(action(sid, {"unrescue": None})[0], 202)
        wait_status(sid, "ACTIVE")
        self.assertEqual(action(sid, {"createImage": {"name": "first"}})[0], 202)
        self.assertEqual(show(sid)[1]["OS-EXT-STS:task_state"], "image_snapshot")
        status, _, body = action(sid, {"createImage": {"name": "second"}})
        self.assertEqual(status, 409, body)
        # The server stays ACTIVE meanwhile; the task ends when the image is up.
        deadline = time.time() + 10
        while show(sid)[1]["OS-EXT-STS:task_state"] is not None and time.time() < deadline:
            time.sleep(0.25)
        s = show(sid)[1]
        self.assertEqual((s["status"], s["OS-EXT-STS:task_state"]), ("ACTIVE", None))
        self.assertEqual(action(sid, {"createImage": {"name": "second"}})[0], 202)

    def test_an_admin_resets_the_state_and_nothing_migrates_off_one_host(self):
        project, token, _ = member_a
        sid = active_server("reset", token)
        self.assertEqual(action(sid, {"os-resetState": {"state": "error"}}, token)[0], 403)
        for bad in ({"state": "broken"}, {"state": 1}, {}, {"state": "error", "extra": 1}):
            self.assertEqual(action(sid, {"os-resetState": bad})[0], 400, bad)
        self.assertEqual(action("no-such-server", {"os-resetState": {"state": "error"}})[0], 404)
        self.assertEqual(action(sid, {"os-resetState": {"state": "error"}})[0], 202)
        _, s = show(sid, token)
        self.assertEqual((s["status"], s["OS-EXT-STS:task_state"]), ("ERROR", None))
        _, _, body = stack.get_json(f"{SERVERS}/detail?status=ERROR&all_tenants=1")
        self.assertIn(sid, [x["id"] for x in body["servers"]])
        # Nova rebuilds a server in error, and a hard reboot takes it back too.
        self.assertEqual(action(sid, {"rebuild": {"imageRef": image_id}})[0], 202)
        wait_status(sid, "ACTIVE", token)
        self.assertEqual(action(sid, {"os-resetState": {"state": "error"}})[0], 202)
        self.assertEqual(action(sid, {"os-resetState": {"state": "active"}})[0], 202)
        self.assertEqual(show(sid, token)[1]["status"], "ACTIVE")

        self.assertEqual(action(sid, {"migrate": None}, token)[0], 403)
        status, _, body = action(sid, {"migrate": None})
        self.assertEqual(status, 400, body)
        self.assertIn("No valid host was found", body["badRequest"]["message"])
        self.assertEqual(action(sid, {"os-migrateLive": {"host": "elsewhere", "block_migration": "auto"}},
                                version="2.30")[0], 400)
        self.assertEqual(action(sid, {"os-migrateLive": {"host": None}}, version="2.30")[0], 400)
        self.assertEqual(action("no-such-server", {"migrate": None})[0], 404)
        self.assertEqual(action(sid, {"suspend": None}, token)[0], 202)
        wait_status(sid, "SUSPENDED", token)
        self.assertEqual(action(sid, {"migrate": None})[0], 409)
        self.assertEqual(action(sid, {"os-migrateLive": {"host": None, "block_migration": False}})[0], 409)
        _, _, body = stack.get_json(f"{SERVERS}/{sid}/os-instance-actions")
        self.assertIn("resetState", [a["action"] for a in body["instanceActions"]])

    def test_lock_keeps_members_out(self):
        project, token, _ = member_a
        sid = active_server("locked", token)
        self.assertEqual(action(sid, {"lock": {"locked_reason": "maintenance"}}, token, "2.73")[0], 202)
        _, s = show(sid, token, "2.73")
        self.assertEqual((s["locked"], s["locked_reason"]), (True, "maintenance"))
        status, _, body = stack.get_json(f"{SERVERS}/{sid}", method="DELETE", headers=at("2.1", token))
        self.assertEqual(status, 409, body)
        self.assertEqual(action(sid, {"os-stop": None}, token)[0], 409)
        self.assertEqual(action(sid, {"unlock": None}, token)[0], 202)
        self.assertEqual(stack.request("DELETE", f"{SERVERS}/{sid}", headers={"X-Auth-Token": token})[0], 204)

    def test_create_image_lands_in_the_image_service(self):
        sid = active_server("snap")
        status, hdrs, body = action(sid, {"createImage": {"name": "snap-image", "metadata": {"k": "v"}}},
                                    version="2.45")
        self.assertEqual(status, 202, body)
        status, _, img = stack.get_json(f"/image/v2/images/{body['image_id']}")
        self.assertEqual(status, 200)
        self.assertEqual((img["name"], img["k"], img["instance_uuid"]), ("snap-image", "v", sid))
        self.assertTrue(hdrs["location"].endswith(body["image_id"]))
        # A server fresh from its build is ACTIVE again once the snapshot's task ends, with its launch time kept.
        deadline = time.time() + 10
        while show(sid)[1]["OS-EXT-STS:task_state"] is not None and time.time() < deadline:
            time.sleep(0.25)
        s = show(sid)[1]
        self.assertEqual((s["status"], s["OS-EXT-STS:task_state"]), ("ACTIVE", None))
        self.assertIsNotNone(s["OS-SRV-USG:launched_at"])
        self.assertEqual(stack.get_json(f"/image/v2/images/{body['image_id']}")[2]["status"], "active")

    def test_a_snapshot_saves_while_its_task_runs_and_may_be_deleted_meanwhile(self):
        # Nova uploads a snapshot to Glance during the server's image_snapshot task: the image is saving until then.
        sid = active_server("saving")
        status, _, body = action(sid, {"createImage": {"name": "saving-image"}}, version="2.45")
        self.assertEqual(status, 202, body)
        snap = body["image_id"]
        self.assertEqual(stack.get_json(f"/image/v2/images/{snap}")[2]["status"], "saving")
        _, _, img = stack.get_json(f"/compute/v2.1/images/{snap}")
        self.assertEqual(img["image"]["status"], "SAVING")
        # Its bytes are Nova's to upload: a client's upload is refused meanwhile.
        status, _, _ = stack.request("PUT", f"/image/v2/images/{snap}/file", body=b"x",
                                     headers={"Content-Type": "application/octet-stream"})
        self.assertEqual(status, 409)
        # Deleted while it saves (Tempest's test_delete_saving_image): gone, and the server is ACTIVE after its task.
        self.assertEqual(stack.request("DELETE", f"/image/v2/images/{snap}")[0], 204)
        self.assertEqual(stack.get_json(f"/image/v2/images/{snap}")[0], 404)
        deadline = time.time() + 10
        while show(sid)[1]["OS-EXT-STS:task_state"] is not None and time.time() < deadline:
            time.sleep(0.25)
        self.assertEqual(show(sid)[1]["status"], "ACTIVE")
        self.assertEqual(stack.get_json(f"/image/v2/images/{snap}")[0], 404)
        # A second snapshot, left alone, lists as active once its time is up (the list finishes it too).
        status, _, body = action(sid, {"createImage": {"name": "saved-image"}}, version="2.45")
        self.assertEqual(status, 202, body)
        saved = body["image_id"]
        listed = lambda: {i["id"]: i["status"] for i in stack.get_json("/image/v2/images?status=active")[2]["images"]}
        self.assertNotIn(saved, listed())
        deadline = time.time() + 10
        while saved not in listed() and time.time() < deadline:
            time.sleep(0.25)
        self.assertEqual(listed().get(saved), "active")


class ImageProxy(unittest.TestCase):
    def test_images_in_compute_shapes_until_2_35(self):
        _, _, body = stack.get_json("/compute/v2.1/images")
        self.assertIn(image_id, [i["id"] for i in body["images"]])
        self.assertEqual(set(body["images"][0]), {"id", "name", "links"})
        status, _, body = stack.get_json(f"/compute/v2.1/images/{image_id}")
        self.assertEqual(status, 200)
        img = body["image"]
        self.assertEqual((img["status"], img["progress"], img["OS-EXT-IMG-SIZE:size"], img["name"]),
                         ("ACTIVE", 100, 4096, "cirros-e2e"))
        self.assertEqual([l["rel"] for l in img["links"]], ["self", "bookmark", "alternate"])
        _, _, body = stack.get_json("/compute/v2.1/images/detail?name=other-e2e")
        self.assertEqual([i["id"] for i in body["images"]], [other_image_id])
        _, _, body = stack.get_json("/compute/v2.1/images?limit=1")
        self.assertEqual(len(body["images"]), 1)
        self.assertIn("marker=", body["images_links"][0]["href"])
        self.assertEqual(stack.get_json(f"/compute/v2.1/images/{image_id}", headers=at("2.36"))[0], 404)
        self.assertEqual(stack.get_json("/compute/v2.1/images/no-such-image")[0], 404)

    def test_image_metadata_and_delete(self):
        mine = stack.public_image("proxy-meta")
        base = f"/compute/v2.1/images/{mine}/metadata"
        status, _, body = stack.get_json(base, method="PUT", body={"metadata": {"os_distro": "cirros"}})
        self.assertEqual((status, body), (200, {"metadata": {"os_distro": "cirros"}}))
        _, _, body = stack.get_json(base, method="POST", body={"metadata": {"arch": "x86_64"}})
        self.assertEqual(body["metadata"], {"os_distro": "cirros", "arch": "x86_64"})
        _, _, body = stack.get_json(base + "/arch")
        self.assertEqual(body, {"meta": {"arch": "x86_64"}})
        _, _, glance = stack.get_json(f"/image/v2/images/{mine}")
        self.assertEqual((glance["os_distro"], glance["arch"]), ("cirros", "x86_64"))
        self.assertEqual(stack.get_json(base + "/arch", method="PUT", body={"meta": {"arch": "arm64"}})[0], 200)
        self.assertEqual(stack.request("DELETE", base + "/os_distro")[0], 204)
        _, _, body = stack.get_json(base)
        self.assertEqual(body["metadata"], {"arch": "arm64"})
        _, token, _ = member_a
        self.assertEqual(stack.request("DELETE", f"/compute/v2.1/images/{mine}", headers={"X-Auth-Token": token})[0], 403)
        self.assertEqual(stack.request("DELETE", f"/compute/v2.1/images/{mine}")[0], 204)
        self.assertEqual(stack.get_json(f"/image/v2/images/{mine}")[0], 404)


class Tenancy(unittest.TestCase):
    def test_projects_see_only_their_servers(self):
        project_a, token_a, _ = member_a
        project_b, token_b, _ = member_b
        sid = active_server("tenant-a", token_a)
        status, _, _ = stack.get_json(f"{SERVERS}/{sid}", headers={"X-Auth-Token": token_b})
        self.assertEqual(status, 404)
        for method, path, body in (("DELETE", f"{SERVERS}/{sid}", None),
                                   ("PUT", f"{SERVERS}/{sid}", {"server": {"name": "stolen"}}),
                                   ("POST", f"{SERVERS}/{sid}/action", {"os-stop": None}),
                                   ("GET", f"{SERVERS}/{sid}/metadata", None),
                                   ("GET", f"{SERVERS}/{sid}/os-instance-actions", None)):
            status, _, _ = stack.get_json(path, method=method, body=body, headers={"X-Auth-Token": token_b})
            self.assertEqual(status, 404, (method, path))
        _, _, body = stack.get_json(SERVERS + "?all_tenants=1", headers={"X-Auth-Token": token_b})
        self.assertNotIn(sid, [s["id"] for s in body["servers"]])
        _, _, body = stack.get_json(SERVERS)                       # the admin's own project
        self.assertNotIn(sid, [s["id"] for s in body["servers"]])
        _, _, body = stack.get_json(SERVERS + "/detail?all_tenants=1")
        mine = [s for s in body["servers"] if s["id"] == sid]
        self.assertEqual(mine[0]["tenant_id"], project_a)
        _, _, body = stack.get_json(SERVERS + f"?all_tenants=1&project_id={project_b}")
        self.assertNotIn(sid, [s["id"] for s in body["servers"]])
        status, _, _ = stack.get_json(f"/compute/v2.1/{project_a}/servers", headers={"X-Auth-Token": token_b})
        self.assertEqual(status, 403)

    def test_quota_counts_real_usage(self):
        project, token, _ = stack.member("servers-quota")
        status, _, body = stack.get_json(f"/compute/v2.1/os-quota-sets/{project}", method="PUT",
                                         body={"quota_set": {"instances": 1}})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["quota_set"]["instances"], 1)
        status, _, _ = stack.get_json(f"/compute/v2.1/os-quota-sets/{project}", method="PUT",
                                      body={"quota_set": {"instances": 5}}, headers={"X-Auth-Token": token})
        self.assertEqual(status, 403)
        _, _, limits = stack.get_json("/compute/v2.1/limits", headers={"X-Auth-Token": token})
        self.assertEqual(limits["limits"]["absolute"]["maxTotalInstances"], 1)
        self.assertEqual(limits["limits"]["absolute"]["totalInstancesUsed"], 0)
        self.assertEqual(create("q1", token)[0], 202)
        status, _, body = create("q2", token)
        self.assertEqual(status, 403, body)
        self.assertIn("Quota exceeded", body["forbidden"]["message"])
        _, _, limits = stack.get_json("/compute/v2.1/limits", headers={"X-Auth-Token": token})
        self.assertEqual(limits["limits"]["absolute"]["totalInstancesUsed"], 1)
        self.assertEqual(limits["limits"]["absolute"]["totalCoresUsed"], 1)
        self.assertEqual(limits["limits"]["absolute"]["totalRAMUsed"], 512)
        _, _, body = stack.get_json(f"/compute/v2.1/os-quota-sets/{project}/detail")
        self.assertEqual(body["quota_set"]["instances"]["in_use"], 1)

    def test_a_multiple_create_over_quota_is_counted_whole(self):
        project, token, _ = stack.member("servers-multi-quota")
        stack.get_json(f"/compute/v2.1/os-quota-sets/{project}", method="PUT",
                       body={"quota_set": {"instances": 3}})
        self.assertEqual(create("first", token)[0], 202)
        status, _, body = create("many", token, min_count=3, max_count=3)
        self.assertEqual(status, 403, body)
        self.assertEqual(body["forbidden"]["message"],
                         "Quota exceeded for instances: Requested 3, but already used 1 of 3 instances")
        status, _, body = create("many", token, min_count=3, max_count=5)
        self.assertEqual(body["forbidden"]["message"],
                         "Quota exceeded for instances: Requested 3-5, but already used 1 of 3 instances")
        _, _, limits = stack.get_json("/compute/v2.1/limits", headers={"X-Auth-Token": token})
        self.assertEqual(limits["limits"]["absolute"]["totalInstancesUsed"], 1)     # none of them is left
        status, _, _ = create("some", token, min_count=1, max_count=5)              # as many as fit
        self.assertEqual(status, 202)
        _, _, limits = stack.get_json("/compute/v2.1/limits", headers={"X-Auth-Token": token})
        self.assertEqual(limits["limits"]["absolute"]["totalInstancesUsed"], 3)


class Usage(unittest.TestCase):
    def test_simple_tenant_usage_counts_servers_that_lived_in_the_period(self):
        project, token, _ = stack.member("servers-usage")
        start = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() - 60))
        sid = active_server("used", token)
        self.assertEqual(stack.request("DELETE", f"{SERVERS}/{sid}", headers={"X-Auth-Token": token})[0], 204)
        time.sleep(1.1)
        end = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() + 60))
        status, _, body = stack.get_json(f"/compute/v2.1/os-simple-tenant-usage/{project}?start={start}&end={end}",
                                         headers={"X-Auth-Token": token})
        self.assertEqual(status, 200, body)
        usage = body["tenant_usage"]
        self.assertEqual([u["instance_id"] for u in usage["server_usages"]], [sid])
        one = usage["server_usages"][0]
        self.assertEqual((one["state"], one["vcpus"], one["memory_mb"], one["flavor"]), ("terminated", 1, 512, "m1.tiny"))
        self.assertTrue(one["ended_at"])
        self.assertGreater(usage["total_hours"], 0)
        self.assertAlmostEqual(usage["total_memory_mb_usage"], usage["total_hours"] * 512, places=3)
        status, _, _ = stack.get_json(f"/compute/v2.1/os-simple-tenant-usage?start={start}&end={end}",
                                      headers={"X-Auth-Token": token})
        self.assertEqual(status, 403)
        _, _, body = stack.get_json(f"/compute/v2.1/os-simple-tenant-usage?start={start}&end={end}&detailed=1")
        self.assertIn(project, [u["tenant_id"] for u in body["tenant_usages"]])
        _, _, body = stack.get_json(f"/compute/v2.1/os-simple-tenant-usage/{project}?start=2001-01-01T00:00:00&end=2001-01-02T00:00:00")
        self.assertEqual(body["tenant_usage"], {})
        status, _, _ = stack.get_json(f"/compute/v2.1/os-simple-tenant-usage/{project}?start=yesterday")
        self.assertEqual(status, 400)
        _, token_b, _ = member_b
        status, _, _ = stack.get_json(f"/compute/v2.1/os-simple-tenant-usage/{project}", headers={"X-Auth-Token": token_b})
        self.assertEqual(status, 403)

    def test_usage_pages_from_2_40_and_the_clients_reach_the_end(self):
        project, token, env = stack.member("servers-usage-pages")
        start = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() - 60))
        made = [active_server(f"paged-{i}", token) for i in range(3)]
        end = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() + 60))
        url = f"/compute/v2.1/os-simple-tenant-usage/{project}?start={start}&end={end}&limit=2"
        seen, pages = [], 0
        while url:
            status, _, body = stack.get_json(url, headers=at("2.40", token))
            self.assertEqual(status, 200, body)
            pages += 1
            self.assertLess(pages, 5, "the pages never end")
            seen += [u["instance_id"] for u in body["tenant_usage"].get("server_usages", [])]
            links = body.get("tenant_usage_links", [])
            url = links[0]["href"].split(f":{stack.port}", 1)[1] if links else None
        self.assertEqual(sorted(seen), sorted(made))  # each server once: a full page of two links to the last one
        self.assertEqual(pages, 2)
        status, _, body = stack.get_json(f"/compute/v2.1/os-simple-tenant-usage?start={start}&end={end}"
                                         f"&detailed=1&limit=1&marker={made[0]}", headers=at("2.40"))
        self.assertEqual(status, 200, body)
        self.assertIn(f"marker={made[1]}", body["tenant_usages_links"][0]["href"])
        status, _, body = stack.get_json(f"/compute/v2.1/os-simple-tenant-usage/{project}?marker=no-such-server",
                                         headers=at("2.40", token))
        self.assertEqual(status, 400, body)
        # Before 2.40 there is neither a marker nor a link.
        _, _, body = stack.get_json(f"/compute/v2.1/os-simple-tenant-usage/{project}?start={start}&end={end}"
                                    f"&limit=1&marker=no-such-server", headers=at("2.39", token))
        self.assertEqual(len(body["tenant_usage"]["server_usages"]), 3)
        self.assertNotIn("tenant_usage_links", body)
        # novaclient follows the links (as Horizon's overview does) and stops at the empty page.
        tomorrow = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 86400))
        out = subprocess.run(["nova", "--os-compute-api-version", "2.40", "usage", "--start", start[:10],
                              "--end", tomorrow], env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("Servers", out.stdout)


class Keypairs(unittest.TestCase):
    def test_generated_and_imported_keys(self):
        _, token, _ = member_a
        status, _, body = stack.get_json("/compute/v2.1/os-keypairs", method="POST",
                                         body={"keypair": {"name": "made"}}, headers=at("2.2", token))
        self.assertEqual(status, 201, body)
        kp = body["keypair"]
        self.assertTrue(kp["private_key"].startswith("-----BEGIN"))
        self.assertEqual(kp["type"], "ssh")
        self.assertTrue(kp["public_key"].startswith("ssh-rsa "))
        blob = base64.b64decode(kp["public_key"].split()[1])
        md5 = hashlib.md5(blob).hexdigest()
        self.assertEqual(kp["fingerprint"], ":".join(md5[i:i + 2] for i in range(0, 32, 2)))
        with tempfile.TemporaryDirectory() as d:      # the private key really is the public key's pair
            path = os.path.join(d, "id")
            with open(path, "w") as f:
                f.write(kp["private_key"])
            os.chmod(path, 0o600)
            derived = subprocess.run(["ssh-keygen", "-y", "-f", path], capture_output=True, text=True)
            if derived.returncode == 0:
                self.assertEqual(derived.stdout.split()[1], kp["public_key"].split()[1])
        status, _, _ = stack.get_json("/compute/v2.1/os-keypairs", method="POST",
                                      body={"keypair": {"name": "made"}}, headers=at("2.2", token))
        self.assertEqual(status, 409)
        status, _, body = stack.get_json("/compute/v2.1/os-keypairs", method="POST", headers=at("2.2", token),
                                         body={"keypair": {"name": "imported", "public_key": kp["public_key"]}})
        self.assertEqual(status, 201)
        self.assertNotIn("private_key", body["keypair"])
        self.assertEqual(body["keypair"]["fingerprint"], kp["fingerprint"])
        status, _, _ = stack.get_json("/compute/v2.1/os-keypairs", method="POST", headers=at("2.2", token),
                                      body={"keypair": {"name": "junk", "public_key": "ssh-rsa bm90IGEga2V5"}})
        self.assertEqual(status, 400)
        _, _, body = stack.get_json("/compute/v2.1/os-keypairs", headers=at("2.2", token))
        self.assertEqual(sorted(k["keypair"]["name"] for k in body["keypairs"]), ["imported", "made"])
        _, token_b, _ = stack.member("keypairs-other")
        _, _, body = stack.get_json("/compute/v2.1/os-keypairs", headers=at("2.2", token_b))
        self.assertEqual(body["keypairs"], [])
        status, _, _ = stack.get_json("/compute/v2.1/os-keypairs/made", headers=at("2.2", token_b))
        self.assertEqual(status, 404)
        status, _, _ = stack.request("DELETE", "/compute/v2.1/os-keypairs/imported", headers=at("2.2", token))
        self.assertEqual(status, 204)


class X509Keypairs(unittest.TestCase):
    def test_generated_and_imported_certificates(self):
        import ssl
        _, token, _ = stack.member("keypairs-x509")
        status, _, body = stack.get_json("/compute/v2.1/os-keypairs", method="POST", headers=at("2.2", token),
                                         body={"keypair": {"name": "winrm", "type": "x509"}})
        self.assertEqual(status, 201, body)
        kp = body["keypair"]
        self.assertEqual(kp["type"], "x509")
        self.assertTrue(kp["public_key"].startswith("-----BEGIN CERTIFICATE-----"))
        self.assertIn("PRIVATE KEY-----", kp["private_key"])
        sha1 = hashlib.sha1(ssl.PEM_cert_to_DER_cert(kp["public_key"])).hexdigest()
        self.assertEqual(kp["fingerprint"], ":".join(sha1[i:i + 2] for i in range(0, 40, 2)))
        with tempfile.TemporaryDirectory() as d:      # the key really is the certificate's (where openssl is)
            cert, key = os.path.join(d, "cert"), os.path.join(d, "key")
            open(cert, "w").write(kp["public_key"])
            open(key, "w").write(kp["private_key"])
            mod = lambda *a: subprocess.run(["openssl", *a, "-noout", "-modulus"], capture_output=True, text=True).stdout
            if shutil.which("openssl"):
                self.assertEqual(mod("x509", "-in", cert), mod("rsa", "-in", key))
                self.assertTrue(mod("x509", "-in", cert).startswith("Modulus="))
        status, _, body = stack.get_json("/compute/v2.1/os-keypairs", method="POST", headers=at("2.2", token),
                                         body={"keypair": {"name": "winrm-imported", "type": "x509",
                                                           "public_key": kp["public_key"]}})
        self.assertEqual((status, body["keypair"]["fingerprint"]), (201, kp["fingerprint"]))
        status, _, _ = stack.get_json("/compute/v2.1/os-keypairs", method="POST", headers=at("2.2", token),
                                      body={"keypair": {"name": "bad", "type": "x509", "public_key": "not a cert"}})
        self.assertEqual(status, 400)
        status, _, _ = stack.get_json("/compute/v2.1/os-keypairs", method="POST", headers=at("2.1", token),
                                      body={"keypair": {"name": "old", "type": "x509"}})
        self.assertEqual(status, 400)                 # types came in 2.2


class Clients(unittest.TestCase):
    # The CLIs send what the other classes send as JSON; under the sanitizers their minutes of Python
    # start-up would check nothing more.
    SANITIZED_RUN = False

    def test_openstack_cli(self):
        _, _, env = member_b
        cli = lambda *a, **k: stack.cli(*a, env=env, **k)
        key = cli("keypair", "create", "cli-key", parse=False)
        self.assertIn("PRIVATE KEY", key)
        flavors = cli("flavor", "list")
        self.assertIn("m1.tiny", [f["Name"] for f in flavors])
        zones = cli("availability", "zone", "list")
        self.assertIn(("nova", "available"), [(z["Zone Name"], z["Zone Status"]) for z in zones])
        out = cli("server", "create", "--image", "cirros-e2e", "--flavor", "m1.tiny", "--key-name", "cli-key",
                  "--wait", "cli-server", "-f", "json", parse=False)
        server = json.loads(out[out.index("{"):])        # --wait prints its progress first
        self.assertEqual((server["status"], server["key_name"]), ("ACTIVE", "cli-key"))
        listed = cli("server", "list")
        self.assertIn(("cli-server", "ACTIVE"), [(s["Name"], s["Status"]) for s in listed])
        shown = cli("server", "show", "cli-server")
        self.assertEqual(shown["id"], server["id"])
        cli("server", "reboot", "--wait", "cli-server", parse=False)
        self.assertEqual(cli("server", "show", "cli-server")["status"], "ACTIVE")
        cli("server", "stop", "cli-server", parse=False)
        self.assertEqual(wait_status(server["id"], "SHUTOFF", member_b[1])["status"], "SHUTOFF")
        cli("server", "start", "cli-server", parse=False)
        self.assertEqual(wait_status(server["id"], "ACTIVE", member_b[1])["status"], "ACTIVE")
        limits = {l["Name"]: l["Value"] for l in cli("limits", "show", "--absolute")}
        self.assertEqual(limits["maxTotalInstances"], 10)
        self.assertGreaterEqual(limits["totalInstancesUsed"], 1)
        cli("server", "delete", "--wait", "cli-server", parse=False)
        self.assertNotIn("cli-server", [s["Name"] for s in cli("server", "list")])

    def test_nova_cli_at_the_latest_microversion(self):
        _, _, env = member_a
        nova = lambda *a: stack.cli("--os-compute-api-version", "2.latest", *a, env=env, parse=False, program="nova")
        out = nova("boot", "--image", "cirros-e2e", "--flavor", "m1.tiny", "--nic", "none", "--poll", "nova-server")
        self.assertIn("nova-server", out)
        listed = nova("list")
        self.assertRegex(listed, r"nova-server\s*\|\s*ACTIVE")
        nova("delete", "nova-server")
        deadline = time.time() + 10
        while "nova-server" in nova("list") and time.time() < deadline:
            time.sleep(0.5)
        self.assertNotIn("nova-server", nova("list"))


if __name__ == "__main__":
    unittest.main()
