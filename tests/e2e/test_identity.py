# SPDX-License-Identifier: Apache-2.0
"""Keystone v3 tokens of the local driver, over HTTP and through Debian's openstack CLI."""
import os
import pty
import shutil
import subprocess
import unittest

from stack import TOP_BUILDDIR, Stack


def setUpModule():
    global stack, password
    stack = Stack(workers=2).start()
    with open(os.path.join(stack.state, "admin-password")) as f:
        password = f.read().strip()


def tearDownModule():
    stack.stop()


def auth_body(user="admin", secret=None, project="admin"):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": user, "domain": {"name": "Default"}, "password": secret or password}}}}}
    if project:
        body["auth"]["scope"] = {"project": {"name": project, "domain": {"id": "default"}}}
    return body


def issue(**kw):
    status, hdrs, body = stack.get_json("/identity/v3/auth/tokens", method="POST", body=auth_body(**kw))
    return status, hdrs.get("x-subject-token"), body


def validate(token, subject=None):
    return stack.get_json("/identity/v3/auth/tokens", auth=False,
                          headers={"X-Auth-Token": token, "X-Subject-Token": subject or token})


class Tokens(unittest.TestCase):
    def test_password_token_with_catalog(self):
        status, token, body = issue()
        self.assertEqual(status, 201)
        self.assertTrue(token)
        t = body["token"]
        self.assertEqual(t["methods"], ["password"])
        self.assertEqual(t["user"]["name"], "admin")
        self.assertEqual(t["project"]["name"], "admin")
        self.assertEqual(t["project"]["domain"], {"id": "default", "name": "Default"})
        self.assertIn("admin", [r["name"] for r in t["roles"]])
        self.assertRegex(t["expires_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
        urls = {(s["type"], e["interface"]): e["url"] for s in t["catalog"] for e in s["endpoints"]}
        base = f"http://127.0.0.1:{stack.port}"
        self.assertEqual(urls[("compute", "public")], base + "/compute/v2.1")
        self.assertEqual(urls[("volumev3", "public")], base + "/volume/v3/" + t["project"]["id"])
        self.assertEqual(urls[("identity", "internal")], base + "/identity")
        for s in t["catalog"]:
            for e in s["endpoints"]:
                self.assertEqual(e["region"], e["region_id"])

    def test_validate_check_and_revoke_on_every_worker(self):
        _, token, _ = issue()
        _, other, _ = issue()
        for _ in range(6):    # two workers share the socket: both get their turn
            status, hdrs, body = validate(other, token)
            self.assertEqual(status, 200)
            self.assertEqual(hdrs["x-subject-token"], token)
        status, _, _ = stack.request("HEAD", "/identity/v3/auth/tokens",
                                     headers={"X-Auth-Token": other, "X-Subject-Token": token})
        self.assertEqual(status, 200)
        status, _, _ = stack.request("DELETE", "/identity/v3/auth/tokens",
                                     headers={"X-Auth-Token": other, "X-Subject-Token": token})
        self.assertEqual(status, 204)
        for _ in range(6):
            status, _, body = validate(other, token)
            self.assertEqual(status, 404)
            self.assertEqual(body["error"]["code"], 404)
        self.assertEqual(validate(token)[0], 401)

    def test_an_altered_token_is_refused(self):
        _, token, _ = issue()
        altered = token[:20] + ("A" if token[20] != "A" else "B") + token[21:]
        _, other, _ = issue()
        self.assertEqual(validate(other, altered)[0], 404)
        self.assertEqual(validate(altered, other)[0], 401)

    def test_bad_credentials_do_not_tell_users_apart(self):
        s1, _, b1 = issue(secret="wrong")
        s2, _, b2 = issue(user="nobody")
        self.assertEqual((s1, s2), (401, 401))
        status, hdrs, _ = stack.get_json("/identity/v3/auth/tokens", method="POST", auth=False,
                                         body=auth_body(secret="wrong"))
        self.assertEqual(hdrs["www-authenticate"], f'Keystone uri="http://127.0.0.1:{stack.port}/identity"')
        self.assertEqual(b1["error"]["message"], b2["error"]["message"])
        status, hdrs, body = stack.get_json("/identity/v3/auth/tokens", method="POST",
                                            body=b"{bad", headers={"Content-Type": "application/json"})
        self.assertEqual(status, 400)
        self.assertEqual(body["error"]["title"], "Bad Request")

    def test_unscoped_then_rescoped_with_the_token_method(self):
        status, unscoped, body = issue(project=None)
        self.assertEqual(status, 201)
        self.assertNotIn("project", body["token"])
        status, hdrs, body = stack.get_json("/identity/v3/auth/tokens", method="POST", body={
            "auth": {"identity": {"methods": ["token"], "token": {"id": unscoped}},
                     "scope": {"project": {"name": "admin", "domain": {"name": "Default"}}}}})
        self.assertEqual(status, 201)
        self.assertEqual(body["token"]["project"]["name"], "admin")

    def test_an_explicitly_unscoped_request(self):
        # keystoneauth's unscoped=True (Horizon's login) sends "scope": "unscoped"; older ones {"unscoped": {}}.
        for scope in ("unscoped", {"unscoped": {}}):
            body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
                "name": "admin", "domain": {"name": "Default"}, "password": password}}},
                "scope": scope}}
            status, _, answer = stack.get_json("/identity/v3/auth/tokens", method="POST", auth=False, body=body)
            self.assertEqual(status, 201, answer)
            self.assertNotIn("project", answer["token"])
            self.assertNotIn("domain", answer["token"])
        for scope in ("project", "all", {"unscoped": {}, "project": {"name": "admin", "domain": {"name": "Default"}}}):
            body["auth"]["scope"] = scope
            status, _, answer = stack.get_json("/identity/v3/auth/tokens", method="POST", auth=False, body=body)
            self.assertEqual(status, 400, (scope, answer))

    def test_auth_catalog_and_projects(self):
        _, token, _ = issue()
        status, _, body = stack.get_json("/identity/v3/auth/catalog", headers={"X-Auth-Token": token})
        self.assertEqual(status, 200)
        self.assertTrue({"identity", "compute", "image"} <= {s["type"] for s in body["catalog"]})
        status, _, body = stack.get_json("/identity/v3/auth/projects", headers={"X-Auth-Token": token})
        self.assertEqual([p["name"] for p in body["projects"]], ["admin"])
        status, hdrs, _ = stack.get_json("/identity/v3/auth/catalog", auth=False)
        self.assertEqual(status, 401)
        self.assertEqual(hdrs["www-authenticate"], f'Keystone uri="http://127.0.0.1:{stack.port}/identity"')


class CatalogReads(unittest.TestCase):
    def test_role_assignments_with_names(self):
        status, _, body = stack.get_json("/identity/v3/role_assignments?include_names=true")
        self.assertEqual(status, 200, body)
        admin = [a for a in body["role_assignments"] if a["user"].get("name") == "admin"]
        on_domain = [a for a in admin if "domain" in a["scope"]]
        on_project = [a for a in admin if "project" in a["scope"]]
        self.assertTrue(on_domain and on_project, admin)
        self.assertEqual((on_domain[0]["role"]["name"], on_domain[0]["scope"]["domain"]["name"],
                          on_domain[0]["user"]["domain"]["name"]), ("admin", "Default", "Default"))
        self.assertEqual((on_project[0]["scope"]["project"]["name"], on_project[0]["scope"]["project"]["domain"]),
                         ("admin", {"id": "default", "name": "Default"}))
        # Without it, ids only, as Keystone answers.
        status, _, body = stack.get_json("/identity/v3/role_assignments")
        self.assertTrue(all(set(a["user"]) == {"id"} and set(a["role"]) == {"id"} for a in body["role_assignments"]))

    def test_regions_services_endpoints(self):
        _, _, body = stack.get_json("/identity/v3/regions")
        self.assertEqual([r["id"] for r in body["regions"]], ["RegionOne"])
        _, _, body = stack.get_json("/identity/v3/services?type=compute")
        self.assertEqual([s["name"] for s in body["services"]], ["nova"])
        service_id = body["services"][0]["id"]
        self.assertEqual(stack.get_json(f"/identity/v3/services/{service_id}")[2]["service"]["type"], "compute")
        _, _, body = stack.get_json("/identity/v3/endpoints?interface=public")
        urls = [e["url"] for e in body["endpoints"]]
        self.assertIn(f"http://127.0.0.1:{stack.port}/volume/v3/%(project_id)s", urls)
        self.assertEqual({e["interface"] for e in body["endpoints"]}, {"public"})
        self.assertEqual(stack.get_json("/identity/v3/endpoints/nope")[0], 404)

    def test_auth_domains_and_v2_reads(self):
        _, _, body = stack.get_json("/identity/v3/auth/domains")
        self.assertEqual([d["name"] for d in body["domains"]], ["Default"])
        _, _, body = stack.get_json("/identity/v2.0/users")
        admin = [u for u in body["users"] if u["name"] == "admin"][0]
        _, _, body = stack.get_json(f"/identity/v2.0/users/{admin['id']}/roles")
        self.assertIn("admin", [r["name"] for r in body["roles"]])
        project = issue()[2]["token"]["project"]["id"]
        _, _, body = stack.get_json(f"/identity/v2.0/tenants/{project}")
        self.assertEqual(body["tenant"]["name"], "admin")
        _, _, body = stack.get_json(f"/identity/v2.0/tenants/{project}/users/{admin['id']}/roles")
        self.assertIn("admin", [r["name"] for r in body["roles"]])


class TokensV2(unittest.TestCase):
    def test_password_token_with_v2_catalog(self):
        status, _, body = stack.get_json("/identity/v2.0/tokens", method="POST", auth=False, body={
            "auth": {"passwordCredentials": {"username": "admin", "password": password},
                     "tenantName": "admin"}})
        self.assertEqual(status, 200)
        access = body["access"]
        self.assertEqual(access["token"]["tenant"]["name"], "admin")
        self.assertIn("admin", [r["name"] for r in access["user"]["roles"]])
        compute = [s for s in access["serviceCatalog"] if s["type"] == "compute"][0]
        self.assertEqual(set(compute["endpoints"][0]), {"id", "region", "publicURL", "internalURL", "adminURL"})
        token = access["token"]["id"]
        status, _, body = stack.get_json(f"/identity/v2.0/tokens/{token}")
        self.assertEqual((status, body["access"]["token"]["id"]), (200, token))
        status, _, body = stack.get_json("/identity/v2.0/tenants", headers={"X-Auth-Token": token}, auth=False)
        self.assertEqual([t["name"] for t in body["tenants"]], ["admin"])
        self.assertEqual(stack.request("DELETE", f"/identity/v2.0/tokens/{token}")[0], 204)
        self.assertEqual(stack.get_json(f"/identity/v2.0/tokens/{token}")[0], 404)

    def test_wrong_password_is_401(self):
        status, _, body = stack.get_json("/identity/v2.0/tokens", method="POST", auth=False, body={
            "auth": {"passwordCredentials": {"username": "admin", "password": "nope"}}})
        self.assertEqual(status, 401)


class Enforcement(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.demo_project = stack.manage("project", "create", "demo")
        stack.manage("user", "create", "demo", "--password", "demo-secret", "--project", "demo")
        status, cls.demo, body = issue(user="demo", secret="demo-secret", project="demo")
        assert status == 201, body
        cls.admin_project = body and issue()[2]["token"]["project"]["id"]

    def test_no_token_or_a_bad_one_is_401(self):
        for headers in ({}, {"X-Auth-Token": "garbage"}):
            status, hdrs, _ = stack.get_json("/compute/v2.1/flavors", headers=headers, auth=False)
            self.assertEqual(status, 401)
            self.assertIn("www-authenticate", hdrs)
        self.assertEqual(stack.get_json("/compute/", auth=False)[0], 200)

    def test_a_project_in_the_path_must_be_the_tokens(self):
        mine = {"X-Auth-Token": self.demo}
        self.assertEqual(stack.get_json(f"/compute/v2/{self.demo_project}/flavors", headers=mine, auth=False)[0], 200)
        status, _, body = stack.get_json(f"/compute/v2/{self.admin_project}/flavors", headers=mine, auth=False)
        self.assertEqual(status, 403)
        self.assertEqual(body["forbidden"]["code"], 403)
        self.assertEqual(stack.get_json(f"/compute/v2/{self.demo_project}/flavors")[0], 200)

    def test_a_member_looks_only_at_its_own_tokens(self):
        _, admin_token, _ = issue()
        status, _, body = validate(self.demo, admin_token)
        self.assertEqual(status, 403)
        self.assertEqual(body["error"]["message"],
                         "You are not authorized to perform the requested action: identity:validate_token.")
        for method in ("HEAD", "DELETE"):
            status, _, _ = stack.request(method, "/identity/v3/auth/tokens",
                                         headers={"X-Auth-Token": self.demo, "X-Subject-Token": admin_token})
            self.assertEqual(status, 403, method)
        status, _, _ = stack.request("GET", f"/identity/v2.0/tokens/{admin_token}",
                                     headers={"X-Auth-Token": self.demo})
        self.assertEqual(status, 403)
        self.assertEqual(validate(admin_token)[0], 200)              # not revoked by the refused DELETE
        self.assertEqual(validate(self.demo)[0], 200)                # its own, yes
        self.assertEqual(validate(admin_token, self.demo)[0], 200)   # and an admin looks at any

    def test_disabling_a_user_revokes_its_tokens(self):
        import time
        stack.manage("user", "create", "short-lived", "--password", "pw-1", "--project", "demo")
        status, token, _ = issue(user="short-lived", secret="pw-1", project="demo")
        self.assertEqual(status, 201)
        time.sleep(1.1)    # revocation works at a one-second grain
        user_id = validate(token)[2]["token"]["user"]["id"]
        status, _, _ = stack.get_json(f"/identity/v3/users/{user_id}", method="PATCH",
                                      body={"user": {"enabled": False}})
        self.assertEqual(status, 200)
        self.assertEqual(validate(stack.token, token)[0], 404)
        self.assertEqual(issue(user="short-lived", secret="pw-1", project="demo")[0], 401)

    def test_own_password_change(self):
        stack.manage("user", "create", "changer", "--password", "old-pw", "--project", "demo")
        _, token, body = issue(user="changer", secret="old-pw", project="demo")
        user_id = body["token"]["user"]["id"]
        mine = {"X-Auth-Token": token}
        status, _, _ = stack.get_json(f"/identity/v3/users/{user_id}/password", method="POST", auth=False,
                                      headers=mine, body={"user": {"original_password": "wrong", "password": "new-pw"}})
        self.assertEqual(status, 401)
        status, _, _ = stack.get_json(f"/identity/v3/users/{user_id}/password", method="POST", auth=False,
                                      headers=mine, body={"user": {"original_password": "old-pw", "password": "new-pw"}})
        self.assertEqual(status, 204)
        self.assertEqual(issue(user="changer", secret="new-pw", project="demo")[0], 201)
        self.assertEqual(issue(user="changer", secret="old-pw", project="demo")[0], 401)

    def test_member_is_kept_from_admin_calls(self):
        mine = {"X-Auth-Token": self.demo}
        for path in ("/identity/v3/users", "/identity/v3/projects", "/identity/v3/domains"):
            status, _, body = stack.get_json(path, headers=mine, auth=False)
            self.assertEqual(status, 403, path)
        status, _, body = stack.get_json("/identity/v3/domains/default", headers=mine, auth=False)
        self.assertEqual((status, body["domain"]["name"]), (200, "Default"))

    def test_member_token_carries_its_role_and_the_one_it_implies(self):
        _, _, body = validate(self.demo)
        self.assertEqual([r["name"] for r in body["token"]["roles"]], ["member", "reader"])


@unittest.skipUnless(shutil.which("openstack"), "Debian's python3-openstackclient is not installed")
class ManagePasswords(unittest.TestCase):
    """jumpgate-manage takes a password from standard input, the environment or the terminal, so that it need not
    be on the command line (where ps shows it)."""

    def manage(self, *args, stdin=None, env=None, tty=False):
        command = [os.path.join(TOP_BUILDDIR, "jumpgate-manage"), "--config",
                   os.path.join(stack.state, "jumpgate.conf"), *args]
        environ = {k: v for k, v in os.environ.items() if k != "JUMPGATE_PASSWORD"}
        environ.update(env or {})
        if not tty:
            return subprocess.run(command, input=stdin, env=environ, capture_output=True, text=True, timeout=60)
        # A terminal: the password is typed twice, and not echoed.
        leader, follower = pty.openpty()
        process = subprocess.Popen(command, stdin=follower, stdout=follower, stderr=follower, env=environ)
        os.close(follower)
        seen = b""
        for line in stdin:
            while not seen.rstrip().endswith(b":"):
                seen += os.read(leader, 1024)
            os.write(leader, line.encode() + b"\n")
            seen += b"|"
        while True:
            try:
                chunk = os.read(leader, 1024)
            except OSError:  # the program has ended and closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        os.close(leader)
        return process.wait(60), seen.decode(errors="replace")

    def assert_password(self, user, password):
        status, _, body = stack.get_json("/identity/v3/auth/tokens", method="POST", body={"auth": {"identity": {
            "methods": ["password"], "password": {"user": {"name": user, "domain": {"id": "default"},
                                                           "password": password}}}}})
        self.assertEqual(status, 201, body)

    def test_from_standard_input_and_from_the_environment(self):
        run = self.manage("user", "create", "stdin-user", "--password-stdin", stdin="from-stdin\n")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assert_password("stdin-user", "from-stdin")
        run = self.manage("user", "create", "env-user", env={"JUMPGATE_PASSWORD": "from-env"})
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assert_password("env-user", "from-env")
        # Nowhere to take one from (standard input is no terminal): refused, and no user made.
        run = self.manage("user", "create", "nobody-user", stdin="")
        self.assertEqual(run.returncode, 1)
        self.assertIn("a password is needed", run.stderr)
        run = self.manage("user", "create", "empty-user", "--password-stdin", stdin="\n")
        self.assertEqual((run.returncode, "the password is empty" in run.stderr), (1, True))

    def test_asked_twice_at_the_terminal_without_echo(self):
        status, seen = self.manage("user", "create", "tty-user", stdin=["typed-secret", "typed-secret"], tty=True)
        self.assertEqual(status, 0, seen)
        self.assertIn("Password:", seen)
        self.assertNotIn("typed-secret", seen)
        self.assert_password("tty-user", "typed-secret")
        status, seen = self.manage("user", "create", "tty-other", stdin=["one", "two"], tty=True)
        self.assertEqual(status, 1, seen)
        self.assertIn("the two passwords differ", seen)


class OpenStackClient(unittest.TestCase):
    SANITIZED_RUN = False  # the client sends what the raw-API classes send; under the sanitizers it checks Python

    def osc(self, *args, v2=False, env_extra=None, parse=True):
        env = stack.env(**(env_extra or {}))
        if v2:
            env.update(OS_AUTH_URL=f"http://127.0.0.1:{stack.port}/identity/v2.0", OS_IDENTITY_API_VERSION="2.0")
            for k in ("OS_USER_DOMAIN_NAME", "OS_PROJECT_DOMAIN_NAME"):
                env.pop(k, None)
        return stack.cli(*args, env=env, parse=parse)

    def test_projects_users_roles_revoke_and_application_credentials(self):
        self.osc("project", "create", "osc-project")
        self.assertIn("osc-project", [p["Name"] for p in self.osc("project", "list")])
        user = self.osc("user", "create", "--password", "osc-secret", "--domain", "default", "osc-user")
        self.assertEqual(user["name"], "osc-user")
        self.osc("role", "add", "--project", "osc-project", "--user", "osc-user", "member", parse=False)
        # --names asks Keystone's include_names: the CLI failed on the names the answer lacked (KeyError 'name').
        named = self.osc("role", "assignment", "list", "--names", "--user", "osc-user")
        self.assertEqual([(a["Role"], a["User"], a["Project"]) for a in named],
                         [("member", "osc-user@Default", "osc-project@Default")])
        as_user = {"OS_USERNAME": "osc-user", "OS_PASSWORD": "osc-secret", "OS_PROJECT_NAME": "osc-project"}
        token = self.osc("token", "issue", env_extra=as_user)
        self.assertEqual(token["user_id"], user["id"])

        self.osc("token", "revoke", token["id"], parse=False)
        self.assertEqual(validate(stack.token, token["id"])[0], 404)

        cred = self.osc("application", "credential", "create", "osc-cred", env_extra=as_user)
        self.assertTrue(cred["secret"])
        with_cred = {"OS_AUTH_TYPE": "v3applicationcredential", "OS_APPLICATION_CREDENTIAL_ID": cred["id"],
                     "OS_APPLICATION_CREDENTIAL_SECRET": cred["secret"], "OS_USERNAME": None,
                     "OS_PASSWORD": None, "OS_PROJECT_NAME": None, "OS_PROJECT_DOMAIN_NAME": None,
                     "OS_USER_DOMAIN_NAME": None}
        token = self.osc("token", "issue", env_extra=with_cred)
        self.assertEqual(token["user_id"], user["id"])
        self.assertEqual(token["project_id"], self.osc("project", "show", "osc-project")["id"])

    def test_token_issue_and_flavor_list(self):
        token = self.osc("token", "issue")
        self.assertTrue(token["id"])
        self.assertEqual(len(token["project_id"]), 32)
        flavors = self.osc("flavor", "list")
        self.assertIn("m1.tiny", [f["Name"] for f in flavors])
        token = self.osc("token", "issue", v2=True)
        self.assertEqual(len(token["project_id"]), 32)
        endpoints = self.osc("endpoint", "list", "--service", "compute")
        self.assertEqual({e["Interface"] for e in endpoints}, {"public", "internal", "admin"})
        catalog = self.osc("catalog", "list")
        self.assertTrue({"identity", "compute", "image", "network", "volumev3"} <= {c["Type"] for c in catalog})


if __name__ == "__main__":
    unittest.main()
