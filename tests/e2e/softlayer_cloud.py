# SPDX-License-Identifier: Apache-2.0
"""Starts and stops the SoftLayer API simulator (tests/softlayer/simulator.py) for a test, and talks to it: the API
as a given user, and the /_sim/ hooks that show and reset what it holds."""
import base64
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import unittest
import urllib.parse

TOP_SRCDIR = os.environ.get("top_srcdir") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
SIMULATOR = os.path.join(TOP_SRCDIR, "tests", "softlayer", "simulator.py")
ACCOUNTS_FILE = os.path.join(TOP_SRCDIR, "tests", "softlayer", "accounts.json")


# Every service on the SoftLayer driver, against the simulator at @api_url@.
CONFIG = """
[general]
state_dir = {state}
module_dir = {module_dir}
log_file = {state}/log/jumpgate.log
log_level = debug
[identity]
driver = softlayer
[compute]
driver = softlayer
[image]
driver = softlayer
[volume]
driver = softlayer
[network]
driver = softlayer
[softlayer]
api_url = @api_url@
timeout = 10
retries = 1
"""


def config(api_url, zone=None):
    """The stack's configuration for the simulator at `api_url`; `zone`: where servers and volumes go when a
    request names none."""
    text = CONFIG.replace("@api_url@", api_url)
    if zone:
        for section in ("[compute]", "[volume]"):
            text = text.replace(f"{section}\ndriver = softlayer\n",
                                f"{section}\ndriver = softlayer\ndefault_availability_zone = {zone}\n")
    return text


class Account:
    """A simulated SoftLayer account (as accounts.json gives it) and its first user, on `stack`: the openstack
    client's environment and a token scoped to the account, the user's API key being the password."""

    def __init__(self, stack, account, simulator=None):
        self.stack, self.simulator = stack, simulator
        self.id = account["id"]
        self.user = account["users"][0]
        self.env = stack.env(OS_USERNAME=self.user["username"], OS_PASSWORD=self.user["apiKey"],
                             OS_PROJECT_NAME=str(self.id))
        self.token = self.new_token()

    def auth(self, api_key=None):
        """Keystone v3's password authentication of the user, scoped to the account."""
        return {"auth": {"identity": {"methods": ["password"], "password": {"user": {
            "name": self.user["username"], "domain": {"id": "default"}, "password": api_key or self.user["apiKey"]}}},
            "scope": {"project": {"id": str(self.id)}}}}

    def new_token(self):
        status, hdrs, body = self.stack.request("POST", "/identity/v3/auth/tokens", auth=False, body=self.auth())
        assert status == 201, body
        return hdrs["x-subject-token"]

    def cli(self, *args, parse=True):
        return self.stack.cli(*args, env=self.env, parse=parse)

    def get(self, path, method="GET", body=None, headers=None, token=None):
        return self.stack.get_json(path, method=method, body=body, auth=False,
                                   headers=dict(headers or {}, **{"X-Auth-Token": token or self.token}))

    def held(self):
        """What the simulator holds for this account."""
        return self.simulator.account_state(self.id)


def slcli_config(home, name, account, url, api_key=None):
    """An slcli configuration file `<home>/<name>.conf` for account's user on the API at `url`; its path."""
    path = os.path.join(home, f"{name}.conf")
    with open(path, "w", encoding="utf-8") as f:
        # An endpoint with /rest in it makes softlayer-python use its REST transport.
        f.write(f"[softlayer]\nusername = {account['username']}\napi_key = {api_key or account['apiKey']}\n"
                f"endpoint_url = {url}\ntimeout = 30\n")
    return path


def slcli(config, *args, check=True):
    """Debian's slcli (the official SoftLayer client) run with the configuration file `config`: its JSON output
    decoded (a list of the documents when it prints several tables), or with check=False the finished process."""
    home = os.path.dirname(config)
    run = subprocess.run(["slcli", "-y", "-C", config, "--format", "json", *args], capture_output=True, text=True,
                         timeout=120, env=dict(os.environ, HOME=home))
    if not check:
        return run
    assert run.returncode == 0, (args, run.stdout, run.stderr)
    documents, text, decoder = [], run.stdout.strip(), json.JSONDecoder()
    while text:
        document, end = decoder.raw_decode(text)
        documents.append(document)
        text = text[end:].strip()
    return documents[0] if len(documents) == 1 else documents or None


def accounts():
    """The simulated accounts as accounts.json gives them: [{"id", "username", "apiKey", "userId"}, ...]."""
    with open(ACCOUNTS_FILE, encoding="utf-8") as f:
        given = json.load(f)["accounts"]
    return [{"id": a["id"], "username": a["users"][0]["username"], "apiKey": a["users"][0]["apiKey"],
             "userId": a["users"][0]["id"]} for a in given]


class Simulator:
    """One simulator process on a free loopback port; `url` is its /rest/v3.1/ base. Every request it answered
    is in its log (`log()`), so a test can check that none got a 500."""

    def __init__(self, provision_seconds=1, state_file=None):
        self.log_file = tempfile.NamedTemporaryFile(prefix="softlayer-simulator-", suffix=".log", delete=False)
        args = [sys.executable, SIMULATOR, "--listen", "127.0.0.1:0", "--provision-seconds", str(provision_seconds)]
        if state_file:
            args += ["--state", state_file]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.log_file, text=True,
                                        env=dict(os.environ, SL_SIMULATOR_LOG="1"))
        line = self.process.stdout.readline()
        if not line.startswith("listening "):
            self.process.kill()
            raise RuntimeError(f"the simulator did not start: {line!r} {self.log()}")
        self.url = line.split()[1]
        parts = urllib.parse.urlsplit(self.url)
        self.host, self.port, self.base = parts.hostname, parts.port, parts.path

    def stop(self):
        """SIGTERM, as a service manager stops it; the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        return self.process.returncode

    def log(self):
        with open(self.log_file.name, encoding="utf-8", errors="replace") as f:
            return f.read()

    def request(self, verb, path, body=None, headers=None):
        """(status, headers, decoded JSON body) of one request; path is taken from the server's root."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
            connection.request(verb, path, body=data, headers=headers or {})
            response = connection.getresponse()
            raw = response.read()
            return response.status, dict(response.getheaders()), json.loads(raw) if raw else None
        finally:
            connection.close()

    def call(self, account, service, method=None, object_id=None, parameters=None, verb=None, mask=None,
             object_filter=None, limit=None, api_key=None):
        """A SoftLayer API call as account's user, in softlayer-python's URL form (the method name left out when
        method is None, so that the verb chooses it)."""
        path = self.base + service + (f"/{object_id}" if object_id is not None else "") + (f"/{method}" if method else "")
        query = {}
        if mask:
            query["objectMask"] = mask
        if object_filter:
            query["objectFilter"] = json.dumps(object_filter)
        if limit:
            query["resultLimit"] = f"{limit[0]},{limit[1]}"
        path += ".json" + ("?" + urllib.parse.urlencode(query) if query else "")
        credentials = f"{account['username']}:{api_key if api_key is not None else account['apiKey']}"
        headers = {"Authorization": "Basic " + base64.b64encode(credentials.encode()).decode()}
        body = {"parameters": parameters} if parameters is not None else None
        if body is not None:
            headers["Content-Type"] = "application/json"
        return self.request(verb or ("POST" if body is not None else "GET"), path, body, headers)

    def state(self):
        status, _, body = self.request("GET", "/_sim/state")
        assert status == 200, (status, body)
        return body

    def reset(self):
        status, _, body = self.request("POST", "/_sim/reset")
        assert status == 200, (status, body)

    def account_state(self, account_id):
        return next(a for a in self.state()["accounts"] if a["id"] == account_id)


class Cloud:
    """The simulator, and a stack with every service on the SoftLayer driver in front of it; `a` and `b`: its
    first two accounts, as `account_class`. Skips the test when the driver is not built."""

    def __init__(self, provision_seconds=1, zone=None, account_class=Account):
        from stack import MODULE_DIR, Stack  # the e2e harness's, imported where a stack is wanted
        if not os.path.exists(os.path.join(MODULE_DIR, "jumpgate_softlayer.so")):
            raise unittest.SkipTest("the SoftLayer driver is not built (no libcurl)")
        self.sim = Simulator(provision_seconds=provision_seconds)
        self.stack = None
        try:
            self.stack = Stack(config(self.sim.url, zone=zone)).start()
            self.stack.password = ""  # no local admin: each account's user authenticates with their API key
            self.a, self.b = (account_class(self.stack, account, self.sim)
                              for account in self.sim.state()["accounts"][:2])
        except BaseException:
            self.stop(check=False)
            raise

    def stop(self, check=True):
        """Stops both; with `check`, fails when the simulator answered a request with a 500."""
        if self.stack:
            self.stack.stop()
        self.sim.stop()
        if check:
            assert '" 500 ' not in self.sim.log(), self.sim.log()
