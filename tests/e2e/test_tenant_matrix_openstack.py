# SPDX-License-Identifier: Apache-2.0
"""The cross-tenant matrix again, through a stack on the openstack driver in front of a stack on the local driver:
every request of test_tenant_matrix goes to the front, with the front's tokens, and nothing of A's may be shown or
changed. What the front serves is what its upstream serves, so the upstream's --coverage says which rows answer."""
import test_tenant_matrix as matrix
from stack import Stack
from test_tenant_matrix import Matrix  # noqa: F401 (the matrix's tests, run here against the front)

FRONT = """[general]
state_dir = {state}
module_dir = {module_dir}
log_file = {state}/log/jumpgate.log
[identity]
driver = openstack
[compute]
driver = openstack
[image]
driver = openstack
[volume]
driver = openstack
[network]
driver = openstack
[openstack]
auth_url = UPSTREAM
"""


def setUpModule():
    global upstream
    upstream = Stack().start()
    try:
        front = Stack(config=FRONT.replace("UPSTREAM", f"http://127.0.0.1:{upstream.port}/identity/v3")).start()
    except Exception:
        upstream.stop()
        raise
    # Users and projects are the upstream's (jumpgate-manage there); their tokens are the front's.
    front.manage = upstream.manage
    front.password = upstream.password
    status, hdrs, body = front.request("POST", "/identity/v3/auth/tokens", auth=False, body={"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": "admin", "domain": {"id": "default"}, "password": upstream.password}}},
        "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}})
    assert status == 201, body
    front.token = hdrs["x-subject-token"]
    try:
        matrix.begin(front, serving=upstream)
    except Exception:
        front.stop()
        upstream.stop()
        raise


def tearDownModule():
    matrix.tearDownModule()
    upstream.stop()
