# SPDX-License-Identifier: Apache-2.0
"""Keystone's trusts (OS-TRUST) in the local identity: the openstack client's trust commands and a trust-scoped
token, and the rules that keep a trust from giving more than its trustor holds: the roles it may delegate, the
trustee alone using it, its expiry and uses, and its tokens revoked with the trust or the trustor's role."""
import time
import unittest

from stack import Stack

ID = "/identity/v3"


def setUpModule():
    global stack, trustee_project, trustee_token, trustee_env, trustee_id, trustor_id, trustor_project
    stack = Stack(workers=2).start()
    trustee_project, trustee_token, trustee_env = stack.member("trust-home", user="trustee", password="trustee-pw")
    trustee_id = whoami(trustee_token)["user"]["id"]
    # The trustor: a member of a project of their own, with one more role there to keep back.
    trustor_project, token, _ = stack.member("trust-work", user="trustor", password="trustor-pw")
    trustor_id = whoami(token)["user"]["id"]
    role = admin(f"{ID}/roles", "POST", {"role": {"name": "trust-extra"}}, 201)["role"]
    admin(f"{ID}/projects/{trustor_project}/users/{trustor_id}/roles/{role['id']}", "PUT", expect=204)


def tearDownModule():
    stack.stop()


def admin(path, method="GET", body=None, expect=None):
    return stack.admin_json(path, method, body, expect)


def call(token, path, method="GET", body=None):
    return stack.get_json(path, method=method, body=body, headers={"X-Auth-Token": token}, auth=False)


def whoami(token, subject=None):
    status, _, body = stack.get_json(f"{ID}/auth/tokens?nocatalog", headers={"X-Subject-Token": subject or token})
    assert status == 200, body
    return body["token"]


def valid(token):
    return stack.get_json(f"{ID}/auth/tokens?nocatalog", headers={"X-Subject-Token": token})[0] == 200


def trustor_token():
    return stack.password_token("trustor", "trustor-pw", "trust-work")[0]


def make_trust(roles=("member",), token=None, **fields):
    body = {"trust": {"trustor_user_id": trustor_id, "trustee_user_id": trustee_id, "project_id": trustor_project,
                      "impersonation": False, "roles": [{"name": r} for r in roles], **fields}}
    return call(token or trustor_token(), f"{ID}/OS-TRUST/trusts", "POST", body)


def trust_token(trust_id, user="trustee", password="trustee-pw"):
    """(status, token, view) of a password authentication of `user` scoped to the trust."""
    auth = {"identity": {"methods": ["password"], "password": {"user": {
        "name": user, "domain": {"id": "default"}, "password": password}}},
        "scope": {"OS-TRUST:trust": {"id": trust_id}}}
    status, hdrs, body = stack.get_json(f"{ID}/auth/tokens", method="POST", body={"auth": auth}, auth=False)
    return status, hdrs.get("x-subject-token"), body


class Trusts(unittest.TestCase):
    def test_a_trust_token_carries_the_delegated_roles_only(self):
        status, _, body = make_trust(impersonation=True)
        self.assertEqual(status, 201, body)
        trust = body["trust"]
        self.addCleanup(call, trustor_token(), f"{ID}/OS-TRUST/trusts/{trust['id']}", "DELETE")
        self.assertEqual(([r["name"] for r in trust["roles"]], trust["impersonation"], trust["expires_at"]),
                         (["member"], True, None))
        status, token, view = trust_token(trust["id"])
        self.assertEqual(status, 201, view)
        t = view["token"]
        # Impersonating: the token is the trustor's, on the trustor's project, with member (and reader it implies).
        self.assertEqual((t["user"]["id"], t["project"]["id"]), (trustor_id, trustor_project))
        self.assertEqual(sorted(r["name"] for r in t["roles"]), ["member", "reader"])
        self.assertEqual(t["OS-TRUST:trust"], {"id": trust["id"], "impersonation": True,
                                               "trustor_user": {"id": trustor_id},
                                               "trustee_user": {"id": trustee_id}})
        self.assertIn("catalog", t)
        # The token works in the trustor's project elsewhere, and cannot be made into a wider one.
        self.assertEqual(call(token, f"/compute/v2.1/servers")[0], 200)
        rescope = {"auth": {"identity": {"methods": ["token"], "token": {"id": token}},
                            "scope": {"project": {"id": trustor_project}}}}
        self.assertEqual(stack.get_json(f"{ID}/auth/tokens", method="POST", body=rescope, auth=False)[0], 403)
        # Nor does it make trusts of its own (no redelegation).
        self.assertEqual(make_trust(token=token)[0], 403)

    def test_deleting_the_trust_or_the_trustors_role_revokes_its_tokens(self):
        trust = make_trust(roles=("trust-extra",))[2]["trust"]
        _, token, view = trust_token(trust["id"])
        self.assertEqual(view["token"]["user"]["id"], trustee_id)  # not impersonating: the trustee's own
        self.assertEqual([r["name"] for r in view["token"]["roles"]], ["trust-extra"])
        self.assertTrue(valid(token))
        extra = view["token"]["roles"][0]["id"]
        admin(f"{ID}/projects/{trustor_project}/users/{trustor_id}/roles/{extra}", "DELETE", expect=204)
        self.assertFalse(valid(token))
        self.assertEqual(trust_token(trust["id"])[0], 401)
        admin(f"{ID}/projects/{trustor_project}/users/{trustor_id}/roles/{extra}", "PUT", expect=204)
        self.assertEqual(trust_token(trust["id"])[0], 201)  # the role is back, and the trust delegates it again
        self.assertEqual(call(trustor_token(), f"{ID}/OS-TRUST/trusts/{trust['id']}", "DELETE")[0], 204)
        self.assertFalse(valid(token))
        self.assertEqual(trust_token(trust["id"])[0], 404)

    def test_a_trust_gives_no_more_than_its_trustor_holds(self):
        # The trustor holds no admin role on the project; a trust may not delegate it.
        self.assertEqual(make_trust(roles=("admin",))[0], 404)
        # A trust of another user's is not the caller's to make.
        self.assertEqual(make_trust(token=trustee_token)[0], 403)
        # A project needs roles; a bad expiry is 400; redelegation is not offered.
        self.assertEqual(make_trust(roles=())[0], 403)
        self.assertEqual(make_trust(expires_at="bad.123Z")[0], 400)
        self.assertEqual(make_trust(impersonation="yes")[0], 400)
        self.assertEqual(make_trust(allow_redelegation=True)[0], 403)

    def test_only_the_trustee_uses_it_and_only_as_often_as_allowed(self):
        trust = make_trust(remaining_uses=1)[2]["trust"]
        self.addCleanup(call, trustor_token(), f"{ID}/OS-TRUST/trusts/{trust['id']}", "DELETE")
        self.assertEqual(trust_token(trust["id"], "trustor", "trustor-pw")[0], 403)
        self.assertEqual(trust_token(trust["id"])[0], 201)
        self.assertEqual(trust_token(trust["id"])[0], 403)

    def test_an_expired_trust_gives_no_token_and_its_tokens_end_with_it(self):
        expires = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() + 3)) + ".000000Z"
        trust = make_trust(expires_at=expires)[2]["trust"]
        self.assertEqual(trust["expires_at"], expires)
        _, token, view = trust_token(trust["id"])
        self.assertEqual(view["token"]["expires_at"], expires)
        time.sleep(4)
        self.assertFalse(valid(token))
        self.assertEqual(trust_token(trust["id"])[0], 401)

    def test_who_reads_and_deletes(self):
        trust = make_trust()[2]["trust"]
        self.addCleanup(call, trustor_token(), f"{ID}/OS-TRUST/trusts/{trust['id']}", "DELETE")
        _, stranger, _ = stack.member("trust-stranger")
        self.assertEqual(call(trustee_token, f"{ID}/OS-TRUST/trusts/{trust['id']}")[0], 200)
        self.assertEqual(call(stranger, f"{ID}/OS-TRUST/trusts/{trust['id']}")[0], 403)
        self.assertEqual(call(stranger, f"{ID}/OS-TRUST/trusts/{trust['id']}/roles")[0], 403)
        self.assertEqual(call(stranger, f"{ID}/OS-TRUST/trusts")[0], 403)
        self.assertEqual(call(stranger, f"{ID}/OS-TRUST/trusts?trustor_user_id={trustor_id}")[0], 403)
        self.assertEqual(call(stranger, f"{ID}/OS-TRUST/trusts/{trust['id']}", "DELETE")[0], 403)
        self.assertEqual(call(trustee_token, f"{ID}/OS-TRUST/trusts/{trust['id']}", "DELETE")[0], 403)
        listed = call(trustee_token, f"{ID}/OS-TRUST/trusts?trustee_user_id={trustee_id}")[2]["trusts"]
        self.assertIn(trust["id"], [t["id"] for t in listed])
        self.assertNotIn("roles", listed[0])
        self.assertIn(trust["id"], [t["id"] for t in admin(f"{ID}/OS-TRUST/trusts")["trusts"]])
        member = trust["roles"][0]["id"]
        self.assertEqual(call(trustee_token, f"{ID}/OS-TRUST/trusts/{trust['id']}/roles/{member}")[0], 200)
        self.assertEqual(call(trustee_token, f"{ID}/OS-TRUST/trusts/{trust['id']}/roles/nope")[0], 404)


class OpenStackClient(unittest.TestCase):
    def test_trust_create_list_show_delete_and_a_trust_scoped_token(self):
        # The admin delegates member (which its admin role implies) on its project to the trustee.
        admin_id = whoami(stack.token)["user"]["id"]
        admin_project = whoami(stack.token)["project"]["id"]
        trust = stack.cli("trust", "create", "--project", "admin", "--role", "member", "admin", trustee_id)
        self.assertEqual((trust["trustor_user_id"], trust["trustee_user_id"]), (admin_id, trustee_id))
        self.assertIn(trust["id"], [t["ID"] for t in stack.cli("trust", "list")])
        shown = stack.cli("trust", "show", trust["id"])
        self.assertEqual(shown["project_id"], admin_project)
        # The trustee's token scoped to the trust.
        env = {k: v for k, v in trustee_env.items() if not k.startswith("OS_PROJECT")}
        env["OS_TRUST_ID"] = trust["id"]
        token = stack.cli("token", "issue", env=env)
        self.assertEqual(token["project_id"], admin_project)
        view = whoami(token["id"])
        self.assertEqual(view["OS-TRUST:trust"]["id"], trust["id"])
        self.assertEqual(sorted(r["name"] for r in view["roles"]), ["member", "reader"])  # not admin
        stack.cli("trust", "delete", trust["id"], parse=False)
        self.assertFalse(valid(token["id"]))
        self.assertNotIn(trust["id"], [t["ID"] for t in stack.cli("trust", "list")])


if __name__ == "__main__":
    unittest.main()
