# SPDX-License-Identifier: Apache-2.0
"""Nova's network proxies in the local driver: os-security-groups and rules, the server's security groups and
their actions, os-floating-ips and pools, os-networks, os-interface, and the 410s of nova-network."""
import time
import unittest
import uuid
from collections import namedtuple

from stack import Stack

Member = namedtuple("Member", "project_id token env")

C = "/compute/v2.1"
V = {"OpenStack-API-Version": "compute 2.1"}


def setUpModule():
    global stack, image_id, member_a, member_b
    stack = Stack().start()
    image_id = stack.public_image("netproxy-e2e")
    member_a = Member(*stack.member("netproxy-a"))
    member_b = Member(*stack.member("netproxy-b"))


def tearDownModule():
    stack.stop()


def call(path, token, method="GET", body=None, version="2.1"):
    headers = {"X-Auth-Token": token, "OpenStack-API-Version": f"compute {version}"}
    return stack.get_json(C + path, method=method, body=body, headers=headers)


def group(token, name, description="d"):
    status, _, body = call("/os-security-groups", token, "POST",
                           {"security_group": {"name": name, "description": description}})
    assert status == 200, body
    return body["security_group"]


def active_server(token, name, **extra):
    server = {"name": name, "imageRef": image_id, "flavorRef": "1", "networks": "auto"}
    server.update(extra)
    status, _, body = call("/servers", token, "POST", {"server": server}, version="2.37")
    assert status == 202, body
    server_id = body["server"]["id"]
    deadline = time.time() + 15
    while time.time() < deadline:
        _, _, s = call(f"/servers/{server_id}", token)
        if s["server"]["status"] == "ACTIVE":
            return server_id
        time.sleep(0.25)
    raise AssertionError(f"server {server_id} is not ACTIVE: {s}")


def delete_server(token, server_id):
    call(f"/servers/{server_id}", token, "DELETE")
    deadline = time.time() + 15
    while time.time() < deadline:
        status, _, _ = call(f"/servers/{server_id}", token)
        if status == 404:
            return
        time.sleep(0.25)


class SecurityGroups(unittest.TestCase):
    def test_create_show_update_delete(self):
        token = member_a.token
        g = group(token, " spaced name ", "first")
        self.assertEqual(g["name"], " spaced name ")
        self.assertEqual(g["rules"], [])        # Neutron's two egress rules are not Nova's to show
        self.assertEqual(set(g), {"id", "name", "description", "tenant_id", "rules"})
        status, _, body = call(f"/os-security-groups/{g['id']}", token)
        self.assertEqual((status, body["security_group"]), (200, g))
        status, _, body = call(f"/os-security-groups/{g['id']}", token, "PUT",
                               {"security_group": {"name": "renamed", "description": "second"}})
        self.assertEqual(status, 200, body)
        self.assertEqual((body["security_group"]["name"], body["security_group"]["description"]),
                         ("renamed", "second"))
        _, _, listed = call("/os-security-groups", token)
        self.assertIn(body["security_group"], listed["security_groups"])
        status, _, _ = call(f"/os-security-groups/{g['id']}", token, "DELETE")
        self.assertEqual(status, 202)
        status, _, body = call(f"/os-security-groups/{g['id']}", token)
        self.assertEqual(status, 404)
        self.assertIn("itemNotFound", body)

    def test_bad_requests(self):
        token = member_a.token
        for bad in ({"name": "", "description": "d"}, {"name": "  ", "description": "d"},
                    {"name": "x" * 256, "description": "d"}, {"name": "x", "description": "y" * 256},
                    {"description": "no name"}):
            status, _, body = call("/os-security-groups", token, "POST", {"security_group": bad})
            self.assertEqual(status, 400, (bad, body))
            self.assertIn("badRequest", body)
        self.assertEqual(call(f"/os-security-groups/{uuid.uuid4()}", token)[0], 404)
        self.assertEqual(call(f"/os-security-groups/{uuid.uuid4()}", token, "DELETE")[0], 404)
        self.assertEqual(call(f"/os-security-groups/{uuid.uuid4()}", token, "PUT",
                              {"security_group": {"name": "n"}})[0], 404)
        # An empty id names no group: 404, not 405.
        self.assertEqual(call("/os-security-groups/", token, "DELETE")[0], 404)

    def test_default_group_cannot_go(self):
        token = member_a.token
        _, _, body = call("/os-security-groups", token)
        default = [g for g in body["security_groups"] if g["name"] == "default"]
        self.assertEqual(len(default), 1, body)
        status, _, body = call(f"/os-security-groups/{default[0]['id']}", token, "DELETE")
        self.assertEqual(status, 400, body)

    def test_rules(self):
        token = member_a.token
        g = group(token, "rules")
        other = group(token, "remote")
        status, _, body = call("/os-security-group-rules", token, "POST", {"security_group_rule": {
            "parent_group_id": g["id"], "ip_protocol": "tcp", "from_port": 22, "to_port": 22,
            "cidr": "10.0.0.0/8"}})
        self.assertEqual(status, 200, body)
        ssh = body["security_group_rule"]
        self.assertEqual((ssh["from_port"], ssh["to_port"], ssh["ip_protocol"], ssh["ip_range"], ssh["group"]),
                         (22, 22, "tcp", {"cidr": "10.0.0.0/8"}, {}))
        status, _, body = call("/os-security-group-rules", token, "POST", {"security_group_rule": {
            "parent_group_id": g["id"], "ip_protocol": "icmp", "from_port": -1, "to_port": -1,
            "group_id": other["id"]}})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["security_group_rule"]["group"], {"name": "remote", "tenant_id": other["tenant_id"]})
        _, _, shown = call(f"/os-security-groups/{g['id']}", token)
        self.assertEqual(sorted(r["id"] for r in shown["security_group"]["rules"]),
                         sorted([ssh["id"], body["security_group_rule"]["id"]]))
        # The same rule through Neutron: ingress, IPv4.
        _, _, neutron = stack.get_json(f"/network/v2.0/security-group-rules/{ssh['id']}",
                                       headers={"X-Auth-Token": token})
        self.assertEqual((neutron["security_group_rule"]["direction"], neutron["security_group_rule"]["ethertype"],
                          neutron["security_group_rule"]["port_range_min"]), ("ingress", "IPv4", 22))
        for bad in ({"parent_group_id": g["id"], "ip_protocol": "tcp", "from_port": 30, "to_port": 20},
                    {"parent_group_id": g["id"], "ip_protocol": "tcp", "from_port": 0, "to_port": 70000},
                    {"parent_group_id": g["id"], "ip_protocol": "gre"},
                    {"parent_group_id": g["id"], "ip_protocol": "tcp", "from_port": "x", "to_port": 22},
                    {"parent_group_id": g["id"], "ip_protocol": "tcp", "from_port": 1, "to_port": 2,
                     "cidr": "10.0.0.0/8", "group_id": other["id"]},
                    {"ip_protocol": "tcp", "from_port": 1, "to_port": 2}):
            status, _, body = call("/os-security-group-rules", token, "POST", {"security_group_rule": bad})
            self.assertEqual(status, 400, (bad, body))
        status, _, _ = call("/os-security-group-rules", token, "POST", {"security_group_rule": {
            "parent_group_id": str(uuid.uuid4()), "ip_protocol": "tcp", "from_port": 1, "to_port": 2}})
        self.assertEqual(status, 404)
        self.assertEqual(call(f"/os-security-group-rules/{ssh['id']}", token, "DELETE")[0], 202)
        self.assertEqual(call(f"/os-security-group-rules/{ssh['id']}", token, "DELETE")[0], 404)

    def test_tenancy_and_version(self):
        g = group(member_a.token, "private")
        self.assertEqual(call(f"/os-security-groups/{g['id']}", member_b.token)[0], 404)
        self.assertEqual(call(f"/os-security-groups/{g['id']}", member_b.token, "DELETE")[0], 404)
        _, _, listed = call("/os-security-groups", member_b.token)
        self.assertNotIn(g["id"], [x["id"] for x in listed["security_groups"]])
        # The proxy went in 2.36.
        self.assertEqual(call("/os-security-groups", member_a.token, version="2.36")[0], 404)


class ServerSecurityGroups(unittest.TestCase):
    def test_add_remove_and_in_use(self):
        token = member_a.token
        g = group(token, "server-group")
        server_id = active_server(token, "sg-server")
        try:
            self.assertEqual(call(f"/servers/{server_id}/action", token, "POST",
                                  {"addSecurityGroup": {"name": "server-group"}})[0], 202)
            status, _, body = call(f"/servers/{server_id}/action", token, "POST",
                                   {"addSecurityGroup": {"name": "server-group"}})
            self.assertEqual(status, 400, body)
            status, _, body = call(f"/servers/{server_id}/action", token, "POST",
                                   {"addSecurityGroup": {"name": "no-such-group"}})
            self.assertEqual(status, 404, body)
            _, _, body = call(f"/servers/{server_id}/os-security-groups", token)
            self.assertEqual(sorted(x["name"] for x in body["security_groups"]), ["default", "server-group"])
            _, _, body = call(f"/servers/{server_id}", token)
            self.assertEqual(sorted(x["name"] for x in body["server"]["security_groups"]),
                             ["default", "server-group"])
            # In use by the server's port: Nova answers Neutron's conflict with 400.
            self.assertEqual(call(f"/os-security-groups/{g['id']}", token, "DELETE")[0], 400)
            self.assertEqual(call(f"/servers/{server_id}/action", token, "POST",
                                  {"removeSecurityGroup": {"name": "server-group"}})[0], 202)
            _, _, body = call(f"/servers/{server_id}/os-security-groups", token)
            self.assertEqual([x["name"] for x in body["security_groups"]], ["default"])
            self.assertEqual(call(f"/servers/{server_id}/action", token, "POST",
                                  {"removeSecurityGroup": {"name": "server-group"}})[0], 400)
            # Another project can neither see the server's groups nor change them.
            self.assertEqual(call(f"/servers/{server_id}/os-security-groups", member_b.token)[0], 404)
        finally:
            delete_server(token, server_id)
        self.assertEqual(call(f"/os-security-groups/{g['id']}", token, "DELETE")[0], 202)

    def test_groups_asked_for_at_boot(self):
        token = member_a.token
        group(token, "at-boot")
        server_id = active_server(token, "sg-boot", security_groups=[{"name": "at-boot"}])
        try:
            _, _, body = call(f"/servers/{server_id}/os-security-groups", token)
            self.assertEqual([x["name"] for x in body["security_groups"]], ["at-boot"])
        finally:
            delete_server(token, server_id)
        status, _, body = call("/servers", token, "POST", {"server": {
            "name": "bad-group", "imageRef": image_id, "flavorRef": "1", "networks": "auto",
            "security_groups": [{"name": "missing-group"}]}}, version="2.37")
        self.assertEqual(status, 400, body)

    def test_cli(self):
        # The openstack CLI's security group commands use Neutron; server add/remove use Nova's actions.
        env = member_a.env
        stack.cli("security group create", "cli-group", env=env)
        server_id = active_server(member_a.token, "sg-cli")
        try:
            stack.cli("server add security group", server_id, "cli-group", env=env, parse=False)
            shown = stack.cli("server show", server_id, env=env)
            names = shown["security_groups"]
            names = [x["name"] for x in names] if isinstance(names, list) else names
            self.assertIn("cli-group", str(names))
            stack.cli("server remove security group", server_id, "cli-group", env=env, parse=False)
            shown = stack.cli("server show", server_id, env=env)
            self.assertNotIn("cli-group", str(shown["security_groups"]))
        finally:
            delete_server(member_a.token, server_id)


class FloatingIpsAndNetworks(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        net = {"network": {"name": "public-netproxy", "router:external": True}}
        status, _, body = stack.get_json("/network/v2.0/networks", method="POST", body=net)
        assert status == 201, body
        cls.public = body["network"]
        status, _, body = stack.get_json("/network/v2.0/subnets", method="POST", body={"subnet": {
            "network_id": cls.public["id"], "cidr": "203.0.113.0/24", "ip_version": 4}})
        assert status == 201, body

    def test_pools_and_floating_ips(self):
        token = member_a.token
        _, _, body = call("/os-floating-ip-pools", token)
        self.assertIn({"name": "public-netproxy"}, body["floating_ip_pools"])
        status, _, body = call("/os-floating-ips", token, "POST", {"pool": "public-netproxy"})
        self.assertEqual(status, 200, body)
        fip = body["floating_ip"]
        self.assertEqual((fip["pool"], fip["instance_id"], fip["fixed_ip"]), ("public-netproxy", None, None))
        self.assertTrue(fip["ip"].startswith("203.0.113."))
        self.assertEqual(call("/os-floating-ips", token, "POST", {"pool": "no-such-pool"})[0], 404)
        server_id = active_server(token, "fip-server")
        try:
            # As in Neutron, the address is reachable only through a router from the server's subnet.
            auth = {"X-Auth-Token": token}
            _, _, ports = stack.get_json(f"/network/v2.0/ports?device_id={server_id}", headers=auth)
            subnet_id = ports["ports"][0]["fixed_ips"][0]["subnet_id"]
            status, _, router = stack.get_json("/network/v2.0/routers", method="POST", headers=auth, body={
                "router": {"name": "fip-router", "external_gateway_info": {"network_id": self.public["id"]}}})
            self.assertEqual(status, 201, router)
            status, _, _ = stack.get_json(f"/network/v2.0/routers/{router['router']['id']}/add_router_interface",
                                          method="PUT", headers=auth, body={"subnet_id": subnet_id})
            self.assertEqual(status, 200)
            status, _, body = call(f"/servers/{server_id}/action", token, "POST",
                                   {"addFloatingIp": {"address": fip["ip"]}})
            self.assertEqual(status, 202, body)
            _, _, body = call(f"/os-floating-ips/{fip['id']}", token)
            self.assertEqual(body["floating_ip"]["instance_id"], server_id)
            self.assertIsNotNone(body["floating_ip"]["fixed_ip"])
            _, _, s = call(f"/servers/{server_id}", token)
            kinds = [a["OS-EXT-IPS:type"] for net in s["server"]["addresses"].values() for a in net]
            self.assertIn("floating", kinds)
            # Another project cannot use the address; the action is gone at 2.44.
            self.assertEqual(call(f"/servers/{server_id}/action", token, "POST",
                                  {"removeFloatingIp": {"address": fip["ip"]}}, version="2.44")[0], 404)
            self.assertEqual(call(f"/servers/{server_id}/action", token, "POST",
                                  {"removeFloatingIp": {"address": fip["ip"]}})[0], 202)
            self.assertEqual(call(f"/servers/{server_id}/action", token, "POST",
                                  {"removeFloatingIp": {"address": fip["ip"]}})[0], 409)
        finally:
            delete_server(token, server_id)
        self.assertEqual(call(f"/os-floating-ips/{fip['id']}", member_b.token)[0], 404)
        self.assertEqual(call(f"/os-floating-ips/{fip['id']}", token, "DELETE")[0], 202)
        self.assertEqual(call(f"/os-floating-ips/{fip['id']}", token)[0], 404)

    def test_networks(self):
        token = member_a.token
        _, _, body = call("/os-tenant-networks", token)
        ids = [n["id"] for n in body["networks"]]
        self.assertIn(self.public["id"], ids)
        status, _, body = call(f"/os-networks/{self.public['id']}", stack.token)
        self.assertEqual(status, 200, body)
        self.assertEqual((body["network"]["label"], body["network"]["cidr"]), ("public-netproxy", "203.0.113.0/24"))
        self.assertEqual(call(f"/os-networks/{uuid.uuid4()}", token)[0], 404)
        # nova-network's management and DNS are gone from Nova.
        self.assertEqual(call("/os-networks", token, "POST", {"network": {"label": "x"}})[0], 410)
        self.assertEqual(call("/os-floating-ip-dns", token)[0], 410)


class Interfaces(unittest.TestCase):
    def test_attach_list_detach(self):
        token = member_a.token
        status, _, body = stack.get_json("/network/v2.0/networks", method="POST", headers={"X-Auth-Token": token},
                                         body={"network": {"name": "second-net"}})
        self.assertEqual(status, 201, body)
        net_id = body["network"]["id"]
        status, _, body = stack.get_json("/network/v2.0/subnets", method="POST", headers={"X-Auth-Token": token},
                                         body={"subnet": {"network_id": net_id, "cidr": "192.168.77.0/24",
                                                          "ip_version": 4}})
        self.assertEqual(status, 201, body)
        server_id = active_server(token, "if-server")
        try:
            _, _, body = call(f"/servers/{server_id}/os-interface", token)
            self.assertEqual(len(body["interfaceAttachments"]), 1, body)
            status, _, body = call(f"/servers/{server_id}/os-interface", token, "POST", {"interfaceAttachment": {
                "net_id": net_id, "fixed_ips": [{"ip_address": "192.168.77.50"}]}})
            self.assertEqual(status, 200, body)
            a = body["interfaceAttachment"]
            self.assertEqual((a["net_id"], a["fixed_ips"][0]["ip_address"]), (net_id, "192.168.77.50"))
            _, _, shown = call(f"/servers/{server_id}/os-interface/{a['port_id']}", token)
            self.assertEqual(shown["interfaceAttachment"]["mac_addr"], a["mac_addr"])
            _, _, s = call(f"/servers/{server_id}", token)
            self.assertIn("second-net", s["server"]["addresses"])
            self.assertEqual(call(f"/servers/{server_id}/os-interface", member_b.token)[0], 404)
            self.assertEqual(call(f"/servers/{server_id}/os-interface/{a['port_id']}", token, "DELETE")[0], 202)
            self.assertEqual(call(f"/servers/{server_id}/os-interface/{a['port_id']}", token)[0], 404)
            # The port Nova made for the attachment went with it.
            status, _, _ = stack.get_json(f"/network/v2.0/ports/{a['port_id']}", headers={"X-Auth-Token": token})
            self.assertEqual(status, 404)
        finally:
            delete_server(token, server_id)


if __name__ == "__main__":
    unittest.main()
