# SPDX-License-Identifier: Apache-2.0
"""The Network service (Neutron v2.0) of the local driver: resources, IP allocation under concurrency, errors,
tenancy, list queries, tags, quotas, and Debian's openstack client."""
import concurrent.futures
import ipaddress
import unittest
import uuid

from stack import Stack

N = "/network/v2.0"


def setUpModule():
    global stack, member, other
    stack = Stack(workers=4).start()
    member = stack.member("network-a")
    other = stack.member("network-b")


def tearDownModule():
    stack.stop()


def call(method, path, body=None, token=None):
    headers = {"X-Auth-Token": token} if token else None
    status, _, data = stack.get_json(N + path, method=method, body=body, headers=headers)
    return status, data


def make(collection, token=None, **attrs):
    key = {"security-groups": "security_group", "security-group-rules": "security_group_rule"}.get(
        collection, collection.rstrip("s"))
    status, body = call("POST", f"/{collection}", {key: attrs}, token)
    assert status == 201, (collection, attrs, status, body)
    return body[key]


def network_with_subnet(cidr="10.20.0.0/24", token=None, **subnet):
    net = make("networks", token, name="net-" + cidr)
    sn = make("subnets", token, network_id=net["id"], ip_version=ipaddress.ip_network(cidr).version, cidr=cidr,
              **subnet)
    return net, sn


def error_type(body):
    return body["NeutronError"]["type"]


def external_network(cidr):
    net = make("networks", name="ext-" + cidr, **{"router:external": True})
    make("subnets", network_id=net["id"], ip_version=4, cidr=cidr)
    return net


class Discovery(unittest.TestCase):
    def test_versions_index_and_extensions(self):
        status, _, body = stack.get_json("/network/")
        self.assertEqual(status, 200)
        self.assertEqual(body["versions"][0]["id"], "v2.0")
        status, body = call("GET", "/")
        self.assertEqual(status, 200)
        self.assertEqual({r["collection"] for r in body["resources"]},
                         {"networks", "subnets", "subnetpools", "ports", "routers", "floatingips",
                          "security-groups", "security-group-rules"})
        status, body = call("GET", "/extensions")
        aliases = {e["alias"] for e in body["extensions"]}
        for wanted in ("external-net", "router", "extraroute", "security-group", "availability_zone", "quotas",
                       "standard-attr-tag", "standard-attr-description", "standard-attr-timestamp", "project-id",
                       "binding", "pagination", "sorting"):
            self.assertIn(wanted, aliases)
        self.assertEqual(call("GET", "/extensions/router")[1]["extension"]["name"], "Neutron L3 Router")
        self.assertEqual(call("GET", "/extensions/no-such")[0], 404)
        self.assertIn("subnet_allocation", aliases)
        self.assertEqual(call("GET", "/extensions/subnet_allocation")[1]["extension"]["alias"], "subnet_allocation")
        # Every extension listed is shown by its alias too.
        for alias in aliases:
            self.assertEqual(call("GET", f"/extensions/{alias}")[0], 200, alias)
        status, body = call("GET", "/subnetpools")
        self.assertEqual(status, 200)
        self.assertIsInstance(body["subnetpools"], list)

    def test_availability_zones(self):
        status, body = call("GET", "/availability_zones")
        self.assertEqual(status, 200)
        self.assertIn({"name": "nova", "resource": "network", "state": "available"}, body["availability_zones"])
        _, body = call("GET", "/availability_zones?resource=router")
        self.assertEqual([z["resource"] for z in body["availability_zones"]], ["router"])


class Networks(unittest.TestCase):
    def test_create_show_update_delete(self):
        net = make("networks", name="first", mtu=1450, description="d")
        self.assertEqual((net["status"], net["mtu"], net["shared"], net["router:external"], net["admin_state_up"]),
                         ("ACTIVE", 1450, False, False, True))
        self.assertEqual(net["tenant_id"], net["project_id"])
        self.assertEqual(net["availability_zones"], ["nova"])
        status, body = call("PUT", f"/networks/{net['id']}", {"network": {"name": "renamed", "admin_state_up": "false"}})
        self.assertEqual(status, 200, body)
        self.assertEqual((body["network"]["name"], body["network"]["admin_state_up"],
                          body["network"]["revision_number"]), ("renamed", False, 1))
        self.assertEqual(call("GET", f"/networks/{net['id']}")[1]["network"]["name"], "renamed")
        self.assertEqual(call("DELETE", f"/networks/{net['id']}")[0], 204)
        status, body = call("GET", f"/networks/{net['id']}")
        self.assertEqual(status, 404)
        self.assertEqual(error_type(body), "NetworkNotFound")
        self.assertIn(net["id"], body["NeutronError"]["message"])
        self.assertEqual(body["NeutronError"]["detail"], "")

    def test_bad_attributes(self):
        for bad in ({"mtu": 10}, {"nope": 1}, {"admin_state_up": "maybe"}, {"name": "x" * 256}, {"status": "DOWN"}):
            with self.subTest(network=bad):
                status, body = call("POST", "/networks", {"network": bad})
                self.assertEqual(status, 400, body)
                self.assertIn("NeutronError", body)
        self.assertEqual(call("POST", "/networks", {"net": {}})[0], 400)
        net = make("networks")
        self.assertEqual(call("PUT", f"/networks/{net['id']}", {"network": {"status": "DOWN"}})[0], 400)

    def test_admin_only_attributes(self):
        for attr in ({"router:external": True}, {"shared": True}):
            status, body = call("POST", "/networks", {"network": attr}, member[1])
            self.assertEqual(status, 403, body)
            self.assertEqual(error_type(body), "PolicyNotAuthorized")
        # Their defaults, given explicitly, are no privilege.
        self.assertEqual(call("POST", "/networks", {"network": {"shared": False}}, member[1])[0], 201)
        net = make("networks", member[1])
        self.assertEqual(call("PUT", f"/networks/{net['id']}", {"network": {"shared": True}}, member[1])[0], 403)
        status, body = call("POST", "/networks", {"network": {"tenant_id": other[0]}}, member[1])
        self.assertEqual(status, 400)

    def test_in_use_until_ports_go_and_subnets_go_with_it(self):
        net, sn = network_with_subnet("10.21.0.0/24")
        port = make("ports", network_id=net["id"])
        status, body = call("DELETE", f"/networks/{net['id']}")
        self.assertEqual(status, 409)
        self.assertEqual(error_type(body), "NetworkInUse")
        self.assertEqual(call("DELETE", f"/ports/{port['id']}")[0], 204)
        self.assertEqual(call("DELETE", f"/networks/{net['id']}")[0], 204)
        self.assertEqual(call("GET", f"/subnets/{sn['id']}")[0], 404)


class Subnets(unittest.TestCase):
    def test_ipv4_defaults(self):
        net, sn = network_with_subnet("10.30.0.0/24", dns_nameservers=["8.8.8.8"],
                                      host_routes=[{"destination": "10.99.0.0/16", "nexthop": "10.30.0.9"}])
        self.assertEqual(sn["gateway_ip"], "10.30.0.1")
        self.assertEqual(sn["allocation_pools"], [{"start": "10.30.0.2", "end": "10.30.0.254"}])
        self.assertEqual((sn["enable_dhcp"], sn["ip_version"], sn["dns_nameservers"]), (True, 4, ["8.8.8.8"]))
        self.assertEqual(sn["host_routes"], [{"destination": "10.99.0.0/16", "nexthop": "10.30.0.9"}])
        self.assertEqual(call("GET", f"/networks/{net['id']}")[1]["network"]["subnets"], [sn["id"]])

    def test_ipv6_pools_and_gateway(self):
        net = make("networks")
        sn = make("subnets", network_id=net["id"], ip_version=6, cidr="FD00:1::/64", ipv6_address_mode="slaac",
                  ipv6_ra_mode="slaac")
        self.assertEqual((sn["cidr"], sn["gateway_ip"]), ("fd00:1::/64", "fd00:1::1"))
        self.assertEqual(sn["allocation_pools"], [{"start": "fd00:1::2", "end": "fd00:1::ffff:ffff:ffff:ffff"}])
        sn4 = make("subnets", network_id=net["id"], ip_version=4, cidr="10.31.0.0/24", gateway_ip="10.31.0.254",
                   allocation_pools=[{"start": "10.31.0.10", "end": "10.31.0.20"}], enable_dhcp=False)
        self.assertEqual(sn4["gateway_ip"], "10.31.0.254")
        port = make("ports", network_id=net["id"])
        # The SLAAC subnet gives the port its EUI-64 address, not one of its pool.
        self.assertEqual(sorted(f["ip_address"] for f in port["fixed_ips"]),
                         ["10.31.0.10", eui64("fd00:1::/64", port["mac_address"])])
        sn_none = make("subnets", network_id=make("networks")["id"], ip_version=4, cidr="10.32.0.0/24",
                       gateway_ip=None)
        self.assertIsNone(sn_none["gateway_ip"])
        self.assertEqual(sn_none["allocation_pools"], [{"start": "10.32.0.1", "end": "10.32.0.254"}])

    def test_bad_cidrs_and_pools(self):
        net = make("networks")
        cases = [
            ({"ip_version": 4, "cidr": "10.40.0.1/24"}, 400),
            ({"ip_version": 4, "cidr": "10.40.0.0/33"}, 400),
            ({"ip_version": 4, "cidr": "not-a-cidr"}, 400),
            ({"ip_version": 6, "cidr": "10.40.0.0/24"}, 400),
            ({"ip_version": 5, "cidr": "10.40.0.0/24"}, 400),
            ({"ip_version": 4}, 400),
            ({"ip_version": 4, "cidr": "10.40.0.0/24", "allocation_pools": [{"start": "10.40.1.1", "end": "10.40.1.9"}]}, 400),
            ({"ip_version": 4, "cidr": "10.40.0.0/24", "allocation_pools": [{"start": "10.40.0.5", "end": "10.40.0.2"}]}, 400),
            ({"ip_version": 4, "cidr": "10.40.0.0/24", "gateway_ip": "10.40.0.5",
              "allocation_pools": [{"start": "10.40.0.2", "end": "10.40.0.9"}]}, 409),
            ({"ip_version": 4, "cidr": "10.40.0.0/24", "allocation_pools": [
                {"start": "10.40.0.2", "end": "10.40.0.9"}, {"start": "10.40.0.8", "end": "10.40.0.20"}]}, 400),
            ({"ip_version": 4, "cidr": "10.40.0.0/24", "dns_nameservers": ["8.8.8.8", "8.8.8.8"]}, 400),
            ({"ip_version": 4, "cidr": "10.40.0.0/24", "ipv6_ra_mode": "slaac"}, 400),
        ]
        for body, code in cases:
            with self.subTest(subnet=body):
                status, reply = call("POST", "/subnets", {"subnet": dict(body, network_id=net["id"])})
                self.assertEqual(status, code, reply)
        make("subnets", network_id=net["id"], ip_version=4, cidr="10.40.0.0/24")
        status, body = call("POST", "/subnets", {"subnet": {"network_id": net["id"], "ip_version": 4,
                                                            "cidr": "10.40.0.128/25"}})
        self.assertEqual(status, 400)
        self.assertIn("overlaps", body["NeutronError"]["message"])
        status, body = call("POST", "/subnets", {"subnet": {"network_id": str(uuid.uuid4()), "ip_version": 4,
                                                            "cidr": "10.41.0.0/24"}})
        self.assertEqual((status, error_type(body)), (404, "NetworkNotFound"))

    def test_update_and_in_use(self):
        net, sn = network_with_subnet("10.42.0.0/24")
        status, body = call("PUT", f"/subnets/{sn['id']}", {"subnet": {"name": "s", "dns_nameservers": ["1.1.1.1"]}})
        self.assertEqual((status, body["subnet"]["dns_nameservers"]), (200, ["1.1.1.1"]))
        self.assertEqual(call("PUT", f"/subnets/{sn['id']}", {"subnet": {"cidr": "10.43.0.0/24"}})[0], 400)
        port = make("ports", network_id=net["id"])
        status, body = call("DELETE", f"/subnets/{sn['id']}")
        self.assertEqual((status, error_type(body)), (409, "SubnetInUse"))
        call("DELETE", f"/ports/{port['id']}")
        self.assertEqual(call("DELETE", f"/subnets/{sn['id']}")[0], 204)


class Ports(unittest.TestCase):
    def test_addresses_macs_and_devices(self):
        net, sn = network_with_subnet("10.50.0.0/24")
        port = make("ports", network_id=net["id"], device_id="dev-1", device_owner="compute:nova", name="p")
        self.assertRegex(port["mac_address"], r"^fa:16:3e(:[0-9a-f]{2}){3}$")
        self.assertEqual(port["fixed_ips"], [{"subnet_id": sn["id"], "ip_address": "10.50.0.2"}])
        self.assertEqual((port["device_id"], port["device_owner"], port["status"]), ("dev-1", "compute:nova", "ACTIVE"))
        self.assertEqual(len(port["security_groups"]), 1)
        fixed = make("ports", network_id=net["id"], fixed_ips=[{"ip_address": "10.50.0.77"}],
                     mac_address="FA:16:3E:AA:BB:CC")
        self.assertEqual((fixed["fixed_ips"][0]["ip_address"], fixed["mac_address"]), ("10.50.0.77", "fa:16:3e:aa:bb:cc"))
        status, body = call("POST", "/ports", {"port": {"network_id": net["id"], "fixed_ips": [{"ip_address": "10.50.0.77"}]}})
        self.assertEqual((status, error_type(body)), (409, "IpAddressAlreadyAllocated"))
        status, body = call("POST", "/ports", {"port": {"network_id": net["id"], "mac_address": "fa:16:3e:aa:bb:cc"}})
        self.assertEqual((status, error_type(body)), (409, "MacAddressInUse"))
        status, body = call("POST", "/ports", {"port": {"network_id": net["id"], "fixed_ips": [{"ip_address": "10.99.0.1"}]}})
        self.assertEqual((status, error_type(body)), (400, "InvalidIpForNetwork"))
        for bad in ({"mac_address": "zz"}, {"fixed_ips": [{"ip_address": "nope"}]}, {"security_groups": ["x"]}):
            self.assertEqual(call("POST", "/ports", {"port": dict(bad, network_id=net["id"])})[0], 400, bad)
        status, body = call("PUT", f"/ports/{fixed['id']}", {"port": {"fixed_ips": [{"ip_address": "10.50.0.78"}]}})
        self.assertEqual((status, body["port"]["fixed_ips"][0]["ip_address"]), (200, "10.50.0.78"))
        # The address it gave up is free again.
        again = make("ports", network_id=net["id"], fixed_ips=[{"ip_address": "10.50.0.77"}])
        self.assertEqual(again["fixed_ips"][0]["ip_address"], "10.50.0.77")
        _, body = call("GET", f"/ports?fixed_ips=ip_address%3D10.50.0.78")
        self.assertEqual([p["id"] for p in body["ports"]], [fixed["id"]])
        _, body = call("GET", f"/ports?device_id=dev-1&fields=id&fields=device_owner")
        self.assertEqual(body["ports"], [{"id": port["id"], "device_owner": "compute:nova"}])
        self.assertEqual(call("GET", f"/ports/{str(uuid.uuid4())}")[1]["NeutronError"]["type"], "PortNotFound")

    def test_concurrent_creates_never_share_an_address(self):
        net, sn = network_with_subnet("10.60.0.0/24")

        def one(_):
            return call("POST", "/ports", {"port": {"network_id": net["id"]}})

        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            results = list(pool.map(one, range(60)))
        self.assertEqual([s for s, _ in results], [201] * 60)
        addresses = [b["port"]["fixed_ips"][0]["ip_address"] for _, b in results]
        macs = [b["port"]["mac_address"] for _, b in results]
        self.assertEqual(len(set(addresses)), 60)
        self.assertEqual(len(set(macs)), 60)
        self.assertTrue(all(ipaddress.ip_address(a) in ipaddress.ip_network("10.60.0.0/24") for a in addresses))

    def test_exhaustion_under_concurrency(self):
        net, sn = network_with_subnet("10.61.0.0/29")      # .2 to .6: five addresses
        with concurrent.futures.ThreadPoolExecutor(10) as pool:
            results = list(pool.map(lambda _: call("POST", "/ports", {"port": {"network_id": net["id"]}}), range(10)))
        made = [b["port"]["fixed_ips"][0]["ip_address"] for s, b in results if s == 201]
        self.assertEqual(sorted(made), [f"10.61.0.{i}" for i in range(2, 7)])
        self.assertEqual({error_type(b) for s, b in results if s != 201}, {"IpAddressGenerationFailure"})
        self.assertEqual({s for s, _ in results}, {201, 409})


class SecurityGroups(unittest.TestCase):
    def test_default_group_made_on_first_use(self):
        project, token, _ = stack.member("network-sg")
        status, body = call("GET", "/security-groups", token=token)
        self.assertEqual(status, 200)
        groups = body["security_groups"]
        self.assertEqual([g["name"] for g in groups], ["default"])
        rules = groups[0]["security_group_rules"]
        self.assertEqual(sorted((r["direction"], r["ethertype"], r["remote_group_id"] is not None) for r in rules),
                         [("egress", "IPv4", False), ("egress", "IPv6", False),
                          ("ingress", "IPv4", True), ("ingress", "IPv6", True)])
        # Listing again makes no second one.
        self.assertEqual(len(call("GET", "/security-groups", token=token)[1]["security_groups"]), 1)
        status, body = call("DELETE", f"/security-groups/{groups[0]['id']}", token=token)
        self.assertEqual((status, error_type(body)), (409, "SecurityGroupCannotRemoveDefault"))
        status, body = call("POST", "/security-groups", {"security_group": {"name": "default"}}, token)
        self.assertEqual(status, 409)

    def test_rules(self):
        group = make("security-groups", name="web", description="w")
        self.assertEqual(len(group["security_group_rules"]), 2)     # Neutron's two egress rules
        rule = make("security-group-rules", security_group_id=group["id"], direction="ingress", protocol="tcp",
                    port_range_min=22, port_range_max=22, remote_ip_prefix="10.0.0.1/8")
        # Neutron keeps the prefix as given, host bits too (its normalized_cidr, not served here, would be 10.0.0.0/8).
        self.assertEqual((rule["ethertype"], rule["remote_ip_prefix"]), ("IPv4", "10.0.0.1/8"))
        status, body = call("POST", "/security-group-rules", {"security_group_rule": {
            "security_group_id": group["id"], "direction": "ingress", "protocol": "tcp", "port_range_min": 22,
            "port_range_max": 22, "remote_ip_prefix": "10.0.0.0/8"}})
        self.assertEqual((status, error_type(body)), (409, "SecurityGroupRuleExists"))
        bad_rules = [
            {"direction": "sideways"},
            {"direction": "ingress", "port_range_min": 22},
            {"direction": "ingress", "protocol": "tcp", "port_range_min": 30, "port_range_max": 20},
            {"direction": "ingress", "ethertype": "IPv4", "remote_ip_prefix": "::/0"},
            {"direction": "ingress", "protocol": "bogus"},
            {"direction": "ingress", "remote_ip_prefix": "10.0.0.0/8", "remote_group_id": group["id"]},
            {"direction": "ingress", "protocol": "icmp", "port_range_min": 300},
        ]
        for bad in bad_rules:
            with self.subTest(rule=bad):
                status, body = call("POST", "/security-group-rules",
                                    {"security_group_rule": dict(bad, security_group_id=group["id"])})
                self.assertEqual(status, 400, body)
        status, body = call("POST", "/security-group-rules", {"security_group_rule": {
            "security_group_id": str(uuid.uuid4()), "direction": "ingress"}})
        self.assertEqual((status, error_type(body)), (404, "SecurityGroupNotFound"))
        # A remote group must be one the project sees; Neutron does not check the form of the id.
        mine = make("security-groups", member[1], name="mine")
        theirs = make("security-groups", other[1], name="theirs")
        for remote in ("bad_group_id", str(uuid.uuid4()), theirs["id"]):
            with self.subTest(remote_group_id=remote):
                status, body = call("POST", "/security-group-rules", {"security_group_rule": {
                    "security_group_id": mine["id"], "direction": "ingress", "protocol": "tcp",
                    "remote_group_id": remote}}, member[1])
                self.assertEqual((status, error_type(body)), (404, "SecurityGroupNotFound"), body)
        peer = make("security-groups", name="peer")
        rule2 = make("security-group-rules", security_group_id=group["id"], direction="ingress", protocol="udp",
                     port_range_min=50, port_range_max=55, remote_group_id=peer["id"])
        self.assertEqual((rule2["remote_group_id"], rule2["remote_ip_prefix"]), (peer["id"], None))
        self.assertEqual(call("DELETE", f"/security-group-rules/{rule2['id']}")[0], 204)
        self.assertEqual(len(call("GET", f"/security-groups/{group['id']}")[1]["security_group"]["security_group_rules"]), 3)
        self.assertEqual(call("PUT", f"/security-group-rules/{rule['id']}", {"security_group_rule": {}})[0], 405)
        self.assertEqual(call("DELETE", f"/security-group-rules/{rule['id']}")[0], 204)
        self.assertEqual(call("GET", f"/security-group-rules/{rule['id']}")[0], 404)

    def test_group_in_use(self):
        net, _ = network_with_subnet("10.70.0.0/24")
        group = make("security-groups", name="used")
        port = make("ports", network_id=net["id"], security_groups=[group["id"]])
        self.assertEqual(port["security_groups"], [group["id"]])
        status, body = call("DELETE", f"/security-groups/{group['id']}")
        self.assertEqual((status, error_type(body)), (409, "SecurityGroupInUse"))
        status, body = call("PUT", f"/ports/{port['id']}", {"port": {"port_security_enabled": False}})
        self.assertEqual(status, 409)
        status, body = call("PUT", f"/ports/{port['id']}", {"port": {"port_security_enabled": False, "security_groups": []}})
        self.assertEqual(status, 200, body)
        self.assertEqual(call("DELETE", f"/security-groups/{group['id']}")[0], 204)


class RoutersAndFloatingIps(unittest.TestCase):
    def test_interfaces_gateway_routes_and_floating_ips(self):
        ext = external_network("172.24.4.0/24")
        net, sn = network_with_subnet("10.80.0.0/24")
        router = make("routers", name="r1")
        self.assertIsNone(router["external_gateway_info"])
        status, info = call("PUT", f"/routers/{router['id']}/add_router_interface", {"subnet_id": sn["id"]})
        self.assertEqual(status, 200, info)
        self.assertEqual((info["subnet_id"], info["id"], info["network_id"]), (sn["id"], router["id"], net["id"]))
        _, port = call("GET", f"/ports/{info['port_id']}")
        self.assertEqual((port["port"]["device_owner"], port["port"]["fixed_ips"][0]["ip_address"]),
                         ("network:router_interface", "10.80.0.1"))
        status, body = call("PUT", f"/routers/{router['id']}/add_router_interface", {"subnet_id": sn["id"]})
        self.assertEqual(status, 400)
        self.assertEqual(call("PUT", f"/routers/{router['id']}/add_router_interface", {})[0], 400)
        status, body = call("DELETE", f"/ports/{info['port_id']}")
        self.assertEqual(status, 409)
        status, body = call("PUT", f"/routers/{router['id']}", {"router": {"external_gateway_info": {"network_id": net["id"]}}})
        self.assertEqual(status, 400, body)
        status, body = call("PUT", f"/routers/{router['id']}", {"router": {"external_gateway_info": {"network_id": ext["id"]}}})
        self.assertEqual(status, 200, body)
        gw = body["router"]["external_gateway_info"]
        self.assertEqual((gw["network_id"], gw["enable_snat"]), (ext["id"], True))
        self.assertTrue(gw["external_fixed_ips"][0]["ip_address"].startswith("172.24.4."))
        # Extra routes: the next hop must be on a subnet the router reaches.
        status, body = call("PUT", f"/routers/{router['id']}", {"router": {"routes": [
            {"destination": "192.168.0.0/24", "nexthop": "10.80.0.50"}]}})
        self.assertEqual((status, body["router"]["routes"]), (200, [{"destination": "192.168.0.0/24", "nexthop": "10.80.0.50"}]))
        status, body = call("PUT", f"/routers/{router['id']}", {"router": {"routes": [
            {"destination": "192.168.0.0/24", "nexthop": "10.99.0.1"}]}})
        self.assertEqual((status, error_type(body)), (400, "InvalidRoutes"))
        status, body = call("PUT", f"/routers/{router['id']}/add_extraroutes", {"router": {"routes": [
            {"destination": "192.168.1.0/24", "nexthop": "10.80.0.51"}]}})
        self.assertEqual(len(body["router"]["routes"]), 2)
        status, body = call("PUT", f"/routers/{router['id']}/remove_extraroutes", {"router": {"routes": [
            {"destination": "192.168.0.0/24", "nexthop": "10.80.0.50"}]}})
        self.assertEqual(body["router"]["routes"], [{"destination": "192.168.1.0/24", "nexthop": "10.80.0.51"}])

        # Floating IPs: from the external network, associated through the router.
        status, body = call("POST", "/floatingips", {"floatingip": {"floating_network_id": net["id"]}})
        self.assertEqual(status, 400)
        vm = make("ports", network_id=net["id"], device_id="vm-1", device_owner="compute:nova")
        fip = make("floatingips", floating_network_id=ext["id"])
        self.assertEqual((fip["status"], fip["port_id"], fip["router_id"]), ("DOWN", None, None))
        self.assertTrue(fip["floating_ip_address"].startswith("172.24.4."))
        status, body = call("PUT", f"/floatingips/{fip['id']}", {"floatingip": {"port_id": vm["id"]}})
        self.assertEqual(status, 200, body)
        self.assertEqual((body["floatingip"]["router_id"], body["floatingip"]["fixed_ip_address"],
                          body["floatingip"]["status"]), (router["id"], vm["fixed_ips"][0]["ip_address"], "ACTIVE"))
        _, body = call("GET", f"/floatingips?port_id={vm['id']}")
        self.assertEqual([f["id"] for f in body["floatingips"]], [fip["id"]])
        # A port that keeps the fixed IP keeps its floating IP; one that gives it up loses it.
        held = vm["fixed_ips"][0]["ip_address"]
        status, body = call("PUT", f"/ports/{vm['id']}", {"port": {"fixed_ips": [{"ip_address": held},
                                                                                {"subnet_id": sn["id"]}]}})
        self.assertEqual((status, len(body["port"]["fixed_ips"])), (200, 2), body)
        other = next(f["ip_address"] for f in body["port"]["fixed_ips"] if f["ip_address"] != held)
        _, body = call("GET", f"/floatingips/{fip['id']}")
        self.assertEqual((body["floatingip"]["port_id"], body["floatingip"]["fixed_ip_address"],
                          body["floatingip"]["status"]), (vm["id"], held, "ACTIVE"))
        status, body = call("PUT", f"/ports/{vm['id']}", {"port": {"fixed_ips": [{"ip_address": other}]}})
        self.assertEqual(status, 200, body)
        _, body = call("GET", f"/floatingips/{fip['id']}")
        self.assertEqual((body["floatingip"]["port_id"], body["floatingip"]["fixed_ip_address"],
                          body["floatingip"]["status"]), (None, None, "DOWN"))
        status, body = call("PUT", f"/floatingips/{fip['id']}", {"floatingip": {"port_id": vm["id"]}})
        self.assertEqual((status, body["floatingip"]["fixed_ip_address"]), (200, other), body)
        status, body = call("PUT", f"/routers/{router['id']}", {"router": {"external_gateway_info": {}}})
        self.assertEqual((status, error_type(body)), (409, "RouterExternalGatewayInUseByFloatingIp"))
        status, body = call("PUT", f"/routers/{router['id']}/remove_router_interface", {"subnet_id": sn["id"]})
        self.assertEqual(status, 409, body)
        # Unreachable: a network no router joins.
        lone, _ = network_with_subnet("10.81.0.0/24")
        lone_port = make("ports", network_id=lone["id"])
        status, body = call("POST", "/floatingips", {"floatingip": {"floating_network_id": ext["id"], "port_id": lone_port["id"]}})
        self.assertEqual((status, error_type(body)), (404, "ExternalGatewayForFloatingIPNotFound"))
        self.assertEqual(call("PUT", f"/floatingips/{fip['id']}", {"floatingip": {"port_id": None}})[1]["floatingip"]["status"], "DOWN")
        self.assertEqual(call("DELETE", f"/floatingips/{fip['id']}")[0], 204)

        status, body = call("DELETE", f"/routers/{router['id']}")
        self.assertEqual((status, error_type(body)), (409, "RouterInUse"))
        # Routes keep the interface their next hop is on; null clears them, as Neutron converts it to [].
        status, body = call("PUT", f"/routers/{router['id']}/remove_router_interface", {"subnet_id": sn["id"]})
        self.assertEqual((status, error_type(body)), (409, "RouterInterfaceInUseByRoute"))
        status, body = call("PUT", f"/routers/{router['id']}", {"router": {"routes": None}})
        self.assertEqual((status, body["router"]["routes"]), (200, []))
        self.assertEqual(call("GET", f"/routers/{router['id']}")[1]["router"]["routes"], [])
        status, body = call("PUT", f"/routers/{router['id']}/remove_router_interface", {"subnet_id": sn["id"]})
        self.assertEqual((status, body["port_id"]), (200, info["port_id"]))
        status, body = call("PUT", f"/routers/{router['id']}/remove_router_interface", {"subnet_id": sn["id"]})
        self.assertEqual((status, error_type(body)), (404, "RouterInterfaceNotFoundForSubnet"))
        self.assertEqual(call("DELETE", f"/routers/{router['id']}")[0], 204)
        # The gateway port went with the router, so the external network may go.
        self.assertEqual(call("DELETE", f"/networks/{ext['id']}")[0], 204)

    def test_router_admin_only_gateway_options(self):
        ext = external_network("172.25.4.0/24")
        status, body = call("POST", "/routers", {"router": {"external_gateway_info": {
            "network_id": ext["id"], "enable_snat": False}}}, member[1])
        self.assertEqual(status, 403, body)
        status, body = call("POST", "/routers", {"router": {"external_gateway_info": {"network_id": ext["id"]}}}, member[1])
        self.assertEqual(status, 201, body)


def eui64(cidr, mac):
    """The SLAAC address of `mac` on `cidr`, worked out here independently: the modified EUI-64 of RFC 4291."""
    b = bytes.fromhex(mac.replace(":", ""))
    interface = bytes([b[0] ^ 0x02]) + b[1:3] + b"\xff\xfe" + b[3:]
    return str(ipaddress.ip_network(cidr)[int.from_bytes(interface, "big")])


class SubnetPools(unittest.TestCase):
    def test_pool_crud_defaults_and_tenancy(self):
        status, body = call("POST", "/subnetpools", {"subnetpool": {
            "name": "pool-a", "prefixes": ["10.110.1.0/24", "10.110.0.0/24"]}}, member[1])
        self.assertEqual(status, 201, body)
        pool = body["subnetpool"]
        # As Neutron: prefixes compacted, the version from them, prefix lengths shown as strings.
        self.assertEqual(pool["prefixes"], ["10.110.0.0/23"])
        self.assertEqual((pool["ip_version"], pool["min_prefixlen"], pool["max_prefixlen"],
                          pool["default_prefixlen"]), (4, "8", "32", "8"))
        self.assertEqual((pool["is_default"], pool["shared"], pool["address_scope_id"], pool["default_quota"]),
                         (False, False, None, None))
        self.assertEqual((pool["project_id"], pool["tenant_id"], pool["revision_number"]), (member[0], member[0], 0))
        self.assertEqual(call("GET", f"/subnetpools/{pool['id']}", token=other[1])[0], 404)
        self.assertNotIn(pool["id"], {p["id"] for p in call("GET", "/subnetpools", token=other[1])[1]["subnetpools"]})
        self.assertEqual(call("DELETE", f"/subnetpools/{pool['id']}", token=other[1])[0], 404)
        status, body = call("PUT", f"/subnetpools/{pool['id']}", {"subnetpool": {
            "name": "pool-a2", "default_prefixlen": 26, "min_prefixlen": "24"}}, member[1])
        self.assertEqual((status, body["subnetpool"]["name"], body["subnetpool"]["default_prefixlen"]),
                         (200, "pool-a2", "26"), body)
        _, body = call("GET", "/subnetpools?name=pool-a2", token=member[1])
        self.assertEqual([p["id"] for p in body["subnetpools"]], [pool["id"]])
        bad = [
            ({"name": "x", "prefixes": []}, 400, "EmptySubnetPoolPrefixList"),
            ({"name": "x", "prefixes": ["10.0.0.0/24", "fd00::/64"]}, 400, "PrefixVersionMismatch"),
            ({"name": "x", "prefixes": ["10.0.0.1/24"]}, 400, "HTTPBadRequest"),
            ({"name": "x", "prefixes": ["10.0.0.0/24"], "min_prefixlen": 28, "max_prefixlen": 24}, 400,
             "IllegalSubnetPoolPrefixBounds"),
            ({"name": "x", "prefixes": ["10.0.0.0/24"], "default_prefixlen": -1}, 400, "HTTPBadRequest"),
            ({"name": "x", "prefixes": ["10.0.0.0/24"], "address_scope_id": str(uuid.uuid4())}, 404,
             "AddressScopeNotFound"),
            ({"name": "x", "prefixes": ["10.0.0.0/24"], "shared": True}, 403, "PolicyNotAuthorized"),
            ({"name": "x", "prefixes": ["10.0.0.0/24"], "is_default": True}, 403, "PolicyNotAuthorized"),
            ({"prefixes": ["10.0.0.0/24"]}, 400, "HTTPBadRequest"),
        ]
        for attrs, want_status, want_type in bad:
            with self.subTest(attrs=attrs):
                status, body = call("POST", "/subnetpools", {"subnetpool": attrs}, member[1])
                self.assertEqual((status, error_type(body)), (want_status, want_type), body)
                self.assertTrue(body["NeutronError"]["message"])
        status, body = call("PUT", f"/subnetpools/{pool['id']}", {"subnetpool": {"prefixes": ["10.110.0.0/24"]}},
                            member[1])
        self.assertEqual((status, error_type(body)), (400, "IllegalSubnetPoolPrefixUpdate"))
        status, body = call("PUT", f"/subnetpools/{pool['id']}", {"subnetpool": {"prefixes": ["10.110.0.0/22"]}},
                            member[1])
        self.assertEqual((status, body["subnetpool"]["prefixes"]), (200, ["10.110.0.0/22"]))
        self.assertEqual(call("DELETE", f"/subnetpools/{pool['id']}", token=member[1])[0], 204)
        self.assertEqual(call("GET", f"/subnetpools/{pool['id']}", token=member[1])[0], 404)

    def test_subnets_from_pools(self):
        status, body = call("POST", "/subnetpools", {"subnetpool": {
            "name": "shared-pool", "prefixes": ["10.120.0.0/16"], "default_prefixlen": 24, "shared": True,
            "default_quota": 512}})
        self.assertEqual(status, 201, body)
        pool = body["subnetpool"]
        net = make("networks", member[1], name="pooled")
        def from_pool(**attrs):
            return call("POST", "/subnets", {"subnet": dict({"network_id": net["id"], "ip_version": 4,
                                                               "subnetpool_id": pool["id"]}, **attrs)}, member[1])
        status, body = from_pool()
        self.assertEqual(status, 201, body)
        first = body["subnet"]
        self.assertEqual((first["cidr"], first["gateway_ip"], first["subnetpool_id"]),
                         ("10.120.0.0/24", "10.120.0.1", pool["id"]))
        self.assertNotIn("prefixlen", first)
        status, body = from_pool(prefixlen=25)
        self.assertEqual((status, body["subnet"]["cidr"]), (201, "10.120.1.0/25"), body)
        # The project's quota in the pool is 512 addresses: a /24 and a /25 are 384 of them.
        status, body = from_pool(prefixlen=24)
        self.assertEqual((status, error_type(body)), (409, "SubnetPoolQuotaExceeded"), body)
        status, body = from_pool(cidr="10.120.0.128/25")
        self.assertEqual((status, error_type(body)), (409, "SubnetAllocationError"), body)
        status, body = from_pool(cidr="10.120.1.128/26")
        self.assertEqual((status, body["subnet"]["cidr"]), (201, "10.120.1.128/26"), body)
        for attrs, want in [({"ip_version": 6}, "BadRequest"), ({"prefixlen": 33}, "MaxPrefixSubnetAllocationError"),
                            ({"cidr": "10.120.9.0/24", "prefixlen": 24}, "BadRequest"),
                            ({"allocation_pools": [{"start": "10.120.5.2", "end": "10.120.5.9"}]}, "BadRequest"),
                            ({"subnetpool_id": str(uuid.uuid4())}, "SubnetPoolNotFound"),
                            ({"subnetpool_id": None}, "BadRequest")]:
            with self.subTest(attrs=attrs):
                status, body = from_pool(**attrs)
                self.assertIn(status, (400, 404), body)
                self.assertEqual(error_type(body), want, body)
        # The pool is the admin's: the member may use it, not change it.
        self.assertEqual(call("PUT", f"/subnetpools/{pool['id']}", {"subnetpool": {"name": "x"}}, member[1])[0], 403)
        status, body = call("DELETE", f"/subnetpools/{pool['id']}")
        self.assertEqual((status, error_type(body)), (400, "SubnetPoolDeleteError"))
        # The default pool, for use_default_subnetpool.
        status, body = call("POST", "/subnets", {"subnet": {"network_id": net["id"], "ip_version": 4,
                                                            "use_default_subnetpool": True}}, member[1])
        self.assertEqual(status, 400, body)
        self.assertEqual(call("PUT", f"/subnetpools/{pool['id']}", {"subnetpool": {"is_default": True}})[0], 200)
        status, body = call("POST", "/subnetpools", {"subnetpool": {
            "name": "second-default", "prefixes": ["10.121.0.0/16"], "is_default": True}})
        self.assertEqual((status, error_type(body)), (400, "InvalidInput"))
        other_net = make("networks", member[1], name="pooled-2")
        status, body = call("POST", "/subnets", {"subnet": {"network_id": other_net["id"], "ip_version": 4,
                                                            "use_default_subnetpool": True, "prefixlen": 28}},
                            member[1])
        self.assertEqual((status, body["subnet"]["subnetpool_id"], body["subnet"]["cidr"]),
                         (201, pool["id"], "10.120.1.192/28"), body)


class Ipv6Addressing(unittest.TestCase):
    def test_slaac_and_stateless_ports_get_eui64_addresses(self):
        net = make("networks", name="v6-auto")
        v4 = make("subnets", network_id=net["id"], ip_version=4, cidr="10.130.0.0/24")
        subnets = {}
        for mode, cidr in (("slaac", "fd00:130:0:1::/64"), ("dhcpv6-stateless", "fd00:130:0:2::/64")):
            subnets[mode] = make("subnets", network_id=net["id"], ip_version=6, cidr=cidr, ipv6_ra_mode=mode,
                                 ipv6_address_mode=mode)
        stateful = make("subnets", network_id=net["id"], ip_version=6, cidr="fd00:130:0:3::/64",
                        ipv6_address_mode="dhcpv6-stateful")
        mac = "fa:16:3e:4b:2c:9d"
        port = make("ports", network_id=net["id"], mac_address=mac)
        got = {f["subnet_id"]: f["ip_address"] for f in port["fixed_ips"]}
        self.assertEqual(got[subnets["slaac"]["id"]], eui64("fd00:130:0:1::/64", mac))
        self.assertEqual(got[subnets["slaac"]["id"]], "fd00:130:0:1:f816:3eff:fe4b:2c9d")
        self.assertEqual(got[subnets["dhcpv6-stateless"]["id"]], eui64("fd00:130:0:2::/64", mac))
        # The stateful subnet and IPv4 give addresses from their pools.
        self.assertEqual(got[stateful["id"]], "fd00:130:0:3::2")
        self.assertEqual(got[v4["id"]], "10.130.0.2")
        self.assertEqual(len(got), 4)
        status, body = call("POST", "/ports", {"port": {"network_id": net["id"], "fixed_ips": [
            {"subnet_id": subnets["slaac"]["id"], "ip_address": "fd00:130:0:1::99"}]}})
        self.assertEqual((status, error_type(body)), (400, "AllocationOnAutoAddressSubnet"))
        # A router interface on an automatic subnet takes the gateway, not an EUI-64 address.
        router = make("routers", name="v6-router")
        status, info = call("PUT", f"/routers/{router['id']}/add_router_interface",
                            {"subnet_id": subnets["slaac"]["id"]})
        self.assertEqual(status, 200, info)
        _, body = call("GET", f"/ports/{info['port_id']}")
        self.assertEqual([f["ip_address"] for f in body["port"]["fixed_ips"]], ["fd00:130:0:1::1"])
        for bad in ({"cidr": "fd00:130:9::/80", "ipv6_address_mode": "slaac"},
                    {"cidr": "fd00:130:8::/64", "ipv6_ra_mode": "slaac", "ipv6_address_mode": "dhcpv6-stateful"},
                    {"cidr": "fd00:130:7::/64", "ipv6_address_mode": "slaac", "enable_dhcp": False}):
            with self.subTest(subnet=bad):
                status, body = call("POST", "/subnets", {"subnet": dict(bad, network_id=net["id"], ip_version=6)})
                self.assertEqual((status, error_type(body)), (400, "InvalidInput"), body)
        # Deleting an automatic subnet takes its addresses from the ports; the router's interface keeps it.
        status, body = call("DELETE", f"/subnets/{subnets['dhcpv6-stateless']['id']}")
        self.assertEqual(status, 204, body)
        _, body = call("GET", f"/ports/{port['id']}")
        self.assertEqual(len(body["port"]["fixed_ips"]), 3)
        status, body = call("DELETE", f"/subnets/{subnets['slaac']['id']}")
        self.assertEqual((status, error_type(body)), (409, "SubnetInUse"))


class Tenancy(unittest.TestCase):
    def test_projects_see_their_own_and_shared(self):
        private = make("networks", name="admin-private")
        shared = make("networks", name="everyone", shared=True)
        make("subnets", network_id=shared["id"], ip_version=4, cidr="10.90.0.0/24")
        mine = make("networks", member[1], name="mine")
        _, body = call("GET", "/networks", token=member[1])
        ids = {n["id"] for n in body["networks"]}
        self.assertIn(shared["id"], ids)
        self.assertIn(mine["id"], ids)
        self.assertNotIn(private["id"], ids)
        self.assertEqual(call("GET", f"/networks/{private['id']}", token=member[1])[0], 404)
        self.assertEqual(call("GET", f"/networks/{mine['id']}", token=other[1])[0], 404)
        self.assertEqual(call("DELETE", f"/networks/{mine['id']}", token=other[1])[0], 404)
        self.assertEqual(call("PUT", f"/networks/{shared['id']}", {"network": {"name": "x"}}, member[1])[0], 403)
        # A port on the shared network is allowed; choosing its address or adding subnets is the owner's.
        port = make("ports", member[1], network_id=shared["id"])
        self.assertEqual(port["project_id"], member[0])
        self.assertEqual(call("POST", "/ports", {"port": {"network_id": shared["id"], "fixed_ips": [
            {"ip_address": "10.90.0.200"}]}}, member[1])[0], 403)
        self.assertEqual(call("POST", "/subnets", {"subnet": {"network_id": shared["id"], "ip_version": 4,
                                                              "cidr": "10.91.0.0/24"}}, member[1])[0], 403)
        _, body = call("GET", "/ports", token=other[1])
        self.assertNotIn(port["id"], {p["id"] for p in body["ports"]})
        # The admin sees everything, and binding details only it.
        _, body = call("GET", "/networks")
        self.assertTrue({private["id"], mine["id"], shared["id"]} <= {n["id"] for n in body["networks"]})
        self.assertIn("binding:host_id", call("GET", f"/ports/{port['id']}")[1]["port"])
        self.assertNotIn("binding:host_id", call("GET", f"/ports/{port['id']}", token=member[1])[1]["port"])


class Listing(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tag = "list-" + uuid.uuid4().hex[:8]
        cls.nets = []
        for i, (name, up) in enumerate([("b-net", True), ("a-net", False), ("c-net", True), ("a-net", True)]):
            net = make("networks", name=name, admin_state_up=up, mtu=1400 + i)
            call("PUT", f"/networks/{net['id']}/tags", {"tags": [cls.tag, f"n{i}"]})
            cls.nets.append(net)

    def ids(self, query):
        status, body = call("GET", f"/networks?tags={self.tag}&" + query)
        self.assertEqual(status, 200, body)
        return [n.get("id") for n in body["networks"]], body

    def test_changed_since(self):
        # standard-attr-timestamp's filter: updated_at at or after the time, in any ISO 8601 zone.
        net = call("GET", f"/networks/{self.nets[0]['id']}")[1]["network"]
        stamp = net["updated_at"]
        self.assertIn(net["id"], self.ids("changed_since=" + stamp)[0])
        self.assertEqual(self.ids("changed_since=2999-01-01T00:00:00Z")[0], [])
        self.assertEqual(self.ids("changed_since=2999-01-01T01:00:00%2B01:00")[0], [])
        self.assertEqual(len(self.ids("changed_since=2000-01-01T00:00:00.5")[0]), 4)
        status, body = call("GET", "/networks?changed_since=yesterday")
        self.assertEqual((status, error_type(body)), (400, "InvalidInput"))

    def test_filters_on_any_attribute(self):
        ids, _ = self.ids("name=a-net")
        self.assertEqual(set(ids), {self.nets[1]["id"], self.nets[3]["id"]})
        ids, _ = self.ids("name=a-net&name=c-net")
        self.assertEqual(len(ids), 3)
        ids, _ = self.ids("admin_state_up=false")
        self.assertEqual(ids, [self.nets[1]["id"]])
        ids, _ = self.ids("mtu=1402")
        self.assertEqual(ids, [self.nets[2]["id"]])
        ids, _ = self.ids(f"tenant_id={self.nets[0]['project_id']}&router:external=False&name=b-net")
        self.assertEqual(ids, [self.nets[0]["id"]])
        status, body = call("GET", "/networks?no_such_attribute=1")
        self.assertEqual(status, 400)

    def test_tag_filters(self):
        self.assertEqual(len(self.ids("")[0]), 4)
        ids, _ = self.ids("tags-any=n0,n1")
        self.assertEqual(set(ids), {self.nets[0]["id"], self.nets[1]["id"]})
        ids, _ = self.ids("not-tags=n0")
        self.assertEqual(len(ids), 3)
        ids, _ = self.ids("not-tags-any=n0,n1")
        self.assertEqual(set(ids), {self.nets[2]["id"], self.nets[3]["id"]})

    def test_fields_and_sorting(self):
        _, body = self.ids("fields=name&fields=mtu")
        self.assertEqual(set(body["networks"][0]), {"name", "mtu"})
        _, body = self.ids("sort_key=name&sort_dir=asc&sort_key=mtu&sort_dir=desc&fields=name&fields=mtu")
        self.assertEqual([(n["name"], n["mtu"]) for n in body["networks"]],
                         [("a-net", 1403), ("a-net", 1401), ("b-net", 1400), ("c-net", 1402)])
        self.assertEqual(call("GET", "/networks?sort_key=name")[0], 400)
        self.assertEqual(call("GET", "/networks?sort_key=subnets&sort_dir=asc")[0], 400)
        self.assertEqual(call("GET", "/networks?sort_key=name&sort_dir=up")[0], 400)

    def test_pages_with_links(self):
        order = "sort_key=mtu&sort_dir=asc"
        expected = [n["id"] for n in self.nets]
        ids, body = self.ids(f"{order}&limit=2")
        self.assertEqual(ids, expected[:2])
        links = {l["rel"]: l["href"] for l in body["networks_links"]}
        self.assertIn(f"marker={expected[1]}", links["next"])
        self.assertIn("limit=2", links["next"])
        nxt = links["next"].split("/network/v2.0", 1)[1]
        status, body = call("GET", nxt)
        self.assertEqual([n["id"] for n in body["networks"]], expected[2:])
        ids, body = self.ids(f"{order}&limit=2&marker={expected[2]}")
        self.assertEqual(ids, expected[3:])
        self.assertEqual([l["rel"] for l in body["networks_links"]], ["previous"])
        ids, body = self.ids(f"{order}&limit=2&marker={expected[3]}&page_reverse=True")
        self.assertEqual(ids, expected[1:3])
        ids, _ = self.ids(f"{order}&limit=5&marker={expected[1]}&page_reverse=true")
        self.assertEqual(ids, expected[:1])
        self.assertNotIn("networks_links", self.ids(order)[1])
        self.assertEqual(call("GET", f"/networks?marker={uuid.uuid4()}")[0], 404)


class Tags(unittest.TestCase):
    def test_tag_calls(self):
        net = make("networks")
        base = f"/networks/{net['id']}/tags"
        self.assertEqual(call("PUT", base, {"tags": ["red", "blue"]}), (200, {"tags": ["blue", "red"]}))
        self.assertEqual(call("PUT", f"{base}/green")[0], 201)
        self.assertEqual(call("GET", f"{base}/green")[0], 204)
        self.assertEqual(call("GET", f"{base}/pink")[1]["NeutronError"]["type"], "TagNotFound")
        self.assertEqual(call("GET", base)[1], {"tags": ["blue", "green", "red"]})
        self.assertEqual(call("DELETE", f"{base}/red")[0], 204)
        self.assertEqual(call("DELETE", f"{base}/red")[0], 404)
        self.assertEqual(call("GET", f"/networks/{net['id']}")[1]["network"]["tags"], ["blue", "green"])
        self.assertEqual(call("PUT", base, {"tags": ["a,b"]})[0], 400)
        self.assertEqual(call("DELETE", base)[0], 204)
        self.assertEqual(call("GET", base)[1], {"tags": []})
        group = make("security-groups", name="tagged")
        self.assertEqual(call("PUT", f"/security-groups/{group['id']}/tags/x")[0], 201)
        self.assertEqual(call("PUT", f"/networks/{uuid.uuid4()}/tags/x")[0], 404)


class Quotas(unittest.TestCase):
    def test_limits_enforcement_and_details(self):
        project, token, _ = stack.member("network-quota")
        status, body = call("GET", f"/quotas/{project}", token=token)
        self.assertEqual((status, body["quota"]["network"], body["quota"]["port"]), (200, 100, 500))
        self.assertEqual(call("PUT", f"/quotas/{project}", {"quota": {"network": 1}}, token)[0], 403)
        self.assertEqual(call("GET", f"/quotas/{other[0]}", token=token)[0], 403)
        status, body = call("PUT", f"/quotas/{project}", {"quota": {"network": 1}})
        self.assertEqual((status, body["quota"]["network"]), (200, 1))
        self.assertEqual(call("PUT", f"/quotas/{project}", {"quota": {"bananas": 1}})[0], 400)
        self.assertEqual(call("PUT", f"/quotas/{project}", {"quota": {"network": -2}})[0], 400)
        make("networks", token)
        status, body = call("POST", "/networks", {"network": {}}, token)
        self.assertEqual((status, error_type(body)), (409, "OverQuota"))
        _, body = call("GET", f"/quotas/{project}/details", token=token)
        self.assertEqual(body["quota"]["network"], {"limit": 1, "used": 1, "reserved": 0})
        _, body = call("GET", "/quotas")
        self.assertIn(project, [q["project_id"] for q in body["quotas"]])
        self.assertEqual(call("GET", "/quotas", token=token)[0], 403)
        self.assertEqual(call("GET", f"/quotas/{project}/default")[1]["quota"]["network"], 100)
        self.assertEqual(call("DELETE", f"/quotas/{project}")[0], 204)
        self.assertEqual(call("GET", f"/quotas/{project}")[1]["quota"]["network"], 100)


class Client(unittest.TestCase):
    def test_openstack_cli(self):
        cli = stack.cli
        net = cli("network", "create", "cli-net")
        self.assertEqual((net["name"], net["status"]), ("cli-net", "ACTIVE"))
        self.assertIn("cli-net", [n["Name"] for n in cli("network", "list")])
        self.assertEqual(cli("network", "show", "cli-net")["id"], net["id"])
        sub = cli("subnet", "create", "--network", "cli-net", "--subnet-range", "10.100.0.0/24", "cli-sub")
        self.assertEqual((sub["cidr"], sub["gateway_ip"]), ("10.100.0.0/24", "10.100.0.1"))
        port = cli("port", "create", "--network", "cli-net", "cli-port")
        self.assertIn("10.100.0.", str(port["fixed_ips"]))
        ext = cli("network", "create", "--external", "cli-ext")
        self.assertTrue(ext["router:external"])
        cli("subnet", "create", "--network", "cli-ext", "--subnet-range", "172.30.0.0/24", "--no-dhcp", "cli-ext-sub")
        router = cli("router", "create", "cli-router")
        self.assertEqual(router["name"], "cli-router")
        cli("router", "add", "subnet", "cli-router", "cli-sub", parse=False)
        cli("router", "set", "--external-gateway", "cli-ext", "cli-router", parse=False)
        shown = cli("router", "show", "cli-router")
        self.assertIn(ext["id"], str(shown["external_gateway_info"]))
        self.assertIn(sub["id"], str(shown["interfaces_info"]))
        fip = cli("floating", "ip", "create", "cli-ext")
        self.assertTrue(fip["floating_ip_address"].startswith("172.30.0."))
        group = cli("security", "group", "create", "cli-group")
        rule = cli("security", "group", "rule", "create", "--protocol", "tcp", "--dst-port", "22", group["id"])
        self.assertEqual((rule["port_range_min"], rule["port_range_max"], rule["protocol"]), (22, 22, "tcp"))
        zones = cli("availability", "zone", "list", "--long")
        self.assertTrue({"network", "router"} <= {z["Zone Resource"] for z in zones}, zones)
        self.assertEqual({(z["Zone Name"], z["Zone Status"]) for z in zones}, {("nova", "available")})
        cli("floating", "ip", "delete", fip["id"], parse=False)
        cli("port", "delete", "cli-port", parse=False)
        cli("router", "unset", "--external-gateway", "cli-router", parse=False)
        cli("router", "remove", "subnet", "cli-router", "cli-sub", parse=False)
        cli("router", "delete", "cli-router", parse=False)
        cli("network", "delete", "cli-net", parse=False)
        self.assertNotIn("cli-net", [n["Name"] for n in cli("network", "list")])

    def test_openstack_cli_subnet_pools(self):
        cli = stack.cli
        pool = cli("subnet", "pool", "create", "--pool-prefix", "10.140.0.0/16", "--default-prefix-length", "24",
                   "cli-pool")
        self.assertEqual((pool["name"], pool["prefixes"], str(pool["default_prefixlen"])),
                         ("cli-pool", ["10.140.0.0/16"], "24"), pool)
        self.assertIn("cli-pool", [p["Name"] for p in cli("subnet", "pool", "list")])
        self.assertEqual(cli("subnet", "pool", "show", "cli-pool")["id"], pool["id"])
        cli("network", "create", "cli-pool-net")
        sub = cli("subnet", "create", "--network", "cli-pool-net", "--subnet-pool", "cli-pool", "cli-pool-sub")
        self.assertEqual((sub["cidr"], sub["subnetpool_id"], sub["gateway_ip"]),
                         ("10.140.0.0/24", pool["id"], "10.140.0.1"))
        sub2 = cli("subnet", "create", "--network", "cli-pool-net", "--subnet-pool", "cli-pool",
                   "--prefix-length", "28", "cli-pool-sub2")
        self.assertEqual(sub2["cidr"], "10.140.1.0/28")
        r = cli("subnet", "pool", "delete", "cli-pool", parse=False, check=False)
        self.assertNotEqual(r.returncode, 0)
        cli("subnet", "delete", "cli-pool-sub", "cli-pool-sub2", parse=False)
        cli("subnet", "pool", "delete", "cli-pool", parse=False)
        self.assertNotIn("cli-pool", [p["Name"] for p in cli("subnet", "pool", "list")])


if __name__ == "__main__":
    unittest.main()
