# SPDX-License-Identifier: Apache-2.0
"""Block storage of the local driver: Cinder v3 (and the v1/v2 paths), the Compute volumes extension of seed
002, and Debian's openstack and cinder clients."""
import hashlib
import os
import time
import unittest
import unittest.mock

from stack import Stack

GIB = 1 << 30


# Each class needs only the module's set-up, and several take long: tests/e2e/main.py runs each apart.
RUN_CLASSES_APART = True


def setUpModule():
    global stack, admin_project, image_id, image_bytes, member_a, member_b, V3
    stack = Stack().start()
    _, _, body = stack.get_json("/identity/v3/auth/tokens", headers={"X-Subject-Token": stack.token})
    admin_project = body["token"]["project"]["id"]
    V3 = f"/volume/v3/{admin_project}"
    image_bytes = os.urandom(8192) + b"jumpgate" * 512
    image_id = stack.public_image("vol-src", image_bytes)
    member_a = stack.member("volumes-a")
    member_b = stack.member("volumes-b")
    # The admin's project makes more volumes here than the default quota of 10 allows.
    status, _, _ = stack.get_json(f"{V3}/os-quota-sets/{admin_project}", method="PUT",
                                  body={"quota_set": {"volumes": -1, "snapshots": -1, "gigabytes": -1}})
    assert status == 200


def tearDownModule():
    stack.stop()


def auth(token=None, version=None):
    headers = {}
    if token:
        headers["X-Auth-Token"] = token
    if version:
        headers["OpenStack-API-Version"] = f"volume {version}"
    return headers


def create(base=None, token=None, version=None, **volume):
    volume.setdefault("size", 1)
    return stack.get_json(f"{base or V3}/volumes", method="POST", body={"volume": volume},
                          headers=auth(token, version))


def show(volume_id, base=None, token=None):
    return stack.get_json(f"{base or V3}/volumes/{volume_id}", headers=auth(token))


def wait_status(volume_id, wanted, base=None, token=None, seconds=10):
    deadline = time.time() + seconds
    while True:
        status, _, body = show(volume_id, base, token)
        if status == 404 and wanted is None:
            return None
        if status == 200 and body["volume"]["status"] == wanted or time.time() > deadline:
            return body.get("volume")
        time.sleep(0.2)


def available_volume(base=None, token=None, **volume):
    status, _, body = create(base, token, **volume)
    assert status == 202, body
    v = wait_status(body["volume"]["id"], "available", base, token)
    assert v["status"] == "available", v
    return v


def action(volume_id, body, base=None, token=None, version=None):
    return stack.get_json(f"{base or V3}/volumes/{volume_id}/action", method="POST", body=body,
                          headers=auth(token, version))


def volume_file(volume_id):
    return os.path.join(stack.state, "volumes", volume_id)


class Volumes(unittest.TestCase):
    def test_created_then_available_with_a_sparse_file(self):
        status, _, body = create(name="first", description="d", metadata={"k": "v"}, size=2)
        self.assertEqual(status, 202, body)
        v = body["volume"]
        self.assertEqual((v["status"], v["size"], v["name"], v["metadata"]), ("creating", 2, "first", {"k": "v"}))
        self.assertEqual(v["volume_type"], "__DEFAULT__")
        self.assertEqual(v["links"][0]["href"], f"http://127.0.0.1:{stack.port}{V3}/volumes/{v['id']}")
        done = wait_status(v["id"], "available")
        self.assertEqual(done["status"], "available")
        st = os.stat(volume_file(v["id"]))
        self.assertEqual(st.st_size, 2 * GIB)
        self.assertLess(st.st_blocks * 512, 1 << 20)       # sparse: nothing written yet

    def test_bad_requests(self):
        for bad in ({"size": 0}, {"size": "ten"}, {"name": "x"}, {"size": 1, "availability_zone": "mars"},
                    {"size": 1, "metadata": {"k": 1}}, {"size": 1, "name": "n" * 256},
                    {"size": 1, "snapshot_id": 7}):
            with self.subTest(volume=bad):
                status, _, body = stack.get_json(f"{V3}/volumes", method="POST", body={"volume": bad})
                self.assertEqual(status, 400, body)
                self.assertIn("badRequest", body)
        status, _, body = create(volume_type="no-such-type")
        self.assertEqual(status, 404)
        status, _, body = stack.get_json(f"{V3}/volumes", method="POST", body={"nope": {}})
        self.assertEqual(status, 400)
        self.assertEqual(show("no-such-volume")[0], 404)

    def test_list_filters_sorting_and_pages(self):
        ids = [available_volume(name=f"page-{i}", size=i + 1)["id"] for i in range(4)]
        _, _, body = stack.get_json(f"{V3}/volumes?name=page-2")
        self.assertEqual([v["id"] for v in body["volumes"]], [ids[2]])
        self.assertEqual(set(body["volumes"][0]), {"id", "name", "links"})
        _, _, body = stack.get_json(f"{V3}/volumes/detail?sort=size:asc&status=available")
        sizes = [v["size"] for v in body["volumes"]]
        self.assertEqual(sizes, sorted(sizes))
        seen, path = [], f"{V3}/volumes/detail?limit=2&sort=name:asc"
        while path:
            status, _, body = stack.get_json(path)
            self.assertEqual(status, 200, body)
            self.assertLessEqual(len(body["volumes"]), 2)
            seen += [(v["id"], v["name"]) for v in body["volumes"]]
            links = body.get("volumes_links", [])
            path = links[0]["href"].split(str(stack.port), 1)[1] if links else None
        names = [n for _, n in seen if n and n.startswith("page-")]
        self.assertEqual(names, ["page-0", "page-1", "page-2", "page-3"])
        self.assertEqual(len(seen), len({i for i, _ in seen}))              # each volume once
        self.assertEqual(stack.get_json(f"{V3}/volumes?marker=no-such-volume")[0], 404)   # MarkerNotFound
        self.assertEqual(stack.get_json(f"{V3}/volumes?sort=colour:asc")[0], 400)
        _, _, body = stack.get_json(f"{V3}/volumes?with_count=true&name=page-1", headers=auth(version="3.45"))
        self.assertEqual(body["count"], 1)

    def test_update_and_metadata(self):
        v = available_volume(name="meta")
        status, _, body = stack.get_json(f"{V3}/volumes/{v['id']}", method="PUT",
                                         body={"volume": {"name": "renamed", "description": "new"}})
        self.assertEqual((status, body["volume"]["name"], body["volume"]["description"]), (200, "renamed", "new"))
        base = f"{V3}/volumes/{v['id']}/metadata"
        _, _, body = stack.get_json(base, method="PUT", body={"metadata": {"a": "1", "b": "2"}})
        self.assertEqual(body, {"metadata": {"a": "1", "b": "2"}})
        _, _, body = stack.get_json(base, method="POST", body={"metadata": {"c": "3"}})
        self.assertEqual(body["metadata"], {"a": "1", "b": "2", "c": "3"})
        _, _, body = stack.get_json(base + "/b")
        self.assertEqual(body, {"meta": {"b": "2"}})
        _, _, body = stack.get_json(base + "/b", method="PUT", body={"meta": {"b": "9"}})
        self.assertEqual(body, {"meta": {"b": "9"}})
        self.assertEqual(stack.get_json(base + "/b", method="PUT", body={"meta": {"x": "9"}})[0], 400)
        self.assertEqual(stack.request("DELETE", base + "/a")[0], 200)
        self.assertEqual(stack.request("DELETE", base + "/a")[0], 404)
        _, _, body = show(v["id"])
        self.assertEqual(body["volume"]["metadata"], {"b": "9", "c": "3"})

    def test_actions(self):
        v = available_volume(name="acts")
        self.assertEqual(action(v["id"], {"os-extend": {"new_size": 1}})[0], 400)
        self.assertEqual(action(v["id"], {"os-extend": {"new_size": 3}})[0], 202)
        self.assertEqual(wait_status(v["id"], "available")["size"], 3)
        self.assertEqual(os.stat(volume_file(v["id"])).st_size, 3 * GIB)
        status, _, _ = action(v["id"], {"os-set_bootable": {"bootable": True}})
        self.assertEqual(status, 200)
        self.assertEqual(show(v["id"])[2]["volume"]["bootable"], "true")
        self.assertEqual(action(v["id"], {"os-update_readonly_flag": {"readonly": True}})[0], 202)
        self.assertEqual(show(v["id"])[2]["volume"]["metadata"].get("readonly"), "True")
        self.assertEqual(action(v["id"], {"os-update_readonly_flag": {"readonly": False}})[0], 202)
        _, token, _ = member_a
        self.assertEqual(action(v["id"], {"os-reset_status": {"status": "error"}})[0], 202)
        self.assertEqual(show(v["id"])[2]["volume"]["status"], "error")
        self.assertEqual(action(v["id"], {"os-reset_status": {"status": "sideways"}})[0], 400)
        self.assertEqual(action(v["id"], {"os-extend": {"new_size": 4}})[0], 400)      # not available
        self.assertEqual(action(v["id"], {"os-reset_status": {"status": "available"}})[0], 202)
        self.assertEqual(action(v["id"], {"os-attach": {"instance_uuid": "0" * 32, "mountpoint": "/dev/vdb"}})[0], 202)
        attached = wait_status(v["id"], "in-use")
        self.assertEqual(attached["attachments"][0]["device"], "/dev/vdb")
        self.assertEqual(action(v["id"], {"os-extend": {"new_size": 5}})[0], 400)      # in use before 3.42
        self.assertEqual(stack.request("DELETE", f"{V3}/volumes/{v['id']}")[0], 400)   # attached
        self.assertEqual(action(v["id"], {"os-detach": {}})[0], 202)
        self.assertEqual(wait_status(v["id"], "available")["attachments"], [])
        self.assertEqual(action(v["id"], {"os-no-such": {}})[0], 400)

    def test_member_may_not_reset_status_and_sees_only_its_own(self):
        _, token_a, _ = member_a
        project_b, token_b, _ = member_b
        v = available_volume(base=f"/volume/v3/{member_a[0]}", token=token_a, name="private-a")
        base_b = f"/volume/v3/{project_b}"
        self.assertEqual(show(v["id"], base_b, token_b)[0], 404)
        _, _, mine = show(v["id"], f"/volume/v3/{member_a[0]}", token_a)
        self.assertEqual(mine["volume"]["os-vol-tenant-attr:tenant_id"], member_a[0])  # a project reader's
        self.assertNotIn("os-vol-host-attr:host", mine["volume"])               # admins only, as Cinder's policy
        _, _, seen_by_admin = show(v["id"])
        self.assertEqual(seen_by_admin["volume"]["os-vol-tenant-attr:tenant_id"], member_a[0])
        for method, path, body in (("DELETE", f"{base_b}/volumes/{v['id']}", None),
                                   ("PUT", f"{base_b}/volumes/{v['id']}", {"volume": {"name": "x"}}),
                                   ("POST", f"{base_b}/volumes/{v['id']}/action", {"os-extend": {"new_size": 2}}),
                                   ("GET", f"{base_b}/volumes/{v['id']}/metadata", None),
                                   ("POST", f"{base_b}/snapshots", {"snapshot": {"volume_id": v["id"]}})):
            status, _, _ = stack.get_json(path, method=method, body=body, headers=auth(token_b))
            self.assertEqual(status, 404, (method, path))
        _, _, body = stack.get_json(f"{base_b}/volumes?all_tenants=1", headers=auth(token_b))
        self.assertNotIn(v["id"], [x["id"] for x in body["volumes"]])
        self.assertEqual(stack.get_json(f"/volume/v3/{member_a[0]}/volumes", headers=auth(token_b))[0], 403)
        base_a = f"/volume/v3/{member_a[0]}"
        self.assertEqual(action(v["id"], {"os-reset_status": {"status": "error"}}, base_a, token_a)[0], 403)
        _, _, body = stack.get_json(f"{V3}/volumes/detail?all_tenants=1")
        self.assertIn(v["id"], [x["id"] for x in body["volumes"]])
        _, _, body = stack.get_json(f"{V3}/volumes")
        self.assertNotIn(v["id"], [x["id"] for x in body["volumes"]])

    def test_v1_and_v2_paths(self):
        status, _, body = create(f"/volume/v2/{admin_project}", display_name="old-client")
        self.assertEqual(status, 202, body)
        self.assertEqual(body["volume"]["name"], "old-client")
        status, _, body = stack.get_json(f"/volume/v1/{admin_project}/volumes", method="POST",
                                         body={"volume": {"size": "1", "display_name": "v1-client"}})
        self.assertEqual(status, 202, body)
        self.assertEqual(body["volume"]["display_name"], "v1-client")
        _, _, body = stack.get_json(f"/volume/v1/{admin_project}/volumes/detail")
        self.assertIn("v1-client", [v["display_name"] for v in body["volumes"]])
        _, _, body = stack.get_json(f"/volume/v2/{admin_project}/volumes?name=v1-client")
        self.assertEqual(len(body["volumes"]), 1)
        _, _, body = stack.get_json("/volume/v3/volumes?name=v1-client")      # v3 without the project
        self.assertEqual(len(body["volumes"]), 1)


class Data(unittest.TestCase):
    def test_from_image_snapshot_and_volume_copy_real_bytes(self):
        v = available_volume(name="from-image", imageRef=image_id)
        self.assertEqual(v["bootable"], "true")
        self.assertEqual(v["volume_image_metadata"]["image_id"], image_id)
        with open(volume_file(v["id"]), "rb") as f:
            self.assertEqual(f.read(len(image_bytes)), image_bytes)
        status, _, body = stack.get_json(f"{V3}/snapshots", method="POST",
                                         body={"snapshot": {"volume_id": v["id"], "name": "snap"}})
        self.assertEqual(status, 202, body)
        snap = body["snapshot"]
        deadline = time.time() + 10
        while snap["status"] != "available" and time.time() < deadline:
            time.sleep(0.2)
            snap = stack.get_json(f"{V3}/snapshots/{snap['id']}")[2]["snapshot"]
        self.assertEqual((snap["status"], snap["size"], snap["volume_id"]), ("available", 1, v["id"]))
        from_snap = available_volume(name="from-snap", snapshot_id=snap["id"])
        self.assertEqual(from_snap["snapshot_id"], snap["id"])
        with open(volume_file(from_snap["id"]), "rb") as f:
            self.assertEqual(f.read(len(image_bytes)), image_bytes)
        clone = available_volume(name="clone", source_volid=v["id"], size=2)
        with open(volume_file(clone["id"]), "rb") as f:
            self.assertEqual(f.read(len(image_bytes)), image_bytes)
        status, _, body = stack.get_json(f"{V3}/volumes", method="POST",
                                         body={"volume": {"size": 1, "source_volid": clone["id"]}})
        self.assertEqual(status, 400, body)                                  # smaller than its source
        # Snapshots: list, update, metadata; a volume with snapshots is kept unless cascade.
        _, _, body = stack.get_json(f"{V3}/snapshots/detail?volume_id={v['id']}")
        self.assertEqual([s["id"] for s in body["snapshots"]], [snap["id"]])
        status, _, body = stack.get_json(f"{V3}/snapshots/{snap['id']}", method="PUT",
                                         body={"snapshot": {"description": "kept"}})
        self.assertEqual((status, body["snapshot"]["description"]), (200, "kept"))
        _, _, body = stack.get_json(f"{V3}/snapshots/{snap['id']}/metadata", method="PUT",
                                    body={"metadata": {"s": "1"}})
        self.assertEqual(body, {"metadata": {"s": "1"}})
        self.assertEqual(stack.request("DELETE", f"{V3}/volumes/{v['id']}")[0], 400)
        self.assertEqual(stack.request("DELETE", f"{V3}/volumes/{v['id']}?cascade=true")[0], 202)
        self.assertIsNone(wait_status(v["id"], None))
        self.assertFalse(os.path.exists(volume_file(v["id"])))
        self.assertEqual(stack.get_json(f"{V3}/snapshots/{snap['id']}")[0], 404)

    def test_upload_to_image_copies_the_volume(self):
        v = available_volume(name="to-image", imageRef=image_id)
        status, _, body = action(v["id"], {"os-volume_upload_image": {"image_name": "from-volume",
                                                                      "disk_format": "raw"}})
        self.assertEqual(status, 202, body)
        new_image = body["os-volume_upload_image"]["image_id"]
        deadline = time.time() + 30
        img = {}
        while time.time() < deadline:
            _, _, img = stack.get_json(f"/image/v2/images/{new_image}")
            if img.get("status") == "active":
                break
            time.sleep(0.5)
        self.assertEqual((img["status"], img["size"], img["disk_format"]), ("active", GIB, "raw"))
        md5 = hashlib.md5()
        with open(volume_file(v["id"]), "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                md5.update(block)
        self.assertEqual(img["checksum"], md5.hexdigest())
        self.assertEqual(wait_status(v["id"], "available")["status"], "available")


class Types(unittest.TestCase):
    def test_types_defaults_access_and_specs(self):
        _, _, body = stack.get_json(f"{V3}/types")
        names = [t["name"] for t in body["volume_types"]]
        self.assertIn("__DEFAULT__", names)
        _, _, body = stack.get_json(f"{V3}/types/default", headers=auth(version="3.62"))
        self.assertEqual(body["volume_type"]["name"], "__DEFAULT__")
        status, _, body = stack.get_json(f"{V3}/types", method="POST", body={"volume_type": {
            "name": "e2e-private", "os-volume-type-access:is_public": False, "extra_specs": {"multiattach": "<is> True"}}})
        self.assertEqual(status, 200, body)
        t = body["volume_type"]
        self.assertEqual((t["is_public"], t["extra_specs"]), (False, {"multiattach": "<is> True"}))
        # Cinder v3's show and list add the QoS specs for an admin; create (Tempest's schema says so) does not.
        self.assertNotIn("qos_specs_id", t)
        self.assertIn("qos_specs_id", stack.get_json(f"{V3}/types/{t['id']}")[2]["volume_type"])
        self.assertEqual(stack.get_json(f"{V3}/types", method="POST", body={"volume_type": {"name": "e2e-private"}})[0], 409)
        project, token, _ = member_a
        base_a = f"/volume/v3/{project}"
        self.assertEqual(stack.get_json(f"{base_a}/types", method="POST", headers=auth(token),
                                        body={"volume_type": {"name": "mine"}})[0], 403)
        _, _, body = stack.get_json(f"{base_a}/types", headers=auth(token))
        self.assertNotIn("e2e-private", [x["name"] for x in body["volume_types"]])
        self.assertEqual(create(base_a, token, volume_type="e2e-private")[0], 404)
        self.assertEqual(stack.get_json(f"{V3}/types/{t['id']}/action", method="POST",
                                        body={"addProjectAccess": {"project": project}})[0], 202)
        _, _, body = stack.get_json(f"{V3}/types/{t['id']}/os-volume-type-access")
        self.assertEqual(body["volume_type_access"], [{"volume_type_id": t["id"], "project_id": project}])
        _, _, body = stack.get_json(f"{base_a}/types", headers=auth(token))
        self.assertIn("e2e-private", [x["name"] for x in body["volume_types"]])
        v = available_volume(base_a, token, volume_type="e2e-private")
        self.assertEqual((v["volume_type"], v["multiattach"]), ("e2e-private", True))
        _, _, body = stack.get_json(f"{V3}/types/{t['id']}/extra_specs", method="POST",
                                    body={"extra_specs": {"volume_backend_name": "local"}})
        self.assertEqual(body, {"extra_specs": {"volume_backend_name": "local"}})
        _, _, body = stack.get_json(f"{V3}/types/{t['id']}/extra_specs/volume_backend_name")
        self.assertEqual(body, {"volume_backend_name": "local"})
        self.assertEqual(stack.request("DELETE", f"{V3}/types/{t['id']}")[0], 409)       # a volume uses it
        self.assertEqual(stack.request("DELETE", f"{base_a}/volumes/{v['id']}", headers=auth(token))[0], 202)
        wait_status(v["id"], None, base_a, token)
        self.assertEqual(stack.request("DELETE", f"{V3}/types/{t['id']}")[0], 202)
        self.assertEqual(stack.get_json(f"{V3}/types/{t['id']}")[0], 404)


class TypesIsPublic(unittest.TestCase):
    def test_none_in_any_case_lists_every_type_for_admins(self):
        # cinderclient (Horizon's) sends is_public=None when it wants no filter.
        status, _, body = stack.get_json(f"{V3}/types", method="POST", body={"volume_type": {
            "name": "e2e-none-private", "os-volume-type-access:is_public": False}})
        self.assertEqual(status, 200, body)
        for value in ("None", "none", "NONE"):
            with self.subTest(is_public=value):
                status, _, body = stack.get_json(f"{V3}/types?is_public={value}")
                self.assertEqual(status, 200, body)
                names = [t["name"] for t in body["volume_types"]]
                self.assertIn("e2e-none-private", names)
                self.assertIn("__DEFAULT__", names)
        _, _, body = stack.get_json(f"{V3}/types?is_public=false")
        self.assertEqual([t["name"] for t in body["volume_types"]], ["e2e-none-private"])
        self.assertNotIn("e2e-none-private", [t["name"] for t in stack.get_json(f"{V3}/types")[2]["volume_types"]])
        self.assertEqual(stack.get_json(f"{V3}/types?is_public=maybe")[0], 400)
        project, token, _ = member_a
        _, _, body = stack.get_json(f"/volume/v3/{project}/types?is_public=None", headers=auth(token))
        self.assertNotIn("e2e-none-private", [t["name"] for t in body["volume_types"]])


class Encryption(unittest.TestCase):
    def test_create_show_update_delete_while_no_volume_has_the_type(self):
        _, _, body = stack.get_json(f"{V3}/types", method="POST", body={"volume_type": {"name": "e2e-encrypted"}})
        type_id = body["volume_type"]["id"]
        path = f"{V3}/types/{type_id}/encryption"
        self.assertEqual(stack.get_json(path), (200, unittest.mock.ANY, {}))
        status, _, body = stack.get_json(path, method="POST", body={"encryption": {
            "provider": "luks", "cipher": "aes-xts-plain64", "key_size": "256", "control_location": "front-end"}})
        self.assertEqual(status, 200, body)
        made = body["encryption"]
        self.assertEqual({k: made[k] for k in ("provider", "cipher", "key_size", "control_location",
                                               "volume_type_id")},
                         {"provider": "luks", "cipher": "aes-xts-plain64", "key_size": 256,
                          "control_location": "front-end", "volume_type_id": type_id})
        self.assertRegex(made["encryption_id"], r"^[0-9a-f-]{36}$")
        _, _, shown = stack.get_json(path)
        self.assertEqual(set(shown), {"volume_type_id", "encryption_id", "provider", "cipher", "key_size",
                                      "control_location", "created_at", "updated_at", "deleted", "deleted_at"})
        self.assertEqual((shown["encryption_id"], shown["updated_at"], shown["deleted"]),
                         (made["encryption_id"], None, False))
        self.assertEqual(stack.get_json(f"{path}/cipher")[2], {"cipher": "aes-xts-plain64"})
        self.assertEqual(stack.get_json(f"{path}/key_size")[2], {"key_size": 256})
        self.assertEqual(stack.get_json(f"{path}/no-such-key")[0], 404)
        self.assertEqual(stack.get_json(path, method="POST", body={"encryption": {
            "provider": "luks", "control_location": "front-end"}})[0], 400)       # one a type
        status, _, body = stack.get_json(f"{path}/provider", method="PUT", body={"encryption": {
            "key_size": 128, "control_location": "back-end"}})
        self.assertEqual((status, body), (200, {"encryption": {"key_size": 128, "control_location": "back-end"}}))
        _, _, shown = stack.get_json(path)
        self.assertEqual((shown["provider"], shown["key_size"], shown["control_location"]), ("luks", 128, "back-end"))
        self.assertIsNotNone(shown["updated_at"])
        for bad in ({"encryption": {"provider": "luks"}}, {"encryption": {"control_location": "front-end"}},
                    {"encryption": {"provider": "p", "control_location": "middle"}},
                    {"encryption": {"provider": "p", "control_location": "front-end", "key_size": "big"}},
                    {"encryption": {"provider": "p", "control_location": "front-end", "key_size": -1}},
                    {"encryption": {"provider": 7, "control_location": "front-end"}}, {"encryption": []}):
            with self.subTest(body=bad):
                status, _, body = stack.get_json(f"{V3}/types/{type_id}/encryption", method="POST", body=bad)
                self.assertEqual(status, 400, body)
        # Members neither read nor change it.
        project, token, _ = member_a
        member_path = f"/volume/v3/{project}/types/{type_id}/encryption"
        self.assertEqual(stack.get_json(member_path, headers=auth(token))[0], 403)
        self.assertEqual(stack.get_json(f"{member_path}/cipher", headers=auth(token))[0], 403)
        self.assertEqual(stack.request("DELETE", f"{member_path}/provider", headers=auth(token))[0], 403)
        # While a volume has the type, it stays as it is.
        v = available_volume(volume_type="e2e-encrypted")
        self.assertEqual(stack.get_json(f"{path}/provider", method="PUT",
                                        body={"encryption": {"cipher": None}})[0], 400)
        self.assertEqual(stack.request("DELETE", f"{path}/provider")[0], 400)
        self.assertEqual(stack.request("DELETE", f"{V3}/volumes/{v['id']}")[0], 202)
        wait_status(v["id"], None)
        self.assertEqual(stack.request("DELETE", f"{path}/provider")[0], 202)
        self.assertEqual(stack.get_json(path)[2], {})
        self.assertEqual(stack.request("DELETE", f"{path}/provider")[0], 404)
        self.assertEqual(stack.get_json(f"{V3}/types/no-such-type/encryption")[0], 404)

    def test_openstack_cli_encrypted_type(self):
        made = stack.cli("volume", "type", "create", "--encryption-provider", "luks", "--encryption-cipher",
                         "aes-xts-plain64", "--encryption-key-size", "256", "--encryption-control-location",
                         "front-end", "cli-encrypted")
        shown = stack.cli("volume", "type", "show", "--encryption-type", "cli-encrypted")
        self.assertEqual(shown["id"], made["id"])
        self.assertIn("aes-xts-plain64", str(shown["encryption"]))
        listed = stack.cli("volume", "type", "list", "--encryption-type", "--long")
        self.assertIn("luks", str([t for t in listed if t["Name"] == "cli-encrypted"]))
        stack.cli("volume", "type", "unset", "--encryption-type", "cli-encrypted", parse=False)
        self.assertEqual(stack.get_json(f"{V3}/types/{made['id']}/encryption")[2], {})


class QosSpecs(unittest.TestCase):
    def test_create_set_associate_and_delete(self):
        status, _, body = stack.get_json(f"{V3}/qos-specs", method="POST", body={"qos_specs": {
            "name": " e2e-qos ", "consumer": "front-end", "total_iops_sec": "500"}})
        self.assertEqual(status, 200, body)
        qos = body["qos_specs"]
        self.assertEqual((qos["name"], qos["consumer"], qos["specs"]), ("e2e-qos", "front-end",
                                                                        {"total_iops_sec": "500"}))
        self.assertEqual(body["links"][0]["href"], f"http://127.0.0.1:{stack.port}{V3}/qos-specs/{qos['id']}")
        path = f"{V3}/qos-specs/{qos['id']}"
        self.assertEqual(stack.get_json(f"{V3}/qos-specs", method="POST",
                                        body={"qos_specs": {"name": "e2e-qos"}})[0], 409)
        for bad in ({"qos_specs": {}}, {"qos_specs": {"name": "  "}}, {"qos_specs": {"name": "x", "consumer": "me"}},
                    {"qos_specs": {"name": "x", "k": 1}}, {"qos_specs": {"name": "x"}, "more": 1}, {"qos_specs": 1}):
            with self.subTest(body=bad):
                status, _, body = stack.get_json(f"{V3}/qos-specs", method="POST", body=bad)
                self.assertEqual(status, 400, body)
        status, _, body = stack.get_json(path, method="PUT", body={"qos_specs": {"read_iops_sec": "100",
                                                                                "consumer": "both"}})
        self.assertEqual((status, body), (200, {"qos_specs": {"read_iops_sec": "100", "consumer": "both"}}))
        _, _, body = stack.get_json(path)
        self.assertEqual((body["qos_specs"]["consumer"], body["qos_specs"]["specs"]),
                         ("both", {"total_iops_sec": "500", "read_iops_sec": "100"}))
        _, _, body = stack.get_json(f"{V3}/qos-specs?name=e2e-qos")
        self.assertEqual([q["id"] for q in body["qos_specs"]], [qos["id"]])
        self.assertEqual(stack.request("PUT", f"{path}/delete_keys", body={"keys": ["read_iops_sec"]})[0], 202)
        self.assertEqual(stack.request("PUT", f"{path}/delete_keys", body={"keys": ["no-such"]})[0], 404)
        self.assertEqual(stack.get_json(path)[2]["qos_specs"]["specs"], {"total_iops_sec": "500"})

        _, _, body = stack.get_json(f"{V3}/types", method="POST", body={"volume_type": {"name": "e2e-qos-type"}})
        vtype = body["volume_type"]
        self.assertNotIn("qos_specs_id", vtype)                                 # not in create's view
        self.assertIsNone(stack.get_json(f"{V3}/types/{vtype['id']}")[2]["volume_type"]["qos_specs_id"])
        self.assertEqual(stack.get_json(f"{path}/associate")[0], 400)
        self.assertEqual(stack.get_json(f"{path}/associate?vol_type_id=no-such-type")[0], 404)
        self.assertEqual(stack.request("GET", f"{path}/associate?vol_type_id={vtype['id']}")[0], 202)
        self.assertEqual(stack.get_json(f"{V3}/types/{vtype['id']}")[2]["volume_type"]["qos_specs_id"], qos["id"])
        self.assertEqual(stack.get_json(f"{path}/associations")[2], {"qos_associations": [
            {"association_type": "volume_type", "name": "e2e-qos-type", "id": vtype["id"]}]})
        # A type has one QoS spec at a time.
        _, _, other = stack.get_json(f"{V3}/qos-specs", method="POST", body={"qos_specs": {"name": "e2e-other"}})
        self.assertEqual(stack.get_json(f"{V3}/qos-specs/{other['qos_specs']['id']}/associate"
                                        f"?vol_type_id={vtype['id']}")[0], 400)
        # Members see no QoS, nor a type's association.
        project, token, _ = member_a
        member_base = f"/volume/v3/{project}"
        self.assertEqual(stack.get_json(f"{member_base}/qos-specs", headers=auth(token))[0], 403)
        self.assertEqual(stack.get_json(f"{member_base}/qos-specs/{qos['id']}", headers=auth(token))[0], 403)
        self.assertEqual(stack.get_json(f"{member_base}/qos-specs/{qos['id']}/disassociate_all",
                                        headers=auth(token))[0], 403)
        _, _, types = stack.get_json(f"{member_base}/types", headers=auth(token))
        self.assertNotIn("qos_specs_id", types["volume_types"][0])

        self.assertEqual(stack.request("DELETE", path)[0], 400)                 # still associated
        self.assertEqual(stack.request("DELETE", f"{path}?force=maybe")[0], 400)
        self.assertEqual(stack.request("GET", f"{path}/disassociate?vol_type_id={vtype['id']}")[0], 202)
        self.assertEqual(stack.get_json(f"{path}/associations")[2], {"qos_associations": []})
        self.assertEqual(stack.request("GET", f"{path}/associate?vol_type_id={vtype['id']}")[0], 202)
        self.assertEqual(stack.request("DELETE", f"{path}?force=True")[0], 202)
        self.assertIsNone(stack.get_json(f"{V3}/types/{vtype['id']}")[2]["volume_type"]["qos_specs_id"])
        self.assertEqual(stack.get_json(path)[0], 404)

    def test_openstack_cli(self):
        stack.cli("volume", "type", "create", "cli-qos-type")
        made = stack.cli("volume", "qos", "create", "--consumer", "back-end", "--property", "read_iops_sec=100",
                         "cli-qos")
        self.assertEqual((made["name"], made["consumer"]), ("cli-qos", "back-end"))
        stack.cli("volume", "qos", "set", "--property", "write_iops_sec=50", "cli-qos", parse=False)
        stack.cli("volume", "qos", "associate", "cli-qos", "cli-qos-type", parse=False)
        listed = [q for q in stack.cli("volume", "qos", "list") if q["Name"] == "cli-qos"]
        self.assertEqual(len(listed), 1)
        self.assertIn("cli-qos-type", str(listed[0]["Associations"]))
        shown = stack.cli("volume", "qos", "show", "cli-qos")
        self.assertIn("write_iops_sec", str(shown["properties"]))
        stack.cli("volume", "qos", "unset", "--property", "read_iops_sec", "cli-qos", parse=False)
        self.assertNotIn("read_iops_sec", str(stack.cli("volume", "qos", "show", "cli-qos")["properties"]))
        stack.cli("volume", "qos", "disassociate", "--all", "cli-qos", parse=False)
        stack.cli("volume", "qos", "delete", "cli-qos", parse=False)
        self.assertNotIn("cli-qos", [q["Name"] for q in stack.cli("volume", "qos", "list")])


class Quotas(unittest.TestCase):
    def test_limits_and_quota_sets_from_real_usage(self):
        project, token, _ = stack.member("volumes-quota")
        base = f"/volume/v3/{project}"
        status, _, body = stack.get_json(f"{V3}/os-quota-sets/{project}", method="PUT",
                                         body={"quota_set": {"volumes": 1, "gigabytes": 5}})
        self.assertEqual((status, body["quota_set"]["volumes"]), (200, 1))
        self.assertEqual(stack.get_json(f"{base}/os-quota-sets/{project}", method="PUT", headers=auth(token),
                                        body={"quota_set": {"volumes": 9}})[0], 403)
        self.assertEqual(stack.get_json(f"{V3}/os-quota-sets/{project}", method="PUT",
                                        body={"quota_set": {"pools": 9}})[0], 400)
        self.assertEqual(create(base, token, size=6)[0], 413)                 # over gigabytes
        self.assertEqual(create(base, token, size=2)[0], 202)
        status, _, body = create(base, token, size=1)
        self.assertEqual(status, 413, body)
        self.assertIn("overLimit", body)
        _, _, body = stack.get_json(f"{base}/limits", headers=auth(token))
        absolute = body["limits"]["absolute"]
        self.assertEqual((absolute["maxTotalVolumes"], absolute["totalVolumesUsed"], absolute["totalGigabytesUsed"]),
                         (1, 1, 2))
        _, _, body = stack.get_json(f"{base}/os-quota-sets/{project}?usage=true", headers=auth(token))
        self.assertEqual(body["quota_set"]["volumes"], {"limit": 1, "in_use": 1, "reserved": 0, "allocated": 0})
        _, _, body = stack.get_json(f"{base}/os-quota-sets/{project}/defaults", headers=auth(token))
        self.assertEqual(body["quota_set"]["volumes"], 10)
        self.assertEqual(stack.get_json(f"{base}/os-quota-sets/{admin_project}", headers=auth(token))[0], 403)
        self.assertEqual(stack.request("DELETE", f"{V3}/os-quota-sets/{project}")[0], 200)
        _, _, body = stack.get_json(f"{V3}/os-quota-sets/{project}")
        self.assertEqual(body["quota_set"]["volumes"], 10)
        _, _, body = stack.get_json(f"{V3}/os-availability-zone")
        self.assertEqual(body["availabilityZoneInfo"], [{"zoneName": "nova", "zoneState": {"available": True}}])


class ComputeVolumes(unittest.TestCase):
    """Seed 002: the volumes extension of the Compute API, and attachments seen from both APIs."""

    def test_extension_listed_as_the_seed_shows(self):
        _, _, body = stack.get_json("/compute/v2.1/extensions")
        ext = [e for e in body["extensions"] if e["alias"] == "os-volumes"]
        self.assertEqual(ext, [{"updated": "2011-03-25T00:00:00+00:00", "name": "Volumes", "links": [],
                                "namespace": "http://docs.openstack.org/ext/volumes/api/v1.1",
                                "alias": "os-volumes", "description": "Volumes support"}])

    def test_os_volumes_and_os_snapshots(self):
        status, _, body = stack.get_json("/compute/v2.1/os-volumes", method="POST",
                                         body={"volume": {"size": 1, "display_name": "nova-made"}})
        self.assertEqual(status, 200, body)
        v = body["volume"]
        self.assertEqual((v["displayName"], v["size"], v["attachments"]), ("nova-made", 1, [{}]))
        wait_status(v["id"], "available")
        _, _, body = stack.get_json("/compute/v2.1/os-volumes/detail")
        self.assertIn(v["id"], [x["id"] for x in body["volumes"]])
        _, _, body = stack.get_json(f"/compute/v2.1/os-volumes/{v['id']}")
        self.assertEqual(body["volume"]["status"], "available")
        status, _, body = stack.get_json("/compute/v2.1/os-snapshots", method="POST",
                                         body={"snapshot": {"volume_id": v["id"], "display_name": "nova-snap"}})
        self.assertEqual(status, 200, body)
        snap = body["snapshot"]
        self.assertEqual((snap["volumeId"], snap["displayName"]), (v["id"], "nova-snap"))
        time.sleep(1.2)
        self.assertEqual(stack.request("DELETE", f"/compute/v2.1/os-snapshots/{snap['id']}")[0], 202)
        self.assertEqual(stack.request("DELETE", f"/compute/v2.1/os-volumes/{v['id']}")[0], 202)
        self.assertEqual(stack.get_json(f"/compute/v2.1/os-volumes/{v['id']}")[0], 404)
        self.assertEqual(stack.get_json("/compute/v2.1/os-volumes",
                                        headers={"OpenStack-API-Version": "compute 2.36"})[0], 404)

    def test_attach_and_detach_keep_both_apis_consistent(self):
        status, _, body = stack.get_json("/compute/v2.1/servers", method="POST", body={
            "server": {"name": "with-volume", "imageRef": image_id, "flavorRef": "1"}})
        self.assertEqual(status, 202, body)
        sid = body["server"]["id"]
        v = available_volume(name="attach-me")
        base = f"/compute/v2.1/servers/{sid}/os-volume_attachments"
        deadline = time.time() + 10
        while stack.get_json(f"/compute/v2.1/servers/{sid}")[2]["server"]["status"] != "ACTIVE" and time.time() < deadline:
            time.sleep(0.2)
        status, _, body = stack.get_json(base, method="POST", body={"volumeAttachment": {"volumeId": v["id"]}})
        self.assertEqual(status, 200, body)
        self.assertEqual((body["volumeAttachment"]["device"], body["volumeAttachment"]["serverId"]), ("/dev/vdb", sid))
        in_use = wait_status(v["id"], "in-use")
        self.assertEqual(in_use["attachments"][0]["server_id"], sid)
        status, _, body = stack.get_json(base, method="POST", body={"volumeAttachment": {"volumeId": v["id"]}})
        self.assertEqual(status, 400)                                           # already attached
        _, _, body = stack.get_json(f"/compute/v2.1/servers/{sid}", headers={"OpenStack-API-Version": "compute 2.3"})
        self.assertEqual(body["server"]["os-extended-volumes:volumes_attached"],
                         [{"id": v["id"], "delete_on_termination": False}])
        _, _, body = stack.get_json(base)
        self.assertEqual([a["volumeId"] for a in body["volumeAttachments"]], [v["id"]])
        _, _, body = stack.get_json(f"{base}/{v['id']}")
        self.assertEqual(body["volumeAttachment"]["device"], "/dev/vdb")
        # A swap (the admin's) to a volume that does not exist: 400, the body's; from one not attached: 404.
        missing = "00000000-0000-4000-8000-000000000000"
        status, _, body = stack.get_json(f"{base}/{v['id']}", method="PUT", body={"volumeAttachment": {"volumeId": missing}})
        self.assertEqual(status, 400, body)
        self.assertIn(missing, body["badRequest"]["message"])
        status, _, _ = stack.get_json(f"{base}/{missing}", method="PUT", body={"volumeAttachment": {"volumeId": v["id"]}})
        self.assertEqual(status, 404)
        self.assertEqual(show(v["id"])[2]["volume"]["status"], "in-use")
        self.assertEqual(stack.request("DELETE", f"{V3}/volumes/{v['id']}")[0], 400)
        self.assertEqual(stack.request("DELETE", f"{base}/{v['id']}")[0], 202)
        self.assertEqual(wait_status(v["id"], "available")["attachments"], [])
        self.assertEqual(stack.get_json(f"{base}/{v['id']}")[0], 404)
        _, _, body = stack.get_json(f"/compute/v2.1/servers/{sid}")
        self.assertEqual(body["server"]["os-extended-volumes:volumes_attached"], [])
        # Deleting a server frees what it held.
        stack.get_json(base, method="POST", body={"volumeAttachment": {"volumeId": v["id"], "device": "/dev/vdc"}})
        wait_status(v["id"], "in-use")
        self.assertEqual(stack.request("DELETE", f"/compute/v2.1/servers/{sid}")[0], 204)
        self.assertEqual(show(v["id"])[2]["volume"]["status"], "available")


class BootFromVolume(unittest.TestCase):
    def boot(self, bdms, **extra):
        server = {"name": "bfv", "flavorRef": "1", "block_device_mapping_v2": bdms, "networks": "none"}
        server.update(extra)
        return stack.get_json("/compute/v2.1/servers", method="POST", body={"server": server},
                              headers={"OpenStack-API-Version": "compute 2.79"})

    def test_from_an_existing_volume_and_from_an_image(self):
        root = available_volume(name="root", imageRef=image_id)
        status, _, body = self.boot([{"boot_index": 0, "uuid": root["id"], "source_type": "volume",
                                      "destination_type": "volume"}])
        self.assertEqual(status, 202, body)
        sid = body["server"]["id"]
        _, _, shown = stack.get_json(f"/compute/v2.1/servers/{sid}", headers={"OpenStack-API-Version": "compute 2.79"})
        self.assertEqual(shown["server"]["image"], "")
        self.assertEqual(shown["server"]["os-extended-volumes:volumes_attached"],
                         [{"id": root["id"], "delete_on_termination": False}])
        in_use = wait_status(root["id"], "in-use")
        self.assertEqual(in_use["attachments"][0]["device"], "/dev/vda")
        status, _, body = self.boot([{"boot_index": 0, "uuid": root["id"], "source_type": "volume",
                                      "destination_type": "volume"}])
        self.assertEqual(status, 400, body)                                    # already in use
        # From an image: the cloud makes the volume, and deletes it with the server.
        status, _, body = self.boot([{"boot_index": 0, "uuid": image_id, "source_type": "image",
                                      "destination_type": "volume", "volume_size": 1,
                                      "delete_on_termination": True},
                                     {"source_type": "blank", "destination_type": "volume", "volume_size": 1}])
        self.assertEqual(status, 202, body)
        sid2 = body["server"]["id"]
        _, _, shown = stack.get_json(f"/compute/v2.1/servers/{sid2}", headers={"OpenStack-API-Version": "compute 2.79"})
        made = shown["server"]["os-extended-volumes:volumes_attached"]
        self.assertEqual([m["delete_on_termination"] for m in made], [True, False])
        boot_volume = wait_status(made[0]["id"], "in-use")
        self.assertEqual(boot_volume["volume_image_metadata"]["image_id"], image_id)
        with open(volume_file(made[0]["id"]), "rb") as f:
            self.assertEqual(f.read(len(image_bytes)), image_bytes)
        self.assertEqual(wait_status(made[1]["id"], "in-use")["attachments"][0]["device"], "/dev/vdb")
        self.assertEqual(stack.request("DELETE", f"/compute/v2.1/servers/{sid2}")[0], 204)
        self.assertEqual(show(made[0]["id"])[0], 404)                           # went with the server
        self.assertEqual(show(made[1]["id"])[2]["volume"]["status"], "available")
        self.assertEqual(stack.request("DELETE", f"/compute/v2.1/servers/{sid}")[0], 204)
        self.assertEqual(show(root["id"])[2]["volume"]["status"], "available")

    def test_bad_mappings(self):
        for bdms in ([{"boot_index": 0, "source_type": "volume", "destination_type": "volume"}],       # no uuid
                     [{"boot_index": 0, "uuid": image_id, "source_type": "image", "destination_type": "volume"}],
                     [{"boot_index": 0, "uuid": "no-such-volume", "source_type": "volume", "destination_type": "volume"}],
                     [{"boot_index": 0, "uuid": image_id, "source_type": "floppy"}],
                     "not a list"):
            with self.subTest(bdms=bdms):
                status, _, body = self.boot(bdms)
                self.assertEqual(status, 400, body)


class Clients(unittest.TestCase):
    # The CLIs send what the other classes send as JSON; under the sanitizers their minutes of Python
    # start-up would check nothing more.
    SANITIZED_RUN = False

    def test_openstack_cli(self):
        # The clients do every step and show every result; waiting for the clock is done over the API (the
        # client's --wait looks every five seconds; the servers' client test has it).
        project, token, env = member_b
        base = f"/volume/v3/{project}"
        cli = lambda *a, **k: stack.cli(*a, env=env, **k)
        wait = lambda volume_id, wanted: wait_status(volume_id, wanted, base, token)
        v = cli("volume", "create", "--size", "1", "--property", "tier=gold", "cli-volume")
        self.assertEqual((v["name"], v["size"]), ("cli-volume", 1))
        self.assertEqual(wait(v["id"], "available")["status"], "available")
        self.assertIn("cli-volume", [x["Name"] for x in cli("volume", "list")])
        cli("volume", "set", "--name", "cli-renamed", "--description", "set by the CLI", "cli-volume", parse=False)
        shown = cli("volume", "show", "cli-renamed")
        self.assertEqual((shown["description"], shown["status"]), ("set by the CLI", "available"))
        snap = cli("volume", "snapshot", "create", "--volume", "cli-renamed", "cli-snap")
        self.assertEqual(snap["name"], "cli-snap")
        from_image = cli("volume", "create", "--size", "1", "--image", "vol-src", "cli-from-image")
        self.assertEqual(from_image["name"], "cli-from-image")
        server = cli("server", "create", "--image", "vol-src", "--flavor", "m1.tiny", "cli-vol-server")
        deadline = time.time() + 10
        while stack.get_json(f"/compute/v2.1/servers/{server['id']}", headers=auth(token))[2]["server"]["status"] \
                != "ACTIVE" and time.time() < deadline:
            time.sleep(0.2)
        self.assertEqual(wait(from_image["id"], "available")["status"], "available")
        cli("server", "add", "volume", "cli-vol-server", "cli-from-image", parse=False)
        wait(from_image["id"], "in-use")
        attached = cli("volume", "show", "cli-from-image")
        self.assertEqual(attached["status"], "in-use")
        self.assertIn(server["id"], str(attached["attachments"]))
        cli("server", "remove", "volume", "cli-vol-server", "cli-from-image", parse=False)
        wait(from_image["id"], "available")
        self.assertEqual(cli("volume", "show", "cli-from-image")["status"], "available")
        img = cli("image", "create", "--volume", "cli-from-image", "cli-image-of-volume")
        self.assertEqual(img["image_name"] if "image_name" in img else img.get("name"), "cli-image-of-volume")
        cli("server", "delete", "cli-vol-server", parse=False)
        cli("volume", "snapshot", "delete", "cli-snap", parse=False)
        deadline = time.time() + 10
        while stack.get_json(f"{base}/snapshots/{snap['id']}", headers=auth(token))[0] != 404 \
                and time.time() < deadline:
            time.sleep(0.2)
        cli("volume", "delete", "cli-renamed", parse=False)
        wait(v["id"], None)
        self.assertNotIn("cli-renamed", [x["Name"] for x in cli("volume", "list")])

    def test_cinder_cli_at_the_latest_microversion(self):
        # Debian's cinderclient 9.1 refuses "3.latest" itself ("The version should be explicit"); 3.70 is the
        # newest it knows, and ours.
        project, token, env = member_a
        base = f"/volume/v3/{project}"
        cinder = lambda *a: stack.cli("--os-volume-api-version", "3.70", *a, env=env, parse=False, program="cinder")
        out = cinder("create", "--name", "cinder-volume", "1")
        self.assertIn("cinder-volume", out)
        volume_id = next(line.split("|")[2].strip() for line in out.splitlines()
                         if line.split("|")[1:2] and line.split("|")[1].strip() == "id")
        self.assertEqual(wait_status(volume_id, "available", base, token)["status"], "available")
        self.assertRegex(cinder("list"), r"cinder-volume\s*\|\s*1\s*\|")
        cinder("delete", "cinder-volume")
        wait_status(volume_id, None, base, token)
        self.assertNotIn("cinder-volume", cinder("list"))


def attachments(path="", method="GET", body=None, base=None, token=None, version="3.44"):
    return stack.get_json(f"{base or V3}/attachments{path}", method=method, body=body,
                          headers=auth(token, version))


CONNECTOR = {"initiator": "iqn.1993-08.org.debian:01:jumpgate", "ip": "192.0.2.10", "platform": "x86_64",
             "host": "compute-1", "os_type": "linux", "multipath": False, "mountpoint": "/dev/vdc"}


class Attachments(unittest.TestCase):
    def test_reserve_connect_complete_and_delete(self):
        v = available_volume(name="att")
        server = "9d2c6b9e-6d1a-4c51-9a4b-3f0c2e1d7a55"
        # Older microversions have no attachments API at all.
        self.assertEqual(attachments(version="3.26")[0], 404)
        status, _, body = attachments(method="POST", body={"attachment": {"volume_uuid": v["id"],
                                                                          "instance_uuid": server}})
        self.assertEqual(status, 200, body)
        att = body["attachment"]
        self.assertEqual((att["status"], att["instance"], att["volume_id"], att["attach_mode"]),
                         ("reserved", server, v["id"], "null"))
        self.assertEqual((att["attached_at"], att["detached_at"], att["connection_info"]), ("", "", {}))
        reserved = show(v["id"])[2]["volume"]
        self.assertEqual((reserved["status"], reserved["attachments"]), ("reserved", []))
        # A reserved volume takes no second reservation, nor a legacy attach, nor a delete.
        status, _, _ = attachments(method="POST", body={"attachment": {"volume_uuid": v["id"]}})
        self.assertEqual(status, 400)
        self.assertEqual(action(v["id"], {"os-attach": {"instance_uuid": "1" * 32, "mountpoint": "/dev/vdb"}})[0], 409)
        self.assertEqual(stack.request("DELETE", f"{V3}/volumes/{v['id']}")[0], 400)
        # Connecting gives connection_info and makes both attaching.
        status, _, body = attachments(f"/{att['id']}", method="PUT", body={"attachment": {"connector": CONNECTOR}})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["attachment"]["status"], "attaching")
        self.assertEqual(body["attachment"]["attach_mode"], "rw")
        self.assertEqual(body["attachment"]["connection_info"]["driver_volume_type"], "local")
        self.assertNotEqual(body["attachment"]["attached_at"], "")
        self.assertEqual(show(v["id"])[2]["volume"]["status"], "attaching")
        # os-complete: 3.44 and later only; then in-use and listed on the volume.
        status, _, _ = attachments(f"/{att['id']}/action", method="POST", body={"os-complete": None}, version="3.43")
        self.assertEqual(status, 404)
        status, _, _ = attachments(f"/{att['id']}/action", method="POST", body={"os-complete": None})
        self.assertEqual(status, 204)
        in_use = show(v["id"])[2]["volume"]
        self.assertEqual(in_use["status"], "in-use")
        self.assertEqual([(a["attachment_id"], a["server_id"], a["device"]) for a in in_use["attachments"]],
                         [(att["id"], server, "/dev/vdc")])
        self.assertEqual(in_use["metadata"]["attached_mode"], "rw")
        status, _, body = attachments(f"/{att['id']}")
        self.assertEqual((status, body["attachment"]["status"]), (200, "attached"))
        # Lists: summary and detail, filtered.
        _, _, body = attachments(f"?volume_id={v['id']}")
        self.assertEqual(body["attachments"], [{"id": att["id"], "status": "attached", "instance": server,
                                                "volume_id": v["id"]}])
        _, _, body = attachments(f"/detail?instance_id={server}")
        self.assertEqual([a["id"] for a in body["attachments"]], [att["id"]])
        self.assertIn("connection_info", body["attachments"][0])
        _, _, body = attachments(f"?volume_id={v['id']}&status=reserved")
        self.assertEqual(body["attachments"], [])
        # Deleting the last one frees the volume and answers what remains.
        status, _, body = attachments(f"/{att['id']}", method="DELETE")
        self.assertEqual((status, body), (200, {"attachments": []}))
        freed = show(v["id"])[2]["volume"]
        self.assertEqual((freed["status"], freed["attachments"]), ("available", []))
        self.assertEqual(attachments(f"/{att['id']}")[0], 404)
        self.assertEqual(attachments(f"/{att['id']}", method="DELETE")[0], 404)

    def test_create_with_a_connector_and_mode_and_bad_input(self):
        v = available_volume(name="att-now")
        status, _, body = attachments(method="POST", version="3.54", body={"attachment": {
            "volume_uuid": v["id"], "connector": CONNECTOR, "mode": "ro"}})
        self.assertEqual(status, 200, body)
        att = body["attachment"]
        self.assertEqual((att["status"], att["attach_mode"], att["instance"]), ("attaching", "ro", None))
        self.assertEqual(att["connection_info"]["data"]["access_mode"], "ro")
        self.assertEqual(show(v["id"])[2]["volume"]["status"], "attaching")
        for bad in ({"volume_uuid": v["id"], "mode": "ro"},                    # mode before 3.54
                    {"instance_uuid": "9d2c6b9e-6d1a-4c51-9a4b-3f0c2e1d7a55"},     # no volume
                    {"volume_uuid": "not-a-uuid"},
                    {"volume_uuid": v["id"], "connector": "iqn"},
                    {"volume_uuid": v["id"], "colour": "blue"}):
            status, _, body = attachments(method="POST", body={"attachment": bad})
            self.assertEqual(status, 400, (bad, body))
            self.assertIn("badRequest", body)
        status, _, _ = attachments(method="POST", body={"attachment": {"volume_uuid": "9d2c6b9e-0000-4c51-9a4b-3f0c2e1d7a55"}})
        self.assertEqual(status, 404)
        self.assertEqual(attachments(f"/{att['id']}", method="PUT", body={"attachment": {"connector": {}}})[0], 400)
        self.assertEqual(attachments(f"/{att['id']}/action", method="POST", body={"os-other": {}})[0], 400)
        self.assertEqual(attachments(f"/{att['id']}", method="DELETE")[0], 200)
        self.assertEqual(show(v["id"])[2]["volume"]["status"], "available")

    def test_another_project_sees_none_of_them(self):
        base_a, token_a = f"/volume/v3/{member_a[0]}", member_a[1]
        base_b, token_b = f"/volume/v3/{member_b[0]}", member_b[1]
        v = available_volume(base=base_a, token=token_a, name="att-a")
        status, _, body = attachments(method="POST", base=base_a, token=token_a,
                                      body={"attachment": {"volume_uuid": v["id"], "connector": CONNECTOR}})
        self.assertEqual(status, 200, body)
        att = body["attachment"]["id"]
        self.assertEqual(attachments(f"/{att}", base=base_b, token=token_b)[0], 404)
        self.assertEqual(attachments(f"/{att}", method="PUT", base=base_b, token=token_b,
                                     body={"attachment": {"connector": CONNECTOR}})[0], 404)
        self.assertEqual(attachments(f"/{att}/action", method="POST", base=base_b, token=token_b,
                                     body={"os-complete": None})[0], 404)
        self.assertEqual(attachments(f"/{att}", method="DELETE", base=base_b, token=token_b)[0], 404)
        self.assertEqual(attachments(method="POST", base=base_b, token=token_b,
                                     body={"attachment": {"volume_uuid": v["id"]}})[0], 404)
        _, _, body = attachments("/detail", base=base_b, token=token_b)
        self.assertNotIn(att, [a["id"] for a in body["attachments"]])
        _, _, body = attachments(base=base_a, token=token_a)
        self.assertIn(att, [a["id"] for a in body["attachments"]])
        self.assertEqual(attachments(f"/{att}", method="DELETE", base=base_a, token=token_a)[0], 200)


class CinderExtras(unittest.TestCase):
    def test_extensions_list_what_is_served(self):
        status, _, body = stack.get_json(f"/volume/v3/{member_a[0]}/extensions", headers=auth(member_a[1]))
        self.assertEqual(status, 200, body)
        by_alias = {e["alias"]: e for e in body["extensions"]}
        for alias in ("os-volume-actions", "os-hosts", "os-services", "os-types-manage", "os-vol-image-meta",
                      "os-volume-transfer", "qos-specs", "encryption"):
            self.assertIn(alias, by_alias)
        self.assertEqual(by_alias["os-hosts"]["name"], "Hosts")
        self.assertEqual(set(by_alias["os-hosts"]), {"alias", "name", "description", "updated", "links"})
        self.assertNotIn("os-volume-manage", by_alias)               # Cinder's, not served

    def test_services_and_hosts_for_admins_only(self):
        status, _, body = stack.get_json(f"{V3}/os-services")
        self.assertEqual(status, 200, body)
        binaries = {s["binary"]: s for s in body["services"]}
        self.assertEqual(set(binaries), {"cinder-scheduler", "cinder-volume", "cinder-backup"})
        self.assertEqual((binaries["cinder-volume"]["state"], binaries["cinder-volume"]["status"]), ("up", "enabled"))
        _, _, body = stack.get_json(f"{V3}/os-services?binary=cinder-volume")
        self.assertEqual([s["binary"] for s in body["services"]], ["cinder-volume"])
        # A node name finds its backends' services too, as Cinder's host filter.
        node = body["services"][0]["host"].split("@")[0]
        _, _, body = stack.get_json(f"{V3}/os-services?host={node}")
        self.assertEqual({s["binary"] for s in body["services"]}, {"cinder-scheduler", "cinder-volume", "cinder-backup"})
        _, _, body = stack.get_json(f"{V3}/os-services?host={node}x")
        self.assertEqual(body["services"], [])
        status, _, body = stack.get_json(f"{V3}/os-hosts")
        self.assertEqual(status, 200, body)
        self.assertEqual({h["service"] for h in body["hosts"]}, {"cinder-scheduler", "cinder-volume", "cinder-backup"})
        self.assertEqual({h["service-status"] for h in body["hosts"]}, {"available"})
        # A volume host's usage: the total first, then per project.
        host = next(h["host_name"] for h in body["hosts"] if h["service"] == "cinder-volume")
        v = available_volume(name="on-host", size=2)
        status, _, body = stack.get_json(f"{V3}/os-hosts/{host}")
        self.assertEqual(status, 200, body)
        rows = {r["resource"]["project"]: r["resource"] for r in body["host"]}
        self.assertEqual(body["host"][0]["resource"]["project"], "(total)")
        self.assertGreaterEqual(int(rows["(total)"]["volume_count"]), 1)
        self.assertGreaterEqual(int(rows[admin_project]["total_volume_gb"]), 2)
        self.assertEqual(show(v["id"])[2]["volume"]["os-vol-host-attr:host"], host + "#lvmdriver-1")
        self.assertEqual(stack.get_json(f"{V3}/os-hosts/no-such-host")[0], 404)
        base_a = f"/volume/v3/{member_a[0]}"
        self.assertEqual(stack.get_json(f"{base_a}/os-hosts/{host}", headers=auth(member_a[1]))[0], 403)
        self.assertEqual(stack.get_json(f"{base_a}/os-services", headers=auth(member_a[1]))[0], 403)
        self.assertEqual(stack.get_json(f"{base_a}/os-hosts", headers=auth(member_a[1]))[0], 403)

    def test_readonly_flag_shows_in_metadata_once_set(self):
        v = available_volume(name="ro")
        self.assertNotIn("readonly", v["metadata"])
        for flag in (True, False):
            self.assertEqual(action(v["id"], {"os-update_readonly_flag": {"readonly": flag}})[0], 202)
            self.assertEqual(show(v["id"])[2]["volume"]["metadata"]["readonly"], str(flag))
        # The volume's own metadata calls do not carry it.
        self.assertEqual(stack.get_json(f"{V3}/volumes/{v['id']}/metadata")[2], {"metadata": {}})

    def test_image_metadata_in_show_and_detail_only(self):
        status, _, body = create(name="img-meta", imageRef=image_id)
        self.assertEqual(status, 202, body)
        self.assertNotIn("volume_image_metadata", body["volume"])
        v = wait_status(body["volume"]["id"], "available")
        self.assertEqual(v["volume_image_metadata"]["image_id"], image_id)
        _, _, body = stack.get_json(f"{V3}/volumes/detail?name=img-meta")
        self.assertEqual(body["volumes"][0]["volume_image_metadata"]["image_id"], image_id)
        status, _, body = stack.get_json(f"{V3}/volumes/{v['id']}", method="PUT", body={"volume": {"name": "img-meta"}})
        self.assertEqual(status, 200)
        self.assertNotIn("volume_image_metadata", body["volume"])

    def test_limit_zero_offset_and_snapshot_without_volume(self):
        v = available_volume(name="pages")
        snaps = []
        for i in range(3):
            status, _, body = stack.get_json(f"{V3}/snapshots", method="POST",
                                             body={"snapshot": {"volume_id": v["id"], "name": f"page-{i}"}})
            self.assertEqual(status, 202, body)
            snaps.append(body["snapshot"]["id"])
        _, _, body = stack.get_json(f"{V3}/snapshots?limit=0")
        self.assertEqual(body["snapshots"], [])
        _, _, body = stack.get_json(f"{V3}/volumes?limit=0")
        self.assertEqual(body["volumes"], [])
        _, _, body = stack.get_json(f"{V3}/snapshots?volume_id={v['id']}&sort=created_at:asc&offset=1&limit=5")
        self.assertEqual([s["id"] for s in body["snapshots"]], snaps[1:])
        self.assertEqual(stack.get_json(f"{V3}/snapshots?offset=x")[0], 400)
        status, _, body = stack.get_json(f"{V3}/snapshots", method="POST", body={"snapshot": {"volume_id": None}})
        self.assertEqual(status, 404, body)
        status, _, body = stack.get_json(f"{V3}/snapshots", method="POST", body={"snapshot": {"name": "x"}})
        self.assertEqual(status, 400, body)
        self.assertEqual(stack.request("DELETE", f"{V3}/volumes/{v['id']}?cascade=true")[0], 202)


class MoreActions(unittest.TestCase):
    def test_admin_create_shows_no_show_only_fields(self):
        status, _, body = create(name="adm-create")
        self.assertEqual(status, 202, body)
        for key in ("os-vol-host-attr:host", "os-vol-tenant-attr:tenant_id", "os-vol-mig-status-attr:migstat"):
            self.assertNotIn(key, body["volume"])                      # Tempest's create schema rejects them
        self.assertIsNone(body["volume"]["migration_status"])
        v = wait_status(body["volume"]["id"], "available")
        self.assertIn("@", v["os-vol-host-attr:host"])
        _, _, listed = stack.get_json(f"{V3}/volumes/detail?all_tenants=1&project_id={admin_project}")
        self.assertIn(v["id"], [x["id"] for x in listed["volumes"]])
        self.assertEqual({x["os-vol-tenant-attr:tenant_id"] for x in listed["volumes"]}, {admin_project})

    def test_reserve_unreserve_and_force_detach(self):
        v = available_volume(name="reserved")
        self.assertEqual(action(v["id"], {"os-reserve": {}})[0], 202)
        self.assertEqual(show(v["id"])[2]["volume"]["status"], "attaching")
        status, _, body = action(v["id"], {"os-reserve": {}})
        self.assertEqual(status, 400, body)                               # reserved already
        self.assertIn("attaching", body["badRequest"]["message"])
        self.assertEqual(action(v["id"], {"os-unreserve": {}})[0], 202)
        self.assertEqual(show(v["id"])[2]["volume"]["status"], "available")
        self.assertEqual(action("f" * 32, {"os-reserve": {}})[0], 404)
        self.assertEqual(action("f" * 32, {"os-unreserve": {}})[0], 404)
        self.assertEqual(action(v["id"], {"os-attach": {"instance_uuid": "1" * 32, "mountpoint": "/dev/vdc"}})[0], 202)
        attachment = wait_status(v["id"], "in-use")["attachments"][0]["attachment_id"]
        self.assertEqual(action(v["id"], {"os-reset_status": {"status": "error"}})[0], 202)
        _, token, _ = member_a
        self.assertEqual(action(v["id"], {"os-force_detach": {"attachment_id": attachment}},
                                f"/volume/v3/{member_a[0]}", token)[0], 404)   # not the member's volume
        self.assertEqual(action(v["id"], {"os-force_detach": {"attachment_id": "2" * 32}})[0], 404)
        self.assertEqual(action(v["id"], {"os-force_detach": {"connector": None,
                                                              "attachment_id": attachment}})[0], 202)
        after = wait_status(v["id"], "available")
        self.assertEqual((after["status"], after["attachments"]), ("available", []))
        self.assertEqual(action(v["id"], {"os-reset_status": {"status": "error"}})[0], 202)
        self.assertEqual(action(v["id"], {"os-detach": {}})[0], 202)     # attached nowhere: Cinder makes it available
        self.assertEqual(show(v["id"])[2]["volume"]["status"], "available")

    def test_retype_and_image_metadata(self):
        v = available_volume(name="retyped")
        status, _, body = stack.get_json(f"{V3}/types", method="POST", body={"volume_type": {"name": "retype-to"}})
        self.assertEqual(status, 200, body)
        new_type = body["volume_type"]
        self.assertEqual(action(v["id"], {"os-retype": {"new_type": v["volume_type"]}})[0], 400)   # the same type
        self.assertEqual(action(v["id"], {"os-retype": {"new_type": "no-such-type"}})[0], 404)
        self.assertEqual(action(v["id"], {"os-retype": {"new_type": "retype-to", "migration_policy": "x"}})[0], 400)
        self.assertEqual(action(v["id"], {"os-retype": {"new_type": "retype-to"}})[0], 202)
        shown = show(v["id"])[2]["volume"]
        self.assertEqual(shown["volume_type"], "retype-to")
        _, _, shown = stack.get_json(f"{V3}/volumes/{v['id']}", headers=auth(version="3.63"))
        self.assertEqual(shown["volume"]["volume_type_id"], new_type["id"])
        md = {"image_name": "image", "kernel_id": "k-1", "ramdisk_id": "somedisk"}
        status, _, body = action(v["id"], {"os-set_image_metadata": {"metadata": md}})
        self.assertEqual((status, body), (200, {"metadata": md}))
        self.assertEqual(show(v["id"])[2]["volume"]["volume_image_metadata"], md)
        self.assertEqual(action(v["id"], {"os-unset_image_metadata": {"key": "ramdisk_id"}})[0], 200)
        self.assertEqual(action(v["id"], {"os-unset_image_metadata": {"key": "ramdisk_id"}})[0], 404)
        del md["ramdisk_id"]
        self.assertEqual(action(v["id"], {"os-show_image_metadata": {}})[2], {"metadata": md})
        self.assertEqual(action(v["id"], {"os-set_image_metadata": {"metadata": "x"}})[0], 400)
        _, token_b, _ = member_b
        self.assertEqual(action(v["id"], {"os-show_image_metadata": {}}, f"/volume/v3/{member_b[0]}",
                                token_b)[0], 404)

    def test_summary_and_snapshot_status_updates(self):
        v = available_volume(name="summed", size=2, metadata={"tier": "gold"})
        self.assertEqual(stack.get_json(f"{V3}/volumes/summary", headers=auth(version="3.11"))[0], 404)
        _, _, body = stack.get_json(f"{V3}/volumes/detail", headers=auth(version="3.12"))
        status, _, summary = stack.get_json(f"{V3}/volumes/summary", headers=auth(version="3.12"))
        self.assertEqual(status, 200, summary)
        self.assertEqual(summary["volume-summary"], {"total_count": len(body["volumes"]),
                                                     "total_size": sum(x["size"] for x in body["volumes"])})
        _, _, summary = stack.get_json(f"{V3}/volumes/summary", headers=auth(version="3.36"))
        self.assertIn("gold", summary["volume-summary"]["metadata"]["tier"])
        status, _, body = stack.get_json(f"{V3}/snapshots", method="POST",
                                         body={"snapshot": {"volume_id": v["id"], "name": "progressing"}})
        self.assertEqual(status, 202, body)
        snap = body["snapshot"]["id"]
        path = f"{V3}/snapshots/{snap}/action"
        deadline = time.time() + 10
        while stack.get_json(f"{V3}/snapshots/{snap}")[2]["snapshot"]["status"] != "available":
            self.assertLess(time.time(), deadline)
            time.sleep(0.2)
        update = {"os-update_snapshot_status": {"status": "error", "progress": "80%"}}
        self.assertEqual(stack.get_json(path, method="POST", body=update)[0], 400)      # available: nothing to report
        self.assertEqual(stack.get_json(path, method="POST", body={"os-reset_status": {"status": "creating"}})[0], 202)
        bad = {"os-update_snapshot_status": {"status": "deleting"}}
        self.assertEqual(stack.get_json(path, method="POST", body=bad)[0], 400)
        self.assertEqual(stack.get_json(path, method="POST", body=update)[0], 202)
        shown = stack.get_json(f"{V3}/snapshots/{snap}")[2]["snapshot"]
        self.assertEqual((shown["status"], shown["os-extended-snapshot-attributes:progress"]), ("error", "80%"))
        status, _, body = stack.get_json(f"{V3}/snapshots?marker={'e' * 32}")
        self.assertEqual(status, 404, body)                               # Cinder's MarkerNotFound
        self.assertEqual(stack.request("DELETE", f"{V3}/volumes/{v['id']}?cascade=true")[0], 202)


def wait_backup(backup_id, wanted, base=None, token=None, seconds=10):
    deadline = time.time() + seconds
    while True:
        status, _, body = stack.get_json(f"{base or V3}/backups/{backup_id}", headers=auth(token))
        if status == 200 and body["backup"]["status"] == wanted or time.time() > deadline:
            return body.get("backup")
        time.sleep(0.2)


class Backups(unittest.TestCase):
    def test_backup_restore_and_delete_copy_real_bytes(self):
        v = available_volume(name="to-back-up", imageRef=image_id, metadata={"kept": "yes"})
        status, _, body = stack.get_json(f"{V3}/backups", method="POST",
                                         body={"backup": {"volume_id": v["id"], "name": "bk"}})
        self.assertEqual(status, 202, body)
        self.assertEqual(set(body["backup"]), {"id", "name", "links"})
        backup = wait_backup(body["backup"]["id"], "available")
        self.assertEqual((backup["status"], backup["size"], backup["volume_id"], backup["name"]),
                         ("available", 1, v["id"], "bk"))
        path = os.path.join(stack.state, "volume-backups", backup["id"])
        with open(path, "rb") as f:
            self.assertEqual(f.read(len(image_bytes)), image_bytes)
        self.assertEqual(wait_status(v["id"], "available")["status"], "available")
        # Listed, and counted in the limits.
        _, _, body = stack.get_json(f"{V3}/backups/detail?volume_id={v['id']}")
        self.assertEqual([b["id"] for b in body["backups"]], [backup["id"]])
        _, _, body = stack.get_json(f"{V3}/backups")
        self.assertIn({"id": backup["id"], "name": "bk", "links": body["backups"][0]["links"]}, body["backups"])
        _, _, body = stack.get_json(f"{V3}/limits")
        self.assertGreaterEqual(body["limits"]["absolute"]["totalBackupsUsed"], 1)
        # Restore into a new volume: the bytes come back.
        status, _, body = stack.get_json(f"{V3}/backups/{backup['id']}/restore", method="POST",
                                         body={"restore": {"name": "restored"}})
        self.assertEqual(status, 202, body)
        self.assertEqual((body["restore"]["backup_id"], body["restore"]["volume_name"]), (backup["id"], "restored"))
        restored = wait_status(body["restore"]["volume_id"], "available")
        self.assertEqual((restored["status"], restored["size"]), ("available", 1))
        # What the volume had besides its bytes comes back with them, as Cinder's backup metadata.
        self.assertEqual((restored["metadata"], restored["bootable"]), ({"kept": "yes"}, "true"))
        self.assertEqual(restored["volume_image_metadata"]["image_id"], image_id)
        with open(volume_file(restored["id"]), "rb") as f:
            self.assertEqual(f.read(len(image_bytes)), image_bytes)
        # Restore over an existing, empty volume; a smaller or busy one is refused.
        empty = available_volume(name="empty", size=2)
        status, _, body = stack.get_json(f"{V3}/backups/{backup['id']}/restore", method="POST",
                                         body={"restore": {"volume_id": empty["id"]}})
        self.assertEqual((status, body["restore"]["volume_id"]), (202, empty["id"]))
        wait_backup(backup["id"], "available")
        self.assertEqual(wait_status(empty["id"], "available")["size"], 2)
        with open(volume_file(empty["id"]), "rb") as f:
            self.assertEqual(f.read(len(image_bytes)), image_bytes)
        self.assertEqual(os.stat(volume_file(empty["id"])).st_size, 2 * GIB)
        status, _, _ = stack.get_json(f"{V3}/backups/{backup['id']}/restore", method="POST",
                                      body={"restore": {"volume_id": "9d2c6b9e-0000-4c51-9a4b-3f0c2e1d7a55"}})
        self.assertEqual(status, 404)
        # The backup outlives its volume; deleting it removes its bytes.
        self.assertEqual(stack.request("DELETE", f"{V3}/volumes/{v['id']}")[0], 202)
        self.assertEqual(stack.get_json(f"{V3}/backups/{backup['id']}")[0], 200)
        self.assertEqual(stack.request("DELETE", f"{V3}/backups/{backup['id']}")[0], 202)
        self.assertEqual(stack.get_json(f"{V3}/backups/{backup['id']}")[0], 404)
        self.assertFalse(os.path.exists(path))

    def test_bad_requests_and_tenancy(self):
        base_a, token_a = f"/volume/v3/{member_a[0]}", member_a[1]
        base_b, token_b = f"/volume/v3/{member_b[0]}", member_b[1]
        v = available_volume(base=base_a, token=token_a, name="bk-a")
        for bad in ({}, {"volume_id": v["id"], "incremental": True}, {"volume_id": v["id"], "colour": "red"},
                    {"volume_id": v["id"], "name": 5}):
            status, _, body = stack.get_json(f"{base_a}/backups", method="POST", body={"backup": bad},
                                             headers=auth(token_a))
            self.assertEqual(status, 400, (bad, body))
        status, _, body = stack.get_json(f"{base_b}/backups", method="POST", body={"backup": {"volume_id": v["id"]}},
                                         headers=auth(token_b))
        self.assertEqual(status, 404, body)
        status, _, body = stack.get_json(f"{base_a}/backups", method="POST", body={"backup": {"volume_id": v["id"]}},
                                         headers=auth(token_a))
        self.assertEqual(status, 202, body)
        bk = body["backup"]["id"]
        wait_backup(bk, "available", base_a, token_a)
        for method, path, body in (("GET", f"/backups/{bk}", None), ("DELETE", f"/backups/{bk}", None),
                                   ("POST", f"/backups/{bk}/restore", {"restore": {}})):
            status, _, _ = stack.get_json(base_b + path, method=method, body=body, headers=auth(token_b))
            self.assertEqual(status, 404, (method, path))
        _, _, body = stack.get_json(f"{base_b}/backups", headers=auth(token_b))
        self.assertNotIn(bk, [b["id"] for b in body["backups"]])
        # Updating is 3.9 and later; a member may not reset a status.
        status, _, body = stack.get_json(f"{base_a}/backups/{bk}", method="PUT", body={"backup": {"name": "renamed"}},
                                         headers=auth(token_a, "3.9"))
        self.assertEqual((status, body["backup"]["name"]), (200, "renamed"))
        status, _, _ = stack.get_json(f"{base_a}/backups/{bk}/action", method="POST",
                                      body={"os-reset_status": {"status": "error"}}, headers=auth(token_a))
        self.assertEqual(status, 403)
        status, _, _ = stack.get_json(f"{V3}/backups/{bk}/action", method="POST",
                                      body={"os-reset_status": {"status": "error"}})
        self.assertEqual(status, 202)
        self.assertEqual(stack.get_json(f"{base_a}/backups/{bk}", headers=auth(token_a))[2]["backup"]["status"], "error")
        status, _, _ = stack.get_json(f"{base_a}/backups/{bk}/restore", method="POST", body={"restore": {}},
                                      headers=auth(token_a))
        self.assertEqual(status, 400)                                  # not available
        self.assertEqual(stack.request("DELETE", f"{base_a}/backups/{bk}", headers=auth(token_a))[0], 202)


if __name__ == "__main__":
    unittest.main()
