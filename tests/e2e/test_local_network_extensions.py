# SPDX-License-Identifier: Apache-2.0
"""Neutron's extensions of the local driver beyond the core resources: metering labels and rules, allowed address
pairs and extra DHCP options on ports, the port list by address substring, and the rules Neutron keeps on default
security groups and external networks; by the raw API and by Debian's openstack client."""
import unittest

from stack import Stack

N = "/network/v2.0"
M = "/metering"


def setUpModule():
    global stack, member, other
    stack = Stack().start()
    member = stack.member("netext-a")
    other = stack.member("netext-b")


def tearDownModule():
    stack.stop()


def call(method, path, body=None, token=None):
    headers = {"X-Auth-Token": token} if token else None
    status, _, data = stack.get_json(N + path, method=method, body=body, headers=headers)
    return status, data


def make(path, key, token=None, **attrs):
    status, body = call("POST", path, {key: attrs}, token)
    assert status == 201, (path, attrs, status, body)
    return body[key]


def error_type(body):
    return body["NeutronError"]["type"]


def network_with_subnet(cidr, token=None, **network):
    net = make("/networks", "network", token, name="net-" + cidr, **network)
    make("/subnets", "subnet", token, network_id=net["id"], ip_version=6 if ":" in cidr else 4, cidr=cidr)
    return net


class Metering(unittest.TestCase):
    def test_labels_and_rules(self):
        extensions = {e["alias"] for e in call("GET", "/extensions")[1]["extensions"]}
        self.assertIn("metering", extensions)
        label = make(f"{M}/metering-labels", "metering_label", name="web", description="counted", shared=True)
        self.assertEqual((label["name"], label["description"], label["shared"]), ("web", "counted", True))
        self.assertEqual(label["tenant_id"], label["project_id"])
        rule = make(f"{M}/metering-label-rules", "metering_label_rule", metering_label_id=label["id"],
                    remote_ip_prefix="10.50.0.0/24")
        self.assertEqual((rule["direction"], rule["excluded"], rule["source_ip_prefix"],
                          rule["destination_ip_prefix"]), ("ingress", False, None, None))
        # Neutron compares a new rule's remote prefix with the label's rules of the same direction and exclusion.
        status, body = call("POST", f"{M}/metering-label-rules", {"metering_label_rule": {
            "metering_label_id": label["id"], "remote_ip_prefix": "10.50.0.128/25"}})
        self.assertEqual((status, error_type(body)), (409, "MeteringLabelRuleOverlaps"), body)
        excluded = make(f"{M}/metering-label-rules", "metering_label_rule", metering_label_id=label["id"],
                        remote_ip_prefix="10.50.0.128/25", excluded=True)
        egress = make(f"{M}/metering-label-rules", "metering_label_rule", metering_label_id=label["id"],
                      direction="egress", source_ip_prefix="10.50.0.0/24", destination_ip_prefix="0.0.0.0/0")
        self.assertEqual(egress["remote_ip_prefix"], None)
        for bad in ({"remote_ip_prefix": "10.60.0.0/24", "source_ip_prefix": "10.61.0.0/24"},  # both ways
                    {},  # neither
                    {"remote_ip_prefix": "10.60.0.1/24"},  # host bits
                    {"remote_ip_prefix": "10.60.0.0/24", "direction": "sideways"}):
            status, body = call("POST", f"{M}/metering-label-rules", {"metering_label_rule": {
                "metering_label_id": label["id"], **bad}})
            self.assertEqual(status, 400, (bad, body))
        status, body = call("POST", f"{M}/metering-label-rules", {"metering_label_rule": {
            "metering_label_id": "00000000-0000-0000-0000-000000000000", "remote_ip_prefix": "10.60.0.0/24"}})
        self.assertEqual((status, error_type(body)), (404, "MeteringLabelNotFound"), body)
        # Labels and rules are never changed, only made and deleted.
        self.assertEqual(call("PUT", f"{M}/metering-labels/{label['id']}",
                              {"metering_label": {"name": "x"}})[0], 405)
        _, body = call("GET", f"{M}/metering-label-rules?metering_label_id={label['id']}")
        self.assertEqual({r["id"] for r in body["metering_label_rules"]}, {rule["id"], excluded["id"], egress["id"]})
        _, body = call("GET", f"{M}/metering-labels?id={label['id']}")
        self.assertEqual([lb["id"] for lb in body["metering_labels"]], [label["id"]])
        # A label's rules go with it.
        self.assertEqual(call("DELETE", f"{M}/metering-labels/{label['id']}")[0], 204)
        self.assertEqual(call("GET", f"{M}/metering-label-rules/{rule['id']}")[0], 404)
        status, body = call("GET", f"{M}/metering-labels/{label['id']}")
        self.assertEqual((status, error_type(body)), (404, "MeteringLabelNotFound"))

    def test_admin_only(self):
        # Neutron's default policy keeps metering to admins, also a label an admin made for the member's project.
        project, token, _ = member
        label = make(f"{M}/metering-labels", "metering_label", name="theirs", project_id=project)
        self.assertEqual(label["project_id"], project)
        rule = make(f"{M}/metering-label-rules", "metering_label_rule", metering_label_id=label["id"],
                    remote_ip_prefix="10.51.0.0/24")
        status, body = call("POST", f"{M}/metering-labels", {"metering_label": {"name": "mine"}}, token)
        self.assertEqual((status, error_type(body)), (403, "PolicyNotAuthorized"))
        self.assertEqual(call("GET", f"{M}/metering-labels", token=token), (200, {"metering_labels": []}))
        self.assertEqual(call("GET", f"{M}/metering-label-rules", token=token), (200, {"metering_label_rules": []}))
        self.assertEqual(call("GET", f"{M}/metering-labels/{label['id']}", token=token)[0], 404)
        self.assertEqual(call("DELETE", f"{M}/metering-label-rules/{rule['id']}", token=token)[0], 404)
        self.assertEqual(call("GET", f"{M}/metering-label-rules/{rule['id']}")[0], 200)

    def test_openstack_cli(self):
        cli = stack.cli
        label = cli("network", "meter", "create", "--description", "cli meter", "cli-meter")
        # The client shows a rule's excluded under the SDK's name, is_excluded.
        self.assertEqual((label["name"], label["description"], label["shared"]), ("cli-meter", "cli meter", False))
        rule = cli("network", "meter", "rule", "create", "--remote-ip-prefix", "10.52.0.0/16", "--egress",
                   "--exclude", "cli-meter")
        self.assertEqual((rule["direction"], rule["is_excluded"], rule["remote_ip_prefix"]),
                         ("egress", True, "10.52.0.0/16"))
        self.assertIn(rule["id"], [r["ID"] for r in cli("network", "meter", "rule", "list")])
        cli("network", "meter", "delete", "cli-meter", parse=False)
        self.assertNotIn(label["id"], [lb["ID"] for lb in cli("network", "meter", "list")])


class AddressPairs(unittest.TestCase):
    def test_pairs_on_create_and_update(self):
        net = network_with_subnet("10.53.0.0/24")
        port = make("/ports", "port", network_id=net["id"], allowed_address_pairs=[
            {"ip_address": "10.53.0.200"}, {"ip_address": "10.99.0.0/24", "mac_address": "fa:16:3e:00:00:01"}])
        # A pair without a MAC takes the port's.
        self.assertEqual(port["allowed_address_pairs"], [
            {"ip_address": "10.53.0.200", "mac_address": port["mac_address"]},
            {"ip_address": "10.99.0.0/24", "mac_address": "fa:16:3e:00:00:01"}])
        status, body = call("PUT", f"/ports/{port['id']}", {"port": {"allowed_address_pairs": [
            {"ip_address": "2001:db8::5", "mac_address": "FA:16:3E:00:00:02"}]}})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["port"]["allowed_address_pairs"],
                         [{"ip_address": "2001:db8::5", "mac_address": "fa:16:3e:00:00:02"}])
        self.assertEqual(call("GET", f"/ports/{port['id']}")[1]["port"]["allowed_address_pairs"],
                         body["port"]["allowed_address_pairs"])
        plain = make("/ports", "port", network_id=net["id"])
        self.assertEqual(plain["allowed_address_pairs"], [])
        for pairs, kind in (([{"mac_address": "fa:16:3e:00:00:03"}], "AllowedAddressPairsMissingIP"),
                            ([{"ip_address": "10.53.0.9"}, {"ip_address": "10.53.0.9"}],
                             "DuplicateAddressPairInRequest"),
                            ([{"ip_address": f"10.53.1.{i}"} for i in range(11)], "AllowedAddressPairExhausted"),
                            ([{"ip_address": "10.53.0.300"}], None), ([{"ip_address": "10.53.0.1/24"}], None),
                            ([{"ip_address": "10.53.0.9", "bogus": 1}], None), ("10.53.0.9", None)):
            status, body = call("POST", "/ports", {"port": {"network_id": net["id"], "allowed_address_pairs": pairs}})
            self.assertEqual(status, 400, (pairs, body))
            if kind:
                self.assertEqual(error_type(body), kind)
        # Pairs need port security, as Neutron: on create, and when it is turned off later.
        status, body = call("POST", "/ports", {"port": {"network_id": net["id"], "port_security_enabled": False,
                                                        "allowed_address_pairs": [{"ip_address": "10.53.0.9"}]}})
        self.assertEqual((status, error_type(body)), (409, "AddressPairAndPortSecurityRequired"))
        status, body = call("PUT", f"/ports/{port['id']}", {"port": {"port_security_enabled": False,
                                                                     "security_groups": []}})
        self.assertEqual((status, error_type(body)), (409, "AddressPairAndPortSecurityRequired"))

    def test_openstack_cli(self):
        cli = stack.cli
        net = network_with_subnet("10.54.0.0/24")
        port = cli("port", "create", "--network", net["id"], "--allowed-address", "ip-address=10.54.0.77",
                   "cli-pair-port")
        self.assertEqual([p["ip_address"] for p in port["allowed_address_pairs"]], ["10.54.0.77"])
        cli("port", "set", "--allowed-address", "ip-address=10.54.0.78,mac-address=fa:16:3e:11:22:33",
            "cli-pair-port", parse=False)
        shown = cli("port", "show", "cli-pair-port")
        self.assertEqual({(p["ip_address"], p["mac_address"]) for p in shown["allowed_address_pairs"]},
                         {("10.54.0.77", port["mac_address"]), ("10.54.0.78", "fa:16:3e:11:22:33")})


class ExtraDhcpOptions(unittest.TestCase):
    def test_options_on_create_and_update(self):
        self.assertIn("extra_dhcp_opt", {e["alias"] for e in call("GET", "/extensions")[1]["extensions"]})
        net = network_with_subnet("10.55.0.0/24")
        port = make("/ports", "port", network_id=net["id"], extra_dhcp_opts=[
            {"opt_name": "bootfile-name", "opt_value": "pxelinux.0"},
            {"opt_name": "tftp-server", "opt_value": "2001:db8::1", "ip_version": 6}])
        self.assertEqual(port["extra_dhcp_opts"], [
            {"opt_name": "bootfile-name", "opt_value": "pxelinux.0", "ip_version": 4},
            {"opt_name": "tftp-server", "opt_value": "2001:db8::1", "ip_version": 6}])
        # An update changes the options it names (a null value removes one) and keeps the others.
        status, body = call("PUT", f"/ports/{port['id']}", {"port": {"extra_dhcp_opts": [
            {"opt_name": "bootfile-name", "opt_value": "grub.efi"},
            {"opt_name": "tftp-server", "opt_value": None, "ip_version": 6},
            {"opt_name": "server-ip-address", "opt_value": "10.55.0.2"}]}})
        self.assertEqual(status, 200, body)
        self.assertEqual(call("GET", f"/ports/{port['id']}")[1]["port"]["extra_dhcp_opts"], [
            {"opt_name": "bootfile-name", "opt_value": "grub.efi", "ip_version": 4},
            {"opt_name": "server-ip-address", "opt_value": "10.55.0.2", "ip_version": 4}])
        for opts in ([{"opt_name": "x"}], [{"opt_name": "", "opt_value": "y"}], "bootfile-name",
                     [{"opt_name": "x", "opt_value": "y", "ip_version": 5}],
                     [{"opt_name": "x", "opt_value": "y", "color": "red"}]):
            status, body = call("POST", "/ports", {"port": {"network_id": net["id"], "extra_dhcp_opts": opts}})
            self.assertEqual(status, 400, (opts, body))

    def test_openstack_cli(self):
        cli = stack.cli
        net = network_with_subnet("10.56.0.0/24")
        cli("port", "create", "--network", net["id"], "cli-dhcp-port")
        cli("port", "set", "--extra-dhcp-option", "name=bootfile-name,value=pxelinux.0", "cli-dhcp-port",
            parse=False)
        shown = cli("port", "show", "cli-dhcp-port")
        self.assertEqual([(o["opt_name"], o["opt_value"]) for o in shown["extra_dhcp_opts"]],
                         [("bootfile-name", "pxelinux.0")])


class PortsAndGroups(unittest.TestCase):
    def test_list_by_address_substring(self):
        net = network_with_subnet("10.57.0.0/24")
        subnet_id = call("GET", f"/networks/{net['id']}")[1]["network"]["subnets"][0]
        one = make("/ports", "port", network_id=net["id"], fixed_ips=[{"subnet_id": subnet_id,
                                                                        "ip_address": "10.57.0.123"}])
        two = make("/ports", "port", network_id=net["id"], fixed_ips=[{"subnet_id": subnet_id,
                                                                        "ip_address": "10.57.0.45"}])
        _, body = call("GET", "/ports?fixed_ips=ip_address_substr=0.12")
        ids = {p["id"] for p in body["ports"]}
        self.assertIn(one["id"], ids)
        self.assertNotIn(two["id"], ids)
        self.assertEqual(call("GET", "/ports?fixed_ips=mac_address=x")[0], 400)

    def test_no_second_default_group(self):
        group = make("/security-groups", "security_group", name="not-default")
        status, body = call("PUT", f"/security-groups/{group['id']}", {"security_group": {"name": "default"}})
        self.assertEqual((status, error_type(body)), (409, "SecurityGroupDefaultAlreadyExists"))
        self.assertEqual(call("GET", f"/security-groups/{group['id']}")[1]["security_group"]["name"], "not-default")

    def test_external_network_takes_its_free_floating_ips(self):
        ext = network_with_subnet("172.31.50.0/24", **{"router:external": True})
        free = make("/floatingips", "floatingip", floating_network_id=ext["id"])
        self.assertEqual(call("DELETE", f"/networks/{ext['id']}")[0], 204)
        self.assertEqual(call("GET", f"/floatingips/{free['id']}")[0], 404)
        # One carrying a port's traffic keeps the network in use.
        ext = network_with_subnet("172.31.51.0/24", **{"router:external": True})
        inner = network_with_subnet("10.58.0.0/24")
        router = make("/routers", "router", external_gateway_info={"network_id": ext["id"]})
        subnet_id = call("GET", f"/networks/{inner['id']}")[1]["network"]["subnets"][0]
        self.assertEqual(call("PUT", f"/routers/{router['id']}/add_router_interface", {"subnet_id": subnet_id})[0],
                         200)
        port = make("/ports", "port", network_id=inner["id"])
        used = make("/floatingips", "floatingip", floating_network_id=ext["id"], port_id=port["id"])
        status, body = call("DELETE", f"/networks/{ext['id']}")
        self.assertEqual((status, error_type(body)), (409, "NetworkInUse"))
        self.assertEqual(call("GET", f"/floatingips/{used['id']}")[0], 200)


if __name__ == "__main__":
    unittest.main()
