# SPDX-License-Identifier: Apache-2.0
"""Backend credentials: sealed into the token at authentication, given to the drivers in the request's
Context, kept through rescoping, gone with revocation, and never shown nor logged (the credentials
test driver, tests/drivers/credentials.cpp)."""
import json
import os
import unittest

from stack import TOP_BUILDDIR, Stack

DRIVER = os.path.join(TOP_BUILDDIR, "tests", "drivers", ".libs", "jumpgate_credentials.so")

CONFIG = """
[general]
state_dir = {state}
module_dir = {module_dir}
log_file = {state}/log/jumpgate.log
log_level = debug
[identity]
driver = @driver@
[compute]
driver = @driver@
[image]
driver =
[volume]
driver =
[network]
driver =
"""


def credentials_of(user_id):
    """What the credentials driver seals for a user (its credentials_of)."""
    return f"jg-backend-{user_id}-k3y"


def setUpModule():
    global stack
    if not os.path.exists(DRIVER):
        raise unittest.SkipTest("the credentials driver is built with the local driver only")
    stack = Stack(CONFIG.replace("@driver@", DRIVER)).start()


def tearDownModule():
    stack.stop()


def password_auth(user, password, project=None):
    auth = {"identity": {"methods": ["password"], "password": {"user": {
        "name": user, "domain": {"id": "default"}, "password": password}}}}
    if project:
        auth["scope"] = {"project": {"name": project, "domain": {"id": "default"}}}
    return {"auth": auth}


class BackendCredentials(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.project_id, cls.token, _ = stack.member("cred-one", "alice", password="alice-secret")
        stack.manage("project", "create", "cred-two")
        stack.manage("user", "create", "bob", "--password", "bob-secret", "--project", "cred-one")
        stack.manage("user", "create", "hoarder", "--password", "hoarder-secret", "--project", "cred-one")
        # alice holds a role in cred-two as well, to rescope to it.
        status, _, body = stack.get_json("/identity/v3/roles?name=member")
        member = body["roles"][0]["id"]
        status, _, body = stack.get_json("/identity/v3/projects?name=cred-two")
        cls.project_two = body["projects"][0]["id"]
        cls.alice = cls.user_of(cls.token)
        status, _, _ = stack.request("PUT", f"/identity/v3/projects/{cls.project_two}/users/{cls.alice}/roles/{member}")
        assert status == 204, status
        cls.secret = credentials_of(cls.alice)

    @classmethod
    def tearDownClass(cls):
        # Whatever the tests made the workers, nginx and spawn-fcgi log, no line holds anyone's credentials.
        logs = "".join(stack.log(name) for name in os.listdir(os.path.join(stack.state, "log")))
        assert "jg-backend-" not in logs, "backend credentials in the logs"

    @classmethod
    def user_of(cls, token):
        status, _, body = stack.get_json("/identity/v3/auth/tokens", headers={"X-Auth-Token": token,
                                                                             "X-Subject-Token": token})
        assert status == 200, body
        return body["token"]["user"]["id"]

    def call(self, what, method, path, **kwargs):
        """stack.request, checking that alice's credentials are neither in the body nor in a header."""
        status, hdrs, data = stack.request(method, path, **kwargs)
        self.assertNotIn(self.secret.encode(), data, what)
        for name, value in hdrs.items():
            self.assertNotIn(self.secret, value, f"{what}: header {name}")
        return status, hdrs, data

    def whose(self, token):
        """What the compute endpoint saw in the Context of a request made with `token`."""
        return stack.get_json("/compute/v2.1/servers", headers={"X-Auth-Token": token}, auth=False)

    def test_a_request_sees_its_users_credentials_in_its_context(self):
        status, _, body = self.whose(self.token)
        self.assertEqual(status, 200, body)
        self.assertEqual(body["user_id"], self.alice)
        self.assertTrue(body["credentials_match"], body)
        self.assertEqual(body["credentials_size"], len(self.secret))

    def test_each_user_sees_only_their_own(self):
        status, hdrs, _ = stack.request("POST", "/identity/v3/auth/tokens", auth=False,
                                        body=password_auth("bob", "bob-secret", "cred-one"))
        self.assertEqual(status, 201)
        status, _, body = self.whose(hdrs["x-subject-token"])
        self.assertEqual(status, 200, body)
        self.assertNotEqual(body["user_id"], self.alice)
        self.assertTrue(body["credentials_match"], body)

    def test_rescoping_a_v3_token_keeps_them(self):
        status, hdrs, _ = self.call("v3 unscoped", "POST", "/identity/v3/auth/tokens", auth=False,
                                    body=password_auth("alice", "alice-secret"))
        self.assertEqual(status, 201)
        unscoped = hdrs["x-subject-token"]
        status, hdrs, body = self.call("v3 rescoped", "POST", "/identity/v3/auth/tokens", auth=False, body={
            "auth": {"identity": {"methods": ["token"], "token": {"id": unscoped}},
                     "scope": {"project": {"id": self.project_two}}}})
        self.assertEqual(status, 201, body)
        status, _, seen = self.whose(hdrs["x-subject-token"])
        self.assertEqual(status, 200, seen)
        self.assertEqual(seen["project_id"], self.project_two)
        self.assertTrue(seen["credentials_match"], seen)

    def test_rescoping_a_v2_token_to_a_tenant_keeps_them(self):
        status, _, data = self.call("v2 unscoped", "POST", "/identity/v2.0/tokens", auth=False, body={
            "auth": {"passwordCredentials": {"username": "alice", "password": "alice-secret"}}})
        self.assertEqual(status, 200, data)
        unscoped = json.loads(data)["access"]["token"]["id"]
        status, _, data = self.call("v2 rescoped", "POST", "/identity/v2.0/tokens", auth=False, body={
            "auth": {"token": {"id": unscoped}, "tenantId": self.project_id}})
        self.assertEqual(status, 200, data)
        scoped = json.loads(data)["access"]["token"]["id"]
        status, _, seen = self.whose(scoped)
        self.assertEqual(status, 200, seen)
        self.assertTrue(seen["credentials_match"], seen)
        self.call("v2 validate", "GET", f"/identity/v2.0/tokens/{scoped}")
        self.call("v2 endpoints", "GET", f"/identity/v2.0/tokens/{scoped}/endpoints")

    def test_a_revoked_token_reaches_them_no_more(self):
        status, hdrs, _ = stack.request("POST", "/identity/v3/auth/tokens", auth=False,
                                        body=password_auth("alice", "alice-secret", "cred-one"))
        token = hdrs["x-subject-token"]
        self.assertEqual(self.whose(token)[0], 200)
        status, _, _ = stack.request("DELETE", "/identity/v3/auth/tokens",
                                     headers={"X-Auth-Token": token, "X-Subject-Token": token}, auth=False)
        self.assertEqual(status, 204)
        status, _, body = self.whose(token)
        self.assertEqual(status, 401, body)
        self.assertNotIn("credentials_match", body if isinstance(body, dict) else {})

    def test_no_token_call_shows_them(self):
        status, hdrs, _ = self.call("v3 issue", "POST", "/identity/v3/auth/tokens", auth=False,
                                    body=password_auth("alice", "alice-secret", "cred-one"))
        self.assertEqual(status, 201)
        token = hdrs["x-subject-token"]
        both = {"X-Auth-Token": token, "X-Subject-Token": token}
        status, _, data = self.call("v3 validate", "GET", "/identity/v3/auth/tokens", headers=both, auth=False)
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(data)["token"]["user"]["id"], self.alice)
        self.call("v3 check", "HEAD", "/identity/v3/auth/tokens", headers=both, auth=False)
        self.call("v3 catalog", "GET", "/identity/v3/auth/catalog", headers={"X-Auth-Token": token}, auth=False)
        self.call("v3 projects", "GET", "/identity/v3/auth/projects", headers={"X-Auth-Token": token}, auth=False)
        self.call("v3 user", "GET", f"/identity/v3/users/{self.alice}", headers={"X-Auth-Token": token}, auth=False)
        self.call("compute", "GET", "/compute/v2.1/servers", headers={"X-Auth-Token": token}, auth=False)

    def test_credentials_too_long_for_a_token_are_refused_as_an_auth_plugin_error(self):
        status, hdrs, body = stack.get_json("/identity/v3/auth/tokens", method="POST", auth=False,
                                            body=password_auth("hoarder", "hoarder-secret", "cred-one"))
        self.assertEqual(status, 401, body)
        self.assertEqual(body["error"]["message"], "Authentication plugin error.")
        self.assertNotIn("x-subject-token", hdrs)
        status, _, body = stack.get_json("/identity/v2.0/tokens", method="POST", auth=False, body={
            "auth": {"passwordCredentials": {"username": "hoarder", "password": "hoarder-secret"}}})
        self.assertEqual(status, 401, body)
        self.assertIn("backend credentials must be shorter", stack.log())
        self.assertNotIn("jg-backend-", stack.log())

