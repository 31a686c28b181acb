# SPDX-License-Identifier: Apache-2.0
"""Bad input as an attack on the stack sent it (issue 18, findings 7 and 8): each request gets the
service's own 400 naming the field, never a 500, and nothing is made or changed by it."""
import unittest
from urllib.parse import quote

from stack import Stack

SERVERS = "/compute/v2.1/servers"
N = "/network/v2.0"


def setUpModule():
    global stack, image_id, member, member_token, admin_project
    stack = Stack().start()
    _, _, body = stack.get_json("/identity/v3/auth/tokens", headers={"X-Subject-Token": stack.token})
    admin_project = body["token"]["project"]["id"]
    image_id = stack.public_image("bad-input-image")
    member = stack.member("bad-input")
    member_token = member[1]


def tearDownModule():
    stack.stop()


def at(version, token=None):
    return {"OpenStack-API-Version": f"compute {version}", "X-Auth-Token": token or member_token}


def create_server(version="2.37", token=None, networks="none", **fields):
    server = {"name": "bad-input", "imageRef": image_id, "flavorRef": "1"}
    if networks is not None:
        server["networks"] = networks
    server.update(fields)
    return stack.get_json(SERVERS, method="POST", body={"server": server}, headers=at(version, token))


def server_names(token=None):
    _, _, body = stack.get_json(SERVERS, headers=at("2.37", token))
    return sorted(s["name"] for s in body["servers"])


def message(body, kind="badRequest"):
    return body[kind]["message"]


def neutron_message(body):
    return body["NeutronError"]["message"]


class ServerNetworks(unittest.TestCase):
    """Finding 7: networks of the wrong type answered 500 from the driver's type error."""

    def test_networks_of_the_wrong_type_are_400_naming_the_field(self):
        before = server_names()
        for version in ("2.1", "2.37"):
            for networks, field in (([{"uuid": None}], "uuid"), ([{"uuid": 5}], "uuid"),
                                    ([{"port": None}], "uuid"), ([{"port": 5}], "port"),
                                    ([{"uuid": "8b5cba1a-0000-4000-8000-000000000000", "fixed_ip": 5}], "fixed_ip"),
                                    ([{"uuid": "8b5cba1a-0000-4000-8000-000000000000", "fixed_ip": "10.0.0.300"}],
                                     "fixed_ip"),
                                    ([{"uuid": "not-a-uuid"}], "uuid"), ([5], "networks"), ({"uuid": 1}, "networks"),
                                    ([{"uuid": "8b5cba1a-0000-4000-8000-000000000000", "bogus": 1}], "bogus")):
                with self.subTest(version=version, networks=networks):
                    status, _, body = create_server(version, networks=networks)
                    self.assertEqual(status, 400, body)
                    self.assertIn(field, message(body))
        self.assertEqual(server_names(), before)
        _, _, ports = stack.get_json(f"{N}/ports", headers={"X-Auth-Token": member_token})
        self.assertEqual(ports["ports"], [])

    def test_other_members_of_the_wrong_type(self):
        for fields, field in (({"return_reservation_id": "maybe"}, "return_reservation_id"),
                              ({"min_count": "2x"}, "min_count"), ({"max_count": 0}, "max_count"),
                              ({"security_groups": [{"name": 5}]}, "name"),
                              ({"security_groups": [{}]}, "name")):
            with self.subTest(fields=fields):
                status, _, body = create_server(**fields)
                self.assertEqual(status, 400, body)
                self.assertIn(field, message(body))


class PathsNotUtf8(unittest.TestCase):
    """Finding 7: a tag of bytes that are not UTF-8 reached the JSON dump of the tags."""

    def test_server_tag(self):
        status, _, body = create_server("2.37", name="tagged")
        self.assertEqual(status, 202, body)
        sid = body["server"]["id"]
        for tag in ("%FF%FE", "%FF", "a%C3", "%C0%AF"):
            with self.subTest(tag=tag):
                status, _, body = stack.get_json(f"{SERVERS}/{sid}/tags/{tag}", method="PUT", headers=at("2.26"))
                self.assertEqual(status, 400, body)
                self.assertIn("tag", message(body))
                self.assertIn("UTF-8", message(body))
        _, _, body = stack.get_json(f"{SERVERS}/{sid}/tags", headers=at("2.26"))
        self.assertEqual(body["tags"], [])
        status, _, _ = stack.get_json(f"{SERVERS}/{sid}/tags/caf%C3%A9", method="PUT", headers=at("2.26"))
        self.assertEqual(status, 201)
        _, _, body = stack.get_json(f"{SERVERS}/{sid}/tags", headers=at("2.26"))
        self.assertEqual(body["tags"], ["caf\u00e9"])

    def test_network_tag_and_other_path_variables(self):
        headers = {"X-Auth-Token": member_token}
        _, _, net = stack.get_json(f"{N}/networks", method="POST", body={"network": {"name": "tagged"}},
                                   headers=headers)
        nid = net["network"]["id"]
        status, _, body = stack.get_json(f"{N}/networks/{nid}/tags/%FF", method="PUT", headers=headers)
        self.assertEqual(status, 400, body)
        self.assertIn("tag", neutron_message(body))
        _, _, shown = stack.get_json(f"{N}/networks/{nid}", headers=headers)
        self.assertEqual(shown["network"]["tags"], [])
        # Any path variable, any service: the same 400 in the service's own envelope.
        status, _, body = stack.get_json(f"{N}/networks/%FF", headers=headers)
        self.assertEqual((status, "network_id" in neutron_message(body)), (400, True))
        status, _, body = stack.get_json(f"{SERVERS}/%FF/metadata/k", method="PUT", body={"meta": {"k": "v"}},
                                         headers=at("2.1"))
        self.assertEqual(status, 400, body)
        status, _, body = stack.request("GET", "/image/v2/images/%FF", headers=headers)
        self.assertEqual(status, 400, body)
        self.assertIn(b"image_guid", body)


class ComputeQuotas(unittest.TestCase):
    """Finding 8: "abc" was 0, "12abc" 12, "1e3" 1; now Nova's schema (an integer or a string of one, -1 to 2^31-1)."""

    def quota(self, key):
        _, _, body = stack.get_json(f"/compute/v2.1/os-quota-sets/{member[0]}")
        return body["quota_set"][key]

    def test_values_nova_refuses(self):
        path = f"/compute/v2.1/os-quota-sets/{member[0]}"
        before = self.quota("instances")
        for value, reason in (("abc", "'abc' does not match '^-?[0-9]+$'"),
                              ("12abc", "'12abc' does not match '^-?[0-9]+$'"),
                              ("1e3", "'1e3' does not match '^-?[0-9]+$'"), ("", "does not match"),
                              (True, "True is not of type 'integer', 'string'"),
                              (None, "None is not of type 'integer', 'string'"),
                              ([], "[] is not of type 'integer', 'string'"),
                              (3.7, "3.7 is not of type 'integer', 'string'"),
                              (-2, "-2 is less than the minimum of -1"), ("-5", "-5 is less than the minimum of -1"),
                              (2 ** 31, "is greater than the maximum of 2147483647")):
            with self.subTest(value=value):
                status, _, body = stack.get_json(path, method="PUT", body={"quota_set": {"instances": value}})
                self.assertEqual(status, 400, body)
                self.assertIn("Invalid input for field/attribute instances.", message(body))
                self.assertIn(reason, message(body))
        self.assertEqual(self.quota("instances"), before)
        status, _, body = stack.get_json(path, method="PUT", body={"quota_set": {"force": "perhaps", "cores": 3}})
        self.assertEqual((status, "force" in message(body)), (400, True), body)
        for value, stored in (("12", 12), (13, 13), ("-1", -1)):
            status, _, body = stack.get_json(path, method="PUT", body={"quota_set": {"instances": value}})
            self.assertEqual((status, body["quota_set"]["instances"]), (200, stored))


class VolumeQuotas(unittest.TestCase):
    """Finding 8 for Cinder: its validate_integer, int(str(value)) from -1 to 2^31-1."""

    def test_values_cinder_refuses(self):
        path = f"/volume/v3/{admin_project}/os-quota-sets/{member[0]}"
        _, _, body = stack.get_json(path)
        before = body["quota_set"]["volumes"]
        for value, text in (("abc", "volumes must be an integer"), ("12abc", "volumes must be an integer"),
                            ("1e3", "volumes must be an integer"), (True, "volumes must be an integer"),
                            (None, "volumes must be an integer"), ([], "volumes must be an integer"),
                            (3.7, "volumes must be an integer"), (-2, "volumes must be >= -1"),
                            (2 ** 31, "volumes must be <= 2147483647")):
            with self.subTest(value=value):
                status, _, body = stack.get_json(path, method="PUT", body={"quota_set": {"volumes": value}})
                self.assertEqual(status, 400, body)
                self.assertEqual(message(body), text)
        _, _, body = stack.get_json(path)
        self.assertEqual(body["quota_set"]["volumes"], before)
        status, _, body = stack.get_json(path, method="PUT", body={"quota_set": {"volumes": " 12 "}})
        self.assertEqual((status, body["quota_set"]["volumes"]), (200, 12))


class NetworkQuotas(unittest.TestCase):
    """Finding 8 for Neutron: its convert_to_int (Python's int(), so true is 1 and 3.7 is 3) from -1 to 2^31-1."""

    def test_values_neutron_refuses_and_takes(self):
        path = f"{N}/quotas/{member[0]}"
        _, _, body = stack.get_json(path)
        before = body["quota"]["network"]
        for value in ("abc", "12abc", "1e3", None, [], {}):
            with self.subTest(value=value):
                status, _, body = stack.get_json(path, method="PUT", body={"quota": {"network": value}})
                self.assertEqual(status, 400, body)
                self.assertIn("is not an integer", neutron_message(body))
        for value, text in ((-2, "Invalid input for network. Reason: '-2' is too small - must be at least '-1'."),
                            (2 ** 31, "Invalid input for network. Reason: '2147483648' is too large - must be no "
                                      "larger than '2147483647'.")):
            status, _, body = stack.get_json(path, method="PUT", body={"quota": {"network": value}})
            self.assertEqual((status, neutron_message(body)), (400, text))
        _, _, body = stack.get_json(path)
        self.assertEqual(body["quota"]["network"], before)
        for value, stored in (("12", 12), (True, 1), (3.7, 3)):
            status, _, body = stack.get_json(path, method="PUT", body={"quota": {"network": value}})
            self.assertEqual((status, body["quota"]["network"]), (200, stored))


BAD_NAMES = (" lead", "trail ", "nul\u0000x", "new\nline", "tab\there", "\u2028", "x" * 256, "", 5, None)


class ServerNames(unittest.TestCase):
    """Finding 8: names with a leading space, NUL or a newline were taken; Nova's schema refuses them."""

    def assert_name_refused(self, status, body, name):
        self.assertEqual(status, 400, (name, body))
        self.assertIn("name", message(body))

    def test_create(self):
        before = server_names()
        for name in BAD_NAMES:
            with self.subTest(name=name):
                status, _, body = create_server(name=name)
                self.assert_name_refused(status, body, name)
        self.assertEqual(server_names(), before)
        status, _, body = create_server(name="caf\u00e9 " + "\u00e9" * 250)      # 255 characters, more bytes
        self.assertEqual(status, 202, body)

    def test_update_rebuild_and_image(self):
        status, _, body = create_server(name="renamed")
        sid = body["server"]["id"]
        for name in BAD_NAMES:
            with self.subTest(name=name):
                status, _, body = stack.get_json(f"{SERVERS}/{sid}", method="PUT", body={"server": {"name": name}},
                                                 headers=at("2.37"))
                self.assert_name_refused(status, body, name)
                status, _, body = stack.get_json(f"{SERVERS}/{sid}/action", method="POST",
                                                 body={"rebuild": {"imageRef": image_id, "name": name}},
                                                 headers=at("2.37"))
                self.assert_name_refused(status, body, name)
        _, _, body = stack.get_json(f"{SERVERS}/{sid}", headers=at("2.37"))
        self.assertEqual(body["server"]["name"], "renamed")
        for description in ("new\nline", "x" * 256, 5):
            status, _, body = stack.get_json(f"{SERVERS}/{sid}", method="PUT",
                                             body={"server": {"description": description}}, headers=at("2.37"))
            self.assertEqual(status, 400, body)
            self.assertIn("description", message(body))

    def test_create_image_key_pair_and_metadata(self):
        status, _, body = create_server(name="imaged")
        sid = body["server"]["id"]
        _, _, images = stack.get_json("/image/v2/images", headers={"X-Auth-Token": member_token})
        for name in (" lead", "new\nline", "x" * 256):
            status, _, body = stack.get_json(f"{SERVERS}/{sid}/action", method="POST",
                                             body={"createImage": {"name": name}}, headers=at("2.37"))
            self.assert_name_refused(status, body, name)
            status, _, body = stack.get_json("/compute/v2.1/os-keypairs", method="POST",
                                             body={"keypair": {"name": name}}, headers=at("2.37"))
            self.assert_name_refused(status, body, name)
        _, _, after = stack.get_json("/image/v2/images", headers={"X-Auth-Token": member_token})
        self.assertEqual(len(after["images"]), len(images["images"]))
        _, _, keypairs = stack.get_json("/compute/v2.1/os-keypairs", headers=at("2.37"))
        self.assertEqual(keypairs["keypairs"], [])
        for metadata, field in (({"a/b": "v"}, "metadata"), ({"k": 5}, "k"), ({"k": "v" * 256}, "k"),
                                ({"new\nline": "v"}, "metadata")):
            with self.subTest(metadata=metadata):
                status, _, body = stack.get_json(f"{SERVERS}/{sid}/metadata", method="POST",
                                                 body={"metadata": metadata}, headers=at("2.37"))
                self.assertEqual(status, 400, body)
                self.assertIn(f"field/attribute {field}", message(body))
                status, _, body = create_server(metadata=metadata)
                self.assertEqual(status, 400, body)
        _, _, body = stack.get_json(f"{SERVERS}/{sid}/metadata", headers=at("2.37"))
        self.assertEqual(body["metadata"], {})


class ServerFilters(unittest.TestCase):
    """The name and ip filters are regular expressions of the client's choosing: a pattern that
    backtracks exponentially (std::regex froze the worker on it) is answered, and what cannot be
    matched cheaply is Nova's 400 naming the filter."""

    def test_patterns_are_answered_or_refused(self):
        status, _, body = create_server(name="a" * 60)
        self.assertEqual(status, 202, body)
        for pattern, found in (("(a|a)*b", False), ("((a*)*)*b", False), ("^(a|a)*$", True)):
            with self.subTest(pattern=pattern):
                status, _, body = stack.get_json(f"{SERVERS}?name={quote(pattern)}", headers=at("2.37"))
                self.assertEqual(status, 200, body)
                self.assertEqual([s["name"] for s in body["servers"]] == ["a" * 60], found, body)
        for key, pattern in (("name", "(a)\\1"), ("name", "((a{100}){100}){100}"), ("name", "["),
                             ("ip", "10.9{x"), ("ip", "(1+)+\\1"), ("ip6", "a{1000}{1000}")):
            with self.subTest(key=key, pattern=pattern):
                status, _, body = stack.get_json(f"{SERVERS}/detail?{key}={quote(pattern)}", headers=at("2.37"))
                self.assertEqual(status, 400, body)
                self.assertIn(key, message(body))


class SecurityGroups(unittest.TestCase):
    """Finding 8: an unknown security group name was taken (202) and dropped; Nova answers 400."""

    def test_unknown_group_is_refused_with_or_without_a_port(self):
        before = server_names()
        for version, networks in (("2.37", "none"), ("2.37", "auto"), ("2.1", None)):
            with self.subTest(version=version, networks=networks):
                status, _, body = create_server(version, networks=networks,
                                                security_groups=[{"name": "no-such-group"}])
                self.assertEqual(status, 400, body)
                self.assertEqual(message(body), "Unable to find security_group with name or id 'no-such-group'")
        self.assertEqual(server_names(), before)
        _, _, ports = stack.get_json(f"{N}/ports", headers={"X-Auth-Token": member_token})
        self.assertEqual([p for p in ports["ports"] if p["device_owner"].startswith("compute:")], [])
        _, _, group = stack.get_json(f"{N}/security-groups", method="POST",
                                     body={"security_group": {"name": "web"}}, headers={"X-Auth-Token": member_token})
        status, _, body = create_server(name="grouped", security_groups=[{"name": "web"}])
        self.assertEqual(status, 202, body)
        self.assertEqual(body["server"]["security_groups"], [{"name": "web"}])


class VolumeAndNetworkText(unittest.TestCase):
    """Cinder's and Neutron's lengths, counted in characters, and their types."""

    def test_volume_names_descriptions_and_metadata(self):
        base = f"/volume/v3/{member[0]}"
        headers = {"X-Auth-Token": member_token}
        _, _, before = stack.get_json(f"{base}/volumes", headers=headers)
        for fields, field in (({"name": "x" * 256}, "name"), ({"description": "d" * 256}, "description"),
                              ({"name": 5}, "name"), ({"metadata": {"k": 5}}, "k"),
                              ({"metadata": {"a\nb": "v"}}, "metadata"), ({"metadata": {"k": "v" * 256}}, "k")):
            with self.subTest(fields=fields):
                status, _, body = stack.get_json(f"{base}/volumes", method="POST",
                                                 body={"volume": dict(size=1, **fields)}, headers=headers)
                self.assertEqual(status, 400, body)
                self.assertIn(field, message(body))
        _, _, after = stack.get_json(f"{base}/volumes", headers=headers)
        self.assertEqual(after, before)
        status, _, body = stack.get_json(f"{base}/volumes", method="POST", headers=headers, body={"volume": {
            "size": 1, "name": "\u00e9" * 255, "description": " " + "d" * 255 + " ", "metadata": {"a/b": "v"}}})
        self.assertEqual(status, 202, body)

    def test_network_names_count_characters(self):
        headers = {"X-Auth-Token": member_token}
        status, _, body = stack.get_json(f"{N}/networks", method="POST",
                                         body={"network": {"name": "\u00e9" * 255}}, headers=headers)
        self.assertEqual(status, 201, body)
        for fields in ({"name": "\u00e9" * 256}, {"description": "d" * 256}, {"name": 5}):
            status, _, body = stack.get_json(f"{N}/networks", method="POST", body={"network": fields},
                                             headers=headers)
            self.assertEqual(status, 400, body)
            self.assertIn(next(iter(fields)), neutron_message(body))


if __name__ == "__main__":
    unittest.main()
