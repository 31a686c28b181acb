# SPDX-License-Identifier: Apache-2.0
"""Glance's metadata definitions on the local driver: the schemas, namespaces and what they hold, through Debian's
glance client and as raw JSON for the fields, status codes and faults; and Glance's own seed catalog loaded by
jumpgate-manage."""
import os
import shutil
import unittest
from urllib.parse import parse_qs, quote, urlsplit

from stack import Stack

MD = "/image/v2/metadefs"
SEED_DIR = "/etc/glance/metadefs"


def setUpModule():
    global stack, member_a, member_b
    stack = Stack().start()
    member_a = stack.member("md-a")
    member_b = stack.member("md-b")


def tearDownModule():
    stack.stop()


def call(method, path, body=None, token=None, headers=None):
    headers = dict(headers or {})
    if token:
        headers["X-Auth-Token"] = token
    return stack.get_json(path, method=method, body=body, headers=headers)


_names = iter(range(1_000_000))


def a_namespace(**fields):
    """A namespace the admin makes (public unless told), with `fields`; its view."""
    body = {"namespace": f"JG::Test::NS{next(_names)}", "visibility": "public", **fields}
    status, headers, made = call("POST", f"{MD}/namespaces", body)
    assert status == 201, made
    return made


def ns_path(ns):
    return f"{MD}/namespaces/{quote(ns['namespace'] if isinstance(ns, dict) else ns)}"


class Schemas(unittest.TestCase):
    def test_every_schema_has_glances_shape(self):
        expected = {"namespace": ("namespace", "namespace"), "namespaces": ("namespaces", "namespaces"),
                    "object": ("object", "name"), "objects": ("objects", "objects"),
                    "property": ("property", "title"), "properties": ("properties", "properties"),
                    "tag": ("tag", "name"), "tags": ("tags", "tags"),
                    "resource_type": ("resource_type_association", "prefix"),
                    "resource_types": ("resource_type_associations", "resource_type_associations")}
        for which, (name, field) in expected.items():
            status, _, schema = call("GET", f"/image/v2/schemas/metadefs/{which}")
            self.assertEqual(status, 200, which)
            self.assertEqual(schema["name"], name)
            self.assertIn(field, schema["properties"], which)
            if which.endswith("s"):
                self.assertEqual([l["rel"] for l in schema["links"]], ["first", "next", "describedby"])
            else:
                self.assertFalse(schema["additionalProperties"], which)
        _, _, ns = call("GET", "/image/v2/schemas/metadefs/namespace")
        self.assertEqual(ns["required"], ["namespace"])
        self.assertEqual(ns["properties"]["visibility"]["enum"], ["public", "private"])
        self.assertEqual(ns["properties"]["properties"], {"$ref": "#/definitions/property"})
        self.assertEqual(ns["definitions"]["property"]["additionalProperties"]["required"], ["title", "type"])
        _, _, prop = call("GET", "/image/v2/schemas/metadefs/property")
        self.assertEqual(sorted(prop["required"]), ["name", "title", "type"])
        self.assertIn(None, prop["properties"]["type"]["enum"])


class Namespaces(unittest.TestCase):
    def test_create_show_update_delete(self):
        made = a_namespace(display_name="Made", description="for the test",
                           resource_type_associations=[{"name": "OS::Glance::Image", "prefix": "jg_"}],
                           properties={"speed": {"title": "Speed", "type": "integer", "minimum": 1, "junk": 1}},
                           objects=[{"name": "Box", "required": ["size"],
                                     "properties": {"size": {"title": "Size", "type": "string"}}}],
                           tags=[{"name": "red"}, {"name": "blue"}])
        self.assertEqual((made["display_name"], made["visibility"], made["protected"]),
                         ("Made", "public", False))
        self.assertEqual(made["self"], ns_path(made["namespace"]).replace("/image", "").replace("%3A", ":"))
        self.assertEqual(made["schema"], "/v2/schemas/metadefs/namespace")
        self.assertRegex(made["created_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        status, _, shown = call("GET", ns_path(made))
        self.assertEqual(status, 200)
        # Glance keeps only the fields a property definition has.
        self.assertEqual(shown["properties"], {"speed": {"title": "Speed", "type": "integer", "minimum": 1}})
        self.assertEqual([o["name"] for o in shown["objects"]], ["Box"])
        self.assertEqual(sorted(t["name"] for t in shown["tags"]), ["blue", "red"])
        self.assertEqual(shown["resource_type_associations"][0]["prefix"], "jg_")
        # A resource type's prefix goes on every property name, the objects' and their required ones too.
        _, _, prefixed = call("GET", ns_path(made) + "?resource_type=OS::Glance::Image")
        self.assertEqual(list(prefixed["properties"]), ["jg_speed"])
        self.assertEqual(prefixed["objects"][0]["required"], ["jg_size"])
        self.assertEqual(list(prefixed["objects"][0]["properties"]), ["jg_size"])
        # PUT gives the whole namespace: a new name, and what it leaves out takes its default again.
        status, _, updated = call("PUT", ns_path(made), {"namespace": made["namespace"] + "-2", "protected": True})
        self.assertEqual(status, 200, updated)
        self.assertEqual((updated["visibility"], updated["protected"]), ("private", True))
        self.assertNotIn("display_name", updated)
        self.assertEqual(call("GET", ns_path(made))[0], 404)
        renamed = made["namespace"] + "-2"
        self.assertEqual(call("GET", ns_path(renamed))[2]["properties"]["speed"]["title"], "Speed")
        status, _, fault = call("DELETE", ns_path(renamed))
        self.assertEqual(status, 403)
        self.assertIn("is protected and cannot be deleted", str(fault))
        for kind in ("objects", "properties", "tags"):
            self.assertEqual(call("DELETE", f"{ns_path(renamed)}/{kind}")[0], 403, kind)
        call("PUT", ns_path(renamed), {"namespace": renamed})
        self.assertEqual(call("DELETE", ns_path(renamed))[0], 204)
        self.assertEqual(call("GET", ns_path(renamed))[0], 404)

    def test_bad_bodies_get_glances_faults(self):
        cases = [({"display_name": "no name"}, 400, "'namespace' is a required property"),
                 ({"namespace": "x", "color": "red"}, 400, "Additional properties are not allowed ('color' was"),
                 ({"namespace": "x", "visibility": "shared"}, 400, "'shared' is not one of ['public', 'private']"),
                 ({"namespace": "x" * 81}, 400, "is too long"),
                 ({"namespace": "x", "protected": "yes"}, 400, "'yes' is not of type 'boolean'"),
                 ({"namespace": "x", "properties": {"p": {"type": "string"}}}, 400, "'title' is a required property"),
                 ({"namespace": "x", "self": "/v2/x"}, 403, "Attribute 'self' is read-only."),
                 ([1, 2], 400, "is not of type 'object'")]
        for body, code, message in cases:
            status, _, fault = call("POST", f"{MD}/namespaces", body)
            self.assertEqual(status, code, body)
            self.assertIn(message, str(fault), body)
        made = a_namespace()
        status, _, fault = call("POST", f"{MD}/namespaces", {"namespace": made["namespace"]})
        self.assertEqual(status, 409)
        self.assertIn("already exists", str(fault))
        for query, message in (("limit=x", "limit param must be an integer"), ("limit=-1", "must be positive"),
                               ("sort_dir=up", "Invalid sort direction: up"),
                               ("visibility=shared", "Invalid visibility value: shared"),
                               ("sort_key=colour", "Invalid sort key")):
            status, _, fault = call("GET", f"{MD}/namespaces?{query}")
            self.assertEqual(status, 400, query)
            self.assertIn(message, str(fault), query)

    def test_list_filters_and_pages(self):
        tag = f"JG::Page{next(_names)}"
        names = [a_namespace(namespace=f"{tag}::{i}",
                             resource_type_associations=[{"name": f"{tag}::Type"}])["namespace"] for i in range(3)]
        a_namespace(namespace=f"{tag}::private", visibility="private")
        status, _, page = call("GET", f"{MD}/namespaces?resource_types={tag}::Type,Other&sort_key=namespace"
                                      "&sort_dir=asc&limit=2")
        self.assertEqual(status, 200)
        self.assertEqual([n["namespace"] for n in page["namespaces"]], names[:2])
        self.assertEqual(page["schema"], "/v2/schemas/metadefs/namespaces")
        self.assertEqual(parse_qs(urlsplit(page["next"]).query)["marker"], [names[1]])
        self.assertEqual(page["namespaces"][0]["resource_type_associations"][0]["name"], f"{tag}::Type")
        self.assertNotIn("properties", page["namespaces"][0])
        _, _, rest = call("GET", "/image" + page["next"])
        self.assertEqual([n["namespace"] for n in rest["namespaces"]], names[2:])
        _, _, private = call("GET", f"{MD}/namespaces?visibility=private&limit=1000")
        self.assertIn(f"{tag}::private", [n["namespace"] for n in private["namespaces"]])
        self.assertNotIn(names[0], [n["namespace"] for n in private["namespaces"]])
        self.assertEqual(call("GET", f"{MD}/namespaces?marker=JG::No::Such")[0], 404)
        _, _, types = call("GET", f"{MD}/resource_types")
        self.assertIn(f"{tag}::Type", [t["name"] for t in types["resource_types"]])


class Contents(unittest.TestCase):
    def test_objects(self):
        ns = a_namespace()
        obj = {"name": "Disk", "description": "a disk", "required": ["bus"],
               "properties": {"bus": {"title": "Bus", "type": "string", "enum": ["ide", "scsi"]}}}
        status, _, made = call("POST", f"{ns_path(ns)}/objects", obj)
        self.assertEqual(status, 201, made)
        self.assertEqual(made["self"], f"/v2/metadefs/namespaces/{ns['namespace']}/objects/Disk")
        self.assertEqual(made["schema"], "/v2/schemas/metadefs/object")
        self.assertEqual(made["properties"]["bus"]["enum"], ["ide", "scsi"])
        self.assertEqual(call("POST", f"{ns_path(ns)}/objects", obj)[0], 409)
        status, _, fault = call("POST", f"{ns_path(ns)}/objects",
                                {"name": "Bad", "properties": {"p": {"title": "P", "type": "string", "x": 1}}})
        self.assertEqual(status, 400)
        self.assertIn("Additional properties are not allowed ('x' was unexpected)", str(fault))
        status, _, listed = call("GET", f"{ns_path(ns)}/objects")
        self.assertEqual(([o["name"] for o in listed["objects"]], listed["schema"]),
                         (["Disk"], "v2/schemas/metadefs/objects"))
        status, _, updated = call("PUT", f"{ns_path(ns)}/objects/Disk", {"name": "Drive", "description": "renamed"})
        self.assertEqual((status, updated["name"], updated["description"]), (200, "Drive", "renamed"))
        self.assertEqual(updated["created_at"], made["created_at"])
        self.assertNotIn("properties", updated)
        self.assertEqual(call("GET", f"{ns_path(ns)}/objects/Disk")[0], 404)
        self.assertEqual(call("DELETE", f"{ns_path(ns)}/objects/Drive")[0], 204)
        self.assertEqual(call("DELETE", f"{ns_path(ns)}/objects/Drive")[0], 404)
        self.assertEqual(call("GET", f"{MD}/namespaces/JG::No::Such/objects")[0], 404)

    def test_properties(self):
        ns = a_namespace(resource_type_associations=[{"name": "OS::Cinder::Volume", "prefix": "v:"}])
        prop = {"name": "mode", "title": "Mode", "type": "string", "enum": ["a", "b"], "default": "a"}
        status, _, made = call("POST", f"{ns_path(ns)}/properties", prop)
        self.assertEqual((status, made), (201, prop))
        self.assertEqual(call("POST", f"{ns_path(ns)}/properties", prop)[0], 409)
        status, _, fault = call("POST", f"{ns_path(ns)}/properties", {"name": "x", "type": "string"})
        self.assertEqual(status, 400)
        self.assertIn("'title' is a required property", str(fault))
        self.assertEqual(call("GET", f"{ns_path(ns)}/properties")[2],
                         {"properties": {"mode": {k: v for k, v in prop.items() if k != "name"}}})
        self.assertEqual(call("GET", f"{ns_path(ns)}/properties/v:mode?resource_type=OS::Cinder::Volume")[2], prop)
        self.assertEqual(call("GET", f"{ns_path(ns)}/properties/mode?resource_type=OS::Cinder::Volume")[0], 404)
        self.assertEqual(call("GET", f"{ns_path(ns)}/properties/v:mode?resource_type=OS::Nova::Flavor")[0], 404)
        status, _, updated = call("PUT", f"{ns_path(ns)}/properties/mode",
                                  {"name": "mode", "title": "Mode", "type": "boolean"})
        self.assertEqual((status, updated), (200, {"name": "mode", "title": "Mode", "type": "boolean"}))
        self.assertEqual(call("DELETE", f"{ns_path(ns)}/properties")[0], 204)
        self.assertEqual(call("GET", f"{ns_path(ns)}/properties")[2], {"properties": {}})

    def test_tags(self):
        ns = a_namespace()
        status, _, made = call("POST", f"{ns_path(ns)}/tags/Alpha")
        self.assertEqual((status, made["name"]), (201, "Alpha"))
        status, _, fault = call("POST", f"{ns_path(ns)}/tags/alpha")
        self.assertEqual(status, 409)
        self.assertIn("case insensitive", str(fault))
        status, _, made = call("POST", f"{ns_path(ns)}/tags", {"tags": [{"name": "b"}, {"name": "c"}]})
        self.assertEqual((status, made), (201, {"tags": [{"name": "b"}, {"name": "c"}]}))
        # Without X-Openstack-Append the list replaces the tags; with it, joins them.
        names = lambda: sorted(t["name"] for t in call("GET", f"{ns_path(ns)}/tags")[2]["tags"])
        self.assertEqual(names(), ["b", "c"])
        call("POST", f"{ns_path(ns)}/tags", {"tags": [{"name": "d"}]}, headers={"X-Openstack-Append": "True"})
        self.assertEqual(names(), ["b", "c", "d"])
        self.assertEqual(call("POST", f"{ns_path(ns)}/tags", {"tags": [{"name": "e"}, {"name": "E"}]})[0], 409)
        self.assertEqual(names(), ["b", "c", "d"])
        status, _, page = call("GET", f"{ns_path(ns)}/tags?sort_key=name&sort_dir=asc&limit=2&marker=b")
        self.assertEqual([t["name"] for t in page["tags"]], ["c", "d"])
        status, _, renamed = call("PUT", f"{ns_path(ns)}/tags/b", {"name": "bee"})
        self.assertEqual((status, renamed["name"]), (200, "bee"))
        self.assertEqual(call("GET", f"{ns_path(ns)}/tags/bee")[0], 200)
        self.assertEqual(call("DELETE", f"{ns_path(ns)}/tags/bee")[0], 204)
        self.assertEqual(call("DELETE", f"{ns_path(ns)}/tags")[0], 204)
        self.assertEqual(names(), [])

    def test_resource_type_associations(self):
        ns = a_namespace()
        assoc = {"name": "OS::Nova::Flavor", "prefix": "hw:", "properties_target": "flavor"}
        status, _, made = call("POST", f"{ns_path(ns)}/resource_types", assoc)
        self.assertEqual(status, 201, made)
        self.assertEqual({k: made[k] for k in assoc}, assoc)
        self.assertEqual(call("POST", f"{ns_path(ns)}/resource_types", assoc)[0], 409)
        _, _, listed = call("GET", f"{ns_path(ns)}/resource_types")
        self.assertEqual([a["name"] for a in listed["resource_type_associations"]], ["OS::Nova::Flavor"])
        self.assertEqual(call("DELETE", f"{ns_path(ns)}/resource_types/OS::Nova::Flavor")[0], 204)
        status, _, fault = call("DELETE", f"{ns_path(ns)}/resource_types/OS::Nova::Flavor")
        self.assertEqual(status, 404)
        self.assertIn("Failed to find resource type OS::Nova::Flavor to delete", str(fault))
        # The resource type stays known once some namespace named it.
        self.assertIn("OS::Nova::Flavor", [t["name"] for t in call("GET", f"{MD}/resource_types")[2]["resource_types"]])


class Policy(unittest.TestCase):
    def test_members_read_what_they_may_see_and_change_nothing(self):
        public = a_namespace(tags=[{"name": "t"}])
        private = a_namespace(visibility="private")
        owned = a_namespace(visibility="private", owner=member_a[0])
        token = member_a[1]
        self.assertEqual(call("GET", ns_path(public), token=token)[0], 200)
        self.assertEqual(call("GET", ns_path(private), token=token)[0], 404)
        self.assertEqual(call("GET", f"{ns_path(private)}/tags", token=token)[0], 404)
        self.assertEqual(call("GET", ns_path(owned), token=token)[0], 200)
        self.assertEqual(call("GET", ns_path(owned), token=member_b[1])[0], 404)
        listed = [n["namespace"] for n in call("GET", f"{MD}/namespaces?limit=1000", token=token)[2]["namespaces"]]
        self.assertIn(public["namespace"], listed)
        self.assertIn(owned["namespace"], listed)
        self.assertNotIn(private["namespace"], listed)
        # Glance's default policy: only admins make or change definitions, even in their own project's namespace.
        status, _, fault = call("POST", f"{MD}/namespaces", {"namespace": "JG::Member"}, token=token)
        self.assertEqual(status, 403)
        self.assertIn("add_metadef_namespace", str(fault))
        for method, path, body in (("PUT", ns_path(owned), {"namespace": owned["namespace"]}),
                                   ("DELETE", ns_path(public), None),
                                   ("POST", f"{ns_path(public)}/tags/x", None),
                                   ("DELETE", f"{ns_path(public)}/tags/t", None),
                                   ("POST", f"{ns_path(public)}/properties", {"name": "p", "title": "P",
                                                                             "type": "string"})):
            self.assertEqual(call(method, path, body, token=token)[0], 403, (method, path))
        self.assertEqual(call("DELETE", f"{ns_path(private)}/tags", token=token)[0], 404)
        self.assertEqual(stack.request("GET", f"{MD}/namespaces", auth=False)[0], 401)


@unittest.skipUnless(shutil.which("glance"), "Debian's python3-glanceclient is not installed")
class GlanceClient(unittest.TestCase):
    SANITIZED_RUN = False  # the client sends what the raw-API classes send; under the sanitizers it checks Python

    def test_md_commands(self):
        glance = lambda *a: stack.cli("--os-image-api-version", "2", *a, parse=False, program="glance")
        ns = f"JG::Cli::NS{next(_names)}"
        glance("md-namespace-create", ns, "--display-name", "CLI", "--visibility", "public")
        self.assertIn(ns, glance("md-namespace-list"))
        glance("md-resource-type-associate", ns, "--name", "OS::Glance::Image", "--prefix", "cli_")
        self.assertIn("OS::Glance::Image", glance("md-namespace-resource-type-list", ns))
        self.assertIn("OS::Glance::Image", glance("md-resource-type-list"))
        glance("md-property-create", ns, "--name", "speed", "--title", "Speed",
               "--schema", '{"type": "integer", "minimum": 1}')
        self.assertIn("Speed", glance("md-property-show", ns, "speed"))
        glance("md-object-create", ns, "--name", "Box",
               "--schema", '{"description": "a box", "properties": {"size": {"type": "string", "title": "Size"}}}')
        self.assertIn("a box", glance("md-object-show", ns, "Box"))
        self.assertIn("Size", glance("md-object-property-show", ns, "Box", "size"))
        glance("md-tag-create", ns, "--name", "zero")
        # Without --append the list replaces the tags (glanceclient 4.1's --append fails in the client itself).
        glance("md-tag-create-multiple", ns, "--names", "one,two,three")
        self.assertEqual(call("GET", f"{ns_path(ns)}/tags/zero")[0], 404)
        tags = glance("md-tag-list", ns)
        self.assertTrue(all(t in tags for t in ("one", "two", "three")), tags)
        shown = glance("md-namespace-show", ns, "--resource-type", "OS::Glance::Image")
        self.assertIn("cli_speed", shown)
        glance("md-namespace-update", ns, "--description", "changed", "--protected", "True", "--visibility", "public")
        _, _, body = call("GET", ns_path(ns))
        self.assertEqual((body["description"], body["protected"]), ("changed", True))
        run = stack.cli("--os-image-api-version", "2", "md-namespace-delete", ns, parse=False, program="glance",
                        check=False)
        self.assertNotEqual(run.returncode, 0)
        self.assertIn("403", run.stderr + run.stdout)
        glance("md-namespace-update", ns, "--protected", "False", "--visibility", "public")
        glance("md-namespace-objects-delete", ns)
        glance("md-namespace-delete", ns)
        self.assertNotIn(ns, glance("md-namespace-list"))


@unittest.skipUnless(os.path.isdir(SEED_DIR), "Glance's seed catalog (glance-common) is not installed")
class SeedCatalog(unittest.TestCase):
    def test_manage_loads_glances_files_once(self):
        files = [f for f in os.listdir(SEED_DIR) if f.endswith(".json")]
        out = stack.manage("metadefs", "load", SEED_DIR)
        self.assertIn(f"{len(files)} namespaces loaded, 0 there already, 0 refused", out)
        self.assertIn(f"0 namespaces loaded, {len(files)} there already", stack.manage("metadefs", "load", SEED_DIR))
        status, _, pinning = call("GET", f"{MD}/namespaces/OS::Compute::CPUPinning?resource_type=OS::Nova::Flavor",
                                  token=member_a[1])
        self.assertEqual(status, 200)
        self.assertEqual((pinning["owner"], pinning["protected"]), ("admin", True))
        self.assertIn("hw:cpu_policy", pinning["properties"])
        # What Horizon's image dialog asks for: the namespaces of images, public ones to a member.
        _, _, listed = call("GET", f"{MD}/namespaces?resource_types=OS::Glance::Image&limit=1000", token=member_a[1])
        self.assertIn("OS::Compute::Hypervisor", [n["namespace"] for n in listed["namespaces"]])
        self.assertEqual(call("DELETE", f"{MD}/namespaces/OS::Compute::CPUPinning")[0], 403)


if __name__ == "__main__":
    unittest.main()
