# SPDX-License-Identifier: Apache-2.0
"""Block storage's scheduling side, on the local driver: the volume services' enable, disable, freeze and thaw,
volumes no backend takes and the user messages they leave, pools and backend capabilities, quota classes, and
backup records exported and imported; over the API and through Debian's cinder and openstack clients."""
import base64
import json
import os
import time
import unittest

from stack import Stack

RUN_CLASSES_APART = True


def setUpModule():
    global stack, admin_project, V3, member_a, member_b
    stack = Stack().start()
    _, _, body = stack.get_json("/identity/v3/auth/tokens", headers={"X-Subject-Token": stack.token})
    admin_project = body["token"]["project"]["id"]
    V3 = f"/volume/v3/{admin_project}"
    member_a = stack.member("sched-a")
    member_b = stack.member("sched-b")


def tearDownModule():
    stack.stop()


def auth(token=None, version=None):
    headers = {}
    if token:
        headers["X-Auth-Token"] = token
    if version:
        headers["OpenStack-API-Version"] = f"volume {version}"
    return headers


def api(method, path, body=None, token=None, version=None, base=None):
    return stack.get_json((base or V3) + path, method=method, body=body, headers=auth(token, version))


def wait_for(path, key, wanted, token=None, base=None, seconds=10):
    deadline = time.time() + seconds
    while True:
        status, _, body = api("GET", path, token=token, base=base)
        got = body.get(key) if status == 200 else None
        if got and got["status"] == wanted or time.time() > deadline:
            return got
        time.sleep(0.2)


def services():
    status, _, body = api("GET", "/os-services")
    assert status == 200, body
    return {s["binary"]: s for s in body["services"]}


def volume_type(name, **extra_specs):
    status, _, body = api("POST", "/types", {"volume_type": {"name": name, "extra_specs": extra_specs}})
    assert status == 200, body
    return body["volume_type"]


class Services(unittest.TestCase):
    def tearDown(self):
        volume = services()["cinder-volume"]
        api("PUT", "/os-services/enable", {"host": volume["host"], "binary": "cinder-volume"})
        api("PUT", "/os-services/thaw", {"host": volume["host"]})

    def test_disable_with_a_reason_then_enable(self):
        host = services()["cinder-volume"]["host"]
        status, _, body = api("PUT", "/os-services/disable-log-reason",
                              {"host": host, "binary": "cinder-volume", "disabled_reason": "maintenance"})
        self.assertEqual(status, 200, body)
        self.assertEqual(body, {"host": host, "binary": "cinder-volume", "service": "cinder-volume", "disabled": True,
                                "status": "disabled", "disabled_reason": "maintenance"})
        listed = services()["cinder-volume"]
        self.assertEqual((listed["status"], listed["disabled_reason"]), ("disabled", "maintenance"))
        # A disabled backend takes no new volume: it goes to error, with no bytes, and its project is told.
        project, token, _ = member_a
        base = f"/volume/v3/{project}"
        status, _, body = api("POST", "/volumes", {"volume": {"size": 1, "name": "unplaced"}}, token, base=base)
        self.assertEqual(status, 202, body)
        volume_id = body["volume"]["id"]
        self.assertEqual(wait_for(f"/volumes/{volume_id}", "volume", "error", token, base)["status"], "error")
        self.assertFalse(os.path.exists(os.path.join(stack.state, "volumes", volume_id)))
        _, _, body = api("GET", "/messages", token=token, version="3.3", base=base)
        self.assertEqual([m["event_id"] for m in body["messages"] if m["resource_uuid"] == volume_id],
                         ["VOLUME_VOLUME_001_002"])
        # The error volume can be deleted.
        self.assertEqual(api("DELETE", f"/volumes/{volume_id}", token=token, base=base)[0], 202)
        # Plain disable answers no reason; enable clears it.
        status, _, body = api("PUT", "/os-services/disable", {"host": host, "binary": "cinder-volume"})
        self.assertEqual((status, "disabled_reason" in body, body["disabled"]), (200, False, True))
        status, _, body = api("PUT", "/os-services/enable", {"host": host, "binary": "cinder-volume"})
        self.assertEqual((status, body["disabled_reason"], body["status"]), (200, None, "enabled"))
        self.assertEqual(services()["cinder-volume"]["disabled_reason"], None)
        status, _, body = api("POST", "/volumes", {"volume": {"size": 1, "name": "placed"}}, token, base=base)
        self.assertEqual(wait_for(f"/volumes/{body['volume']['id']}", "volume", "available", token,
                                  base)["status"], "available")

    def test_freeze_and_thaw(self):
        host = services()["cinder-volume"]["host"]
        self.assertEqual(api("PUT", "/os-services/freeze", {"host": host})[0], 200)
        self.assertTrue(services()["cinder-volume"]["frozen"])
        self.assertEqual(api("PUT", "/os-services/thaw", {"host": host})[0], 200)
        self.assertFalse(services()["cinder-volume"]["frozen"])

    def test_faults(self):
        host = services()["cinder-volume"]["host"]
        for action, body, wanted in (
                ("enable", {"host": "no-such-host", "binary": "cinder-volume"}, 404),
                ("disable", {"host": host, "binary": "no-such-binary"}, 404),
                ("disable", {"binary": "cinder-volume"}, 400),
                ("disable", {"host": host}, 400),
                ("disable-log-reason", {"host": host, "binary": "cinder-volume", "disabled_reason": None}, 400),
                ("disable-log-reason", {"host": host, "binary": "cinder-volume", "disabled_reason": "  "}, 400),
                ("disable-log-reason", {"host": host, "binary": "cinder-volume", "disabled_reason": "x" * 256}, 400),
                ("freeze", {"host": "no-such-host"}, 400),
                ("thaw", {"host": "no-such-host"}, 400),
                ("freeze", {}, 400),
                ("reboot", {"host": host}, 400)):
            status, _, got = api("PUT", f"/os-services/{action}", body)
            self.assertEqual(status, wanted, (action, body, got))
            self.assertIn("message", next(iter(got.values())), got)
        self.assertEqual(services()["cinder-volume"]["status"], "enabled")
        # A member may do none of it.
        project, token, _ = member_a
        status, _, _ = api("PUT", "/os-services/disable", {"host": host, "binary": "cinder-volume"}, token,
                           base=f"/volume/v3/{project}")
        self.assertEqual(status, 403)
        self.assertEqual(services()["cinder-volume"]["status"], "enabled")

    def test_openstack_cli(self):
        host = services()["cinder-volume"]["host"]
        stack.cli("volume", "service", "set", "--disable", "--disable-reason", "cli says so", host, "cinder-volume",
                  parse=False)
        listed = {s["Binary"]: s for s in stack.cli("volume", "service", "list", "--long")}
        self.assertEqual((listed["cinder-volume"]["Status"], listed["cinder-volume"]["Disabled Reason"]),
                         ("disabled", "cli says so"))
        stack.cli("volume", "service", "set", "--enable", host, "cinder-volume", parse=False)
        self.assertEqual(services()["cinder-volume"]["status"], "enabled")


class Scheduling(unittest.TestCase):
    def test_extra_specs_the_backend_has_not_put_a_volume_in_error(self):
        pool = api("GET", "/scheduler-stats/get_pools?detail=true")[2]["pools"][0]["capabilities"]
        project, token, _ = member_a
        base = f"/volume/v3/{project}"
        matching = volume_type("sched-matching", vendor_name=pool["vendor_name"],
                               storage_protocol=pool["storage_protocol"],
                               volume_backend_name=pool["volume_backend_name"])
        scoped = volume_type("sched-scoped", **{"capabilities:vendor_name": f"<in> {pool['vendor_name'][:3]}"})
        other = volume_type("sched-other", vendor_name="Someone Else")
        protocol = volume_type("sched-protocol", storage_protocol="FC")
        made = {}
        for t in (matching, scoped, other, protocol):
            status, _, body = api("POST", "/volumes", {"volume": {"size": 1, "volume_type": t["id"]}}, token,
                                  base=base)
            self.assertEqual(status, 202, body)
            made[t["name"]] = body["volume"]["id"]
        wanted = {"sched-matching": "available", "sched-scoped": "available", "sched-other": "error",
                  "sched-protocol": "error"}
        for name, volume_id in made.items():
            self.assertEqual(wait_for(f"/volumes/{volume_id}", "volume", wanted[name], token, base)["status"],
                             wanted[name], name)
        # The error volumes have no host; each left one message, seen by its project and the admin, not B.
        status, _, body = api("GET", f"/volumes/{made['sched-other']}", version="3.3")
        self.assertEqual(body["volume"]["os-vol-host-attr:host"], None)
        _, _, body = api("GET", "/messages", token=token, version="3.3", base=base)
        mine = {m["resource_uuid"]: m for m in body["messages"]}
        self.assertEqual(set(mine) & set(made.values()), {made["sched-other"], made["sched-protocol"]})
        message = mine[made["sched-other"]]
        self.assertEqual({k: message[k] for k in ("event_id", "user_message", "message_level", "resource_type")},
                         {"event_id": "VOLUME_VOLUME_001_002", "message_level": "ERROR", "resource_type": "VOLUME",
                          "user_message": "schedule allocate volume: Could not find any available weighted backend."})
        self.assertTrue(message["request_id"].startswith("req-"))
        self.assertGreater(message["guaranteed_until"], message["created_at"])
        self.assertEqual(set(message), {"id", "resource_type", "resource_uuid", "request_id", "message_level",
                                        "event_id", "user_message", "created_at", "guaranteed_until", "links"})
        status, _, body = api("GET", f"/messages/{message['id']}", token=token, version="3.3", base=base)
        self.assertEqual((status, body["message"]), (200, message))
        self.assertIn(message["id"], [m["id"] for m in api("GET", "/messages", version="3.3")[2]["messages"]])
        b_project, b_token, _ = member_b
        b_base = f"/volume/v3/{b_project}"
        self.assertNotIn(message["id"], [m["id"] for m in api("GET", "/messages", token=b_token, version="3.3",
                                                               base=b_base)[2]["messages"]])
        for method in ("GET", "DELETE"):
            self.assertEqual(api(method, f"/messages/{message['id']}", token=b_token, version="3.3",
                                 base=b_base)[0], 404)
        # Messages are 3.3 and later.
        self.assertEqual(api("GET", "/messages", token=token, version="3.2", base=base)[0], 404)
        self.assertEqual(api("DELETE", f"/messages/{message['id']}", token=token, version="3.3", base=base)[0], 204)
        self.assertEqual(api("GET", f"/messages/{message['id']}", token=token, version="3.3", base=base)[0], 404)
        self.assertEqual(api("DELETE", f"/messages/{message['id']}", token=token, version="3.3", base=base)[0], 404)

    def test_cinder_cli_lists_messages(self):
        project, token, env = member_b
        base = f"/volume/v3/{project}"
        vtype = volume_type("sched-cli", vendor_name="Nobody")
        status, _, body = api("POST", "/volumes", {"volume": {"size": 1, "volume_type": vtype["id"]}}, token,
                              base=base)
        wait_for(f"/volumes/{body['volume']['id']}", "volume", "error", token, base)
        out = stack.cli("--os-volume-api-version", "3.3", "message-list", env=env, parse=False, program="cinder")
        self.assertIn(body["volume"]["id"], out)
        self.assertIn("VOLUME_VOLUME_001_002", out)


class PoolsAndCapabilities(unittest.TestCase):
    def test_pools_report_the_store(self):
        status, _, body = api("GET", "/scheduler-stats/get_pools")
        self.assertEqual(status, 200, body)
        self.assertEqual([set(p) for p in body["pools"]], [{"name"}])
        name = body["pools"][0]["name"]
        self.assertRegex(name, r"^[^@#]+@[^@#]+#[^@#]+$")
        before = api("GET", "/scheduler-stats/get_pools?detail=true")[2]["pools"][0]["capabilities"]
        fs = os.statvfs(os.path.join(stack.state, "volumes"))
        self.assertAlmostEqual(before["total_capacity_gb"], fs.f_blocks * fs.f_frsize / (1 << 30), delta=0.02)
        self.assertAlmostEqual(before["free_capacity_gb"], fs.f_bavail * fs.f_frsize / (1 << 30), delta=1)
        self.assertEqual(before["volume_backend_name"], name.split("@")[1].split("#")[0])
        status, _, body = api("POST", "/volumes", {"volume": {"size": 3, "name": "counted"}})
        wait_for(f"/volumes/{body['volume']['id']}", "volume", "available")
        after = api("GET", "/scheduler-stats/get_pools?detail=true")[2]["pools"][0]["capabilities"]
        self.assertEqual(after["allocated_capacity_gb"], before["allocated_capacity_gb"] + 3)
        # Capabilities of the backend, its pool or its node agree with the pools.
        backend = name.split("#")[0]
        for host in (name, backend, backend.split("@")[0]):
            status, _, caps = api("GET", f"/capabilities/{host}")
            self.assertEqual(status, 200, (host, caps))
            self.assertEqual([caps[k] for k in ("vendor_name", "volume_backend_name", "storage_protocol")],
                             [after[k] for k in ("vendor_name", "volume_backend_name", "storage_protocol")])
            self.assertEqual(caps["namespace"], f"OS::Storage::Capabilities::{backend}")
        self.assertEqual(api("GET", "/capabilities/no-such-host")[0], 404)
        # A member sees neither.
        project, token, _ = member_a
        base = f"/volume/v3/{project}"
        self.assertEqual(api("GET", "/scheduler-stats/get_pools", token=token, base=base)[0], 403)
        self.assertEqual(api("GET", f"/capabilities/{backend}", token=token, base=base)[0], 403)

    def test_cinder_cli(self):
        out = stack.cli("get-pools", "--detail", parse=False, program="cinder")
        self.assertIn("vendor_name", out)
        name = api("GET", "/scheduler-stats/get_pools")[2]["pools"][0]["name"]
        out = stack.cli("get-capabilities", name.split("#")[0], parse=False, program="cinder")
        self.assertIn("volume_backend_name", out)


class QuotaClasses(unittest.TestCase):
    def test_default_class_is_every_projects_defaults(self):
        status, _, body = api("GET", "/os-quota-class-sets/default")
        self.assertEqual(status, 200, body)
        original = body["quota_class_set"]
        self.assertEqual(original["id"], "default")
        vtype = volume_type("quota-typed")
        for key in ("volumes", "snapshots", "gigabytes"):
            self.assertEqual(original.get(f"{key}_quota-typed", "missing"), "missing")
            self.assertEqual(api("GET", "/os-quota-class-sets/default")[2]["quota_class_set"][f"{key}_quota-typed"],
                             -1)
        status, _, body = api("PUT", "/os-quota-class-sets/default", {"quota_class_set": {
            "volumes": 17, "gigabytes": 1700, "volumes_quota-typed": 3, "no_such_resource": 5}})
        self.assertEqual(status, 200, body)
        updated = body["quota_class_set"]
        self.assertNotIn("id", updated)
        self.assertNotIn("no_such_resource", updated)
        self.assertEqual((updated["volumes"], updated["gigabytes"], updated["volumes_quota-typed"]), (17, 1700, 3))
        try:
            # A new project's quotas, and every project's defaults, follow the class.
            project, token, _ = stack.member("quota-class-new")
            for path in (f"/os-quota-sets/{project}/defaults", f"/os-quota-sets/{project}"):
                got = api("GET", path)[2]["quota_set"]
                self.assertEqual((got["volumes"], got["gigabytes"], got["volumes_quota-typed"]), (17, 1700, 3), path)
            limits = api("GET", "/limits", token=token, base=f"/volume/v3/{project}")[2]["limits"]["absolute"]
            self.assertEqual(limits["maxTotalVolumes"], 17)
            # ... and the quotas hold: the 18th volume is refused.
            api("PUT", "/os-quota-class-sets/default", {"quota_class_set": {"volumes": 1}})
            base = f"/volume/v3/{project}"
            status, _, body = api("POST", "/volumes", {"volume": {"size": 1}}, token, base=base)
            self.assertEqual(status, 202, body)
            status, _, body = api("POST", "/volumes", {"volume": {"size": 1}}, token, base=base)
            self.assertEqual(status, 413, body)
        finally:
            api("PUT", "/os-quota-class-sets/default", {"quota_class_set": {
                k: original[k] for k in ("volumes", "gigabytes")}})
        self.assertEqual(api("GET", "/os-quota-class-sets/default")[2]["quota_class_set"]["volumes"],
                         original["volumes"])

    def test_a_types_limits_hold(self):
        volume_type("quota-enforced")
        api("PUT", "/os-quota-class-sets/default", {"quota_class_set": {"volumes_quota-enforced": 1}})
        try:
            project, token, _ = member_b
            base = f"/volume/v3/{project}"
            status, _, body = api("POST", "/volumes", {"volume": {"size": 1, "volume_type": "quota-enforced"}},
                                  token, base=base)
            self.assertEqual(status, 202, body)
            status, _, body = api("POST", "/volumes", {"volume": {"size": 1, "volume_type": "quota-enforced"}},
                                  token, base=base)
            self.assertEqual(status, 413, body)
            self.assertIn("volumes_quota-enforced", body["overLimit"]["message"])
            got = api("GET", f"/os-quota-sets/{project}?usage=true")[2]["quota_set"]["volumes_quota-enforced"]
            self.assertEqual((got["limit"], got["in_use"]), (1, 1))
        finally:
            api("PUT", "/os-quota-class-sets/default", {"quota_class_set": {"volumes_quota-enforced": -1}})

    def test_faults_and_policy(self):
        for body in ({"quota_class_set": {"volumes": -2}}, {"quota_class_set": {"volumes": "many"}},
                     {"quota_class_set": []}, {"volumes": 1}):
            status, _, got = api("PUT", "/os-quota-class-sets/default", body)
            self.assertEqual(status, 400, (body, got))
        project, token, _ = member_a
        base = f"/volume/v3/{project}"
        self.assertEqual(api("GET", "/os-quota-class-sets/default", token=token, base=base)[0], 403)
        self.assertEqual(api("PUT", "/os-quota-class-sets/default", {"quota_class_set": {"volumes": 1}}, token,
                             base=base)[0], 403)

    def test_cinder_cli(self):
        stack.cli("quota-class-update", "--backups", "23", "default", parse=False, program="cinder")
        try:
            out = stack.cli("quota-class-show", "default", parse=False, program="cinder")
            self.assertRegex(out, r"\|\s*backups\s*\|\s*23\s*\|")
        finally:
            api("PUT", "/os-quota-class-sets/default", {"quota_class_set": {"backups": 10}})


class BackupRecords(unittest.TestCase):
    def backup(self, name):
        status, _, body = api("POST", "/volumes", {"volume": {"size": 1, "name": name}})
        volume = wait_for(f"/volumes/{body['volume']['id']}", "volume", "available")
        with open(os.path.join(stack.state, "volumes", volume["id"]), "r+b") as f:
            f.write(b"exported bytes " + name.encode())
        status, _, body = api("POST", "/backups", {"backup": {"volume_id": volume["id"], "name": name}})
        self.assertEqual(status, 202, body)
        return wait_for(f"/backups/{body['backup']['id']}", "backup", "available")

    def test_export_import_and_restore(self):
        backup = self.backup("exported")
        status, _, body = api("GET", f"/backups/{backup['id']}/export_record")
        self.assertEqual(status, 200, body)
        record = body["backup-record"]
        self.assertTrue(record["backup_service"].startswith("cinder.backup.drivers."))
        fields = json.loads(base64.b64decode(record["backup_url"]))
        self.assertEqual((fields["id"], fields["display_name"], fields["size"]), (backup["id"], "exported", 1))
        # Imported again under another id (Tempest's way), it shares the bytes.
        fields["id"] = "3c1f4d6e-7a8b-4c9d-8e0f-1a2b3c4d5e6f"
        new_url = base64.b64encode(json.dumps(fields).encode()).decode()
        status, _, body = api("POST", "/backups/import_record", {"backup-record": {
            "backup_service": record["backup_service"], "backup_url": new_url}})
        self.assertEqual(status, 201, body)
        self.assertEqual(set(body["backup"]), {"id", "name", "links"})
        self.assertEqual(body["backup"]["id"], fields["id"])
        imported = wait_for(f"/backups/{fields['id']}", "backup", "available")
        self.assertEqual((imported["name"], imported["size"], imported["volume_id"]),
                         ("exported", 1, backup["volume_id"]))
        # The original goes; the import still restores its bytes.
        self.assertEqual(api("DELETE", f"/backups/{backup['id']}")[0], 202)
        status, _, body = api("POST", f"/backups/{fields['id']}/restore", {"restore": {"name": "from-import"}})
        self.assertEqual(status, 202, body)
        restored = wait_for(f"/volumes/{body['restore']['volume_id']}", "volume", "available")
        with open(os.path.join(stack.state, "volumes", restored["id"]), "rb") as f:
            self.assertEqual(f.read(23), b"exported bytes exported")
        # The same id again is refused; a record whose bytes are gone imports as an error.
        status, _, body = api("POST", "/backups/import_record", {"backup-record": {
            "backup_service": record["backup_service"], "backup_url": new_url}})
        self.assertEqual(status, 400, body)
        self.assertEqual(api("DELETE", f"/backups/{fields['id']}")[0], 202)
        fields["id"] = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b"
        status, _, body = api("POST", "/backups/import_record", {"backup-record": {
            "backup_service": record["backup_service"],
            "backup_url": base64.b64encode(json.dumps(fields).encode()).decode()}})
        self.assertEqual(status, 201, body)
        self.assertEqual(wait_for(f"/backups/{fields['id']}", "backup", "error")["status"], "error")

    def test_faults_and_policy(self):
        backup = self.backup("guarded")
        service = "cinder.backup.drivers.posix.PosixBackupDriver"
        good = base64.b64encode(json.dumps({"id": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d", "volume_id": "v",
                                            "size": 1}).encode()).decode()
        for bad in ({}, {"backup_service": service}, {"backup_url": good},
                    {"backup_service": service, "backup_url": "not base 64!"},
                    {"backup_service": service, "backup_url": base64.b64encode(b"[1]").decode()},
                    {"backup_service": service, "backup_url": base64.b64encode(b'{"id": "../../etc"}').decode()},
                    {"backup_service": "cinder.backup.drivers.swift.SwiftBackupDriver", "backup_url": good}):
            status, _, body = api("POST", "/backups/import_record", {"backup-record": bad})
            self.assertEqual(status, 400, (bad, body))
        self.assertEqual(api("GET", "/backups/no-such-backup/export_record")[0], 404)
        api("POST", f"/backups/{backup['id']}/action", {"os-reset_status": {"status": "error"}})
        self.assertEqual(api("GET", f"/backups/{backup['id']}/export_record")[0], 400)
        project, token, _ = member_a
        base = f"/volume/v3/{project}"
        self.assertEqual(api("GET", f"/backups/{backup['id']}/export_record", token=token, base=base)[0], 403)
        self.assertEqual(api("POST", "/backups/import_record", {"backup-record": {
            "backup_service": service, "backup_url": good}}, token, base=base)[0], 403)

    def test_cinder_cli(self):
        backup = self.backup("cli-exported")
        out = stack.cli("backup-export", backup["id"], parse=False, program="cinder")
        rows = {line.split("|")[1].strip(): line.split("|")[2].strip() for line in out.splitlines()
                if line.count("|") == 3}
        self.assertTrue(rows["backup_service"].startswith("cinder.backup.drivers."))
        fields = json.loads(base64.b64decode(rows["backup_url"]))
        fields["id"] = "9c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f"
        stack.cli("backup-import", rows["backup_service"], base64.b64encode(json.dumps(fields).encode()).decode(),
                  parse=False, program="cinder")
        self.assertEqual(wait_for(f"/backups/{fields['id']}", "backup", "available")["name"], "cli-exported")


if __name__ == "__main__":
    unittest.main()
