# SPDX-License-Identifier: Apache-2.0
"""Identity as an attacker meets it: removed roles, revocations in the same second as the token,
unscoped tokens outside Keystone, and malformed authentication bodies."""
import threading
import time
import unittest

from stack import Stack


def setUpModule():
    global stack
    stack = Stack(workers=2).start()


def tearDownModule():
    stack.stop()


def password_body(user, secret, project=None, domain=None):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": user, "domain": {"id": "default"}, "password": secret}}}}}
    if project:
        body["auth"]["scope"] = {"project": {"name": project, "domain": {"id": "default"}}}
    if domain:
        body["auth"]["scope"] = {"domain": {"id": domain}}
    return body


def issue(user, secret, project=None, domain=None):
    status, hdrs, body = stack.get_json("/identity/v3/auth/tokens", method="POST", auth=False,
                                        body=password_body(user, secret, project, domain))
    return status, hdrs.get("x-subject-token"), body


def as_user(token, method, path, body=None):
    return stack.get_json(path, method=method, body=body, auth=False, headers={"X-Auth-Token": token})


def validate(token):
    """The token's validation as the stack's admin: (status, body)."""
    status, _, body = stack.get_json("/identity/v3/auth/tokens", headers={"X-Subject-Token": token})
    return status, body


def role_id(name):
    return stack.get_json(f"/identity/v3/roles?name={name}")[2]["roles"][0]["id"]


def user_id(name):
    return stack.get_json(f"/identity/v3/users?name={name}")[2]["users"][0]["id"]


def next_second_start():
    """Sleeps to just after the start of a wall-clock second, so that what follows shares it."""
    time.sleep(1.02 - time.time() % 1)


class RoleRemoval(unittest.TestCase):
    """Finding 2: a token stands for the roles its user holds now, not those it was issued with."""

    @classmethod
    def setUpClass(cls):
        cls.project = stack.manage("project", "create", "rr-project")
        stack.manage("user", "create", "rr-admin", "--password", "rr-secret", "--project", "rr-project")
        cls.user = user_id("rr-admin")
        cls.admin_role, cls.member_role = role_id("admin"), role_id("member")
        grant = f"/identity/v3/projects/{cls.project}/users/{cls.user}/roles/{cls.admin_role}"
        assert stack.request("PUT", grant)[0] == 204
        cls.grant = grant

    def test_removed_admin_role_takes_admin_power_away_at_once(self):
        status, token, body = issue("rr-admin", "rr-secret", "rr-project")
        self.assertEqual(status, 201)
        self.assertIn("admin", [r["name"] for r in body["token"]["roles"]])
        for _ in range(4):       # both workers have seen the token with its admin role
            self.assertEqual(as_user(token, "GET", "/identity/v3/users")[0], 200)
        self.assertEqual(stack.request("DELETE", self.grant)[0], 204)
        for _ in range(4):
            status, _, body = as_user(token, "GET", "/identity/v3/users")
            self.assertEqual(status, 403, body)
            # ... and it cannot grant the role back to itself
            self.assertEqual(as_user(token, "PUT", self.grant)[0], 403)
        status, body = validate(token)
        self.assertEqual(status, 200)
        # A member still (with the reader role member implies, as Keystone's bootstrap rules give).
        self.assertEqual([r["name"] for r in body["token"]["roles"]], ["member", "reader"])
        self.assertEqual(as_user(token, "GET", "/compute/v2.1/flavors")[0], 200)
        self.assertEqual(stack.request("PUT", self.grant)[0], 204)

    def test_a_token_with_no_role_left_is_invalid(self):
        stack.manage("user", "create", "rr-member", "--password", "rr-secret", "--project", "rr-project")
        status, token, _ = issue("rr-member", "rr-secret", "rr-project")
        self.assertEqual(status, 201)
        self.assertEqual(as_user(token, "GET", "/compute/v2.1/servers")[0], 200)
        member = f"/identity/v3/projects/{self.project}/users/{user_id('rr-member')}/roles/{self.member_role}"
        self.assertEqual(stack.request("DELETE", member)[0], 204)
        for path in ("/compute/v2.1/servers", "/image/v2/images", "/network/v2.0/networks",
                     f"/volume/v3/{self.project}/volumes"):
            self.assertEqual(as_user(token, "GET", path)[0], 401, path)
        self.assertEqual(validate(token)[0], 404)
        self.assertEqual(issue("rr-member", "rr-secret", "rr-project")[0], 401)


class SameSecondRevocation(unittest.TestCase):
    """Finding 3: a token issued in the same second as the event that revokes it is revoked too,
    including tokens an attacker keeps asking for while the change happens, and after a restart."""

    def attack(self, user, secret, project, event):
        """Asks for a token every 50 ms from before `event` (once a first one is got) until after it;
        returns the tokens got."""
        tokens, done = [], threading.Event()

        def keep_asking():
            while not done.is_set():
                status, token, _ = issue(user, secret, project)
                if status == 201:
                    tokens.append(token)
                time.sleep(0.05)

        thread = threading.Thread(target=keep_asking)
        next_second_start()
        thread.start()
        deadline = time.monotonic() + 60      # a loaded machine hashes passwords slowly
        while not tokens and time.monotonic() < deadline:
            time.sleep(0.01)
        event()
        time.sleep(0.4)
        done.set()
        thread.join()
        return tokens

    def assert_all_revoked(self, tokens):
        self.assertTrue(tokens)
        for token in tokens:
            self.assertEqual(validate(token)[0], 404)
            self.assertEqual(as_user(token, "GET", "/compute/v2.1/flavors")[0], 401)

    def test_password_change_disable_and_delete(self):
        project = stack.manage("project", "create", "ss-project")
        for name in ("ss-pw", "ss-off", "ss-gone"):
            stack.manage("user", "create", name, "--password", "old-secret", "--project", "ss-project")
        events = {
            "ss-pw": lambda uid: stack.request("PATCH", f"/identity/v3/users/{uid}",
                                               body={"user": {"password": "new-secret"}}),
            "ss-off": lambda uid: stack.request("PATCH", f"/identity/v3/users/{uid}",
                                                body={"user": {"enabled": False}}),
            "ss-gone": lambda uid: stack.request("DELETE", f"/identity/v3/users/{uid}"),
        }
        got = {}
        for name, event in events.items():
            uid = user_id(name)
            got[name] = self.attack(name, "old-secret", "ss-project", lambda: event(uid))
            self.assert_all_revoked(got[name])
        # The revocations are kept in the database: a restarted stack still refuses the tokens.
        stack._script("stop")
        stack._script("start")
        for tokens in got.values():
            self.assert_all_revoked(tokens)
        self.assertTrue(project)

    def test_project_disable_revokes_in_the_same_second(self):
        project = stack.manage("project", "create", "ss-off-project")
        stack.manage("user", "create", "ss-worker", "--password", "secret", "--project", "ss-off-project")
        tokens = self.attack("ss-worker", "secret", "ss-off-project", lambda: stack.request(
            "PATCH", f"/identity/v3/projects/{project}", body={"project": {"enabled": False}}))
        self.assert_all_revoked(tokens)


class ScopeOutsideIdentity(unittest.TestCase):
    """Finding 4: compute, image, network and volume act within a project; an unscoped or
    domain-scoped token proves who the caller is, not where they may act."""

    @classmethod
    def setUpClass(cls):
        stack.manage("user", "create", "no-role", "--password", "nr-secret")
        cls.project = stack.manage("project", "create", "us-project")
        stack.manage("user", "create", "us-member", "--password", "us-secret", "--project", "us-project")

    def refused_everywhere(self, token):
        requests = [
            ("GET", "/compute/v2.1/servers", None),
            ("POST", "/compute/v2.1/servers", {"server": {"name": "x", "imageRef": "x", "flavorRef": "1"}}),
            ("GET", "/compute/v2.1/flavors", None),
            ("GET", "/image/v2/images", None),
            ("POST", "/image/v2/images", {"name": "x"}),
            ("GET", "/network/v2.0/networks", None),
            ("POST", "/network/v2.0/networks", {"network": {"name": "x"}}),
            ("GET", f"/volume/v3/{self.project}/volumes", None),
            ("POST", f"/volume/v3/{self.project}/volumes", {"volume": {"size": 1}}),
        ]
        for method, path, body in requests:
            status, _, answer = as_user(token, method, path, body)
            self.assertEqual(status, 403, f"{method} {path}: {answer}")
        # nothing was made on the shared project "" that used to exist
        for path, key in (("/compute/v2.1/servers?all_tenants=1", "servers"),
                          ("/network/v2.0/networks", "networks")):
            names = [x.get("name") for x in stack.get_json(path)[2][key]]
            self.assertNotIn("x", names)

    def test_unscoped_token_of_a_user_with_no_role(self):
        status, token, body = issue("no-role", "nr-secret")
        self.assertEqual(status, 201)
        self.assertNotIn("project", body["token"])
        self.refused_everywhere(token)
        # Identity still serves it: that is what an unscoped token is for.
        status, _, body = as_user(token, "GET", "/identity/v3/auth/projects")
        self.assertEqual((status, body["projects"]), (200, []))
        # and it gets no token scoped to a project it has no role on
        self.assertEqual(issue("no-role", "nr-secret", "us-project")[0], 401)

    def test_unscoped_token_of_a_member(self):
        status, token, _ = issue("us-member", "us-secret")
        self.assertEqual(status, 201)
        self.refused_everywhere(token)

    def test_domain_scoped_admin_token(self):
        status, token, body = issue("admin", stack.password, domain="default")
        self.assertEqual(status, 201, body)
        self.assertEqual(body["token"]["domain"]["id"], "default")
        self.refused_everywhere(token)


class MalformedAuthentication(unittest.TestCase):
    """Finding 7 (identity): bodies that used to answer 500 get Keystone's 400 naming the field."""

    def test_wrong_types_are_400(self):
        good = password_body("admin", stack.password, "admin")
        cases = {
            "auth/identity/methods": [{"methods": "password"}, {"methods": [1]}, {"methods": []},
                                      {"methods": {"password": 1}}],
        }
        for field, changes in cases.items():
            for change in changes:
                body = {"auth": {"identity": dict(good["auth"]["identity"], **change)}}
                status, _, answer = stack.get_json("/identity/v3/auth/tokens", method="POST", auth=False, body=body)
                self.assertEqual(status, 400, change)
                self.assertEqual(answer["error"]["code"], 400)
                self.assertIn(field, answer["error"]["message"])
        scoped = [({"project": {"id": 5}}, "auth/scope/project/id"),
                  ({"project": {"name": ["admin"], "domain": {"id": "default"}}}, "auth/scope/project/name"),
                  ({"project": {"name": "admin", "domain": "default"}}, "auth/scope/project/domain"),
                  ({"project": "admin"}, "auth/scope/project"),
                  ({"domain": {"id": 1}}, "auth/scope/domain/id"),
                  ("admin", "auth/scope")]
        for scope, field in scoped:
            body = {"auth": {"identity": good["auth"]["identity"], "scope": scope}}
            status, _, answer = stack.get_json("/identity/v3/auth/tokens", method="POST", auth=False, body=body)
            self.assertEqual(status, 400, scope)
            self.assertIn(field, answer["error"]["message"])
        for user in ({"id": 7, "password": "x"}, {"name": "admin", "domain": {"id": None, "name": 3},
                                                  "password": "x"}, "admin"):
            body = {"auth": {"identity": {"methods": ["password"], "password": {"user": user}}}}
            status, _, answer = stack.get_json("/identity/v3/auth/tokens", method="POST", auth=False, body=body)
            self.assertEqual(status, 400, user)
            self.assertIn("auth/identity/password/user", answer["error"]["message"])

    def test_names_as_keystone_bounds_them(self):
        long_user = {"user": {"name": "u" * 900_000, "password": "x"}}
        status, _, answer = stack.get_json("/identity/v3/users", method="POST", body=long_user)
        self.assertEqual(status, 400)
        self.assertIn("'name'", answer["error"]["message"])
        for path, key, limit in (("/identity/v3/users", "user", 255), ("/identity/v3/projects", "project", 64),
                                 ("/identity/v3/roles", "role", 255), ("/identity/v3/domains", "domain", 64)):
            status, _, answer = stack.get_json(path, method="POST", body={key: {"name": "n" * (limit + 1)}})
            self.assertEqual(status, 400, path)
            for blank in ("", "   ", 5):
                self.assertEqual(stack.get_json(path, method="POST", body={key: {"name": blank}})[0], 400,
                                 (path, blank))
            status, _, answer = stack.get_json(path, method="POST", body={key: {"name": "é" * limit}})
            self.assertEqual(status, 201, (path, answer))
            self.assertEqual(answer[key]["name"], "é" * limit)
        self.assertEqual(stack.get_json(f"/identity/v3/users?name={'u' * 10}")[0], 200)


if __name__ == "__main__":
    unittest.main()
