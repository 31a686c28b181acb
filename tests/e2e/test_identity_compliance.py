# SPDX-License-Identifier: Apache-2.0
"""Keystone's security compliance in the local driver: lockout after failed passwords, password history,
and the self-service password change that the original password authorises."""
import time
import unittest

from stack import Stack

LOCKOUT_SECONDS = 10
CONFIG = """[general]
state_dir = {state}
module_dir = {module_dir}
log_file = {state}/log/jumpgate.log
[identity]
lockout_failure_attempts = 2
lockout_duration = %d
unique_last_password_count = 2
""" % LOCKOUT_SECONDS


def setUpModule():
    global stack
    stack = Stack(config=CONFIG).start()


def tearDownModule():
    stack.stop()


def password_token(user, password, project=None):
    auth = {"identity": {"methods": ["password"], "password": {"user": {
        "name": user, "domain": {"id": "default"}, "password": password}}}}
    if project:
        auth["scope"] = {"project": {"name": project, "domain": {"id": "default"}}}
    status, hdrs, body = stack.get_json("/identity/v3/auth/tokens", method="POST", body={"auth": auth}, auth=False)
    return status, hdrs.get("x-subject-token"), body


def user_id_of(token):
    _, _, body = stack.get_json("/identity/v3/auth/tokens", headers={"X-Subject-Token": token})
    return body["token"]["user"]["id"]


def change_password(user_id, original, new, token=None):
    headers = {"X-Auth-Token": token} if token else {}
    status, _, body = stack.get_json(f"/identity/v3/users/{user_id}/password", method="POST", headers=headers,
                                     body={"user": {"original_password": original, "password": new}},
                                     auth=bool(token))
    return status, body


class PasswordChange(unittest.TestCase):
    def test_own_password_change_revokes_and_remembers(self):
        _, token, _ = stack.member("compliance-a", password="first-secret")
        user_id = user_id_of(token)
        # Revocation is to the second, as with Keystone's tokens: one issued in the second of the change survives.
        time.sleep(1.1)
        self.assertEqual(change_password(user_id, "first-secret", "second-secret", token)[0], 204)
        # The old token is gone: validating it is 404, as is using it to get another.
        status, _, _ = stack.get_json("/identity/v3/auth/tokens", headers={"X-Subject-Token": token})
        self.assertEqual(status, 404)
        status, _, body = stack.get_json("/identity/v3/auth/tokens", method="POST", auth=False, body={
            "auth": {"identity": {"methods": ["token"], "token": {"id": token}}}})
        self.assertEqual(status, 404, body)
        self.assertEqual(password_token("compliance-a-user", "first-secret")[0], 401)
        # The next change needs no valid token, only the original password (the client's token is revoked).
        self.assertEqual(change_password(user_id, "second-secret", "third-secret", token)[0], 204)
        self.assertEqual(change_password(user_id, "wrong", "fourth-secret")[0], 401)
        # History: neither of the last two passwords again; an older one is fine.
        status, body = change_password(user_id, "third-secret", "third-secret")
        self.assertEqual(status, 400, body)
        self.assertIn("identical to a previous password", body["error"]["message"])
        self.assertEqual(change_password(user_id, "third-secret", "second-secret")[0], 400)
        self.assertEqual(change_password(user_id, "third-secret", "first-secret")[0], 204)
        self.assertEqual(password_token("compliance-a-user", "first-secret")[0], 201)

    def test_an_admins_reset_is_not_held_to_the_history(self):
        _, token, _ = stack.member("compliance-c", password="one-secret")
        user_id = user_id_of(token)
        self.assertEqual(change_password(user_id, "one-secret", "two-secret")[0], 204)
        # The user may not go back to a recent password; the admin may set it (v3 and v2.0's OS-KSADM).
        self.assertEqual(change_password(user_id, "two-secret", "one-secret")[0], 400)
        status, _, body = stack.get_json(f"/identity/v3/users/{user_id}", method="PATCH",
                                         body={"user": {"password": "two-secret"}})
        self.assertEqual(status, 200, body)
        self.assertEqual(password_token("compliance-c-user", "two-secret")[0], 201)
        status, _, body = stack.get_json(f"/identity/v2.0/users/{user_id}/OS-KSADM/password", method="PUT",
                                         body={"user": {"password": "one-secret"}})
        self.assertEqual(status, 200, body)
        self.assertEqual(password_token("compliance-c-user", "one-secret")[0], 201)
        # The reset joined the history: the user's own change back to it is refused.
        self.assertEqual(change_password(user_id, "one-secret", "one-secret")[0], 400)
        # OS-KSCRUD, the v2.0 self-service change, is held to it like v3's. The reset revoked the user's tokens
        # issued up to its second (times are whole seconds, as Keystone's revocation events): the token used here is
        # issued in a later second, as Tempest's password tests sleep for.
        time.sleep(1 - time.time() % 1 + 0.05)
        _, _, issued = stack.get_json("/identity/v2.0/tokens", method="POST", auth=False, body={"auth": {
            "passwordCredentials": {"username": "compliance-c-user", "password": "one-secret"}}})
        status, _, body = stack.get_json(f"/identity/v2.0/OS-KSCRUD/users/{user_id}", method="PATCH", auth=False,
                                         headers={"X-Auth-Token": issued["access"]["token"]["id"]},
                                         body={"user": {"original_password": "one-secret", "password": "two-secret"}})
        self.assertEqual(status, 400, body)


class Lockout(unittest.TestCase):
    def test_locked_out_then_back(self):
        stack.member("compliance-b", password="right-secret")
        self.assertEqual(password_token("compliance-b-user", "right-secret")[0], 201)
        # The lock runs from the last failure; under a sanitizer a password check takes a good part of a second,
        # so the lock is long enough to outlast the checks, and the wait is measured from that failure.
        for _ in range(2):
            last_failure = time.monotonic()
            self.assertEqual(password_token("compliance-b-user", "wrong-secret")[0], 401)
        status, _, body = password_token("compliance-b-user", "right-secret")
        self.assertEqual(status, 401)
        self.assertIn("locked", body["error"]["message"])
        time.sleep(max(0.0, last_failure + LOCKOUT_SECONDS + 1.5 - time.monotonic()))
        self.assertEqual(password_token("compliance-b-user", "right-secret")[0], 201)
        # A success clears the count: one failure does not lock again.
        self.assertEqual(password_token("compliance-b-user", "wrong-secret")[0], 401)
        self.assertEqual(password_token("compliance-b-user", "right-secret")[0], 201)


if __name__ == "__main__":
    unittest.main()
