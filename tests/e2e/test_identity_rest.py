# SPDX-License-Identifier: Apache-2.0
"""The rest of Keystone in the local identity: domain-specific roles, the extra attributes Keystone keeps on users
and credentials, the v2.0 admin endpoint (every tenant, to an admin), belongsTo, OS-KSCRUD, v2.0's extensions,
OAuth1 consumers (the secret shown once) and domain configurations; the openstack client's commands where it has
them, the faults and Keystone's policy (a member gets 403)."""
import unittest

from stack import Stack

ID = "/identity/v3"
V2 = "/identity/v2.0"
ADMIN_V2 = "/identity/admin/v2.0"


def setUpModule():
    global stack, member_project, member_token, member_env
    stack = Stack(workers=2).start()
    member_project, member_token, member_env = stack.member("rest-home", user="rest-user", password="rest-secret")


def tearDownModule():
    stack.stop()


def admin(path, method="GET", body=None, expect=None):
    return stack.admin_json(path, method, body, expect)


def as_member(path, method="GET", body=None):
    return stack.token_json(member_token, path, method, body)


def v2_token(user, password, tenant=None):
    creds = {"passwordCredentials": {"username": user, "password": password}}
    if tenant:
        creds["tenantName"] = tenant
    return stack.get_json(f"{V2}/tokens", method="POST", auth=False, body={"auth": creds})


class DomainRoles(unittest.TestCase):
    def test_a_domains_role_is_listed_with_its_domain_and_given_only_there(self):
        domain = admin(f"{ID}/domains", "POST", {"domain": {"name": "rest-dom"}}, 201)["domain"]
        other = admin(f"{ID}/domains", "POST", {"domain": {"name": "rest-dom2"}}, 201)["domain"]
        for d in (domain, other):
            self.addCleanup(admin, f"{ID}/domains/{d['id']}", "DELETE")
            self.addCleanup(admin, f"{ID}/domains/{d['id']}", "PATCH", {"domain": {"enabled": False}})
        role = stack.cli("role", "create", "--domain", domain["id"], "rest-domain-role")
        self.assertEqual(role["domain_id"], domain["id"])
        listed = [r["Name"] for r in stack.cli("role", "list", "--domain", domain["id"])]
        self.assertEqual(listed, ["rest-domain-role"])
        # As Keystone: the list without a domain is the global roles'.
        self.assertNotIn("rest-domain-role", [r["name"] for r in admin(f"{ID}/roles", expect=200)["roles"]])
        self.assertIn("member", [r["name"] for r in admin(f"{ID}/roles", expect=200)["roles"]])
        self.assertEqual(admin(f"{ID}/roles?domain_id={other['id']}", expect=200)["roles"], [])
        # An unknown domain is 400; the domain does not change.
        status, _, fault = stack.get_json(f"{ID}/roles", method="POST",
                                          body={"role": {"name": "rest-x", "domain_id": "nowhere"}})
        self.assertEqual((status, fault["error"]["code"]), (400, 400))
        status, _, _ = stack.get_json(f"{ID}/roles/{role['id']}", method="PATCH",
                                      body={"role": {"domain_id": other["id"]}})
        self.assertEqual(status, 400)

        # A user of the domain holds it on a project there: it implies member, and only member is in the token.
        member = [r for r in admin(f"{ID}/roles")["roles"] if r["name"] == "member"][0]
        admin(f"{ID}/roles/{role['id']}/implies/{member['id']}", "PUT", expect=201)
        # A global role implies no domain's role (403), as Keystone.
        status, _, fault = stack.get_json(f"{ID}/roles/{member['id']}/implies/{role['id']}", method="PUT")
        self.assertEqual(status, 403, fault)
        project = admin(f"{ID}/projects", "POST", {"project": {"name": "rest-dp", "domain_id": domain["id"]}},
                        201)["project"]
        user = admin(f"{ID}/users", "POST", {"user": {"name": "rest-du", "domain_id": domain["id"],
                                                      "password": "rest-du-secret"}}, 201)["user"]
        admin(f"{ID}/projects/{project['id']}/users/{user['id']}/roles/{role['id']}", "PUT", expect=204)
        # Not outside its domain.
        status, _, _ = stack.get_json(f"{ID}/projects/{member_project}/users/{user['id']}/roles/{role['id']}",
                                      method="PUT")
        self.assertEqual(status, 403)
        status, _, body = stack.get_json(f"{ID}/auth/tokens", method="POST", auth=False, body={"auth": {
            "identity": {"methods": ["password"], "password": {"user": {"id": user["id"],
                                                                        "password": "rest-du-secret"}}},
            "scope": {"project": {"id": project["id"]}}}})
        self.assertEqual(status, 201, body)
        self.assertEqual(sorted(r["name"] for r in body["token"]["roles"]), ["member", "reader"])
        effective = admin(f"{ID}/role_assignments?effective&user.id={user['id']}", expect=200)["role_assignments"]
        self.assertNotIn(role["id"], [a["role"]["id"] for a in effective])
        self.assertIn(member["id"], [a["role"]["id"] for a in effective])
        # As made, the assignment is there.
        made = admin(f"{ID}/role_assignments?user.id={user['id']}", expect=200)["role_assignments"]
        self.assertEqual([a["role"]["id"] for a in made], [role["id"]])
        stack.cli("role", "delete", "--domain", domain["id"], "rest-domain-role", parse=False)
        self.assertEqual(admin(f"{ID}/roles?domain_id={domain['id']}", expect=200)["roles"], [])

    def test_a_member_may_not_create_one(self):
        status, _, _ = as_member(f"{ID}/roles", "POST", {"role": {"name": "rest-m", "domain_id": "default"}})
        self.assertEqual(status, 403)


class ProjectsActingAsDomains(unittest.TestCase):
    def test_a_project_made_with_is_domain_is_a_domain(self):
        made = admin(f"{ID}/projects", "POST", {"project": {"name": "rest-isdom", "is_domain": True}}, 201)["project"]
        self.assertEqual((made["is_domain"], made["domain_id"], made["parent_id"]), (True, None, None))
        self.assertIn(made["id"], [d["id"] for d in admin(f"{ID}/domains", expect=200)["domains"]])
        self.assertEqual(admin(f"{ID}/domains/{made['id']}", expect=200)["domain"]["name"], "rest-isdom")
        acting = admin(f"{ID}/projects?is_domain=true", expect=200)["projects"]
        self.assertIn(made["id"], [p["id"] for p in acting])
        self.assertNotIn(made["id"], [p["id"] for p in admin(f"{ID}/projects", expect=200)["projects"]])
        self.assertTrue(admin(f"{ID}/projects/{made['id']}", expect=200)["project"]["is_domain"])
        # Projects go in it like in any domain.
        inner = admin(f"{ID}/projects", "POST", {"project": {"name": "rest-in", "domain_id": made["id"]}},
                      201)["project"]
        self.assertEqual(inner["parent_id"], made["id"])
        # Changed and deleted through the project API as through the domain's: disabled first.
        self.assertEqual(stack.get_json(f"{ID}/projects/{made['id']}", method="DELETE")[0], 403)
        changed = admin(f"{ID}/projects/{made['id']}", "PATCH", {"project": {"enabled": False}}, 200)["project"]
        self.assertEqual((changed["enabled"], changed["is_domain"]), (False, True))
        self.assertFalse(admin(f"{ID}/domains/{made['id']}", expect=200)["domain"]["enabled"])
        admin(f"{ID}/projects/{made['id']}", "DELETE", expect=204)
        self.assertEqual(stack.get_json(f"{ID}/domains/{made['id']}")[0], 404)
        self.assertEqual(stack.get_json(f"{ID}/projects/{inner['id']}")[0], 404)
        self.assertEqual(stack.get_json(f"{ID}/projects/{made['id']}")[0], 404)
        status, _, _ = stack.get_json(f"{ID}/projects", method="POST", body={"project": {
            "name": "rest-isdom2", "is_domain": True, "domain_id": "default"}})
        self.assertEqual(status, 400)


class ExtraAttributes(unittest.TestCase):
    def test_a_users_unknown_keys_are_kept_and_merged_on_update(self):
        user = admin(f"{ID}/users", "POST", {"user": {"name": "rest-extra", "project_id": member_project,
                                                      "color": "blue"}}, 201)["user"]
        self.addCleanup(admin, f"{ID}/users/{user['id']}", "DELETE")
        self.assertEqual((user["project_id"], user["color"]), (member_project, "blue"))
        updated = admin(f"{ID}/users/{user['id']}", "PATCH", {"user": {"color": "red", "size": 3}}, 200)["user"]
        self.assertEqual((updated["project_id"], updated["color"], updated["size"]), (member_project, "red", 3))
        shown = admin(f"{ID}/users/{user['id']}", expect=200)["user"]
        self.assertEqual((shown["color"], shown["size"]), ("red", 3))
        # Keystone's own attributes stay its own: an extra key cannot pass for one.
        self.assertEqual(shown["id"], user["id"])

    def test_a_credentials_project_type_and_extra_change(self):
        _, _, token = v2_token("rest-user", "rest-secret", "rest-home")
        user_id = token["access"]["user"]["id"]
        other = stack.manage("project", "create", "rest-other")
        blob = '{"access": "rest-a", "secret": "rest-s"}'
        cred = admin(f"{ID}/credentials", "POST", {"credential": {
            "user_id": user_id, "project_id": member_project, "type": "ec2", "blob": blob, "note": "kept"}},
            201)["credential"]
        self.addCleanup(admin, f"{ID}/credentials/{cred['id']}", "DELETE")
        self.assertEqual(cred["note"], "kept")
        updated = admin(f"{ID}/credentials/{cred['id']}", "PATCH", {"credential": {
            "project_id": other, "blob": '{"access": "rest-a2", "secret": "rest-s2"}', "type": "ec2"}},
            200)["credential"]
        self.assertEqual((updated["id"], updated["project_id"], updated["note"]), (cred["id"], other, "kept"))
        # An ec2 credential keeps a project; an empty update and an unknown owner are 400.
        for body in ({"project_id": None}, {}, {"user_id": "nobody"}):
            status, _, _ = stack.get_json(f"{ID}/credentials/{cred['id']}", method="PATCH",
                                          body={"credential": body})
            self.assertEqual(status, 400, body)
        self.assertEqual(admin(f"{ID}/credentials/{cred['id']}")["credential"]["project_id"], other)


class V2AdminEndpoint(unittest.TestCase):
    def test_the_catalogs_admin_url_lists_every_tenant_to_an_admin_only(self):
        _, admin_view = stack.password_token("admin", stack.password, "admin")
        urls = {(s["type"], e["interface"]): e["url"] for s in admin_view["catalog"] for e in s["endpoints"]}
        self.assertEqual(urls[("identity", "admin")], f"http://127.0.0.1:{stack.port}/identity/admin")
        self.assertEqual(urls[("identity", "public")], f"http://127.0.0.1:{stack.port}/identity")
        # rest-home is the member's, not the admin's: the public list leaves it out, the admin endpoint's has it.
        public = [t["name"] for t in admin(f"{V2}/tenants", expect=200)["tenants"]]
        self.assertNotIn("rest-home", public)
        every = [t["name"] for t in admin(f"{ADMIN_V2}/tenants", expect=200)["tenants"]]
        self.assertIn("rest-home", every)
        self.assertIn("admin", every)
        status, _, fault = as_member(f"{ADMIN_V2}/tenants")
        self.assertEqual((status, fault["error"]["code"]), (403, 403))
        status, _, mine = as_member(f"{V2}/tenants")
        self.assertEqual((status, [t["name"] for t in mine["tenants"]]), (200, ["rest-home"]))
        # The rest of v2.0 answers there too, with links under the admin URL.
        status, _, users = stack.get_json(f"{ADMIN_V2}/users")
        self.assertEqual(status, 200)
        self.assertIn("rest-user", [u["name"] for u in users["users"]])
        status, _, index = stack.get_json(f"{ADMIN_V2}", auth=False)
        self.assertEqual(status, 200, index)

    def test_belongs_to_another_tenant_is_401(self):
        status, _, issued = v2_token("rest-user", "rest-secret", "rest-home")
        self.assertEqual(status, 200)
        token = issued["access"]["token"]["id"]
        self.assertEqual(stack.get_json(f"{V2}/tokens/{token}?belongsTo={member_project}")[0], 200)
        for method in ("GET", "HEAD"):
            status, _, _ = stack.get_json(f"{V2}/tokens/{token}?belongsTo=rest-home", method=method)
            self.assertEqual(status, 401, method)

    def test_extensions(self):
        status, _, body = as_member(f"{V2}/extensions")
        aliases = [e["alias"] for e in body["extensions"]["values"]]
        self.assertEqual(status, 200)
        self.assertIn("OS-KSCRUD", aliases)
        for e in body["extensions"]["values"]:
            self.assertEqual(set(e), {"name", "namespace", "alias", "updated", "description", "links"})
        self.assertEqual(as_member(f"{V2}/extensions/OS-KSADM")[2]["extension"]["alias"], "OS-KSADM")
        self.assertEqual(as_member(f"{V2}/extensions/OS-NOPE")[0], 404)


class OwnPasswordV2(unittest.TestCase):
    def test_os_kscrud_changes_the_callers_own_password_only(self):
        stack.manage("project", "create", "rest-pw")
        stack.manage("user", "create", "rest-pw-user", "--password", "rest-pw-1", "--project", "rest-pw")
        status, _, issued = v2_token("rest-pw-user", "rest-pw-1", "rest-pw")
        token, user_id = issued["access"]["token"]["id"], issued["access"]["user"]["id"]
        path = f"{V2}/OS-KSCRUD/users/{user_id}"
        headers = {"X-Auth-Token": token}
        wrong = {"user": {"password": "rest-pw-2", "original_password": "not-it"}}
        self.assertEqual(stack.get_json(path, method="PATCH", body=wrong, headers=headers, auth=False)[0], 401)
        # Another user's (the admin's token) is 403.
        self.assertEqual(stack.get_json(path, method="PATCH", body={"user": {
            "password": "rest-pw-2", "original_password": "rest-pw-1"}})[0], 403)
        self.assertEqual(stack.get_json(path, method="PATCH", body={"user": {"original_password": "rest-pw-1"}},
                                        headers=headers, auth=False)[0], 400)
        status, _, body = stack.get_json(path, method="PATCH", headers=headers, auth=False, body={"user": {
            "password": "rest-pw-2", "original_password": "rest-pw-1"}})
        self.assertEqual(status, 200, body)
        self.assertTrue(body["access"]["token"]["id"])
        self.assertEqual(v2_token("rest-pw-user", "rest-pw-1", "rest-pw")[0], 401)
        self.assertEqual(v2_token("rest-pw-user", "rest-pw-2", "rest-pw")[0], 200)
        # The old token ended with the change.
        self.assertEqual(stack.get_json(f"{V2}/tokens/{token}")[0], 404)


class OAuthConsumers(unittest.TestCase):
    def test_consumer_commands_and_the_secret_shown_once(self):
        made = stack.cli("consumer", "create", "--description", "rest consumer")
        self.addCleanup(stack.get_json, f"{ID}/OS-OAUTH1/consumers/{made['id']}", method="DELETE")
        self.assertEqual(made["description"], "rest consumer")
        self.assertGreaterEqual(len(made["secret"]), 32)
        shown = admin(f"{ID}/OS-OAUTH1/consumers/{made['id']}", expect=200)["consumer"]
        self.assertNotIn("secret", shown)
        self.assertEqual(shown["links"]["self"],
                         f"http://127.0.0.1:{stack.port}/identity/v3/OS-OAUTH1/consumers/{made['id']}")
        listed = admin(f"{ID}/OS-OAUTH1/consumers", expect=200)["consumers"]
        self.assertEqual([c["id"] for c in listed if c["id"] == made["id"]], [made["id"]])
        self.assertFalse(any("secret" in c for c in listed))
        stack.cli("consumer", "set", "--description", "changed", made["id"], parse=False)
        self.assertEqual(stack.cli("consumer", "show", made["id"])["description"], "changed")
        # The secret never changes nor is given; a member may do nothing with consumers.
        status, _, _ = stack.get_json(f"{ID}/OS-OAUTH1/consumers/{made['id']}", method="PATCH",
                                      body={"consumer": {"secret": "mine"}})
        self.assertEqual(status, 400)
        self.assertEqual(stack.get_json(f"{ID}/OS-OAUTH1/consumers", method="POST",
                                        body={"consumer": {"secret": "mine"}})[0], 400)
        for method, path in (("GET", ""), ("POST", ""), ("GET", "/" + made["id"]), ("DELETE", "/" + made["id"])):
            status, _, _ = as_member(f"{ID}/OS-OAUTH1/consumers{path}", method,
                                     {"consumer": {}} if method == "POST" else None)
            self.assertEqual(status, 403, (method, path))
        stack.cli("consumer", "delete", made["id"], parse=False)
        self.assertEqual(stack.get_json(f"{ID}/OS-OAUTH1/consumers/{made['id']}")[0], 404)
        self.assertEqual(stack.get_json(f"{ID}/OS-OAUTH1/consumers/{made['id']}", method="DELETE")[0], 404)


class DomainConfig(unittest.TestCase):
    CONFIG = {"identity": {"driver": "ldap"},
              "ldap": {"url": "ldap://rest.example:389/", "user_tree_dn": "ou=Users,dc=rest", "password": "s3"}}

    def test_a_domains_configuration_its_groups_and_options(self):
        domain = admin(f"{ID}/domains", "POST", {"domain": {"name": "rest-conf"}}, 201)["domain"]
        self.addCleanup(admin, f"{ID}/domains/{domain['id']}", "DELETE")
        self.addCleanup(admin, f"{ID}/domains/{domain['id']}", "PATCH", {"domain": {"enabled": False}})
        base = f"{ID}/domains/{domain['id']}/config"
        self.assertEqual(stack.get_json(base)[0], 404)
        created = admin(base, "PUT", {"config": self.CONFIG}, 201)["config"]
        # The sensitive ldap password is kept but never shown.
        shown = {"identity": {"driver": "ldap"},
                 "ldap": {"url": "ldap://rest.example:389/", "user_tree_dn": "ou=Users,dc=rest"}}
        self.assertEqual(created, shown)
        self.assertEqual(admin(base, expect=200)["config"], shown)
        self.assertEqual(admin(f"{base}/ldap", expect=200)["config"], {"ldap": shown["ldap"]})
        self.assertEqual(admin(f"{base}/ldap/url", expect=200)["config"], {"url": "ldap://rest.example:389/"})
        self.assertEqual(stack.get_json(f"{base}/ldap/password")[0], 404)
        updated = admin(f"{base}/identity", "PATCH", {"config": {"identity": {"driver": "sql", "list_limit": 5}}},
                        200)["config"]
        self.assertEqual(updated["identity"], {"driver": "sql", "list_limit": 5})
        self.assertEqual(admin(f"{base}/identity/driver", "PATCH", {"config": {"driver": "x"}},
                               200)["config"]["identity"]["driver"], "x")
        admin(f"{base}/identity/driver", "DELETE", expect=204)
        self.assertEqual(stack.get_json(f"{base}/identity/driver")[0], 404)
        admin(f"{base}/identity", "DELETE", expect=204)
        self.assertEqual(stack.get_json(f"{base}/identity")[0], 404)
        # A group or an option Keystone does not let a domain set is 403; an empty config is 403 too.
        for body in ({"config": {"assignment": {"driver": "sql"}}}, {"config": {"ldap": {"nope": 1}}},
                     {"config": {}}, {"config": {"ldap": {}}}):
            status, _, fault = stack.get_json(base, method="PATCH", body=body)
            self.assertEqual((status, fault["error"]["code"]), (403, 403), body)
        self.assertEqual(stack.get_json(base, method="PUT", body={"nothing": 1})[0], 400)
        # Replacing the whole of it is 200.
        self.assertEqual(admin(base, "PUT", {"config": {"identity": {"driver": "sql"}}}, 200)["config"],
                         {"identity": {"driver": "sql"}})
        for method in ("GET", "PUT", "PATCH", "DELETE"):
            status, _, _ = as_member(base, method, {"config": self.CONFIG} if method in ("PUT", "PATCH") else None)
            self.assertEqual(status, 403, method)
        admin(base, "DELETE", expect=204)
        self.assertEqual(stack.get_json(base)[0], 404)
        self.assertEqual(stack.get_json(base, method="DELETE")[0], 404)
        self.assertEqual(stack.get_json(f"{ID}/domains/nowhere/config", method="PUT",
                                        body={"config": self.CONFIG})[0], 404)

    def test_the_defaults(self):
        config = admin(f"{ID}/domains/config/default", expect=200)["config"]
        self.assertEqual(config["identity"]["driver"], "sql")
        self.assertIn("url", config["ldap"])
        self.assertNotIn("password", config["ldap"])
        self.assertEqual(admin(f"{ID}/domains/config/identity/default", expect=200)["config"],
                         {"identity": config["identity"]})
        self.assertEqual(admin(f"{ID}/domains/config/ldap/url/default", expect=200)["config"],
                         {"url": config["ldap"]["url"]})
        self.assertEqual(stack.get_json(f"{ID}/domains/config/nope/default")[0], 403)
        self.assertEqual(as_member(f"{ID}/domains/config/default")[0], 403)


if __name__ == "__main__":
    unittest.main()
