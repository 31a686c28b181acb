# SPDX-License-Identifier: Apache-2.0
"""Keystone's answers the local identity gives as Keystone 22 does: system and domain scopes, implied roles, default
projects, and the smaller ones (nocatalog, the catalog of an unscoped token, rescoped methods, names and domains)."""
import unittest

from stack import Stack


def setUpModule():
    global stack, member_project, member_token, member_env, member_id
    stack = Stack(workers=2).start()
    member_project, member_token, member_env = stack.member("ks-member", password="ks-secret")
    member_id = whoami(member_token)["user"]["id"]


def tearDownModule():
    stack.stop()


def as_member(path, method="GET", body=None):
    return stack.token_json(member_token, path, method, body)


def whoami(token, nocatalog=True):
    status, _, body = stack.get_json("/identity/v3/auth/tokens" + ("?nocatalog" if nocatalog else ""),
                                     headers={"X-Subject-Token": token})
    assert status == 200, body
    return body["token"]


def issue(user="admin", password=None, scope=None, methods=None, query=""):
    """POST /v3/auth/tokens with a password (or `methods` as given) and `scope`: (status, token, body)."""
    identity = methods or {"methods": ["password"], "password": {"user": {
        "name": user, "domain": {"id": "default"}, "password": password or stack.password}}}
    auth = {"identity": identity}
    if scope is not None:
        auth["scope"] = scope
    status, hdrs, body = stack.get_json("/identity/v3/auth/tokens" + query, method="POST", body={"auth": auth},
                                        auth=False)
    return status, hdrs.get("x-subject-token"), body


def role_id(name):
    return stack.get_json(f"/identity/v3/roles?name={name}")[2]["roles"][0]["id"]


def unscoped_env(**extra):
    return stack.env(OS_PROJECT_NAME=None, OS_PROJECT_DOMAIN_NAME=None, **extra)


class SystemScope(unittest.TestCase):
    def test_bootstrap_gives_the_admin_the_system_and_the_cli_a_system_token(self):
        token = stack.cli("--os-system-scope", "all", "token", "issue", env=unscoped_env())
        self.assertNotIn("project_id", token)
        t = whoami(token["id"], nocatalog=False)
        self.assertEqual(t["system"], {"all": True})
        self.assertNotIn("project", t)
        self.assertNotIn("domain", t)
        self.assertEqual({r["name"] for r in t["roles"]}, {"admin", "member", "reader"})
        # As Keystone's: the services whose URLs name a project are not in a catalog without one.
        types = {s["type"] for s in t["catalog"]}
        self.assertIn("identity", types)
        self.assertNotIn("volumev3", types)
        system = {"X-Auth-Token": token["id"]}
        status, _, body = stack.get_json("/identity/v3/users", headers=system, auth=False)
        self.assertEqual(status, 200)
        self.assertIn("admin", [u["name"] for u in body["users"]])
        status, _, body = stack.get_json("/compute/v2.1/flavors", headers=system, auth=False)
        self.assertEqual((status, body["forbidden"]["message"]),
                         (403, "A token scoped to a project is required; this token is scoped to the system."))
        status, _, body = stack.get_json("/identity/v3/auth/system")
        self.assertEqual(body["system"], [{"all": True}])
        admin = stack.get_json("/identity/v3/users?name=admin")[2]["users"][0]["id"]
        _, _, body = stack.get_json(f"/identity/v3/system/users/{admin}/roles")
        self.assertEqual([r["name"] for r in body["roles"]], ["admin"])
        _, _, body = stack.get_json("/identity/v3/role_assignments?scope.system=all")
        self.assertIn({"role": {"id": role_id("admin")}, "user": {"id": admin}, "scope": {"system": {"all": True}},
                       "links": {"assignment": f"http://127.0.0.1:{stack.port}/identity/v3/system/users/{admin}"
                                               f"/roles/{role_id('admin')}"}}, body["role_assignments"])
        self.assertTrue(all("system" in a["scope"] for a in body["role_assignments"]))

    def test_a_system_grant_given_checked_used_and_taken(self):
        reader = role_id("reader")
        path = f"/identity/v3/system/users/{member_id}/roles/{reader}"
        self.assertEqual(as_member("/identity/v3/auth/system")[2]["system"], [])
        self.assertEqual(issue("ks-member-user", "ks-secret", {"system": {"all": True}})[0], 401)
        # The member gives itself nothing, sees nothing and takes nothing.
        for method in ("PUT", "GET", "HEAD", "DELETE"):
            self.assertEqual(stack.request(method, path, headers={"X-Auth-Token": member_token}, auth=False)[0],
                             403, method)
        self.assertEqual(as_member(f"/identity/v3/system/users/{member_id}/roles")[0], 403)
        self.assertEqual(as_member("/identity/v3/role_assignments?scope.system=all")[0], 403)

        stack.cli("role", "add", "--system", "all", "--user", "ks-member-user", "reader", parse=False)
        self.assertEqual(stack.request("HEAD", path)[0], 204)
        self.assertEqual(stack.request("GET", path)[0], 204)
        named = stack.cli("role", "assignment", "list", "--system", "all", "--names", "--user", "ks-member-user")
        self.assertEqual([(a["Role"], a["User"], a["System"]) for a in named],
                         [("reader", "ks-member-user@Default", "all")])
        self.assertEqual(as_member("/identity/v3/auth/system")[2]["system"], [{"all": True}])
        status, token, body = issue("ks-member-user", "ks-secret", {"system": {"all": True}})
        self.assertEqual(status, 201, body)
        self.assertEqual([r["name"] for r in body["token"]["roles"]], ["reader"])
        # Not an admin: the system scope gives a reader no admin call.
        self.assertEqual(stack.get_json("/identity/v3/users", headers={"X-Auth-Token": token}, auth=False)[0], 403)

        self.assertEqual(stack.request("DELETE", path)[0], 204)
        self.assertEqual(stack.request("GET", path)[0], 404)
        self.assertEqual(stack.request("DELETE", path)[0], 404)
        # Roles are worked out at validation: the token has none left on the system, and is no longer valid.
        self.assertEqual(stack.get_json("/identity/v3/auth/tokens", headers={"X-Subject-Token": token})[0], 404)
        self.assertEqual(stack.request("PUT", f"/identity/v3/system/users/{member_id}/roles/nope")[0], 404)
        self.assertEqual(stack.request("PUT", f"/identity/v3/system/users/nobody/roles/{reader}")[0], 404)


class DomainScope(unittest.TestCase):
    def test_by_name_from_the_cli_and_the_api(self):
        token = stack.cli("--os-domain-name", "Default", "token", "issue", env=unscoped_env())
        self.assertEqual(token["domain_id"], "default")
        t = whoami(token["id"])
        self.assertEqual(t["domain"], {"id": "default", "name": "Default"})
        self.assertEqual({r["name"] for r in t["roles"]}, {"admin", "member", "reader"})
        status, _, body = issue(scope={"domain": {"name": "Default"}})
        self.assertEqual((status, body["token"]["domain"]["id"]), (201, "default"))
        self.assertEqual(issue(scope={"domain": {"name": "Nowhere"}})[0], 401)
        status, _, body = issue(scope={"domain": {}})
        self.assertEqual((status, body["error"]["message"]),
                         (400, "Invalid input for field scope/domain: id or name must be present."))
        status, _, body = issue(scope={"project": {"name": "admin", "domain": {"name": "Default"}}})
        self.assertEqual((status, body["token"]["project"]["name"]), (201, "admin"))
        status, _, body = issue(scope={"domain": {"id": "default"}, "system": {"all": True}})
        self.assertEqual(status, 400)
        self.assertEqual(issue(scope={"system": {"all": "yes"}})[0], 400)


class ImpliedRoles(unittest.TestCase):
    def test_tokens_carry_the_roles_their_roles_imply(self):
        self.assertEqual({r["name"] for r in whoami(stack.token)["roles"]}, {"admin", "member", "reader"})
        self.assertEqual([r["name"] for r in whoami(member_token)["roles"]], ["member", "reader"])
        listed = stack.cli("implied", "role", "list")
        pairs = {(r["Prior Role Name"], r["Implied Role Name"]) for r in listed}
        self.assertTrue({("admin", "member"), ("member", "reader")} <= pairs, listed)

    def test_effective_assignments_with_names(self):
        rows = stack.cli("role", "assignment", "list", "--names", "--effective", "--user", "ks-member-user")
        self.assertEqual(sorted((a["Role"], a["Project"]) for a in rows),
                         [("member", "ks-member@Default"), ("reader", "ks-member@Default")])
        _, _, body = stack.get_json(f"/identity/v3/role_assignments?effective&user.id={member_id}")
        implied = [a for a in body["role_assignments"] if a["role"]["id"] == role_id("reader")]
        base = f"http://127.0.0.1:{stack.port}/identity/v3"
        self.assertEqual(implied[0]["links"], {
            "assignment": f"{base}/projects/{member_project}/users/{member_id}/roles/{role_id('member')}",
            "prior_role": f"{base}/prior_role/{role_id('reader')}/implies/{role_id('member')}"})
        # Without ?effective, the direct ones; ?effective=0 is not effective either (Keystone's reading).
        for query in ("", "&effective=0"):
            _, _, body = stack.get_json(f"/identity/v3/role_assignments?user.id={member_id}{query}")
            self.assertEqual([a["role"]["id"] for a in body["role_assignments"]], [role_id("member")])
        _, _, body = stack.get_json(f"/identity/v3/role_assignments?effective&role.id={role_id('reader')}"
                                    f"&scope.project.id={member_project}")
        self.assertIn(member_id, [a["user"]["id"] for a in body["role_assignments"]])
        self.assertEqual({a["role"]["id"] for a in body["role_assignments"]}, {role_id("reader")})
        status, _, _ = stack.get_json(f"/identity/v3/role_assignments?scope.system=all&scope.project.id=x")
        self.assertEqual(status, 400)

    def test_rules_made_read_and_removed(self):
        auditor = stack.get_json("/identity/v3/roles", method="POST", body={"role": {"name": "ks-auditor"}})[2]
        auditor = auditor["role"]["id"]
        reader = role_id("reader")
        path = f"/identity/v3/roles/{reader}/implies/{auditor}"
        base = f"http://127.0.0.1:{stack.port}/identity/v3"
        status, _, body = stack.get_json(path, method="PUT")
        self.assertEqual(status, 201, body)
        self.assertEqual(body, {"role_inference": {
            "prior_role": {"id": reader, "name": "reader", "links": {"self": f"{base}/roles/{reader}"}},
            "implies": {"id": auditor, "name": "ks-auditor", "links": {"self": f"{base}/roles/{auditor}"}}},
            "links": {"self": f"{base}/roles/{reader}/implies/{auditor}"}})
        self.assertEqual(stack.get_json(path, method="PUT")[0], 409)
        self.assertEqual(stack.get_json(path)[2], body)
        self.assertEqual(stack.request("HEAD", path)[0], 204)
        _, _, listed = stack.get_json(f"/identity/v3/roles/{reader}/implies")
        self.assertEqual([r["name"] for r in listed["role_inference"]["implies"]], ["ks-auditor"])
        _, _, rules = stack.get_json("/identity/v3/role_inferences")
        self.assertEqual(set(rules), {"role_inferences"})
        self.assertIn({"prior_role": body["role_inference"]["prior_role"],
                       "implies": [body["role_inference"]["implies"]]}, rules["role_inferences"])
        # At once in the tokens already issued (their roles are worked out at validation), through the chain.
        self.assertIn("ks-auditor", [r["name"] for r in whoami(member_token)["roles"]])
        self.assertIn("ks-auditor", [r["name"] for r in whoami(stack.token)["roles"]])

        # A member neither reads nor changes the rules.
        for method in ("GET", "HEAD", "PUT", "DELETE"):
            self.assertEqual(stack.request(method, path, headers={"X-Auth-Token": member_token}, auth=False)[0],
                             403, method)
        for p in (f"/identity/v3/roles/{reader}/implies", "/identity/v3/role_inferences"):
            self.assertEqual(as_member(p)[0], 403, p)
        # Keystone's prohibited_implied_role: nothing implies admin.
        status, _, body = stack.get_json(f"/identity/v3/roles/{auditor}/implies/{role_id('admin')}", method="PUT")
        self.assertEqual((status, body["error"]["message"]), (403, f"{role_id('admin')} cannot be an implied roles."))
        self.assertEqual(stack.get_json(f"/identity/v3/roles/{reader}/implies/nope", method="PUT")[0], 404)

        stack.cli("implied", "role", "delete", "reader", "--implied-role", "ks-auditor", parse=False)
        status, _, body = stack.get_json(path)
        self.assertEqual((status, body["error"]["message"]), (404, f"{reader} does not imply {auditor}."))
        self.assertEqual(stack.request("DELETE", path)[0], 404)
        self.assertNotIn("ks-auditor", [r["name"] for r in whoami(member_token)["roles"]])
        created = stack.cli("implied", "role", "create", "ks-auditor", "--implied-role", "reader")
        self.assertEqual(created, {"prior_role": auditor, "implies": reader})
        # Deleting a role deletes its rules.
        self.assertEqual(stack.request("DELETE", f"/identity/v3/roles/{auditor}")[0], 204)
        _, _, rules = stack.get_json("/identity/v3/role_inferences")
        self.assertNotIn(auditor, str(rules))

    def test_an_application_credential_may_hold_an_implied_role(self):
        status, _, body = as_member(f"/identity/v3/users/{member_id}/application_credentials", method="POST",
                                    body={"application_credential": {"name": "ks-reader-only",
                                                                     "roles": [{"name": "reader"}]}})
        self.assertEqual(status, 201, body)
        self.assertEqual([r["name"] for r in body["application_credential"]["roles"]], ["reader"])
        status, token, issued = issue(methods={"methods": ["application_credential"], "application_credential": {
            "id": body["application_credential"]["id"], "secret": body["application_credential"]["secret"]}})
        self.assertEqual(status, 201, issued)
        self.assertEqual([r["name"] for r in whoami(token)["roles"]], ["reader"])
        status, _, body = as_member(f"/identity/v3/users/{member_id}/application_credentials", method="POST",
                                    body={"application_credential": {"name": "ks-admin", "roles": [{"name": "admin"}]}})
        self.assertEqual(status, 403)
        status, _, body = as_member(f"/identity/v3/users/{member_id}/application_credentials", method="POST",
                                    body={"application_credential": {"name": "ks-all"}})
        self.assertEqual(sorted(r["name"] for r in body["application_credential"]["roles"]), ["member", "reader"])


class DefaultProject(unittest.TestCase):
    def test_kept_on_create_update_show_and_list_and_scoping_there(self):
        user = stack.cli("user", "create", "--project", "ks-member", "--password", "dp-secret", "ks-default")
        self.assertEqual(user["default_project_id"], member_project)
        self.assertEqual(stack.cli("user", "show", "ks-default")["default_project_id"], member_project)
        _, _, body = stack.get_json("/identity/v3/users?name=ks-default")
        self.assertEqual(body["users"][0]["default_project_id"], member_project)
        # No role there yet: unscoped, as Keystone; with one, a token that names no scope is scoped there.
        status, _, body = issue("ks-default", "dp-secret")
        self.assertEqual(status, 201)
        self.assertNotIn("project", body["token"])
        stack.cli("role", "add", "--project", "ks-member", "--user", "ks-default", "member", parse=False)
        status, token, body = issue("ks-default", "dp-secret")
        self.assertEqual((status, body["token"]["project"]["id"]), (201, member_project))
        self.assertEqual([r["name"] for r in body["token"]["roles"]], ["member", "reader"])
        self.assertEqual(issue("ks-default", "dp-secret", scope={"unscoped": {}})[2]["token"].get("project"), None)
        # A project that does not exist is taken, as Keystone takes it; a malformed id is not.
        uid = user["id"]
        status, _, body = stack.get_json(f"/identity/v3/users/{uid}", method="PATCH",
                                         body={"user": {"default_project_id": "f00"}})
        self.assertEqual((status, body["user"]["default_project_id"]), (200, "f00"))
        status, _, body = stack.get_json(f"/identity/v3/users/{uid}", method="PATCH",
                                         body={"user": {"default_project_id": "no/such"}})
        self.assertEqual(status, 400)
        status, _, body = stack.get_json(f"/identity/v3/users/{uid}", method="PATCH",
                                         body={"user": {"default_project_id": None}})
        self.assertEqual(status, 200)
        self.assertNotIn("default_project_id", body["user"])
        status, _, body = stack.get_json("/identity/v3/users", method="POST", body={"user": {
            "name": "ks-default-2", "password": "x", "default_project_id": "0123abc"}})
        self.assertEqual((status, body["user"]["default_project_id"]), (201, "0123abc"))

    def test_deleting_the_project_unsets_it(self):
        project = stack.cli("project", "create", "ks-doomed")
        user = stack.cli("user", "create", "--project", "ks-doomed", "--password", "x", "ks-doomed-user")
        self.assertEqual(user["default_project_id"], project["id"])
        stack.cli("project", "delete", "ks-doomed", parse=False)
        self.assertNotIn("default_project_id", stack.get_json(f"/identity/v3/users/{user['id']}")[2]["user"])


class Smaller(unittest.TestCase):
    def test_nocatalog_on_issue_and_validate(self):
        status, token, body = issue(scope={"project": {"name": "admin", "domain": {"id": "default"}}},
                                    query="?nocatalog")
        self.assertEqual(status, 201)
        self.assertNotIn("catalog", body["token"])
        self.assertIn("catalog", whoami(token, nocatalog=False))
        self.assertNotIn("catalog", whoami(token))

    def test_an_unscoped_token_has_no_catalog(self):
        # Keystone's render_token: no catalog at all for an unscoped token (Tempest's test_rescope_token asks).
        _, unscoped, body = issue()
        self.assertNotIn("catalog", body["token"])
        self.assertNotIn("catalog", whoami(unscoped, nocatalog=False))
        status, _, body = stack.get_json("/identity/v3/auth/catalog", headers={"X-Auth-Token": unscoped}, auth=False)
        # Keystone's AuthCatalogResource: 403 without a project.
        self.assertEqual((status, body["error"]["message"]),
                         (403, "A project-scoped token is required to produce a service catalog."))

    def test_rescoping_keeps_the_methods_of_the_first_token(self):
        _, unscoped, _ = issue()
        status, token, body = issue(methods={"methods": ["token"], "token": {"id": unscoped}},
                                    scope={"project": {"name": "admin", "domain": {"name": "Default"}}})
        self.assertEqual((status, body["token"]["methods"]), (201, ["password", "token"]))
        status, grandchild, body = issue(methods={"methods": ["token"], "token": {"id": token}},
                                         scope={"domain": {"id": "default"}})
        self.assertEqual((status, body["token"]["methods"]), (201, ["password", "token"]))
        first = whoami(unscoped)["audit_ids"][0]
        self.assertEqual(body["token"]["audit_ids"][1:], [first])     # its own, then its chain's
        self.assertNotEqual(body["token"]["audit_ids"][0], first)
        status, sibling, _ = issue(methods={"methods": ["token"], "token": {"id": unscoped}})

        def valid(t):
            return stack.get_json("/identity/v3/auth/tokens?nocatalog", headers={"X-Subject-Token": t})[0] == 200

        # As Keystone's (Tempest's test_rescope_token): revoking a rescoped token leaves the one it came from;
        # what was rescoped from it goes with it.
        self.assertEqual(stack.request("DELETE", "/identity/v3/auth/tokens", headers={"X-Subject-Token": token})[0],
                         204)
        self.assertEqual([valid(t) for t in (unscoped, sibling, token, grandchild)], [True, True, False, False])
        self.assertEqual(stack.request("DELETE", "/identity/v3/auth/tokens",
                                       headers={"X-Subject-Token": unscoped})[0], 204)
        self.assertEqual([valid(t) for t in (unscoped, sibling)], [False, False])

    def test_names_and_domains_refused_as_keystone_refuses_them(self):
        status, _, body = stack.get_json("/identity/v3/projects", method="POST",
                                         body={"project": {"name": "ks-lost", "domain_id": "no-such-domain"}})
        self.assertEqual((status, body["error"]["message"]), (400, "Could not find domain: no-such-domain."))
        for kind in ("domains", "projects"):
            for name in ("", "x" * 65):
                status, _, body = stack.get_json(f"/identity/v3/{kind}", method="POST", body={kind[:-1]: {"name": name}})
                self.assertEqual(status, 400, (kind, len(name)))
            self.assertEqual(stack.get_json(f"/identity/v3/{kind}", method="POST",
                                            body={kind[:-1]: {"name": "ks-" + "x" * 61}})[0], 201)
        status, _, _ = stack.get_json("/identity/v3/domains/default", method="PATCH", body={"domain": {"name": ""}})
        self.assertEqual(status, 400)


if __name__ == "__main__":
    unittest.main()
