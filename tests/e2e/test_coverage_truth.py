# SPDX-License-Identifier: Apache-2.0
"""--coverage tells the truth: for the local driver, the read-only example driver, the echo driver and the SoftLayer
driver (against the SoftLayer simulator) and the openstack driver (in front of a local-driver stack), every row of
`jumpgate-fcgi --coverage=json` is asked as the admin (the SoftLayer account's user, who is no admin), with real ids
where the cloud has or can make the resource; a "yes" row must not answer 501, a "no" row must answer 501, a "gone"
row 410, and a "passed-through" row as the upstream's own coverage says of it."""
import http.client
import json
import os
import re
import subprocess
import unittest

import readonly_cloud
import softlayer_cloud
from stack import MODULE_DIR, WORKER, Stack, openstack_front_config

# Each configuration is a class with a stack of its own, run apart from the others.
RUN_CLASSES_APART = True

ECHO_CONFIG = """
[general]
require_authentication = false
state_dir = {state}
module_dir = {module_dir}
log_file = {state}/log/jumpgate.log
[compute]
driver = {echo}
[image]
driver = {echo}
[identity]
driver =
[volume]
driver =
[network]
driver =
"""

PLACEHOLDER = re.compile(r"{(\w+)}")
WRITES = ("POST", "PUT", "PATCH")
# Reads first, writes next, deletes last, so that a row's resource is still there when it is asked.
ORDER = {"GET": 0, "HEAD": 0, "POST": 1, "PUT": 1, "PATCH": 1, "DELETE": 2}
# The services with microversions.
VERSIONED = ("compute", "volume")
# Placeholders that name no resource of the cloud's: a value any cloud takes.
STATIC = {"alias": "os-keypairs", "key": "truth-key", "tag": "truth-tag", "domain": "example.org", "entry": "www"}
# What a mounted service answers whatever its driver: the version documents and Nova's extension list.
CORE = {("compute", "index", "GET"), ("compute", "v2_index", "GET"), ("compute", "v21_index", "GET"),
        ("compute", "v2_extensions", "GET"), ("compute", "v2_extension", "GET"), ("image", "versions", "GET"),
        ("image", "versions_alias", "GET")}


def coverage(stack):
    """The rows of the services the stack mounts, from the worker run with the stack's configuration."""
    run = subprocess.run([WORKER, "--config", f"{stack.state}/jumpgate.conf", "--coverage=json"],
                         capture_output=True, text=True, check=True)
    return [row for row in json.loads(run.stdout) if row["driver"]]


class Client:
    """Requests on one kept-alive connection, with the stack's admin token when it has one."""

    def __init__(self, stack):
        self.stack = stack
        self.conn = None

    def send(self, method, path, body=None, headers=None):
        hdrs = dict(headers or {})
        if self.stack.token:
            hdrs["X-Auth-Token"] = self.stack.token
        if body is not None:
            body = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.stack.port, timeout=30)
            try:
                self.conn.request(method, path, body=body, headers=hdrs)
                resp = self.conn.getresponse()
                return resp.status, resp.read()
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise

    def json(self, method, path, body=None, headers=None):
        """The JSON of a successful answer, or None."""
        status, data = self.send(method, path, body, headers)
        if not 200 <= status < 300:
            return None
        try:
            return json.loads(data)
        except ValueError:
            return None


class Ids(dict):
    """Placeholder -> the value put in the paths: a resource the cloud has (listed) or makes (where it can),
    else one that names nothing, which a served row answers 404 to (still not 501)."""

    def __init__(self, client, rows):
        super().__init__(STATIC)
        self.client = client
        self.yes = served(rows)

    def __missing__(self, name):
        return f"truth-no-such-{name}"

    def listed(self, service, endpoint, path, key):
        if (service, endpoint, "GET") not in self.yes:
            return None
        found = self.client.json("GET", path) or {}
        items = found.get(key) if isinstance(found, dict) else None
        return items[0]["id"] if isinstance(items, list) and items else None

    def made(self, service, endpoint, path, body, key, headers=None):
        if (service, endpoint, "POST") not in self.yes:
            return None
        found = self.client.json("POST", path, body, headers) or {}
        made = found.get(key, found) if key else found
        return made.get("id") if isinstance(made, dict) else None

    def fill(self):
        """Works out the ids: the admin's project, then the cloud's resources."""
        c = self.client
        token = c.json("GET", "/identity/v3/auth/tokens", headers={"X-Subject-Token": c.stack.token}) \
            if c.stack.token else None
        tenant = token["token"]["project"]["id"] if token else "truth-project"
        self["tenant_id"] = tenant
        # The admin's own identity objects stay out of the paths (a DELETE row would take the admin's token away):
        # the identity rows get objects of their own.
        for name, endpoint, kind, body in (
                ("project_id", "v3_projects", "project", {"name": "truth-project"}),
                ("user_id", "v3_users", "user", {"name": "truth-user", "password": "truth-secret"}),
                ("group_id", "v3_groups", "group", {"name": "truth-group"}),
                ("domain_id", "v3_domains", "domain", {"name": "truth-domain"}),
                ("role_id", "v3_roles", "role", {"name": "truth-role"}),
                ("prior_role_id", "v3_roles", "role", {"name": "truth-prior-role"}),
                ("implies_role_id", "v3_roles", "role", {"name": "truth-implied-role"})):
            made = self.made("identity", endpoint, f"/identity/v3/{kind}s", {kind: body}, kind)
            if made:
                self[name] = made
        if "project_id" in self:
            self["target_id"] = self["project_id"]
        C = "/compute/v2.1"
        flavor = self.listed("compute", "v2_tenant_flavors", f"{C}/flavors", "flavors")
        image = self.listed("image", "v2_images", "/image/v2/images", "images")
        if image is None and (("image", "v2_images", "POST") in self.yes and
                              ("image", "v2_image_file", "PUT") in self.yes):
            image = c.stack.public_image("truth-image")
        server = self.listed("compute", "v2_servers", f"{C}/servers", "servers")
        if server is None and flavor and image:
            server = self.made("compute", "v2_servers", f"{C}/servers", {"server": {
                "name": "truth-server", "imageRef": image, "flavorRef": flavor, "networks": "none"}}, "server",
                headers={"OpenStack-API-Version": "compute 2.37"})
        volume = (self.listed("volume", "v3_volumes", f"/volume/v3/{tenant}/volumes", "volumes") or
                  self.made("volume", "v3_volumes", f"/volume/v3/{tenant}/volumes", {"volume": {"size": 1}}, "volume"))
        network = (self.listed("network", "v2_networks", "/network/v2.0/networks", "networks") or
                   self.made("network", "v2_networks", "/network/v2.0/networks", {"network": {"name": "truth"}},
                             "network"))
        for names, value in ((("flavor_id",), flavor), (("image_guid", "image_id"), image),
                             (("server_id", "instance_id"), server), (("volume_id",), volume),
                             (("network_id",), network)):
            for name in names:
                if value:
                    self[name] = value


def served(rows):
    """The (service, endpoint, method) of the rows that are "yes"."""
    return {(r["service"], r["endpoint"], r["method"]) for r in rows if r["support"] == "yes"}


def requests_of(row, ids):
    """(method, path, body, headers) of the row's requests: at the oldest microversion and the newest, on the
    newest path that names the project; an action's body names it, another write sends {}."""
    templates = [row["path"], *row["aliases"]]
    template = max(templates, key=lambda t: ("{tenant_id}" in t, templates.index(t)))
    # Identity's v2.0 tenant is a project like v3's: the truth project, not the admin's (whose DELETE would take the
    # admin's token away).
    own = {"tenant_id": ids["project_id"]} if row["service"] == "identity" else {}
    path = PLACEHOLDER.sub(lambda m: own.get(m.group(1)) or ids[m.group(1)], template)
    body = {row["action"]: {}} if row["action"] else {} if row["method"] in WRITES else None
    versions = [{}] + ([{"OpenStack-API-Version": f"{row['service']} latest"}] if row["service"] in VERSIONED
                       else [])
    return [(row["method"], path, body, headers) for headers in versions]


def wanted(row, status, upstream_rows=None):
    """Whether `status` is what the row's "support" promises; a row passed through promises what the upstream's
    row of the same request (`upstream_rows`, by service, endpoint, method and action) does."""
    support = row["support"]
    if support == "passed-through":
        support = upstream_rows[(row["service"], row["endpoint"], row["method"], row["action"])]
    return {"yes": status != 501, "no": status == 501, "gone": status == 410}[support]


class Truth:
    """A configuration's rows, each asked once at a service's oldest microversion and once at its newest; the
    unserved and gone rows first, which change nothing."""

    config = None
    upstream_rows = None  # for rows passed through

    @classmethod
    def start(cls):
        return Stack(cls.config).start()

    @classmethod
    def setUpClass(cls):
        cls.stack = cls.start()
        cls.rows = coverage(cls.stack)

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop()

    def test_every_row_answers_as_its_coverage_says(self):
        client = Client(self.stack)
        ids = Ids(client, self.rows)
        ids.fill()
        asked = sorted(self.rows, key=lambda r: (r["support"] == "yes", ORDER.get(r["method"], 1)))
        wrong = []
        for row in asked:
            for method, path, body, headers in requests_of(row, ids):
                status, data = client.send(method, path, body, headers)
                if not wanted(row, status, self.upstream_rows):
                    wrong.append(f"{row['support']:4} {row['service']} {row['endpoint']} {row['action']} "
                                 f"{method} {path} {headers}: {status} {data[:160]!r}")
        if wrong:
            self.fail(f"{len(wrong)} answers otherwise than --coverage says:\n" + "\n".join(wrong))
        self.assertGreater(sum(r["support"] == "yes" for r in self.rows), 0)


class OpenStackFront(Truth, unittest.TestCase):
    """Every service on the openstack driver, in front of a stack on the local driver: Glance v1 and Cinder v1 and
    v2 are the core's over the upstream's current versions, the rest is passed through."""

    @classmethod
    def start(cls):
        cls.upstream = Stack().start()
        try:
            stack = Stack(openstack_front_config(f"http://127.0.0.1:{cls.upstream.port}/identity/v3")).start()
        except BaseException:
            cls.upstream.stop()
            raise
        stack.token = stack.password_token("admin", cls.upstream.password, "admin")[0]
        cls.upstream_rows = {}
        for r in coverage(cls.upstream):
            cls.upstream_rows[(r["service"], r["endpoint"], r["method"], r["action"])] = r["support"]
            # An action endpoint passed through is one row at the front, asked with a body that names no action:
            # the upstream answers it (400) when it serves any action there.
            whole = (r["service"], r["endpoint"], r["method"], "")
            if r["action"] and cls.upstream_rows.get(whole) != "yes":
                cls.upstream_rows[whole] = r["support"]
        return stack

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.upstream.stop()

    def test_what_the_front_serves_itself_and_what_it_passes_through(self):
        support = {(r["service"], r["endpoint"], r["method"]): r["support"] for r in self.rows}
        for row, said in ((("identity", "v3_auth_tokens", "POST"), "yes"),
                          (("compute", "v2_servers", "GET"), "passed-through"),
                          (("image", "v1_images", "GET"), "yes"), (("image", "v2_images", "GET"), "passed-through"),
                          (("volume", "v2_volumes", "GET"), "yes"), (("volume", "v3_volumes", "GET"), "passed-through"),
                          (("volume", "v1_volume_types", "POST"), "no"), (("network", "v2_networks", "GET"),
                                                                           "passed-through")):
            self.assertEqual(support.get(row), said, row)


class Local(Truth, unittest.TestCase):
    """Every service on the local driver (the default configuration)."""


class Echo(Truth, unittest.TestCase):
    """The echo driver's raw handlers, with no identity service."""

    config = ECHO_CONFIG

    def test_raw_handlers_are_yes_and_the_rest_no(self):
        self.assertEqual(served(self.rows) - CORE, {
            ("compute", "v2_servers", "GET"), ("compute", "v2_servers", "POST"), ("compute", "v2_server", "GET"),
            ("image", "v2_image_file", "GET"), ("image", "v2_image_file", "PUT")})


class ReadOnly(Truth, unittest.TestCase):
    """Compute and image on the read-only example driver, identity on the local one."""

    start = staticmethod(readonly_cloud.start)

    def test_exactly_the_reads_are_yes(self):
        compute = {"v2_servers", "v2_servers_detail", "v2_server", "v2_server_metadata", "v2_server_metadata_key",
                   "v2_server_ips", "v2_server_ips_network", "v2_server_tags", "v2_server_tag", "v2_flavors",
                   "v2_flavors_detail", "v2_flavor", "v2_tenant_flavors", "v2_tenant_flavors_detail",
                   "v2_tenant_flavor", "v2_os_extra_specs_flavor", "v2_os_extra_specs_flavor_key",
                   "v2_flavor_access",
                   # Nova's image calls, served from the image service's driver
                   "v2_images", "v2_images_detail", "v2_image", "v2_image_metadata", "v2_image_metadata_key"}
        # Glance's schemas come with any image driver; v1's HEAD shows an image's record, its GET the data.
        image = {("v2_schema_images", "GET"), ("v2_schema_image", "GET"), ("v2_schema_members", "GET"),
                 ("v2_schema_member", "GET"), ("v2_images", "GET"), ("v2_images_detail", "GET"),
                 ("v2_image", "GET"), ("v1_images", "GET"), ("v1_images_detail", "GET"), ("v1_image", "HEAD")}
        image |= {(f"v2_schema_metadefs_{kind}", "GET") for kind in (
            "namespace", "namespaces", "object", "objects", "property", "properties", "tag", "tags", "resource_type",
            "resource_types")}
        # A server's diagnostics are what the cloud shows of it; an external event about a server it shows is
        # taken and answered per server, and changes nothing here.
        compute.add("v2_server_diagnostics")
        events = {("compute", "v2_os_server_external_events", "POST")}
        self.assertEqual({row for row in served(self.rows) - CORE if row[0] != "identity"},
                         {("compute", e, "GET") for e in compute} | {("image", e, m) for e, m in image} | events)

    def test_the_rest_says_what_it_lacks(self):
        lacking = {(r["service"], r["endpoint"], r["method"], r["action"]): r["lacking"] for r in self.rows
                   if r["support"] == "no"}
        self.assertEqual(lacking[("compute", "v2_servers", "POST", "")], ["serverCreate", "serverDelete"])
        self.assertEqual(lacking[("compute", "v2_server", "DELETE", "")], ["serverDelete"])
        self.assertEqual(lacking[("compute", "v2_server_action", "POST", "reboot")], ["serverReboot"])
        self.assertEqual(lacking[("compute", "v2_server_action", "POST", "createImage")], ["serverSnapshot"])
        self.assertEqual(lacking[("image", "v2_images", "POST", "")], ["imageCreate"])
        self.assertEqual(lacking[("image", "v2_image_file", "GET", "")], ["imageDownload"])


class SoftLayer(Truth, unittest.TestCase):
    """Every service on the SoftLayer driver, against the simulator, as the first account's user."""

    @classmethod
    def start(cls):
        if not os.path.exists(os.path.join(MODULE_DIR, "jumpgate_softlayer.so")):
            raise unittest.SkipTest("the SoftLayer driver is not built (no libcurl)")
        cls.simulator = softlayer_cloud.Simulator()
        try:
            stack = Stack(softlayer_cloud.CONFIG.replace("@api_url@", cls.simulator.url)).start()
        except BaseException:
            cls.simulator.stop()
            raise
        account = softlayer_cloud.accounts()[0]
        status, hdrs, body = stack.request("POST", "/identity/v3/auth/tokens", auth=False, body={"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": account["username"], "domain": {"id": "default"}, "password": account["apiKey"]}}},
            "scope": {"project": {"id": str(account["id"])}}}})
        assert status == 201, body
        stack.token = hdrs["x-subject-token"]
        return stack

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.simulator.stop()

    def test_network_serves_only_the_kinds_softlayer_has(self):
        yes = served(self.rows)
        for endpoint in ("v2_networks", "v2_subnets", "v2_ports", "v2_os_networks"):
            service = "compute" if endpoint.startswith("v2_os") else "network"
            self.assertIn((service, endpoint, "GET"), yes)
        lacking = {(r["service"], r["endpoint"], r["method"], r["action"]): r["lacking"] for r in self.rows
                   if r["support"] == "no"}
        self.assertEqual(lacking[("network", "v2_routers", "GET", "")], ["routers"])
        self.assertEqual(lacking[("compute", "v2_os_security_groups", "GET", "")], ["security-groups"])
        self.assertEqual(lacking[("compute", "v2_os_floating_ips", "GET", "")], ["floatingips"])
        self.assertIn("security-groups", lacking[("compute", "v2_server_action", "POST", "addSecurityGroup")])
