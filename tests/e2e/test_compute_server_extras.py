# SPDX-License-Identifier: Apache-2.0
"""Nova's remaining server APIs on the local cloud: soft delete with restore and forceDelete, backups with their
rotation, shelving's snapshot image, the migration records of resizes, diagnostics, the server password, quota
classes, external events and the hosts' power actions; through the API and the openstack client, as the owner,
another project's member and the admin."""
import socket
import time
import unittest

from stack import Stack

RECLAIM_SECONDS = 15  # long enough for a delete, a check and a restore through the CLI under the sanitizers
CONFIG = """[general]
state_dir = {state}
module_dir = {module_dir}
log_file = {state}/log/jumpgate.log
[compute]
reclaim_instance_interval = %d
""" % RECLAIM_SECONDS


def setUpModule():
    global stack, image_id, token_a, env_a, token_b, host
    stack = Stack(config=CONFIG).start()
    image_id = stack.public_image("extras-e2e")
    _, token_a, env_a = stack.member("extras-a")
    _, token_b, _ = stack.member("extras-b")
    host = socket.gethostname()


def tearDownModule():
    stack.stop()


def compute(path, token=None, version="2.1", method="GET", body=None):
    headers = {"OpenStack-API-Version": f"compute {version}"}
    if token:
        headers["X-Auth-Token"] = token
    return stack.get_json(f"/compute/v2.1{path}", method=method, body=body, headers=headers)


def action(server_id, body, token=None, version="2.1"):
    return compute(f"/servers/{server_id}/action", token, version, "POST", body)


def status_of(server_id, token=None):
    """The server's status, once no task runs ("BUSY" while one does); the HTTP status when it cannot be read."""
    status, _, body = compute(f"/servers/{server_id}", token)
    if status != 200:
        return status
    return "BUSY" if body["server"]["OS-EXT-STS:task_state"] else body["server"]["status"]


def wait_for(server_id, wanted, token=None, seconds=15):
    deadline = time.time() + seconds
    while time.time() < deadline:
        now = status_of(server_id, token)
        if now == wanted:
            return
        time.sleep(0.25)
    raise AssertionError(f"server {server_id} is {now}, not {wanted}")


def server(name, token=None):
    status, _, body = compute("/servers", token, "2.37", "POST", {"server": {
        "name": name, "imageRef": image_id, "flavorRef": "1", "networks": "none"}})
    assert status == 202, body
    wait_for(body["server"]["id"], "ACTIVE", token)
    return body["server"]["id"]


def images_named(name, token):
    _, _, body = stack.get_json(f"/image/v2/images?name={name}", headers={"X-Auth-Token": token})
    return body["images"]


class SoftDelete(unittest.TestCase):
    def test_a_deleted_server_is_restored_by_its_project_only(self):
        sid = server("soft-1", token_a)
        stack.cli("server", "delete", sid, env=env_a, parse=False)
        self.assertEqual(status_of(sid, token_a), "SOFT_DELETED")
        # Another project neither sees nor restores it; an active server has nothing to restore.
        self.assertEqual(action(sid, {"restore": None}, token_b)[0], 404)
        self.assertEqual(action(sid, {"forceDelete": None}, token_b)[0], 404)
        stack.cli("server", "restore", sid, env=env_a, parse=False)
        wait_for(sid, "ACTIVE", token_a)
        status, _, body = action(sid, {"restore": None}, token_a)
        self.assertEqual(status, 409, body)
        self.assertIn("vm_state active", body["conflictingRequest"]["message"])
        status, _, body = compute(f"/servers/{sid}/os-instance-actions", token_a)
        self.assertEqual([a["action"] for a in body["instanceActions"]][:2], ["restore", "delete"])
        self.assertEqual(action(sid, {"forceDelete": None}, token_a)[0], 202)
        self.assertEqual(status_of(sid, token_a), 404)

    def test_a_soft_deleted_server_is_reclaimed_after_the_interval(self):
        sid = server("soft-2", token_a)
        self.assertEqual(compute(f"/servers/{sid}", token_a, method="DELETE")[0], 204)
        _, _, body = compute("/servers?deleted=false", token_a)
        self.assertIn(sid, [s["id"] for s in body["servers"]])
        time.sleep(RECLAIM_SECONDS + 1)
        self.assertEqual(status_of(sid, token_a), 404)
        _, _, body = compute("/servers", token_a)
        self.assertNotIn(sid, [s["id"] for s in body["servers"]])
        self.assertEqual(action(sid, {"restore": None}, token_a)[0], 404)

    def test_a_server_still_building_goes_at_once(self):
        status, _, body = compute("/servers", token_a, "2.37", "POST", {"server": {
            "name": "soft-3", "imageRef": image_id, "flavorRef": "1", "networks": "none"}})
        self.assertEqual(status, 202, body)
        sid = body["server"]["id"]
        self.assertEqual(compute(f"/servers/{sid}", token_a, method="DELETE")[0], 204)
        self.assertEqual(status_of(sid, token_a), 404)


class Backups(unittest.TestCase):
    def test_the_rotation_keeps_the_newest(self):
        sid = server("backed-up", token_a)
        made = []
        for n in range(3):
            status, hdrs, body = action(sid, {"createBackup": {"name": f"bk-{n}", "backup_type": "daily",
                                                               "rotation": 2}}, token_a, "2.45")
            self.assertEqual(status, 202, body)
            self.assertTrue(hdrs["location"].endswith(body["image_id"]))
            made.append(body["image_id"])
            wait_for(sid, "ACTIVE", token_a)
            time.sleep(1)  # Glance orders by created_at, in seconds
        _, _, body = stack.get_json(f"/image/v2/images?image_type=backup&instance_uuid={sid}",
                                    headers={"X-Auth-Token": token_a})
        self.assertEqual(sorted(i["id"] for i in body["images"]), sorted(made[1:]))
        self.assertEqual({i["backup_type"] for i in body["images"]}, {"daily"})
        self.assertEqual(stack.get_json(f"/image/v2/images/{made[0]}", headers={"X-Auth-Token": token_a})[0], 404)
        # Through the client; another project's member may not back it up.
        stack.cli("server", "backup", "create", "--name", "bk-cli", "--type", "weekly", "--rotate", "1", sid,
                  env=env_a, parse=False)
        self.assertEqual(len(images_named("bk-cli", token_a)), 1)
        wait_for(sid, "ACTIVE", token_a)
        status, _, _ = action(sid, {"createBackup": {"name": "b", "backup_type": "daily", "rotation": 1}}, token_b)
        self.assertEqual(status, 404)
        for bad in ({"name": "x", "backup_type": "daily"}, {"name": "x", "backup_type": "daily", "rotation": -1},
                    {"name": "x", "backup_type": 7, "rotation": 1},
                    {"name": "x", "backup_type": "daily", "rotation": 1, "colour": "red"}):
            self.assertEqual(action(sid, {"createBackup": bad}, token_a)[0], 400, bad)


class Shelving(unittest.TestCase):
    def test_the_shelved_image_lives_while_the_server_is_shelved(self):
        sid = server("shelf", token_a)
        stack.cli("server", "shelve", sid, env=env_a, parse=False)
        wait_for(sid, "SHELVED_OFFLOADED", token_a)
        shelved = images_named("shelf-shelved", token_a)
        self.assertEqual(len(shelved), 1)
        self.assertEqual(shelved[0]["instance_uuid"], sid)
        self.assertEqual(images_named("shelf-shelved", token_b), [])
        stack.cli("server", "unshelve", sid, env=env_a, parse=False)
        wait_for(sid, "ACTIVE", token_a)
        self.assertEqual(images_named("shelf-shelved", token_a), [])

    def test_a_shelved_server_deleted_takes_its_image(self):
        sid = server("shelf-2", token_a)
        self.assertEqual(action(sid, {"shelve": None}, token_a)[0], 202)
        wait_for(sid, "SHELVED_OFFLOADED", token_a)
        self.assertEqual(len(images_named("shelf-2-shelved", token_a)), 1)
        self.assertEqual(action(sid, {"forceDelete": None}, token_a)[0], 202)
        self.assertEqual(images_named("shelf-2-shelved", token_a), [])


class Migrations(unittest.TestCase):
    def test_a_resize_is_recorded(self):
        sid = server("resized", token_a)
        self.assertEqual(action(sid, {"resize": {"flavorRef": "2"}}, token_a)[0], 202)
        wait_for(sid, "VERIFY_RESIZE", token_a)
        _, _, body = compute(f"/os-migrations?instance_uuid={sid}", version="2.23")
        self.assertEqual([(m["migration_type"], m["status"]) for m in body["migrations"]], [("resize", "finished")])
        record = body["migrations"][0]
        self.assertEqual((record["old_instance_type_id"], record["new_instance_type_id"]), (1, 2))
        self.assertEqual((record["source_compute"], record["dest_compute"]), (host, host))
        self.assertEqual(action(sid, {"confirmResize": None}, token_a)[0], 204)
        listed = stack.cli("--os-compute-api-version", "2.23", "server", "migration", "list", "--server", sid)
        self.assertEqual([(m["Type"], m["Status"]) for m in listed], [("resize", "confirmed")])
        # 2.1 has no type; 2.59 a uuid; 2.80 the project.
        _, _, body = compute(f"/os-migrations?instance_uuid={sid}")
        self.assertNotIn("migration_type", body["migrations"][0])
        _, _, body = compute(f"/os-migrations?instance_uuid={sid}", version="2.80")
        self.assertIn("uuid", body["migrations"][0])
        self.assertEqual(body["migrations"][0]["project_id"], stack.cli("server", "show", sid)["project_id"])
        # The admin's only; the server's own list holds live migrations in progress, which a one-host cloud has not.
        self.assertEqual(compute("/os-migrations", token_a)[0], 403)
        status, _, body = compute(f"/servers/{sid}/migrations", version="2.23")
        self.assertEqual((status, body), (200, {"migrations": []}))
        self.assertEqual(compute(f"/servers/{sid}/migrations", token_b, version="2.23")[0], 404)
        self.assertEqual(compute(f"/servers/{sid}/migrations", token_a, version="2.23")[0], 403)

    def test_a_revert_is_recorded(self):
        sid = server("reverted", token_a)
        self.assertEqual(action(sid, {"resize": {"flavorRef": "2"}}, token_a)[0], 202)
        wait_for(sid, "VERIFY_RESIZE", token_a)
        self.assertEqual(action(sid, {"revertResize": None}, token_a)[0], 202)
        _, _, body = compute(f"/os-migrations?instance_uuid={sid}&status=reverted", version="2.23")
        self.assertEqual(len(body["migrations"]), 1)
        _, _, body = compute(f"/os-migrations?instance_uuid={sid}&status=finished", version="2.23")
        self.assertEqual(body["migrations"], [])


class Diagnostics(unittest.TestCase):
    def test_the_admin_reads_what_the_cloud_knows(self):
        sid = server("diagnosed", token_a)
        status, _, body = compute(f"/servers/{sid}/diagnostics", version="2.48")
        self.assertEqual(status, 200, body)
        self.assertEqual((body["state"], body["num_cpus"], body["memory_details"]["maximum"]), ("running", 1, 512))
        self.assertEqual(len(body["cpu_details"]), 1)
        self.assertEqual(body["num_disks"], 1)
        status, _, body = compute(f"/servers/{sid}/diagnostics")
        self.assertEqual((status, body["memory"]), (200, 512 * 1024))
        self.assertEqual(compute(f"/servers/{sid}/diagnostics", token_a)[0], 403)
        self.assertEqual(compute(f"/servers/{sid}/diagnostics", token_b)[0], 403)
        self.assertEqual(compute("/servers/no-such-server/diagnostics")[0], 404)
        self.assertEqual(action(sid, {"os-stop": None}, token_a)[0], 202)
        wait_for(sid, "SHUTOFF", token_a)
        self.assertEqual(compute(f"/servers/{sid}/diagnostics", version="2.48")[2]["state"], "shutdown")


class Password(unittest.TestCase):
    def test_the_owner_reads_and_clears_it(self):
        sid = server("passworded", token_a)
        # No guest posts an encrypted password to this cloud: there is none to show until one does.
        status, _, body = compute(f"/servers/{sid}/os-server-password", token_a)
        self.assertEqual((status, body), (200, {"password": ""}))
        self.assertEqual(compute(f"/servers/{sid}/os-server-password", token_a, method="DELETE")[0], 204)
        self.assertEqual(compute(f"/servers/{sid}/os-server-password", token_b)[0], 404)
        self.assertEqual(compute(f"/servers/{sid}/os-server-password", token_b, method="DELETE")[0], 404)
        self.assertEqual(compute("/servers/no-such-server/os-server-password", token_a)[0], 404)


class QuotaClasses(unittest.TestCase):
    def test_the_default_class_is_every_projects_defaults(self):
        _, _, body = compute("/os-quota-class-sets/default")
        original = body["quota_class_set"]
        self.assertEqual(original["id"], "default")
        self.assertIn("fixed_ips", original)
        self.assertNotIn("server_groups", original)
        try:
            status, _, body = compute("/os-quota-class-sets/default", method="PUT", body={
                "quota_class_set": {"instances": original["instances"] + 7}})
            self.assertEqual(status, 200, body)
            self.assertNotIn("id", body["quota_class_set"])
            self.assertEqual(body["quota_class_set"]["instances"], original["instances"] + 7)
            _, _, body = compute("/os-quota-sets/x/defaults", token_a)
            self.assertEqual(body["quota_set"]["instances"], original["instances"] + 7)
            _, _, body = compute("/os-quota-class-sets/default", version="2.57")
            self.assertIn("server_groups", body["quota_class_set"])
            self.assertNotIn("fixed_ips", body["quota_class_set"])
            self.assertNotIn("injected_files", body["quota_class_set"])
            self.assertEqual(compute("/os-quota-class-sets/default", version="2.50", method="PUT", body={
                "quota_class_set": {"fixed_ips": 1}})[0], 400)
            self.assertEqual(compute("/os-quota-class-sets/default", method="PUT", body={
                "quota_class_set": {"instances": "many"}})[0], 400)
            self.assertEqual(compute("/os-quota-class-sets/default", token_a)[0], 403)
            self.assertEqual(compute("/os-quota-class-sets/default", token_a, method="PUT", body={
                "quota_class_set": {"instances": 1}})[0], 403)
        finally:
            compute("/os-quota-class-sets/default", method="PUT", body={
                "quota_class_set": {"instances": original["instances"]}})


class ExternalEvents(unittest.TestCase):
    def test_each_event_answers_for_its_server(self):
        sid = server("evented", token_a)
        event = {"name": "network-changed", "server_uuid": sid, "tag": "port-1"}
        status, _, body = compute("/os-server-external-events", method="POST", body={"events": [event]})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["events"], [dict(event, status="completed", code=200)])
        missing = {"name": "network-vif-plugged", "server_uuid": "00000000-0000-0000-0000-000000000000"}
        status, _, body = compute("/os-server-external-events", method="POST", body={"events": [event, missing]})
        self.assertEqual((status, [e["code"] for e in body["events"]]), (207, [200, 404]))
        self.assertEqual(compute("/os-server-external-events", method="POST", body={"events": [missing]})[0], 404)
        # volume-extended is 2.51's.
        extended = {"name": "volume-extended", "server_uuid": sid, "tag": "v"}
        self.assertEqual(compute("/os-server-external-events", method="POST", body={"events": [extended]})[0], 400)
        self.assertEqual(compute("/os-server-external-events", version="2.51", method="POST",
                                 body={"events": [extended]})[0], 200)
        self.assertEqual(compute("/os-server-external-events", token_a, method="POST",
                                 body={"events": [event]})[0], 403)


class HostPowerActions(unittest.TestCase):
    def test_the_checks_then_501(self):
        for verb in ("startup", "shutdown", "reboot"):
            self.assertEqual(compute(f"/os-hosts/{host}/{verb}")[0], 501, verb)
            self.assertEqual(compute(f"/os-hosts/no-such-host/{verb}")[0], 404, verb)
            self.assertEqual(compute(f"/os-hosts/{host}/{verb}", token_a)[0], 403, verb)
            self.assertEqual(compute(f"/os-hosts/{host}/{verb}", version="2.43")[0], 404, verb)



class SmallAnswers(unittest.TestCase):
    def test_nova_s_answers_to_edge_requests(self):
        sid = server("edges", token_a)
        # limit=0 asks for nothing; a project named without all_tenants is ignored (the admin's own list).
        self.assertEqual(compute("/servers?limit=0", token_a)[2], {"servers": []})
        _, _, body = compute(f"/servers?tenant_id={stack.cli('server', 'show', sid)['project_id']}")
        self.assertNotIn(sid, [s["id"] for s in body["servers"]])
        _, _, body = compute(f"/servers?all_tenants=1&host={host}")
        self.assertIn(sid, [s["id"] for s in body["servers"]])
        _, _, body = compute("/servers?all_tenants=1&host=no-such-host")
        self.assertNotIn(sid, [s["id"] for s in body["servers"]])
        # A list path with a trailing slash is a show of an empty id.
        self.assertEqual(compute("/os-volumes/", token_a)[0], 404)
        self.assertEqual(compute("/os-simple-tenant-usage/?start=2026-01-01T00:00:00")[0], 404)
        # A flavor with less RAM than the image asks for.
        status, _, image = stack.get_json("/image/v2/images", method="POST", body={
            "name": "needs-ram", "disk_format": "raw", "container_format": "bare", "min_ram": 1024},
            headers={"X-Auth-Token": token_a})
        self.assertEqual(status, 201, image)
        stack.request("PUT", f"/image/v2/images/{image['id']}/file", body=b"x" * 512,
                      headers={"Content-Type": "application/octet-stream", "X-Auth-Token": token_a})
        status, _, body = compute("/servers", token_a, "2.37", "POST", {"server": {
            "name": "too-small", "imageRef": image["id"], "flavorRef": "1", "networks": "none"}})
        self.assertEqual(status, 400, body)
        # A deleted server's actions, from 2.21, for its project only.
        self.assertEqual(action(sid, {"forceDelete": None}, token_a)[0], 202)
        self.assertEqual(compute(f"/servers/{sid}/os-instance-actions", token_a)[0], 404)
        status, _, body = compute(f"/servers/{sid}/os-instance-actions", token_a, "2.21")
        self.assertEqual(status, 200, body)
        self.assertEqual(sorted(a["action"] for a in body["instanceActions"]), ["create", "forceDelete"])
        self.assertEqual(compute(f"/servers/{sid}/os-instance-actions", token_b, "2.21")[0], 404)

    def test_a_rule_s_cidr_is_kept_as_given_and_a_group_is_a_uuid(self):
        status, _, body = compute("/os-security-groups", token_a, method="POST", body={"security_group": {
            "name": "cidrs", "description": "rules"}})
        self.assertEqual(status, 200, body)
        group = body["security_group"]["id"]
        status, _, body = compute("/os-security-group-rules", token_a, method="POST", body={"security_group_rule": {
            "parent_group_id": group, "ip_protocol": "tcp", "from_port": 22, "to_port": 22,
            "cidr": "10.2.3.124/24"}})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["security_group_rule"]["ip_range"], {"cidr": "10.2.3.124/24"})
        for bad in ({"parent_group_id": "not-a-uuid", "ip_protocol": "tcp", "from_port": 22, "to_port": 22},
                    {"parent_group_id": group, "ip_protocol": "tcp", "from_port": 22, "to_port": 22,
                     "cidr": "10.2.3.300/24"}):
            self.assertEqual(compute("/os-security-group-rules", token_a, method="POST",
                                     body={"security_group_rule": bad})[0], 400, bad)

    def test_a_root_volume_must_be_bootable(self):
        status, _, body = stack.get_json("/compute/v2.1/os-volumes", method="POST", body={"volume": {"size": 1}},
                                         headers={"X-Auth-Token": token_a})
        self.assertEqual(status, 200, body)
        vid = body["volume"]["id"]
        deadline = time.time() + 10
        while compute(f"/os-volumes/{vid}", token_a)[2]["volume"]["status"] != "available":
            self.assertLess(time.time(), deadline)
            time.sleep(0.25)
        status, _, body = compute("/servers", token_a, "2.37", "POST", {"server": {
            "name": "from-blank", "flavorRef": "1", "networks": "none", "block_device_mapping_v2": [
                {"boot_index": 0, "uuid": vid, "source_type": "volume", "destination_type": "volume"}]}})
        self.assertEqual(status, 400, body)
        self.assertIn("not bootable", body["badRequest"]["message"])


if __name__ == "__main__":
    unittest.main()
