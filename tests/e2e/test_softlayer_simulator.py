# SPDX-License-Identifier: Apache-2.0
"""The SoftLayer API simulator is faithful enough to test the SoftLayer driver against: Debian's official client,
slcli (python3-softlayer), lists, shows, creates, powers and cancels guests, lists images, adds and removes SSH
keys through it and prints what the simulator holds; each account sees only its own objects; and the REST
conventions (masks, filters, result limits, error bodies, the method-less URL forms) hold as the real API's."""
import base64
import hashlib
import os
import shutil
import tempfile
import unittest

from softlayer_cloud import Simulator, accounts, slcli_config
from softlayer_cloud import slcli as run_slcli
from stack import wait_for

# Left out of make check-asan: it checks the Python simulator against slcli, and runs no worker.
SANITIZED_RUN = False

SLCLI = shutil.which("slcli")
SV = "SoftLayer_Virtual_Guest"


def setUpModule():
    global sim, alice, bob, home
    alice, bob = accounts()[:2]
    sim = Simulator(provision_seconds=1)
    home = tempfile.mkdtemp(prefix="softlayer-slcli-")
    for name, account, key in (("alice", alice, None), ("bob", bob, None), ("wrong", alice, "0" * 64)):
        slcli_config(home, name, account, sim.url, api_key=key)


def tearDownModule():
    status = sim.stop()
    log = sim.log()
    shutil.rmtree(home, ignore_errors=True)
    os.unlink(sim.log_file.name)
    assert status == 0, f"the simulator exited {status}"
    assert '" 500 ' not in log and "Traceback" not in log, "a request got a 500:\n" + log[-4000:]


def slcli(who, *args, check=True):
    """slcli run as `who` (alice, bob, wrong, or a configuration a test wrote in `home`)."""
    return run_slcli(os.path.join(home, f"{who}.conf"), *args, check=check)


def guests_of(account, simulator=None):
    return (simulator or sim).account_state(account["id"])["virtualGuests"]


@unittest.skipUnless(SLCLI, "slcli (python3-softlayer) is not installed")
class SlcliReads(unittest.TestCase):
    def test_vs_list_shows_the_accounts_guests_as_held(self):
        for account, who in ((alice, "alice"), (bob, "bob")):
            listed = {g["id"]: g for g in slcli(who, "vs", "list")}
            held = {g["id"]: g for g in guests_of(account)}
            self.assertEqual(sorted(listed), sorted(held))
            for guest_id, guest in held.items():
                row = listed[guest_id]
                dc = next(d for d in sim.state()["datacenters"] if d["id"] == guest["datacenterId"])
                self.assertEqual((row["hostname"], row["domain"], row["datacenter"]),
                                 (guest["hostname"], guest["domain"], dc["name"]))
                self.assertEqual((row["primary_ip"], row["backend_ip"]),
                                 (guest["primaryIpAddress"], guest["primaryBackendIpAddress"]))

    def test_vs_list_filters(self):
        self.assertEqual(slcli("alice", "vs", "list", "--datacenter", "ams01"), [])
        self.assertEqual([g["hostname"] for g in slcli("alice", "vs", "list", "--datacenter", "dal10")], ["web-a1"])
        self.assertEqual([g["hostname"] for g in slcli("alice", "vs", "list", "--hostname", "web*")], ["web-a1"])
        self.assertEqual(slcli("alice", "vs", "list", "--monthly"), [])
        self.assertEqual([g["hostname"] for g in slcli("bob", "vs", "list", "--monthly")], ["db-b1"])
        self.assertEqual([g["hostname"] for g in slcli("alice", "vs", "list", "--tag", "web")], ["web-a1"])

    def test_vs_detail(self):
        guest = guests_of(bob)[0]
        shown = slcli("bob", "vs", "detail", str(guest["id"]))
        self.assertEqual((shown["hostname"], shown["fqdn"], shown["datacenter"]), ("db-b1", "db-b1.example.org", "ams01"))
        self.assertEqual((shown["status"], shown["state"]), ("ACTIVE", "HALTED"))
        self.assertEqual((shown["cores"], shown["memory"], shown["billing"]), (2, 4096, "Monthly"))
        self.assertEqual((shown["public_ip"], shown["private_ip"]),
                         (guest["primaryIpAddress"], guest["primaryBackendIpAddress"]))
        self.assertEqual((shown["os"], shown["owner"]), ("Debian", bob["username"]))
        self.assertEqual(sorted(v["type"] for v in shown["vlans"]), ["PRIVATE", "PUBLIC"])
        self.assertEqual([d["Type"] for d in shown["drives"]], ["System", "Swap"])

    def test_image_list_shows_the_accounts_and_the_public_images(self):
        for account, who in ((alice, "alice"), (bob, "bob")):
            listed = {i["name"]: i for i in slcli(who, "image", "list")}
            own = [i["name"] for i in sim.account_state(account["id"])["blockDeviceTemplateGroups"]]
            public = [i["name"] for i in sim.state()["publicImages"]]
            self.assertEqual(sorted(listed), sorted(own + public))
            self.assertEqual({listed[n]["visibility"] for n in own}, {"PRIVATE"})
            self.assertEqual({listed[n]["visibility"] for n in public}, {"PUBLIC"})
            self.assertEqual({listed[n]["account"] for n in own}, {account["id"]})

    def test_image_detail_shows_the_templates_disks(self):
        # Its mask names blockDevices, whose disk images hold relational properties of their own.
        image = sim.account_state(alice["id"])["blockDeviceTemplateGroups"][0]
        shown = slcli("alice", "image", "detail", str(image["id"]))
        self.assertEqual((shown["id"], shown["global_identifier"], shown["name"]),
                         (image["id"], image["globalIdentifier"], image["name"]))
        self.assertEqual(shown["datacenters"], [
            {"DC": next(d["name"] for d in sim.state()["datacenters"] if d["id"] == dc),
             "size": image["capacity"] * 1024 ** 3, "transaction": None} for dc in image["datacenterIds"]])

    def test_sshkey_add_list_remove(self):
        # An OpenSSH ed25519 public key; its fingerprint as `ssh-keygen -l -E md5` prints it.
        blob = b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + os.urandom(32)
        public_key = "ssh-ed25519 " + base64.b64encode(blob).decode() + " carol@example"
        digest = hashlib.md5(blob).hexdigest()
        expected = ":".join(digest[i:i + 2] for i in range(0, 32, 2))
        path = os.path.join(home, "carol.pub")
        with open(path, "w") as f:
            f.write(public_key + "\n")
        added = slcli("alice", "sshkey", "add", "-f", path, "--note", "ci", "carol")
        self.assertIn(expected, added)
        held = next(k for k in sim.account_state(alice["id"])["sshKeys"] if k["label"] == "carol")
        self.assertEqual(held["key"], public_key)
        listed = {k["label"]: k for k in slcli("alice", "sshkey", "list")}
        self.assertEqual((listed["carol"]["fingerprint"], listed["carol"]["notes"], listed["carol"]["id"]),
                         (expected, "ci", held["id"]))
        self.assertNotIn("carol", [k["label"] for k in slcli("bob", "sshkey", "list")])
        slcli("alice", "sshkey", "remove", str(held["id"]))
        self.assertNotIn(held["id"], [k["id"] for k in sim.account_state(alice["id"])["sshKeys"]])
        self.assertNotIn("carol", [k["label"] for k in slcli("alice", "sshkey", "list")])

    def test_portable_storage_of_a_guest_and_block_volumes(self):
        guest = guests_of(bob)[0]
        volume = next(d for d in sim.account_state(bob["id"])["virtualDiskImages"] if d["portable"])
        status, _, body = sim.call(bob, SV, "attachDiskImage", guest["id"], [volume["id"]])
        self.assertEqual(status, 200, body)
        try:
            shown = slcli("bob", "vs", "storage", str(guest["id"]))
            portable = [table for table in shown if isinstance(table, list) and table and "Description" in table[0]]
            self.assertEqual(portable, [[{"Description": volume["description"], "Capacity": volume["capacity"]}]], shown)
            self.assertEqual(shown[-1][-1], {"Type": "System", "Name": "Disk", "Drive": "2",
                                             "Capacity": f"{volume['capacity']} GB"})
            held = next(d for d in sim.account_state(bob["id"])["virtualDiskImages"] if d["id"] == volume["id"])
            self.assertEqual((held["guestId"], held["device"]), (guest["id"], "2"))
        finally:
            status, _, body = sim.call(bob, SV, "detachDiskImage", guest["id"], [volume["id"]])
            self.assertEqual(status, 200, body)
        # No account here has block (iSCSI) storage; the list is empty, as the real API's is for such an account.
        self.assertEqual(slcli("alice", "block", "volume-list"), [])


@unittest.skipUnless(SLCLI, "slcli (python3-softlayer) is not installed")
class SlcliLifecycle(unittest.TestCase):
    def test_create_power_reboot_cancel(self):
        # A simulator of its own, whose provisioning outlasts the next slcli run however slow the machine.
        slow = Simulator(provision_seconds=15)  # 5 s were outlasted by three slcli starts under a load of 14

        def stop():
            self.assertEqual(slow.stop(), 0)
            os.unlink(slow.log_file.name)
        self.addCleanup(stop)
        slcli_config(home, "slow", alice, slow.url)
        created = slcli("slow", "vs", "create", "--hostname", "life1", "--domain", "example.com", "--cpu", "2",
                        "--memory", "2048", "--datacenter", "dal10", "--os", "DEBIAN_12_64", "--key", "alice-laptop",
                        "--tag", "ci", "--tag", "life", "--userdata", "#cloud-config")[0]
        guest_id = created[0]["ID"]
        self.assertEqual(created[0]["FQDN"], "life1.example.com")
        held = next(g for g in guests_of(alice, slow) if g["id"] == guest_id)
        self.assertEqual((held["startCpus"], held["maxMemory"], held["operatingSystemReferenceCode"]),
                         (2, 2048, "DEBIAN_12_64"))
        self.assertEqual((held["sshKeyIds"], held["userData"], held["tags"]), ([910001], ["#cloud-config"], ["ci", "life"]))
        self.assertEqual(created[0]["guid"], held["globalIdentifier"])

        # Provisioning: a transaction and no provision date, then ready by the clock.
        self.assertIsNone(held["provisionDate"])
        self.assertIsNotNone(held["activeTransaction"])
        run = slcli("slow", "vs", "ready", str(guest_id), check=False)
        self.assertEqual((run.returncode, run.stdout.strip()), (2, f"Instance {guest_id} not ready"))
        self.assertTrue(wait_for(lambda: slcli("slow", "vs", "ready", str(guest_id), check=False).returncode == 0, 60))
        held = next(g for g in guests_of(alice, slow) if g["id"] == guest_id)
        self.assertEqual((held["powerState"], held["activeTransaction"]), ("RUNNING", None))
        self.assertIsNotNone(held["provisionDate"])

        # Two guests now: a one-row page makes slcli page through them with SoftLayer-Total-Items.
        self.assertEqual(sorted(g["id"] for g in slcli("slow", "vs", "list", "--limit", "1")),
                         sorted(g["id"] for g in guests_of(alice, slow)))
        shown = slcli("slow", "vs", "detail", str(guest_id))
        self.assertEqual((shown["state"], shown["cores"], shown["os"], shown["tags"]), ("RUNNING", 2, "Debian", ["ci", "life"]))

        def power(command, expected):
            slcli("slow", "vs", command, str(guest_id))
            self.assertEqual(next(g for g in guests_of(alice, slow) if g["id"] == guest_id)["powerState"], expected)
            self.assertEqual(slcli("slow", "vs", "detail", str(guest_id))["state"], expected)

        power("power-off", "HALTED")
        power("power-on", "RUNNING")
        power("reboot", "RUNNING")
        power("pause", "PAUSED")
        power("resume", "RUNNING")
        status, _, events = slow.call(alice, "SoftLayer_Event_Log", "getAllObjects",
                                     object_filter={"objectId": {"operation": guest_id}})
        self.assertEqual(status, 200, events)
        self.assertEqual([e["eventName"] for e in reversed(events)],
                         ["Create", "Power Off", "Power On", "Reboot", "Pause", "Resume"])

        slcli("slow", "vs", "cancel", str(guest_id))
        self.assertNotIn(guest_id, [g["id"] for g in guests_of(alice, slow)])
        self.assertNotIn(guest_id, [g["id"] for g in slcli("slow", "vs", "list")])
        status, _, body = slow.call(alice, SV, "getObject", guest_id)
        self.assertEqual((status, body["code"]), (404, "SoftLayer_Exception_ObjectNotFound"))

        self.assertNotIn('" 500 ', slow.log())

    def test_create_from_a_private_image_and_rejected_creates(self):
        image = sim.account_state(alice["id"])["blockDeviceTemplateGroups"][0]
        created = slcli("alice", "vs", "create", "-H", "img1", "-D", "example.com", "-c", "1", "-m", "1024",
                        "-d", "dal10", "--image", str(image["id"]))[0]
        guest_id = created[0]["ID"]
        self.addCleanup(sim.call, alice, SV, "deleteObject", guest_id)
        held = next(g for g in guests_of(alice) if g["id"] == guest_id)
        self.assertEqual(held["blockDeviceTemplateGroupId"], image["id"])
        slcli("alice", "vs", "cancel", str(guest_id))
        # Another account's private image is unknown to alice; a datacenter that does not exist is refused.
        other = sim.account_state(bob["id"])["blockDeviceTemplateGroups"][0]
        run = slcli("alice", "vs", "create", "-H", "x1", "-D", "example.com", "-c", "1", "-m", "1024", "-d", "dal10",
                    "--image", str(other["id"]), check=False)
        self.assertIn(f"SoftLayerAPIError(404): Unable to find object with id of '{other['id']}'.", run.stdout)
        run = slcli("alice", "vs", "create", "-H", "x2", "-D", "example.com", "-c", "1", "-m", "1024", "-d", "nowhere",
                    "-o", "DEBIAN_12_64", check=False)
        self.assertNotEqual(run.returncode, 0)
        self.assertIn("SoftLayerAPIError(400)", run.stdout)
        self.assertEqual(sorted(g["hostname"] for g in guests_of(alice)), ["web-a1"])


@unittest.skipUnless(SLCLI, "slcli (python3-softlayer) is not installed")
class SlcliAccounts(unittest.TestCase):
    def test_another_accounts_guest_is_not_found(self):
        theirs = guests_of(alice)[0]
        for args in (("vs", "detail"), ("vs", "power-off"), ("vs", "cancel")):
            run = slcli("bob", *args, str(theirs["id"]), check=False)
            self.assertEqual(run.returncode, 1, run)
            self.assertIn(f"SoftLayerAPIError(404): Unable to find object with id of '{theirs['id']}'.", run.stdout)
        held = next(g for g in guests_of(alice) if g["id"] == theirs["id"])
        self.assertEqual(held["powerState"], theirs["powerState"])

    def test_another_accounts_key_and_image_are_not_found(self):
        key = sim.account_state(alice["id"])["sshKeys"][0]
        run = slcli("bob", "sshkey", "remove", str(key["id"]), check=False)
        self.assertIn(f"SoftLayerAPIError(404): Unable to find object with id of '{key['id']}'.", run.stdout)
        self.assertIn(key["id"], [k["id"] for k in sim.account_state(alice["id"])["sshKeys"]])
        image = sim.account_state(alice["id"])["blockDeviceTemplateGroups"][0]
        run = slcli("bob", "image", "detail", str(image["id"]), check=False)
        self.assertIn(f"SoftLayerAPIError(404): Unable to find object with id of '{image['id']}'.", run.stdout)

    def test_a_wrong_api_key_is_access_denied(self):
        run = slcli("wrong", "vs", "list", check=False)
        self.assertEqual(run.returncode, 1)
        self.assertEqual(run.stdout.strip(), "SoftLayerAPIError(401): Access Denied.")


class Conventions(unittest.TestCase):
    def test_a_mask_keeps_the_local_properties_it_names_and_adds_the_relations(self):
        guest_id = guests_of(alice)[0]["id"]
        _, _, bare = sim.call(alice, SV, "getObject", guest_id)
        self.assertIn("hostname", bare)
        self.assertFalse({"datacenter", "powerState", "tagReferences"} & set(bare))
        _, _, relations = sim.call(alice, SV, "getObject", guest_id, mask="mask[datacenter.name,powerState]")
        self.assertEqual((relations["hostname"], relations["datacenter"], relations["powerState"]["keyName"]),
                         ("web-a1", {"name": "dal10"}, "RUNNING"))
        _, _, named = sim.call(alice, SV, "getObject", guest_id,
                               mask="mask[id, hostname, tagReferences[tag[name]], networkComponents[primaryIpAddress]]")
        self.assertEqual(sorted(named), ["hostname", "id", "networkComponents", "tagReferences"])
        self.assertEqual(named["networkComponents"], [{"primaryIpAddress": "10.171.20.2"}, {"primaryIpAddress": "169.45.10.2"}])
        # A level whose mask names only relational properties keeps its local ones.
        self.assertEqual((named["tagReferences"][0]["tag"], named["tagReferences"][0]["resourceTableId"]),
                         ({"name": "web"}, guest_id))
        # softlayer-python sends a bare property list as mask[...]; other clients send it bare.
        _, _, bare_list = sim.call(alice, SV, "getObject", guest_id, mask="id,hostname")
        self.assertEqual(bare_list, {"id": guest_id, "hostname": "web-a1"})
        status, _, body = sim.call(alice, SV, "getObject", guest_id, mask="mask[id,")
        self.assertEqual((status, body["code"]), (400, "SoftLayer_Exception_WebService_BadRequest"))

    def test_relations_inside_an_objects_local_properties_follow_the_mask(self):
        template = sim.account_state(alice["id"])["blockDeviceTemplateGroups"][0]
        group = "SoftLayer_Virtual_Guest_Block_Device_Template_Group"
        status, _, body = sim.call(alice, group, "getObject", template["id"], mask="mask[id,blockDevices]")
        self.assertEqual(status, 200, body)
        self.assertEqual([sorted(d) for d in body["blockDevices"]], [["device", "id"]])
        status, _, body = sim.call(alice, group, "getObject", template["id"],
                                   mask="mask[id,blockDevices[diskImage[softwareReferences[softwareDescription]]]]")
        self.assertEqual(status, 200, body)
        disk = body["blockDevices"][0]["diskImage"]
        self.assertEqual((disk["capacity"], disk["softwareReferences"][0]["softwareDescription"]["referenceCode"]),
                         (template["capacity"], template["operatingSystemReferenceCode"]))
        status, _, body = sim.call(alice, "SoftLayer_Account", "getPrivateBlockDeviceTemplateGroups",
                                   mask="mask[id,blockDevices[diskImage]]")
        self.assertEqual(status, 200, body)
        self.assertEqual(body[0]["blockDevices"][0]["diskImage"], {"capacity": template["capacity"], "units": "GB"})

    def test_filters(self):
        def names(object_filter, method="getDatacenters", service="SoftLayer_Location_Datacenter", field="name"):
            status, headers, body = sim.call(alice, service, method, object_filter=object_filter, mask=f"mask[{field}]")
            self.assertEqual(status, 200, body)
            return [d[field] for d in body]

        self.assertEqual(names({"name": {"operation": "dal10"}}), ["dal10"])
        self.assertEqual(names({"name": {"operation": "^= DAL"}}), ["dal10", "dal09"])
        self.assertEqual(names({"name": {"operation": "$= 01"}}), ["ams01"])
        self.assertEqual(names({"longName": {"operation": "*= allas"}}), ["dal10", "dal09"])
        self.assertEqual(names({"longName": {"operation": "~ Dallas 1"}}), ["dal10"])
        self.assertEqual(names({"longName": {"operation": "~ dallas"}}), [])
        self.assertEqual(names({"id": {"operation": "> 400000"}}), ["dal10", "dal09"])
        self.assertEqual(names({"id": {"operation": "< 300000"}}), ["ams01"])
        self.assertEqual(names({"name": {"operation": "in", "options": [{"name": "data", "value": ["ams01", "dal09"]}]}}),
                         ["dal09", "ams01"])
        self.assertEqual(names({"id": {"operation": "orderBy", "options": [{"name": "sort", "value": ["ASC"]}]}}),
                         ["ams01", "dal09", "dal10"])
        # Nested relational paths, under the relational property's name for an Account getter.
        self.assertEqual(names({"virtualGuests": {"datacenter": {"name": {"operation": "dal10"}}}},
                               "getVirtualGuests", "SoftLayer_Account", "hostname"), ["web-a1"])
        self.assertEqual(names({"virtualGuests": {"datacenter": {"name": {"operation": "ams01"}}}},
                               "getVirtualGuests", "SoftLayer_Account", "hostname"), [])
        self.assertEqual(names({"virtualGuests": {"tagReferences": {"tag": {"name": {"operation": "web"}}}}},
                               "getVirtualGuests", "SoftLayer_Account", "hostname"), ["web-a1"])
        status, _, body = sim.request("GET", sim.base + "SoftLayer_Location_Datacenter/getDatacenters.json?objectFilter={nope",
                                      headers=self.auth())
        self.assertEqual((status, body["code"]), (400, "SoftLayer_Exception_WebService_BadRequest"))

    def auth(self, account=None):
        account = account or alice
        return {"Authorization": "Basic " + base64.b64encode(f"{account['username']}:{account['apiKey']}".encode()).decode()}

    def test_result_limit_pages_with_the_total(self):
        pages = []
        for offset in (0, 2):
            status, headers, body = sim.call(alice, "SoftLayer_Location_Datacenter", "getDatacenters", limit=(offset, 2),
                                             mask="mask[id]")
            self.assertEqual((status, headers.get("SoftLayer-Total-Items")), (200, "3"))
            pages.append(body)
        self.assertEqual([len(p) for p in pages], [2, 1])
        self.assertEqual(len({d["id"] for p in pages for d in p}), 3)
        status, headers, body = sim.call(alice, "SoftLayer_Account", "getVirtualGuests")
        self.assertEqual(headers.get("SoftLayer-Total-Items"), str(len(body)))
        status, _, body = sim.request("GET", sim.base + "SoftLayer_Account/getVirtualGuests.json?resultLimit=a,b",
                                      headers=self.auth())
        self.assertEqual((status, body["code"]), (400, "SoftLayer_Exception_WebService_BadRequest"))

    def test_error_bodies(self):
        status, _, body = sim.call(alice, SV, "getObject", 12345)
        self.assertEqual((status, body), (404, {"error": "Unable to find object with id of '12345'.",
                                                "code": "SoftLayer_Exception_ObjectNotFound"}))
        status, _, body = sim.call(alice, SV, "getObject", guests_of(alice)[0]["id"], api_key="wrong")
        self.assertEqual((status, body), (401, {"error": "Access Denied. ", "code": "SoftLayer_Exception_Public"}))
        status, _, body = sim.request("GET", sim.base + "SoftLayer_Account/getObject.json")
        self.assertEqual((status, body["code"]), (401, "SoftLayer_Exception_Public"))
        status, _, body = sim.call(alice, SV, "noSuchMethod", guests_of(alice)[0]["id"])
        self.assertEqual((status, body["code"]), (404, "SoftLayer_Exception_Public"))
        self.assertIn("is not a valid method", body["error"])
        status, _, body = sim.request("POST", sim.base + "SoftLayer_Security_Ssh_Key/createObject.json", b"{not json",
                                      headers=self.auth())
        self.assertEqual((status, body["code"]), (400, "SoftLayer_Exception_WebService_BadRequest"))
        status, _, body = sim.call(alice, SV, "createObject", parameters=[{"hostname": "x", "domain": "example.com"}])
        self.assertEqual((status, body["code"]), (400, "SoftLayer_Exception_MissingCreationProperty"))
        self.assertIn("'startCpus'", body["error"])

    def test_method_less_urls_choose_the_method_by_verb(self):
        key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMgoyFXhb3yZ0p1P8Ldx6rlZxVdFLR5C3x4mUcdkL0Rj dave@example"
        status, _, created = sim.call(alice, "SoftLayer_Security_Ssh_Key", parameters=[{"label": "dave", "key": key}])
        self.assertEqual((status, created["label"]), (200, "dave"))
        status, _, shown = sim.call(alice, "SoftLayer_Security_Ssh_Key", object_id=created["id"])
        self.assertEqual((status, shown["key"]), (200, key))
        status, _, edited = sim.call(alice, "SoftLayer_Security_Ssh_Key", object_id=created["id"], verb="PUT",
                                     parameters=[{"label": "dave2"}])
        self.assertEqual((status, edited), (200, True))
        self.assertEqual(next(k for k in sim.account_state(alice["id"])["sshKeys"] if k["id"] == created["id"])["label"],
                         "dave2")
        # Bob cannot delete it; alice can, with DELETE on the object's URL.
        status, _, body = sim.call(bob, "SoftLayer_Security_Ssh_Key", object_id=created["id"], verb="DELETE")
        self.assertEqual(status, 404, body)
        status, _, deleted = sim.call(alice, "SoftLayer_Security_Ssh_Key", object_id=created["id"], verb="DELETE")
        self.assertEqual((status, deleted), (200, True))
        self.assertNotIn(created["id"], [k["id"] for k in sim.account_state(alice["id"])["sshKeys"]])
        # The relational property's name without `get` (softlayer-java's form).
        status, _, guests = sim.call(alice, "SoftLayer_Account", "VirtualGuests")
        self.assertEqual((status, [g["hostname"] for g in guests]), (200, ["web-a1"]))


class StateFile(unittest.TestCase):
    def test_state_survives_a_restart_and_reset_restores_the_accounts(self):
        directory = tempfile.mkdtemp(prefix="softlayer-state-")
        path = os.path.join(directory, "state.json")
        try:
            first = Simulator(state_file=path)
            status, _, created = first.call(alice, "SoftLayer_Security_Ssh_Key", "createObject", parameters=[
                {"label": "kept", "key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMgoyFXhb3yZ0p1P8Ldx6rlZxVdFLR5C3x4mUcdkL0Rj k"}])
            self.assertEqual(status, 200, created)
            self.assertEqual(first.stop(), 0)
            second = Simulator(state_file=path)
            try:
                self.assertIn("kept", [k["label"] for k in second.account_state(alice["id"])["sshKeys"]])
                second.reset()
                self.assertNotIn("kept", [k["label"] for k in second.account_state(alice["id"])["sshKeys"]])
            finally:
                self.assertEqual(second.stop(), 0)
            with open(path) as f:
                self.assertNotIn('"kept"', f.read())
            for s in (first, second):
                self.assertNotIn('" 500 ', s.log())
                os.unlink(s.log_file.name)
        finally:
            shutil.rmtree(directory, ignore_errors=True)


def held_guest(account, guest_id):
    return next(g for g in guests_of(account) if g["id"] == guest_id)


def ok(answer):
    status, _, body = answer
    assert status == 200, (status, body)
    return body


class DriverMethods(unittest.TestCase):
    """The methods the SoftLayer driver calls that slcli's commands above do not: their answers and what the
    simulator then holds."""

    def new_guest(self):
        template = {"hostname": "drv1", "domain": "example.com", "startCpus": 1, "maxMemory": 1024,
                    "hourlyBillingFlag": True, "localDiskFlag": False, "datacenter": {"name": "dal10"},
                    "operatingSystemReferenceCode": "UBUNTU_22_64", "userData": [{"value": "hello"}]}
        ok(sim.call(alice, SV, "generateOrderTemplate", parameters=[template]))
        guest = ok(sim.call(alice, SV, "createObject", parameters=[template]))
        self.addCleanup(sim.call, alice, SV, "deleteObject", guest["id"])
        self.assertIsNone(guest["provisionDate"])
        self.assertIsNone(ok(sim.call(alice, SV, "getPowerState", guest["id"])))
        self.assertTrue(wait_for(lambda: held_guest(alice, guest["id"])["powerState"] == "RUNNING", 10))
        return guest["id"]

    def test_guest_actions_tags_and_rename(self):
        guest_id = self.new_guest()
        self.assertEqual(ok(sim.call(alice, SV, "getPowerState", guest_id))["keyName"], "RUNNING")
        ok(sim.call(alice, SV, "setTags", guest_id, ["x, y"]))
        self.assertEqual([t["tag"]["name"] for t in ok(sim.call(alice, SV, "getTagReferences", guest_id, mask="mask[tag]"))],
                         ["x", "y"])
        ok(sim.call(alice, SV, "editObject", guest_id, [{"hostname": "drv2"}]))
        self.assertEqual(held_guest(alice, guest_id)["fullyQualifiedDomainName"], "drv2.example.com")
        status, _, body = sim.call(alice, SV, "editObject", guest_id, [{"hostname": "bad name"}])
        self.assertEqual(status, 400, body)
        ok(sim.call(alice, SV, "powerOffSoft", guest_id))
        self.assertEqual(held_guest(alice, guest_id)["powerState"], "HALTED")
        status, _, body = sim.call(alice, SV, "pause", guest_id)
        self.assertEqual(status, 400, body)
        ok(sim.call(alice, SV, "rebootHard", guest_id))
        self.assertEqual(held_guest(alice, guest_id)["powerState"], "RUNNING")

        self.assertEqual(ok(sim.call(alice, SV, "reloadOperatingSystem", guest_id, ["FORCE", {}])), "OK")
        shown = ok(sim.call(alice, SV, "getObject", guest_id,
                            mask="mask[id,provisionDate,activeTransaction[transactionStatus],lastOperatingSystemReload.id]"))
        self.assertEqual(shown["activeTransaction"]["id"], shown["lastOperatingSystemReload"]["id"])
        status, _, body = sim.call(alice, SV, "powerOff", guest_id)
        self.assertEqual(status, 400, body)
        self.assertTrue(wait_for(lambda: held_guest(alice, guest_id)["activeTransaction"] is None, 10))

        devices = ok(sim.call(alice, SV, "getBlockDevices", guest_id, mask="mask[id,device,diskImage[type]]"))
        system = next(d for d in devices if d["device"] == "0")
        self.assertEqual([d["diskImage"]["type"]["keyName"] for d in devices], ["SYSTEM", "SWAP"])
        transaction = ok(sim.call(alice, SV, "createArchiveTransaction", guest_id, ["snap1", [{"id": system["id"]}], "n"]))
        image = next(i for i in sim.account_state(alice["id"])["blockDeviceTemplateGroups"] if i["name"] == "snap1")
        self.addCleanup(sim.call, alice, "SoftLayer_Virtual_Guest_Block_Device_Template_Group", "deleteObject", image["id"])
        self.assertEqual((image["status"], image["transaction"]), ("CREATE_PENDING", transaction["id"]))
        self.assertTrue(wait_for(lambda: next(i for i in sim.account_state(alice["id"])["blockDeviceTemplateGroups"]
                                              if i["id"] == image["id"])["status"] == "ACTIVE", 10))
        found = ok(sim.call(alice, "SoftLayer_Account", "getBlockDeviceTemplateGroups", mask="mask[id,name,status]",
                            object_filter={"blockDeviceTemplateGroups": {"name": {"operation": "snap1"}}}))
        self.assertEqual(found, [{"id": image["id"], "name": "snap1", "status": {"keyName": "ACTIVE", "name": "Active"}}])
        status, _, body = sim.call(bob, "SoftLayer_Virtual_Guest_Block_Device_Template_Group", "getObject", image["id"])
        self.assertEqual(status, 404, body)

    def test_portable_storage_order_attach_detach_cancel(self):
        guest_id = self.new_guest()
        package = ok(sim.call(alice, "SoftLayer_Product_Package", "getAllObjects", mask="mask[id,name,isActive]",
                              object_filter={"name": {"operation": "Portable Storage"}}))[0]
        items = ok(sim.call(alice, "SoftLayer_Product_Package", "getItems", package["id"], mask="mask[capacity,prices[id]]"))
        price = next(i["prices"][0]["id"] for i in items if i["capacity"] == "20")
        order = {"complexType": "SoftLayer_Container_Product_Order_Virtual_Disk_Image", "packageId": package["id"],
                 "location": 1441195, "prices": [{"id": price}], "diskDescription": "vol-1", "quantity": 1}
        self.assertEqual(ok(sim.call(alice, "SoftLayer_Product_Order", "verifyOrder", parameters=[order]))["prices"][0]["id"],
                         price)
        receipt = ok(sim.call(alice, "SoftLayer_Product_Order", "placeOrder", parameters=[order]))
        mask = "mask[id,billingItem[id,resourceTableId]]"
        pending = ok(sim.call(alice, "SoftLayer_Billing_Order", "getOrderTopLevelItems", receipt["orderId"], mask=mask))
        self.assertNotIn("billingItem", pending[0])
        self.assertTrue(wait_for(lambda: "billingItem" in ok(sim.call(alice, "SoftLayer_Billing_Order",
                                                                      "getOrderTopLevelItems", receipt["orderId"],
                                                                      mask=mask))[0], 10))
        item = ok(sim.call(alice, "SoftLayer_Billing_Order", "getOrderTopLevelItems", receipt["orderId"], mask=mask))[0]
        volume_id = item["billingItem"]["resourceTableId"]
        volume = ok(sim.call(alice, "SoftLayer_Virtual_Disk_Image", "getObject", volume_id))
        self.assertEqual((volume["capacity"], volume["description"]), (20, "vol-1"))
        listed = ok(sim.call(alice, "SoftLayer_Account", "getPortableStorageVolumes", mask="mask[id]"))
        self.assertIn({"id": volume_id}, listed)
        self.assertTrue(ok(sim.call(alice, SV, "checkHostDiskAvailability", guest_id, [20])))
        ok(sim.call(alice, SV, "attachDiskImage", guest_id, [volume_id]))
        status, _, body = sim.call(alice, SV, "attachDiskImage", guest_id, [volume_id])
        self.assertEqual(status, 400, body)
        status, _, body = sim.call(alice, "SoftLayer_Billing_Item", "cancelItem", item["billingItem"]["id"],
                                   [True, True, "No longer needed"])
        self.assertEqual(status, 400, body)
        ok(sim.call(alice, SV, "detachDiskImage", guest_id, [volume_id]))
        status, _, body = sim.call(bob, "SoftLayer_Billing_Item", "cancelItem", item["billingItem"]["id"], [True])
        self.assertEqual(status, 404, body)
        ok(sim.call(alice, "SoftLayer_Billing_Item", "cancelItem", item["billingItem"]["id"], [True, True, "done"]))
        self.assertNotIn(volume_id, [d["id"] for d in sim.account_state(alice["id"])["virtualDiskImages"]])

    def test_upgrade_order_and_networks(self):
        guest_id = self.new_guest()
        prices = ok(sim.call(alice, SV, "getUpgradeItemPrices", guest_id, mask="mask[id,categories,item[capacity]]"))
        core = next(p["id"] for p in prices if p["categories"][0]["categoryCode"] == "guest_core" and p["item"]["capacity"] == "4")
        ok(sim.call(alice, "SoftLayer_Product_Order", "placeOrder", parameters=[{
            "complexType": "SoftLayer_Container_Product_Order_Virtual_Guest_Upgrade", "virtualGuests": [{"id": guest_id}],
            "prices": [{"id": core}], "properties": [{"name": "MAINTENANCE_WINDOW", "value": "now"}]}]))
        self.assertTrue(wait_for(lambda: held_guest(alice, guest_id)["startCpus"] == 4, 10))
        vlans = ok(sim.call(alice, "SoftLayer_Account", "getNetworkVlans", mask="mask[id,networkSpace,subnets[id,cidr]]"))
        self.assertEqual(sorted(v["networkSpace"] for v in vlans), ["PRIVATE", "PUBLIC"])
        subnet_id = vlans[0]["subnets"][0]["id"]
        subnet = ok(sim.call(alice, "SoftLayer_Network_Subnet", "getObject", subnet_id, mask="mask[id,virtualGuests[id]]"))
        self.assertIn({"id": guest_id}, subnet["virtualGuests"])
        self.assertEqual(sim.call(bob, "SoftLayer_Network_Vlan", "getObject", vlans[0]["id"])[0], 404)
        self.assertEqual(len(ok(sim.call(alice, "SoftLayer_Account", "getPublicNetworkVlans"))), 1)
        user = ok(sim.call(alice, "SoftLayer_User_Customer", "getObject", alice["userId"]))
        self.assertEqual((user["username"], user["accountId"]), (alice["username"], alice["id"]))
        self.assertEqual(sim.call(alice, "SoftLayer_User_Customer", "getObject", bob["userId"])[0], 404)
        account = ok(sim.call(alice, "SoftLayer_Account", "getObject", mask="mask[id,hourlyVirtualGuestCount]"))
        self.assertEqual(account, {"id": alice["id"], "hourlyVirtualGuestCount": len(guests_of(alice))})
