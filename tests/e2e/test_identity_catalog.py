# SPDX-License-Identifier: Apache-2.0
"""Keystone's catalog in the local identity: regions, services and endpoints (v3 and v2.0) kept with the catalog
the tokens carry, endpoint groups and policies; the openstack client's commands for them, the fields, the faults
and Keystone's policy (the admin changes them, a member gets 403)."""
import unittest

from stack import Stack

ID = "/identity/v3"
V2 = "/identity/v2.0"


def setUpModule():
    global stack, member_token, member_env
    stack = Stack(workers=2).start()
    _, member_token, member_env = stack.member("cat-home", user="cat-user", password="cat-secret")


def tearDownModule():
    stack.stop()


def admin(path, method="GET", body=None, expect=None):
    return stack.admin_json(path, method, body, expect)


def as_member(path, method="GET", body=None):
    return stack.token_json(member_token, path, method, body)


def new_token():
    """The admin's new token: (token, {"token": its view})."""
    token, view = stack.password_token("admin", stack.password, "admin")
    return token, {"token": view}


def catalog_urls(catalog):
    return {(s["type"], e["interface"]): e["url"] for s in catalog for e in s["endpoints"]}


class StackCatalog(unittest.TestCase):
    def test_the_stacks_own_endpoints_are_stored_rows(self):
        # The seeded rows are what /v3/endpoints lists and what the token carries, with this stack's URLs.
        endpoints = admin(f"{ID}/endpoints?interface=public", expect=200)["endpoints"]
        services = {s["id"]: s for s in admin(f"{ID}/services", expect=200)["services"]}
        listed = {services[e["service_id"]]["type"]: e["url"] for e in endpoints}
        self.assertEqual(listed["compute"], f"http://127.0.0.1:{stack.port}/compute/v2.1")
        self.assertEqual(listed["volumev3"], f"http://127.0.0.1:{stack.port}/volume/v3/%(project_id)s")
        _, body = new_token()
        urls = catalog_urls(body["token"]["catalog"])
        self.assertEqual(urls[("compute", "public")], listed["compute"])
        self.assertTrue(urls[("volumev3", "public")].endswith("/volume/v3/" + body["token"]["project"]["id"]))
        self.assertIn("RegionOne", [r["id"] for r in admin(f"{ID}/regions")["regions"]])


class CatalogCrud(unittest.TestCase):
    def test_a_created_endpoint_is_in_the_next_tokens_catalog_and_a_deleted_one_leaves_it(self):
        service = admin(f"{ID}/services", "POST", {"service": {"type": "cat-type", "name": "cat-svc"}}, 201)["service"]
        self.addCleanup(admin, f"{ID}/services/{service['id']}", "DELETE")
        self.assertEqual((service["type"], service["name"], service["enabled"]), ("cat-type", "cat-svc", True))
        endpoint = admin(f"{ID}/endpoints", "POST", {"endpoint": {
            "service_id": service["id"], "interface": "public", "url": "http://127.0.0.1:9/x/%(project_id)s",
            "region": "cat-region"}}, 201)["endpoint"]
        # As Keystone: the older `region` makes the region when it is not there.
        self.assertEqual((endpoint["region"], endpoint["region_id"]), ("cat-region", "cat-region"))
        self.assertEqual(admin(f"{ID}/regions/cat-region", expect=200)["region"]["parent_region_id"], None)
        token, body = new_token()
        project = body["token"]["project"]["id"]
        self.assertEqual(catalog_urls(body["token"]["catalog"])[("cat-type", "public")],
                         f"http://127.0.0.1:9/x/{project}")
        # The validation of a token issued before the change shows it too, and the v2.0 catalog.
        _, _, v = stack.get_json(f"{ID}/auth/tokens", headers={"X-Subject-Token": token})
        self.assertIn(("cat-type", "public"), catalog_urls(v["token"]["catalog"]))
        _, _, v2 = stack.get_json(f"{V2}/tokens", method="POST", auth=False, body={"auth": {
            "passwordCredentials": {"username": "admin", "password": stack.password}, "tenantName": "admin"}})
        v2_entry = [s for s in v2["access"]["serviceCatalog"] if s["type"] == "cat-type"]
        self.assertEqual(v2_entry[0]["endpoints"][0]["publicURL"], f"http://127.0.0.1:9/x/{project}")
        # Disabled, it leaves the catalog; deleted, it is gone; the region with it in is kept from deletion.
        admin(f"{ID}/endpoints/{endpoint['id']}", "PATCH", {"endpoint": {"enabled": False}}, 200)
        self.assertNotIn(("cat-type", "public"), catalog_urls(new_token()[1]["token"]["catalog"]))
        self.assertEqual(stack.get_json(f"{ID}/regions/cat-region", method="DELETE")[0], 403)
        admin(f"{ID}/endpoints/{endpoint['id']}", "DELETE", expect=204)
        self.assertEqual(stack.get_json(f"{ID}/endpoints/{endpoint['id']}")[0], 404)
        self.assertNotIn("cat-type", {s["type"] for s in new_token()[1]["token"]["catalog"]})
        admin(f"{ID}/regions/cat-region", "DELETE", expect=204)

    def test_endpoint_filters_and_faults(self):
        service = admin(f"{ID}/services", "POST", {"service": {"type": "cat-filter"}}, 201)["service"]
        self.addCleanup(admin, f"{ID}/services/{service['id']}", "DELETE")
        made = [admin(f"{ID}/endpoints", "POST", {"endpoint": {
            "service_id": service["id"], "interface": interface, "url": f"https://example.org/{interface}",
            "region_id": "RegionOne"}}, 201)["endpoint"]["id"] for interface in ("public", "internal")]
        listed = admin(f"{ID}/endpoints?service_id={service['id']}")["endpoints"]
        self.assertEqual({e["id"] for e in listed}, set(made))
        internal = admin(f"{ID}/endpoints?service_id={service['id']}&interface=internal")["endpoints"]
        self.assertEqual([e["id"] for e in internal], made[1:])
        self.assertEqual(admin(f"{ID}/services?type=cat-filter")["services"][0]["id"], service["id"])
        for bad in ({"enabled": "True"}, {"interface": "private"}, {"url": "no-scheme"},
                    {"url": "http://x/%(secret)s"}, {"region_id": "no-such-region"}, {"service_id": "nope"}):
            body = {"service_id": service["id"], "interface": "public", "url": "http://x/", **bad}
            status, _, fault = stack.get_json(f"{ID}/endpoints", method="POST", body={"endpoint": body})
            self.assertEqual((status, fault["error"]["code"]), (400, 400), bad)
        self.assertEqual(stack.get_json(f"{ID}/endpoints/{made[0]}", method="PATCH",
                                        body={"endpoint": {"enabled": "False"}})[0], 400)
        self.assertEqual(stack.get_json(f"{ID}/services", method="POST", body={"service": {"name": "x"}})[0], 400)
        # Deleting a service deletes its endpoints.
        admin(f"{ID}/services/{service['id']}", "DELETE", expect=204)
        self.assertEqual(stack.get_json(f"{ID}/endpoints/{made[0]}")[0], 404)
        self.assertEqual(stack.get_json(f"{ID}/services/{service['id']}", method="DELETE")[0], 404)

    def test_regions_nest_and_refuse_a_circle(self):
        top = admin(f"{ID}/regions", "POST", {"region": {"description": "top"}}, 201)["region"]
        self.assertEqual(len(top["id"]), 32)
        child = admin(f"{ID}/regions/cat-child", "PUT", {"region": {"parent_region_id": top["id"]}}, 201)["region"]
        self.assertEqual((child["id"], child["parent_region_id"], child["description"]), ("cat-child", top["id"], ""))
        self.assertEqual(stack.get_json(f"{ID}/regions/cat-child", method="PUT", body={"region": {}})[0], 409)
        listed = admin(f"{ID}/regions?parent_region_id={top['id']}")["regions"]
        self.assertEqual(listed, [child])
        status, _, fault = stack.get_json(f"{ID}/regions/{top['id']}", method="PATCH",
                                          body={"region": {"parent_region_id": "cat-child"}})
        self.assertEqual(status, 400, fault)
        self.assertIn("circular", fault["error"]["message"])
        self.assertEqual(stack.get_json(f"{ID}/regions", method="POST",
                                        body={"region": {"parent_region_id": "nowhere"}})[0], 404)
        # Deleting a region deletes the regions below it.
        admin(f"{ID}/regions/{top['id']}", "DELETE", expect=204)
        self.assertEqual(stack.get_json(f"{ID}/regions/cat-child")[0], 404)

    def test_v2_services_and_endpoints(self):
        service = admin(f"{V2}/OS-KSADM/services", "POST", {"OS-KSADM:service": {
            "name": "cat-v2", "type": "cat-v2-type", "description": "d"}}, 200)["OS-KSADM:service"]
        self.addCleanup(stack.get_json, f"{V2}/OS-KSADM/services/{service['id']}", method="DELETE")
        self.assertEqual(admin(f"{V2}/OS-KSADM/services/{service['id']}")["OS-KSADM:service"]["description"], "d")
        made = admin(f"{V2}/endpoints", "POST", {"endpoint": {
            "service_id": service["id"], "region": "cat-v2-region", "publicurl": "http://p/", "adminurl": "http://a/",
            "internalurl": "http://i/"}}, 200)["endpoint"]
        listed = admin(f"{V2}/endpoints")["endpoints"]
        self.assertIn(dict(made, enabled=True), listed)
        # One v2.0 endpoint is three v3 endpoints, one per URL.
        v3 = admin(f"{ID}/endpoints?service_id={service['id']}")["endpoints"]
        self.assertEqual({e["interface"]: e["url"] for e in v3},
                         {"public": "http://p/", "admin": "http://a/", "internal": "http://i/"})
        admin(f"{V2}/endpoints/{made['id']}", "DELETE", expect=204)
        self.assertEqual(admin(f"{ID}/endpoints?service_id={service['id']}")["endpoints"], [])
        self.assertEqual(stack.get_json(f"{V2}/endpoints/{made['id']}", method="DELETE")[0], 404)
        admin(f"{V2}/OS-KSADM/services/{service['id']}", "DELETE", expect=204)
        self.assertEqual(stack.get_json(f"{V2}/OS-KSADM/services/{service['id']}")[0], 404)


class PoliciesAndEndpointGroups(unittest.TestCase):
    def test_policies(self):
        policy = admin(f"{ID}/policies", "POST", {"policy": {"blob": "{}", "type": "application/json"}},
                       201)["policy"]
        updated = admin(f"{ID}/policies/{policy['id']}", "PATCH", {"policy": {"type": "text/plain"}}, 200)["policy"]
        self.assertEqual((updated["blob"], updated["type"]), ("{}", "text/plain"))
        self.assertIn(policy["id"], [p["id"] for p in admin(f"{ID}/policies")["policies"]])
        self.assertEqual(stack.get_json(f"{ID}/policies", method="POST", body={"policy": {"blob": "x"}})[0], 400)
        self.assertEqual(as_member(f"{ID}/policies/{policy['id']}")[0], 403)
        admin(f"{ID}/policies/{policy['id']}", "DELETE", expect=204)
        self.assertEqual(stack.get_json(f"{ID}/policies/{policy['id']}")[0], 404)

    def test_endpoint_groups(self):
        group = admin(f"{ID}/OS-EP-FILTER/endpoint_groups", "POST", {"endpoint_group": {
            "name": "cat-group", "description": "d", "filters": {"interface": "public"}}}, 201)["endpoint_group"]
        self.assertIn(group, admin(f"{ID}/OS-EP-FILTER/endpoint_groups")["endpoint_groups"])
        self.assertEqual(stack.get_json(f"{ID}/OS-EP-FILTER/endpoint_groups/{group['id']}", method="HEAD")[0], 200)
        for bad in ({"name": "x", "filters": {}}, {"name": "x", "filters": {"color": "red"}}, {"filters": {}}):
            self.assertEqual(stack.get_json(f"{ID}/OS-EP-FILTER/endpoint_groups", method="POST",
                                            body={"endpoint_group": bad})[0], 400, bad)
        updated = admin(f"{ID}/OS-EP-FILTER/endpoint_groups/{group['id']}", "PATCH", {"endpoint_group": {
            "filters": {"service_id": "s"}}}, 200)["endpoint_group"]
        self.assertEqual((updated["name"], updated["filters"]), ("cat-group", {"service_id": "s"}))
        admin(f"{ID}/OS-EP-FILTER/endpoint_groups/{group['id']}", "DELETE", expect=204)
        self.assertEqual(stack.get_json(f"{ID}/OS-EP-FILTER/endpoint_groups/{group['id']}")[0], 404)


class MemberIsRefused(unittest.TestCase):
    def test_writes_are_the_admins(self):
        service = admin(f"{ID}/services", "POST", {"service": {"type": "cat-guard"}}, 201)["service"]
        self.addCleanup(admin, f"{ID}/services/{service['id']}", "DELETE")
        for method, path, body in (
                ("POST", f"{ID}/regions", {"region": {}}),
                ("PUT", f"{ID}/regions/cat-member", {"region": {}}),
                ("PATCH", f"{ID}/regions/RegionOne", {"region": {"description": "mine"}}),
                ("DELETE", f"{ID}/regions/RegionOne", None),
                ("POST", f"{ID}/services", {"service": {"type": "x"}}),
                ("PATCH", f"{ID}/services/{service['id']}", {"service": {"name": "mine"}}),
                ("DELETE", f"{ID}/services/{service['id']}", None),
                ("POST", f"{ID}/endpoints", {"endpoint": {"service_id": service["id"], "interface": "public",
                                                          "url": "http://x/"}}),
                ("POST", f"{ID}/policies", {"policy": {"blob": "", "type": "t"}}),
                ("GET", f"{ID}/policies", None),
                ("POST", f"{ID}/OS-EP-FILTER/endpoint_groups", {"endpoint_group": {"name": "x",
                                                                                   "filters": {"interface": "public"}}}),
                ("GET", f"{ID}/OS-EP-FILTER/endpoint_groups", None),
                ("GET", f"{V2}/OS-KSADM/services", None),
                ("POST", f"{V2}/endpoints", {"endpoint": {"service_id": service["id"], "publicurl": "http://x/"}}),
        ):
            self.assertEqual(as_member(path, method, body)[0], 403, (method, path))
        self.assertEqual(admin(f"{ID}/services/{service['id']}")["service"]["type"], "cat-guard")


class OpenStackClient(unittest.TestCase):
    def test_region_service_endpoint_and_endpoint_group_commands(self):
        region = stack.cli("region", "create", "cat-cli-region", "--description", "cli")
        self.assertEqual(region["region"], "cat-cli-region")
        self.assertIn("cat-cli-region", [r["Region"] for r in stack.cli("region", "list")])
        service = stack.cli("service", "create", "--name", "cat-cli", "cat-cli-type")
        endpoint = stack.cli("endpoint", "create", "--region", "cat-cli-region", service["id"], "public",
                             "http://127.0.0.1:9/cli")
        self.assertEqual(endpoint["url"], "http://127.0.0.1:9/cli")
        self.assertIn(endpoint["id"], [e["ID"] for e in stack.cli("endpoint", "list", "--service", service["id"])])
        # A new token's catalog carries it.
        catalog = stack.cli("catalog", "show", "cat-cli-type")
        self.assertIn("http://127.0.0.1:9/cli", str(catalog["endpoints"]))
        group = stack.cli("endpoint", "group", "create", "cat-cli-group", "--description", "g",
                          *self.filters_file(service["id"]))
        self.assertEqual(group["name"], "cat-cli-group")
        stack.cli("endpoint", "group", "delete", group["id"], parse=False)
        stack.cli("endpoint", "delete", endpoint["id"], parse=False)
        self.assertNotIn(endpoint["id"], [e["ID"] for e in stack.cli("endpoint", "list")])
        self.assertNotIn("cat-cli-type", [c["Type"] for c in stack.cli("catalog", "list")])
        stack.cli("service", "delete", service["id"], parse=False)
        stack.cli("region", "delete", "cat-cli-region", parse=False)

    def filters_file(self, service_id):
        import json
        import tempfile
        f = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        self.addCleanup(__import__("os").unlink, f.name)
        json.dump({"service_id": service_id}, f)
        f.close()
        return [f.name]


if __name__ == "__main__":
    unittest.main()
