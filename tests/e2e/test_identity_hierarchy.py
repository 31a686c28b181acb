# SPDX-License-Identifier: Apache-2.0
"""Keystone's project hierarchy and tags, groups' roles on the system, and the v2.0 admin API in the local
identity: the openstack client's commands for them, and the API's answers (fields, faults, policy, and the
tokens an inherited grant on a project gives below it)."""
import time
import unittest

from stack import Stack

ID = "/identity/v3"
V2 = "/identity/v2.0"


def setUpModule():
    global stack, member_project, member_token, member_env
    stack = Stack(workers=2).start()
    member_project, member_token, member_env = stack.member("hier-home", user="hier-user", password="hier-secret")


def tearDownModule():
    stack.stop()


def admin(path, method="GET", body=None, expect=None):
    return stack.admin_json(path, method, body, expect)


def as_member(path, method="GET", body=None):
    return stack.token_json(member_token, path, method, body)


def role_id(name):
    return admin(f"{ID}/roles?name={name}", expect=200)["roles"][0]["id"]


def project(name, **fields):
    return admin(f"{ID}/projects", "POST", {"project": {"name": name, **fields}}, 201)["project"]


def token_roles(user, password, project_id):
    """(status, role names) of a token of `user` scoped to `project_id`."""
    auth = {"identity": {"methods": ["password"], "password": {"user": {
        "name": user, "domain": {"id": "default"}, "password": password}}},
        "scope": {"project": {"id": project_id}}}
    status, _, body = stack.get_json(f"{ID}/auth/tokens", method="POST", body={"auth": auth}, auth=False)
    return status, {r["name"] for r in body["token"]["roles"]} if status == 201 else body


class Client(unittest.TestCase):
    """The openstack client's commands for hierarchy and tags."""
    SANITIZED_RUN = False  # the client sends what the raw-API classes send; under the sanitizers it checks Python

    def test_parent_children_and_tags(self):
        top = stack.cli("project", "create", "cli-top", "--tag", "blue", "--tag", "tall")
        child = stack.cli("project", "create", "cli-child", "--parent", "cli-top", "--tag", "blue")
        self.assertEqual((child["parent_id"], top["parent_id"]), (top["id"], "default"))
        self.assertEqual(sorted(top["tags"]), ["blue", "tall"])
        grandchild = stack.cli("project", "create", "cli-grandchild", "--parent", child["id"])
        shown = stack.cli("project", "show", "--children", "cli-top")
        self.assertEqual(shown["subtree"], {child["id"]: {grandchild["id"]: None}})
        shown = stack.cli("project", "show", "--parents", grandchild["id"])
        self.assertEqual(shown["parents"], {child["id"]: {top["id"]: {"default": None}}})
        stack.cli("project", "set", "--tag", "green", "cli-child", parse=False)
        names = lambda *args: sorted(p["Name"] for p in stack.cli("project", "list", *args))
        self.assertEqual(names("--tags", "blue,green"), ["cli-child"])
        self.assertEqual(names("--tags-any", "tall,green"), ["cli-child", "cli-top"])
        self.assertNotIn("cli-top", names("--not-tags-any", "tall"))
        self.assertIn("cli-top", names("--not-tags", "blue,green"))
        # A project with children stays; its leaves go first.
        run = stack.cli("project", "delete", "cli-top", parse=False, check=False)
        self.assertNotEqual(run.returncode, 0)
        self.assertIn("not a leaf", run.stderr)
        for name in (grandchild["id"], "cli-child", "cli-top"):
            stack.cli("project", "delete", name, parse=False)

    def test_group_role_on_the_system(self):
        stack.cli("group", "create", "cli-sys-readers", parse=False)
        stack.cli("user", "create", "cli-sys-user", "--password", "cli-sys-pw", parse=False)
        stack.cli("group", "add", "user", "cli-sys-readers", "cli-sys-user", parse=False)
        stack.cli("role", "add", "--group", "cli-sys-readers", "--system", "all", "reader", parse=False)
        rows = stack.cli("role", "assignment", "list", "--group", "cli-sys-readers", "--names")
        self.assertEqual([(r["Role"], r["System"]) for r in rows], [("reader", "all")])
        env = stack.env(OS_USERNAME="cli-sys-user", OS_PASSWORD="cli-sys-pw", OS_PROJECT_NAME=None,
                        OS_PROJECT_DOMAIN_NAME=None, OS_SYSTEM_SCOPE="all")
        token = stack.cli("token", "issue", env=env)
        status, _, body = stack.get_json(f"{ID}/auth/tokens", headers={"X-Subject-Token": token["id"]})
        self.assertEqual(status, 200)
        self.assertEqual(body["token"]["system"], {"all": True})
        self.assertEqual({r["name"] for r in body["token"]["roles"]}, {"reader"})
        stack.cli("role", "remove", "--group", "cli-sys-readers", "--system", "all", "reader", parse=False)
        self.assertEqual(stack.cli("role", "assignment", "list", "--group", "cli-sys-readers"), [])


class Hierarchy(unittest.TestCase):
    """parent_id, the subtree and parents queries, Keystone's limits, and inherited grants below a project."""

    def test_views_and_queries(self):
        a = project("h-a")
        b = project("h-b", parent_id=a["id"])
        c = project("h-c", parent_id=b["id"])
        d = project("h-d", parent_id=a["id"], domain_id="default")
        self.assertEqual((a["parent_id"], b["parent_id"], b["is_domain"]), ("default", a["id"], False))
        shown = admin(f"{ID}/projects/{a['id']}?subtree_as_ids", expect=200)["project"]
        self.assertEqual(shown["subtree"], {b["id"]: {c["id"]: None}, d["id"]: None})
        self.assertEqual(admin(f"{ID}/projects/{c['id']}?parents_as_ids", expect=200)["project"]["parents"],
                         {b["id"]: {a["id"]: {"default": None}}})
        # The lists hold the projects the caller has a role on: the admin has none here, until given one.
        self.assertEqual(admin(f"{ID}/projects/{a['id']}?subtree_as_list", expect=200)["project"]["subtree"], [])
        admin_id = admin(f"{ID}/users?name=admin", expect=200)["users"][0]["id"]
        admin(f"{ID}/projects/{c['id']}/users/{admin_id}/roles/{role_id('member')}", "PUT", expect=204)
        listed = admin(f"{ID}/projects/{a['id']}?subtree_as_list", expect=200)["project"]["subtree"]
        self.assertEqual([p["project"]["id"] for p in listed], [c["id"]])
        self.assertEqual(listed[0]["project"]["parent_id"], b["id"])
        status, _, body = stack.get_json(f"{ID}/projects/{a['id']}?subtree_as_ids&subtree_as_list")
        self.assertEqual(status, 400, body)
        status, _, body = stack.get_json(f"{ID}/projects/{a['id']}?parents_as_ids&parents_as_list")
        self.assertEqual(status, 400, body)
        self.assertEqual([p["id"] for p in admin(f"{ID}/projects?parent_id={a['id']}", expect=200)["projects"]],
                         sorted([b["id"], d["id"]], key=lambda i: "h-b" if i == b["id"] else "h-d"))
        # The projects acting as domains are the domains (test_identity_rest), none of these.
        acting = admin(f"{ID}/projects?is_domain=true", expect=200)["projects"]
        self.assertIn("default", [p["id"] for p in acting])
        self.assertFalse({a["id"], b["id"]} & {p["id"] for p in acting})

    def test_keystone_refusals(self):
        top = project("h-deep-1")
        chain = [top]
        for depth in range(2, 6):  # Keystone's max_project_tree_depth: five projects
            chain.append(project(f"h-deep-{depth}", parent_id=chain[-1]["id"]))
        status, _, body = stack.get_json(f"{ID}/projects", method="POST",
                                         body={"project": {"name": "h-deep-6", "parent_id": chain[-1]["id"]}})
        self.assertEqual((status, body["error"]["code"]), (403, 403), body)
        self.assertIn("Max hierarchy depth", body["error"]["message"])
        for bad, code in (({"parent_id": "no-such-project"}, 400), ({"is_domain": True, "parent_id": top["id"]}, 400),
                          ({"parent_id": top["id"], "domain_id": self.other_domain()}, 400)):
            status, _, body = stack.get_json(f"{ID}/projects", method="POST",
                                             body={"project": {"name": "h-refused", **bad}})
            self.assertEqual(status, code, (bad, body))
        self.assertEqual(admin(f"{ID}/projects?name=h-refused", expect=200)["projects"], [])
        # Keystone's order of things: a parent with children is neither deleted nor disabled first.
        status, _, body = stack.get_json(f"{ID}/projects/{top['id']}", method="DELETE")
        self.assertEqual(status, 403, body)
        status, _, body = stack.get_json(f"{ID}/projects/{top['id']}", method="PATCH",
                                         body={"project": {"enabled": False}})
        self.assertEqual(status, 403, body)
        status, _, body = stack.get_json(f"{ID}/projects/{chain[1]['id']}", method="PATCH",
                                         body={"project": {"parent_id": "default"}})
        self.assertEqual(status, 403, body)
        admin(f"{ID}/projects/{chain[-1]['id']}", "PATCH", {"project": {"enabled": False}}, 200)
        status, _, body = stack.get_json(f"{ID}/projects", method="POST",
                                         body={"project": {"name": "h-under-disabled", "parent_id": chain[-1]["id"]}})
        self.assertEqual(status, 400, body)
        self.assertEqual(admin(f"{ID}/projects/{top['id']}", expect=200)["project"]["enabled"], True)

    def test_deleting_a_domain_takes_its_trees_users_and_groups(self):
        domain = admin(f"{ID}/domains", "POST", {"domain": {"name": "h-doomed"}}, 201)["domain"]["id"]
        top = project("h-doomed-top", domain_id=domain)
        child = project("h-doomed-child", domain_id=domain, parent_id=top["id"])
        user = admin(f"{ID}/users", "POST", {"user": {"name": "h-doomed-user", "domain_id": domain}}, 201)["user"]
        group = admin(f"{ID}/groups", "POST", {"group": {"name": "h-doomed-group", "domain_id": domain}}, 201)["group"]
        self.assertEqual(stack.get_json(f"{ID}/domains/{domain}", method="DELETE")[0], 403)  # enabled
        admin(f"{ID}/domains/{domain}", "PATCH", {"domain": {"enabled": False}}, 200)
        self.assertEqual(stack.request("DELETE", f"{ID}/domains/{domain}")[0], 204)
        for path in (f"projects/{top['id']}", f"projects/{child['id']}", f"users/{user['id']}",
                     f"groups/{group['id']}", f"domains/{domain}"):
            self.assertEqual(stack.get_json(f"{ID}/{path}")[0], 404, path)

    def other_domain(self):
        found = admin(f"{ID}/domains?name=h-other", expect=200)["domains"]
        if found:
            return found[0]["id"]
        return admin(f"{ID}/domains", "POST", {"domain": {"name": "h-other"}}, 201)["domain"]["id"]

    def test_inherited_grant_on_a_project(self):
        top = project("h-inherit-top")
        mid = project("h-inherit-mid", parent_id=top["id"])
        leaf = project("h-inherit-leaf", parent_id=mid["id"])
        user = admin(f"{ID}/users", "POST", {"user": {"name": "h-inherit-user", "password": "h-pw"}}, 201)["user"]
        member = role_id("member")
        path = f"{ID}/OS-INHERIT/projects/{top['id']}/users/{user['id']}/roles/{member}/inherited_to_projects"
        admin(path, "PUT", expect=204)
        # Held below the project, not on it.
        self.assertEqual(token_roles("h-inherit-user", "h-pw", leaf["id"]), (201, {"member", "reader"}))
        self.assertEqual(token_roles("h-inherit-user", "h-pw", mid["id"]), (201, {"member", "reader"}))
        self.assertEqual(token_roles("h-inherit-user", "h-pw", top["id"])[0], 401)
        rows = admin(f"{ID}/role_assignments?effective&user.id={user['id']}", expect=200)["role_assignments"]
        self.assertEqual(sorted((r["scope"]["project"]["id"], r["role"]["id"]) for r in rows if r["role"]["id"] == member),
                         sorted([(mid["id"], member), (leaf["id"], member)]))
        self.assertTrue(all(r["links"]["assignment"].endswith("/inherited_to_projects") for r in rows))
        projects = admin(f"{ID}/users/{user['id']}/projects", expect=200)["projects"]
        self.assertEqual(sorted(p["id"] for p in projects), sorted([mid["id"], leaf["id"]]))
        admin(path, "DELETE", expect=204)
        self.assertEqual(token_roles("h-inherit-user", "h-pw", leaf["id"])[0], 401)


class Tags(unittest.TestCase):
    """Keystone's project tags: the calls, the rules and who may read or change them."""

    def test_tag_calls(self):
        p = project("t-project", tags=["one"])
        base = f"{ID}/projects/{p['id']}/tags"
        self.assertEqual(admin(base, expect=200)["tags"], ["one"])
        status, hdrs, body = stack.get_json(f"{base}/two", method="PUT")
        self.assertEqual(status, 201, body)
        self.assertTrue(hdrs["location"].endswith(f"/v3/projects/{p['id']}/tags/two"))
        self.assertEqual(stack.request("HEAD", f"{base}/two")[0], 204)
        self.assertEqual(stack.request("GET", f"{base}/two")[0], 204)
        self.assertEqual(stack.get_json(f"{base}/three")[0], 404)
        self.assertEqual(admin(base, "PUT", {"tags": ["x", "y"]}, 200)["tags"], ["x", "y"])
        self.assertEqual(admin(f"{ID}/projects/{p['id']}", expect=200)["project"]["tags"], ["x", "y"])
        self.assertEqual(admin(f"{base}/x", "DELETE", expect=None), b"")
        self.assertEqual(stack.get_json(f"{base}/x", method="DELETE")[0], 404)
        self.assertEqual(admin(f"{ID}/projects/{p['id']}", "PATCH", {"project": {"tags": ["z"]}}, 200)
                         ["project"]["tags"], ["z"])
        self.assertEqual(stack.request("DELETE", base)[0], 204)
        self.assertEqual(admin(base, expect=200)["tags"], [])

    def test_tag_rules(self):
        p = project("t-rules")
        base = f"{ID}/projects/{p['id']}/tags"
        for tags in (["a/b"], ["a,b"], ["x" * 256], [""], ["same", "same"], [f"t{i}" for i in range(81)], "a"):
            status, _, body = stack.get_json(base, method="PUT", body={"tags": tags})
            self.assertEqual(status, 400, (tags, body))
        self.assertEqual(admin(base, "PUT", {"tags": [f"t{i}" for i in range(80)]}, 200)["tags"][79], "t79")
        self.assertEqual(stack.get_json(f"{base}/t80", method="PUT")[0], 400)  # the 81st
        self.assertEqual(stack.get_json(f"{base}/t0", method="PUT")[0], 400)  # already there
        status, _, body = stack.get_json(f"{ID}/projects", method="POST",
                                         body={"project": {"name": "t-bad", "tags": ["no/slash"]}})
        self.assertEqual(status, 400, body)

    def test_policy(self):
        own = f"{ID}/projects/{member_project}/tags"
        admin(own, "PUT", {"tags": ["mine"]}, 200)
        self.assertEqual(as_member(own)[2]["tags"], ["mine"])
        self.assertEqual(as_member(f"{own}/mine")[0], 204)
        for method, path, body in (("PUT", own, {"tags": []}), ("PUT", f"{own}/more", None),
                                   ("DELETE", f"{own}/mine", None), ("DELETE", own, None)):
            self.assertEqual(as_member(path, method, body)[0], 403, (method, path))
        other = project("t-other", tags=["theirs"])
        self.assertEqual(as_member(f"{ID}/projects/{other['id']}/tags")[0], 403)
        self.assertEqual(admin(own, expect=200)["tags"], ["mine"])
        self.assertEqual(stack.get_json(own, auth=False)[0], 401)


class Policy(unittest.TestCase):
    """Keystone's default policy for roles: the admin lists them, a member does not."""

    def test_member_cannot_list_roles(self):
        status, _, body = as_member(f"{ID}/roles")
        self.assertEqual(status, 403, body)
        self.assertIn("identity:list_roles", body["error"]["message"])
        self.assertEqual(as_member(f"{V2}/OS-KSADM/roles")[0], 403)


class V2Admin(unittest.TestCase):
    """Keystone v2.0's administrative API, on the same users, projects and roles as v3's."""

    def test_tenants_users_roles_and_grants(self):
        tenant = admin(f"{V2}/tenants", "POST", {"tenant": {"name": "v2-tenant", "description": "d"}}, 200)["tenant"]
        self.assertEqual((tenant["name"], tenant["description"], tenant["enabled"]), ("v2-tenant", "d", True))
        self.assertEqual(admin(f"{ID}/projects/{tenant['id']}", expect=200)["project"]["domain_id"], "default")
        self.assertEqual(admin(f"{V2}/tenants/{tenant['id']}", expect=200)["tenant"]["name"], "v2-tenant")
        # /v2.0/tenants stays the caller's own tenants (Keystone's public endpoint): the admin has no role here.
        self.assertNotIn(tenant["id"], [t["id"] for t in admin(f"{V2}/tenants", expect=200)["tenants"]])
        updated = admin(f"{V2}/tenants/{tenant['id']}", "POST", {"tenant": {"name": "v2-renamed", "enabled": False}},
                        200)["tenant"]
        self.assertEqual((updated["name"], updated["enabled"]), ("v2-renamed", False))
        admin(f"{V2}/tenants/{tenant['id']}", "POST", {"tenant": {"enabled": True}}, 200)
        self.assertEqual(stack.get_json(f"{V2}/tenants", method="POST", body={"tenant": {"name": "v2-renamed"}})[0],
                         409)

        user = admin(f"{V2}/users", "POST", {"user": {"name": "v2-user", "password": "v2-pw", "email": "v@e.x",
                                                      "tenantId": tenant["id"]}}, 200)["user"]
        self.assertEqual((user["username"], user["tenantId"], user["email"]), ("v2-user", tenant["id"], "v@e.x"))
        self.assertEqual(admin(f"{V2}/users?name=v2-user", expect=200)["user"]["id"], user["id"])
        # tenantId gives the member role there, as Keystone's v2 did.
        self.assertEqual(token_roles("v2-user", "v2-pw", tenant["id"]), (201, {"member", "reader"}))
        self.assertEqual([u["id"] for u in admin(f"{V2}/tenants/{tenant['id']}/users", expect=200)["users"]],
                         [user["id"]])
        for bad, code in (({"name": ""}, 400), ({"name": "x" * 256}, 400), ({"name": "v2-user"}, 409),
                          ({"name": "v2-other", "tenantId": "no-such"}, 404), ({"name": "v2-other", "enabled": 3}, 400)):
            status, _, body = stack.get_json(f"{V2}/users", method="POST", body={"user": bad})
            self.assertEqual(status, code, (bad, body))

        role = admin(f"{V2}/OS-KSADM/roles", "POST", {"role": {"name": "v2-role"}}, 200)["role"]
        self.assertIn(role["id"], [r["id"] for r in admin(f"{V2}/OS-KSADM/roles", expect=200)["roles"]])
        self.assertEqual(admin(f"{V2}/OS-KSADM/roles/{role['id']}", expect=200)["role"]["name"], "v2-role")
        grant = f"{V2}/tenants/{tenant['id']}/users/{user['id']}/roles/OS-KSADM/{role['id']}"
        self.assertEqual(admin(grant, "PUT", expect=200)["role"]["id"], role["id"])
        self.assertEqual(stack.get_json(grant, method="PUT")[0], 409)
        held = admin(f"{V2}/tenants/{tenant['id']}/users/{user['id']}/roles", expect=200)["roles"]
        self.assertEqual(sorted(r["name"] for r in held), ["member", "v2-role"])
        self.assertEqual(stack.request("DELETE", grant)[0], 204)
        self.assertEqual(stack.request("DELETE", grant)[0], 404)

        # A disabled user cannot authenticate; a new password replaces the old one.
        self.assertEqual(admin(f"{V2}/users/{user['id']}/enabled", "PUT", {"user": {"enabled": False}}, 200)
                         ["user"]["enabled"], False)
        self.assertEqual(token_roles("v2-user", "v2-pw", tenant["id"])[0], 401)
        admin(f"{V2}/users/{user['id']}", "PUT", {"user": {"enabled": True, "email": "new@e.x"}}, 200)
        time.sleep(1.1)  # a token from the second of the password change would be revoked with it
        admin(f"{V2}/users/{user['id']}/OS-KSADM/password", "PUT", {"user": {"password": "v2-new"}}, 200)
        self.assertEqual(token_roles("v2-user", "v2-pw", tenant["id"])[0], 401)
        time.sleep(1.1)
        self.assertEqual(token_roles("v2-user", "v2-new", tenant["id"])[0], 201)

        ec2 = admin(f"{V2}/users/{user['id']}/credentials/OS-EC2", "POST", {"tenant_id": tenant["id"]}, 200)
        access = ec2["credential"]["access"]
        self.assertEqual(admin(f"{V2}/users/{user['id']}/credentials/OS-EC2/{access}", expect=200)
                         ["credential"]["secret"], ec2["credential"]["secret"])
        self.assertEqual(stack.request("DELETE", f"{V2}/users/{user['id']}/credentials/OS-EC2/{access}")[0], 204)

        self.assertEqual(stack.request("DELETE", f"{V2}/users/{user['id']}")[0], 204)
        self.assertEqual(stack.get_json(f"{V2}/users/{user['id']}")[0], 404)
        self.assertEqual(stack.request("DELETE", f"{V2}/OS-KSADM/roles/{role['id']}")[0], 204)
        self.assertEqual(stack.request("DELETE", f"{V2}/tenants/{tenant['id']}")[0], 204)
        self.assertEqual(stack.get_json(f"{ID}/projects/{tenant['id']}")[0], 404)

    def test_member_and_anonymous(self):
        for method, path, body in (("GET", f"{V2}/users", None), ("POST", f"{V2}/users", {"user": {"name": "m"}}),
                                   ("POST", f"{V2}/tenants", {"tenant": {"name": "m"}}),
                                   ("POST", f"{V2}/OS-KSADM/roles", {"role": {"name": "m"}}),
                                   ("DELETE", f"{V2}/tenants/{member_project}", None)):
            self.assertEqual(as_member(path, method, body)[0], 403, (method, path))
            self.assertEqual(stack.get_json(path, method=method, body=body, auth=False)[0], 401, (method, path))
        self.assertEqual(admin(f"{V2}/tenants/{member_project}", expect=200)["tenant"]["enabled"], True)


if __name__ == "__main__":
    unittest.main()
