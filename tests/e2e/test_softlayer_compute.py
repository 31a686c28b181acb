# SPDX-License-Identifier: Apache-2.0
"""The SoftLayer driver (drivers/softlayer) for identity and compute, against the SoftLayer API simulator
(tests/softlayer/simulator.py), through the openstack client: a token from a SoftLayer API key, flavors, zones, key
pairs, a server's life (power, pause, rebuild as an OS reload, an image captured), the server list's filters; after
each step, what the simulator then holds. One account never sees nor touches another's guests; a wrong API key is
refused; an unreachable SoftLayer is a clear 503. The image service is the SoftLayer driver's too: the client finds
the templates a server is made from there."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import unittest
import tempfile
import urllib.request

import softlayer_cloud

from stack import MODULE_DIR, TOP_SRCDIR, Stack, wait_for

# Under the sanitizers: the driver's calls it makes are test_softlayer_seed_rows' and test_softlayer_storage's,
# sent there as raw requests; its minutes here are the clients' start-up (the openstack CLI and slcli).
SANITIZED_RUN = False

DRIVER = os.path.join(MODULE_DIR, "jumpgate_softlayer.so")
SIMULATOR = os.path.join(TOP_SRCDIR, "tests", "softlayer", "simulator.py")
ACCOUNTS = os.path.join(TOP_SRCDIR, "tests", "softlayer", "accounts.json")
C = "/compute/v2.1"

def start_simulator(port=0):
    """The simulator on 127.0.0.1 (any free port, or `port`), provisioning in a second; (process, base URL)."""
    sim = subprocess.Popen([sys.executable, SIMULATOR, "--listen", f"127.0.0.1:{port}", "--provision-seconds", "1"],
                           stdout=subprocess.PIPE, text=True)
    line = sim.stdout.readline().strip()
    assert line.startswith("listening "), line
    return sim, line.split(" ", 1)[1]


def setUpModule():
    global stack, sim, api_url, accounts, a, b, slcli_home
    slcli_home = tempfile.mkdtemp(prefix="softlayer-slcli-")
    if not os.path.exists(DRIVER):
        raise unittest.SkipTest("the SoftLayer driver is not built (no libcurl)")
    sim, api_url = start_simulator()
    stack = None
    try:
        stack = Stack(softlayer_cloud.config(api_url, zone="dal10")).start()
        stack.password = ""  # no local admin: each account's user authenticates with their API key
        with open(ACCOUNTS) as f:
            accounts = json.load(f)["accounts"]
        a, b = (Account(stack, account) for account in accounts[:2])
    except BaseException:
        if stack:
            stack.stop()
        stop_simulator()
        raise


def stop_simulator():
    if sim.poll() is None:
        sim.send_signal(signal.SIGTERM)
        sim.wait(timeout=10)


def tearDownModule():
    stack.stop()
    stop_simulator()
    shutil.rmtree(slcli_home, ignore_errors=True)


def slcli(account, *args):
    """The official SoftLayer client, slcli, as `account`'s user against the same simulator."""
    config = softlayer_cloud.slcli_config(slcli_home, str(account.id), account.user, api_url)
    return softlayer_cloud.slcli(config, *args)


def sim_state():
    """What the simulator holds now (its /_sim/state)."""
    with urllib.request.urlopen(api_url.split("/rest/")[0] + "/_sim/state", timeout=10) as r:
        return json.load(r)


def sim_account(account_id):
    return next(acc for acc in sim_state()["accounts"] if acc["id"] == account_id)


def sim_guest(account_id, guest_id):
    """The simulator's guest of that id in that account, or None."""
    return next((g for g in sim_account(account_id)["virtualGuests"] if g["id"] == int(guest_id)), None)


class Account(softlayer_cloud.Account):
    """A simulated SoftLayer account, waiting for its servers over the API."""

    def server(self, server_id):
        status, _, body = self.get(f"{C}/servers/{server_id}")
        assert status == 200, (status, body)
        return body["server"]

    def wait_status(self, server_id, status, seconds=30):
        """Waits over the API (not the client's --wait, which looks every five seconds) for the server's status."""
        assert wait_for(lambda: self.server(server_id)["status"] == status, seconds), self.server(server_id)


class Identity(unittest.TestCase):
    def test_token_issue_with_the_api_key_names_the_user_and_the_account(self):
        token = a.cli("token", "issue")
        self.assertEqual(token["project_id"], str(a.id))
        self.assertEqual(token["user_id"], str(a.user["id"]))

    def test_a_wrong_api_key_is_refused(self):
        status, _, body = stack.get_json("/identity/v3/auth/tokens", method="POST", auth=False,
                                         body=a.auth(api_key="0" * 64))
        self.assertEqual(status, 401, body)
        self.assertEqual(body["error"]["code"], 401)

    def test_another_account_is_not_a_project_of_the_user(self):
        status, _, body = stack.get_json("/identity/v3/auth/tokens", method="POST", auth=False,
                                         body=dict(a.auth(), auth=dict(a.auth()["auth"], scope={
                                             "project": {"id": str(b.id)}})))
        self.assertEqual(status, 401, body)

    def test_a_revoked_token_is_refused_by_every_worker(self):
        status, hdrs, _ = stack.request("POST", "/identity/v3/auth/tokens", auth=False, body=a.auth())
        token = hdrs["x-subject-token"]
        status, _, _ = stack.request("GET", f"{C}/flavors", headers={"X-Auth-Token": token}, auth=False)
        self.assertEqual(status, 200)
        status, _, _ = stack.request("DELETE", "/identity/v3/auth/tokens",
                                     headers={"X-Auth-Token": a.token, "X-Subject-Token": token}, auth=False)
        self.assertEqual(status, 204)
        for _ in range(6):  # two workers: each is asked several times
            status, _, _ = stack.request("GET", f"{C}/flavors", headers={"X-Auth-Token": token}, auth=False)
            self.assertEqual(status, 401)


class Compute(unittest.TestCase):
    """A server's life, in order; each step checks the simulator."""

    @classmethod
    def setUpClass(cls):
        cls.image_id = accounts_file_public_images()[0]["globalIdentifier"]

    def test_1_flavors_and_zones(self):
        flavors = {f["Name"]: f for f in a.cli("flavor", "list")}
        self.assertEqual(sorted(flavors), ["sl.large", "sl.medium", "sl.small", "sl.tiny", "sl.xlarge"])
        self.assertEqual((flavors["sl.small"]["VCPUs"], flavors["sl.small"]["RAM"]), (1, 2048))
        zones = [z["Zone Name"] for z in a.cli("availability", "zone", "list", "--compute")]
        self.assertEqual(sorted(zones), sorted(d["name"] for d in sim_state()["datacenters"]))

    def test_2_keypairs_are_ssh_keys(self):
        private_key = a.cli("keypair", "create", "jg-key", parse=False)  # the client prints the key alone
        self.assertIn("BEGIN RSA PRIVATE KEY", private_key)
        keys = {k["label"]: k for k in sim_account(a.id)["sshKeys"]}
        self.assertIn("jg-key", keys)
        self.assertTrue(keys["jg-key"]["key"].startswith("ssh-rsa "))
        self.assertIn("jg-key", [k["Name"] for k in a.cli("keypair", "list")])
        self.assertNotIn("jg-key", [k["Name"] for k in b.cli("keypair", "list")])
        a.cli("keypair", "create", "jg-gone", parse=False)
        a.cli("keypair", "delete", "jg-gone", parse=False)
        self.assertNotIn("jg-gone", [k["label"] for k in sim_account(a.id)["sshKeys"]])

    def test_3_server_life(self):
        made = a.cli("server", "create", "--flavor", "sl.small", "--image", self.image_id, "--key-name", "jg-key",
                     "--availability-zone", "dal10", "web-1")
        server_id = made["id"]
        guest = sim_guest(a.id, server_id)
        self.assertIsNotNone(guest)
        self.assertEqual((guest["hostname"], guest["startCpus"], guest["maxMemory"]), ("web-1", 1, 2048))
        self.assertEqual(guest["datacenterId"], next(d["id"] for d in sim_state()["datacenters"] if d["name"] == "dal10"))
        self.assertEqual(len(guest["sshKeyIds"]), 1)
        a.wait_status(server_id, "ACTIVE")

        shown = a.cli("server", "show", server_id)
        self.assertEqual((shown["name"], shown["status"], shown["flavor"]), ("web-1", "ACTIVE", "sl.small (2)"))
        self.assertEqual(shown["project_id"], str(a.id))
        guest = sim_guest(a.id, server_id)
        self.assertEqual(shown["addresses"], {"private": [guest["primaryBackendIpAddress"]],
                                              "public": [guest["primaryIpAddress"]]})
        self.assertEqual(shown["OS-EXT-AZ:availability_zone"], "dal10")
        self.assertEqual(shown["key_name"], "jg-key")

        # The official SoftLayer client sees the guest the openstack client made, as the driver made it.
        listed = {str(g["id"]): g for g in slcli(a, "vs", "list")}
        self.assertEqual((listed[server_id]["hostname"], listed[server_id]["datacenter"]), ("web-1", "dal10"))
        self.assertEqual(listed[server_id]["primary_ip"], guest["primaryIpAddress"])
        detail = slcli(a, "vs", "detail", server_id)
        self.assertEqual((detail["cores"], detail["memory"], detail["state"], detail["status"]),
                         (1, 2048, "RUNNING", "ACTIVE"))
        self.assertNotIn(server_id, [str(g["id"]) for g in slcli(b, "vs", "list")])

        a.cli("server", "reboot", "--soft", server_id, parse=False)
        self.assertEqual(sim_guest(a.id, server_id)["powerState"], "RUNNING")
        a.cli("server", "stop", server_id, parse=False)
        self.assertEqual(sim_guest(a.id, server_id)["powerState"], "HALTED")
        self.assertEqual(a.server(server_id)["status"], "SHUTOFF")
        # A stopped server cannot be stopped: Nova's conflict, before SoftLayer is asked.
        status, _, body = a.get(f"{C}/servers/{server_id}/action", method="POST", body={"os-stop": None})
        self.assertEqual(status, 409, body)
        a.cli("server", "start", server_id, parse=False)
        self.assertEqual(sim_guest(a.id, server_id)["powerState"], "RUNNING")
        self.assertEqual(a.server(server_id)["status"], "ACTIVE")
        a.cli("server", "set", "--name", "web-2", "--property", "role=web", server_id, parse=False)
        guest = sim_guest(a.id, server_id)
        self.assertEqual(guest["hostname"], "web-2")
        self.assertIn("role=web", guest["tags"])
        self.assertEqual(a.server(server_id)["metadata"], {"role": "web"})

        # The other account sees nothing of it and changes nothing.
        self.assertNotIn(server_id, [s["ID"] for s in b.cli("server", "list")])
        for method, path, body in (("GET", f"{C}/servers/{server_id}", None),
                                   ("PUT", f"{C}/servers/{server_id}", {"server": {"name": "taken"}}),
                                   ("POST", f"{C}/servers/{server_id}/action", {"os-stop": None}),
                                   ("POST", f"{C}/servers/{server_id}/action", {"reboot": {"type": "HARD"}}),
                                   ("DELETE", f"{C}/servers/{server_id}", None)):
            status, _, answer = b.get(path, method=method, body=body)
            self.assertEqual(status, 404, (method, path, answer))
        guest = sim_guest(a.id, server_id)
        self.assertEqual((guest["hostname"], guest["powerState"]), ("web-2", "RUNNING"))

        self.assertEqual(slcli(a, "vs", "detail", server_id)["hostname"], "web-2")
        a.cli("server", "delete", server_id, parse=False)
        self.assertIsNone(sim_guest(a.id, server_id))
        self.assertNotIn(server_id, [str(g["id"]) for g in slcli(a, "vs", "list")])
        status, _, _ = a.get(f"{C}/servers/{server_id}")
        self.assertEqual(status, 404)

    def made(self, name, flavor, image, zone):
        server_id = a.cli("server", "create", "--flavor", flavor, "--image", image, "--availability-zone", zone,
                          name)["id"]
        self.addCleanup(a.get, f"{C}/servers/{server_id}", "DELETE")
        return server_id

    def events(self, server_id):
        return [e["eventName"] for e in sim_account(a.id)["eventLogs"] if e["objectId"] == int(server_id)]

    def test_5_pause_rebuild_and_capture(self):
        server_id = self.made("jg-life", "sl.tiny", self.image_id, "dal10")
        a.wait_status(server_id, "ACTIVE")
        a.cli("server", "pause", server_id, parse=False)
        self.assertEqual((sim_guest(a.id, server_id)["powerState"], a.server(server_id)["status"]), ("PAUSED", "PAUSED"))
        status, _, body = a.get(f"{C}/servers/{server_id}/action", method="POST", body={"pause": None})
        self.assertEqual(status, 409, body)
        a.cli("server", "unpause", server_id, parse=False)
        self.assertEqual((sim_guest(a.id, server_id)["powerState"], a.server(server_id)["status"]), ("RUNNING", "ACTIVE"))

        # A rebuild is an OS reload from the template the client names (by name, through the image service).
        private = sim_account(a.id)["blockDeviceTemplateGroups"][0]
        a.cli("server", "rebuild", "--image", private["name"], server_id)
        guest = sim_guest(a.id, server_id)
        self.assertEqual(guest["blockDeviceTemplateGroupId"], private["id"])
        self.assertEqual(self.events(server_id)[-1], "OS Reload")
        a.wait_status(server_id, "ACTIVE")
        self.assertEqual(a.server(server_id)["image"]["id"], private["globalIdentifier"])

        # An image created from the server is a template SoftLayer captures from its boot disk.
        made = a.cli("server", "image", "create", "--name", "jg-capture", server_id)
        captured = next(t for t in sim_account(a.id)["blockDeviceTemplateGroups"] if t["name"] == "jg-capture")
        self.assertEqual(made["id"], captured["globalIdentifier"])
        self.assertEqual(self.events(server_id)[-1], "Image Capture")
        assert wait_for(lambda: a.cli("image", "show", "jg-capture")["status"] == "active", 15)
        a.wait_status(server_id, "ACTIVE")
        a.cli("image", "delete", "jg-capture", parse=False)
        self.assertNotIn("jg-capture", [t["name"] for t in sim_account(a.id)["blockDeviceTemplateGroups"]])

    def test_6_list_filters(self):
        private = sim_account(a.id)["blockDeviceTemplateGroups"][0]
        tiny = self.made("jg-filter-a", "sl.tiny", self.image_id, "dal10")
        medium = self.made("jg-filter-b", "sl.medium", private["globalIdentifier"], "dal09")
        a.wait_status(tiny, "ACTIVE")
        a.wait_status(medium, "ACTIVE")
        time.sleep(1.1)  # SoftLayer's times are in whole seconds: what changes next is later than `since`
        since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        a.cli("server", "stop", medium, parse=False)
        a.wait_status(medium, "SHUTOFF")

        def names(*filters):
            return sorted(s["Name"] for s in a.cli("server", "list", *filters))

        self.assertEqual(names("--name", "^jg-filter"), ["jg-filter-a", "jg-filter-b"])
        self.assertEqual(names("--name", "filter-b$"), ["jg-filter-b"])
        self.assertEqual(names("--name", "^jg-filter", "--status", "SHUTOFF"), ["jg-filter-b"])
        self.assertEqual(names("--name", "^jg-filter", "--status", "ACTIVE"), ["jg-filter-a"])
        self.assertEqual(names("--flavor", "sl.medium"), ["jg-filter-b"])
        self.assertEqual(names("--image", private["name"]), ["jg-filter-b"])
        self.assertEqual(names("--changes-since", since), ["jg-filter-b"])
        # From 2.83 anyone filters by zone; before, only an admin, and another's zone filter is ignored.
        self.assertEqual(sorted(s["Name"] for s in a.cli("--os-compute-api-version", "2.83", "server", "list", "--name",
                                                         "^jg-filter", "--availability-zone", "dal09")),
                         ["jg-filter-b"])
        for version, expected in (("2.83", ["jg-filter-b"]), ("2.82", ["jg-filter-b", "jg-filter-a"])):
            status, _, body = a.get(f"{C}/servers?name=^jg-filter&availability_zone=^dal0", headers={
                "OpenStack-API-Version": f"compute {version}"})
            self.assertEqual((status, [s["name"] for s in body["servers"]]), (200, expected), version)
        self.assertEqual(names("--name", "^jg-filter", "--limit", "1"), ["jg-filter-b"])
        self.assertEqual(b.cli("server", "list", "--name", "^jg-filter"), [])

    def test_4_limits_count_the_account(self):
        limits = {l["Name"]: l["Value"] for l in a.cli("limits", "show", "--absolute")}
        account = sim_account(a.id)
        self.assertEqual(limits["totalInstancesUsed"], len(account["virtualGuests"]))
        self.assertEqual(limits["totalCoresUsed"], sum(g["maxCpu"] for g in account["virtualGuests"]))
        self.assertEqual(limits["maxTotalInstances"], -1)
        # The client asks Cinder's limits too: the account's portable storage, with no limit SoftLayer shows.
        portable = [d for d in account["virtualDiskImages"] if d["portable"]]
        self.assertGreater(len(portable), 0)
        self.assertEqual((limits["totalVolumesUsed"], limits["maxTotalVolumes"]), (len(portable), -1))
        self.assertEqual(limits["totalGigabytesUsed"], sum(d["capacity"] for d in portable))


def accounts_file_public_images():
    with open(ACCOUNTS) as f:
        return json.load(f)["publicImages"]


class Unreachable(unittest.TestCase):
    def test_an_unreachable_softlayer_is_a_503_soon(self):
        global sim
        port = int(api_url.split(":")[2].split("/")[0])
        stop_simulator()
        try:
            started = time.monotonic()
            status, _, body = a.get(f"{C}/servers/detail")
            self.assertEqual(status, 503, body)
            self.assertEqual(body["serviceUnavailable"]["code"], 503)
            self.assertNotIn("softlayer", body["serviceUnavailable"]["message"].lower())
            self.assertLess(time.monotonic() - started, 10)
            self.assertIn("softlayer: SoftLayer_Account/", stack.log())
        finally:
            sim, _ = start_simulator(port)


if __name__ == "__main__":
    unittest.main()
