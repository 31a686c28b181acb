# SPDX-License-Identifier: Apache-2.0
"""Cinder's generic volume groups on the local driver: group types and their specs, groups and the volumes in them,
group snapshots, through Debian's openstack and cinder clients and as raw JSON for the fields and faults."""
import time
import unittest

from stack import Stack

MV = "3.64"  # past every group microversion the views branch on but 3.58's project_id


def setUpModule():
    global stack, admin_project, V3, member_a, member_b
    stack = Stack().start()
    _, _, body = stack.get_json("/identity/v3/auth/tokens", headers={"X-Subject-Token": stack.token})
    admin_project = body["token"]["project"]["id"]
    V3 = f"/volume/v3/{admin_project}"
    member_a = stack.member("groups-a")
    member_b = stack.member("groups-b")


def tearDownModule():
    stack.stop()


def call(method, path, body=None, token=None, version=MV):
    headers = {"OpenStack-API-Version": f"volume {version}"} if version else {}
    if token:
        headers["X-Auth-Token"] = token
    return stack.get_json(path, method=method, body=body, headers=headers)


def base(member=None):
    return f"/volume/v3/{member[0]}" if member else V3


def wait(path, key, wanted, token=None, seconds=10):
    deadline = time.time() + seconds
    while True:
        status, _, body = call("GET", path, token=token)
        if status == 200 and body[key]["status"] == wanted or time.time() > deadline:
            assert status == 200 and body[key]["status"] == wanted, (path, status, body)
            return body[key]
        time.sleep(0.2)


_names = iter(range(1_000_000))


def a_type(public=True, **specs):
    status, _, body = call("POST", f"{V3}/group_types", {"group_type": {
        "name": f"gt-{next(_names)}", "is_public": public, "group_specs": specs}})
    assert status == 202, body
    return body["group_type"]


def a_volume_type():
    status, _, body = call("POST", f"{V3}/types", {"volume_type": {"name": f"vt-{next(_names)}"}})
    assert status == 200, body
    return body["volume_type"]


def a_group(member=None, volume_types=None, group_type=None, **extra):
    token = member[1] if member else None
    body = {"group_type": (group_type or a_type())["id"],
            "volume_types": volume_types or [a_volume_type()["id"]], **extra}
    status, _, made = call("POST", f"{base(member)}/groups", {"group": body}, token)
    assert status == 202, made
    return wait(f"{base(member)}/groups/{made['group']['id']}?list_volume=true", "group", "available", token)


def a_volume(member=None, **fields):
    token = member[1] if member else None
    fields.setdefault("size", 1)
    status, _, body = call("POST", f"{base(member)}/volumes", {"volume": fields}, token)
    assert status == 202, body
    return wait(f"{base(member)}/volumes/{body['volume']['id']}", "volume", "available", token)


class GroupTypes(unittest.TestCase):
    def test_create_show_list_update_delete(self):
        t = a_type(public=True, consistent_group_snapshot_enabled="<is> False")
        self.assertEqual(set(t), {"id", "name", "description", "is_public", "group_specs"})
        self.assertEqual(t["group_specs"], {"consistent_group_snapshot_enabled": "<is> False"})
        status, _, body = call("GET", f"{V3}/group_types/{t['id']}")
        self.assertEqual((status, body["group_type"]), (200, t))
        # A member sees a public type without its specs, and never a private one.
        private = a_type(public=False)
        status, _, body = call("GET", f"{base(member_a)}/group_types/{t['id']}", token=member_a[1])
        self.assertEqual(status, 200)
        self.assertNotIn("group_specs", body["group_type"])
        status, _, body = call("GET", f"{base(member_a)}/group_types/{private['id']}", token=member_a[1])
        self.assertEqual(status, 404, body)
        status, _, body = call("GET", f"{base(member_a)}/group_types", token=member_a[1])
        ids = [x["id"] for x in body["group_types"]]
        self.assertIn(t["id"], ids)
        self.assertNotIn(private["id"], ids)
        # An admin's is_public: true by default, false the private ones, "None" in any case all (Horizon sends it).
        listed = lambda q: [x["id"] for x in call("GET", f"{V3}/group_types{q}")[2]["group_types"]]
        self.assertIn(t["id"], listed(""))
        self.assertNotIn(private["id"], listed(""))
        self.assertIn(private["id"], listed("?is_public=false"))
        self.assertNotIn(t["id"], listed("?is_public=false"))
        for spelling in ("None", "none", "NONE"):
            self.assertTrue({t["id"], private["id"]} <= set(listed(f"?is_public={spelling}")), spelling)
        self.assertEqual(call("GET", f"{V3}/group_types?is_public=maybe")[0], 400)
        # Update and delete are an admin's.
        status, _, body = call("PUT", f"{base(member_a)}/group_types/{t['id']}",
                               {"group_type": {"description": "x"}}, member_a[1])
        self.assertEqual(status, 403, body)
        status, _, body = call("PUT", f"{V3}/group_types/{t['id']}", {"group_type": {"description": "changed"}})
        self.assertEqual((status, body["group_type"]["description"]), (200, "changed"))
        self.assertEqual(call("PUT", f"{V3}/group_types/{t['id']}", {"group_type": {}})[0], 400)
        self.assertEqual(call("PUT", f"{V3}/group_types/{t['id']}", {"group_type": {"name": "  "}})[0], 400)
        self.assertEqual(call("POST", f"{V3}/group_types", {"group_type": {"name": t["name"]}})[0], 409)
        self.assertEqual(call("DELETE", f"{V3}/group_types/{t['id']}")[0], 202)
        self.assertEqual(call("GET", f"{V3}/group_types/{t['id']}")[0], 404)

    def test_sort_and_page(self):
        # Tempest's test_group_type_list_by_optional_params: sort by name either way, any visibility.
        a, b = a_type(public=True)["name"], a_type(public=False)["name"]
        names = lambda q: [x["name"] for x in call("GET", f"{V3}/group_types?is_public=None&{q}")[2]["group_types"]]
        self.assertLess(names("sort=name:asc").index(a), names("sort=name:asc").index(b))
        self.assertLess(names("sort=name:desc").index(b), names("sort=name:desc").index(a))
        everything = call("GET", f"{V3}/group_types?is_public=None&sort=name:asc")[2]["group_types"]
        page = call("GET", f"{V3}/group_types?is_public=None&sort=name:asc&limit=1&marker={everything[0]['id']}")[2]
        self.assertEqual([x["id"] for x in page["group_types"]], [everything[1]["id"]])
        self.assertIn("group_type_links", page)
        self.assertEqual(call("GET", f"{V3}/group_types?sort=size")[0], 400)
        self.assertEqual(call("GET", f"{V3}/group_types?marker=nope")[0], 400)

    def test_before_their_microversion_and_default(self):
        self.assertEqual(call("GET", f"{V3}/group_types", version="3.10")[0], 404)
        self.assertEqual(call("GET", f"{V3}/group_types", version="3.11")[0], 200)
        # No default group type is configured, as in Cinder without default_group_type.
        status, _, body = call("GET", f"{V3}/group_types/default")
        self.assertEqual(status, 404)
        self.assertEqual(body["itemNotFound"]["message"], "Default group type can not be found.")

    def test_group_specs(self):
        t = a_type()
        path = f"{V3}/group_types/{t['id']}/group_specs"
        status, _, body = call("POST", path, {"group_specs": {"key1": "value1", "key2": "value2"}})
        self.assertEqual((status, body), (202, {"group_specs": {"key1": "value1", "key2": "value2"}}))
        self.assertEqual(call("GET", path)[2], {"group_specs": {"key1": "value1", "key2": "value2"}})
        self.assertEqual(call("GET", f"{path}/key1")[2], {"key1": "value1"})
        self.assertEqual(call("PUT", f"{path}/key1", {"key1": "new"})[:3:2], (200, {"key1": "new"}))
        self.assertEqual(call("PUT", f"{path}/key1", {"key2": "new"})[0], 400)  # body and URI mismatch
        self.assertEqual(call("PUT", f"{path}/key1", {"key1": "a", "key2": "b"})[0], 400)
        self.assertEqual(call("POST", path, {"group_specs": {"bad key": "v"}})[0], 400)
        self.assertEqual(call("DELETE", f"{path}/key1")[0], 202)
        self.assertEqual(call("GET", f"{path}/key1")[0], 404)
        self.assertEqual(call("DELETE", f"{path}/key1")[0], 404)
        # Members may not read or write specs.
        mpath = f"{base(member_a)}/group_types/{t['id']}/group_specs"
        self.assertEqual(call("GET", mpath, token=member_a[1])[0], 403)
        self.assertEqual(call("POST", mpath, {"group_specs": {"k": "v"}}, member_a[1])[0], 403)

    def test_openstack_cli(self):
        cli = lambda *a, **k: stack.cli("--os-volume-api-version", "3.11", *a, **k)
        made = cli("volume", "group", "type", "create", "--description", "by the client", "--private", "cli-gt")
        self.assertEqual((made["Name"], made["Is Public"]), ("cli-gt", False))
        cli("volume", "group", "type", "set", "--property", "k1=v1", "--public", made["ID"], parse=False)
        # Debian's client fails its own "group type show" and "group show" (it reads attributes its parser lacks,
        # calls a manager method that cinderclient lacks): the API answers those.
        shown = call("GET", f"{V3}/group_types/{made['ID']}")[2]["group_type"]
        self.assertEqual((shown["is_public"], shown["group_specs"]), (True, {"k1": "v1"}))
        self.assertIn(made["ID"], [t["ID"] for t in cli("volume", "group", "type", "list")])
        cli("volume", "group", "type", "delete", made["ID"], parse=False)
        self.assertNotIn(made["ID"], [t["ID"] for t in cli("volume", "group", "type", "list")])


class Groups(unittest.TestCase):
    def test_create_show_list_and_fields(self):
        vt = a_volume_type()
        gt = a_type()
        status, _, body = call("POST", f"{V3}/groups", {"group": {
            "name": " g1 ", "description": "first", "group_type": gt["name"], "volume_types": [vt["name"]]}})
        self.assertEqual(status, 202, body)
        self.assertEqual(set(body["group"]), {"id", "name"})
        self.assertEqual(body["group"]["name"], "g1")  # Cinder strips the spaces of a name
        gid = body["group"]["id"]
        g = wait(f"{V3}/groups/{gid}", "group", "available")
        self.assertEqual((g["group_type"], g["volume_types"], g["availability_zone"]), (gt["id"], [vt["id"]], "nova"))
        self.assertEqual((g["group_snapshot_id"], g["source_group_id"], g["replication_status"]),
                         (None, None, "disabled"))
        self.assertEqual(g["project_id"], admin_project)  # 3.58, an admin
        self.assertNotIn("volumes", g)  # only with list_volume
        self.assertEqual(call("GET", f"{V3}/groups/{gid}?list_volume=true")[2]["group"]["volumes"], [])
        # The microversions that shape it: 3.13 has no snapshot ids, 3.25 no volumes before it.
        g13 = call("GET", f"{V3}/groups/{gid}?list_volume=true", version="3.13")[2]["group"]
        self.assertFalse({"group_snapshot_id", "volumes", "replication_status", "project_id"} & set(g13))
        self.assertEqual(call("GET", f"{V3}/groups/{gid}", version="3.12")[0], 404)
        listed = call("GET", f"{V3}/groups")[2]["groups"]
        self.assertIn({"id": gid, "name": "g1"}, listed)
        detail = call("GET", f"{V3}/groups/detail?name=g1")[2]["groups"]
        self.assertEqual([x["id"] for x in detail], [gid])

    def test_paging(self):
        gt, vt = a_type(), a_volume_type()
        member = stack.member("groups-paging")
        made = [a_group(member, [vt["id"]], gt)["id"] for _ in range(3)]
        path = f"{base(member)}/groups"
        first = call("GET", f"{path}?limit=2", token=member[1])[2]
        self.assertEqual([g["id"] for g in first["groups"]], made[::-1][:2])
        self.assertIn("group_links", first)
        rest = call("GET", f"{path}?limit=2&marker={made[1]}", token=member[1])[2]
        self.assertEqual([g["id"] for g in rest["groups"]], [made[0]])
        self.assertNotIn("group_links", rest)
        for gid in made:
            self.assertEqual(call("POST", f"{path}/{gid}/action", {"delete": {}}, member[1])[0], 202)

    def test_create_faults(self):
        vt, gt = a_volume_type(), a_type()
        post = lambda g: call("POST", f"{V3}/groups", {"group": g})
        self.assertEqual(post({"volume_types": [vt["id"]]})[0], 400)
        self.assertEqual(post({"group_type": gt["id"]})[0], 400)
        self.assertEqual(post({"group_type": gt["id"], "volume_types": []})[0], 400)
        self.assertEqual(post({"group_type": gt["id"], "volume_types": [vt["id"], vt["id"]]})[0], 400)
        self.assertEqual(post({"group_type": gt["id"], "volume_types": [vt["id"]], "extra": 1})[0], 400)
        self.assertEqual(post({"group_type": "no-such-type", "volume_types": [vt["id"]]})[0], 404)
        self.assertEqual(post({"group_type": gt["id"], "volume_types": ["no-such-type"]})[0], 404)
        self.assertEqual(post({"group_type": gt["id"], "volume_types": [vt["id"]], "availability_zone": "x"})[0], 400)
        # A member may not use a private group type.
        private = a_type(public=False)
        status, _, _ = call("POST", f"{base(member_a)}/groups", {"group": {
            "group_type": private["id"], "volume_types": [vt["id"]]}}, member_a[1])
        self.assertEqual(status, 404)

    def test_volumes_join_and_leave(self):
        vt, other = a_volume_type(), a_volume_type()
        g = a_group(volume_types=[vt["id"]])
        path = f"{V3}/groups/{g['id']}"
        v1 = a_volume(volume_type=vt["id"])
        v2 = a_volume(volume_type=vt["id"])
        wrong = a_volume(volume_type=other["id"])
        self.assertEqual(v1["group_id"], None)
        status, _, body = call("PUT", path, {"group": {"add_volumes": f"{v1['id']},{v2['id']}"}})
        self.assertEqual(status, 202, body)
        g = wait(f"{path}?list_volume=true", "group", "available")
        self.assertEqual(sorted(g["volumes"]), sorted([v1["id"], v2["id"]]))
        self.assertEqual(call("GET", f"{V3}/volumes/{v1['id']}")[2]["volume"]["group_id"], g["id"])
        self.assertNotIn("group_id", call("GET", f"{V3}/volumes/{v1['id']}", version="3.12")[2]["volume"])
        listed = call("GET", f"{V3}/volumes/detail?group_id={g['id']}")[2]["volumes"]
        self.assertEqual(sorted(v["id"] for v in listed), sorted([v1["id"], v2["id"]]))
        # A type the group does not take, a volume in another group, one that does not exist, one in both lists.
        status, _, body = call("PUT", path, {"group": {"add_volumes": wrong["id"]}})
        self.assertEqual(status, 400)
        self.assertIn("is not supported by the group", body["badRequest"]["message"])
        g2 = a_group(volume_types=[vt["id"]])
        status, _, body = call("PUT", f"{V3}/groups/{g2['id']}", {"group": {"add_volumes": v1["id"]}})
        self.assertEqual(status, 400)
        self.assertIn("already in group", body["badRequest"]["message"])
        self.assertEqual(call("PUT", path, {"group": {"add_volumes": "nope"}})[0], 400)
        self.assertEqual(call("PUT", path, {"group": {"add_volumes": v1["id"], "remove_volumes": v1["id"]}})[0], 400)
        self.assertEqual(call("PUT", path, {"group": {"remove_volumes": wrong["id"]}})[0], 400)
        self.assertEqual(call("PUT", path, {"group": {}})[0], 400)
        # A volume in a group is not deleted by itself.
        status, _, body = call("DELETE", f"{V3}/volumes/{v1['id']}")
        self.assertEqual(status, 400, body)
        self.assertEqual(call("PUT", path, {"group": {"remove_volumes": v2["id"], "name": "renamed"}})[0], 202)
        g = wait(f"{path}?list_volume=true", "group", "available")
        self.assertEqual((g["volumes"], g["name"]), ([v1["id"]], "renamed"))
        # Deleting a group with volumes needs delete-volumes; with it, the volumes go too.
        status, _, body = call("POST", f"{path}/action", {"delete": {"delete-volumes": False}})
        self.assertEqual(status, 400)
        self.assertIn("delete-volumes flag is required", body["badRequest"]["message"])
        self.assertEqual(call("POST", f"{path}/action", {"delete": {"delete-volumes": True}})[0], 202)
        self.assertEqual(call("GET", path)[0], 404)
        self.assertEqual(call("GET", f"{V3}/volumes/{v1['id']}")[0], 404)
        self.assertEqual(call("GET", f"{V3}/volumes/{v2['id']}")[0], 200)

    def test_volume_created_in_a_group(self):
        vt, other = a_volume_type(), a_volume_type()
        g = a_group(volume_types=[vt["id"]])
        v = a_volume(volume_type=vt["id"], group_id=g["id"])
        self.assertEqual(v["group_id"], g["id"])
        status, _, body = call("POST", f"{V3}/volumes", {"volume": {
            "size": 1, "volume_type": other["id"], "group_id": g["id"]}})
        self.assertEqual(status, 400, body)
        status, _, _ = call("POST", f"{V3}/volumes", {"volume": {"size": 1, "group_id": "no-such-group"}})
        self.assertEqual(status, 404)

    def test_reset_status(self):
        g = a_group(member_a)
        path = f"{base(member_a)}/groups/{g['id']}/action"
        self.assertEqual(call("POST", path, {"reset_status": {"status": "error"}}, member_a[1])[0], 403)
        self.assertEqual(call("POST", f"{V3}/groups/{g['id']}/action", {"reset_status": {"status": "bogus"}})[0],
                         400)
        self.assertEqual(call("POST", f"{V3}/groups/{g['id']}/action", {"reset_status": {"status": "error"}},
                              version="3.19")[0], 404)
        self.assertEqual(call("POST", f"{V3}/groups/{g['id']}/action", {"reset_status": {"status": "Error"}})[0],
                         202)
        self.assertEqual(call("GET", f"{V3}/groups/{g['id']}")[2]["group"]["status"], "error")
        self.assertEqual(call("POST", path, {"delete": {}}, member_a[1])[0], 202)

    def test_other_projects_groups_are_not_found(self):
        g = a_group(member_a)
        token = member_b[1]
        b = base(member_b)
        self.assertEqual(call("GET", f"{b}/groups/{g['id']}", token=token)[0], 404)
        self.assertEqual(call("PUT", f"{b}/groups/{g['id']}", {"group": {"name": "b"}}, token)[0], 404)
        self.assertEqual(call("POST", f"{b}/groups/{g['id']}/action", {"delete": {}}, token)[0], 404)
        self.assertEqual(call("POST", f"{b}/group_snapshots", {"group_snapshot": {"group_id": g["id"]}}, token)[0],
                         404)
        self.assertNotIn(g["id"], [x["id"] for x in call("GET", f"{b}/groups", token=token)[2]["groups"]])
        # A's volume cannot join B's group either.
        v = a_volume(member_a, volume_type=g["volume_types"][0])
        gb = a_group(member_b, volume_types=g["volume_types"])
        status, _, _ = call("PUT", f"{b}/groups/{gb['id']}", {"group": {"add_volumes": v["id"]}}, token)
        self.assertEqual(status, 400)

    def test_quota(self):
        member = stack.member("groups-quota")
        status, _, body = call("GET", f"{V3}/os-quota-sets/{member[0]}?usage=true")
        self.assertEqual((status, body["quota_set"]["groups"]["limit"], body["quota_set"]["groups"]["in_use"]),
                         (200, 10, 0))
        call("PUT", f"{V3}/os-quota-sets/{member[0]}", {"quota_set": {"groups": 1}})
        gt, vt = a_type(), a_volume_type()
        a_group(member, [vt["id"]], gt)
        status, _, body = call("POST", f"{base(member)}/groups", {"group": {
            "group_type": gt["id"], "volume_types": [vt["id"]]}}, member[1])
        self.assertEqual(status, 413, body)
        status, _, body = call("GET", f"{V3}/os-quota-sets/{member[0]}?usage=true")
        self.assertEqual(body["quota_set"]["groups"]["in_use"], 1)

    def test_clients(self):
        vt = a_volume_type()
        gt = a_type()
        cli = lambda *a, **k: stack.cli("--os-volume-api-version", "3.14", *a, **k)
        g = cli("volume", "group", "create", "--name", "cli-group", gt["id"], vt["id"])
        g = wait(f"{V3}/groups/{g['ID']}", "group", "available")
        self.assertEqual(g["name"], "cli-group")
        self.assertIn(g["id"], [x["ID"] for x in cli("volume", "group", "list")])
        cli("volume", "group", "set", "--name", "cli-renamed", g["id"], parse=False)
        self.assertEqual(call("GET", f"{V3}/groups/{g['id']}")[2]["group"]["name"], "cli-renamed")
        # The openstack client has no way to add volumes; the cinder client has.
        v = a_volume(volume_type=vt["id"])
        stack.cli("--os-volume-api-version", "3.25", "group-update", "--add-volumes", v["id"], g["id"],
                  parse=False, program="cinder")
        g = wait(f"{V3}/groups/{g['id']}?list_volume=true", "group", "available")
        self.assertEqual(g["volumes"], [v["id"]])
        s = cli("volume", "group", "snapshot", "create", "--description", "by the client", g["id"])
        s = wait(f"{V3}/group_snapshots/{s['ID']}", "group_snapshot", "available")
        self.assertIn(s["id"], [x["ID"] for x in cli("volume", "group", "snapshot", "list")])
        cli("volume", "group", "snapshot", "delete", s["id"], parse=False)
        cli("volume", "group", "delete", "--force", g["id"], parse=False)
        self.assertEqual(call("GET", f"{V3}/groups/{g['id']}")[0], 404)
        self.assertEqual(call("GET", f"{V3}/volumes/{v['id']}")[0], 404)


class GroupSnapshots(unittest.TestCase):
    def test_snapshot_every_volume_and_make_groups_from_it(self):
        vt = a_volume_type()
        g = a_group(member_a, [vt["id"]])
        b, token = base(member_a), member_a[1]
        vols = [a_volume(member_a, volume_type=vt["id"], group_id=g["id"]) for _ in range(2)]
        status, _, body = call("POST", f"{b}/group_snapshots", {"group_snapshot": {
            "group_id": g["id"], "name": "gs1", "description": "both"}}, token)
        self.assertEqual(status, 202, body)
        self.assertEqual(set(body["group_snapshot"]), {"id", "name", "group_type_id"})
        sid = body["group_snapshot"]["id"]
        s = wait(f"{b}/group_snapshots/{sid}", "group_snapshot", "available", token)
        self.assertEqual(set(s), {"id", "group_id", "group_type_id", "status", "created_at", "name", "description"})
        self.assertEqual((s["group_id"], s["group_type_id"], s["name"]), (g["id"], g["group_type"], "gs1"))
        self.assertEqual(call("GET", f"{V3}/group_snapshots/{sid}")[2]["group_snapshot"]["project_id"], member_a[0])
        # One snapshot of each volume, named as the group snapshot and naming it.
        snaps = call("GET", f"{b}/snapshots/detail", token=token)[2]["snapshots"]
        mine = [x for x in snaps if x["group_snapshot_id"] == sid]
        self.assertEqual(sorted(x["volume_id"] for x in mine), sorted(v["id"] for v in vols))
        self.assertEqual({x["name"] for x in mine}, {"gs1"})
        self.assertEqual(call("GET", f"{b}/group_snapshots", token=token)[2]["group_snapshots"],
                         [{"id": sid, "name": "gs1"}])
        self.assertEqual([x["id"] for x in call("GET", f"{b}/group_snapshots/detail?group_id={g['id']}",
                                                token=token)[2]["group_snapshots"]], [sid])
        self.assertEqual(call("GET", f"{b}/group_snapshots", token=token, version="3.13")[0], 404)
        # Another project sees none of it.
        self.assertEqual(call("GET", f"{base(member_b)}/group_snapshots/{sid}", token=member_b[1])[0], 404)
        self.assertEqual(call("DELETE", f"{base(member_b)}/group_snapshots/{sid}", token=member_b[1])[0], 404)
        # A group with snapshots is not deleted.
        status, _, body = call("POST", f"{b}/groups/{g['id']}/action", {"delete": {"delete-volumes": True}}, token)
        self.assertEqual(status, 400)
        # A new group from the snapshot, and another from the group itself: a volume for each volume.
        for source in ({"group_snapshot_id": sid}, {"source_group_id": g["id"]}):
            status, _, body = call("POST", f"{b}/groups/action", {"create-from-src": {"name": "copy", **source}},
                                   token)
            self.assertEqual(status, 202, body)
            copy = wait(f"{b}/groups/{body['group']['id']}?list_volume=true", "group", "available", token)
            self.assertEqual(len(copy["volumes"]), 2)
            self.assertEqual(copy["group_snapshot_id"], source.get("group_snapshot_id"))
            self.assertEqual(copy["source_group_id"], source.get("source_group_id"))
            for vid in copy["volumes"]:
                wait(f"{b}/volumes/{vid}", "volume", "available", token)
            self.assertEqual(call("POST", f"{b}/groups/{copy['id']}/action", {"delete": {"delete-volumes": True}},
                                  token)[0], 202)
        self.assertEqual(call("POST", f"{b}/groups/action", {"create-from-src": {}}, token)[0], 400)
        # Reset status: an admin's, from 3.19.
        path = f"{b}/group_snapshots/{sid}/action"
        self.assertEqual(call("POST", path, {"reset_status": {"status": "error"}}, token)[0], 403)
        self.assertEqual(call("POST", f"{V3}/group_snapshots/{sid}/action", {"reset_status": {"status": "error"}},
                              version="3.18")[0], 404)
        self.assertEqual(call("POST", f"{V3}/group_snapshots/{sid}/action",
                              {"reset_status": {"status": "error"}})[0], 202)
        self.assertEqual(call("GET", f"{b}/group_snapshots/{sid}", token=token)[2]["group_snapshot"]["status"], "error")
        # Deleting it deletes its snapshots; then the group and its volumes may go.
        self.assertEqual(call("DELETE", f"{b}/group_snapshots/{sid}", token=token)[0], 202)
        self.assertEqual(call("GET", f"{b}/group_snapshots/{sid}", token=token)[0], 404)
        snaps = call("GET", f"{b}/snapshots/detail", token=token)[2]["snapshots"]
        self.assertFalse([x for x in snaps if x["group_snapshot_id"] == sid])
        self.assertEqual(call("POST", f"{b}/groups/{g['id']}/action", {"delete": {"delete-volumes": True}},
                              token)[0], 202)


if __name__ == "__main__":
    unittest.main()
