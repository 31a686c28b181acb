# SPDX-License-Identifier: Apache-2.0
"""Seed 001's compatibility tables for the SoftLayer driver, row by row: for every row of its five tables
(tests/data/softlayer-seed-001.txt) one test sends that row's request through nginx and the workers, with the softlayer
driver for every service, to the SoftLayer API simulator, and checks what the row answers and, for a write, what the
simulator then holds. A row that is not served answers its status in the service's fault (501, or 405 and 410 for what
OpenStack has not or no longer has) and --coverage says so. RowMap fails when a row of the seed has no test."""
import base64
import json
import os
import re
import subprocess
import unittest

import softlayer_cloud
from stack import TOP_SRCDIR, WORKER, wait_for

SEED = os.path.join(TOP_SRCDIR, "tests", "data", "softlayer-seed-001.txt")
# The rows each table has in the seed: a copy cut short fails RowMap.
TABLE_ROWS = {"Identity": 10, "Compute": 44, "Images": 5, "Block Storage": 6, "Network": 5}

def row(table, verb, endpoint):
    """Marks a test as the one for the row `verb endpoint` of seed 001's table `table`, as the seed writes it."""
    def mark(test):
        test.seed_row = (table, verb, endpoint)
        return test
    return mark


def seed_rows():
    """Every row of the seed's tables: [(table, verb, endpoint)], in the seed's order."""
    rows, table = [], None
    with open(SEED, encoding="utf-8") as f:
        for line in f:
            heading = re.match(r"This table includes compatibility references for (.+?) \(", line)
            if heading:
                table = heading.group(1)
                continue
            words = line.split()
            if table and words and words[0] in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"):
                rows.append((table, words[0], words[1]))
    return rows


def setUpModule():
    global cloud, stack, sim, a, b, coverage, host
    cloud = softlayer_cloud.Cloud(zone="dal10", account_class=Account)
    stack, sim, a, b = cloud.stack, cloud.sim, cloud.a, cloud.b
    try:
        run = subprocess.run([WORKER, "--config", f"{stack.state}/jumpgate.conf", "--coverage=json"],
                             capture_output=True, text=True, check=True)
        coverage = {(r["service"], r["endpoint"], r["method"], r["action"] or None): r for r in json.loads(run.stdout)}
        host = a.server_made("row-host")
    except BaseException:
        cloud.stop(check=False)
        raise


def tearDownModule():
    cloud.stop()


class Account(softlayer_cloud.Account):
    """A simulated SoftLayer account, with what the rows ask of its servers."""

    def v2_auth(self):
        return {"auth": {"passwordCredentials": {"username": self.user["username"], "password": self.user["apiKey"]},
                         "tenantId": str(self.id)}}

    def guest(self, server_id):
        return next((g for g in self.held()["virtualGuests"] if g["id"] == int(server_id)), None)

    def compute(self, rest=""):
        return f"/compute/v2/{self.id}{rest}"

    def server(self, server_id):
        status, _, body = self.get(self.compute(f"/servers/{server_id}"))
        assert status == 200, (status, body)
        return body["server"]

    def wait_status(self, server_id, status, seconds=30):
        assert wait_for(lambda: self.server(server_id)["status"] == status, seconds), self.server(server_id)

    def server_made(self, name, flavor="1"):
        """A server of `flavor` from the first public template, ACTIVE; its id."""
        image = sim.state()["publicImages"][0]["globalIdentifier"]
        status, _, body = self.get(self.compute("/servers"), method="POST", body={"server": {
            "name": name, "flavorRef": flavor, "imageRef": image}})
        assert status == 202, (status, body)
        self.wait_status(body["server"]["id"], "ACTIVE")
        return body["server"]["id"]

    def volume(self, rest=""):
        return f"/volume/v1/{self.id}/volumes{rest}"


def datacenter_name(datacenter_id):
    return next(d["name"] for d in sim.state()["datacenters"] if d["id"] == datacenter_id)


def templates_of(account):
    """The global identifiers of the templates an account sees: its own and the public ones."""
    return {t["globalIdentifier"] for t in account.held()["blockDeviceTemplateGroups"]} | {
        t["globalIdentifier"] for t in sim.state()["publicImages"]}


def template_made(account, name):
    """A private template imported into account from object storage, as SoftLayer makes one; its global identifier."""
    status, _, body = sim.call({"username": account.user["username"], "apiKey": account.user["apiKey"]},
                               "SoftLayer_Virtual_Guest_Block_Device_Template_Group", "createFromExternalSource",
                               parameters=[{"name": name, "uri": f"swift://jumpgate@dal05/images/{name}.vhd",
                                            "operatingSystemReferenceCode": "UBUNTU_22_64"}])
    assert status == 200, body
    return body["globalIdentifier"]


class RowTest(unittest.TestCase):
    def assertFault(self, status, body, expected, style):
        """The service's fault envelope, with `expected` as its status."""
        self.assertEqual(status, expected, body)
        if style == "nova":
            self.assertEqual(len(body), 1, body)
            fault = next(iter(body.values()))
            self.assertEqual(fault["code"], expected, body)
            self.assertTrue(fault["message"], body)
        elif style == "keystone":
            self.assertEqual((body["error"]["code"], bool(body["error"]["message"])), (expected, True), body)
        elif style == "neutron":
            self.assertTrue(body["NeutronError"]["message"], body)

    def assertCoverage(self, service, endpoint, method, support, action=None):
        self.assertEqual(coverage[(service, endpoint, method, action)]["support"], support,
                         (service, endpoint, method, action))


class RowMap(unittest.TestCase):
    def test_every_row_of_the_seed_has_its_test(self):
        rows = seed_rows()
        self.assertEqual({t: sum(1 for r in rows if r[0] == t) for t in TABLE_ROWS}, TABLE_ROWS)
        tested = {}
        for case in (Identity, Compute, Images, BlockStorage, Network):
            for name, test in vars(case).items():
                if hasattr(test, "seed_row"):
                    self.assertNotIn(test.seed_row, tested, f"{name}: the row is tested by {tested.get(test.seed_row)}")
                    tested[test.seed_row] = name
        self.assertEqual([r for r in rows if r not in tested], [], "rows of seed 001 without a test")
        self.assertEqual([r for r in tested if r not in rows], [], "tests of rows seed 001 does not have")


class Identity(RowTest):
    @row("Identity", "POST", "v2.0/tokens")
    def test_v2_token_from_the_api_key(self):
        status, _, body = stack.get_json("/identity/v2.0/tokens", method="POST", auth=False, body=a.v2_auth())
        self.assertEqual(status, 200, body)
        access = body["access"]
        self.assertEqual((access["token"]["tenant"]["id"], access["user"]["id"]), (str(a.id), str(a.user["id"])))
        self.assertNotIn(a.user["apiKey"], json.dumps(body))
        self.assertIn("compute", [s["type"] for s in access["serviceCatalog"]])
        status, _, body = stack.get_json("/identity/v2.0/tokens", method="POST", auth=False, body={
            "auth": dict(a.v2_auth()["auth"], passwordCredentials={"username": a.user["username"],
                                                                   "password": "0" * 64})})
        self.assertFault(status, body, 401, "keystone")

    @row("Identity", "GET", "v2.0/tokens/{tokenId}")
    def test_v2_token_validated(self):
        _, _, issued = stack.get_json("/identity/v2.0/tokens", method="POST", auth=False, body=a.v2_auth())
        token = issued["access"]["token"]["id"]
        status, _, body = a.get(f"/identity/v2.0/tokens/{token}")
        self.assertEqual(status, 200, body)
        self.assertEqual((body["access"]["token"]["id"], body["access"]["token"]["tenant"]["id"]), (token, str(a.id)))
        # Another tenant's: 401, as Keystone's v2.0 validation answered (the original Jumpgate's was 404).
        status, _, body = a.get(f"/identity/v2.0/tokens/{token}?belongsTo={b.id}")
        self.assertFault(status, body, 401, "keystone")

    @row("Identity", "DELETE", "v2.0/tokens/{tokenId}")
    def test_v2_token_revoked(self):
        _, _, issued = stack.get_json("/identity/v2.0/tokens", method="POST", auth=False, body=a.v2_auth())
        token = issued["access"]["token"]["id"]
        status, _, _ = a.get(f"/identity/v2.0/tokens/{token}", method="DELETE")
        self.assertEqual(status, 204)
        for _ in range(4):  # every worker
            status, _, _ = a.get(a.compute("/flavors"), token=token)
            self.assertEqual(status, 401)

    @row("Identity", "GET", "v2.0/tokens/tenants")
    def test_v2_token_tenants(self):
        status, _, body = a.get("/identity/v2.0/tokens/tenants")
        self.assertEqual(status, 200, body)
        self.assertEqual([t["id"] for t in body["tenants"]], [str(a.id)])

    @row("Identity", "GET", "v2.0/tenants")
    def test_v2_tenants_is_the_account(self):
        status, _, body = a.get("/identity/v2.0/tenants")
        self.assertEqual(status, 200, body)
        self.assertEqual([(t["id"], t["enabled"]) for t in body["tenants"]], [(str(a.id), True)])

    @row("Identity", "GET", "v3")
    def test_v3_version(self):
        status, _, body = stack.get_json("/identity/v3", auth=False)
        self.assertEqual(status, 200, body)
        self.assertEqual((body["version"]["id"], body["version"]["status"]), ("v3.14", "stable"))

    @row("Identity", "POST", "v3/auth/tokens")
    def test_v3_token_from_the_api_key(self):
        status, hdrs, body = stack.get_json("/identity/v3/auth/tokens", method="POST", auth=False, body=a.auth())
        self.assertEqual(status, 201, body)
        self.assertTrue(hdrs["x-subject-token"])
        token = body["token"]
        self.assertEqual((token["project"]["id"], token["user"]["id"], token["user"]["name"]),
                         (str(a.id), str(a.user["id"]), a.user["username"]))
        services = {e["type"] for e in token["catalog"]}
        self.assertTrue({"compute", "image", "volumev3", "network"} <= services, services)
        self.assertNotIn(a.user["apiKey"], json.dumps(body) + hdrs["x-subject-token"])

    @row("Identity", "GET", "v3/tokens/{token_id}")
    def test_v3_token_validated(self):
        token = a.new_token()
        status, _, body = a.get("/identity/v3/auth/tokens", headers={"X-Subject-Token": token})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["token"]["project"]["id"], str(a.id))
        status, _, body = a.get("/identity/v3/auth/tokens", headers={"X-Subject-Token": "not-a-token"})
        self.assertFault(status, body, 404, "keystone")

    @row("Identity", "POST", "v3/tokens/{token_id}")
    def test_v3_token_checked(self):
        # The draft v3 API checked a token with a POST; Keystone's v3 does it with a HEAD.
        status, _, _ = a.get("/identity/v3/auth/tokens", method="HEAD", headers={"X-Subject-Token": a.new_token()})
        self.assertEqual(status, 200)
        status, _, _ = a.get("/identity/v3/auth/tokens", method="HEAD", headers={"X-Subject-Token": "not-a-token"})
        self.assertEqual(status, 404)

    @row("Identity", "DELETE", "v3/tokens/{token_id")
    def test_v3_token_revoked(self):
        token = a.new_token()
        status, _, _ = a.get("/identity/v3/auth/tokens", method="DELETE", headers={"X-Subject-Token": token})
        self.assertEqual(status, 204)
        for _ in range(4):  # every worker
            status, _, _ = a.get(a.compute("/flavors"), token=token)
            self.assertEqual(status, 401)


class Compute(RowTest):
    @row("Compute", "GET", "/")
    def test_versions(self):
        status, _, body = stack.get_json("/compute/", auth=False)
        self.assertIn(status, (200, 300), body)
        self.assertEqual({v["id"] for v in body["versions"]}, {"v2.0", "v2.1"})

    @row("Compute", "GET", "v2")
    def test_v2_version(self):
        status, _, body = stack.get_json("/compute/v2", auth=False)
        self.assertEqual(status, 200, body)
        self.assertEqual(body["version"]["id"], "v2.0")

    @row("Compute", "GET", "v2/{tenant_id}/extensions")
    def test_extensions(self):
        status, _, body = a.get(a.compute("/extensions"))
        self.assertEqual(status, 200, body)
        aliases = {e["alias"] for e in body["extensions"]}
        self.assertTrue({"os-availability-zone", "os-volumes", "os-keypairs"} <= aliases, aliases)

    @row("Compute", "GET", "v2/{tenant_id}/extensions/{alias}")
    def test_extension(self):
        status, _, body = a.get(a.compute("/extensions/os-volumes"))
        self.assertEqual(status, 200, body)
        self.assertEqual(body["extension"]["alias"], "os-volumes")
        status, _, body = a.get(a.compute("/extensions/os-no-such-thing"))
        self.assertFault(status, body, 404, "nova")

    @row("Compute", "GET", "v2/{tenant_id}/limits")
    def test_limits_count_the_account(self):
        status, _, body = a.get(a.compute("/limits"))
        self.assertEqual(status, 200, body)
        absolute, guests = body["limits"]["absolute"], a.held()["virtualGuests"]
        self.assertEqual((absolute["totalInstancesUsed"], absolute["totalCoresUsed"], absolute["totalRAMUsed"]),
                         (len(guests), sum(g["maxCpu"] for g in guests), sum(g["maxMemory"] for g in guests)))

    @row("Compute", "GET", "v2/{tenant_id}/servers")
    def test_server_list_is_the_accounts_guests(self):
        status, _, body = a.get(a.compute("/servers"))
        self.assertEqual(status, 200, body)
        self.assertEqual(sorted(s["id"] for s in body["servers"]),
                         sorted(str(g["id"]) for g in a.held()["virtualGuests"]))
        self.assertEqual({s["name"] for s in body["servers"]}, {g["hostname"] for g in a.held()["virtualGuests"]})
        status, _, body = b.get(b.compute("/servers"))
        self.assertNotIn(host, [s["id"] for s in body["servers"]])

    @row("Compute", "POST", "v2/{tenant_id}/servers")
    def test_server_create_orders_a_guest(self):
        status, _, body = a.get(a.compute("/servers"), method="POST", body={"server": {
            "name": "row-create", "flavorRef": "3", "imageRef": sim.state()["publicImages"][0]["globalIdentifier"],
            "availability_zone": "dal09", "metadata": {"role": "db"},
            "user_data": base64.b64encode(b"#!/bin/sh\necho hi\n").decode()}})
        self.assertEqual(status, 202, body)
        server_id = body["server"]["id"]
        self.addCleanup(a.get, a.compute(f"/servers/{server_id}"), "DELETE")
        guest = a.guest(server_id)
        self.assertEqual((guest["hostname"], guest["startCpus"], guest["maxMemory"]), ("row-create", 2, 4096))
        self.assertEqual(datacenter_name(guest["datacenterId"]), "dal09")
        self.assertIn("role=db", guest["tags"])
        self.assertEqual(guest["userData"], ["#!/bin/sh\necho hi\n"])
        status, _, body = a.get(a.compute("/servers"), method="POST", body={"server": {
            "name": "row-bad", "flavorRef": "3", "imageRef": sim.state()["publicImages"][0]["globalIdentifier"],
            "availability_zone": "nowhere"}})
        self.assertFault(status, body, 400, "nova")

    @row("Compute", "GET", "v2/{tenant_id}/servers/detail")
    def test_server_detail(self):
        status, _, body = a.get(a.compute("/servers/detail"))
        self.assertEqual(status, 200, body)
        shown = {s["id"]: s for s in body["servers"]}
        for g in a.held()["virtualGuests"]:
            s = shown[str(g["id"])]
            self.assertEqual((s["name"], s["tenant_id"], s["OS-EXT-AZ:availability_zone"]),
                             (g["hostname"], str(a.id), datacenter_name(g["datacenterId"])))
        self.assertEqual(shown[host]["status"], "ACTIVE")

    @row("Compute", "GET", "v2/{tenant_id}/servers/{server_id}")
    def test_server_show(self):
        guest, shown = a.guest(host), a.server(host)
        self.assertEqual((shown["name"], shown["status"], shown["flavor"]["id"], shown["image"]["id"]),
                         (guest["hostname"], "ACTIVE", "1", sim.state()["publicImages"][0]["globalIdentifier"]))
        self.assertEqual(shown["addresses"]["private"][0]["addr"], guest["primaryBackendIpAddress"])
        status, _, body = b.get(b.compute(f"/servers/{host}"))
        self.assertFault(status, body, 404, "nova")

    @row("Compute", "PUT", "v2/{tenant_id}/servers/{server_id}")
    def test_server_rename(self):
        status, _, body = a.get(a.compute(f"/servers/{host}"), method="PUT", body={"server": {"name": "row-renamed"}})
        self.assertEqual(status, 200, body)
        self.addCleanup(a.get, a.compute(f"/servers/{host}"), "PUT", {"server": {"name": "row-host"}})
        self.assertEqual((body["server"]["name"], a.guest(host)["hostname"]), ("row-renamed", "row-renamed"))
        status, _, body = a.get(a.compute(f"/servers/{host}"), method="PUT", body={"server": {"name": ""}})
        self.assertFault(status, body, 400, "nova")

    @row("Compute", "DELETE", "v2/{tenant_id}/servers/{server_id}")
    def test_server_delete_cancels_the_guest(self):
        server_id = a.server_made("row-delete")
        status, _, body = b.get(b.compute(f"/servers/{server_id}"), method="DELETE")
        self.assertFault(status, body, 404, "nova")
        status, _, _ = a.get(a.compute(f"/servers/{server_id}"), method="DELETE")
        self.assertEqual(status, 204)
        self.assertIsNone(a.guest(server_id))
        self.assertIn("Cancel", [e["eventName"] for e in a.held()["eventLogs"] if e["objectId"] == int(server_id)])

    @row("Compute", "GET", "v2/{tenant_id}/servers/{server_id}/ips")
    def test_server_ips(self):
        status, _, body = a.get(a.compute(f"/servers/{host}/ips"))
        self.assertEqual(status, 200, body)
        guest = a.guest(host)
        self.assertEqual({k: [x["addr"] for x in v] for k, v in body["addresses"].items()},
                         {"private": [guest["primaryBackendIpAddress"]], "public": [guest["primaryIpAddress"]]})

    @row("Compute", "GET", "v2/{tenant_id}/servers/{server_id}/ips/{network_label}")
    def test_server_ips_of_a_network(self):
        status, _, body = a.get(a.compute(f"/servers/{host}/ips/public"))
        self.assertEqual(status, 200, body)
        self.assertEqual([x["addr"] for x in body["public"]], [a.guest(host)["primaryIpAddress"]])
        status, _, body = a.get(a.compute(f"/servers/{host}/ips/nowhere"))
        self.assertFault(status, body, 404, "nova")

    @row("Compute", "POST", "v2/{tenant_id}/servers/{server_id}/action")
    def test_server_actions(self):
        server_id = a.server_made("row-actions")
        self.addCleanup(a.get, a.compute(f"/servers/{server_id}"), "DELETE")
        path = a.compute(f"/servers/{server_id}/action")

        def act(body, expected=202):
            status, _, answer = a.get(path, method="POST", body=body)
            self.assertEqual(status, expected, (body, answer))
            return answer

        act({"reboot": {"type": "HARD"}})
        self.assertEqual(a.guest(server_id)["powerState"], "RUNNING")
        act({"os-stop": None})
        self.assertEqual(a.guest(server_id)["powerState"], "HALTED")
        act({"os-start": None})
        self.assertEqual(a.guest(server_id)["powerState"], "RUNNING")
        act({"pause": None})
        self.assertEqual((a.guest(server_id)["powerState"], a.server(server_id)["status"]), ("PAUSED", "PAUSED"))
        act({"unpause": None})
        self.assertEqual((a.guest(server_id)["powerState"], a.server(server_id)["status"]), ("RUNNING", "ACTIVE"))
        image = a.held()["blockDeviceTemplateGroups"][0]
        rebuilt = act({"rebuild": {"imageRef": image["globalIdentifier"], "name": "row-rebuilt"}})
        self.assertEqual(rebuilt["server"]["name"], "row-rebuilt")
        self.assertEqual(a.guest(server_id)["blockDeviceTemplateGroupId"], image["id"])
        a.wait_status(server_id, "ACTIVE")
        status, hdrs, _ = a.get(path, method="POST", body={"createImage": {"name": "row-capture"}})
        self.assertEqual(status, 202)
        captured = next(t for t in a.held()["blockDeviceTemplateGroups"] if t["name"] == "row-capture")
        self.assertTrue(hdrs["location"].endswith(captured["globalIdentifier"]), hdrs)
        a.wait_status(server_id, "ACTIVE")
        # What SoftLayer cannot do for a guest as Nova means it, answers 501.
        for body in ({"suspend": None}, {"resume": None}, {"resize": {"flavorRef": "2"}}, {"confirmResize": None},
                     {"revertResize": None}, {"changePassword": {"adminPass": "x1234567"}},
                     {"os-getConsoleOutput": {}}):
            status, _, answer = a.get(path, method="POST", body=body)
            self.assertFault(status, answer, 501, "nova")
            self.assertCoverage("compute", "v2_server_action", "POST", "no", action=next(iter(body)))
        self.assertEqual(a.guest(server_id)["powerState"], "RUNNING")

    @row("Compute", "GET", "v2/{tenant_id}/servers/{server_id}/os-instance-actions")
    def test_instance_actions_are_the_event_log(self):
        status, _, body = a.get(a.compute(f"/servers/{host}/os-instance-actions"))
        self.assertEqual(status, 200, body)
        events = [e for e in a.held()["eventLogs"] if e["objectId"] == int(host)]
        self.assertEqual(sorted(x["request_id"] for x in body["instanceActions"]), sorted(e["traceId"] for e in events))
        self.assertIn("create", [x["action"] for x in body["instanceActions"]])
        status, _, body = b.get(b.compute(f"/servers/{host}/os-instance-actions"))
        self.assertFault(status, body, 404, "nova")

    @row("Compute", "GET", "v2/{tenant_id}/servers/{server_id}/os-instance-actions/{action_id}")
    def test_instance_action(self):
        created = next(e for e in a.held()["eventLogs"] if e["objectId"] == int(host) and e["eventName"] == "Create")
        status, _, body = a.get(a.compute(f"/servers/{host}/os-instance-actions/{created['traceId']}"))
        self.assertEqual(status, 200, body)
        self.assertEqual((body["instanceAction"]["action"], body["instanceAction"]["user_id"]),
                         ("create", str(a.user["id"])))
        status, _, body = a.get(a.compute(f"/servers/{host}/os-instance-actions/no-such-action"))
        self.assertFault(status, body, 404, "nova")

    @row("Compute", "GET", "v2/{tenant_id}/images")
    def test_image_list(self):
        status, _, body = a.get(a.compute("/images"))
        self.assertEqual(status, 200, body)
        self.assertEqual({i["id"] for i in body["images"]}, templates_of(a))

    @row("Compute", "POST", "v2/{tenant_id}/images")
    def test_image_create_is_not_a_nova_request(self):
        # Nova never had it; an image from a URL is Glance's import, which SoftLayer's image service has not.
        status, _, body = a.get(a.compute("/images"), method="POST", body={"image": {"name": "x"}})
        self.assertFault(status, body, 405, "nova")
        self.assertNotIn(("compute", "v2_images", "POST", None), coverage)

    @row("Compute", "GET", "v2/{tenant_id}/images/detail")
    def test_image_detail(self):
        status, _, body = a.get(a.compute("/images/detail"))
        self.assertEqual(status, 200, body)
        private = a.held()["blockDeviceTemplateGroups"][0]
        shown = {i["id"]: i for i in body["images"]}
        self.assertEqual(set(shown), templates_of(a))
        self.assertEqual((shown[private["globalIdentifier"]]["name"], shown[private["globalIdentifier"]]["status"]),
                         (private["name"], "ACTIVE"))

    @row("Compute", "HEAD", "v2/{tenant_id}/images/{image_id}")
    def test_image_head(self):
        # Nova's image proxy has no HEAD; Glance v1's (seed 003) answers it with the image's metadata as headers.
        private = a.held()["blockDeviceTemplateGroups"][0]
        status, _, _ = a.get(a.compute(f"/images/{private['globalIdentifier']}"), method="HEAD")
        self.assertEqual(status, 405)
        self.assertNotIn(("compute", "v2_image", "HEAD", None), coverage)
        status, hdrs, _ = a.get(f"/image/v1/images/{private['globalIdentifier']}", method="HEAD")
        self.assertEqual(status, 200)
        self.assertEqual((hdrs["x-image-meta-id"], hdrs["x-image-meta-name"], hdrs["x-image-meta-is-public"]),
                         (private["globalIdentifier"], private["name"], "False"))
        status, _, _ = b.get(f"/image/v1/images/{private['globalIdentifier']}", method="HEAD")
        self.assertEqual(status, 404)

    @row("Compute", "GET", "v2/{tenant_id}/images/{image_id}")
    def test_image_show(self):
        private = a.held()["blockDeviceTemplateGroups"][0]
        status, _, body = a.get(a.compute(f"/images/{private['globalIdentifier']}"))
        self.assertEqual(status, 200, body)
        self.assertEqual((body["image"]["id"], body["image"]["name"]), (private["globalIdentifier"], private["name"]))
        status, _, body = b.get(b.compute(f"/images/{private['globalIdentifier']}"))
        self.assertFault(status, body, 404, "nova")

    @row("Compute", "DELETE", "v2/{tenant_id}/images/{image_id}")
    def test_image_delete(self):
        guid = template_made(a, "row-nova-delete")
        status, _, body = b.get(b.compute(f"/images/{guid}"), method="DELETE")
        self.assertFault(status, body, 404, "nova")
        status, _, _ = a.get(a.compute(f"/images/{guid}"), method="DELETE")
        self.assertEqual(status, 204)
        self.assertNotIn(guid, templates_of(a))

    @row("Compute", "GET", "v2/{tenant_id}/flavors")
    def test_flavor_list(self):
        status, _, body = a.get(a.compute("/flavors"))
        self.assertEqual(status, 200, body)
        self.assertEqual([(f["id"], f["name"]) for f in body["flavors"]], [
            ("1", "sl.tiny"), ("2", "sl.small"), ("3", "sl.medium"), ("4", "sl.large"), ("5", "sl.xlarge")])

    @row("Compute", "GET", "v2/{tenant_id}/flavors/detail")
    def test_flavor_detail(self):
        status, _, body = a.get(a.compute("/flavors/detail"))
        self.assertEqual(status, 200, body)
        self.assertEqual({f["name"]: (f["vcpus"], f["ram"], f["disk"]) for f in body["flavors"]}["sl.large"],
                         (4, 8192, 100))

    @row("Compute", "GET", "v2/{tenant_id}/flavors/{flavor_id}")
    def test_flavor_show(self):
        status, _, body = a.get(a.compute("/flavors/2"))
        self.assertEqual(status, 200, body)
        flavor = body["flavor"]
        self.assertEqual((flavor["name"], flavor["vcpus"], flavor["ram"]), ("sl.small", 1, 2048))
        status, _, body = a.get(a.compute("/flavors/99"))
        self.assertFault(status, body, 404, "nova")

    @row("Compute", "GET", "v2/{tenant_id}/flavors/{flavor_id}/os-extra_specs")
    def test_flavor_extra_specs(self):
        status, _, body = a.get(a.compute("/flavors/5/os-extra_specs"))
        self.assertEqual(status, 200, body)
        self.assertEqual(body["extra_specs"], {"softlayer:local_disk": "false", "softlayer:nic_speed": "1000"})

    @row("Compute", "GET", "v2/{tenant_id}/flavors/{flavor_id}/os-extra_specs/{key_id}")
    def test_flavor_extra_spec(self):
        status, _, body = a.get(a.compute("/flavors/1/os-extra_specs/softlayer:nic_speed"))
        self.assertEqual(status, 200, body)
        self.assertEqual(body, {"softlayer:nic_speed": "100"})
        status, _, body = a.get(a.compute("/flavors/1/os-extra_specs/no-such-key"))
        self.assertFault(status, body, 404, "nova")

    @row("Compute", "GET", "v2/{tenant_id}/os-availability-zone")
    def test_zones_are_the_datacenters(self):
        status, _, body = a.get(a.compute("/os-availability-zone"))
        self.assertEqual(status, 200, body)
        self.assertEqual(sorted(z["zoneName"] for z in body["availabilityZoneInfo"]),
                         sorted(d["name"] for d in sim.state()["datacenters"]))
        self.assertEqual({z["zoneState"]["available"] for z in body["availabilityZoneInfo"]}, {True})

    @row("Compute", "GET", "v2/{tenant_id}/os-availability-zone/detail")
    def test_zone_detail(self):
        status, _, body = a.get(a.compute("/os-availability-zone/detail"))
        self.assertEqual(status, 200, body)
        self.assertEqual(sorted(z["zoneName"] for z in body["availabilityZoneInfo"]),
                         sorted(d["name"] for d in sim.state()["datacenters"]))

    def assertGone(self, method, rest):
        status, _, body = a.get(a.compute(rest), method=method, body={"dns_entry": {"ip": "192.0.2.1", "dns_type": "A"}}
                                if method == "PUT" else None)
        self.assertFault(status, body, 410, "nova")

    # Nova removed floating IP DNS (and spells it os-floating-ip-dns, as these requests do).
    @row("Compute", "GET", "v2/{tenant_id}/os-floating-ips-dns")
    def test_floating_ip_dns_is_gone(self):
        self.assertGone("GET", "/os-floating-ip-dns")
        self.assertEqual(coverage[("compute", "v2_os_floating_ip_dns", "GET", None)]["support"], "gone")

    @row("Compute", "GET", "v2/{tenant_id}/os-floating-ips-dns/{domain}/entries/{entry}")
    def test_floating_ip_dns_entry_is_gone(self):
        self.assertGone("GET", "/os-floating-ip-dns/example.com/entries/web")

    @row("Compute", "PUT", "v2/{tenant_id}/os-floating-ips-dns/{domain}/entries/{entry}")
    def test_floating_ip_dns_entry_put_is_gone(self):
        self.assertGone("PUT", "/os-floating-ip-dns/example.com/entries/web")

    @row("Compute", "DELETE", "v2/{tenant_id}/os-floating-ips-dns/{domain}/entries/{entry}")
    def test_floating_ip_dns_entry_delete_is_gone(self):
        self.assertGone("DELETE", "/os-floating-ip-dns/example.com/entries/web")

    @row("Compute", "GET", "v2/{tenant_id}/os-keypairs")
    def test_keypairs_are_the_ssh_keys(self):
        status, _, body = a.get(a.compute("/os-keypairs"))
        self.assertEqual(status, 200, body)
        self.assertEqual(sorted(k["keypair"]["name"] for k in body["keypairs"]),
                         sorted(k["label"] for k in a.held()["sshKeys"]))
        self.assertNotIn("private_key", json.dumps(body))

    @row("Compute", "POST", "v2/{tenant_id}/os-keypairs")
    def test_keypair_create_adds_an_ssh_key(self):
        status, _, body = a.get(a.compute("/os-keypairs"), method="POST", body={"keypair": {"name": "row-made"}})
        self.assertEqual(status, 200, body)
        self.addCleanup(a.get, a.compute("/os-keypairs/row-made"), "DELETE")
        self.assertIn("PRIVATE KEY", body["keypair"]["private_key"])
        held = next(k for k in a.held()["sshKeys"] if k["label"] == "row-made")
        self.assertEqual(held["key"].split()[:2], body["keypair"]["public_key"].split()[:2])
        self.assertEqual(held["fingerprint"], body["keypair"]["fingerprint"])
        status, _, body = a.get(a.compute("/os-keypairs"), method="POST", body={"keypair": {"name": "row-made"}})
        self.assertFault(status, body, 409, "nova")

    @row("Compute", "GET", "v2/{tenant_id}/os-keypairs/{keypair_name}")
    def test_keypair_show(self):
        key = a.held()["sshKeys"][0]
        status, _, body = a.get(a.compute(f"/os-keypairs/{key['label']}"))
        self.assertEqual(status, 200, body)
        self.assertEqual((body["keypair"]["public_key"], body["keypair"]["fingerprint"]),
                         (key["key"], key["fingerprint"]))
        status, _, body = b.get(b.compute(f"/os-keypairs/{key['label']}"))
        self.assertFault(status, body, 404, "nova")

    @row("Compute", "POST", "v2/{tenant_id}/os-keypairs/{keypair_name}")
    def test_keypair_post_is_not_a_nova_request(self):
        key = a.held()["sshKeys"][0]
        status, _, body = a.get(a.compute(f"/os-keypairs/{key['label']}"), method="POST",
                                body={"keypair": {"name": key["label"]}})
        self.assertFault(status, body, 405, "nova")

    def vlans(self):
        return {str(v["id"]): v for v in a.held()["networkVlans"]}

    @row("Compute", "GET", "v2/{tenant_id}/os-tenant-networks")
    def test_tenant_networks_are_the_vlans(self):
        status, _, body = a.get(a.compute("/os-tenant-networks"))
        self.assertEqual(status, 200, body)
        self.assertEqual({n["id"]: n["label"] for n in body["networks"]},
                         {i: v["name"] for i, v in self.vlans().items()})

    @row("Compute", "GET", "v2/{tenant_id}/os-tenant-networks/{network_id}")
    def test_tenant_network(self):
        vlan = a.held()["networkVlans"][0]
        status, _, body = a.get(a.compute(f"/os-tenant-networks/{vlan['id']}"))
        self.assertEqual(status, 200, body)
        self.assertEqual((body["network"]["id"], body["network"]["label"]), (str(vlan["id"]), vlan["name"]))
        status, _, body = b.get(b.compute(f"/os-tenant-networks/{vlan['id']}"))
        self.assertFault(status, body, 404, "nova")

    @row("Compute", "GET", "v2/{tenant_id}/os-networks")
    def test_networks_are_the_vlans(self):
        status, _, body = a.get(a.compute("/os-networks"))
        self.assertEqual(status, 200, body)
        self.assertEqual({n["id"] for n in body["networks"]}, set(self.vlans()))

    @row("Compute", "GET", "v2/{tenant_id}/os-networks/{network_id}")
    def test_network(self):
        vlan = a.held()["networkVlans"][1]
        status, _, body = a.get(a.compute(f"/os-networks/{vlan['id']}"))
        self.assertEqual(status, 200, body)
        self.assertEqual(body["network"]["id"], str(vlan["id"]))
        status, _, body = a.get(a.compute("/os-networks/1"))
        self.assertFault(status, body, 404, "nova")

    @row("Compute", "GET", "v2/{tenant_id}/os-simple-tenant-usage/{target_id}")
    def test_usage_of_the_account(self):
        status, _, body = a.get(a.compute(f"/os-simple-tenant-usage/{a.id}?detailed=1"))
        self.assertEqual(status, 200, body)
        usage = body["tenant_usage"]
        guests = a.held()["virtualGuests"]
        self.assertEqual((usage["tenant_id"], sorted(u["instance_id"] for u in usage["server_usages"])),
                         (str(a.id), sorted(str(g["id"]) for g in guests)))
        self.assertEqual(next(u for u in usage["server_usages"] if u["instance_id"] == host)["vcpus"], 1)
        self.assertGreater(usage["total_hours"], 0)
        status, _, body = a.get(a.compute(f"/os-simple-tenant-usage/{b.id}"))
        self.assertFault(status, body, 403, "nova")

    def attached_volume(self):
        """A portable storage volume ordered and attached to the host; its id."""
        status, _, body = a.get(a.volume(), method="POST",
                                body={"volume": {"size": 10, "display_name": "row-attached"}})
        self.assertEqual(status, 202, body)
        ordered = body["volume"]["id"]
        self.assertTrue(wait_for(lambda: a.get(a.volume(f"/{ordered}"))[0] == 404 or
                                 a.get(a.volume(f"/{ordered}"))[2]["volume"]["status"] == "available", 15))
        volume_id = next(str(d["id"]) for d in a.held()["virtualDiskImages"] if d["name"] == "row-attached"
                         and d["guestId"] is None and d["portable"])
        status, _, body = a.get(a.compute(f"/servers/{host}/os-volume_attachments"), method="POST",
                                body={"volumeAttachment": {"volumeId": volume_id}})
        self.assertEqual(status, 200, body)
        return volume_id

    def disk(self, volume_id):
        return next((d for d in a.held()["virtualDiskImages"] if d["id"] == int(volume_id)), None)

    @row("Compute", "GET", "v2/{tenant_id}/servers/{insance_id}/os-volume_attachments/{volume_id}")
    def test_volume_attachment(self):
        volume_id = self.attached_volume()
        self.addCleanup(a.get, a.volume(f"/{volume_id}"), "DELETE")
        self.addCleanup(a.get, a.compute(f"/servers/{host}/os-volume_attachments/{volume_id}"), "DELETE")
        status, _, body = a.get(a.compute(f"/servers/{host}/os-volume_attachments/{volume_id}"))
        self.assertEqual(status, 200, body)
        disk = self.disk(volume_id)
        self.assertEqual((body["volumeAttachment"]["volumeId"], body["volumeAttachment"]["serverId"],
                          body["volumeAttachment"]["device"]),
                         (volume_id, host, "/dev/xvd" + chr(ord("a") + int(disk["device"]))))
        status, _, body = b.get(b.compute(f"/servers/{host}/os-volume_attachments/{volume_id}"))
        self.assertFault(status, body, 404, "nova")

    @row("Compute", "DELETE", "v2/{tenant_id}/servers/{insance_id}/os-volume_attachments/{volume_id}")
    def test_volume_detach(self):
        volume_id = self.attached_volume()
        self.addCleanup(a.get, a.volume(f"/{volume_id}"), "DELETE")
        self.assertEqual(self.disk(volume_id)["guestId"], int(host))
        status, _, body = a.get(a.compute(f"/servers/{host}/os-volume_attachments/{volume_id}"), method="DELETE")
        self.assertEqual(status, 202, body)
        self.assertIsNone(self.disk(volume_id)["guestId"])


class Images(RowTest):
    @row("Images", "GET", "v2/schemas/images")
    def test_schema_images(self):
        status, _, body = a.get("/image/v2/schemas/images")
        self.assertEqual(status, 200, body)
        self.assertEqual((body["name"], body["properties"]["images"]["items"]["name"]), ("images", "image"))

    @row("Images", "GET", "v2/schemas/image")
    def test_schema_image(self):
        status, _, body = a.get("/image/v2/schemas/image")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["name"], "image")
        self.assertIn("visibility", body["properties"])

    @row("Images", "GET", "v2/images")
    def test_image_list(self):
        status, _, body = a.get("/image/v2/images")
        self.assertEqual(status, 200, body)
        listed = {i["id"]: i for i in body["images"]}
        self.assertEqual(set(listed), templates_of(a))
        for t in a.held()["blockDeviceTemplateGroups"]:
            self.assertEqual((listed[t["globalIdentifier"]]["visibility"], listed[t["globalIdentifier"]]["owner"]),
                             ("private", str(a.id)))
        for t in sim.state()["publicImages"]:
            self.assertEqual(listed[t["globalIdentifier"]]["visibility"], "public")

    @row("Images", "GET", "v2/images/{image_id}")
    def test_image_show(self):
        private = a.held()["blockDeviceTemplateGroups"][0]
        status, _, body = a.get(f"/image/v2/images/{private['globalIdentifier']}")
        self.assertEqual(status, 200, body)
        self.assertEqual((body["name"], body["status"], body["min_disk"]),
                         (private["name"], "active", private["capacity"]))
        status, _, _ = b.get(f"/image/v2/images/{private['globalIdentifier']}")
        self.assertEqual(status, 404)

    @row("Images", "DELETE", "v2/images/{image_id}")
    def test_image_delete(self):
        guid = template_made(a, "row-glance-delete")
        status, _, _ = b.get(f"/image/v2/images/{guid}", method="DELETE")
        self.assertEqual(status, 404)
        status, _, _ = a.get(f"/image/v2/images/{guid}", method="DELETE")
        self.assertEqual(status, 204)
        self.assertNotIn(guid, templates_of(a))
        status, _, _ = a.get(f"/image/v2/images/{sim.state()['publicImages'][0]['globalIdentifier']}", method="DELETE")
        self.assertEqual(status, 403)


class BlockStorage(RowTest):
    def portable(self, account=None):
        return {str(d["id"]): d for d in (account or a).held()["virtualDiskImages"] if d["portable"]}

    def ordered(self, name, size=20):
        """A volume ordered through v1 and made; its id."""
        status, _, body = a.get(a.volume(), method="POST", body={"volume": {"size": size, "display_name": name}})
        self.assertEqual(status, 202, body)
        self.assertTrue(wait_for(lambda: any(d["name"] == name for d in self.portable().values()), 15))
        volume_id = next(i for i, d in self.portable().items() if d["name"] == name)
        self.assertTrue(wait_for(lambda: a.get(a.volume(f"/{volume_id}"))[2]["volume"]["status"] == "available", 15))
        return volume_id

    @row("Block Storage", "GET", "v1/{tenant_id}/types")
    def test_types(self):
        status, _, body = a.get(f"/volume/v1/{a.id}/types")
        self.assertEqual(status, 200, body)
        self.assertEqual([t["name"] for t in body["volume_types"]], ["SAN"])

    @row("Block Storage", "GET", "v1/{tenant_id}/volumes")
    def test_volume_list(self):
        status, _, body = a.get(a.volume())
        self.assertEqual(status, 200, body)
        self.assertEqual({v["id"] for v in body["volumes"]} & set(self.portable(b)), set())
        self.assertTrue(set(self.portable()) <= {v["id"] for v in body["volumes"]})

    @row("Block Storage", "POST", "v1/{tenant_id}/volumes")
    def test_volume_create_orders_portable_storage(self):
        status, _, body = a.get(a.volume(), method="POST",
                                body={"volume": {"size": 15, "display_name": "row-v1", "availability_zone": "dal09"}})
        self.assertEqual(status, 202, body)
        self.assertEqual((body["volume"]["status"], body["volume"]["size"], body["volume"]["display_name"]),
                         ("creating", 20, "row-v1"))
        order = next(o for o in a.held()["orders"] if f"order-{o['id']}" == body["volume"]["id"])
        self.assertEqual([i["categoryCode"] for i in order["items"]], ["portable_storage"])
        self.assertTrue(wait_for(lambda: any(d["name"] == "row-v1" for d in self.portable().values()), 15))
        disk = next(d for d in self.portable().values() if d["name"] == "row-v1")
        self.addCleanup(a.get, a.volume(f"/{disk['id']}"), "DELETE")
        self.assertEqual((disk["capacity"], datacenter_name(disk["datacenterId"])), (20, "dal09"))
        status, _, body = a.get(a.volume(), method="POST", body={"volume": {"size": 5000}})
        self.assertFault(status, body, 400, "nova")

    @row("Block Storage", "GET", "v1/{tenant_id}/volumes/{volume_id}")
    def test_volume_show(self):
        volume_id = self.ordered("row-v1-show")
        self.addCleanup(a.get, a.volume(f"/{volume_id}"), "DELETE")
        status, _, body = a.get(a.volume(f"/{volume_id}"))
        self.assertEqual(status, 200, body)
        self.assertEqual((body["volume"]["display_name"], body["volume"]["size"], body["volume"]["availability_zone"]),
                         ("row-v1-show", 20, "dal10"))
        status, _, body = b.get(b.volume(f"/{volume_id}"))
        self.assertFault(status, body, 404, "nova")

    @row("Block Storage", "DELETE", "v1/{tenant_id}/volumes/{volume_id}")
    def test_volume_delete_cancels_it(self):
        volume_id = self.ordered("row-v1-delete")
        status, _, body = b.get(b.volume(f"/{volume_id}"), method="DELETE")
        self.assertFault(status, body, 404, "nova")
        status, _, _ = a.get(a.volume(f"/{volume_id}"), method="DELETE")
        self.assertEqual(status, 202)
        self.assertNotIn(volume_id, self.portable())

    @row("Block Storage", "GET", "v1/{tenant_id}/volumes/detail")
    def test_volume_detail(self):
        status, _, body = a.get(a.volume("/detail"))
        self.assertEqual(status, 200, body)
        shown = {v["id"]: v for v in body["volumes"]}
        for volume_id, disk in self.portable().items():
            self.assertEqual((shown[volume_id]["size"], shown[volume_id]["volume_type"]), (disk["capacity"], "SAN"))


class Network(RowTest):
    @row("Network", "GET", "v1/{tenant_id}/networks")
    def test_networks_are_the_vlans(self):
        status, _, body = a.get("/network/v2.0/networks")
        self.assertEqual(status, 200, body)
        self.assertEqual({n["id"]: n["name"] for n in body["networks"]},
                         {str(v["id"]): v["name"] for v in a.held()["networkVlans"]})
        self.assertEqual({n["project_id"] for n in body["networks"]}, {str(a.id)})

    @row("Network", "GET", "v1/{tenant_id}/networks/{network_id}")
    def test_network(self):
        vlan = a.held()["networkVlans"][0]
        status, _, body = a.get(f"/network/v2.0/networks/{vlan['id']}")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["network"]["subnets"],
                         [str(s["id"]) for s in a.held()["subnets"] if s["networkVlanId"] == vlan["id"]])
        status, _, body = b.get(f"/network/v2.0/networks/{vlan['id']}")
        self.assertFault(status, body, 404, "neutron")

    @row("Network", "GET", "v1/{tenant_id}/subnets")
    def test_subnets(self):
        status, _, body = a.get("/network/v2.0/subnets")
        self.assertEqual(status, 200, body)
        self.assertEqual({s["id"]: s["cidr"] for s in body["subnets"]},
                         {str(s["id"]): f"{s['networkIdentifier']}/{s['cidr']}" for s in a.held()["subnets"]})

    @row("Network", "GET", "v1/{tenant_id}/subnets/{subnet_id}")
    def test_subnet(self):
        subnet = a.held()["subnets"][0]
        status, _, body = a.get(f"/network/v2.0/subnets/{subnet['id']}")
        self.assertEqual(status, 200, body)
        self.assertEqual((body["subnet"]["network_id"], body["subnet"]["gateway_ip"]),
                         (str(subnet["networkVlanId"]), subnet["gateway"]))
        status, _, body = b.get(f"/network/v2.0/subnets/{subnet['id']}")
        self.assertFault(status, body, 404, "neutron")

    @row("Network", "GET", "v1/{tenant_id}/extensions")
    def test_extensions(self):
        status, _, body = a.get("/network/v2.0/extensions")
        self.assertEqual(status, 200, body)
        self.assertIsInstance(body["extensions"], list)


if __name__ == "__main__":
    unittest.main()
