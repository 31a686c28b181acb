# SPDX-License-Identifier: Apache-2.0
"""A stateful fake of the SoftLayer REST API (v3.1) for Jumpgate's tests and for trying the SoftLayer driver without
an account: the accounts of accounts.json, their guests, images, keys, VLANs, subnets and portable storage, served
with SoftLayer's URL forms, object masks, object filters, result limits and error bodies.

    python3 tests/softlayer/simulator.py --listen 127.0.0.1:0 [--accounts FILE] [--provision-seconds N] [--state FILE]
"""
import argparse
import base64
import datetime
import hashlib
import http.server
import ipaddress
import json
import os
import re
import signal
import sys
import threading
import time
import urllib.parse
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
BASES = ("/rest/v3.1/", "/rest/v3/")
MAX_BODY = 4 << 20


class ApiError(Exception):
    """A SoftLayer exception: the HTTP status and the body's code and message."""

    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def not_found(object_id):
    return ApiError(404, "SoftLayer_Exception_ObjectNotFound", f"Unable to find object with id of '{object_id}'.")


def bad_request(message, code="SoftLayer_Exception_Public"):
    return ApiError(400, code, message)


def missing_property(name, type_name):
    return ApiError(400, "SoftLayer_Exception_MissingCreationProperty",
                    f"Property '{name}' must be set to create an instance of {type_name}.")


def now_iso(at=None):
    """SoftLayer's timestamps: local time with the offset, to the second (the API answers in US Central time; the
    simulator uses a fixed -06:00 so that the answers do not depend on the machine)."""
    moment = datetime.datetime.fromtimestamp(time.time() if at is None else at, datetime.timezone(datetime.timedelta(hours=-6)))
    return moment.strftime("%Y-%m-%dT%H:%M:%S%z")[:-2] + ":00"


# ---- object masks ---------------------------------------------------------------------------------------------------

def parse_mask(text):
    """An objectMask string (`mask[a,b.c,d[e]]`, `mask.a`, `mask(Type)[...]`, or a bare `a,b`) as a tree: a dict from
    property name to the tree of what is asked under it. Raises ApiError on a malformed mask."""
    text = text.strip()
    tree = {}
    if not text:
        return tree
    pos = 0
    for group in re.split(r";(?![^\[]*\])", text):
        group = group.strip()
        if group.startswith("filteredMask"):
            group = group[len("filteredMask"):]
        elif group.startswith("mask"):
            group = group[4:]
        else:
            group = "[" + group + "]"
        group = re.sub(r"^\([A-Za-z_]+\)", "", group)
        if group.startswith("."):
            group = "[" + group[1:] + "]"
        if not group.startswith("["):
            raise bad_request(f"Object mask is invalid: {text}", "SoftLayer_Exception_WebService_BadRequest")
        pos = _mask_list(group, 1, tree)
        if pos != len(group):
            raise bad_request(f"Object mask is invalid: {text}", "SoftLayer_Exception_WebService_BadRequest")
    return tree


def _mask_list(text, pos, tree):
    """Parses `item, item, ...]` from pos into tree; returns the position after the closing bracket."""
    while True:
        pos = _skip(text, pos)
        if pos < len(text) and text[pos] == "]":
            return pos + 1
        pos = _mask_item(text, pos, tree)
        pos = _skip(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos += 1
            continue
        if pos < len(text) and text[pos] == "]":
            return pos + 1
        raise bad_request("Object mask is invalid.", "SoftLayer_Exception_WebService_BadRequest")


def _mask_item(text, pos, tree):
    match = re.compile(r"\s*(?:\([A-Za-z_]+\))?\s*([A-Za-z_][A-Za-z0-9_]*)").match(text, pos)
    if not match:
        raise bad_request("Object mask is invalid.", "SoftLayer_Exception_WebService_BadRequest")
    sub = tree.setdefault(match.group(1), {})
    pos = _skip(text, match.end())
    if pos < len(text) and text[pos] == ".":
        return _mask_item(text, pos + 1, sub)
    if pos < len(text) and text[pos] == "[":
        return _mask_list(text, pos + 1, sub)
    return pos


def _skip(text, pos):
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


class Lazy:
    """A relational property: worked out only when a mask or a filter asks for it."""

    __slots__ = ("compute",)

    def __init__(self, compute):
        self.compute = compute


def static_view(value):
    """Plain data (the catalogue) as a view: its nested objects and lists of objects become relational properties."""
    if isinstance(value, list):
        return [static_view(v) for v in value]
    if not isinstance(value, dict):
        return value
    return {k: (Lazy(lambda v=v: static_view(v)) if isinstance(v, (dict, list)) else v) for k, v in value.items()}


def apply_mask(value, tree):
    """A view as the API answers it: local properties (only those the mask names, when it names any) and the
    relational properties the mask names."""
    if isinstance(value, list):
        return [apply_mask(v, tree) for v in value]
    if not isinstance(value, dict):
        return value
    tree = tree or {}
    named_locals = [k for k in tree if k in value and not isinstance(value[k], Lazy)]
    out = {}
    for key, item in value.items():
        if isinstance(item, Lazy):
            if key in tree:
                computed = item.compute()
                if computed is not None:
                    out[key] = apply_mask(computed, tree[key])
        elif not named_locals or key in tree:
            # A local object may hold relational properties of its own: they too are shown only when named.
            out[key] = apply_mask(item, tree.get(key))
    return out


# ---- object filters -------------------------------------------------------------------------------------------------

def resolve(value):
    return value.compute() if isinstance(value, Lazy) else value


def _text(value):
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def test_operation(value, condition):
    """Whether a property's value passes one filter leaf, `{"operation": ..., "options": [...]}`."""
    operation = condition.get("operation")
    options = {o.get("name"): o.get("value") for o in condition.get("options") or [] if isinstance(o, dict)}
    if operation == "orderBy":
        return True
    if operation == "in":
        wanted = options.get("data") or []
        return value is not None and _text(value) in {_text(w) for w in wanted}
    if operation in ("is null", "isNull"):
        return value is None
    if operation in ("not null", "notNull"):
        return value is not None
    if operation in ("betweenDate", "greaterThanDate", "lessThanDate"):
        return _date_test(value, operation, options)
    if isinstance(operation, (int, float)) and not isinstance(operation, bool):
        return value is not None and _number(value) == float(operation)
    if not isinstance(operation, str):
        raise bad_request("Invalid object filter operation.", "SoftLayer_Exception_WebService_BadRequest")
    if value is None:
        return False
    if isinstance(value, list):
        return any(test_operation(v, condition) for v in value)
    text = _text(value)
    for prefix in ("!~", "~", "*=", "^=", "$=", "_=", ">=", "<=", "!=", ">", "<"):
        if operation.startswith(prefix + " ") or (operation.startswith(prefix) and prefix in ("!=",)):
            operand = operation[len(prefix):].strip()
            if prefix == "~":
                return operand in text
            if prefix == "!~":
                return operand not in text
            if prefix == "*=":
                return operand.lower() in text.lower()
            if prefix == "^=":
                return text.lower().startswith(operand.lower())
            if prefix == "$=":
                return text.lower().endswith(operand.lower())
            if prefix == "_=":
                return text.lower() == operand.lower()
            if prefix == "!=":
                return text != operand
            left, right = _number(text), _number(operand)
            if left is None or right is None:
                left, right = text, operand
            return {">": left > right, "<": left < right, ">=": left >= right, "<=": left <= right}[prefix]
    return text == operation


def _date_test(value, operation, options):
    def parse(text):
        for form in ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
            try:
                return datetime.datetime.strptime(str(text)[:19].strip(), form)
            except ValueError:
                continue
        return None

    def first(name):
        got = options.get(name)
        return parse(got[0] if isinstance(got, list) and got else got)

    moment = parse(value) if value else None
    if moment is None:
        return False
    if operation == "betweenDate":
        start, end = first("startDate"), first("endDate")
        return (start is None or moment >= start) and (end is None or moment <= end)
    bound = first("date")
    if bound is None:
        return True
    return moment > bound if operation == "greaterThanDate" else moment < bound


def matches(view, condition):
    """Whether a view passes a filter subtree (nested relational paths included)."""
    if not isinstance(condition, dict):
        raise bad_request("Invalid object filter.", "SoftLayer_Exception_WebService_BadRequest")
    for key, sub in condition.items():
        if not isinstance(sub, dict):
            raise bad_request("Invalid object filter.", "SoftLayer_Exception_WebService_BadRequest")
        value = resolve(view.get(key)) if isinstance(view, dict) else None
        if "operation" in sub:
            if not test_operation(value, sub):
                return False
        elif isinstance(value, list):
            if not any(matches(v, sub) for v in value):
                return False
        elif isinstance(value, dict):
            if not matches(value, sub):
                return False
        else:
            return False
    return True


def order_keys(condition, path=()):
    """The (path, descending) pairs of the filter's orderBy operations, in the order written."""
    keys = []
    for key, sub in condition.items() if isinstance(condition, dict) else ():
        if isinstance(sub, dict) and sub.get("operation") == "orderBy":
            sort = [o.get("value") for o in sub.get("options") or [] if isinstance(o, dict) and o.get("name") == "sort"]
            direction = (sort[0][0] if sort and isinstance(sort[0], list) and sort[0] else "ASC")
            keys.append((path + (key,), str(direction).upper() == "DESC"))
        elif isinstance(sub, dict):
            keys += order_keys(sub, path + (key,))
    return keys


def sort_views(views, keys):
    def lookup(view, path):
        for part in path:
            view = resolve(view.get(part)) if isinstance(view, dict) else None
        return view

    for path, descending in reversed(keys):
        present = [v for v in views if lookup(v, path) is not None]
        absent = [v for v in views if lookup(v, path) is None]
        present.sort(key=lambda v: (_number(lookup(v, path)) is None, _number(lookup(v, path)) or 0,
                                    _text(lookup(v, path))), reverse=descending)
        views = present + absent
    return views


# ---- the simulated cloud ----------------------------------------------------------------------------------------------

POWER_NAMES = {"RUNNING": "Running", "HALTED": "Halted", "PAUSED": "Paused"}
DISK_TYPES = {"SYSTEM": (241, "System"), "SWAP": (246, "Swap")}


class Cloud:
    """The simulated state (plain JSON, what /_sim/state shows) and every operation on it. Callers hold `lock`."""

    def __init__(self, accounts_file, provision_seconds, state_file=None):
        self.accounts_file, self.provision_seconds, self.state_file = accounts_file, provision_seconds, state_file
        self.lock = threading.Lock()
        self.fixtures = {}
        for name in os.listdir(FIXTURES):
            if name.endswith(".json"):
                with open(os.path.join(FIXTURES, name), encoding="utf-8") as f:
                    self.fixtures[name[:-5]] = json.load(f)
        self.state = None
        if state_file and os.path.exists(state_file):
            with open(state_file, encoding="utf-8") as f:
                self.state = json.load(f)
        if self.state is None:
            self.reset()
        self.saved = None

    # -- setting up

    def reset(self):
        with open(self.accounts_file, encoding="utf-8") as f:
            seed = json.load(f)
        highest = max(int(m) for m in re.findall(r'"id":\s*(\d+)', json.dumps(seed)))
        self.state = {"nextId": highest + 1000, "datacenters": seed["datacenters"],
                      "operatingSystems": seed["operatingSystems"], "packages": seed["packages"],
                      "publicImages": [], "accounts": []}
        for image in seed["publicImages"]:
            self.state["publicImages"].append(self._image_record(dict(image), None))
        for given in seed["accounts"]:
            account = {k: v for k, v in given.items()
                       if k not in ("virtualGuests", "portableStorage", "blockDeviceTemplateGroups", "subnets")}
            account.update({"virtualGuests": [], "virtualDiskImages": [], "blockDeviceTemplateGroups": [],
                            "subnets": [], "orders": [], "eventLogs": [], "tagReferences": []})
            for user in account["users"]:
                user["accountId"] = account["id"]
            for vlan in account["networkVlans"]:
                vlan["accountId"] = account["id"]
                vlan["modifyDate"] = account["createDate"]
            for subnet in given["subnets"]:
                net = ipaddress.ip_network(f"{subnet['networkIdentifier']}/{subnet['cidr']}")
                subnet.update({"accountId": account["id"], "version": 4, "netmask": str(net.netmask),
                               "gateway": str(net.network_address + 1), "broadcastAddress": str(net.broadcast_address),
                               "totalIpAddresses": str(net.num_addresses),
                               "usableIpAddressCount": str(net.num_addresses - 3), "assignedIpAddresses": {}})
                account["subnets"].append(subnet)
            for key in account["sshKeys"]:
                key["fingerprint"] = fingerprint(key["key"])
                key["modifyDate"] = key["createDate"]
            for image in given["blockDeviceTemplateGroups"]:
                account["blockDeviceTemplateGroups"].append(self._image_record(dict(image), account["id"]))
            self.state["accounts"].append(account)
            for guest in given["virtualGuests"]:
                self._guest_record(account, dict(guest), provisioned=True)
            for volume in given["portableStorage"]:
                self._volume_record(account, volume)

    def next_id(self):
        self.state["nextId"] += 1
        return self.state["nextId"]

    def _image_record(self, image, account_id):
        image.update({"accountId": account_id, "publicFlag": 1 if account_id is None else 0, "parentId": None,
                      "status": "ACTIVE", "transaction": None, "summary": image.get("note", ""),
                      "flexImageFlag": False, "imageType": "SYSTEM"})
        image.setdefault("note", "")
        image.setdefault("datacenterIds", [d["id"] for d in self.state["datacenters"]])
        return image

    def _volume_record(self, account, volume):
        record = {"id": volume["id"], "name": volume["name"], "description": volume.get("description", volume["name"]),
                  "capacity": int(volume["capacity"]), "units": "GB", "typeId": 241, "type": "SYSTEM",
                  "portable": True, "localDiskFlag": False, "uuid": str(uuid.uuid4()),
                  "createDate": volume["createDate"], "modifyDate": volume["createDate"],
                  "storageRepositoryId": self.next_id(), "datacenterId": volume["datacenterId"],
                  "billingItemId": self.next_id(), "guestId": None, "device": None, "blockDeviceId": None}
        account["virtualDiskImages"].append(record)
        return record

    def _guest_record(self, account, given, provisioned):
        guest_id = given.get("id") or self.next_id()
        created = given.get("createDate") or now_iso()
        guest = {"id": guest_id, "accountId": account["id"], "hostname": given["hostname"], "domain": given["domain"],
                 "fullyQualifiedDomainName": f"{given['hostname']}.{given['domain']}",
                 "globalIdentifier": str(uuid.uuid4()), "uuid": str(uuid.uuid4()),
                 "createDate": created, "modifyDate": created, "provisionDate": created if provisioned else None,
                 "startCpus": given["startCpus"], "maxCpu": given["startCpus"], "maxCpuUnits": "CORE",
                 "maxMemory": given["maxMemory"], "hourlyBillingFlag": bool(given.get("hourlyBillingFlag", True)),
                 "localDiskFlag": bool(given.get("localDiskFlag", False)),
                 "dedicatedAccountHostOnlyFlag": bool(given.get("dedicatedAccountHostOnlyFlag", False)),
                 "privateNetworkOnlyFlag": bool(given.get("privateNetworkOnlyFlag", False)),
                 "transientGuestFlag": bool(given.get("transientGuestFlag", False)),
                 "notes": given.get("notes"), "postInstallScriptUri": given.get("postInstallScriptUri"),
                 "statusId": 1001, "datacenterId": given["datacenterId"],
                 "operatingSystemReferenceCode": given.get("operatingSystemReferenceCode"),
                 "blockDeviceTemplateGroupId": given.get("blockDeviceTemplateGroupId"),
                 "powerState": given.get("powerState", "RUNNING") if provisioned else None,
                 "activeTransaction": None, "lastTransaction": None, "lastOperatingSystemReloadId": None,
                 "tags": list(given.get("tags") or []), "sshKeyIds": list(given.get("sshKeyIds") or []),
                 "userData": list(given.get("userData") or []), "billingItemId": self.next_id(),
                 "orderId": given.get("orderId"), "primaryIpAddress": None, "primaryBackendIpAddress": None,
                 "networkComponents": [], "flavorKeyName": given.get("flavorKeyName")}
        public_vlan, private_vlan = given.get("publicVlanId"), given.get("privateVlanId")
        for port, space, vlan_id in ((0, "PRIVATE", private_vlan), (1, "PUBLIC", public_vlan)):
            if space == "PUBLIC" and guest["privateNetworkOnlyFlag"]:
                continue
            vlan = self._vlan_for(account, guest["datacenterId"], space, vlan_id)
            address = self._allocate_address(account, vlan, guest_id) if vlan else None
            guest["networkComponents"].append({
                "id": self.next_id(), "port": port, "name": "eth", "status": "ACTIVE",
                "speed": int(given.get("maxSpeed") or 100), "maxSpeed": int(given.get("maxSpeed") or 100),
                "macAddress": "06:" + ":".join(f"{(guest_id >> s) & 0xff:02x}" for s in (24, 16, 8, 0)) + f":{port:02x}",
                "networkVlanId": vlan["id"] if vlan else None, "primaryIpAddress": address})
            guest["primaryIpAddress" if space == "PUBLIC" else "primaryBackendIpAddress"] = address
        for device, kind, capacity in (("0", "SYSTEM", int(given.get("diskCapacity") or 25)), ("1", "SWAP", 2)):
            disk = {"id": self.next_id(), "name": f"{guest['hostname']}-{kind.lower()}",
                    "description": f"{guest['fullyQualifiedDomainName']}" if kind == "SYSTEM" else f"{guest_id}-SWAP",
                    "capacity": capacity, "units": "GB", "typeId": DISK_TYPES[kind][0], "type": kind,
                    "portable": False, "localDiskFlag": guest["localDiskFlag"], "uuid": str(uuid.uuid4()),
                    "createDate": created, "modifyDate": created, "storageRepositoryId": self.next_id(),
                    "datacenterId": guest["datacenterId"], "billingItemId": None, "guestId": guest_id,
                    "device": device, "blockDeviceId": self.next_id()}
            account["virtualDiskImages"].append(disk)
        if not provisioned:
            self._start_transaction(guest, "Provision", "CLOUD_PROVISION_SETUP", "Provisioning")
        account["virtualGuests"].append(guest)
        return guest

    def _vlan_for(self, account, datacenter_id, space, vlan_id):
        for vlan in account["networkVlans"]:
            if vlan_id is not None and vlan["id"] == vlan_id:
                return vlan
        if vlan_id is not None:
            return None
        return next((v for v in account["networkVlans"]
                     if v["networkSpace"] == space and v["datacenterId"] == datacenter_id), None)

    def _allocate_address(self, account, vlan, guest_id):
        for subnet in account["subnets"]:
            if subnet["networkVlanId"] != vlan["id"]:
                continue
            net = ipaddress.ip_network(f"{subnet['networkIdentifier']}/{subnet['cidr']}")
            # The network, gateway and broadcast addresses are the subnet's own, as on SoftLayer.
            for host in list(net.hosts())[1:]:
                if str(host) not in subnet["assignedIpAddresses"]:
                    subnet["assignedIpAddresses"][str(host)] = guest_id
                    return str(host)
        return None

    def _release_addresses(self, account, guest_id):
        for subnet in account["subnets"]:
            subnet["assignedIpAddresses"] = {a: g for a, g in subnet["assignedIpAddresses"].items() if g != guest_id}

    def _start_transaction(self, guest, group, name, friendly):
        transaction = {"id": self.next_id(), "createDate": now_iso(), "group": group, "name": name,
                       "friendlyName": friendly, "started": time.time(),
                       "until": time.time() + self.provision_seconds}
        guest["activeTransaction"] = transaction
        return transaction

    # -- time

    def settle(self):
        """Ends the transactions and orders whose time has come."""
        moment = time.time()
        for account in self.state["accounts"]:
            for guest in account["virtualGuests"]:
                transaction = guest["activeTransaction"]
                if transaction and transaction["until"] <= moment:
                    finished = now_iso(transaction["until"])
                    if transaction["group"] == "Provision":
                        guest["provisionDate"] = finished
                        guest["powerState"] = "RUNNING"
                    elif transaction["group"] == "OS Reload":
                        guest["powerState"] = "RUNNING"
                    elif transaction["group"] == "Image Capture":
                        for image in account["blockDeviceTemplateGroups"]:
                            if image["transaction"] == transaction["id"]:
                                image["transaction"], image["status"] = None, "ACTIVE"
                    guest["lastTransaction"] = dict(transaction, modifyDate=finished)
                    guest["activeTransaction"] = None
                    guest["modifyDate"] = finished
            for order in account["orders"]:
                if order["status"] == "PENDING" and order["until"] <= moment:
                    self._fulfil(account, order)

    def _fulfil(self, account, order):
        order["status"] = "APPROVED"
        for item in order["items"]:
            if item["categoryCode"] == "portable_storage" and item.get("resourceTableId") is None:
                volume = self._volume_record(account, {"id": self.next_id(), "name": item["diskDescription"],
                                                       "description": item["diskDescription"],
                                                       "capacity": item["capacity"], "datacenterId": order["datacenterId"],
                                                       "createDate": now_iso(order["until"])})
                item["resourceTableId"], item["billingItemId"] = volume["id"], volume["billingItemId"]
            elif item["categoryCode"] in ("guest_core", "ram") and item.get("guestId"):
                guest = find(account["virtualGuests"], item["guestId"])
                if guest:
                    key = "startCpus" if item["categoryCode"] == "guest_core" else "maxMemory"
                    guest[key] = item["capacity"]
                    if key == "startCpus":
                        guest["maxCpu"] = item["capacity"]

    # -- persistence

    def save(self):
        if not self.state_file:
            return
        text = json.dumps(self.state, indent=1, sort_keys=True)
        if text == self.saved:
            return
        temporary = self.state_file + ".tmp"
        with open(temporary, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(temporary, self.state_file)
        self.saved = text

    # -- lookups

    def account_of(self, account_id):
        return next(a for a in self.state["accounts"] if a["id"] == account_id)

    def authenticate(self, header):
        """The (account, user) of a Basic `username:apiKey` Authorization header; ApiError 401 otherwise."""
        denied = ApiError(401, "SoftLayer_Exception_Public", "Access Denied. ")
        if not header or not header.startswith("Basic "):
            raise denied
        try:
            username, _, key = base64.b64decode(header[6:].strip(), validate=True).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            raise denied
        for account in self.state["accounts"]:
            for user in account["users"]:
                if user["username"] == username and user["apiKey"] == key and key:
                    return account, user
        raise denied

    def datacenter(self, datacenter_id):
        return next((d for d in self.state["datacenters"] if d["id"] == datacenter_id), None)

    def datacenter_named(self, name):
        return next((d for d in self.state["datacenters"] if d["name"] == name), None)

    def visible_images(self, account):
        return account["blockDeviceTemplateGroups"] + self.state["publicImages"]

    def record_event(self, account, user, guest, event_name, meta=""):
        account["eventLogs"].append({
            "accountId": account["id"], "eventCreateDate": now_iso(), "eventName": event_name,
            "ipAddress": "127.0.0.1", "label": guest["fullyQualifiedDomainName"], "metaData": meta,
            "objectId": guest["id"], "objectName": "CCI", "traceId": uuid.uuid4().hex[:13],
            "userId": user["id"], "userType": "CUSTOMER", "username": user["username"]})


def find(records, object_id):
    for record in records:
        if str(record["id"]) == str(object_id):
            return record
    return None


def fingerprint(key_text):
    parts = key_text.split()
    if len(parts) < 2 or not re.match(r"^(ssh-(rsa|dss|ed25519)|ecdsa-sha2-nistp(256|384|521)|sk-)", parts[0]):
        raise bad_request("Invalid SSH key.", "SoftLayer_Exception_Public")
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except ValueError:
        raise bad_request("Invalid SSH key.", "SoftLayer_Exception_Public")
    digest = hashlib.md5(blob).hexdigest()
    return ":".join(digest[i:i + 2] for i in range(0, 32, 2))


def int_id(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


# ---- views: what each kind of object looks like through the API -------------------------------------------------------

class Views:
    """Builds the API's view of the stored records for one caller (its account and user)."""

    def __init__(self, cloud, account, user):
        self.cloud, self.account, self.user = cloud, account, user

    def datacenter(self, datacenter_id):
        dc = self.cloud.datacenter(datacenter_id)
        if dc is None:
            return None
        return {"id": dc["id"], "name": dc["name"], "longName": dc["longName"], "statusId": 2,
                "regions": Lazy(lambda: [{"keyname": dc["name"].upper(), "description": f"{dc['name'].upper()} - {dc['longName']}",
                                          "sortOrder": 0}]),
                "groups": Lazy(lambda: [])}

    def account_view(self):
        a = self.account
        locals_ = {k: a[k] for k in ("id", "companyName", "firstName", "lastName", "email", "address1", "city", "state",
                                     "country", "postalCode", "brandId", "createDate")}
        locals_.update({"accountId": a["id"], "accountStatusId": 1001, "isReseller": 0, "modifyDate": a["createDate"],
                        "statusDate": None, "claimedTaxExemptTxFlag": False})
        guests = lambda hourly=None: [self.guest(g) for g in a["virtualGuests"]
                                      if hourly is None or g["hourlyBillingFlag"] == hourly]
        vlans = lambda space=None: [self.vlan(v) for v in a["networkVlans"] if space in (None, v["networkSpace"])]
        relations = {
            "virtualGuests": lambda: guests(),
            "hourlyVirtualGuests": lambda: guests(True),
            "monthlyVirtualGuests": lambda: guests(False),
            "virtualGuestCount": lambda: len(a["virtualGuests"]),
            "hourlyVirtualGuestCount": lambda: len([g for g in a["virtualGuests"] if g["hourlyBillingFlag"]]),
            "monthlyVirtualGuestCount": lambda: len([g for g in a["virtualGuests"] if not g["hourlyBillingFlag"]]),
            "blockDeviceTemplateGroups": lambda: [self.image(i) for i in a["blockDeviceTemplateGroups"]],
            "privateBlockDeviceTemplateGroups": lambda: [self.image(i) for i in a["blockDeviceTemplateGroups"]],
            "publicBlockDeviceTemplateGroups": lambda: [self.image(i) for i in self.cloud.state["publicImages"]],
            "sshKeys": lambda: [self.ssh_key(k) for k in a["sshKeys"]],
            "networkVlans": lambda: vlans(),
            "publicNetworkVlans": lambda: vlans("PUBLIC"),
            "privateNetworkVlans": lambda: vlans("PRIVATE"),
            "networkVlanCount": lambda: len(a["networkVlans"]),
            "subnets": lambda: [self.subnet(s) for s in a["subnets"]],
            "publicSubnets": lambda: [self.subnet(s) for s in a["subnets"] if s["addressSpace"] == "PUBLIC"],
            "privateSubnets": lambda: [self.subnet(s) for s in a["subnets"] if s["addressSpace"] == "PRIVATE"],
            "portableStorageVolumes": lambda: [self.disk(d) for d in a["virtualDiskImages"] if d["portable"]],
            "virtualDiskImages": lambda: [self.disk(d) for d in a["virtualDiskImages"]],
            "users": lambda: [self.user_view(u) for u in a["users"]],
            "masterUser": lambda: self.user_view(a["users"][0]),
            "orders": lambda: [self.order(o) for o in a["orders"]],
            "iscsiNetworkStorage": lambda: [], "nasNetworkStorage": lambda: [], "networkStorage": lambda: [],
            "hubNetworkStorage": lambda: [], "hardware": lambda: [], "domains": lambda: [],
            "placementGroups": lambda: [], "reservedCapacityGroups": lambda: [], "dedicatedHosts": lambda: [],
            "location": lambda: None,
        }
        locals_.update({k: Lazy(fn) for k, fn in relations.items()})
        return locals_

    def user_view(self, u):
        view = {k: u[k] for k in ("id", "accountId", "username", "firstName", "lastName", "email", "createDate")}
        view.update({"displayName": f"{u['firstName']} {u['lastName']}", "userStatusId": 1001, "statusDate": None,
                     "modifyDate": u["createDate"], "parentId": None if u is self.account["users"][0] else self.account["users"][0]["id"],
                     "isMasterUserFlag": u is self.account["users"][0], "timezoneId": 114, "localeId": 1})
        view["apiAuthenticationKeys"] = Lazy(
            lambda: [{"id": u["id"] * 10, "authenticationKey": u["apiKey"], "userId": u["id"]}] if u is self.user else [])
        view["account"] = Lazy(self.account_view)
        view["userStatus"] = Lazy(lambda: {"keyName": "ACTIVE", "name": "Active"})
        view["timezone"] = Lazy(lambda: {"id": 114, "longName": "(GMT-06:00) America/Chicago - CST", "name": "America/Chicago",
                                         "offset": "-0600", "shortName": "CST"})
        return view

    def guest(self, g):
        view = {k: g[k] for k in ("id", "accountId", "hostname", "domain", "fullyQualifiedDomainName", "globalIdentifier",
                                  "uuid", "createDate", "modifyDate", "provisionDate", "startCpus", "maxCpu",
                                  "maxCpuUnits", "maxMemory", "hourlyBillingFlag", "localDiskFlag",
                                  "dedicatedAccountHostOnlyFlag", "privateNetworkOnlyFlag", "transientGuestFlag",
                                  "statusId")}
        for optional in ("notes", "primaryIpAddress", "primaryBackendIpAddress"):
            if g[optional] is not None:
                view[optional] = g[optional]
        power = lambda: ({"keyName": g["powerState"], "name": POWER_NAMES[g["powerState"]]} if g["powerState"] else None)
        image = lambda: next((self.image(i) for i in self.cloud.visible_images(self.account)
                              if i["id"] == g["blockDeviceTemplateGroupId"]), None)
        components = lambda: [self.network_component(g, c) for c in g["networkComponents"]]
        by_port = lambda port: next((self.network_component(g, c) for c in g["networkComponents"] if c["port"] == port), None)
        relations = {
            "datacenter": lambda: self.datacenter(g["datacenterId"]),
            "location": lambda: self.datacenter(g["datacenterId"]),
            "status": lambda: {"keyName": "ACTIVE", "name": "Active"},
            "powerState": power,
            "lastKnownPowerState": lambda: dict(power() or {"keyName": "HALTED", "name": "Halted"}, id=g["id"]),
            "activeTransaction": lambda: self.transaction(g, g["activeTransaction"]),
            "activeTransactions": lambda: [self.transaction(g, g["activeTransaction"])] if g["activeTransaction"] else [],
            "activeTransactionCount": lambda: 1 if g["activeTransaction"] else 0,
            "lastTransaction": lambda: self.transaction(g, g["lastTransaction"]),
            "lastOperatingSystemReload": lambda: ({"id": g["lastOperatingSystemReloadId"]}
                                                  if g["lastOperatingSystemReloadId"] else None),
            "operatingSystem": lambda: self.operating_system(g),
            "operatingSystemReferenceCode": lambda: g["operatingSystemReferenceCode"],
            "softwareComponents": lambda: [self.operating_system(g)],
            "blockDeviceTemplateGroup": image,
            "blockDevices": lambda: [self.block_device(g, d) for d in self.account["virtualDiskImages"]
                                     if d["guestId"] == g["id"]],
            "networkComponents": components,
            "primaryNetworkComponent": lambda: by_port(1),
            "primaryBackendNetworkComponent": lambda: by_port(0),
            "frontendNetworkComponents": lambda: [c for c in components() if c["port"] == 1],
            "backendNetworkComponents": lambda: [c for c in components() if c["port"] == 0],
            "networkVlans": lambda: [self.vlan(v) for v in self.account["networkVlans"]
                                     if v["id"] in {c["networkVlanId"] for c in g["networkComponents"]}],
            "tagReferences": lambda: [self.tag_reference(g, t) for t in g["tags"]],
            "billingItem": lambda: self.billing_item_of_guest(g),
            "sshKeys": lambda: [self.ssh_key(k) for k in self.account["sshKeys"] if k["id"] in g["sshKeyIds"]],
            "userData": lambda: [{"value": v} for v in g["userData"]],
            "account": self.account_view,
            "postInstallScriptUri": lambda: g["postInstallScriptUri"],
            "dedicatedHost": lambda: None,
            "placementGroup": lambda: None,
            "securityGroupBindings": lambda: [],
            "monitoringRobot": lambda: None,
            "allowedNetworkStorage": lambda: [],
            "networkMonitors": lambda: [],
            "notes": lambda: g["notes"],
            "deviceStatus": lambda: ({"id": 8, "name": "Running"} if g["powerState"] == "RUNNING"
                                     else {"id": 9, "name": "Stopped"} if g["powerState"] else None),
            "bandwidthAllotmentDetail": lambda: {"id": g["id"] + 3, "bandwidthAllotmentId": 1,
                                                 "allocation": Lazy(lambda: {"id": 1, "amount": "250"})},
            "billingCycleBandwidthUsage": lambda: [
                {"amountIn": "0", "amountOut": "0", "type": Lazy(lambda: {"alias": "PUBLIC_SERVER_BW"})},
                {"amountIn": "0", "amountOut": "0", "type": Lazy(lambda: {"alias": "PRIVATE_SERVER_BW"})}],
            "reverseDomainRecords": lambda: [],
        }
        view.update({k: Lazy(fn) for k, fn in relations.items() if k not in view})
        return view

    def transaction(self, g, t):
        if not t:
            return None
        view = {"id": t["id"], "createDate": t["createDate"], "guestId": g["id"], "hardwareId": None,
                "statusChangeDate": t["createDate"],
                "elapsedSeconds": max(0, int(min(time.time(), t["until"]) - t["started"]))}
        if "modifyDate" in t:
            view["modifyDate"] = t["modifyDate"]
        view["transactionStatus"] = Lazy(lambda: {"name": t["name"], "friendlyName": t["friendlyName"]})
        view["transactionGroup"] = Lazy(lambda: {"name": t["group"]})
        return view

    def operating_system(self, g):
        code = g["operatingSystemReferenceCode"]
        known = next((o for o in self.cloud.state["operatingSystems"] if o["referenceCode"] == code), None)
        if not known:
            return None
        return {"id": g["id"] + 1, "hardwareId": None,
                "passwords": Lazy(lambda: [{"id": g["id"] + 2, "username": "root", "password": "simulated",
                                            "createDate": g["createDate"], "software": None}]),
                "softwareLicense": Lazy(lambda: {"id": 1, "softwareDescriptionId": 1,
                                                 "softwareDescription": static_view({
                                                     "manufacturer": known["manufacturer"], "name": known["name"],
                                                     "version": known["version"], "referenceCode": code,
                                                     "longDescription": known["description"]})})}

    def network_component(self, g, c):
        view = {k: c[k] for k in ("id", "port", "name", "status", "speed", "maxSpeed", "macAddress")}
        view["guestId"] = g["id"]
        view["networkId"] = c["networkVlanId"]
        if c["primaryIpAddress"]:
            view["primaryIpAddress"] = c["primaryIpAddress"]
        vlan = find(self.account["networkVlans"], c["networkVlanId"])
        subnet = next((s for s in self.account["subnets"] if s["networkVlanId"] == c["networkVlanId"]), None)
        view["networkVlan"] = Lazy(lambda: self.vlan(vlan) if vlan else None)
        view["primarySubnet"] = Lazy(lambda: self.subnet(subnet) if subnet else None)
        view["guest"] = Lazy(lambda: self.guest(g))
        view["securityGroupBindings"] = Lazy(lambda: [])
        view["router"] = Lazy(lambda: ({"hostname": vlan["primaryRouter"], "id": vlan["id"] + 7} if vlan else None))
        view["primaryIpAddressRecord"] = Lazy(lambda: ({"ipAddress": c["primaryIpAddress"], "subnetId": subnet["id"]}
                                                       if subnet and c["primaryIpAddress"] else None))
        return view

    def block_device(self, g, d):
        view = {"id": d["blockDeviceId"], "device": d["device"], "guestId": g["id"], "diskImageId": d["id"],
                "mountType": "Disk", "mountMode": "RW", "bootableFlag": 1 if d["device"] == "0" else 0,
                "statusId": 1, "uuid": d["uuid"], "createDate": d["createDate"], "modifyDate": d["modifyDate"]}
        view["diskImage"] = Lazy(lambda: self.disk(d))
        view["guest"] = Lazy(lambda: self.guest(g))
        view["status"] = Lazy(lambda: {"keyName": "ATTACHED", "name": "Attached"})
        return view

    def disk(self, d):
        view = {k: d[k] for k in ("id", "name", "description", "capacity", "units", "typeId", "uuid", "createDate",
                                  "modifyDate", "storageRepositoryId")}
        view["parentId"] = None
        view["localDiskFlag"] = Lazy(lambda: d["localDiskFlag"])
        view["type"] = Lazy(lambda: {"keyName": d["type"], "name": DISK_TYPES[d["type"]][1], "id": d["typeId"]})
        guest = find(self.account["virtualGuests"], d["guestId"]) if d["guestId"] else None
        view["blockDevices"] = Lazy(lambda: [self.block_device(guest, d)] if guest else [])
        view["blockDeviceCount"] = Lazy(lambda: 1 if guest else 0)
        view["billingItem"] = Lazy(lambda: self.billing_item_of_disk(d) if d["billingItemId"] else None)
        view["datacenter"] = Lazy(lambda: self.datacenter(d["datacenterId"]))
        view["storageRepository"] = Lazy(lambda: {"id": d["storageRepositoryId"], "datacenter": Lazy(lambda: self.datacenter(d["datacenterId"]))})
        return view

    def image(self, i):
        view = {k: i[k] for k in ("id", "name", "globalIdentifier", "accountId", "createDate", "parentId", "publicFlag",
                                  "note", "summary", "flexImageFlag")}
        view["statusId"] = 1 if i["status"] == "ACTIVE" else 2
        view["status"] = Lazy(lambda: ({"keyName": "ACTIVE", "name": "Active"} if i["status"] == "ACTIVE"
                                       else {"keyName": "CREATE_PENDING", "name": "Create Pending"}))
        view["transaction"] = Lazy(lambda: {"id": i["transaction"], "transactionStatus": {"name": "CLOUD_CREATE_IMAGE",
                                                                                         "friendlyName": "Capturing image"}}
                                   if i["transaction"] else None)
        children = lambda: [{"id": i["id"] * 10 + n, "parentId": i["id"], "name": i["name"],
                             "datacenter": Lazy(lambda dc=dc: self.datacenter(dc)),
                             "blockDevicesDiskSpaceTotal": Lazy(lambda: i["capacity"] * 1073741824)}
                            for n, dc in enumerate(i["datacenterIds"])]
        view["children"] = Lazy(children)
        view["firstChild"] = Lazy(lambda: next(iter(children()), None))
        view["datacenters"] = Lazy(lambda: [self.datacenter(dc) for dc in i["datacenterIds"]])
        view["blockDevices"] = Lazy(lambda: [{"id": i["id"] * 10 + 9, "device": "0",
                                              "diskImage": Lazy(lambda: static_view({
                                                  "capacity": i["capacity"], "units": "GB",
                                                  "softwareReferences": [{"softwareDescription": {
                                                      "referenceCode": i["operatingSystemReferenceCode"]}}]}))}])
        view["blockDevicesDiskSpaceTotal"] = Lazy(lambda: i["capacity"] * 1073741824)
        view["imageType"] = Lazy(lambda: {"keyName": i["imageType"], "name": "System"})
        view["imageTypeKeyName"] = Lazy(lambda: i["imageType"])
        view["tagReferences"] = Lazy(lambda: [])
        view["accountReferences"] = Lazy(lambda: [])
        view["datacenter"] = Lazy(lambda: self.datacenter(i["datacenterIds"][0]) if i["datacenterIds"] else None)
        view["operatingSystemReferenceCode"] = Lazy(lambda: i["operatingSystemReferenceCode"])
        return view

    def ssh_key(self, k):
        view = {k2: k[k2] for k2 in ("id", "label", "key", "fingerprint", "notes", "createDate", "modifyDate")}
        view["blockDeviceTemplateGroups"] = Lazy(lambda: [])
        view["softwarePasswords"] = Lazy(lambda: [])
        return view

    def vlan(self, v):
        view = {"id": v["id"], "vlanNumber": v["vlanNumber"], "name": v["name"], "networkSpace": v["networkSpace"],
                "accountId": v["accountId"], "modifyDate": v["modifyDate"], "fullyQualifiedName": f"{v['primaryRouter']}.{v['vlanNumber']}"}
        subnets = lambda: [self.subnet(s) for s in self.account["subnets"] if s["networkVlanId"] == v["id"]]
        guests = lambda: [self.guest(g) for g in self.account["virtualGuests"]
                          if v["id"] in {c["networkVlanId"] for c in g["networkComponents"]}]
        relations = {
            "primaryRouter": lambda: {"id": v["id"] + 7, "hostname": v["primaryRouter"],
                                      "fullyQualifiedDomainName": f"{v['primaryRouter']}.softlayer.com",
                                      "datacenter": Lazy(lambda: self.datacenter(v["datacenterId"]))},
            "datacenter": lambda: self.datacenter(v["datacenterId"]),
            "subnets": subnets,
            "primarySubnet": lambda: next(iter(subnets()), None),
            "subnetCount": lambda: len(subnets()),
            "virtualGuests": guests,
            "virtualGuestCount": lambda: len(guests()),
            "hardware": lambda: [], "hardwareCount": lambda: 0,
            "networkComponents": lambda: [],
            "tagReferences": lambda: [],
            "totalPrimaryIpAddressCount": lambda: sum(int(s["totalIpAddresses"]) for s in self.account["subnets"]
                                                      if s["networkVlanId"] == v["id"]),
            "billingItem": lambda: {"id": v["id"] + 3, "categoryCode": "network_vlan",
                                    "description": f"{v['networkSpace'].title()} Network Vlan", "allowCancellationFlag": 1},
            "dedicatedFirewallFlag": lambda: 0,
            "highAvailabilityFirewallFlag": lambda: False,
            "networkVlanFirewall": lambda: None,
            "firewallInterfaces": lambda: [],
        }
        view.update({k: Lazy(fn) for k, fn in relations.items()})
        return view

    def subnet(self, s):
        view = {k: s[k] for k in ("id", "networkIdentifier", "cidr", "netmask", "gateway", "broadcastAddress",
                                  "networkVlanId", "subnetType", "addressSpace", "version", "totalIpAddresses",
                                  "usableIpAddressCount")}
        vlan = find(self.account["networkVlans"], s["networkVlanId"])
        guests = lambda: [self.guest(g) for g in self.account["virtualGuests"]
                          if g["id"] in set(s["assignedIpAddresses"].values())]
        relations = {
            "networkVlan": lambda: self.vlan(vlan) if vlan else None,
            "datacenter": lambda: self.datacenter(vlan["datacenterId"]) if vlan else None,
            "virtualGuests": guests,
            "hardware": lambda: [],
            "ipAddresses": lambda: [{"id": s["id"] * 100 + n, "ipAddress": a, "isReserved": False,
                                     "subnetId": s["id"]} for n, a in enumerate(sorted(s["assignedIpAddresses"]))],
            "tagReferences": lambda: [],
            "billingItem": lambda: {"id": s["id"] + 5, "categoryCode": "sov_sec_ip_addresses_priv"},
            "podName": lambda: f"{self.cloud.datacenter(vlan['datacenterId'])['name']}.pod01" if vlan else None,
        }
        view.update({k: Lazy(fn) for k, fn in relations.items()})
        return view

    def tag_reference(self, g, name):
        tag_id = int(hashlib.sha256(f"{self.account['id']}:{name}".encode()).hexdigest()[:7], 16)
        return {"id": g["id"] * 1000 + g["tags"].index(name), "resourceTableId": g["id"], "tagId": tag_id,
                "tagTypeId": 2, "usrRecordId": self.user["id"], "empRecordId": None,
                "tag": Lazy(lambda: {"id": tag_id, "name": name, "accountId": self.account["id"], "internal": 0}),
                "tagType": Lazy(lambda: {"keyName": "GUEST", "description": "Virtual Guest"})}

    def billing_item_of_guest(self, g):
        order = find(self.account["orders"], g["orderId"]) if g["orderId"] else None
        fee = 0.025 * g["startCpus"] + 0.015 * g["maxMemory"] / 1024
        view = {"id": g["billingItemId"], "categoryCode": "guest_core", "description": f"{g['startCpus']} x 2.0 GHz Cores",
                "hostName": g["hostname"], "domainName": g["domain"], "resourceTableId": g["id"],
                "createDate": g["createDate"], "cancellationDate": None, "allowCancellationFlag": 1,
                "hourlyFlag": g["hourlyBillingFlag"], "recurringFee": f"{fee * 730:.2f}",
                "hourlyRecurringFee": f"{fee:.3f}", "nextInvoiceTotalRecurringAmount": round(fee * 730, 2)}
        view["orderItem"] = Lazy(lambda: self.order_item(order, g))
        view["package"] = Lazy(lambda: {"id": 46, "keyName": "CLOUD_SERVER"})
        view["children"] = Lazy(lambda: [])
        view["nextInvoiceChildren"] = Lazy(lambda: [])
        return view

    def billing_item_of_disk(self, d):
        view = {"id": d["billingItemId"], "categoryCode": "guest_disk0", "description": f"{d['capacity']} GB (SAN)",
                "resourceTableId": d["id"], "createDate": d["createDate"], "cancellationDate": None,
                "allowCancellationFlag": 1, "hourlyFlag": False, "recurringFee": f"{d['capacity'] * 0.15:.2f}"}
        order = next((o for o in self.account["orders"] if any(i.get("resourceTableId") == d["id"] for i in o["items"])), None)
        view["orderItem"] = Lazy(lambda: self.order_item(order, None))
        return view

    def order_item(self, order, g):
        user = next((u for u in self.account["users"] if order and u["id"] == order["userRecordId"]), self.account["users"][0])
        return {"id": (order["items"][0]["id"] if order else g["billingItemId"] + 1),
                "order": Lazy(lambda: {"id": order["id"] if order else None, "userRecordId": user["id"],
                                       "userRecord": Lazy(lambda: {"id": user["id"], "username": user["username"]}),
                                       "status": order["status"] if order else "COMPLETE"}),
                "preset": Lazy(lambda: ({"keyName": g["flavorKeyName"]} if g and g["flavorKeyName"] else None))}

    def order(self, o):
        view = {"id": o["id"], "accountId": self.account["id"], "createDate": o["createDate"],
                "modifyDate": o["createDate"], "status": o["status"], "userRecordId": o["userRecordId"],
                "orderTypeId": 4, "privateCloudOrderFlag": False}
        view["items"] = Lazy(lambda: [self.top_level_item(o, i) for i in o["items"]])
        view["userRecord"] = Lazy(lambda: self.user_view(find(self.account["users"], o["userRecordId"]) or self.user))
        return view

    def top_level_item(self, o, item):
        view = {"id": item["id"], "description": item["description"], "categoryCode": item["categoryCode"],
                "itemId": item["itemId"], "itemPriceId": item["priceId"], "oneTimeFee": "0",
                "recurringFee": item["recurringFee"], "hourlyRecurringFee": item["hourlyRecurringFee"],
                "setupFee": "0", "laborFee": "0", "quantity": 1, "orderId": o["id"]}
        view["billingItem"] = Lazy(lambda: ({"id": item["billingItemId"], "resourceTableId": item["resourceTableId"],
                                             "categoryCode": item["categoryCode"], "description": item["description"]}
                                            if item.get("billingItemId") else None))
        view["order"] = Lazy(lambda: self.order(o))
        view["category"] = Lazy(lambda: {"categoryCode": item["categoryCode"]})
        return view

    def package(self, p):
        view = {k: p[k] for k in ("id", "keyName", "name", "description", "isActive")}
        view["unitSize"] = None
        view["type"] = Lazy(lambda: dict(p["type"]))
        view["items"] = Lazy(lambda: [self.item(p, i) for i in p["items"]])
        view["itemPrices"] = Lazy(lambda: [self.price(p, i) for i in p["items"]])
        view["regions"] = Lazy(lambda: [{"keyname": d["name"].upper(), "description": d["longName"],
                                         "location": static_view({"locationId": d["id"], "location": {
                                             "id": d["id"], "name": d["name"], "longName": d["longName"]}})}
                                        for d in self.cloud.state["datacenters"]])
        view["activePresets"] = Lazy(lambda: [])
        view["accountRestrictedActivePresets"] = Lazy(lambda: [])
        view["categories"] = Lazy(lambda: [{"categoryCode": c} for c in sorted({i["category"] for i in p["items"]})])
        return view

    def item(self, p, i):
        view = {k: i[k] for k in ("id", "keyName", "capacity", "description") if k in i}
        view["units"] = i.get("units")
        view["itemCategory"] = Lazy(lambda: {"categoryCode": i["category"]})
        view["categories"] = Lazy(lambda: [{"categoryCode": i["category"]}])
        view["prices"] = Lazy(lambda: [self.price(p, i, nested=True)])
        if "referenceCode" in i:
            view["softwareDescription"] = Lazy(lambda: {"referenceCode": i["referenceCode"], "longDescription": i["description"]})
        return view

    def price(self, p, i, nested=False):
        view = {"id": i["priceId"], "itemId": i["id"], "hourlyRecurringFee": i["hourlyRecurringFee"],
                "recurringFee": i["recurringFee"], "setupFee": "0", "oneTimeFee": "0", "laborFee": "0",
                "locationGroupId": None}
        view["categories"] = Lazy(lambda: [{"categoryCode": i["category"]}])
        if not nested:
            view["item"] = Lazy(lambda: self.item(p, i))
        return view


# ---- methods ------------------------------------------------------------------------------------------------------------

class Call:
    """One API call: who makes it, on which object, with which parameters."""

    def __init__(self, cloud, account, user, service, object_id, method, parameters):
        self.cloud, self.account, self.user = cloud, account, user
        self.service, self.object_id, self.method, self.parameters = service, object_id, method, parameters
        self.views = Views(cloud, account, user)

    def param(self, index, kind=None, name="parameter", required=True, default=None):
        if index >= len(self.parameters) or self.parameters[index] is None:
            if required:
                raise bad_request(f"Missing required parameter {name} ({index + 1}) for {self.service}::{self.method}.",
                                  "SoftLayer_Exception_Public")
            return default
        value = self.parameters[index]
        if kind is int:
            if isinstance(value, bool) or int_id(value) is None:
                raise bad_request(f"Invalid value for parameter {name}: expected an integer.", "SoftLayer_Exception_Public")
            return int(value)
        if kind is not None and not isinstance(value, kind):
            raise bad_request(f"Invalid value for parameter {name}.", "SoftLayer_Exception_Public")
        return value

    def need_id(self):
        if self.object_id is None:
            raise bad_request(f"Object does not exist to execute method on. ({self.service}::{self.method})",
                              "SoftLayer_Exception")
        return self.object_id

    def record(self, records):
        """The caller's record with the URL's id; the real API's ObjectNotFound for anything else (another account's
        objects included: SoftLayer does not tell them apart from ids that do not exist)."""
        found = find(records, self.need_id())
        if found is None:
            raise not_found(self.object_id)
        return found

    def guest(self):
        return self.record(self.account["virtualGuests"])


def finder(service):
    """The view of the object the URL names, for getObject and the relational getters."""
    def account(call):
        if call.object_id is not None and str(call.object_id) != str(call.account["id"]):
            raise not_found(call.object_id)
        return call.views.account_view()

    def image(call):
        return call.views.image(call.record(call.cloud.visible_images(call.account)))

    def datacenter(call):
        found = call.cloud.datacenter(int_id(call.need_id()))
        if not found:
            raise not_found(call.object_id)
        return call.views.datacenter(found["id"])

    def billing_item(call):
        for g in call.account["virtualGuests"]:
            if str(g["billingItemId"]) == str(call.need_id()):
                return call.views.billing_item_of_guest(g)
        for d in call.account["virtualDiskImages"]:
            if d["billingItemId"] is not None and str(d["billingItemId"]) == str(call.object_id):
                return call.views.billing_item_of_disk(d)
        raise not_found(call.object_id)

    def package(call):
        return call.views.package(call.record(call.cloud.state["packages"]))

    def order(call):
        view = call.views.order(call.record(call.account["orders"]))
        view["orderTopLevelItems"] = view["items"]
        return view

    return {
        "SoftLayer_Account": account,
        "SoftLayer_Virtual_Guest": lambda call: call.views.guest(call.guest()),
        "SoftLayer_Virtual_Guest_Block_Device_Template_Group": image,
        "SoftLayer_Security_Ssh_Key": lambda call: call.views.ssh_key(call.record(call.account["sshKeys"])),
        "SoftLayer_Network_Vlan": lambda call: call.views.vlan(call.record(call.account["networkVlans"])),
        "SoftLayer_Network_Subnet": lambda call: call.views.subnet(call.record(call.account["subnets"])),
        "SoftLayer_Virtual_Disk_Image": lambda call: call.views.disk(call.record(call.account["virtualDiskImages"])),
        "SoftLayer_User_Customer": lambda call: call.views.user_view(call.record(call.account["users"])),
        "SoftLayer_Billing_Item": billing_item,
        "SoftLayer_Billing_Order": order,
        "SoftLayer_Location_Datacenter": datacenter,
        "SoftLayer_Location": datacenter,
        "SoftLayer_Product_Package": package,
    }.get(service)


METHODS = {}


def method(service, *names):
    def register(fn):
        for name in names:
            METHODS[(service, name)] = fn
        return fn
    return register


HOSTNAME = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
DOMAIN = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")
FLAVOR = re.compile(r"^[A-Z0-9]+_(\d+)X(\d+)X(\d+)")


@method("SoftLayer_Account", "getCurrentUser")
def account_current_user(call):
    return call.views.user_view(call.user)


def guest_template(call, template):
    """A Virtual_Guest creation template, checked as the real API checks it, as _guest_record's arguments."""
    if not isinstance(template, dict):
        raise bad_request("Invalid value for parameter templateObject: expected a SoftLayer_Virtual_Guest.")
    kind = "SoftLayer_Virtual_Guest"
    given = {}
    for name in ("hostname", "domain"):
        value = template.get(name)
        if value in (None, ""):
            raise missing_property(name, kind)
        if not isinstance(value, str) or not (HOSTNAME if name == "hostname" else DOMAIN).match(value):
            raise bad_request(f"Invalid value provided for '{name}'.")
        given[name] = value
    options = template.get("supplementalCreateObjectOptions") or {}
    flavor = options.get("flavorKeyName") if isinstance(options, dict) else None
    if flavor:
        parsed = FLAVOR.match(str(flavor))
        if not parsed:
            raise bad_request(f"Invalid value provided for 'supplementalCreateObjectOptions.flavorKeyName': {flavor}.")
        if template.get("startCpus") or template.get("maxMemory"):
            raise bad_request("The flavor and startCpus or maxMemory cannot both be set.")
        given.update(startCpus=int(parsed.group(1)), maxMemory=int(parsed.group(2)) * 1024,
                     diskCapacity=int(parsed.group(3)), flavorKeyName=flavor)
    else:
        for name in ("startCpus", "maxMemory"):
            value = template.get(name)
            if value is None:
                raise missing_property(name, kind)
            if isinstance(value, bool) or int_id(value) is None or int(value) <= 0:
                raise bad_request(f"Invalid value provided for '{name}'.")
            given[name] = int(value)
        cores = {int(i["capacity"]) for i in call.cloud.state["packages"][0]["items"] if i["category"] == "guest_core"}
        memory = {int(i["capacity"]) * 1024 for i in call.cloud.state["packages"][0]["items"] if i["category"] == "ram"}
        if given["startCpus"] not in cores:
            raise bad_request(f"Invalid value provided for 'startCpus': {given['startCpus']} is not offered "
                              f"(valid: {', '.join(str(c) for c in sorted(cores))}).")
        if given["maxMemory"] not in memory:
            raise bad_request(f"Invalid value provided for 'maxMemory': {given['maxMemory']} is not offered "
                              f"(valid: {', '.join(str(m) for m in sorted(memory))}).")
    for name in ("hourlyBillingFlag", "localDiskFlag"):
        if template.get(name) is None:
            raise missing_property(name, kind)
        given[name] = bool(template[name])
    datacenter = template.get("datacenter")
    if not isinstance(datacenter, dict) or not datacenter.get("name"):
        raise missing_property("datacenter", kind)
    found = call.cloud.datacenter_named(datacenter["name"])
    if not found:
        raise bad_request(f"Invalid value provided for 'datacenter.name': {datacenter['name']} is not a datacenter.")
    given["datacenterId"] = found["id"]
    code = template.get("operatingSystemReferenceCode")
    image_ref = template.get("blockDeviceTemplateGroup")
    if code and image_ref:
        raise bad_request("Only one of 'operatingSystemReferenceCode' and 'blockDeviceTemplateGroup' may be set.")
    if image_ref:
        guid = image_ref.get("globalIdentifier") if isinstance(image_ref, dict) else None
        image = next((i for i in call.cloud.visible_images(call.account) if guid and i["globalIdentifier"] == guid), None)
        if not image:
            raise bad_request("Invalid value provided for 'blockDeviceTemplateGroup.globalIdentifier'.")
        if image["status"] != "ACTIVE":
            raise bad_request(f"The image template {image['name']} is not ready yet.")
        given.update(blockDeviceTemplateGroupId=image["id"], operatingSystemReferenceCode=image["operatingSystemReferenceCode"])
    elif code:
        codes = {o["referenceCode"] for o in call.cloud.state["operatingSystems"]}
        aliases = {c.split("_")[0] + "_LATEST": c for c in sorted(codes)}
        if code not in codes and code not in aliases:
            raise bad_request(f"Invalid value provided for 'operatingSystemReferenceCode': {code}.")
        given["operatingSystemReferenceCode"] = aliases.get(code, code)
    else:
        raise missing_property("operatingSystemReferenceCode", kind)
    for flag in ("dedicatedAccountHostOnlyFlag", "privateNetworkOnlyFlag", "transientGuestFlag"):
        given[flag] = bool(template.get(flag))
    for place, space in (("primaryNetworkComponent", "publicVlanId"), ("primaryBackendNetworkComponent", "privateVlanId")):
        component = template.get(place)
        vlan_id = (component.get("networkVlan") or {}).get("id") if isinstance(component, dict) else None
        if vlan_id is not None:
            vlan = find(call.account["networkVlans"], vlan_id)
            wanted = "PUBLIC" if space == "publicVlanId" else "PRIVATE"
            if not vlan or vlan["networkSpace"] != wanted or vlan["datacenterId"] != given["datacenterId"]:
                raise bad_request(f"Invalid value provided for '{place}.networkVlan.id'.")
            given[space] = vlan["id"]
    keys = template.get("sshKeys") or []
    if not isinstance(keys, list):
        raise bad_request("Invalid value provided for 'sshKeys'.")
    for key in keys:
        key_id = key.get("id") if isinstance(key, dict) else None
        if find(call.account["sshKeys"], key_id) is None:
            raise bad_request(f"Invalid value provided for 'sshKeys': no SSH key with id {key_id}.")
    given["sshKeyIds"] = [int(k["id"]) for k in keys]
    user_data = template.get("userData") or []
    if not isinstance(user_data, list) or not all(isinstance(u, dict) and isinstance(u.get("value"), str) for u in user_data):
        raise bad_request("Invalid value provided for 'userData'.")
    given["userData"] = [u["value"] for u in user_data]
    components = template.get("networkComponents") or []
    if components and isinstance(components[0], dict) and components[0].get("maxSpeed"):
        given["maxSpeed"] = int_id(components[0]["maxSpeed"]) or 100
    devices = template.get("blockDevices") or []
    for device in devices:
        if isinstance(device, dict) and str(device.get("device")) == "0":
            given["diskCapacity"] = int_id((device.get("diskImage") or {}).get("capacity")) or 25
    if template.get("notes") is not None:
        given["notes"] = str(template["notes"])
    if template.get("postInstallScriptUri"):
        given["postInstallScriptUri"] = str(template["postInstallScriptUri"])
    if template.get("tags"):
        given["tags"] = [t.strip() for t in str(template["tags"]).split(",") if t.strip()]
    return given


def create_guest(call, given, order_id=None):
    guest = call.cloud._guest_record(call.account, dict(given, orderId=order_id), provisioned=False)
    call.cloud.record_event(call.account, call.user, guest, "Create")
    return guest


@method("SoftLayer_Virtual_Guest", "createObject")
def guest_create(call):
    return call.views.guest(create_guest(call, guest_template(call, call.param(0, dict, "templateObject"))))


@method("SoftLayer_Virtual_Guest", "createObjects")
def guest_create_many(call):
    templates = call.param(0, list, "templateObjects")
    checked = [guest_template(call, t) for t in templates]
    return [call.views.guest(create_guest(call, g)) for g in checked]


def guest_prices(call, given):
    """The catalogue's prices a guest template stands for (what generateOrderTemplate and the receipts list)."""
    items = call.cloud.state["packages"][0]["items"]
    wanted = [("guest_core", str(given["startCpus"])), ("ram", str(given["maxMemory"] // 1024)),
              ("guest_disk0", str(given.get("diskCapacity", 25))),
              ("port_speed", str(given.get("maxSpeed", 100)))]
    prices = []
    for category, capacity in wanted:
        item = next((i for i in items if i["category"] == category and i["capacity"] == capacity), None)
        if item:
            prices.append(item)
    os_item = next((i for i in items if i.get("referenceCode") == given.get("operatingSystemReferenceCode")), None)
    if os_item and not given.get("blockDeviceTemplateGroupId"):
        prices.append(os_item)
    return [{"id": i["priceId"], "hourlyRecurringFee": i["hourlyRecurringFee"], "recurringFee": i["recurringFee"],
             "item": {"id": i["id"], "description": i["description"], "keyName": i["keyName"]},
             "categories": [{"categoryCode": i["category"]}]} for i in prices]


@method("SoftLayer_Virtual_Guest", "generateOrderTemplate")
def guest_order_template(call):
    template = call.param(0, dict, "templateObject")
    given = guest_template(call, template)
    image = next((i for i in call.cloud.visible_images(call.account) if i["id"] == given.get("blockDeviceTemplateGroupId")), None)
    guest = {k: v for k, v in template.items() if k not in ("datacenter",)}
    return {"complexType": "SoftLayer_Container_Product_Order_Virtual_Guest", "packageId": 46,
            "location": str(given["datacenterId"]), "quantity": 1, "useHourlyPricing": given["hourlyBillingFlag"],
            "imageTemplateId": image["id"] if image else None, "imageTemplateGlobalIdentifier": image["globalIdentifier"] if image else None,
            "presetId": None, "prices": guest_prices(call, given), "sourceVirtualGuestId": None,
            "sshKeys": [{"sshKeyIds": given["sshKeyIds"]}] if given["sshKeyIds"] else [],
            "virtualGuests": [dict(guest, datacenter=template["datacenter"])]}


@method("SoftLayer_Virtual_Guest", "getCreateObjectOptions")
def guest_create_options(call):
    fixture = call.cloud.fixtures["SoftLayer_Virtual_Guest"]["getCreateObjectOptions"]
    items = call.cloud.state["packages"][0]["items"]

    def priced(i):
        return {"hourlyRecurringFee": i["hourlyRecurringFee"], "recurringFee": i["recurringFee"],
                "item": {"description": i["description"]}}
    return {
        "flavors": fixture["flavors"],
        "processors": [{"itemPrice": priced(i), "template": {"startCpus": int(i["capacity"])}}
                       for i in items if i["category"] == "guest_core"],
        "memory": [{"itemPrice": priced(i), "template": {"maxMemory": int(i["capacity"]) * 1024}}
                   for i in items if i["category"] == "ram"],
        "blockDevices": [{"itemPrice": priced(i), "template": {"blockDevices": [
            {"device": "0", "diskImage": {"capacity": int(i["capacity"])}}]}} for i in items if i["category"] == "guest_disk0"],
        "operatingSystems": [{"itemPrice": priced(i), "template": {"operatingSystemReferenceCode": i["referenceCode"]}}
                             for i in items if i["category"] == "os"],
        "networkComponents": [{"itemPrice": priced(i), "template": {"networkComponents": [{"maxSpeed": int(i["capacity"])}]}}
                              for i in items if i["category"] == "port_speed"],
        "datacenters": [{"template": {"datacenter": {"name": d["name"]}}} for d in call.cloud.state["datacenters"]],
    }


def remove_guest(call, guest):
    account = call.account
    call.cloud._release_addresses(account, guest["id"])
    for disk in account["virtualDiskImages"]:
        if disk["guestId"] == guest["id"] and disk["portable"]:
            disk.update(guestId=None, device=None, blockDeviceId=None)
    account["virtualDiskImages"] = [d for d in account["virtualDiskImages"] if d["portable"] or d["guestId"] != guest["id"]]
    account["virtualGuests"] = [g for g in account["virtualGuests"] if g["id"] != guest["id"]]
    call.cloud.record_event(account, call.user, guest, "Cancel")


@method("SoftLayer_Virtual_Guest", "deleteObject")
def guest_delete(call):
    guest = call.guest()
    remove_guest(call, guest)
    return True


@method("SoftLayer_Virtual_Guest", "editObject")
def guest_edit(call):
    guest = call.guest()
    changes = call.param(0, dict, "templateObject")
    for name in ("hostname", "domain"):
        if name in changes:
            if not isinstance(changes[name], str) or not (HOSTNAME if name == "hostname" else DOMAIN).match(changes[name]):
                raise bad_request(f"Invalid value provided for '{name}'.")
    for name in ("hostname", "domain", "notes"):
        if name in changes:
            guest[name] = changes[name] if changes[name] is None else str(changes[name])
    guest["fullyQualifiedDomainName"] = f"{guest['hostname']}.{guest['domain']}"
    guest["modifyDate"] = now_iso()
    return True


@method("SoftLayer_Virtual_Guest", "setTags")
def guest_set_tags(call):
    guest = call.guest()
    tags = call.param(0, str, "tags", required=False, default="")
    guest["tags"] = list(dict.fromkeys(t.strip() for t in tags.split(",") if t.strip()))
    return True


@method("SoftLayer_Virtual_Guest", "setUserMetadata")
def guest_set_user_metadata(call):
    guest = call.guest()
    metadata = call.param(0, list, "metadata")
    if not all(isinstance(m, str) for m in metadata):
        raise bad_request("Invalid value for parameter metadata: expected strings.")
    guest["userData"] = metadata
    return True


def power_action(new_state, event, allowed_from=None):
    def act(call):
        guest = call.guest()
        if guest["activeTransaction"]:
            raise bad_request(f"Unable to {event.lower()}: the guest has an active transaction "
                              f"({guest['activeTransaction']['friendlyName']}).")
        if allowed_from and guest["powerState"] not in allowed_from:
            raise bad_request(f"Unable to {event.lower()}: the guest is {POWER_NAMES[guest['powerState']].lower()}.")
        guest["powerState"] = new_state
        guest["modifyDate"] = now_iso()
        call.cloud.record_event(call.account, call.user, guest, event)
        return True
    return act


method("SoftLayer_Virtual_Guest", "powerOn")(power_action("RUNNING", "Power On"))
method("SoftLayer_Virtual_Guest", "powerOff", "powerOffSoft")(power_action("HALTED", "Power Off"))
method("SoftLayer_Virtual_Guest", "rebootSoft", "rebootHard", "rebootDefault")(power_action("RUNNING", "Reboot"))
method("SoftLayer_Virtual_Guest", "pause")(power_action("PAUSED", "Pause", {"RUNNING"}))
method("SoftLayer_Virtual_Guest", "resume")(power_action("RUNNING", "Resume", {"PAUSED"}))


@method("SoftLayer_Virtual_Guest", "reloadOperatingSystem")
def guest_reload(call):
    guest = call.guest()
    call.param(0, str, "token", required=False)
    config = call.param(1, dict, "config", required=False, default={})
    if guest["activeTransaction"]:
        raise bad_request("Unable to reload the operating system: the guest has an active transaction "
                          f"({guest['activeTransaction']['friendlyName']}).")
    image_id = config.get("imageTemplateId")
    if image_id is not None:
        image = find(call.cloud.visible_images(call.account), image_id)
        if not image:
            raise bad_request("Invalid value provided for 'config.imageTemplateId'.")
        guest.update(blockDeviceTemplateGroupId=image["id"], operatingSystemReferenceCode=image["operatingSystemReferenceCode"])
    keys = config.get("sshKeyIds")
    if keys is not None:
        if not isinstance(keys, list) or any(find(call.account["sshKeys"], k) is None for k in keys):
            raise bad_request("Invalid value provided for 'config.sshKeyIds'.")
        guest["sshKeyIds"] = [int(k) for k in keys]
    transaction = call.cloud._start_transaction(guest, "OS Reload", "RELOAD_SETUP", "Reloading the operating system")
    guest["lastOperatingSystemReloadId"] = transaction["id"]
    call.cloud.record_event(call.account, call.user, guest, "OS Reload")
    return "OK"


@method("SoftLayer_Virtual_Guest", "createArchiveTransaction")
def guest_capture(call):
    guest = call.guest()
    name = call.param(0, str, "groupName")
    devices = call.param(1, list, "blockDevices", required=False, default=[])
    note = call.param(2, str, "note", required=False, default="")
    if not name.strip():
        raise bad_request("Invalid value for parameter groupName: a name is required.")
    if guest["activeTransaction"]:
        raise bad_request("Unable to capture an image: the guest has an active transaction "
                          f"({guest['activeTransaction']['friendlyName']}).")
    disks = {str(d["blockDeviceId"]): d for d in call.account["virtualDiskImages"] if d["guestId"] == guest["id"]}
    for device in devices:
        if not isinstance(device, dict) or str(device.get("id")) not in disks:
            raise bad_request("Invalid value for parameter blockDevices: not a block device of this guest.")
        if disks[str(device["id"])]["type"] == "SWAP":
            raise bad_request("Invalid value for parameter blockDevices: a swap disk cannot be captured.")
    system = next(d for d in disks.values() if d["device"] == "0")
    transaction = call.cloud._start_transaction(guest, "Image Capture", "CLOUD_CREATE_IMAGE", "Capturing image")
    image = call.cloud._image_record({"id": call.cloud.next_id(), "name": name, "note": note,
                                      "globalIdentifier": str(uuid.uuid4()),
                                      "operatingSystemReferenceCode": guest["operatingSystemReferenceCode"],
                                      "capacity": system["capacity"], "createDate": now_iso(),
                                      "datacenterIds": [guest["datacenterId"]]}, call.account["id"])
    image.update(status="CREATE_PENDING", transaction=transaction["id"])
    call.account["blockDeviceTemplateGroups"].append(image)
    call.cloud.record_event(call.account, call.user, guest, "Image Capture", json.dumps({"imageTemplateId": image["id"]}))
    return call.views.transaction(guest, transaction)


def portable_volume(call, volume_id, name="imageId"):
    volume = find(call.account["virtualDiskImages"], volume_id)
    if volume is None or not volume["portable"]:
        raise not_found(volume_id)
    return volume


@method("SoftLayer_Virtual_Guest", "attachDiskImage")
def guest_attach(call):
    guest = call.guest()
    volume = portable_volume(call, call.param(0, int, "imageId"))
    if volume["guestId"] is not None:
        raise bad_request(f"The disk image {volume['id']} is already attached to a guest.")
    if volume["datacenterId"] != guest["datacenterId"]:
        raise bad_request(f"The disk image {volume['id']} is in another datacenter than the guest.")
    used = {d["device"] for d in call.account["virtualDiskImages"] if d["guestId"] == guest["id"]}
    device = next(str(n) for n in range(2, 64) if str(n) not in used)
    volume.update(guestId=guest["id"], device=device, blockDeviceId=call.cloud.next_id(), modifyDate=now_iso())
    call.cloud.record_event(call.account, call.user, guest, "Attach Disk", json.dumps({"diskImageId": volume["id"]}))
    return {"id": call.cloud.next_id(), "createDate": now_iso(), "guestId": guest["id"],
            "transactionStatus": static_view({"name": "CLOUD_ATTACH_DISK", "friendlyName": "Attaching disk"})}


@method("SoftLayer_Virtual_Guest", "detachDiskImage")
def guest_detach(call):
    guest = call.guest()
    volume = portable_volume(call, call.param(0, int, "imageId"))
    if volume["guestId"] != guest["id"]:
        raise bad_request(f"The disk image {volume['id']} is not attached to this guest.")
    volume.update(guestId=None, device=None, blockDeviceId=None, modifyDate=now_iso())
    call.cloud.record_event(call.account, call.user, guest, "Detach Disk", json.dumps({"diskImageId": volume["id"]}))
    return {"id": call.cloud.next_id(), "createDate": now_iso(), "guestId": guest["id"],
            "transactionStatus": static_view({"name": "CLOUD_DETACH_DISK", "friendlyName": "Detaching disk"})}


@method("SoftLayer_Virtual_Guest", "checkHostDiskAvailability")
def guest_disk_availability(call):
    call.guest()
    capacity = call.param(0, int, "diskCapacity", required=False, default=0)
    return capacity <= 2000


@method("SoftLayer_Virtual_Guest", "getUpgradeItemPrices")
def guest_upgrade_prices(call):
    call.guest()
    items = call.cloud.state["packages"][0]["items"]
    return [call.views.price(call.cloud.state["packages"][0], i) for i in items if i["category"] in ("guest_core", "ram")]


@method("SoftLayer_Virtual_Guest", "getAttachedNetworkStorages", "getAllowedNetworkStorage")
def guest_network_storage(call):
    call.guest()
    return []


@method("SoftLayer_Virtual_Guest", "getAllowedHost")
def guest_allowed_host(call):
    call.guest()
    return None


@method("SoftLayer_Virtual_Guest_Block_Device_Template_Group", "getPublicImages")
def images_public(call):
    return [call.views.image(i) for i in call.cloud.state["publicImages"]]


@method("SoftLayer_Virtual_Guest_Block_Device_Template_Group", "deleteObject")
def image_delete(call):
    image = find(call.cloud.visible_images(call.account), call.need_id())
    if image is None:
        raise not_found(call.object_id)
    if image["accountId"] != call.account["id"]:
        raise ApiError(403, "SoftLayer_Exception_Public", "You do not have permission to delete this image template.")
    call.account["blockDeviceTemplateGroups"] = [i for i in call.account["blockDeviceTemplateGroups"] if i is not image]
    return {"id": call.cloud.next_id(), "createDate": now_iso(),
            "transactionStatus": static_view({"name": "CLOUD_DELETE_IMAGE", "friendlyName": "Deleting image"})}


@method("SoftLayer_Virtual_Guest_Block_Device_Template_Group", "editObject")
def image_edit(call):
    image = find(call.cloud.visible_images(call.account), call.need_id())
    if image is None:
        raise not_found(call.object_id)
    if image["accountId"] != call.account["id"]:
        raise ApiError(403, "SoftLayer_Exception_Public", "You do not have permission to edit this image template.")
    changes = call.param(0, dict, "templateObject")
    if "name" in changes:
        if not isinstance(changes["name"], str) or not changes["name"].strip():
            raise bad_request("Invalid value provided for 'name'.")
        image["name"] = changes["name"]
    if "note" in changes:
        image["note"] = image["summary"] = str(changes["note"] or "")
    return True


@method("SoftLayer_Virtual_Guest_Block_Device_Template_Group", "createFromExternalSource")
def image_import(call):
    configuration = call.param(0, dict, "configuration")
    name, uri = configuration.get("name"), configuration.get("uri")
    if not isinstance(name, str) or not name.strip():
        raise missing_property("name", "SoftLayer_Container_Virtual_Guest_Block_Device_Template_Configuration")
    if not isinstance(uri, str) or not re.match(r"^swift://|^cos://", uri):
        raise bad_request("Invalid value provided for 'uri': an object storage (swift:// or cos://) address is required.")
    code = ((configuration.get("operatingSystemReferenceCode")) or "UBUNTU_22_64")
    if code not in {o["referenceCode"] for o in call.cloud.state["operatingSystems"]}:
        raise bad_request(f"Invalid value provided for 'operatingSystemReferenceCode': {code}.")
    image = call.cloud._image_record({"id": call.cloud.next_id(), "name": name, "note": str(configuration.get("note") or ""),
                                      "globalIdentifier": str(uuid.uuid4()), "operatingSystemReferenceCode": code,
                                      "capacity": 25, "createDate": now_iso(),
                                      "datacenterIds": [d["id"] for d in call.cloud.state["datacenters"]]},
                                     call.account["id"])
    call.account["blockDeviceTemplateGroups"].append(image)
    return call.views.image(image)


@method("SoftLayer_Security_Ssh_Key", "createObject")
def key_create(call):
    template = call.param(0, dict, "templateObject")
    key = template.get("key")
    if not key:
        raise missing_property("key", "SoftLayer_Security_Ssh_Key")
    if not isinstance(key, str):
        raise bad_request("Invalid value provided for 'key'.")
    label = template.get("label")
    if not label:
        raise missing_property("label", "SoftLayer_Security_Ssh_Key")
    record = {"id": call.cloud.next_id(), "label": str(label), "key": key.strip(), "fingerprint": fingerprint(key),
              "notes": str(template.get("notes") or ""), "createDate": now_iso(), "modifyDate": now_iso()}
    call.account["sshKeys"].append(record)
    return call.views.ssh_key(record)


@method("SoftLayer_Security_Ssh_Key", "editObject")
def key_edit(call):
    record = call.record(call.account["sshKeys"])
    changes = call.param(0, dict, "templateObject")
    if "key" in changes and changes["key"] != record["key"]:
        raise bad_request("The key of an SSH key cannot be changed.")
    if "label" in changes:
        if not changes["label"]:
            raise bad_request("Invalid value provided for 'label'.")
        record["label"] = str(changes["label"])
    if "notes" in changes:
        record["notes"] = str(changes["notes"] or "")
    record["modifyDate"] = now_iso()
    return True


@method("SoftLayer_Security_Ssh_Key", "deleteObject")
def key_delete(call):
    record = call.record(call.account["sshKeys"])
    call.account["sshKeys"] = [k for k in call.account["sshKeys"] if k is not record]
    return True


@method("SoftLayer_Location_Datacenter", "getDatacenters")
@method("SoftLayer_Location", "getDatacenters")
def datacenters(call):
    return [call.views.datacenter(d["id"]) for d in call.cloud.state["datacenters"]]


@method("SoftLayer_Network_Pod", "getAllObjects")
def pods(call):
    return [static_view({"id": n + 1, "name": f"{d['name']}.pod01", "datacenterId": d["id"], "datacenterName": d["name"],
                         "datacenterLongName": d["longName"], "capabilities": ["SUPPORTS_SECURITY_GROUP"]})
            for n, d in enumerate(call.cloud.state["datacenters"])]


@method("SoftLayer_Virtual_Disk_Image", "deleteObject")
def disk_delete(call):
    volume = call.record(call.account["virtualDiskImages"])
    if not volume["portable"]:
        raise bad_request("A guest's own disk cannot be deleted: cancel the guest.")
    if volume["guestId"] is not None:
        raise bad_request(f"The disk image {volume['id']} is attached to a guest: detach it first.")
    call.account["virtualDiskImages"] = [d for d in call.account["virtualDiskImages"] if d is not volume]
    return True


@method("SoftLayer_Virtual_Disk_Image", "editObject")
def disk_edit(call):
    volume = call.record(call.account["virtualDiskImages"])
    changes = call.param(0, dict, "templateObject")
    for name in ("name", "description"):
        if name in changes:
            volume[name] = str(changes[name] or "")
    volume["modifyDate"] = now_iso()
    return True


@method("SoftLayer_Product_Package", "getAllObjects")
def packages(call):
    return [call.views.package(p) for p in call.cloud.state["packages"]]


def resolve_prices(call, prices, package_id=None):
    """The catalogue items of an order's `prices` ([{id}]); 400 for a price that does not exist."""
    if not isinstance(prices, list) or not prices:
        raise missing_property("prices", "SoftLayer_Container_Product_Order")
    found = []
    for price in prices:
        price_id = int_id(price.get("id")) if isinstance(price, dict) else None
        match = next(((p, i) for p in call.cloud.state["packages"] for i in p["items"]
                      if i["priceId"] == price_id and package_id in (None, p["id"])), None)
        if match is None:
            raise bad_request(f"Price # {price.get('id') if isinstance(price, dict) else price} does not exist "
                              "or is not available in this package.", "SoftLayer_Exception_Order_InvalidPrice")
        found.append(match)
    return found


def price_entries(matched):
    return [{"id": i["priceId"], "hourlyRecurringFee": i["hourlyRecurringFee"], "recurringFee": i["recurringFee"],
             "setupFee": "0", "oneTimeFee": "0", "laborFee": "0", "quantity": 1,
             "item": {"id": i["id"], "description": i["description"], "keyName": i["keyName"], "capacity": i["capacity"]},
             "categories": [{"categoryCode": i["category"]}]} for _, i in matched]


def check_order(call, order):
    """What an order container asks for: ('guests', [given]), ('storage', ...) or ('upgrade', ...)."""
    if not isinstance(order, dict):
        raise bad_request("Invalid value for parameter orderData: expected a SoftLayer_Container_Product_Order.")
    kind = order.get("complexType", "")
    if kind.endswith("Virtual_Guest_Upgrade"):
        guests = order.get("virtualGuests") or []
        if len(guests) != 1 or not isinstance(guests[0], dict):
            raise missing_property("virtualGuests", kind)
        guest = find(call.account["virtualGuests"], guests[0].get("id"))
        if guest is None:
            raise not_found(guests[0].get("id"))
        matched = resolve_prices(call, order.get("prices"))
        if any(i["category"] not in ("guest_core", "ram", "port_speed", "guest_disk0") for _, i in matched):
            raise bad_request("Only cores, memory, disks and port speed can be upgraded.")
        return "upgrade", {"guest": guest, "matched": matched}
    if kind.endswith("Virtual_Disk_Image") or order.get("diskDescription") is not None:
        matched = resolve_prices(call, order.get("prices"), order.get("packageId"))
        disks = [i for _, i in matched if i["category"] == "guest_disk0"]
        if len(disks) != 1:
            raise bad_request("A portable storage order needs exactly one disk price.")
        location = str(order.get("location", ""))
        datacenter = next((d for d in call.cloud.state["datacenters"] if location in (str(d["id"]), d["name"])), None)
        if datacenter is None:
            raise bad_request(f"Invalid value provided for 'location': {location or 'none'}.", "SoftLayer_Exception_Order_InvalidLocation")
        description = order.get("diskDescription") or f"Portable Storage {disks[0]['capacity']} GB"
        return "storage", {"matched": matched, "datacenter": datacenter, "capacity": int(disks[0]["capacity"]),
                           "description": str(description), "quantity": max(1, int_id(order.get("quantity")) or 1)}
    templates = order.get("virtualGuests")
    if not isinstance(templates, list) or not templates:
        raise missing_property("virtualGuests", kind or "SoftLayer_Container_Product_Order")
    given = []
    for template in templates:
        template = dict(template) if isinstance(template, dict) else template
        if isinstance(template, dict):
            template.setdefault("hourlyBillingFlag", bool(order.get("useHourlyPricing", True)))
            template.setdefault("localDiskFlag", False)
            if "datacenter" not in template and order.get("location"):
                dc = next((d for d in call.cloud.state["datacenters"] if str(order["location"]) in (str(d["id"]), d["name"])), None)
                if dc:
                    template["datacenter"] = {"name": dc["name"]}
            if order.get("imageTemplateGlobalIdentifier") and "blockDeviceTemplateGroup" not in template:
                template["blockDeviceTemplateGroup"] = {"globalIdentifier": order["imageTemplateGlobalIdentifier"]}
            keys = [k for group in order.get("sshKeys") or [] if isinstance(group, dict) for k in group.get("sshKeyIds") or []]
            if keys and "sshKeys" not in template:
                template["sshKeys"] = [{"id": k} for k in keys]
        given.append(guest_template(call, template))
    return "guests", {"given": given}


@method("SoftLayer_Product_Order", "verifyOrder")
def order_verify(call):
    order = call.param(0, dict, "orderData")
    kind, details = check_order(call, order)
    if kind == "guests":
        prices = guest_prices(call, details["given"][0])
    else:
        prices = price_entries(details["matched"])
    return dict(order, prices=prices, postTaxRecurring=f"{sum(float(p['recurringFee']) for p in prices):.2f}",
                totalRecurringTax="0", orderVerificationExceptions=[])


@method("SoftLayer_Product_Order", "placeOrder")
def order_place(call):
    order = call.param(0, dict, "orderData")
    kind, details = check_order(call, order)
    record = {"id": call.cloud.next_id(), "createDate": now_iso(), "userRecordId": call.user["id"],
              "status": "APPROVED", "until": time.time(), "datacenterId": None, "items": []}
    call.account["orders"].append(record)
    details_out = {"complexType": order.get("complexType")}
    if kind == "guests":
        guests = [create_guest(call, given, record["id"]) for given in details["given"]]
        prices = guest_prices(call, details["given"][0])
        for guest in guests:
            record["items"].append({"id": call.cloud.next_id(), "description": guest["fullyQualifiedDomainName"],
                                    "categoryCode": "guest_core", "itemId": prices[0]["item"]["id"] if prices else None,
                                    "priceId": prices[0]["id"] if prices else None, "recurringFee": "0",
                                    "hourlyRecurringFee": prices[0]["hourlyRecurringFee"] if prices else "0",
                                    "billingItemId": guest["billingItemId"], "resourceTableId": guest["id"],
                                    "guestId": guest["id"], "capacity": guest["startCpus"]})
        details_out["virtualGuests"] = [{"id": g["id"], "hostname": g["hostname"], "domain": g["domain"],
                                         "fullyQualifiedDomainName": g["fullyQualifiedDomainName"],
                                         "globalIdentifier": g["globalIdentifier"]} for g in guests]
    else:
        prices = price_entries(details["matched"])
        record["status"], record["until"] = "PENDING", time.time() + call.cloud.provision_seconds
        if kind == "storage":
            record["datacenterId"] = details["datacenter"]["id"]
            disk = next(i for _, i in details["matched"] if i["category"] == "guest_disk0")
            for _ in range(details["quantity"]):
                record["items"].append({"id": call.cloud.next_id(), "description": disk["description"],
                                        "categoryCode": "portable_storage", "itemId": disk["id"], "priceId": disk["priceId"],
                                        "recurringFee": disk["recurringFee"], "hourlyRecurringFee": disk["hourlyRecurringFee"],
                                        "billingItemId": None, "resourceTableId": None, "capacity": details["capacity"],
                                        "diskDescription": details["description"]})
        else:
            for _, item in details["matched"]:
                capacity = int(item["capacity"]) * (1024 if item["category"] == "ram" else 1)
                record["items"].append({"id": call.cloud.next_id(), "description": item["description"],
                                        "categoryCode": item["category"], "itemId": item["id"], "priceId": item["priceId"],
                                        "recurringFee": item["recurringFee"], "hourlyRecurringFee": item["hourlyRecurringFee"],
                                        "billingItemId": None, "resourceTableId": details["guest"]["id"],
                                        "guestId": details["guest"]["id"], "capacity": capacity})
    details_out["prices"] = prices
    return {"orderId": record["id"], "orderDate": record["createDate"],
            "placedOrder": {"id": record["id"], "status": record["status"], "accountId": call.account["id"],
                            "userRecordId": call.user["id"], "createDate": record["createDate"],
                            "items": [{"id": i["id"], "description": i["description"], "categoryCode": i["categoryCode"]}
                                      for i in record["items"]]},
            "orderDetails": details_out}


@method("SoftLayer_Billing_Order", "getOrderTopLevelItems")
def order_items(call):
    order = call.record(call.account["orders"])
    return [call.views.top_level_item(order, i) for i in order["items"]]


def cancel_billing_item(call):
    item_id = str(call.need_id())
    for guest in call.account["virtualGuests"]:
        if str(guest["billingItemId"]) == item_id:
            remove_guest(call, guest)
            return True
    for volume in call.account["virtualDiskImages"]:
        if volume["billingItemId"] is not None and str(volume["billingItemId"]) == item_id:
            if volume["guestId"] is not None:
                raise bad_request(f"The disk image {volume['id']} is attached to a guest: detach it first.")
            call.account["virtualDiskImages"] = [d for d in call.account["virtualDiskImages"] if d is not volume]
            return True
    raise not_found(item_id)


method("SoftLayer_Billing_Item", "cancelItem", "cancelService", "cancelServiceOnAnniversaryDate")(cancel_billing_item)


@method("SoftLayer_Event_Log", "getAllObjects")
def event_logs(call):
    return [static_view(e) for e in reversed(call.account["eventLogs"])]


# ---- HTTP ---------------------------------------------------------------------------------------------------------------

VERB_METHODS = {"GET": "getObject", "DELETE": "deleteObject", "PUT": "editObject", "POST": "createObject"}


def parse_path(path, verb):
    """(service, object id or None, method) of a REST path under the base; ApiError 404 for other paths."""
    parts = [p for p in path.split("/") if p]
    if not parts or len(parts) > 3:
        raise ApiError(404, "SoftLayer_Exception_Public", "Service does not exist")
    last = parts[-1]
    for suffix in (".json", ".xml", ".txt"):
        if last.endswith(suffix):
            parts[-1] = last[:-len(suffix)]
            break
    service = parts[0]
    if len(parts) == 1:
        return service, None, VERB_METHODS.get(verb, "getObject")
    if len(parts) == 2:
        if re.fullmatch(r"-?\d+", parts[1]):
            # An object's URL without a method: POST edits it, as PUT does (there is nothing to create there).
            return service, parts[1], "editObject" if verb == "POST" else VERB_METHODS.get(verb, "getObject")
        return service, None, parts[1]
    return service, parts[1], parts[2]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "SoftLayerSimulator/1"
    cloud = None  # set by serve()

    def log_message(self, format, *args):
        if os.environ.get("SL_SIMULATOR_LOG"):
            sys.stderr.write("%s - %s\n" % (self.address_string(), format % args))

    def do_GET(self):
        self.handle_request("GET")

    def do_POST(self):
        self.handle_request("POST")

    def do_PUT(self):
        self.handle_request("PUT")

    def do_DELETE(self):
        self.handle_request("DELETE")

    def do_PATCH(self):
        self.handle_request("PATCH")

    def send_json(self, status, body, headers=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self.close_connection = True
            raise ApiError(411, "SoftLayer_Exception_WebService_BadRequest", "A Content-Length is required.")
        if not length:
            return b""
        if int_id(length) is None or int(length) < 0:
            self.close_connection = True
            raise ApiError(400, "SoftLayer_Exception_WebService_BadRequest", "Invalid Content-Length.")
        if int(length) > MAX_BODY:
            self.close_connection = True
            raise ApiError(413, "SoftLayer_Exception_WebService_BadRequest", "The request body is too large.")
        return self.rfile.read(int(length))

    def handle_request(self, verb):
        try:
            body = self.read_body()
            url = urllib.parse.urlsplit(self.path)
            if url.path.startswith("/_sim/"):
                return self.simulator_hook(verb, url.path)
            base = next((b for b in BASES if url.path.startswith(b)), None)
            if base is None:
                raise ApiError(404, "SoftLayer_Exception_Public", "Service does not exist")
            status, result, headers = self.api_call(verb, url.path[len(base):], url.query, body)
            self.send_json(status, result, headers)
        except ApiError as e:
            self.send_json(e.status, {"error": e.message, "code": e.code})
        except Exception as e:  # a bug in the simulator: say so, as the real API's internal errors do
            import traceback
            traceback.print_exc()
            self.send_json(500, {"error": f"Internal Error ({type(e).__name__}: {e})", "code": "SoftLayer_Exception_Public"})

    def simulator_hook(self, verb, path):
        with self.cloud.lock:
            if path == "/_sim/state" and verb == "GET":
                self.cloud.settle()
                return self.send_json(200, self.cloud.state)
            if path == "/_sim/reset" and verb == "POST":
                self.cloud.reset()
                self.cloud.save()
                return self.send_json(200, True)
        raise ApiError(404, "SoftLayer_Exception_Public", "No such simulator hook.")

    def api_call(self, verb, path, query, body):
        service, object_id, method_name = parse_path(path, verb)
        query_args = {}
        for name, value in urllib.parse.parse_qsl(query, keep_blank_values=True):
            query_args[name] = value
        parameters = []
        if body.strip():
            try:
                decoded = json.loads(body)
            except (ValueError, UnicodeDecodeError):
                raise ApiError(400, "SoftLayer_Exception_WebService_BadRequest", "Unable to parse the request body as JSON.")
            if not isinstance(decoded, dict):
                raise ApiError(400, "SoftLayer_Exception_WebService_BadRequest",
                               'The request body must be an object: {"parameters": [...]}.')
            parameters = decoded.get("parameters", [])
            if not isinstance(parameters, list):
                raise ApiError(400, "SoftLayer_Exception_WebService_BadRequest", "'parameters' must be a list.")
        mask = parse_mask(query_args.get("objectMask", ""))
        object_filter = {}
        if query_args.get("objectFilter"):
            try:
                object_filter = json.loads(query_args["objectFilter"])
            except ValueError:
                raise ApiError(400, "SoftLayer_Exception_WebService_BadRequest", "Unable to parse object filter.")
            if not isinstance(object_filter, dict):
                raise ApiError(400, "SoftLayer_Exception_WebService_BadRequest", "Unable to parse object filter.")
        limit = None
        if query_args.get("resultLimit"):
            numbers = [int_id(n) for n in query_args["resultLimit"].split(",")]
            if len(numbers) not in (1, 2) or any(n is None or n < 0 for n in numbers):
                raise ApiError(400, "SoftLayer_Exception_WebService_BadRequest",
                               "Invalid resultLimit: expected <offset>,<limit>.")
            limit = (0, numbers[0]) if len(numbers) == 1 else (numbers[0], numbers[1])
        with self.cloud.lock:
            self.cloud.settle()
            account, user = self.cloud.authenticate(self.headers.get("Authorization"))
            call = Call(self.cloud, account, user, service, object_id, method_name, parameters)
            result, relation = self.dispatch(call)
            headers = {}
            if isinstance(result, list):
                key_filter = object_filter
                if relation is not None and object_filter:
                    key_filter = object_filter.get(relation)
                    if key_filter is None and len(object_filter) == 1:
                        key_filter = next(iter(object_filter.values()))
                if key_filter:
                    result = [v for v in result if matches(v, key_filter)]
                    result = sort_views(result, order_keys(key_filter))
                headers["SoftLayer-Total-Items"] = str(len(result))
                if limit:
                    result = result[limit[0]:limit[0] + limit[1]]
            answer = apply_mask(result, mask)
            self.cloud.save()
        return 200, answer, headers

    def dispatch(self, call):
        """Runs the call; returns its result and, for a relational getter, the property's name (its filter key)."""
        handler = METHODS.get((call.service, call.method))
        if handler:
            return handler(call), None
        find_view = finder(call.service)
        known_service = find_view is not None or any(s == call.service for s, _ in METHODS)
        if not known_service:
            raise ApiError(404, "SoftLayer_Exception_Public", f"Service does not exist: {call.service}")
        if find_view and call.method == "getObject":
            return find_view(call), None
        name = call.method[3:4].lower() + call.method[4:] if call.method.startswith("get") else call.method[:1].lower() + call.method[1:]
        if find_view:
            view = find_view(call)
            if name in view:
                return resolve(view[name]), name
        raise ApiError(404, "SoftLayer_Exception_Public",
                       f"Function (\"{call.method}\") is not a valid method for this service.")


def serve(arguments):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", default="127.0.0.1:0", help="address:port to listen on (port 0: any free one)")
    parser.add_argument("--accounts", default=os.path.join(HERE, "accounts.json"), help="the simulated accounts")
    parser.add_argument("--provision-seconds", type=float, default=3.0,
                        help="how long provisioning, OS reloads, image captures and storage orders take")
    parser.add_argument("--state", help="load the state from and save it to this JSON file")
    options = parser.parse_args(arguments)
    host, _, port = options.listen.rpartition(":")
    if not host or int_id(port) is None:
        parser.error("--listen takes address:port")
    Handler.cloud = Cloud(options.accounts, options.provision_seconds, options.state)
    server = http.server.ThreadingHTTPServer((host.strip("[]"), int(port)), Handler)
    server.daemon_threads = True

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    address, bound_port = server.server_address[:2]
    shown = f"[{address}]" if ":" in address else address
    print(f"listening http://{shown}:{bound_port}/rest/v3.1/", flush=True)
    server.serve_forever()
    server.server_close()
    with Handler.cloud.lock:
        Handler.cloud.save()
    return 0


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1:]))
