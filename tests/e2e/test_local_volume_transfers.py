# SPDX-License-Identifier: Apache-2.0
"""Volume transfers of the local driver: os-volume-transfer and volume-transfers (3.55), offered by one project,
accepted by another with the key, as raw JSON and through Debian's openstack client."""
import os
import sqlite3
import time
import unittest

from stack import Stack

RUN_CLASSES_APART = True


def setUpModule():
    global stack, admin_project, giver, taker
    stack = Stack().start()
    _, _, body = stack.get_json("/identity/v3/auth/tokens", headers={"X-Subject-Token": stack.token})
    admin_project = body["token"]["project"]["id"]
    giver = stack.member("transfer-giver")
    taker = stack.member("transfer-taker")


def tearDownModule():
    stack.stop()


def call(method, path, who=None, body=None, version=None):
    """A request as `who` (a member's (project, token, env); the admin when None) under its project's /volume/v3."""
    project, token = (who[0], who[1]) if who else (admin_project, None)
    headers = {"X-Auth-Token": token} if token else {}
    if version:
        headers["OpenStack-API-Version"] = f"volume {version}"
    return stack.get_json(f"/volume/v3/{project}{path}", method=method, body=body, headers=headers)


def wait(path, who, key, wanted, field="status"):
    deadline = time.time() + 15
    while True:
        status, _, body = call("GET", path, who)
        if status == 200 and body[key][field] == wanted or time.time() > deadline:
            assert status == 200 and body[key][field] == wanted, (path, status, body)
            return body[key]
        time.sleep(0.2)


def volume(who, size=1, name="offered"):
    status, _, body = call("POST", "/volumes", who, {"volume": {"size": size, "name": name}})
    assert status == 202, body
    return wait(f"/volumes/{body['volume']['id']}", who, "volume", "available")


def snapshot(who, volume_id):
    status, _, body = call("POST", "/snapshots", who, {"snapshot": {"volume_id": volume_id, "name": "snap"}})
    assert status == 202, body
    return wait(f"/snapshots/{body['snapshot']['id']}", who, "snapshot", "available")


def usage(who):
    _, _, body = call("GET", f"/os-quota-sets/{who[0]}?usage=True", who)
    q = body["quota_set"]
    return {k: q[k]["in_use"] for k in ("volumes", "gigabytes", "snapshots")}


def offer(who, volume_id, path="/os-volume-transfer", version=None, **extra):
    status, _, body = call("POST", path, who, {"transfer": {"volume_id": volume_id, **extra}}, version)
    assert status == 202, body
    return body["transfer"]


def database():
    return sqlite3.connect(f"file:{os.path.join(stack.state, 'jumpgate.sqlite')}?mode=ro", uri=True)


class Transfers(unittest.TestCase):
    def test_offer_list_and_accept_move_the_volume_its_snapshots_and_quota(self):
        v = volume(giver, size=2)
        snap = snapshot(giver, v["id"])
        giver_before, taker_before = usage(giver), usage(taker)
        t = offer(giver, v["id"], name="  for the taker  ")
        self.assertEqual(set(t), {"id", "created_at", "name", "volume_id", "auth_key", "links"})
        self.assertEqual((t["name"], t["volume_id"]), ("for the taker", v["id"]))
        self.assertRegex(t["auth_key"], r"^[0-9a-f]{16}$")
        self.assertIn(f"/os-volume-transfer/{t['id']}", t["links"][0]["href"])
        self.assertEqual(call("GET", f"/volumes/{v['id']}", giver)[2]["volume"]["status"], "awaiting-transfer")

        # The key is shown once and kept only as a hash.
        status, _, shown = call("GET", f"/os-volume-transfer/{t['id']}", giver)
        self.assertEqual(status, 200)
        self.assertNotIn("auth_key", shown["transfer"])
        self.assertEqual(set(shown["transfer"]), {"id", "created_at", "name", "volume_id", "links"})
        with database() as db:
            stored = db.execute("SELECT key_hash FROM volume_transfers WHERE id = ?", (t["id"],)).fetchone()[0]
        self.assertNotIn(t["auth_key"], stored)
        with open(os.path.join(stack.state, "jumpgate.sqlite"), "rb") as f:
            self.assertNotIn(t["auth_key"].encode(), f.read())

        # Listed to its project (and to an admin asking for all projects'), to no one else.
        _, _, listed = call("GET", "/os-volume-transfer", giver)
        self.assertIn({"id": t["id"], "name": "for the taker", "volume_id": v["id"],
                       "links": shown["transfer"]["links"]}, listed["transfers"])
        _, _, detail = call("GET", "/os-volume-transfer/detail", giver)
        self.assertIn(shown["transfer"], detail["transfers"])
        for who in (taker, None):
            _, _, other = call("GET", "/os-volume-transfer/detail", who)
            self.assertNotIn(t["id"], [x["id"] for x in other["transfers"]])
        _, _, everyone = call("GET", "/os-volume-transfer/detail?all_tenants=True")
        self.assertIn(t["id"], [x["id"] for x in everyone["transfers"]])
        _, _, ignored = call("GET", "/os-volume-transfer/detail?all_tenants=True", taker)
        self.assertNotIn(t["id"], [x["id"] for x in ignored["transfers"]])
        self.assertEqual(call("GET", f"/os-volume-transfer/{t['id']}", taker)[0], 404)
        self.assertEqual(call("DELETE", f"/os-volume-transfer/{t['id']}", taker)[0], 404)

        # A wrong key is refused and changes nothing; the right one moves the volume and its snapshot.
        for wrong in (t["auth_key"][:-1] + ("0" if t["auth_key"][-1] != "0" else "1"), "", 1234):
            status, _, body = call("POST", f"/os-volume-transfer/{t['id']}/accept", taker,
                                   {"accept": {"auth_key": wrong}})
            self.assertEqual(status, 400, body)
            self.assertIn("Invalid auth key", body["badRequest"]["message"])
        self.assertEqual(call("GET", f"/volumes/{v['id']}", giver)[2]["volume"]["status"], "awaiting-transfer")
        status, _, body = call("POST", f"/os-volume-transfer/{t['id']}/accept", taker,
                               {"accept": {"auth_key": t["auth_key"]}})
        self.assertEqual(status, 202, body)
        self.assertEqual(set(body["transfer"]), {"id", "name", "volume_id", "links"})
        self.assertEqual((body["transfer"]["id"], body["transfer"]["volume_id"]), (t["id"], v["id"]))

        self.assertEqual(call("GET", f"/volumes/{v['id']}", giver)[0], 404)
        self.assertEqual(call("GET", f"/snapshots/{snap['id']}", giver)[0], 404)
        moved = call("GET", f"/volumes/{v['id']}", taker, version="3.70")[2]["volume"]
        self.assertEqual(moved["status"], "available")
        _, _, whoami = stack.get_json("/identity/v3/auth/tokens", headers={"X-Subject-Token": taker[1]})
        self.assertEqual(moved["user_id"], whoami["token"]["user"]["id"])
        _, _, as_admin = call("GET", f"/volumes/{v['id']}")
        self.assertEqual(as_admin["volume"]["os-vol-tenant-attr:tenant_id"], taker[0])
        self.assertEqual(call("GET", f"/snapshots/{snap['id']}", taker)[0], 200)
        giver_after, taker_after = usage(giver), usage(taker)
        self.assertEqual(giver_after, {"volumes": giver_before["volumes"] - 1,
                                       "gigabytes": giver_before["gigabytes"] - 4,
                                       "snapshots": giver_before["snapshots"] - 1})
        self.assertEqual(taker_after, {"volumes": taker_before["volumes"] + 1,
                                       "gigabytes": taker_before["gigabytes"] + 4,
                                       "snapshots": taker_before["snapshots"] + 1})

        # Accepted is gone, for both.
        for who in (giver, taker):
            self.assertEqual(call("GET", f"/os-volume-transfer/{t['id']}", who)[0], 404)
        self.assertEqual(call("POST", f"/os-volume-transfer/{t['id']}/accept", taker,
                              {"accept": {"auth_key": t["auth_key"]}})[0], 404)

    def test_volume_transfers_without_snapshots_and_the_microversions_fields(self):
        v = volume(giver)
        snap = snapshot(giver, v["id"])
        self.assertEqual(call("POST", "/volume-transfers", giver,
                              {"transfer": {"volume_id": v["id"], "no_snapshots": True}}, "3.54")[0], 400)
        self.assertEqual(call("POST", "/os-volume-transfer", giver,
                              {"transfer": {"volume_id": v["id"], "no_snapshots": True}}, "3.57")[0], 400)
        t = offer(giver, v["id"], "/volume-transfers", "3.55", no_snapshots=True)
        self.assertEqual((t["no_snapshots"], t["name"]), (True, None))
        self.assertNotIn("accepted", t)
        _, _, shown = call("GET", f"/volume-transfers/{t['id']}", giver, version="3.57")
        self.assertEqual({k: shown["transfer"][k] for k in
                          ("no_snapshots", "source_project_id", "destination_project_id", "accepted")},
                         {"no_snapshots": True, "source_project_id": giver[0], "destination_project_id": None,
                          "accepted": False})
        # Both paths list the same transfers.
        _, _, listed = call("GET", "/os-volume-transfer", giver)
        self.assertIn(t["id"], [x["id"] for x in listed["transfers"]])
        status, _, body = call("POST", f"/volume-transfers/{t['id']}/accept", taker,
                               {"accept": {"auth_key": t["auth_key"]}}, "3.55")
        self.assertEqual(status, 202, body)
        self.assertEqual(call("GET", f"/volumes/{v['id']}", taker)[0], 200)
        # The snapshot stays with the project that made it.
        self.assertEqual(call("GET", f"/snapshots/{snap['id']}", giver)[0], 200)
        self.assertEqual(call("GET", f"/snapshots/{snap['id']}", taker)[0], 404)

    def test_pages_newest_first_from_3_59(self):
        ids = [offer(giver, volume(giver, name=f"page-{i}")["id"], name=f"page-{i}")["id"] for i in range(3)]
        _, _, old = call("GET", "/os-volume-transfer?name=page-1", giver)
        self.assertEqual([x["id"] for x in old["transfers"]], [ids[1]])
        _, _, first = call("GET", "/volume-transfers?limit=2&sort=name:asc", giver, version="3.59")
        self.assertEqual([x["id"] for x in first["transfers"]], ids[:2])
        self.assertIn(f"marker={ids[1]}", first["transfers_links"][0]["href"])
        _, _, rest = call("GET", f"/volume-transfers?limit=2&sort=name:asc&marker={ids[1]}", giver, version="3.59")
        self.assertEqual([x["id"] for x in rest["transfers"]], ids[2:])
        for i in ids:
            self.assertEqual(call("DELETE", f"/volume-transfers/{i}", giver)[0], 202)

    def test_withdrawn_refused_and_over_quota(self):
        v = volume(giver)
        t = offer(giver, v["id"])
        # Awaiting transfer, the volume takes no second transfer and may not be deleted.
        self.assertEqual(call("POST", "/os-volume-transfer", giver, {"transfer": {"volume_id": v["id"]}})[0], 400)
        self.assertEqual(call("DELETE", f"/volumes/{v['id']}", giver)[0], 400)
        self.assertEqual(call("DELETE", f"/os-volume-transfer/{t['id']}", giver)[0], 202)
        self.assertEqual(call("GET", f"/volumes/{v['id']}", giver)[2]["volume"]["status"], "available")
        self.assertEqual(call("DELETE", f"/os-volume-transfer/{t['id']}", giver)[0], 404)
        self.assertEqual(call("POST", f"/os-volume-transfer/{t['id']}/accept", taker,
                              {"accept": {"auth_key": t["auth_key"]}})[0], 404)

        for bad in ({"transfer": {}}, {"transfer": {"volume_id": "not-a-uuid"}},
                    {"transfer": {"volume_id": v["id"], "name": "   "}},
                    {"transfer": {"volume_id": v["id"], "name": "n" * 256}},
                    {"transfer": {"volume_id": v["id"], "color": "red"}}, {"transfer": "x"}, {"nope": {}}):
            with self.subTest(body=bad):
                status, _, body = call("POST", "/os-volume-transfer", giver, bad)
                self.assertEqual(status, 400, body)
                self.assertIn("badRequest", body)
        # Another project's volume is not found; an unknown transfer neither.
        self.assertEqual(call("POST", "/os-volume-transfer", taker, {"transfer": {"volume_id": v["id"]}})[0], 404)
        for bad in ({"accept": {}}, {"accept": {"auth_key": ["k"]}}, {"accept": {"auth_key": "k", "x": 1}}, {}):
            with self.subTest(body=bad):
                self.assertEqual(call("POST", f"/os-volume-transfer/{t['id']}/accept", taker, bad)[0], 400)
        self.assertEqual(call("POST", "/os-volume-transfer/00000000-0000-0000-0000-000000000000/accept", taker,
                              {"accept": {"auth_key": "0123456789abcdef"}})[0], 404)

        # A volume in use is not offered.
        status, _, body = call("POST", "/attachments", giver, {"attachment": {"volume_uuid": v["id"]}}, "3.44")
        self.assertEqual(status, 200, body)
        status, _, body = call("POST", "/os-volume-transfer", giver, {"transfer": {"volume_id": v["id"]}})
        self.assertEqual(status, 400, body)

        # Beyond the taker's quota: 413, and the volume stays where it was.
        poor = stack.member("transfer-poor")
        self.assertEqual(call("PUT", f"/os-quota-sets/{poor[0]}", None, {"quota_set": {"gigabytes": 2}})[0], 200)
        big = volume(giver, size=3)
        t = offer(giver, big["id"])
        status, _, body = call("POST", f"/os-volume-transfer/{t['id']}/accept", poor,
                               {"accept": {"auth_key": t["auth_key"]}})
        self.assertEqual(status, 413, body)
        self.assertEqual(call("GET", f"/volumes/{big['id']}", giver)[2]["volume"]["status"], "awaiting-transfer")
        self.assertEqual(usage(poor)["gigabytes"], 0)
        self.assertEqual(call("POST", f"/os-volume-transfer/{t['id']}/accept", taker,
                              {"accept": {"auth_key": t["auth_key"]}})[0], 202)


class Clients(unittest.TestCase):
    SANITIZED_RUN = False

    def test_openstack_volume_transfer_request(self):
        v = volume(giver, name="cli-offered")
        cli = lambda who, *a, **k: stack.cli(*a, env=who[2], **k)
        made = cli(giver, "volume", "transfer", "request", "create", "--name", "cli-transfer", "cli-offered")
        self.assertEqual((made["name"], made["volume_id"]), ("cli-transfer", v["id"]))
        self.assertRegex(made["auth_key"], r"^[0-9a-f]{16}$")
        listed = cli(giver, "volume", "transfer", "request", "list")
        self.assertIn(made["id"], [x["ID"] for x in listed])
        shown = cli(giver, "volume", "transfer", "request", "show", made["id"])
        self.assertEqual(shown["volume_id"], v["id"])
        self.assertNotIn(made["id"], [x["ID"] for x in cli(taker, "volume", "transfer", "request", "list")])
        run = cli(taker, "volume", "transfer", "request", "accept", "--auth-key", "0000000000000000", made["id"],
                  parse=False, check=False)
        self.assertNotEqual(run.returncode, 0)
        self.assertIn("Invalid auth key", run.stderr)
        accepted = cli(taker, "volume", "transfer", "request", "accept", "--auth-key", made["auth_key"], made["id"])
        self.assertEqual(accepted["volume_id"], v["id"])
        self.assertEqual(cli(taker, "volume", "show", v["id"])["status"], "available")
        # And back, withdrawn this time.
        again = cli(taker, "volume", "transfer", "request", "create", v["id"])
        cli(taker, "volume", "transfer", "request", "delete", again["id"], parse=False)
        self.assertEqual(cli(taker, "volume", "show", v["id"])["status"], "available")
        self.assertEqual(cli(taker, "volume", "transfer", "request", "list"), [])
