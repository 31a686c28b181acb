# SPDX-License-Identifier: Apache-2.0
"""The cross-tenant matrix again, through a stack on the openstack driver in front of a stack on the local driver:
every request of test_tenant_matrix goes to the front, with the front's tokens, and nothing of A's may be shown or
changed. What the front serves is what its upstream serves, so the upstream's --coverage says which rows answer."""
import test_tenant_matrix as matrix
from stack import Stack, openstack_front_config
from test_tenant_matrix import Matrix  # noqa: F401 (the matrix's tests, run here against the front)

def setUpModule():
    global upstream
    upstream = Stack().start()
    try:
        front = Stack(config=openstack_front_config(f"http://127.0.0.1:{upstream.port}/identity/v3")).start()
    except Exception:
        upstream.stop()
        raise
    # Users and projects are the upstream's (jumpgate-manage there); their tokens are the front's.
    front.manage = upstream.manage
    front.password = upstream.password
    front.token, _ = front.password_token("admin", upstream.password, "admin")
    try:
        matrix.begin(front, serving=upstream)
    except Exception:
        front.stop()
        upstream.stop()
        raise


def tearDownModule():
    matrix.tearDownModule()
    upstream.stop()
