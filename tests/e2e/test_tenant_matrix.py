# SPDX-License-Identifier: Apache-2.0
"""The cross-tenant matrix: every endpoint of the catalogue (`jumpgate-fcgi --coverage=json`) whose path names a
resource is asked, with every verb it has, for project A's resource by project B's member, by B's user with an
unscoped token and with no token; nothing of A's may be shown or changed."""
import concurrent.futures
import functools
import http.client
import json
import os
import re
import subprocess
import threading
import time
import unittest
import uuid

from stack import WORKER, Stack

# Every name, description and datum of A's carries it: a response that shows any of A's has it.
MARK = "mtxA" + uuid.uuid4().hex[:12]
KEY = "a-key"       # the one metadata key, extra spec and property name every resource of A's has
TAG = "a-tag"       # the one tag
SPEC = "a-spec"     # the private flavor's extra spec
MICROVERSIONS = {"compute": ("2.1", "latest"), "volume": ("3.0", "latest")}
VERSIONED = ("/compute/v2.1/", "/volume/v3/")  # where the microversion header counts
REFUSED = {401, 403, 404}
NOT_SERVED = {405, 501}
READS = ("GET", "HEAD")
WRITES = ("POST", "PUT", "PATCH")


def setUpModule():
    begin(Stack().start())


def begin(given, serving=None):
    """The matrix asks `given` (a started stack); which rows are served is `serving`'s to say (a stack whose
    --coverage tells: `given` itself, or the upstream a stack on the openstack driver passes them to)."""
    global stack, catalogue, project_a, token_a, user_a, project_b, token_b, unscoped_b, project_c, admin_project
    stack = given
    conf = os.path.join((serving or given).state, "jumpgate.conf")
    run = subprocess.run([WORKER, "--config", conf, "--coverage=json"], capture_output=True, text=True, check=True)
    catalogue = [row for row in json.loads(run.stdout) if row["driver"]]
    project_a, token_a, _ = stack.member("matrix-a", password="a-secret")
    project_b, token_b, _ = stack.member("matrix-b", password="b-secret")
    project_c = stack.manage("project", "create", "matrix-c")
    admin_project = whoami(stack.token)["project"]["id"]
    user_a = whoami(token_a)["user"]["id"]
    status, hdrs, body = stack.request("POST", "/identity/v3/auth/tokens", auth=False, body={"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": "matrix-b-user", "domain": {"id": "default"}, "password": "b-secret"}}}}})
    assert status == 201, body
    unscoped_b = hdrs["x-subject-token"]


def tearDownModule():
    stack.stop()


def whoami(token):
    status, _, body = stack.get_json("/identity/v3/auth/tokens", headers={"X-Subject-Token": token})
    assert status == 200, body
    return body["token"]


_connections = threading.local()


def send(method, path, token=None, body=None, headers=None, version=None, service=None):
    """One request on this thread's kept-alive connection; returns (status, headers, body bytes).
    nginx's own 503 (image uploads beyond their share of the workers, the matrix's threads
    uploading at once) is no answer of the API's: the request is made again."""
    for _ in range(200):
        status, hdrs, data = send_once(method, path, token, body, headers, version, service)
        if not (status == 503 and data.startswith(b"<html>")):
            break
        time.sleep(0.05)
    return status, hdrs, data


def send_once(method, path, token=None, body=None, headers=None, version=None, service=None):
    hdrs = dict(headers or {})
    if token:
        hdrs["X-Auth-Token"] = token
    if version:
        hdrs["OpenStack-API-Version"] = f"{service} {version}"
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
        hdrs.setdefault("Content-Type", "application/json")
    for attempt in (0, 1):
        conn = getattr(_connections, "conn", None)
        if conn is None:
            conn = _connections.conn = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=hdrs)
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        except (http.client.HTTPException, OSError):
            conn.close()
            _connections.conn = None
            if attempt:
                raise


def call(method, path, token, body=None, version=None, service=None, ok=(200, 201, 202, 204)):
    """A request the set-up needs to succeed; its JSON."""
    status, _, data = send(method, path, token, body, version=version, service=service)
    assert status in ok, (method, path, status, data[:500])
    return json.loads(data) if data else None


def wait(path, token, key, field, wanted, service=None, version=None):
    deadline = time.time() + 15
    while True:
        got = call("GET", path, token, version=version, service=service)[key]
        if got[field] == wanted or time.time() > deadline:
            assert got[field] == wanted, (path, got)
            return got
        time.sleep(0.2)


# What A owns, made once through the API. Each factory returns its resource; `SECRETS` gets what only A may see,
# `READERS` how to read the resource again (as its owner) to show that nothing changed.
SECRETS = set()
READERS = {}


def secret(*values):
    SECRETS.update(v for v in values if isinstance(v, str) and len(v) >= 8)


def reader(label, path, token=None, service=None, version=None, headers=None):
    READERS[label] = (path, token or token_a, service, version, headers)


C = "/compute/v2.1"
V = "/volume/v3"
N = "/network/v2.0"


@functools.cache
def a_network():
    net = call("POST", f"{N}/networks", token_a, {"network": {"name": MARK + "-net", "description": MARK}})["network"]
    sub = call("POST", f"{N}/subnets", token_a, {"subnet": {
        "network_id": net["id"], "ip_version": 4, "cidr": "10.77.0.0/24", "name": MARK + "-subnet"}})["subnet"]
    for collection, thing in (("networks", net), ("subnets", sub)):
        call("PUT", f"{N}/{collection}/{thing['id']}/tags/{TAG}", token_a)
        reader(collection, f"{N}/{collection}/{thing['id']}")
    secret(net["id"], net["name"], sub["id"], sub["name"])
    return net, sub


@functools.cache
def external_network():
    # Admin's, and every project's to allocate floating IPs from, as in Neutron: not A's.
    net = call("POST", f"{N}/networks", stack.token, {"network": {"name": "matrix-public", "router:external": True}})
    call("POST", f"{N}/subnets", stack.token, {"subnet": {
        "network_id": net["network"]["id"], "ip_version": 4, "cidr": "172.24.77.0/24"}})
    return net["network"]


@functools.cache
def a_security_group():
    sg = call("POST", f"{N}/security-groups", token_a, {"security_group": {
        "name": MARK + "-sg", "description": MARK}})["security_group"]
    rule = call("POST", f"{N}/security-group-rules", token_a, {"security_group_rule": {
        "security_group_id": sg["id"], "direction": "ingress", "protocol": "tcp", "port_range_min": 22,
        "port_range_max": 22, "description": MARK}})["security_group_rule"]
    call("PUT", f"{N}/security-groups/{sg['id']}/tags/{TAG}", token_a)
    reader("security-group", f"{N}/security-groups/{sg['id']}")
    secret(sg["id"], sg["name"], rule["id"])
    return sg, rule


@functools.cache
def a_router():
    router = call("POST", f"{N}/routers", token_a, {"router": {"name": MARK + "-router"}})["router"]
    call("PUT", f"{N}/routers/{router['id']}/add_router_interface", token_a, {"subnet_id": a_network()[1]["id"]})
    call("PUT", f"{N}/routers/{router['id']}/tags/{TAG}", token_a)
    reader("router", f"{N}/routers/{router['id']}")
    reader("router-ports", f"{N}/ports?device_id={router['id']}")
    secret(router["id"], router["name"])
    return router


@functools.cache
def a_floatingip():
    fip = call("POST", f"{N}/floatingips", token_a, {"floatingip": {
        "floating_network_id": external_network()["id"], "description": MARK}})["floatingip"]
    call("PUT", f"{N}/floatingips/{fip['id']}/tags/{TAG}", token_a)
    reader("floatingip", f"{N}/floatingips/{fip['id']}")
    secret(fip["id"])
    return fip


@functools.cache
def a_subnetpool():
    pool = call("POST", f"{N}/subnetpools", token_a, {"subnetpool": {
        "name": MARK + "-pool", "prefixes": ["10.88.0.0/16"], "default_prefixlen": 24}})["subnetpool"]
    call("PUT", f"{N}/subnetpools/{pool['id']}/tags/{TAG}", token_a)
    reader("subnetpool", f"{N}/subnetpools/{pool['id']}")
    secret(pool["id"], pool["name"])
    return pool


@functools.cache
def a_image():
    image = call("POST", "/image/v2/images", token_a, {
        "name": MARK + "-image", "disk_format": "raw", "container_format": "bare", "visibility": "shared",
        KEY: MARK, "tags": [TAG]})
    send("PUT", f"/image/v2/images/{image['id']}/file", token_a, (MARK * 64).encode(),
         headers={"Content-Type": "application/octet-stream"})
    # Shared with C (not B): a member's view is one more thing B must not reach.
    call("POST", f"/image/v2/images/{image['id']}/members", token_a, {"member": project_c})
    reader("image", f"/image/v2/images/{image['id']}")
    reader("image-members", f"/image/v2/images/{image['id']}/members")
    secret(image["id"], image["name"])
    return image


@functools.cache
def a_namespace():
    """A private metadata definitions namespace of A's project, with one of each thing it holds; only an admin
    makes one (Glance's default policy), so A may read it but change nothing either."""
    ns = call("POST", "/image/v2/metadefs/namespaces", stack.token, {
        "namespace": MARK + "::NS", "display_name": MARK, "visibility": "private", "owner": project_a,
        "resource_type_associations": [{"name": "OS::Glance::Image", "prefix": "a_"}],
        "properties": {MARK + "-prop": {"title": MARK, "type": "string"}},
        "objects": [{"name": MARK + "-object", "description": MARK}], "tags": [{"name": TAG}]})
    reader("metadef-namespace", f"/image/v2/metadefs/namespaces/{ns['namespace']}")
    secret(ns["namespace"], MARK + "-prop", MARK + "-object")
    return ns


@functools.cache
def a_keypair():
    pair = call("POST", f"{C}/os-keypairs", token_a, {"keypair": {"name": MARK + "-key"}})["keypair"]
    reader("keypair", f"{C}/os-keypairs/{pair['name']}")
    secret(pair["name"], pair["public_key"], pair["fingerprint"])
    return pair


@functools.cache
def a_flavor():
    # Flavors are made by the admin; a private one with access for A alone is A's to see, and only A's.
    flavor = call("POST", f"{C}/flavors", stack.token, {"flavor": {
        "name": MARK + "-flavor", "id": MARK + "-flavor", "ram": 64, "vcpus": 1, "disk": 1,
        "os-flavor-access:is_public": False}})["flavor"]
    call("POST", f"{C}/flavors/{flavor['id']}/action", stack.token, {"addTenantAccess": {"tenant": project_a}})
    call("POST", f"{C}/flavors/{flavor['id']}/os-extra_specs", stack.token, {"extra_specs": {SPEC: MARK}})
    reader("flavor", f"{C}/flavors/{flavor['id']}", stack.token, "compute", "latest")
    reader("flavor-access", f"{C}/flavors/{flavor['id']}/os-flavor-access", stack.token)
    reader("flavor-specs", f"{C}/flavors/{flavor['id']}/os-extra_specs", stack.token)
    secret(flavor["id"])
    return flavor


@functools.cache
def a_server():
    net, _ = a_network()
    body = call("POST", f"{C}/servers", token_a, {"server": {
        "name": MARK + "-server", "imageRef": a_image()["id"], "flavorRef": a_flavor()["id"],
        "networks": [{"uuid": net["id"]}], "metadata": {KEY: MARK}, "key_name": a_keypair()["name"],
        "security_groups": [{"name": a_security_group()[0]["name"]}]}})["server"]
    server = wait(f"{C}/servers/{body['id']}", token_a, "server", "status", "ACTIVE")
    call("PUT", f"{C}/servers/{server['id']}/tags/{TAG}", token_a, version="2.26", service="compute")
    reader("server", f"{C}/servers/{server['id']}", token_a, "compute", "latest")
    reader("server-interfaces", f"{C}/servers/{server['id']}/os-interface")
    reader("server-actions", f"{C}/servers/{server['id']}/os-instance-actions")
    secret(server["id"], server["name"], server["user_id"])
    return server


@functools.cache
def a_server_port():
    port = call("GET", f"{N}/ports?device_id={a_server()['id']}", token_a)["ports"][0]
    call("PUT", f"{N}/ports/{port['id']}/tags/{TAG}", token_a)
    reader("port", f"{N}/ports/{port['id']}")
    secret(port["id"], port["mac_address"])
    return port


@functools.cache
def a_volume_type():
    # Types are made by the admin; a private one with access for A alone, as for the flavor.
    vtype = call("POST", f"{V}/{admin_project}/types", stack.token, {"volume_type": {
        "name": MARK + "-type", "os-volume-type-access:is_public": False, "extra_specs": {KEY: MARK}}})["volume_type"]
    call("POST", f"{V}/{admin_project}/types/{vtype['id']}/action", stack.token,
         {"addProjectAccess": {"project": project_a}})
    reader("type", f"{V}/{admin_project}/types/{vtype['id']}", stack.token)
    reader("type-access", f"{V}/{admin_project}/types/{vtype['id']}/os-volume-type-access", stack.token)
    secret(vtype["id"], vtype["name"])
    return vtype


# Groups are Cinder 3.11 (types) to 3.14 (group snapshots): asked at a microversion that has them all.
GROUPS = "3.25"


def call_groups(method, path, token, body=None):
    return call(method, path, token, body, service="volume", version=GROUPS)


@functools.cache
def a_group_type():
    # Cinder has no access list for group types: a private one is the admin's alone, and so is every group spec.
    gtype = call_groups("POST", f"{V}/{admin_project}/group_types", stack.token, {"group_type": {
        "name": MARK + "-gtype", "is_public": False, "group_specs": {KEY: MARK}}})["group_type"]
    reader("group-type", f"{V}/{admin_project}/group_types/{gtype['id']}", stack.token, "volume", GROUPS)
    secret(gtype["id"], gtype["name"])
    return gtype


@functools.cache
def a_public_group_type():
    # What A's group is of: any project may use a public group type (its name is no secret; its specs are hidden).
    return call_groups("POST", f"{V}/{admin_project}/group_types", stack.token, {"group_type": {
        "name": "matrix-public-gtype", "is_public": True}})["group_type"]


@functools.cache
def a_group():
    body = call_groups("POST", f"{V}/{project_a}/groups", token_a, {"group": {
        "name": MARK + "-group", "description": MARK, "group_type": a_public_group_type()["id"],
        "volume_types": [a_volume_type()["id"]]}})["group"]
    path = f"{V}/{project_a}/groups/{body['id']}?list_volume=true"
    group = wait(path, token_a, "group", "status", "available", service="volume", version=GROUPS)
    reader("group", path, None, "volume", GROUPS)
    secret(group["id"], group["name"])
    return group


@functools.cache
def a_group_snapshot():
    body = call_groups("POST", f"{V}/{project_a}/group_snapshots", token_a, {"group_snapshot": {
        "group_id": a_group()["id"], "name": MARK + "-gsnap", "description": MARK}})["group_snapshot"]
    path = f"{V}/{project_a}/group_snapshots/{body['id']}"
    snapshot = wait(path, token_a, "group_snapshot", "status", "available", service="volume", version=GROUPS)
    reader("group-snapshot", path, None, "volume", GROUPS)
    secret(snapshot["id"], snapshot["name"])
    return snapshot


def a_new_volume(label):
    body = call("POST", f"{V}/{project_a}/volumes", token_a, {"volume": {
        "size": 1, "name": f"{MARK}-{label}", "description": MARK, "metadata": {KEY: MARK},
        "volume_type": a_volume_type()["name"]}})["volume"]
    volume = wait(f"{V}/{project_a}/volumes/{body['id']}", token_a, "volume", "status", "available")
    secret(volume["id"], volume["name"])
    return volume


@functools.cache
def a_volume():
    volume = a_new_volume("volume")
    reader("volume", f"{V}/{project_a}/volumes/{volume['id']}")
    return volume


@functools.cache
def a_message():
    # A volume no backend takes (its type asks for a vendor the backend is not) leaves A a user message (3.3).
    vtype = call("POST", f"{V}/{admin_project}/types", stack.token, {"volume_type": {
        "name": MARK + "-unplaced", "extra_specs": {"vendor_name": MARK + "-vendor"}}})["volume_type"]
    body = call("POST", f"{V}/{project_a}/volumes", token_a, {"volume": {
        "size": 1, "name": MARK + "-unplaced", "volume_type": vtype["id"]}})["volume"]
    wait(f"{V}/{project_a}/volumes/{body['id']}", token_a, "volume", "status", "error")
    message = next(m for m in call("GET", f"{V}/{project_a}/messages", token_a, version="3.3",
                                   service="volume")["messages"] if m["resource_uuid"] == body["id"])
    reader("message", f"{V}/{project_a}/messages/{message['id']}", token_a, "volume", "3.3")
    return message


@functools.cache
def a_attached_volume():
    volume = a_new_volume("attached")
    server = a_server()
    call("POST", f"{C}/servers/{server['id']}/os-volume_attachments", token_a,
         {"volumeAttachment": {"volumeId": volume["id"]}})
    volume = wait(f"{V}/{project_a}/volumes/{volume['id']}", token_a, "volume", "status", "in-use")
    reader("attached-volume", f"{V}/{project_a}/volumes/{volume['id']}")
    reader("server-volumes", f"{C}/servers/{server['id']}/os-volume_attachments")
    secret(volume["attachments"][0]["attachment_id"])
    return volume


@functools.cache
def a_snapshot():
    body = call("POST", f"{V}/{project_a}/snapshots", token_a, {"snapshot": {
        "volume_id": a_volume()["id"], "name": MARK + "-snapshot", "metadata": {KEY: MARK}}})["snapshot"]
    snapshot = wait(f"{V}/{project_a}/snapshots/{body['id']}", token_a, "snapshot", "status", "available")
    reader("snapshot", f"{V}/{project_a}/snapshots/{snapshot['id']}")
    secret(snapshot["id"], snapshot["name"])
    return snapshot


@functools.cache
def a_backup():
    body = call("POST", f"{V}/{project_a}/backups", token_a, {"backup": {
        "volume_id": a_volume()["id"], "name": MARK + "-backup", "description": MARK}})["backup"]
    backup = wait(f"{V}/{project_a}/backups/{body['id']}", token_a, "backup", "status", "available")
    reader("backup", f"{V}/{project_a}/backups/{backup['id']}")
    secret(backup["id"], backup["name"])
    return backup


@functools.cache
def a_transfer():
    # A volume of its own: one awaiting transfer takes no snapshot, backup or extension.
    volume = a_new_volume("transfer")
    transfer = call("POST", f"{V}/{project_a}/os-volume-transfer", token_a, {"transfer": {
        "volume_id": volume["id"], "name": MARK + "-transfer"}})["transfer"]
    reader("transfer", f"{V}/{project_a}/os-volume-transfer/{transfer['id']}")
    reader("transfer-volume", f"{V}/{project_a}/volumes/{volume['id']}")
    secret(transfer["id"], transfer["name"], transfer["auth_key"])
    return transfer


@functools.cache
def a_encrypted_type():
    # A private type with access for A, as a_volume_type, and encrypted; A's volumes are of the other, since a
    # type's encryption may not change while volumes have it.
    vtype = call("POST", f"{V}/{admin_project}/types", stack.token, {"volume_type": {
        "name": MARK + "-encrypted", "os-volume-type-access:is_public": False}})["volume_type"]
    call("POST", f"{V}/{admin_project}/types/{vtype['id']}/action", stack.token,
         {"addProjectAccess": {"project": project_a}})
    call("POST", f"{V}/{admin_project}/types/{vtype['id']}/encryption", stack.token, {"encryption": {
        "provider": "luks", "cipher": "aes-xts-plain64", "key_size": 256, "control_location": "front-end"}})
    reader("type-encryption", f"{V}/{admin_project}/types/{vtype['id']}/encryption", stack.token)
    secret(vtype["id"], vtype["name"])
    return vtype


@functools.cache
def a_qos_spec():
    # The cloud's (Cinder's policy keeps QoS specs to admins), with a spec of A's mark, associated with A's type.
    qos = call("POST", f"{V}/{admin_project}/qos-specs", stack.token, {"qos_specs": {
        "name": MARK + "-qos", KEY: MARK}})["qos_specs"]
    call("GET", f"{V}/{admin_project}/qos-specs/{qos['id']}/associate?vol_type_id={a_volume_type()['id']}",
         stack.token)
    reader("qos", f"{V}/{admin_project}/qos-specs/{qos['id']}", stack.token)
    reader("qos-associations", f"{V}/{admin_project}/qos-specs/{qos['id']}/associations", stack.token)
    secret(qos["id"], qos["name"])
    return qos


@functools.cache
def a_metering_label():
    # The cloud's (Neutron's policy keeps metering to admins), counting A's traffic: not even A sees it.
    label = call("POST", f"{N}/metering/metering-labels", stack.token, {"metering_label": {
        "name": MARK + "-label", "description": MARK, "project_id": project_a}})["metering_label"]
    rule = call("POST", f"{N}/metering/metering-label-rules", stack.token, {"metering_label_rule": {
        "metering_label_id": label["id"], "remote_ip_prefix": "10.77.0.0/24"}})["metering_label_rule"]
    reader("metering-label", f"{N}/metering/metering-labels/{label['id']}", stack.token)
    reader("metering-label-rule", f"{N}/metering/metering-label-rules/{rule['id']}", stack.token)
    secret(label["id"], rule["id"])
    return label, rule


@functools.cache
def a_application_credential():
    cred = call("POST", f"/identity/v3/users/{user_a}/application_credentials", token_a,
                {"application_credential": {"name": MARK + "-cred"}})["application_credential"]
    reader("application-credentials", f"/identity/v3/users/{user_a}/application_credentials")
    secret(cred["id"], cred["name"], cred["secret"])
    return cred


@functools.cache
def a_project():
    reader("project", f"/identity/v3/projects/{project_a}", stack.token)
    reader("tenant", f"/identity/v2.0/tenants/{project_a}", stack.token)
    reader("quota-compute", f"{C}/os-quota-sets/{project_a}/detail")
    reader("quota-volume", f"{V}/{project_a}/os-quota-sets/{project_a}?usage=True")
    reader("quota-network", f"{N}/quotas/{project_a}/details")
    return project_a


@functools.cache
def a_user():
    # A role on the domain and on the system too, so that their grant endpoints name one that exists.
    member = cloud("role")
    call("PUT", f"/identity/v3/domains/default/users/{user_a}/roles/{member}", stack.token)
    call("PUT", f"/identity/v3/system/users/{user_a}/roles/{member}", stack.token)
    for target in ("domains/default", f"projects/{project_a}"):
        call("PUT", f"/identity/v3/OS-INHERIT/{target}/users/{user_a}/roles/{member}/inherited_to_projects",
             stack.token)
    reader("user", f"/identity/v3/users/{user_a}", stack.token)
    reader("user-inherited-roles",
           f"/identity/v3/OS-INHERIT/domains/default/users/{user_a}/roles/inherited_to_projects", stack.token)
    reader("user-assignments", f"/identity/v3/role_assignments?user.id={user_a}", stack.token)
    reader("user-roles", f"/identity/v3/projects/{project_a}/users/{user_a}/roles", stack.token)
    reader("user-domain-roles", f"/identity/v3/domains/default/users/{user_a}/roles", stack.token)
    reader("user-system-roles", f"/identity/v3/system/users/{user_a}/roles", stack.token)
    reader("token", "/identity/v3/auth/tokens", stack.token, headers={"X-Subject-Token": token_a})
    secret(user_a, token_a)
    return user_a


@functools.cache
def a_project_tag():
    """A's project's tag, which only the admin sets (Keystone's default policy)."""
    call("PUT", f"/identity/v3/projects/{project_a}/tags/{TAG}", stack.token)
    reader("project-tags", f"/identity/v3/projects/{project_a}/tags", stack.token)
    return TAG


@functools.cache
def a_v2_ec2_credential():
    cred = call("POST", f"/identity/v2.0/users/{a_user()}/credentials/OS-EC2", token_a,
                {"tenant_id": project_a})["credential"]
    reader("v2-ec2-credentials", f"/identity/v2.0/users/{user_a}/credentials/OS-EC2")
    secret(cred["access"], cred["secret"])
    return cred


@functools.cache
def a_identity_group():
    """A's group (Keystone's, not Cinder's): the admin's, with A in it and a role of its on A's project, on the
    domain and inherited from both, so that every path that names it names something that exists."""
    group = call("POST", "/identity/v3/groups", stack.token,
                 {"group": {"name": MARK + "-group", "description": MARK}})["group"]
    call("PUT", f"/identity/v3/groups/{group['id']}/users/{a_user()}", stack.token)
    member = cloud("role")
    for grant in (f"projects/{project_a}/groups/{group['id']}/roles/{member}",
                  f"domains/default/groups/{group['id']}/roles/{member}",
                  f"OS-INHERIT/domains/default/groups/{group['id']}/roles/{member}/inherited_to_projects",
                  f"OS-INHERIT/projects/{project_a}/groups/{group['id']}/roles/{member}/inherited_to_projects",
                  f"system/groups/{group['id']}/roles/{member}"):
        call("PUT", "/identity/v3/" + grant, stack.token)
    reader("identity-group", f"/identity/v3/groups/{group['id']}", stack.token)
    reader("identity-group-users", f"/identity/v3/groups/{group['id']}/users", stack.token)
    reader("user-groups", f"/identity/v3/users/{user_a}/groups", stack.token)
    reader("group-assignments", f"/identity/v3/role_assignments?group.id={group['id']}", stack.token)
    reader("group-system-roles", f"/identity/v3/system/groups/{group['id']}/roles", stack.token)
    secret(group["id"], group["name"])
    return group


@functools.cache
def a_credential():
    cred = call("POST", "/identity/v3/credentials", token_a, {"credential": {
        "user_id": a_user(), "type": "totp", "blob": MARK + "-totp-seed"}})["credential"]
    reader("credential", f"/identity/v3/credentials/{cred['id']}")
    secret(cred["id"])
    return cred


@functools.cache
def a_trust():
    """A's trust (A to A on A's project): its trustor and trustee read it, nobody else."""
    trust = call("POST", "/identity/v3/OS-TRUST/trusts", token_a, {"trust": {
        "trustor_user_id": a_user(), "trustee_user_id": user_a, "project_id": project_a, "impersonation": False,
        "roles": [{"name": "member"}]}})["trust"]
    reader("trust", f"/identity/v3/OS-TRUST/trusts/{trust['id']}")
    secret(trust["id"])
    return trust


@functools.cache
def cloud_catalog_object(kind):
    """A policy or an endpoint group: the admin's, which B must neither read nor change."""
    if kind == "policy":
        found = call("POST", "/identity/v3/policies", stack.token, {"policy": {
            "blob": MARK, "type": "application/json"}})["policy"]
        path = f"/identity/v3/policies/{found['id']}"
    else:
        found = call("POST", "/identity/v3/OS-EP-FILTER/endpoint_groups", stack.token, {"endpoint_group": {
            "name": MARK, "filters": {"interface": "public"}}})["endpoint_group"]
        path = f"/identity/v3/OS-EP-FILTER/endpoint_groups/{found['id']}"
    reader(kind, path, stack.token)
    return found["id"]


@functools.cache
def cloud_domain_config():
    """The default domain's configuration: the admin's, which B must neither read nor change; its domain."""
    call("PUT", "/identity/v3/domains/default/config", stack.token, {"config": {"identity": {"driver": "sql"}}})
    reader("domain-config", "/identity/v3/domains/default/config", stack.token)
    return "default"


@functools.cache
def cloud_consumer():
    """An OAuth1 consumer: the admin's; B neither reads nor changes it, and its secret is never shown again."""
    found = call("POST", "/identity/v3/OS-OAUTH1/consumers", stack.token,
                 {"consumer": {"description": MARK}})["consumer"]
    reader("consumer", f"/identity/v3/OS-OAUTH1/consumers/{found['id']}", stack.token)
    secret(found["secret"])
    return found["id"]


@functools.cache
def a_ec2_credential():
    cred = call("POST", f"/identity/v3/users/{a_user()}/credentials/OS-EC2", token_a,
                {"tenant_id": project_a})["credential"]
    reader("ec2-credentials", f"/identity/v3/users/{user_a}/credentials/OS-EC2")
    secret(cred["access"], cred["secret"])
    return cred


@functools.cache
def cloud(kind):
    """One of the cloud's own identity objects (the admin's, not A's): what B must not change."""
    if kind in ("role", "reader"):
        found = call("GET", f"/identity/v3/roles?name={'member' if kind == 'role' else 'reader'}",
                     stack.token)["roles"][0]
        path = f"/identity/v3/roles/{found['id']}"
    elif kind == "domain":
        found, path = {"id": "default"}, "/identity/v3/domains/default"
    elif kind == "region":
        found = call("GET", "/identity/v3/regions", stack.token)["regions"][0]
        path = f"/identity/v3/regions/{found['id']}"
    else:
        found = call("GET", f"/identity/v3/{kind}s", stack.token)[kind + "s"][0]
        path = f"/identity/v3/{kind}s/{found['id']}"
    reader(kind, path, stack.token)
    return found["id"]


@functools.cache
def a_server_group():
    found = call("POST", f"{C}/os-server-groups", token_a, {"server_group": {
        "name": MARK + "-group", "policies": ["affinity"]}})["server_group"]
    reader("server-group", f"{C}/os-server-groups/{found['id']}", token_a)
    secret(found["id"])
    return found


@functools.cache
def cloud_aggregate():
    """A host aggregate of the cloud's (only admins see or change aggregates)."""
    found = call("POST", f"{C}/os-aggregates", stack.token, {"aggregate": {"name": MARK + "-aggregate"}})["aggregate"]
    reader("aggregate", f"{C}/os-aggregates/{found['id']}", stack.token)
    return str(found["id"])


@functools.cache
def cloud_hypervisor():
    """The cloud's compute host: its id before 2.53 (every version's B is refused before the id is read)."""
    # No reader: what a service and a hypervisor show moves by itself (updated_at, the servers others make).
    return call("GET", f"{C}/os-hypervisors", stack.token)["hypervisors"][0]


@functools.cache
def compute_host():
    """The cloud's compute host, as Nova's os-hosts names it."""
    return next(h["host_name"] for h in call("GET", f"{C}/os-hosts", stack.token)["hosts"] if h["service"] == "compute")


def volume_attachment_id():
    return a_attached_volume()["attachments"][0]["attachment_id"]


# What A makes is A's alone: the image is shared with C (not B), the flavor and the volume type are private with
# access for A, so none of the things the real APIs share (public images, flavors and types, shared networks) is
# in a path; the external network the floating IP comes from is the admin's and only in a body.
# Placeholder -> (whose: "A" for A's resource, "cloud" for the admin's, which A may not change either;
# the value to put in the path).
FACTORIES = {
    "tenant_id": ("A", a_project),
    "project_id": ("A", a_project),
    "target_id": ("A", a_project),
    "account_id": ("A", a_project),
    "user_id": ("A", a_user),
    "token_id": ("A", lambda: a_user() and token_a),
    "application_credential_id": ("A", lambda: a_application_credential()["id"]),
    "credential_id": ("A", lambda: a_credential()["id"]),
    "server_id": ("A", lambda: a_server()["id"]),
    "instance_id": ("A", lambda: a_server()["id"]),
    "action_id": ("A", lambda: call("GET", f"{C}/servers/{a_server()['id']}/os-instance-actions",
                                    token_a)["instanceActions"][0]["request_id"]),
    "network_label": ("A", lambda: a_network()[0]["name"]),
    "keypair_name": ("A", lambda: a_keypair()["name"]),
    "flavor_id": ("A", lambda: a_flavor()["id"]),
    "key_id": ("A", lambda: a_flavor() and SPEC),
    "image_guid": ("A", lambda: a_image()["id"]),
    "member_id": ("A", lambda: a_image() and project_c),
    "owner": ("A", lambda: a_image() and project_c),
    "namespace_name": ("A", lambda: a_namespace()["namespace"]),
    "object_name": ("A", lambda: a_namespace() and MARK + "-object"),
    "property_name": ("A", lambda: a_namespace() and MARK + "-prop"),
    "tag_name": ("A", lambda: a_namespace() and TAG),
    "resource_type_name": ("A", lambda: a_namespace() and "OS::Glance::Image"),
    "network_id": ("A", lambda: a_network()[0]["id"]),
    "subnet_id": ("A", lambda: a_network()[1]["id"]),
    "port_id": ("A", lambda: a_server_port()["id"]),
    "router_id": ("A", lambda: a_router()["id"]),
    "floatingip_id": ("A", lambda: a_floatingip()["id"]),
    "id": ("A", lambda: a_floatingip()["id"]),  # os-floating-ips/{id}: Nova's proxy of A's floating IP
    "security_group_id": ("A", lambda: a_security_group()[0]["id"]),
    "security_group_rule_id": ("A", lambda: a_security_group()[1]["id"]),
    "subnetpool_id": ("A", lambda: a_subnetpool()["id"]),
    "metering_label_id": ("cloud", lambda: a_metering_label()[0]["id"]),
    "metering_label_rule_id": ("cloud", lambda: a_metering_label()[1]["id"]),
    "volume_id": ("A", lambda: a_volume()["id"]),
    "snapshot_id": ("A", lambda: a_snapshot()["id"]),
    "backup_id": ("A", lambda: a_backup()["id"]),
    "message_id": ("A", lambda: a_message()["id"]),
    "attachment_id": ("A", volume_attachment_id),
    "type_id": ("A", lambda: a_volume_type()["id"]),
    "group_type_id": ("cloud", lambda: a_group_type()["id"]),
    "group_id": ("A", lambda: a_group()["id"]),
    "group_snapshot_id": ("A", lambda: a_group_snapshot()["id"]),
    "transfer_id": ("A", lambda: a_transfer()["id"]),
    "qos_id": ("cloud", lambda: a_qos_spec()["id"]),
    # Every resource of A's has the key, the tag and (the server's image) the property.
    "key": ("A", lambda: a_server() and a_volume() and a_snapshot() and a_volume_type() and a_group_type() and KEY),
    "tag": ("A", lambda: a_server() and a_image() and a_network() and a_router() and a_floatingip()
            and a_subnetpool() and a_security_group() and a_server_port() and a_project_tag()),
    "role_id": ("cloud", lambda: cloud("role")),
    # The rule bootstrap makes, member implies reader: the admin's to change.
    "prior_role_id": ("cloud", lambda: cloud("role")),
    "implies_role_id": ("cloud", lambda: reader("role-inference", f"/identity/v3/roles/{cloud('role')}/implies/"
                                                                  f"{cloud('reader')}", stack.token) or cloud("reader")),
    "domain_id": ("cloud", lambda: cloud("domain")),
    "region_id": ("cloud", lambda: cloud("region")),
    "service_id": ("cloud", lambda: cloud("service")),
    "endpoint_id": ("cloud", lambda: cloud("endpoint")),
    "policy_id": ("cloud", lambda: cloud_catalog_object("policy")),
    "endpoint_group_id": ("cloud", lambda: cloud_catalog_object("endpoint_group")),
    "trust_id": ("A", lambda: a_trust()["id"]),
    "consumer_id": ("cloud", cloud_consumer),
    # A domain's configuration: its group and option (the defaults' too, which only the admin reads).
    "group": ("cloud", lambda: cloud_domain_config() and "identity"),
    "option": ("cloud", lambda: cloud_domain_config() and "driver"),
    "server_group_id": ("A", lambda: a_server_group()["id"]),
    "aggregate_id": ("cloud", cloud_aggregate),
    "hypervisor_id": ("cloud", lambda: str(cloud_hypervisor()["id"])),
    "hypervisor_hostname_pattern": ("cloud", lambda: cloud_hypervisor()["hypervisor_hostname"]),
    "host_name": ("cloud", lambda: next(h["host_name"] for h in call("GET", f"{V}/{admin_project}/os-hosts",
                                                                     stack.token)["hosts"]
                                        if h["service"] == "cinder-volume")),
}

# The placeholders that name no one's resource: the same static answer for every project.
STATIC = {
    "alias": "os-keypairs",  # an extension's alias (the document lists what the cloud supports)
    "domain": "example.org",  # floating-IP DNS (gone from Nova: 410 for everyone)
    "entry": "www",
    "console_id": "1",  # XenAPI consoles (gone from Nova: 410 for everyone)
    "action": "enable",  # os-services/{action}: the admin's, whoever's the service
    "class_name": "default",  # the quota class every project's defaults come from: the admin's
    "quota_class": "default",  # Nova's spelling of it
    "before_timestamp": "2026-01-01%2000:00:00",  # the usage audit of the month before (no project's)
}

# Where a placeholder means another of A's resources than its factory's.
OVERRIDES = {
    ("identity", "v3_user_ec2_credential", "credential_id"): lambda: a_ec2_credential()["access"],
    ("identity", "v2_user_ec2_credential", "credential_id"): lambda: a_v2_ec2_credential()["access"],
    ("compute", "v2_os_volume_attachments_detail", "volume_id"): lambda: a_attached_volume()["id"],
    # Nova's os-hosts names the compute host (Cinder's, the volume service's).
    ("compute", "v2_os_host", "host_name"): compute_host,
    ("compute", "v2_os_host_startup", "host_name"): compute_host,
    ("compute", "v2_os_host_shutdown", "host_name"): compute_host,
    ("compute", "v2_os_host_reboot", "host_name"): compute_host,
    ("compute", "v2_os_service", "service_id"): lambda: cloud_hypervisor() and call(
        "GET", f"{C}/os-services?binary=nova-scheduler", stack.token, version="2.53",
        service="compute")["services"][0]["id"],
    ("identity", "v3_domain_config", "domain_id"): cloud_domain_config,
    ("identity", "v3_domain_config_group", "domain_id"): cloud_domain_config,
    ("identity", "v3_domain_config_option", "domain_id"): cloud_domain_config,
    ("volume", "v3_type_encryption", "type_id"): lambda: a_encrypted_type()["id"],
    ("volume", "v3_type_encryption_key", "type_id"): lambda: a_encrypted_type()["id"],
    ("volume", "v3_type_encryption_key", "key"): lambda: a_encrypted_type() and "cipher",
}
# Identity's {group_id} is a Keystone group, not the Cinder group of the factory.
for _endpoint in ("v3_group", "v3_group_users", "v3_group_user", "v3_domain_group_roles", "v3_domain_group_role",
                  "v3_domain_group_role_assignment", "v3_project_group_roles", "v3_project_group_role",
                  "v3_inherited_domain_group_roles", "v3_inherited_domain_group_role",
                  "v3_inherited_project_group_role", "v3_system_group_roles", "v3_system_group_role"):
    OVERRIDES[("identity", _endpoint, "group_id")] = lambda: a_identity_group()["id"]

# The query a GET needs to be answered: Cinder's QoS association calls name the type there.
QUERIES = {
    ("volume", "v3_qos_spec_associate"): "vol_type_id={type_id}",
    ("volume", "v3_qos_spec_disassociate"): "vol_type_id={type_id}",
}

# Whoever has a transfer's id and its key may accept it, whatever their project: that is what a transfer is for.
# B has the id but not the key, and Cinder answers a wrong key 400.
KEYED = {("volume", "v3_transfer_accept", "POST"), ("volume", "v3_volume_transfer_accept", "POST")}

# What B may read (and only read): the same for every project, not A's.
SHARED = {
    # Nova's policy lets anyone read the default quotas; they are the cloud's, whichever project the path names.
    ("compute", "v2_os_quota_sets_target_defaults", "GET"),
    # The cloud's own identity objects. Keystone lets any token read regions; the catalogue's services and
    # endpoints are in every token's body already; the default domain and the roles are the cloud's. (Keystone's
    # default policy keeps services, endpoints and roles to readers of the system and a domain to tokens scoped
    # in it: a difference of Jumpgate's, but nothing of a project's.)
    ("identity", "v3_region", "GET"),
    ("identity", "v3_services_with_id", "GET"),
    ("identity", "v3_endpoints_with_id", "GET"),
    ("identity", "v3_domains_with_id", "GET"),
    ("identity", "v3_role", "GET"),
    # Glance v1's shared-images/{owner} lists the caller's own images shared with that owner (none of A's).
    ("image", "v1_shared_image_owner", "GET"),
}


def body_for(service, endpoint, method, w):
    """The bodies for `method` on `endpoint`: minimal ones that succeed for the resource's owner (several real
    actions for an action endpoint); None when the table has none."""
    table = BODIES.get((service, endpoint))
    if table is None:
        return None
    made = table(w)
    return made.get(method) if isinstance(made, dict) else made


def metadata(w):
    return {"POST": [{"metadata": {KEY: "b-was-here"}}], "PUT": [{"metadata": {"b": "b-was-here"}}]}


def metadata_key(w):
    return {"PUT": [{"meta": {KEY: "b-was-here"}}]}


def tags(w):
    return {"PUT": [{"tags": ["b-was-here"]}]}


def no_body(w):
    return {"PUT": [None], "POST": [None]}


def legacy_service(w):
    return {"PUT": [{"host": cloud_hypervisor()["hypervisor_hostname"], "binary": "nova-scheduler"}]}


BODIES = {
    ("compute", "v2_os_server_groups"): lambda w: {"POST": [{"server_group": {"name": "b-group",
                                                                              "policies": ["affinity"]}}]},
    ("compute", "v2_os_aggregates"): lambda w: {"POST": [{"aggregate": {"name": "b-was-here"}}]},
    ("compute", "v2_os_aggregate"): lambda w: {"PUT": [{"aggregate": {"name": "b-was-here"}}]},
    ("compute", "v2_os_aggregate_action"): lambda w: {"POST": [{"set_metadata": {"metadata": {"b": "b-was-here"}}}]},
    ("compute", "v2_os_services_enable"): legacy_service,
    ("compute", "v2_os_services_disable"): legacy_service,
    ("compute", "v2_os_service"): lambda w: {"PUT": [{"status": "disabled", "disabled_reason": "b-was-here"}]},
    ("compute", "v2_os_host"): lambda w: {"PUT": [{"status": "disable"}]},
    ("identity", "v3_domains_with_id"): lambda w: {"PATCH": [{"domain": {"description": "b-was-here"}}]},
    ("identity", "v3_domain_user_role"): no_body,
    ("identity", "v3_domain_user_role_assignment"): no_body,
    ("identity", "v3_project_user_role"): no_body,
    ("identity", "v3_system_user_role"): no_body,
    ("identity", "v3_role_imply"): no_body,
    ("identity", "v3_projects_with_id"): lambda w: {"PATCH": [{"project": {"description": "b-was-here"}}]},
    ("identity", "v3_user"): lambda w: {"PATCH": [{"user": {"enabled": False}}, {"user": {"password": "b-chose"}}]},
    ("identity", "v3_role"): lambda w: {"PATCH": [{"role": {"name": "b-was-here"}}]},
    ("identity", "v3_user_password"): lambda w: {"POST": [{"user": {"password": "b-chose",
                                                                     "original_password": "b-secret"}}]},
    ("identity", "v3_user_application_credentials"): lambda w: {
        "POST": [{"application_credential": {"name": "b-was-here"}}]},
    ("identity", "v3_group"): lambda w: {"PATCH": [{"group": {"description": "b-was-here"}}]},
    ("identity", "v3_group_user"): no_body,
    ("identity", "v3_project_group_role"): no_body,
    ("identity", "v3_domain_group_role"): no_body,
    ("identity", "v3_domain_group_role_assignment"): no_body,
    ("identity", "v3_inherited_domain_user_role"): no_body,
    ("identity", "v3_inherited_domain_group_role"): no_body,
    ("identity", "v3_inherited_project_user_role"): no_body,
    ("identity", "v3_inherited_project_group_role"): no_body,
    ("identity", "v3_credentail"): lambda w: {"PATCH": [{"credential": {"blob": "b-was-here"}}]},
    ("identity", "v3_user_ec2_credentials"): lambda w: {"POST": [{"tenant_id": project_b}, {"tenant_id": project_a}]},
    ("identity", "v3_project_tags"): lambda w: {"PUT": [{"tags": ["b-was-here"]}]},
    ("identity", "v3_project_tag"): no_body,
    ("identity", "v3_region"): lambda w: {"PUT": [{"region": {"description": "b-was-here"}}],
                                          "PATCH": [{"region": {"description": "b-was-here"}}]},
    ("identity", "v3_services_with_id"): lambda w: {"PATCH": [{"service": {"name": "b-was-here"}}]},
    ("identity", "v3_endpoints_with_id"): lambda w: {"PATCH": [{"endpoint": {"url": "http://b-was-here/"}}]},
    ("identity", "v3_policy"): lambda w: {"PATCH": [{"policy": {"blob": "b-was-here"}}]},
    ("identity", "v3_oauth_consumer"): lambda w: {"PATCH": [{"consumer": {"description": "b-was-here"}}]},
    ("identity", "v3_domain_config"): lambda w: {"PUT": [{"config": {"identity": {"driver": "b-was-here"}}}],
                                                 "PATCH": [{"config": {"identity": {"driver": "b-was-here"}}}]},
    ("identity", "v3_domain_config_group"): lambda w: {"PATCH": [{"config": {"identity": {"driver": "b-was-here"}}}]},
    ("identity", "v3_domain_config_option"): lambda w: {"PATCH": [{"config": {"driver": "b-was-here"}}]},
    ("identity", "v2_user_own_password"): lambda w: {"PATCH": [{"user": {"password": "b-chose",
                                                                         "original_password": "b-secret"}}]},
    ("identity", "v3_endpoint_group"): lambda w: {"PATCH": [{"endpoint_group": {"name": "b-was-here"}}]},
    ("identity", "v3_system_group_role"): no_body,
    # Keystone v2.0's administrative API: the admin's alone, on the same rows.
    ("identity", "v2_tenant"): lambda w: {"POST": [{"tenant": {"description": "b-was-here"}}],
                                          "PUT": [{"tenant": {"description": "b-was-here"}}]},
    ("identity", "v2_user"): lambda w: {"PUT": [{"user": {"enabled": False}}, {"user": {"password": "b-chose"}}]},
    ("identity", "v2_user_enabled"): lambda w: {"PUT": [{"user": {"enabled": False}}]},
    ("identity", "v2_user_password"): lambda w: {"PUT": [{"user": {"password": "b-chose"}}]},
    ("identity", "v2_tenant_user_role"): no_body,
    ("identity", "v2_user_ec2_credentials"): lambda w: {"POST": [{"tenant_id": project_b}, {"tenant_id": project_a}]},
    ("compute", "v2_server"): lambda w: {"PUT": [{"server": {"name": "b-was-here"}}]},
    ("compute", "v2_servers"): lambda w: {"POST": [{"server": {
        "name": "b-server", "imageRef": w["image_guid"], "flavorRef": w["flavor_id"],
        "networks": [{"uuid": w["network_id"]}]}}]},
    ("compute", "v2_server_metadata"): metadata,
    ("compute", "v2_server_metadata_key"): metadata_key,
    ("compute", "v2_image_metadata"): metadata,
    ("compute", "v2_image_metadata_key"): metadata_key,
    ("compute", "v2_server_action"): lambda w: {"POST": [
        {"os-stop": None}, {"reboot": {"type": "HARD"}}, {"pause": None}, {"suspend": None}, {"shelve": None},
        {"lock": None}, {"rescue": None}, {"changePassword": {"adminPass": "b-chose-1"}},
        {"createImage": {"name": "b-was-here"}}, {"rebuild": {"imageRef": w["image_guid"], "name": "b-was-here"}},
        {"resize": {"flavorRef": "2"}}, {"os-getConsoleOutput": {"length": 5}},
        {"addSecurityGroup": {"name": "default"}}, {"removeSecurityGroup": {"name": MARK + "-sg"}},
        {"addFloatingIp": {"address": a_floatingip()["floating_ip_address"]}},
        {"os-resetState": {"state": "error"}}, {"migrate": None},
        {"os-migrateLive": {"host": None, "block_migration": False}},
        {"createBackup": {"name": "b-was-here", "backup_type": "daily", "rotation": 1}},
        {"restore": None}, {"forceDelete": None}]},
    ("compute", "v2_os_server_external_events"): lambda w: {"POST": [
        {"events": [{"name": "network-changed", "server_uuid": w["server_id"]}]}]},
    ("compute", "v2_os_quota_class_set"): lambda w: {"PUT": [{"quota_class_set": {"instances": 1}}]},
    ("compute", "v2_flavor"): lambda w: {"PUT": [{"flavor": {"description": "b-was-here"}}]},
    ("compute", "v2_tenant_flavor"): lambda w: {"PUT": [{"flavor": {"description": "b-was-here"}}]},
    ("compute", "v2_tenant_flavors"): lambda w: {"POST": [{"flavor": {
        "name": "b-flavor", "ram": 64, "vcpus": 1, "disk": 1}}]},
    ("compute", "v2_os_extra_specs_flavor"): lambda w: {"POST": [{"extra_specs": {SPEC: "b-was-here"}}]},
    ("compute", "v2_os_extra_specs_flavor_key"): lambda w: {"PUT": [{SPEC: "b-was-here"}]},
    ("compute", "v2_flavor_action"): lambda w: {"POST": [
        {"addTenantAccess": {"tenant": project_b}}, {"removeTenantAccess": {"tenant": project_a}}]},
    ("compute", "v2_os_floating_ips"): lambda w: {"POST": [{"pool": "matrix-public"}]},
    ("compute", "v2_os_floating_ip_dns_domain"): lambda w: {"PUT": [{"domain_entry": {"scope": "public"}}]},
    ("compute", "v2_os_floating_ip_dns_domain_entry"): lambda w: {"PUT": [{"dns_entry": {"ip": "10.0.0.1"}}]},
    ("compute", "v2_os_consoles"): lambda w: {"POST": [{}]},
    ("compute", "v2_os_keypairs"): lambda w: {"POST": [{"keypair": {"name": "b-key"}}]},
    ("compute", "v2_os_tenant_networks"): lambda w: {"POST": [{"network": {"label": "b-net",
                                                                              "cidr": "10.99.0.0/24"}}]},
    ("compute", "v2_os_networks"): lambda w: {"POST": [{"network": {"label": "b-net", "cidr": "10.99.0.0/24"}}]},
    ("compute", "v2_os_quota_sets_target"): lambda w: {"PUT": [{"quota_set": {"instances": 1}}]},
    ("compute", "v2_os_tenant_quota_sets"): lambda w: {"PUT": [{"quota_set": {"instances": 1}}]},
    ("compute", "v2_os_security_groups"): lambda w: {"POST": [{"security_group": {"name": "b", "description": "b"}}]},
    ("compute", "v2_os_security_group"): lambda w: {"PUT": [{"security_group": {"name": "b-was-here",
                                                                                 "description": "b"}}]},
    ("compute", "v2_os_security_group_rules"): lambda w: {"POST": [{"security_group_rule": {
        "parent_group_id": w["security_group_id"], "ip_protocol": "tcp", "from_port": 80, "to_port": 80,
        "cidr": "0.0.0.0/0"}}]},
    ("compute", "v2_os_volume_attachments"): lambda w: {"POST": [{"volumeAttachment": {"volumeId": w["volume_id"]}}]},
    ("compute", "v2_os_volume_attachments_detail"): lambda w: {"PUT": [{"volumeAttachment": {
        "volumeId": w["volume_id"]}}]},
    ("compute", "v2_server_tags"): tags,
    ("compute", "v2_server_tag"): no_body,
    ("compute", "v2_server_interfaces"): lambda w: {"POST": [{"interfaceAttachment": {"net_id": w["network_id"]}}]},
    ("compute", "v2_os_volumes"): lambda w: {"POST": [{"volume": {"size": 1}}]},
    ("compute", "v2_os_snapshots"): lambda w: {"POST": [{"snapshot": {"volume_id": w["volume_id"]}}]},
    ("image", "v2_image"): lambda w: {"PATCH": [(
        [{"op": "replace", "path": "/name", "value": "b-was-here"}],
        "application/openstack-images-v2.1-json-patch")]},
    ("image", "v2_image_file"): lambda w: {"PUT": [(b"b-was-here", "application/octet-stream")]},
    ("image", "v2_image_tag"): no_body,
    ("image", "v1_image"): lambda w: {"PUT": [(b"", None, {"x-image-meta-name": "b-was-here"})]},
    ("image", "v1_image_members"): lambda w: {"PUT": [{"memberships": [{"member_id": project_b,
                                                                         "can_share": False}]}]},
    ("image", "v1_image_owner"): lambda w: {"PUT": [{"member": {"can_share": True}}]},
    ("image", "v2_image_members"): lambda w: {"POST": [{"member": project_b}]},
    ("image", "v2_image_member"): lambda w: {"PUT": [{"status": "accepted"}]},
    ("image", "v2_image_deactivate"): no_body,
    # Metadata definitions: A's member is refused these writes too (only admins make them), the admin is not.
    ("image", "v2_metadefs_namespace"): lambda w: {"PUT": [{"namespace": w["namespace_name"],
                                                            "display_name": "b-was-here"}]},
    ("image", "v2_metadefs_namespace_resource_types"): lambda w: {"POST": [{"name": "OS::Nova::Flavor"}]},
    ("image", "v2_metadefs_namespace_objects"): lambda w: {"POST": [{"name": "b-was-here"}]},
    ("image", "v2_metadefs_namespace_object"): lambda w: {"PUT": [{"name": w["object_name"],
                                                                   "description": "b-was-here"}]},
    ("image", "v2_metadefs_namespace_properties"): lambda w: {"POST": [{"name": "b-was-here", "title": "b",
                                                                        "type": "string"}]},
    ("image", "v2_metadefs_namespace_property"): lambda w: {"PUT": [{"name": w["property_name"], "title": "b",
                                                                      "type": "boolean"}]},
    ("image", "v2_metadefs_namespace_tags"): lambda w: {"POST": [{"tags": [{"name": "b-was-here"}]}]},
    ("image", "v2_metadefs_namespace_tag"): lambda w: {"POST": [None], "PUT": [{"name": "b-was-here"}]},
    ("image", "v2_image_reactivate"): no_body,
    ("network", "v2_network"): lambda w: {"PUT": [{"network": {"name": "b-was-here"}}]},
    ("network", "v2_subnet"): lambda w: {"PUT": [{"subnet": {"name": "b-was-here"}}]},
    ("network", "v2_port"): lambda w: {"PUT": [{"port": {"name": "b-was-here"}}]},
    ("network", "v2_router"): lambda w: {"PUT": [{"router": {"name": "b-was-here"}}]},
    ("network", "v2_router_add_interface"): lambda w: {"PUT": [{"subnet_id": w["subnet_id"]}]},
    ("network", "v2_router_remove_interface"): lambda w: {"PUT": [{"subnet_id": w["subnet_id"]}]},
    ("network", "v2_router_add_extraroutes"): lambda w: {"PUT": [{"router": {"routes": [
        {"destination": "10.9.0.0/24", "nexthop": "10.77.0.9"}]}}]},
    ("network", "v2_router_remove_extraroutes"): lambda w: {"PUT": [{"router": {"routes": [
        {"destination": "10.9.0.0/24", "nexthop": "10.77.0.9"}]}}]},
    ("network", "v2_floatingip"): lambda w: {"PUT": [{"floatingip": {"port_id": None}},
                                                     {"floatingip": {"description": "b-was-here"}}]},
    ("network", "v2_security_group"): lambda w: {"PUT": [{"security_group": {"name": "b-was-here"}}]},
    ("network", "v2_subnetpool"): lambda w: {"PUT": [{"subnetpool": {"name": "b-was-here"}}]},
    ("network", "v2_quota"): lambda w: {"PUT": [{"quota": {"network": 1}}]},
}
for _service, _collection in (("volume", "v2"), ("volume", "v3")):
    BODIES.update({
        (_service, f"{_collection}_volume"): lambda w: {"PUT": [{"volume": {"name": "b-was-here"}}]},
        (_service, f"{_collection}_volume_metadata"): metadata,
        (_service, f"{_collection}_volume_metadata_key"): metadata_key,
        (_service, f"{_collection}_volume_action"): lambda w: {"POST": [
            {"os-extend": {"new_size": 2}}, {"os-reset_status": {"status": "error"}}, {"os-force_delete": {}},
            {"os-set_bootable": {"bootable": True}}, {"os-update_readonly_flag": {"readonly": True}},
            {"os-attach": {"instance_uuid": w["server_id"], "mountpoint": "/dev/vdc"}}, {"os-detach": {}},
            {"os-volume_upload_image": {"image_name": "b-was-here"}}, {"os-reserve": {}}, {"os-unreserve": {}},
            {"os-force_detach": {}}, {"os-retype": {"new_type": "b-type"}},
            {"os-set_image_metadata": {"metadata": {KEY: "b-was-here"}}},
            {"os-unset_image_metadata": {"key": KEY}}, {"os-show_image_metadata": {}}]},
        (_service, f"{_collection}_quota_set"): lambda w: {"PUT": [{"quota_set": {"volumes": 1}}]},
    })
BODIES.update({
    ("volume", "v1_volume"): lambda w: {"PUT": [{"volume": {"display_name": "b-was-here"}}]},
    ("volume", "v1_volumes"): lambda w: {"POST": [{"volume": {"size": 1}}]},
    ("volume", "v2_volumes"): lambda w: {"POST": [{"volume": {"size": 1}}]},
    ("volume", "v3_volumes"): lambda w: {"POST": [{"volume": {"size": 1}}]},
    ("volume", "v1_volume_types"): lambda w: {"POST": [{"volume_type": {"name": "b-type"}}]},
    ("volume", "v2_volume_types"): lambda w: {"POST": [{"volume_type": {"name": "b-type"}}]},
    ("volume", "v3_types"): lambda w: {"POST": [{"volume_type": {"name": "b-type"}}]},
    ("volume", "v2_volume_type"): lambda w: {"PUT": [{"volume_type": {"description": "b-was-here"}}]},
    ("volume", "v3_type"): lambda w: {"PUT": [{"volume_type": {"description": "b-was-here"}}]},
    ("volume", "v3_type_action"): lambda w: {"POST": [
        {"addProjectAccess": {"project": project_b}}, {"removeProjectAccess": {"project": project_a}}]},
    ("volume", "v3_type_extra_specs"): lambda w: {"POST": [{"extra_specs": {KEY: "b-was-here"}}]},
    ("volume", "v3_type_extra_spec"): lambda w: {"PUT": [{KEY: "b-was-here"}]},
    ("volume", "v2_snapshots"): lambda w: {"POST": [{"snapshot": {"volume_id": w["volume_id"]}}]},
    ("volume", "v3_snapshots"): lambda w: {"POST": [{"snapshot": {"volume_id": w["volume_id"]}}]},
    ("volume", "v2_snapshot"): lambda w: {"PUT": [{"snapshot": {"name": "b-was-here"}}]},
    ("volume", "v3_snapshot"): lambda w: {"PUT": [{"snapshot": {"name": "b-was-here"}}]},
    ("volume", "v3_snapshot_action"): lambda w: {"POST": [
        {"os-reset_status": {"status": "error"}}, {"os-force_delete": {}},
        {"os-update_snapshot_status": {"status": "error", "progress": "b-was-here"}}]},
    ("volume", "v3_snapshot_metadata"): metadata,
    ("volume", "v3_snapshot_metadata_key"): metadata_key,
    ("volume", "v3_attachments"): lambda w: {"POST": [{"attachment": {"volume_uuid": w["volume_id"],
                                                                      "instance_uuid": w["server_id"]}}]},
    ("volume", "v3_attachment"): lambda w: {"PUT": [{"attachment": {"connector": {"host": "b"}}}]},
    ("volume", "v3_attachment_action"): lambda w: {"POST": [{"os-complete": {}}]},
    ("volume", "v3_backups"): lambda w: {"POST": [{"backup": {"volume_id": w["volume_id"]}}]},
    ("volume", "v3_backup"): lambda w: {"PUT": [{"backup": {"name": "b-was-here"}}]},
    ("volume", "v3_backup_restore"): lambda w: {"POST": [{"restore": {"name": "b-was-here"}}]},
    ("volume", "v3_backup_action"): lambda w: {"POST": [
        {"os-reset_status": {"status": "error"}}, {"os-force_delete": {}}]},
    ("volume", "v3_group_types"): lambda w: {"POST": [{"group_type": {"name": "b-gtype"}}]},
    ("volume", "v3_group_type"): lambda w: {"PUT": [{"group_type": {"description": "b-was-here"}}]},
    ("volume", "v3_group_specs"): lambda w: {"POST": [{"group_specs": {KEY: "b-was-here"}}]},
    ("volume", "v3_group_spec"): lambda w: {"PUT": [{KEY: "b-was-here"}]},
    ("volume", "v3_groups"): lambda w: {"POST": [{"group": {"group_type": a_public_group_type()["id"],
                                                            "volume_types": [w["type_id"]]}}]},
    ("volume", "v3_groups_action"): lambda w: {"POST": [
        {"create-from-src": {"source_group_id": w["group_id"]}},
        {"create-from-src": {"group_snapshot_id": w["group_snapshot_id"]}}]},
    ("volume", "v3_group"): lambda w: {"PUT": [{"group": {"name": "b-was-here"}},
                                               {"group": {"add_volumes": w["volume_id"]}}]},
    ("volume", "v3_group_action"): lambda w: {"POST": [{"delete": {}}, {"reset_status": {"status": "error"}}]},
    ("volume", "v3_group_snapshots"): lambda w: {"POST": [{"group_snapshot": {"group_id": w["group_id"]}}]},
    ("volume", "v3_group_snapshot_action"): lambda w: {"POST": [{"reset_status": {"status": "error"}}]},
    ("volume", "v3_transfers"): lambda w: {"POST": [{"transfer": {"volume_id": w["volume_id"]}}]},
    ("volume", "v3_volume_transfers"): lambda w: {"POST": [{"transfer": {"volume_id": w["volume_id"]}}]},
    ("volume", "v3_transfer_accept"): lambda w: {"POST": [{"accept": {"auth_key": "b-guessed-this"}}]},
    ("volume", "v3_volume_transfer_accept"): lambda w: {"POST": [{"accept": {"auth_key": "b-guessed-this"}}]},
    ("volume", "v3_type_encryption"): lambda w: {"POST": [{"encryption": {
        "provider": "b-was-here", "control_location": "front-end"}}]},
    ("volume", "v3_type_encryption_key"): lambda w: {"PUT": [{"encryption": {"provider": "b-was-here"}}]},
    ("volume", "v3_qos_specs"): lambda w: {"POST": [{"qos_specs": {"name": "b-qos"}}]},
    ("volume", "v3_service_action"): lambda w: {"PUT": [{"host": "b-host", "binary": "cinder-volume"}]},
    ("volume", "v3_quota_class_set"): lambda w: {"PUT": [{"quota_class_set": {"volumes": 1}}]},
    ("volume", "v3_backups_import"): lambda w: {"POST": [{"backup-record": {
        "backup_service": "cinder.backup.drivers.posix.PosixBackupDriver", "backup_url": "e30="}}]},
    ("volume", "v3_qos_spec"): lambda w: {"PUT": [{"qos_specs": {KEY: "b-was-here"}}]},
    ("volume", "v3_qos_spec_delete_keys"): lambda w: {"PUT": [{"keys": [KEY]}]},
})
for _kind in ("network", "subnet", "port", "router", "floatingip", "security_group", "subnetpool"):
    BODIES[("network", f"v2_{_kind}_tags")] = tags
    BODIES[("network", f"v2_{_kind}_tag")] = no_body


PLACEHOLDER = re.compile(r"{(\w+)}")


def substitutions(row, problems):
    """{placeholder: (whose, value)} for the row's paths; None when a placeholder of a served endpoint has no
    factory (`problems` then says which)."""
    found = {}
    for name in PLACEHOLDER.findall(" ".join([row["path"], *row["aliases"]])):
        key = (row["service"], row["endpoint"], name)
        if name in STATIC:
            found[name] = ("static", STATIC[name])
        elif key in OVERRIDES:
            found[name] = ("A", OVERRIDES[key]())
        elif name in FACTORIES:
            whose, make = FACTORIES[name]
            found[name] = (whose, make())
        elif row["implemented"]:
            problems.append(("no factory", f"{{{name}}} in {row['method']} {row['path']} ({row['service']} "
                                           f"{row['endpoint']}) has no factory: add one to FACTORIES (or to STATIC "
                                           "if it names no one's resource)"))
            return None
        else:
            found[name] = ("static", "unserved")
    return found


class Ids(dict):
    """The values of a row's placeholders; a body may name any other of A's resources by its placeholder."""

    def __missing__(self, name):
        return FACTORIES[name][1]()


def fill(path, values):
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], path)


def queried(row, path, values):
    """`path` with the query QUERIES gives the row, filled from `values`."""
    query = QUERIES.get((row["service"], row["endpoint"]))
    return f"{path}?{fill(query, values)}" if query else path


def requests_of(row, found, problems):
    """Every request of the row, as (column, path, token, body, microversion)."""
    names_a = [n for n, (whose, _) in found.items() if whose in ("A", "cloud") and n != "tenant_id"]
    w = Ids({n: v for n, (_, v) in found.items()})
    templates = [t for t in [row["path"], *row["aliases"]]
                 if any(n in names_a or n == "tenant_id" for n in PLACEHOLDER.findall(t))]
    bodies = [None]
    if templates and row["method"] in WRITES and row["implemented"]:
        bodies = body_for(row["service"], row["endpoint"], row["method"], w)
        if bodies is None:
            problems.append(("no body", f"{row['method']} {row['path']} ({row['service']} {row['endpoint']}) has "
                                        "no body: add a minimal one that succeeds for the owner to BODIES"))
            return []
    made = []
    for template in templates:
        placeholders = PLACEHOLDER.findall(template)
        # B in its own project asking for A's resource, and B naming A's project in the path.
        own = [project_b, project_a] if any(n in names_a for n in placeholders) else [project_a]
        for column, token, tenants in (("member", token_b, own), ("unscoped", unscoped_b, [project_a]),
                                       ("anonymous", None, [project_a])):
            for tenant in tenants if "tenant_id" in placeholders else [None]:
                path = queried(row, fill(template, dict(w, tenant_id=tenant or "")), w)
                # B's member at the oldest microversion and the newest; the refusals of a token at the oldest,
                # where most of each API is.
                versions = MICROVERSIONS.get(row["service"], (None,)) if path.startswith(VERSIONED) else (None,)
                for version in versions if column == "member" else versions[:1]:
                    made += [(column, path, token, body, version) for body in bodies]
    return made


def encoded(body):
    """A body of the table as (bytes or None, headers): JSON, or (data, content type[, headers])."""
    if isinstance(body, tuple):
        data, content_type, *more = body
        headers = dict(more[0] if more else {})
        if content_type:
            headers["Content-Type"] = content_type
        return (data if isinstance(data, bytes) else json.dumps(data).encode()), headers
    if body is None:
        return None, {}
    return json.dumps(body).encode(), {"Content-Type": "application/json"}


def expected(row, column):
    if not row["implemented"]:
        return NOT_SERVED
    if column == "anonymous":
        return {401}
    if column == "unscoped" and row["service"] != "identity":
        return {401, 403}  # as the real services refuse a token without a project
    if column == "member" and (row["service"], row["endpoint"], row["method"]) in KEYED:
        return REFUSED | {400}
    if (row["service"], row["endpoint"], row["method"]) in SHARED:
        return REFUSED | {200}
    if column == "member" and row["service"] == "compute":
        return REFUSED | {410}  # Nova's APIs that went with nova-network: gone for everyone
    return REFUSED


def shown(hdrs, data):
    return data.decode(errors="replace") + "\n" + "\n".join(f"{k}: {v}" for k, v in hdrs.items())


def leaks(path, text):
    return sorted(s for s in SECRETS | {MARK} if s not in path and s in text)


def snapshot():
    taken = {}
    for label, (path, token, service, version, headers) in READERS.items():
        status, _, data = send("GET", path, token, headers=headers, version=version, service=service)
        taken[label] = (status, data)
    return taken


def ask(row, request):
    column, path, token, body, version = request
    body, headers = encoded(body)
    status, got, data = send(row["method"], path, token, body, headers, version, row["service"])
    where = f"{column}: {row['method']} {path}" + (f" {body[:80]!r}" if body else "") + \
            (f" at {version}" if version else "")
    found = []
    kind = f"{row['service']} {row['endpoint']} {row['method']}"
    if status not in expected(row, column):
        found.append((f"{kind}: {status}", f"{where}: {status} {data[:160]!r}"))
    secrets = leaks(path, shown(got, data))
    if secrets:
        found.append((f"{kind}: shows A's", f"{where}: {status} shows A's {secrets}: {data[:160]!r}"))
    return column, found


@functools.cache
def plan():
    """Every row of the catalogue that names a resource: [((service, endpoint), row, substitutions, requests)],
    and the table's own gaps."""
    planned, gaps = [], []
    for row in catalogue:
        found = substitutions(row, gaps)
        if found is not None:
            requests = requests_of(row, found, gaps)
            if requests:
                planned.append(((row["service"], row["endpoint"]), row, found, requests))
    return planned, gaps


@functools.cache
def matrix():
    """Runs the whole matrix once: {column: [problems]}, and "changed" for what changed of A's (and after which
    endpoint)."""
    planned, _ = plan()
    problems = {"member": [], "unscoped": [], "anonymous": [], "changed": []}
    groups = dict.fromkeys(key for key, _, _, _ in planned)
    before = snapshot()
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        for key in groups:
            mine = [(row, r) for k, row, _, requests in planned if k == key for r in requests]
            for column, found in pool.map(lambda job: ask(*job), mine):
                problems[column] += found
            if any(row["method"] not in READS for row, _ in mine):
                before = compared(before, f"{key[0]} {key[1]}", problems["changed"])
    compared(before, "the reads", problems["changed"])
    return problems


def compared(before, cause, changed):
    """A's resources read again: what differs from `before` goes to `changed`, blamed on `cause`."""
    after = snapshot()
    for label in before:
        if after[label] != before[label]:
            changed.append((f"{cause}: changed A's {label}", f"{before[label]} -> {after[label]}"))
    return after


def report(found, limit=40):
    """The problems counted by endpoint, verb and answer, then the first `limit` of them in full."""
    counts = {}
    for kind, _ in found:
        counts[kind] = counts.get(kind, 0) + 1
    return (f"{len(found)} problem(s):\n" + "\n".join(f"  {n:3} x {kind}" for kind, n in counts.items()) +
            "\n" + "\n".join(text for _, text in found[:limit]) + ("\n..." if len(found) > limit else ""))


def as_owner(row, found, body=None, token=None):
    """The row's request as the owner of what it names (the admin for the cloud's objects, else A, in A's
    project), at each microversion until one succeeds; (request, status, body) of the last."""
    token = token or (stack.token if any(whose == "cloud" for whose, _ in found.values()) else token_a)
    # The newest form that names the project (Nova's /v2.1/{tenant_id}, where microversions apply).
    templates = [row["path"], *row["aliases"]]
    template = max(templates, key=lambda t: ("{tenant_id}" in t, templates.index(t)))
    values = {n: project_a if n == "tenant_id" else v for n, (_, v) in found.items()}
    path = queried(row, fill(template, values), Ids(values))
    body, headers = encoded(body)
    for version in MICROVERSIONS.get(row["service"], (None,)):
        status, _, data = send(row["method"], path, token, body, headers, version, row["service"])
        if 200 <= status < 300:
            break
    return f"{row['method']} {path}" + (f" at {version}" if version else ""), status, data


# Reads that no one is answered: a host's power actions are checked (policy, then the host) and then answer 501, as
# Nova with libvirt does (test_compute_server_extras asserts each answer); B's refusal is still asked of them.
NEVER_ANSWERED = {("compute", "v2_os_host_startup"), ("compute", "v2_os_host_shutdown"),
                  ("compute", "v2_os_host_reboot")}


# Writes that A makes after the matrix, with the very bodies B sent (an action by its name, else the first body):
# the requests B was refused were valid ones. Deletes last.
OWNER_WRITES = [
    ("compute", "v2_server", "PUT", 0), ("compute", "v2_server_metadata", "POST", 0),
    ("compute", "v2_server_metadata_key", "PUT", 0), ("compute", "v2_server_tag", "PUT", 0),
    ("compute", "v2_server_action", "POST", "changePassword"),
    ("compute", "v2_server_action", "POST", "os-getConsoleOutput"),
    ("compute", "v2_server_action", "POST", "os-stop"), ("compute", "v2_server_action", "POST", "lock"),
    ("compute", "v2_image_metadata_key", "PUT", 0), ("compute", "v2_os_security_group", "PUT", 0),
    ("image", "v2_image", "PATCH", 0), ("image", "v2_image_tag", "PUT", 0),
    ("volume", "v3_volume", "PUT", 0), ("volume", "v3_volume_metadata", "POST", 0),
    ("volume", "v3_volume_metadata_key", "PUT", 0), ("volume", "v3_volume_action", "POST", "os-set_bootable"),
    ("volume", "v3_volume_action", "POST", "os-extend"),
    ("volume", "v3_volume_action", "POST", "os-set_image_metadata"), ("volume", "v3_snapshot", "PUT", 0),
    ("volume", "v3_snapshot_metadata_key", "PUT", 0), ("volume", "v3_backup", "PUT", 0),
    ("network", "v2_network", "PUT", 0), ("network", "v2_subnet", "PUT", 0), ("network", "v2_port", "PUT", 0),
    ("network", "v2_port_tag", "PUT", 0), ("network", "v2_router", "PUT", 0),
    ("network", "v2_floatingip", "PUT", 1), ("network", "v2_security_group", "PUT", 0),
    ("network", "v2_subnetpool_tags", "PUT", 0),
    ("identity", "v3_user_application_credentials", "POST", 0),
    ("compute", "v2_server_tag", "DELETE", 0), ("compute", "v2_os_keypair", "DELETE", 0),
    ("volume", "v3_snapshot_metadata_key", "DELETE", 0), ("volume", "v3_backup", "DELETE", 0),
    ("network", "v2_subnetpool", "DELETE", 0),
]


class Matrix(unittest.TestCase):
    def check(self, column):
        found = matrix()[column]
        if found:
            self.fail(report(found))

    def test_every_placeholder_has_a_factory_and_every_write_a_body(self):
        found = plan()[1]
        if found:
            self.fail(report(found))

    def test_member_of_another_project_sees_and_changes_nothing(self):
        self.check("member")

    def test_unscoped_token_is_refused(self):
        self.check("unscoped")

    def test_no_token_is_refused(self):
        self.check("anonymous")

    def test_nothing_of_a_changes(self):
        self.check("changed")

    def test_owner_reads_what_b_could_not(self):
        # The ids the matrix put in the paths are live ones: every read it made is answered to the owner.
        # What policy keeps to the admin (usage of every project, flavor and type access lists, hosts, the
        # extra specs a member is not shown) the admin is answered.
        failed = []
        for _, row, found, _ in plan()[0]:
            answered = (row["service"], row["endpoint"]) not in NEVER_ANSWERED
            if row["method"] in READS and row["implemented"] and answered:
                where, status, data = as_owner(row, found)
                if status in (403, 404):
                    where, status, data = as_owner(row, found, token=stack.token)
                if not 200 <= status < 300 and status != 410:  # 410: Nova's gone APIs, gone for everyone
                    failed.append(f"{where}: {status} {data[:120]!r}")
        if failed:
            self.fail(f"{len(failed)} read(s) the owner is refused:\n" + "\n".join(failed))

    def test_owner_writes_what_b_could_not(self):
        matrix()
        rows = {(r["service"], r["endpoint"], r["method"]): (r, found) for _, r, found, _ in plan()[0]}
        for service, endpoint, method, which in OWNER_WRITES:
            with self.subTest(endpoint=endpoint, method=method, body=which):
                row, found = rows[(service, endpoint, method)]
                bodies = body_for(service, endpoint, method, Ids({n: v for n, (_, v) in found.items()})) or [None]
                body = bodies[which] if isinstance(which, int) else next(b for b in bodies if which in b)
                where, status, data = as_owner(row, found, body)
                self.assertIn(status, (200, 201, 202, 204), f"{where}: {data[:300]!r}")
