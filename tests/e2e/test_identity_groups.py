# SPDX-License-Identifier: Apache-2.0
"""Keystone's groups, inherited assignments (OS-INHERIT), credentials and EC2 credentials in the local identity:
the openstack client's commands for them, and the API's answers (fields, faults, policy, and the tokens that lose
what a group or an inherited grant gave them)."""
import hashlib
import json
import time
import unittest
import uuid

from stack import Stack

ID = "/identity/v3"


def setUpModule():
    global stack, member_project, member_token, member_env, member_id, other_project, member, reader
    stack = Stack(workers=2).start()
    member_project, member_token, member_env = stack.member("grp-home", user="grp-user", password="grp-secret")
    member_id = whoami(member_token)["user"]["id"]
    other_project = stack.manage("project", "create", "grp-other")
    member = role_id("member")
    reader = role_id("reader")


def tearDownModule():
    stack.stop()


def admin(path, method="GET", body=None, expect=None):
    return stack.admin_json(path, method, body, expect)


def role_id(name):
    return stack.get_json(f"{ID}/roles?name={name}")[2]["roles"][0]["id"]


def validate(token):
    return stack.get_json(f"{ID}/auth/tokens?nocatalog", headers={"X-Subject-Token": token})


def whoami(token):
    status, _, body = validate(token)
    assert status == 200, body
    return body["token"]


def issue(user, password, project_id=None):
    """(status, token) of a password authentication of `user`, scoped to `project_id` when given."""
    auth = {"identity": {"methods": ["password"], "password": {"user": {
        "name": user, "domain": {"id": "default"}, "password": password}}}}
    if project_id:
        auth["scope"] = {"project": {"id": project_id}}
    status, hdrs, _ = stack.get_json(f"{ID}/auth/tokens", method="POST", body={"auth": auth}, auth=False)
    return status, hdrs.get("x-subject-token")


def renew_member_token():
    """A new token for the member after a revocation: one from the event's second would be revoked too."""
    global member_token
    time.sleep(1.1)
    member_token, _ = stack.password_token("grp-user", "grp-secret", "grp-home")


def as_member(path, method="GET", body=None, token=None):
    return stack.get_json(path, method=method, body=body, headers={"X-Auth-Token": token or member_token},
                          auth=False)


def new_user(name):
    """A user with a password and no role anywhere: (id, password)."""
    user = admin(f"{ID}/users", "POST", {"user": {"name": name, "password": name + "-pw"}}, 201)["user"]
    return user["id"], name + "-pw"


def new_group(name, **fields):
    return admin(f"{ID}/groups", "POST", {"group": {"name": name, **fields}}, 201)["group"]


def role_names(token):
    return {r["name"] for r in whoami(token)["roles"]}


class Client(unittest.TestCase):
    """The openstack client's group, inherited role, credential and EC2 commands."""
    SANITIZED_RUN = False  # the client sends what the raw-API classes send; under the sanitizers it checks Python

    def test_groups_and_their_roles(self):
        project = stack.manage("project", "create", "cli-grp-project")
        user, password = new_user("cli-grp-user")
        group = stack.cli("group", "create", "cli-grp", "--description", "made by the client")
        self.assertEqual((group["name"], group["description"], group["domain_id"]),
                         ("cli-grp", "made by the client", "default"))
        stack.cli("group", "add", "user", "cli-grp", "cli-grp-user", parse=False)
        stack.cli("role", "add", "--group", "cli-grp", "--project", "cli-grp-project", "member", parse=False)
        self.assertIn("cli-grp-user in group cli-grp",
                      stack.cli("group", "contains", "user", "cli-grp", "cli-grp-user", parse=False))
        rows = stack.cli("role", "assignment", "list", "--effective", "--names", "--user", "cli-grp-user")
        self.assertEqual({(r["Role"], r["User"], r["Project"]) for r in rows},
                         {("member", "cli-grp-user@Default", "cli-grp-project@Default"),
                          ("reader", "cli-grp-user@Default", "cli-grp-project@Default")})
        rows = stack.cli("role", "assignment", "list", "--names", "--group", "cli-grp")
        self.assertEqual([(r["Role"], r["Group"], r["Project"]) for r in rows],
                         [("member", "cli-grp@Default", "cli-grp-project@Default")])
        self.assertEqual([g["Name"] for g in stack.cli("group", "list", "--user", "cli-grp-user")], ["cli-grp"])
        # The user's own client, scoped to the project only the group gives them.
        env = stack.env(OS_USERNAME="cli-grp-user", OS_PASSWORD=password, OS_PROJECT_NAME="cli-grp-project")
        token = stack.cli("token", "issue", env=env)
        self.assertEqual(token["project_id"], project)
        self.assertEqual(role_names(token["id"]), {"member", "reader"})

    def test_inherited_role(self):
        user, password = new_user("cli-inherit-user")
        stack.cli("role", "add", "--user", "cli-inherit-user", "--domain", "default", "--inherited", "member",
                  parse=False)
        rows = stack.cli("role", "assignment", "list", "--user", "cli-inherit-user", "--inherited", "--names")
        self.assertEqual([(r["Role"], r["Domain"], r["Inherited"]) for r in rows], [("member", "Default", True)])
        # Inherited to every project of the domain, one made after the grant too.
        later = stack.manage("project", "create", "cli-inherit-later")
        status, token = issue("cli-inherit-user", password, later)
        self.assertEqual(status, 201)
        self.assertEqual(role_names(token), {"member", "reader"})
        stack.cli("role", "remove", "--user", "cli-inherit-user", "--domain", "default", "--inherited", "member",
                  parse=False)
        self.assertEqual(validate(token)[0], 404)

    def test_credentials_and_ec2_credentials(self):
        # By id: the client looks a name up in the list of users, which is the admin's.
        cred = stack.cli("credential", "create", "--type", "totp", member_id, "a-seed", env=member_env)
        self.assertEqual((cred["type"], cred["blob"], cred["user_id"]), ("totp", "a-seed", member_id))
        listed = stack.cli("credential", "list", "--type", "totp", env=member_env)
        self.assertEqual([c["ID"] for c in listed], [cred["id"]])
        ec2 = stack.cli("ec2", "credentials", "create", env=member_env)
        self.assertEqual((ec2["project_id"], ec2["user_id"]), (member_project, member_id))
        self.assertEqual([c["Access"] for c in stack.cli("ec2", "credentials", "list", env=member_env)],
                         [ec2["access"]])
        shown = stack.cli("ec2", "credentials", "show", ec2["access"], env=member_env)
        self.assertEqual(shown["secret"], ec2["secret"])
        stack.cli("ec2", "credentials", "delete", ec2["access"], parse=False, env=member_env)
        self.assertEqual(stack.cli("ec2", "credentials", "list", env=member_env), [])
        stack.cli("credential", "delete", cred["id"], parse=False, env=member_env)


class Groups(unittest.TestCase):
    def test_crud_and_its_faults(self):
        status, _, body = stack.get_json(f"{ID}/groups", method="POST",
                                         body={"group": {"name": "crud-grp", "description": "d"}})
        self.assertEqual(status, 201)
        group = body["group"]
        self.assertEqual(set(group), {"id", "name", "domain_id", "description", "links"})
        self.assertEqual(group["links"]["self"], f"http://127.0.0.1:{stack.port}{ID}/groups/{group['id']}")
        self.assertEqual(stack.get_json(f"{ID}/groups", method="POST", body={"group": {"name": "crud-grp"}})[0], 409)
        for bad in ({"group": {}}, {"group": {"name": ""}}, {"group": {"name": 7}}, {"name": "x"},
                    {"group": {"name": "x", "domain_id": "no-such-domain"}}):
            status, _, body = stack.get_json(f"{ID}/groups", method="POST", body=bad)
            self.assertEqual((status, body["error"]["code"]), (400, 400), bad)
        other = admin(f"{ID}/domains", "POST", {"domain": {"name": "grp-domain"}}, 201)["domain"]["id"]
        same_name = new_group("crud-grp", domain_id=other)
        names = admin(f"{ID}/groups?name=crud-grp")["groups"]
        self.assertEqual({g["id"] for g in names}, {group["id"], same_name["id"]})
        self.assertEqual([g["id"] for g in admin(f"{ID}/groups?name=crud-grp&domain_id={other}")["groups"]],
                         [same_name["id"]])
        updated = admin(f"{ID}/groups/{group['id']}", "PATCH", {"group": {"description": "new"}}, 200)["group"]
        self.assertEqual((updated["name"], updated["description"]), ("crud-grp", "new"))
        self.assertEqual(stack.get_json(f"{ID}/groups/{group['id']}", method="PATCH",
                                        body={"group": {"domain_id": other}})[0], 400)
        self.assertEqual(stack.get_json(f"{ID}/groups/{same_name['id']}", method="PATCH",
                                        body={"group": {"domain_id": "default"}})[0], 400)
        # Keystone's default policy: groups are the admin's.
        self.assertEqual(as_member(f"{ID}/groups")[0], 403)
        self.assertEqual(as_member(f"{ID}/groups", "POST", {"group": {"name": "member-grp"}})[0], 403)
        self.assertEqual(as_member(f"{ID}/groups/{group['id']}")[0], 403)
        self.assertEqual(stack.get_json(f"{ID}/groups", auth=False)[0], 401)
        admin(f"{ID}/groups/{group['id']}", "DELETE", expect=204)
        self.assertEqual(stack.get_json(f"{ID}/groups/{group['id']}")[0], 404)
        self.assertEqual(stack.get_json(f"{ID}/groups/{group['id']}", method="DELETE")[0], 404)

    def test_membership(self):
        group = new_group("member-grp")
        path = f"{ID}/groups/{group['id']}/users/{member_id}"
        self.assertEqual(stack.request("HEAD", path)[0], 404)
        self.assertEqual(stack.request("PUT", path)[0], 204)
        self.assertEqual(stack.request("PUT", path)[0], 204)
        self.assertEqual(stack.request("HEAD", path)[0], 204)
        self.assertEqual(stack.request("GET", path)[0], 204)
        self.assertEqual(stack.request("PUT", f"{ID}/groups/{group['id']}/users/no-such-user")[0], 404)
        self.assertEqual(stack.request("PUT", f"{ID}/groups/no-such-group/users/{member_id}")[0], 404)
        users = admin(f"{ID}/groups/{group['id']}/users")["users"]
        self.assertEqual([u["name"] for u in users], ["grp-user"])
        # A member lists their own groups, not another's, and changes no membership.
        status, _, body = as_member(f"{ID}/users/{member_id}/groups")
        self.assertEqual(status, 200)
        self.assertEqual([(g["name"], g["membership_expires_at"]) for g in body["groups"]], [("member-grp", None)])
        admin_id = whoami(stack.token)["user"]["id"]
        self.assertEqual(as_member(f"{ID}/users/{admin_id}/groups")[0], 403)
        self.assertEqual(as_member(f"{ID}/groups/{group['id']}/users")[0], 403)
        self.assertEqual(as_member(path, "DELETE")[0], 403)
        self.assertEqual(as_member(f"{ID}/groups/{group['id']}/users/{admin_id}", "PUT")[0], 403)
        self.assertEqual(stack.request("DELETE", path)[0], 204)
        self.assertEqual(stack.request("DELETE", path)[0], 404)
        self.assertEqual(admin(f"{ID}/groups/{group['id']}/users")["users"], [])
        # As Keystone: leaving a group revokes the user's tokens, whatever the group gave.
        self.assertEqual(validate(member_token)[0], 404)
        renew_member_token()


class GroupRoles(unittest.TestCase):
    def setUp(self):
        tag = uuid.uuid4().hex[:8]
        self.user, self.password = new_user("gr-" + tag)
        self.name = "gr-" + tag
        self.project = stack.manage("project", "create", "gr-project-" + tag)
        self.group = new_group("gr-group-" + tag)
        admin(f"{ID}/groups/{self.group['id']}/users/{self.user}", "PUT", expect=204)
        admin(f"{ID}/projects/{self.project}/groups/{self.group['id']}/roles/{member}", "PUT", expect=204)

    def token(self):
        status, token = issue(self.name, self.password, self.project)
        self.assertEqual(status, 201)
        return token

    def test_grant_check_list_and_assignments(self):
        grant = f"{ID}/projects/{self.project}/groups/{self.group['id']}/roles/{member}"
        self.assertEqual(stack.request("HEAD", grant)[0], 204)
        self.assertEqual(stack.request("HEAD", f"{ID}/projects/{self.project}/groups/{self.group['id']}/roles/"
                                               f"{reader}")[0], 404)
        roles = admin(f"{ID}/projects/{self.project}/groups/{self.group['id']}/roles")["roles"]
        self.assertEqual([r["name"] for r in roles], ["member"])
        # The user's own grants there are none: the group's are the group's.
        self.assertEqual(admin(f"{ID}/projects/{self.project}/users/{self.user}/roles")["roles"], [])
        self.assertEqual(stack.request("HEAD", f"{ID}/projects/{self.project}/users/{self.user}/roles/{member}")[0],
                         404)
        self.assertEqual(stack.request("PUT", f"{ID}/projects/{self.project}/groups/no-such/roles/{member}")[0], 404)
        self.assertEqual(stack.request("PUT", f"{ID}/projects/no-such/groups/{self.group['id']}/roles/{member}")[0],
                         404)
        self.assertEqual(as_member(grant, "PUT")[0], 403)
        self.assertEqual(as_member(grant, "DELETE")[0], 403)
        base = f"http://127.0.0.1:{stack.port}{ID}/"
        direct = admin(f"{ID}/role_assignments?group.id={self.group['id']}")["role_assignments"]
        self.assertEqual(direct, [{"role": {"id": member}, "group": {"id": self.group["id"]},
                                   "scope": {"project": {"id": self.project}},
                                   "links": {"assignment": base + grant[len(ID) + 1:]}}])
        effective = admin(f"{ID}/role_assignments?effective&user.id={self.user}")["role_assignments"]
        self.assertIn({"role": {"id": member}, "user": {"id": self.user}, "scope": {"project": {"id": self.project}},
                       "links": {"assignment": base + grant[len(ID) + 1:],
                                 "membership": f"{base}groups/{self.group['id']}/users/{self.user}"}}, effective)
        self.assertEqual({a["role"]["id"] for a in effective}, {member, reader})
        for query in ("effective&group.id=" + self.group["id"], f"user.id={self.user}&group.id={self.group['id']}"):
            self.assertEqual(stack.get_json(f"{ID}/role_assignments?{query}")[0], 400, query)

    def test_token_carries_the_groups_roles_and_loses_them_when_the_user_leaves(self):
        token = self.token()
        self.assertEqual(role_names(token), {"member", "reader"})
        self.assertEqual(stack.get_json(f"{ID}/auth/projects", headers={"X-Auth-Token": token},
                                        auth=False)[2]["projects"][0]["id"], self.project)
        admin(f"{ID}/groups/{self.group['id']}/users/{self.user}", "DELETE", expect=204)
        self.assertEqual(validate(token)[0], 404)
        self.assertEqual(stack.get_json("/compute/v2.1/flavors", headers={"X-Auth-Token": token},
                                        auth=False)[0], 401)
        self.assertEqual(issue(self.name, self.password, self.project)[0], 401)

    def test_revoking_the_groups_grant_takes_the_role(self):
        token = self.token()
        admin(f"{ID}/projects/{self.project}/groups/{self.group['id']}/roles/{member}", "DELETE", expect=204)
        self.assertEqual(validate(token)[0], 404)
        self.assertEqual(issue(self.name, self.password, self.project)[0], 401)
        self.assertEqual(stack.request("DELETE", f"{ID}/projects/{self.project}/groups/{self.group['id']}/roles/"
                                                 f"{member}")[0], 404)

    def test_deleting_the_group_takes_its_roles(self):
        token = self.token()
        admin(f"{ID}/groups/{self.group['id']}", "DELETE", expect=204)
        self.assertEqual(validate(token)[0], 404)
        self.assertEqual(issue(self.name, self.password, self.project)[0], 401)

    def test_a_domain_grant_gives_a_domain_token(self):
        admin(f"{ID}/domains/default/groups/{self.group['id']}/roles/{reader}", "PUT", expect=204)
        self.assertEqual(stack.request("HEAD", f"{ID}/domains/default/groups/{self.group['id']}/roles/{reader}")[0],
                         204)
        auth = {"identity": {"methods": ["password"], "password": {"user": {
            "id": self.user, "password": self.password}}}, "scope": {"domain": {"id": "default"}}}
        status, _, body = stack.get_json(f"{ID}/auth/tokens", method="POST", body={"auth": auth}, auth=False)
        self.assertEqual(status, 201, body)
        self.assertEqual({r["name"] for r in body["token"]["roles"]}, {"reader"})


class Inherited(unittest.TestCase):
    def test_domain_grants_reach_every_project_of_the_domain(self):
        user, password = new_user("inh-user")
        group = new_group("inh-group")
        admin(f"{ID}/groups/{group['id']}/users/{user}", "PUT", expect=204)
        domain = admin(f"{ID}/domains", "POST", {"domain": {"name": "inh-domain"}}, 201)["domain"]["id"]
        inside = admin(f"{ID}/projects", "POST", {"project": {"name": "inh-in", "domain_id": domain}}, 201)
        inside = inside["project"]["id"]
        grant = f"{ID}/OS-INHERIT/domains/{domain}/groups/{group['id']}/roles/{member}/inherited_to_projects"
        self.assertEqual(stack.request("HEAD", grant)[0], 404)
        self.assertEqual(stack.request("PUT", grant)[0], 204)
        self.assertEqual(stack.request("HEAD", grant)[0], 204)
        self.assertEqual(stack.request("GET", grant)[0], 204)
        listed = admin(f"{ID}/OS-INHERIT/domains/{domain}/groups/{group['id']}/roles/inherited_to_projects")
        self.assertEqual([r["name"] for r in listed["roles"]], ["member"])
        # Not a grant on the domain itself.
        self.assertEqual(admin(f"{ID}/domains/{domain}/groups/{group['id']}/roles")["roles"], [])
        base = f"http://127.0.0.1:{stack.port}{ID}/"
        direct = admin(f"{ID}/role_assignments?scope.domain.id={domain}")["role_assignments"]
        self.assertEqual(direct, [{"role": {"id": member}, "group": {"id": group["id"]},
                                   "scope": {"domain": {"id": domain}, "OS-INHERIT:inherited_to": "projects"},
                                   "links": {"assignment": base + grant[len(ID) + 1:]}}])
        effective = admin(f"{ID}/role_assignments?effective&user.id={user}&role.id={member}")["role_assignments"]
        self.assertEqual(effective, [{"role": {"id": member}, "user": {"id": user},
                                      "scope": {"project": {"id": inside}, "OS-INHERIT:inherited_to": "projects"},
                                      "links": {"assignment": base + grant[len(ID) + 1:],
                                                "membership": f"{base}groups/{group['id']}/users/{user}"}}])
        self.assertEqual(stack.get_json(f"{ID}/role_assignments?effective&scope.OS-INHERIT:inherited_to=projects"
                                        f"&scope.domain.id={domain}")[0], 400)
        auth = {"identity": {"methods": ["password"], "password": {"user": {"id": user, "password": password}}},
                "scope": {"project": {"id": inside}}}
        status, hdrs, body = stack.get_json(f"{ID}/auth/tokens", method="POST", body={"auth": auth}, auth=False)
        self.assertEqual(status, 201, body)
        self.assertEqual({r["name"] for r in body["token"]["roles"]}, {"member", "reader"})
        token = hdrs["x-subject-token"]
        # Inherited to projects only: no domain scope from it; a project elsewhere has nothing.
        auth["scope"] = {"domain": {"id": domain}}
        self.assertEqual(stack.get_json(f"{ID}/auth/tokens", method="POST", body={"auth": auth}, auth=False)[0], 401)
        self.assertEqual(issue("inh-user", password, other_project)[0], 401)
        self.assertEqual(as_member(grant, "DELETE")[0], 403)
        self.assertEqual(stack.request("DELETE", grant)[0], 204)
        self.assertEqual(validate(token)[0], 404)

    def test_a_projects_inherited_grant_is_not_held_on_the_project(self):
        user, password = new_user("inh-project-user")
        grant = f"{ID}/OS-INHERIT/projects/{other_project}/users/{user}/roles/{member}/inherited_to_projects"
        self.assertEqual(stack.request("PUT", grant)[0], 204)
        self.assertEqual(stack.request("HEAD", grant)[0], 204)
        rows = admin(f"{ID}/role_assignments?user.id={user}")["role_assignments"]
        self.assertEqual([a["scope"] for a in rows],
                         [{"project": {"id": other_project}, "OS-INHERIT:inherited_to": "projects"}])
        self.assertEqual(issue("inh-project-user", password, other_project)[0], 401)
        self.assertEqual(stack.request("DELETE", grant)[0], 204)
        self.assertEqual(stack.request("DELETE", grant)[0], 404)


class Credentials(unittest.TestCase):
    def test_ec2_blob_is_found_by_the_sha256_of_its_access_key(self):
        access = uuid.uuid4().hex
        blob = json.dumps({"access": access, "secret": "s3cr3t"})
        status, _, body = as_member(f"{ID}/credentials", "POST", {"credential": {
            "user_id": member_id, "project_id": member_project, "type": "ec2", "blob": blob}})
        self.assertEqual(status, 201, body)
        cred = body["credential"]
        self.assertEqual(cred["id"], hashlib.sha256(access.encode()).hexdigest())
        self.assertEqual(set(cred), {"id", "user_id", "project_id", "type", "blob", "links"})
        self.assertEqual((cred["blob"], cred["type"], cred["project_id"]), (blob, "ec2", member_project))
        status, _, body = as_member(f"{ID}/users/{member_id}/credentials/OS-EC2/{access}")
        self.assertEqual((status, body["credential"]["secret"], body["credential"]["tenant_id"]),
                         (200, "s3cr3t", member_project))
        self.assertEqual(as_member(f"{ID}/credentials", "POST", {"credential": {
            "user_id": member_id, "project_id": member_project, "type": "ec2", "blob": blob}})[0], 409)
        for bad in ({"user_id": member_id, "type": "ec2", "blob": blob},
                    {"user_id": member_id, "project_id": member_project, "type": "ec2", "blob": "not json"},
                    {"user_id": member_id, "project_id": member_project, "type": "ec2", "blob": "{}"},
                    {"user_id": member_id, "type": "totp"}, {"type": "totp", "blob": "x"}):
            status, _, body = as_member(f"{ID}/credentials", "POST", {"credential": bad})
            self.assertEqual((status, body["error"]["code"]), (400, 400), bad)
        # An EC2 access key is only found among ec2 credentials.
        other = admin(f"{ID}/credentials", "POST", {"credential": {"user_id": member_id, "type": "totp",
                                                                   "blob": "seed"}}, 201)["credential"]
        self.assertEqual(len(other["id"]), 32)
        status, _, _ = as_member(f"{ID}/credentials/{cred['id']}", "PATCH",
                                 {"credential": {"blob": json.dumps({"access": access, "secret": "new"})}})
        self.assertEqual(status, 200)
        self.assertEqual(as_member(f"{ID}/credentials/{cred['id']}", "PATCH",
                                   {"credential": {"type": "totp"}})[0], 400)
        self.assertEqual([c["id"] for c in as_member(f"{ID}/credentials?type=ec2")[2]["credentials"]], [cred["id"]])
        self.assertEqual(as_member(f"{ID}/credentials/{cred['id']}", "DELETE")[0], 204)
        # Gone: who is not the admin may not learn whether it was there.
        self.assertEqual(as_member(f"{ID}/credentials/{cred['id']}")[0], 403)
        self.assertEqual(stack.get_json(f"{ID}/credentials/{cred['id']}")[0], 404)
        admin(f"{ID}/credentials/{other['id']}", "DELETE", expect=204)

    def test_a_member_sees_and_makes_only_their_own(self):
        admin_id = whoami(stack.token)["user"]["id"]
        mine = as_member(f"{ID}/credentials", "POST", {"credential": {
            "user_id": member_id, "type": "cert", "blob": "mine"}})[2]["credential"]
        theirs = admin(f"{ID}/credentials", "POST", {"credential": {
            "user_id": admin_id, "type": "cert", "blob": "the admin's"}}, 201)["credential"]
        self.assertEqual(as_member(f"{ID}/credentials", "POST", {"credential": {
            "user_id": admin_id, "type": "cert", "blob": "for the admin"}})[0], 403)
        ids = [c["id"] for c in as_member(f"{ID}/credentials")[2]["credentials"]]
        self.assertIn(mine["id"], ids)
        self.assertNotIn(theirs["id"], ids)
        self.assertEqual([c["id"] for c in admin(f"{ID}/credentials?user_id={admin_id}&type=cert")["credentials"]],
                         [theirs["id"]])
        for method, body in (("GET", None), ("PATCH", {"credential": {"blob": "b"}}), ("DELETE", None)):
            self.assertEqual(as_member(f"{ID}/credentials/{theirs['id']}", method, body)[0], 403, method)
        self.assertEqual(admin(f"{ID}/credentials/{theirs['id']}")["credential"]["blob"], "the admin's")
        self.assertEqual(as_member(f"{ID}/users/{admin_id}/credentials/OS-EC2", "POST",
                                   {"tenant_id": member_project})[0], 403)
        self.assertEqual(as_member(f"{ID}/users/{admin_id}/credentials/OS-EC2")[0], 403)
        self.assertEqual(stack.get_json(f"{ID}/credentials", auth=False)[0], 401)
        for c in (mine, theirs):
            admin(f"{ID}/credentials/{c['id']}", "DELETE", expect=204)

    def test_ec2_credentials_as_keystone_shows_them(self):
        path = f"{ID}/users/{member_id}/credentials/OS-EC2"
        status, _, body = as_member(path, "POST", {"tenant_id": member_project})
        self.assertEqual(status, 201, body)
        ec2 = body["credential"]
        self.assertEqual(set(ec2), {"user_id", "tenant_id", "access", "secret", "trust_id", "links"})
        self.assertEqual((ec2["user_id"], ec2["tenant_id"], ec2["trust_id"]), (member_id, member_project, None))
        self.assertEqual(ec2["links"]["self"], f"http://127.0.0.1:{stack.port}{path}/{ec2['access']}")
        self.assertEqual(as_member(path, "POST", {"tenant_id": "no-such-project"})[0], 404)
        stored = as_member(f"{ID}/credentials/{hashlib.sha256(ec2['access'].encode()).hexdigest()}")[2]
        self.assertEqual(json.loads(stored["credential"]["blob"])["secret"], ec2["secret"])
        self.assertEqual(as_member(path)[2]["credentials"], [ec2])
        totp = as_member(f"{ID}/credentials", "POST", {"credential": {
            "user_id": member_id, "type": "totp", "blob": "x"}})[2]["credential"]
        # Keystone's answer for a key that is a credential but not an EC2 one.
        self.assertEqual(as_member(f"{path}/{totp['blob']}")[0], 404)
        self.assertEqual(as_member(f"{path}/{ec2['access']}", "DELETE")[0], 204)
        self.assertEqual(as_member(f"{path}/{ec2['access']}")[0], 404)
        self.assertEqual(as_member(path)[2]["credentials"], [])
        as_member(f"{ID}/credentials/{totp['id']}", "DELETE")


if __name__ == "__main__":
    unittest.main()
