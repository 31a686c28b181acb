# SPDX-License-Identifier: Apache-2.0
"""Seed 003's Glance v1 behaviours through real nginx, each with the seed's request and answer and its cross-tenant
case: changes-since and property filters, external locations, PUT's answer, data without a length, bodies that are
no image data, memberships that share further, header names with underscores; and lists without is_public."""
import hashlib
import http.client
import os
import socket
import time
import unittest
import uuid

from stack import Stack

OCTETS = {"Content-Type": "application/octet-stream"}
FORMATS = {"x-image-meta-disk-format": "raw", "x-image-meta-container-format": "bare"}


def setUpModule():
    global stack, a_project, a_token, b_project, b_token, c_project, c_token
    stack = Stack(workers=2).start()
    a_project, a_token, _ = stack.member("v1seed-a")
    b_project, b_token, _ = stack.member("v1seed-b")
    c_project, c_token, _ = stack.member("v1seed-c")


def tearDownModule():
    stack.stop()


def call(method, path, headers=None, body=None, token=None):
    """One request as `token`'s holder (the admin by default): (status, headers, body or JSON)."""
    hdrs = dict(headers or {}, **{"X-Auth-Token": token or stack.token})
    return stack.get_json("/image" + path, method=method, headers=hdrs, body=body)


def raw(method, path, headers, chunks=None, token=None):
    """A request with no Content-Length: its body `chunks` sent chunked, or no body at all when None."""
    conn = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=30)
    conn.putrequest(method, "/image" + path)
    for k, v in dict(headers, **{"X-Auth-Token": token or stack.token}).items():
        conn.putheader(k, v)
    if chunks is not None:
        conn.putheader("Transfer-Encoding", "chunked")
    conn.endheaders()
    for chunk in chunks or []:
        conn.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
    if chunks is not None:
        conn.send(b"0\r\n\r\n")
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data


def create(headers, data=None, token=None):
    status, hdrs, body = call("POST", "/v1/images", dict(headers, **(OCTETS if data is not None else {})), data, token)
    assert status == 201, (status, body)
    return body["image"]


def names(path, token=None):
    status, _, body = call("GET", path, token=token)
    assert status == 200, (status, body)
    return [i["name"] for i in body["images"]]


class Lists(unittest.TestCase):
    def test_without_is_public_every_image_the_caller_may_see(self):
        # Glance v1 (and Tempest's ListImagesTest): a list without is_public shows the caller its own images, those
        # shared with it and the public ones; is_public=true and false narrow it, as before.
        tag = uuid.uuid4().hex[:8]
        create({"x-image-meta-name": f"ls-{tag}-public", "x-image-meta-is-public": "true"})
        mine = create({"x-image-meta-name": f"ls-{tag}-mine"}, token=a_token)
        shared = create({"x-image-meta-name": f"ls-{tag}-shared"}, token=b_token)
        self.assertEqual(call("PUT", f"/v1/images/{shared['id']}/members/{a_project}", token=b_token)[0], 204)
        create({"x-image-meta-name": f"ls-{tag}-others"}, token=c_token)
        ours = lambda path, token: sorted(n for n in names(path, token) if tag in n)
        for path in ("/v1/images", "/v1/images/detail"):
            self.assertEqual(ours(f"{path}?limit=1000", a_token),
                             [f"ls-{tag}-mine", f"ls-{tag}-public", f"ls-{tag}-shared"], path)
            self.assertEqual(ours(f"{path}?is_public=true&limit=1000", a_token), [f"ls-{tag}-public"], path)
            self.assertEqual(ours(f"{path}?is_public=false&limit=1000", a_token),
                             [f"ls-{tag}-mine", f"ls-{tag}-shared"], path)
            self.assertEqual(ours(f"{path}?limit=1000", c_token), [f"ls-{tag}-others", f"ls-{tag}-public"], path)
        self.assertEqual(call("HEAD", f"/v1/images/{mine['id']}", token=c_token)[0], 404)


class ChangesSince(unittest.TestCase):
    """GET /images?changes-since=...: what changed after the time, deleted images shown deleted (Glance v1)."""

    def test_deleted_images_are_listed_as_deleted(self):
        tag = uuid.uuid4().hex[:8]
        since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 2))
        gone = create(dict(FORMATS, **{"x-image-meta-name": f"cs-{tag}-gone", "x-image-meta-is-public": "true"}), b"x")
        kept = create({"x-image-meta-name": f"cs-{tag}-kept", "x-image-meta-is-public": "true"})
        self.assertEqual(call("DELETE", "/v1/images/" + gone["id"])[0], 200)
        for path in ("/v1/images", "/v1/images/detail"):
            listed = names(f"{path}?changes-since={since}")
            self.assertIn(f"cs-{tag}-gone", listed, path)
            self.assertIn(f"cs-{tag}-kept", listed, path)
            self.assertNotIn(f"cs-{tag}-gone", names(path), path)
        _, _, body = call("GET", f"/v1/images/detail?changes-since={since}&name=cs-{tag}-gone")
        [shown] = body["images"]
        self.assertEqual((shown["id"], shown["status"], shown["deleted"]), (gone["id"], "deleted", True))
        self.assertIsNotNone(shown["deleted_at"])
        [alive] = call("GET", f"/v1/images/detail?changes-since={since}&name=cs-{tag}-kept")[2]["images"]
        self.assertEqual((alive["deleted"], alive["deleted_at"]), (False, None))
        # Only what changed after the time; the api-ref's own form of a time (no seconds) is taken.
        later = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
        self.assertEqual([n for n in names(f"/v1/images?changes-since={later}") if tag in n], [])
        self.assertEqual(call("GET", "/v1/images?changes-since=2011-01-24T17:08Z")[0], 200)
        # A deleted image is gone everywhere else, and its id is not given again.
        self.assertEqual(call("HEAD", "/v1/images/" + gone["id"])[0], 404)
        self.assertEqual(call("GET", "/v1/images/" + gone["id"])[0], 404)
        self.assertEqual(call("DELETE", "/v1/images/" + gone["id"])[0], 404)
        self.assertEqual(call("GET", "/v2/images/" + gone["id"])[0], 404)
        self.assertEqual(call("POST", "/v1/images", {"x-image-meta-id": gone["id"]})[0], 409)
        self.assertEqual(kept["status"], "queued")

    def test_bad_times_are_refused(self):
        for bad in ("yesterday", "2011-13-40T00:00:00Z", "2011-01-24T17:08:00+99:00", ""):
            status, _, body = call("GET", f"/v1/images/detail?changes-since={bad}")
            self.assertEqual(status, 400, (bad, body))

    def test_another_projects_private_images_stay_hidden(self):
        tag = uuid.uuid4().hex[:8]
        since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 2))
        for name in ("deleted", "live"):
            image = create({"x-image-meta-name": f"cs-{tag}-{name}", "x-image-meta-property-mark": tag}, token=a_token)
            if name == "deleted":
                self.assertEqual(call("DELETE", "/v1/images/" + image["id"], token=a_token)[0], 200)
        for query in (f"changes-since={since}&is_public=none", f"changes-since={since}&is_public=false",
                      f"property-mark={tag}&is_public=none", f"changes-since={since}&property-mark={tag}&is_public=none"):
            for path in ("/v1/images", "/v1/images/detail"):
                self.assertEqual([n for n in names(f"{path}?{query}", b_token) if tag in n], [], (path, query))
        self.assertEqual(sorted(n for n in names(f"/v1/images?changes-since={since}&is_public=none", a_token)
                                if tag in n), [f"cs-{tag}-deleted", f"cs-{tag}-live"])
        self.assertEqual(names(f"/v1/images?property-mark={tag}&is_public=none", a_token), [f"cs-{tag}-live"])


class Locations(unittest.TestCase):
    """x-image-meta-location: an image whose data is elsewhere, registered without being fetched."""

    def listener(self):
        """A socket on 127.0.0.1 nobody should connect to; returns (url, a check that none did)."""
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(4)
        sock.setblocking(False)
        self.addCleanup(sock.close)

        def untouched():
            try:
                sock.accept()[0].close()
                return False
            except BlockingIOError:
                return True
        return f"http://127.0.0.1:{sock.getsockname()[1]}/internal/image.raw", untouched

    def test_a_location_registers_an_active_image_that_is_never_fetched(self):
        url, untouched = self.listener()
        checksum = hashlib.md5(b"elsewhere").hexdigest()
        image = create(dict(FORMATS, **{"x-image-meta-name": "located", "x-image-meta-location": url,
                                        "x-image-meta-size": "5368709120", "x-image-meta-checksum": checksum,
                                        "x-image-meta-property-distro": "Ubuntu 10.04 LTS"}), token=a_token)
        self.assertEqual((image["status"], image["size"], image["checksum"]), ("active", 5368709120, checksum))
        self.assertNotIn("location", image)
        path = "/v1/images/" + image["id"]
        # The seed's HEAD shows x-image-meta-location; it may carry credentials, so only an admin is shown it.
        status, hdrs, _ = call("HEAD", path)
        self.assertEqual((status, hdrs["x-image-meta-location"], hdrs["x-image-meta-size"]), (200, url, "5368709120"))
        self.assertEqual(hdrs["x-image-meta-status"], "active")
        status, hdrs, _ = call("HEAD", path, token=a_token)
        self.assertEqual(status, 200)
        self.assertNotIn("x-image-meta-location", hdrs)
        self.assertNotIn(url, str(call("GET", "/v1/images/detail?is_public=none", token=a_token)[2]))
        self.assertNotIn(url, str(call("GET", "/v2/images/" + image["id"], token=a_token)[2]))
        # Its data is not this cloud's to give: 404, and the location is never asked.
        status, hdrs, body = call("GET", path, token=a_token)
        self.assertEqual(status, 404, body)
        self.assertIn(b"external location", body)
        self.assertNotIn("x-image-meta-location", hdrs)
        self.assertEqual(call("GET", f"/v2/images/{image['id']}/file", token=a_token)[0], 404)
        self.assertTrue(untouched())
        self.assertEqual(call("DELETE", path, token=a_token)[0], 200)

    def test_a_queued_image_takes_a_location_once(self):
        url, untouched = self.listener()
        image = create(dict(FORMATS, **{"x-image-meta-name": "located later"}), token=a_token)
        path = "/v1/images/" + image["id"]
        status, hdrs, body = call("PUT", path, {"x-image-meta-location": url, "x-image-meta-size": "10"}, token=a_token)
        self.assertEqual((status, body["image"]["status"], body["image"]["size"]), (200, "active", 10))
        self.assertNotIn("x-image-meta-location", hdrs)
        status, _, body = call("PUT", path, {"x-image-meta-location": url + "2"}, token=a_token)
        self.assertEqual(status, 400, body)
        self.assertEqual(call("PUT", path, OCTETS, b"data", token=a_token)[0], 409)
        self.assertEqual(call("HEAD", path)[1]["x-image-meta-location"], url)
        # No size declared: 0, as Glance took when the location did not answer its HEAD; an active image's size
        # is a number Tempest's sorted lists compare.
        unsized = create(dict(FORMATS, **{"x-image-meta-name": "unsized", "x-image-meta-location": url}), token=a_token)
        self.assertEqual((unsized["status"], unsized["size"]), ("active", 0))
        self.assertTrue(untouched())

    def test_locations_this_cloud_would_read_are_refused(self):
        before = set(names("/v1/images?is_public=none&limit=1000", a_token))
        for location in ("file:///etc/passwd", "FILE:///var/lib/jumpgate/jumpgate.sqlite", "swift://a:k/c/o",
                         "gopher://127.0.0.1/", "http://", "http:///etc/passwd", "https://user@/x", "/etc/passwd",
                         "http://host/a b", "http://host/" + "a" * 2100):
            status, _, body = call("POST", "/v1/images", dict(FORMATS, **{"x-image-meta-name": "refused-location",
                                                                         "x-image-meta-location": location}),
                                   token=a_token)
            self.assertEqual(status, 400, (location, body))
        # Data from elsewhere is never copied either, and a location with data is two sources.
        status, _, _ = call("POST", "/v1/images", dict(FORMATS, **{"x-image-meta-name": "refused-location",
                                                                  "x-glance-api-copy-from": "http://127.0.0.1/"}),
                            token=a_token)
        self.assertEqual(status, 400)
        status, _, _ = call("POST", "/v1/images", dict(FORMATS, **OCTETS, **{
            "x-image-meta-name": "refused-location", "x-image-meta-location": "http://example.com/i"}), b"data",
            token=a_token)
        self.assertEqual(status, 400)
        status, _, _ = call("POST", "/v1/images", {"x-image-meta-name": "refused-location",
                                                   "x-image-meta-location": "http://example.com/i"}, token=a_token)
        self.assertEqual(status, 400)   # no formats
        status, _, _ = call("POST", "/v1/images", dict(FORMATS, **{"x-image-meta-location": "http://example.com/i",
                                                                  "x-image-meta-checksum": "not-md5"}), token=a_token)
        self.assertEqual(status, 400)
        self.assertEqual(set(names("/v1/images?is_public=none&limit=1000", a_token)), before)


class Updates(unittest.TestCase):
    """PUT /images/ID: metadata as headers (the seed) and as {"image": ...} (Glance v1); data only to a queued image,
    with or without a Content-Length."""

    def test_metadata_put_answers_headers_and_body(self):
        image = create(dict(FORMATS, **{"x-image-meta-name": "before"}), b"12345", token=a_token)
        status, hdrs, body = call("PUT", "/v1/images/" + image["id"], {
            "x-image-meta-name": "Ubuntu 10.04 Plain 5GB", "x-image-meta-property-distro": "Ubuntu 10.04 LTS"},
            token=a_token)
        self.assertEqual(status, 200, body)
        self.assertEqual(hdrs["x-image-meta-name"], "Ubuntu 10.04 Plain 5GB")
        self.assertEqual(hdrs["x-image-meta-property-distro"], "Ubuntu 10.04 LTS")
        self.assertEqual((hdrs["x-image-meta-status"], hdrs["x-image-meta-size"]), ("active", "5"))
        self.assertEqual(hdrs["x-image-meta-checksum"], hashlib.md5(b"12345").hexdigest())
        self.assertEqual(hdrs["etag"], hdrs["x-image-meta-checksum"])
        self.assertIn("x-image-meta-updated_at", hdrs)
        self.assertEqual((body["image"]["name"], body["image"]["properties"]),
                         ("Ubuntu 10.04 Plain 5GB", {"distro": "Ubuntu 10.04 LTS"}))

    def test_data_without_a_length_is_uploaded(self):
        image = create(dict(FORMATS, **{"x-image-meta-name": "chunked"}), token=a_token)
        path = "/v1/images/" + image["id"]
        # No body and no length: only the metadata changes, and the image waits for its data.
        status, hdrs, _ = raw("PUT", path, {"x-image-meta-name": "still queued"}, token=a_token)
        self.assertEqual((status, hdrs["x-image-meta-status"], hdrs["x-image-meta-name"]),
                         (200, "queued", "still queued"))
        data = [os.urandom(70_000), os.urandom(3), os.urandom(200_000)]
        status, hdrs, _ = raw("PUT", path, OCTETS, data, token=a_token)
        self.assertEqual((status, hdrs["x-image-meta-status"]), (200, "active"))
        self.assertEqual(hdrs["x-image-meta-size"], str(sum(map(len, data))))
        status, _, body = call("GET", path, token=a_token)
        self.assertEqual((status, body), (200, b"".join(data)))
        # Now it has data: more is refused, chunked or not, and a bare PUT still changes metadata only.
        self.assertEqual(raw("PUT", path, OCTETS, [b"more"], token=a_token)[0], 409)
        self.assertEqual(call("PUT", path, OCTETS, b"more", token=a_token)[0], 409)
        self.assertEqual(raw("PUT", path, {"x-image-meta-name": "renamed"}, token=a_token)[0], 200)
        self.assertEqual(call("GET", path, token=a_token)[2], b"".join(data))

    def test_a_chunked_post_stores_its_data(self):
        data = [b"first chunk ", b"second"]
        status, _, body = raw("POST", "/v1/images", dict(FORMATS, **OCTETS, **{
            "x-image-meta-name": "posted chunked", "x-image-meta-checksum": hashlib.md5(b"".join(data)).hexdigest()}),
            data, token=a_token)
        self.assertEqual(status, 201, body)
        self.assertIn(b'"status":"active"', body)
        self.assertIn(b'"size":18', body)


class Bodies(unittest.TestCase):
    """The seed: a POST's body is the image data (application/octet-stream); any other body is refused, never
    dropped."""

    def test_bodies_that_are_no_image_data_are_refused(self):
        before = set(names("/v1/images?is_public=none&limit=1000", a_token))
        for content_type, body in (("application/x-www-form-urlencoded", b"name=form&disk_format=raw"),
                                   ("multipart/form-data; boundary=xx", b"--xx\r\nContent-Disposition: form-data; "
                                    b"name=\"f\"\r\n\r\nv\r\n--xx--\r\n"),
                                   ("application/json", b'{"image": {"name": "json"}}'),
                                   ("text/plain", b"some text")):
            for method, path in (("POST", "/v1/images"),):
                status, _, answer = call(method, path, dict(FORMATS, **{"Content-Type": content_type,
                                                                        "x-image-meta-name": "not-data"}),
                                         body, token=a_token)
                self.assertEqual(status, 400, (content_type, answer))
                self.assertIn(b"application/octet-stream", answer)
        self.assertEqual(set(names("/v1/images?is_public=none&limit=1000", a_token)), before)
        queued = create(dict(FORMATS, **{"x-image-meta-name": "queued for data"}), token=a_token)
        status, _, _ = call("PUT", "/v1/images/" + queued["id"], {"Content-Type": "application/x-www-form-urlencoded"},
                            b"a=b", token=a_token)
        self.assertEqual(status, 400)
        self.assertEqual(call("HEAD", "/v1/images/" + queued["id"], token=a_token)[1]["x-image-meta-status"], "queued")


class Memberships(unittest.TestCase):
    """The seed's memberships: a member with can_share may share the image further; one without may not."""

    def test_can_share_lets_a_member_share_further(self):
        image = create({"x-image-meta-name": "shared on"}, token=a_token)["id"]
        members = f"/v1/images/{image}/members"
        self.assertEqual(call("PUT", f"{members}/{b_project}", body={"member": {"can_share": True}},
                              token=a_token)[0], 204)
        # B may share it with C, without can_share; C may see it but not share it on.
        self.assertEqual(call("PUT", f"{members}/{c_project}", token=b_token)[0], 204)
        self.assertEqual(call("HEAD", "/v1/images/" + image, token=c_token)[0], 200)
        _, _, listed = call("GET", members, token=a_token)
        self.assertEqual(sorted(listed["members"], key=lambda m: m["member_id"]),
                         sorted([{"member_id": b_project, "can_share": True},
                                 {"member_id": c_project, "can_share": False}], key=lambda m: m["member_id"]))
        # The owner lists its own shares with C; B, which shared it, and C itself see them as Glance showed them.
        shared = {"image_id": image, "can_share": False}
        self.assertIn(shared, call("GET", f"/v1/shared-images/{c_project}", token=a_token)[2]["shared_images"])
        self.assertIn(shared, call("GET", f"/v1/shared-images/{c_project}", token=c_token)[2]["shared_images"])
        self.assertEqual(call("GET", f"/v1/shared-images/{c_project}", token=b_token)[2], {"shared_images": []})
        status, _, body = call("PUT", f"{members}/someone-else", token=c_token)
        self.assertEqual(status, 403, body)
        self.assertEqual(call("PUT", members, body={"memberships": [{"member_id": c_project, "can_share": True}]},
                              token=c_token)[0], 403)
        self.assertEqual(call("DELETE", f"{members}/{b_project}", token=c_token)[0], 403)
        # Once B may no longer share, it cannot; removed, it sees nothing.
        self.assertEqual(call("PUT", f"{members}/{b_project}", body={"member": {"can_share": False}},
                              token=a_token)[0], 204)
        self.assertEqual(call("PUT", f"{members}/someone-else", token=b_token)[0], 403)
        self.assertEqual(call("DELETE", f"{members}/{b_project}", token=a_token)[0], 204)
        self.assertEqual(call("HEAD", "/v1/images/" + image, token=b_token)[0], 404)
        self.assertEqual(call("PUT", f"{members}/{b_project}", token=b_token)[0], 404)

    def test_no_member_chain_reaches_a_non_member(self):
        image = create({"x-image-meta-name": "not shared"}, token=a_token)["id"]
        members = f"/v1/images/{image}/members"
        for token in (b_token, c_token):
            self.assertEqual(call("PUT", f"{members}/{c_project}", token=token)[0], 404)
            self.assertEqual(call("PUT", members, body={"memberships": [{"member_id": c_project}]},
                                  token=token)[0], 404)
            self.assertEqual(call("HEAD", "/v1/images/" + image, token=token)[0], 404)
        self.assertEqual(call("GET", members, token=a_token)[2], {"members": []})


class HeaderNames(unittest.TestCase):
    """Glance v1's clients (Tempest's, python-glanceclient's) spell fields with underscores; nginx passes them."""

    def test_underscored_and_dashed_names_are_one_field(self):
        data = os.urandom(1000)
        status, _, body = call("POST", "/v1/images", dict(OCTETS, **{
            "x-image-meta-name": "underscored", "x-image-meta-disk_format": "qcow2",
            "x-image-meta-container_format": "bare", "x-image-meta-min_ram": "512", "x-image-meta-is_public": "false",
            "x-image-meta-property-hw_disk_bus": "scsi", "x-image-meta-property-os.version": "12"}), data,
            token=a_token)
        self.assertEqual(status, 201, body)
        image = body["image"]
        self.assertEqual((image["disk_format"], image["container_format"], image["min_ram"], image["status"]),
                         ("qcow2", "bare", 512, "active"))
        self.assertEqual(image["properties"], {"hw_disk_bus": "scsi", "os_version": "12"})
        status, hdrs, _ = call("PUT", "/v1/images/" + image["id"], {"x-image-meta-min_disk": "3"}, token=a_token)
        self.assertEqual((status, hdrs["x-image-meta-min-disk"]), (200, "3"))


if __name__ == "__main__":
    unittest.main()
