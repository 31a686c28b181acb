# SPDX-License-Identifier: Apache-2.0
"""Nova's admin view of the local cloud's hosts: os-services, os-hypervisors and os-aggregates, through the
API and the openstack client (what Horizon's Hypervisors, Host Aggregates and System Information panels read)."""
import socket
import time
import unittest

from stack import Stack

SERVERS = "/compute/v2.1/servers"


def setUpModule():
    global stack, image_id, member_token, host
    stack = Stack().start()
    image_id = stack.public_image("hosts-e2e")
    _, member_token, _ = stack.member("hosts-member")
    host = socket.gethostname()


def tearDownModule():
    stack.stop()


def at(version, token=None):
    headers = {"OpenStack-API-Version": f"compute {version}"}
    if token:
        headers["X-Auth-Token"] = token
    return headers


def compute(path, version="2.1", method="GET", body=None, token=None):
    return stack.get_json(f"/compute/v2.1{path}", method=method, body=body, headers=at(version, token))


def active_server(name):
    status, _, body = stack.get_json(SERVERS, method="POST", body={"server": {
        "name": name, "imageRef": image_id, "flavorRef": "1", "networks": "none"}}, headers=at("2.37"))
    assert status == 202, body
    server_id = body["server"]["id"]
    deadline = time.time() + 10
    while time.time() < deadline:
        _, _, body = compute(f"/servers/{server_id}")
        if body["server"]["status"] == "ACTIVE":
            return server_id
        time.sleep(0.25)
    raise AssertionError(f"server {server_id} not ACTIVE: {body}")


class Services(unittest.TestCase):
    def test_the_services_of_this_host_by_integer_then_uuid(self):
        status, _, body = compute("/os-services")
        self.assertEqual(status, 200, body)
        mine = {s["binary"]: s for s in body["services"] if s["host"] == host}
        self.assertEqual(set(mine), {"nova-compute", "nova-scheduler", "nova-conductor"})
        self.assertIsInstance(mine["nova-compute"]["id"], int)
        self.assertNotIn("forced_down", mine["nova-compute"])
        self.assertEqual((mine["nova-compute"]["zone"], mine["nova-scheduler"]["zone"]), ("nova", "internal"))
        self.assertEqual((mine["nova-compute"]["state"], mine["nova-compute"]["status"]), ("up", "enabled"))
        _, _, body = compute("/os-services?binary=nova-compute", version="2.53")
        self.assertEqual([s["binary"] for s in body["services"]], ["nova-compute"])
        self.assertEqual(len(body["services"][0]["id"]), 36)
        self.assertIs(body["services"][0]["forced_down"], False)
        self.assertEqual(compute("/os-services", token=member_token)[0], 403)

    def test_disable_with_a_reason_and_enable_again(self):
        _, _, body = compute("/os-services?binary=nova-scheduler", version="2.53")
        service_id = body["services"][0]["id"]
        status, _, body = compute(f"/os-services/{service_id}", version="2.53", method="PUT",
                                  body={"status": "disabled", "disabled_reason": "maintenance"})
        self.assertEqual(status, 200, body)
        self.assertEqual((body["service"]["status"], body["service"]["disabled_reason"]), ("disabled", "maintenance"))
        # The same service, the old way (host and binary), before 2.53.
        status, _, body = compute("/os-services/enable", version="2.1", method="PUT",
                                  body={"host": host, "binary": "nova-scheduler"})
        self.assertEqual((status, body), (200, {"service": {"host": host, "binary": "nova-scheduler",
                                                            "status": "enabled"}}))
        _, _, body = compute("/os-services?binary=nova-scheduler", version="2.53")
        self.assertEqual((body["services"][0]["status"], body["services"][0]["disabled_reason"]), ("enabled", None))
        for bad in ({"status": "off"}, {"disabled_reason": "x"}, {"status": "enabled", "disabled_reason": "x"},
                    {"forced_down": "maybe"}, {"colour": "red"}):
            self.assertEqual(compute(f"/os-services/{service_id}", version="2.53", method="PUT", body=bad)[0], 400, bad)
        self.assertEqual(compute("/os-services/enable", version="2.53", method="PUT",
                                 body={"host": host, "binary": "nova-scheduler"})[0], 404)
        self.assertEqual(compute("/os-services/enable", method="PUT",
                                 body={"host": "elsewhere", "binary": "nova-scheduler"})[0], 404)
        self.assertEqual(compute(f"/os-services/{service_id}", version="2.53", method="PUT",
                                 body={"status": "disabled"}, token=member_token)[0], 403)

    def test_the_client_disables_the_compute_service_and_the_hypervisor_says_so(self):
        stack.cli("compute", "service", "set", "--disable", "--disable-reason", "e2e", host, "nova-compute",
                  parse=False)
        try:
            listed = stack.cli("compute", "service", "list", "--service", "nova-compute", "--long")
            self.assertEqual([(s["Status"], s["Disabled Reason"]) for s in listed if s["Host"] == host],
                             [("disabled", "e2e")])
            _, _, body = compute("/os-hypervisors")
            self.assertEqual([h["status"] for h in body["hypervisors"]], ["disabled"])
        finally:
            stack.cli("compute", "service", "set", "--enable", host, "nova-compute", parse=False)
        _, _, body = compute("/os-hypervisors")
        self.assertEqual([h["status"] for h in body["hypervisors"]], ["enabled"])


class Hypervisors(unittest.TestCase):
    def test_this_machine_with_what_its_servers_use(self):
        _, _, before = compute("/os-hypervisors/statistics")
        server_id = active_server("on-the-hypervisor")
        _, _, after = compute("/os-hypervisors/statistics")
        b, a = before["hypervisor_statistics"], after["hypervisor_statistics"]
        self.assertEqual(a["count"], 1)
        self.assertEqual(a["running_vms"], b["running_vms"] + 1)
        # flavor 1 (m1.tiny): 1 vCPU, 512 MiB, 1 GiB
        self.assertEqual((a["vcpus_used"] - b["vcpus_used"], a["memory_mb_used"] - b["memory_mb_used"],
                          a["local_gb_used"] - b["local_gb_used"]), (1, 512, 1))
        self.assertGreater(a["vcpus"], 0)
        self.assertGreater(a["memory_mb"], 0)
        self.assertEqual(a["free_ram_mb"], a["memory_mb"] - a["memory_mb_used"])

        status, _, body = compute("/os-hypervisors/detail?with_servers=true", version="2.53")
        self.assertEqual(status, 200, body)
        (h,) = body["hypervisors"]
        self.assertEqual(h["hypervisor_hostname"], host)
        self.assertIn(server_id, [s["uuid"] for s in h["servers"]])
        self.assertEqual(h["service"]["host"], host)
        self.assertEqual(h["cpu_info"]["topology"]["cores"], a["vcpus"])
        status, _, body = compute(f"/os-hypervisors/{h['id']}", version="2.88")
        self.assertEqual(status, 200, body)
        self.assertIn("uptime", body["hypervisor"])
        self.assertNotIn("vcpus", body["hypervisor"])
        self.assertEqual(compute("/os-hypervisors/statistics", version="2.88")[0], 404)
        self.assertEqual(compute(f"/os-hypervisors/{h['id']}/uptime", version="2.88")[0], 404)
        self.assertEqual(compute("/os-hypervisors/not-a-uuid", version="2.53")[0], 400)
        self.assertEqual(compute("/os-hypervisors/00000000-0000-4000-8000-000000000000", version="2.53")[0], 404)

        # Before 2.53: integer ids, the search and servers calls by hostname.
        _, _, body = compute("/os-hypervisors")
        number = body["hypervisors"][0]["id"]
        self.assertIsInstance(number, int)
        _, _, body = compute(f"/os-hypervisors/{number}")
        self.assertEqual(body["hypervisor"]["running_vms"], a["running_vms"])
        self.assertIsInstance(body["hypervisor"]["cpu_info"], str)
        _, _, body = compute(f"/os-hypervisors/{host[:3]}/servers")
        self.assertIn(server_id, [s["uuid"] for s in body["hypervisors"][0]["servers"]])
        self.assertEqual(compute("/os-hypervisors/no-such-host/search")[0], 404)
        self.assertEqual(compute(f"/os-hypervisors/{host}/search", version="2.53")[0], 404)
        self.assertEqual(compute("/os-hypervisors/detail", token=member_token)[0], 403)
        self.assertEqual(compute(f"/os-hypervisors/{number}", token=member_token)[0], 403)

    def test_the_client_lists_and_shows(self):
        listed = stack.cli("hypervisor", "list")
        self.assertEqual([h["Hypervisor Hostname"] for h in listed], [host])
        shown = stack.cli("hypervisor", "show", str(listed[0]["ID"]))
        self.assertEqual(shown["hypervisor_hostname"], host)
        self.assertEqual(shown["state"], "up")


class Aggregates(unittest.TestCase):
    def test_an_aggregate_with_a_zone_moves_the_host_into_it(self):
        made = stack.cli("aggregate", "create", "--zone", "e2e-zone", "e2e-agg")
        self.assertEqual((made["name"], made["availability_zone"]), ("e2e-agg", "e2e-zone"))
        try:
            shown = stack.cli("aggregate", "add", "host", "e2e-agg", host)
            self.assertEqual(shown["hosts"], [host])
            zones = stack.cli("availability", "zone", "list", "--compute")
            self.assertEqual([z["Zone Name"] for z in zones], ["e2e-zone"])
            stack.cli("aggregate", "set", "--property", "ssd=true", "e2e-agg", parse=False)
            shown = stack.cli("aggregate", "show", "e2e-agg")
            self.assertEqual(shown["properties"], {"ssd": "true"})
            # A host is in one zone only; a second aggregate with another zone cannot take it.
            status, _, body = compute("/os-aggregates", method="POST",
                                      body={"aggregate": {"name": "e2e-other", "availability_zone": "elsewhere"}})
            self.assertEqual(status, 200, body)
            other = body["aggregate"]["id"]
            self.assertEqual(compute(f"/os-aggregates/{other}/action", method="POST",
                                     body={"add_host": {"host": host}})[0], 409)
            self.assertEqual(compute(f"/os-aggregates/{other}", method="DELETE")[0], 200)
            # Not while it has a host.
            self.assertEqual(compute(f"/os-aggregates/{made['id']}", method="DELETE")[0], 400)
            stack.cli("aggregate", "remove", "host", "e2e-agg", host)
        finally:
            compute(f"/os-aggregates/{made['id']}/action", method="POST", body={"remove_host": {"host": host}})
            stack.cli("aggregate", "delete", "e2e-agg", parse=False)
        zones = stack.cli("availability", "zone", "list", "--compute")
        self.assertEqual([z["Zone Name"] for z in zones], ["nova"])
        self.assertEqual(compute(f"/os-aggregates/{made['id']}")[0], 404)

    def test_faults(self):
        status, _, body = compute("/os-aggregates", method="POST", body={"aggregate": {"name": "e2e-faults"}})
        self.assertEqual(status, 200, body)
        agg = body["aggregate"]
        self.assertEqual(set(agg), {"id", "name", "availability_zone", "created_at", "updated_at", "deleted",
                                    "deleted_at"})
        self.assertEqual(len(compute(f"/os-aggregates/{agg['id']}", version="2.41")[2]["aggregate"]["uuid"]), 36)
        try:
            cases = [
                ("POST", "/os-aggregates", {"aggregate": {"name": "e2e-faults"}}, 409),
                ("POST", "/os-aggregates", {"aggregate": {"name": ""}}, 400),
                ("POST", "/os-aggregates", {"aggregate": {"name": "x" * 256}}, 400),
                ("POST", "/os-aggregates", {"aggregate": {"name": "ok", "colour": "red"}}, 400),
                ("POST", "/os-aggregates", {"aggregate": "e2e"}, 400),
                ("PUT", f"/os-aggregates/{agg['id']}", {"aggregate": {}}, 400),
                ("POST", f"/os-aggregates/{agg['id']}/action", {"add_host": {"host": "no-such-host"}}, 404),
                ("POST", f"/os-aggregates/{agg['id']}/action", {"remove_host": {"host": host}}, 404),
                ("POST", f"/os-aggregates/{agg['id']}/action", {"fly": {}}, 400),
                ("POST", f"/os-aggregates/{agg['id']}/action", {"set_metadata": {"metadata": {"k": 1}}}, 400),
                ("GET", "/os-aggregates/999999", None, 404),
                ("GET", "/os-aggregates/abc", None, 404),
                ("DELETE", "/os-aggregates/999999", None, 404),
            ]
            for method, path, body, expected in cases:
                status, _, answer = compute(path, method=method, body=body)
                self.assertEqual(status, expected, (method, path, body, answer))
                self.assertIn("message", next(iter(answer.values())), answer)
            status, _, body = compute(f"/os-aggregates/{agg['id']}/action", method="POST",
                                      body={"set_metadata": {"metadata": {"a": "1", "b": "2"}}})
            status, _, body = compute(f"/os-aggregates/{agg['id']}/action", method="POST",
                                      body={"set_metadata": {"metadata": {"a": None}}})
            self.assertEqual(body["aggregate"]["metadata"], {"b": "2"})
            for method, path in (("GET", "/os-aggregates"), ("GET", f"/os-aggregates/{agg['id']}"),
                                 ("DELETE", f"/os-aggregates/{agg['id']}")):
                self.assertEqual(compute(path, method=method, token=member_token)[0], 403)
        finally:
            compute(f"/os-aggregates/{agg['id']}", method="DELETE")


class ServerGroups(unittest.TestCase):
    def create_in(self, group_id, name, token=None):
        status, _, body = stack.get_json(SERVERS, method="POST", body={
            "server": {"name": name, "imageRef": image_id, "flavorRef": "1", "networks": "none"},
            "os:scheduler_hints": {"group": group_id}}, headers=at("2.71", token))
        self.assertEqual(status, 202, body)
        return body["server"]["id"]

    def test_anti_affinity_on_one_host_and_affinity(self):
        made = stack.cli("server", "group", "create", "--policy", "anti-affinity", "e2e-apart")
        self.assertEqual((made["name"], made["policy"]), ("e2e-apart", "anti-affinity"))
        first = self.create_in(made["id"], "apart-1")
        second = self.create_in(made["id"], "apart-2")
        deadline = time.time() + 10
        while time.time() < deadline:
            _, _, body = compute(f"/servers/{first}", version="2.71")
            if body["server"]["status"] == "ACTIVE":
                break
            time.sleep(0.25)
        self.assertEqual(body["server"]["server_groups"], [made["id"]])
        # The cloud has one host: the second member of a hard anti-affinity group has nowhere to go.
        _, _, body = compute(f"/servers/{second}", version="2.71")
        self.assertEqual(body["server"]["status"], "ERROR")
        self.assertEqual(body["server"]["fault"]["code"], 500)
        self.assertIn("No valid host", body["server"]["fault"]["message"])
        shown = stack.cli("server", "group", "show", made["id"])
        self.assertEqual(sorted(shown["members"]), sorted([first, second]))
        # Soft anti-affinity and affinity place every member.
        _, _, body = compute("/os-server-groups", version="2.64", method="POST",
                             body={"server_group": {"name": "e2e-together", "policy": "affinity"}})
        together = body["server_group"]["id"]
        ids = [self.create_in(together, f"together-{i}") for i in (1, 2)]
        for server_id in ids:
            _, _, body = compute(f"/servers/{server_id}", version="2.71")
            self.assertNotEqual(body["server"]["status"], "ERROR", body)
        # A deleted server leaves its group; a deleted group leaves its servers.
        compute(f"/servers/{second}", method="DELETE")
        deadline = time.time() + 10
        while compute(f"/servers/{second}")[0] != 404 and time.time() < deadline:
            time.sleep(0.25)
        _, _, body = compute(f"/os-server-groups/{made['id']}")
        self.assertEqual(body["server_group"]["members"], [first])
        self.assertEqual(set(body["server_group"]), {"id", "name", "policies", "members", "metadata"})
        stack.cli("server", "group", "delete", "e2e-apart", "e2e-together", parse=False)
        self.assertEqual(compute(f"/servers/{first}", version="2.71")[2]["server"]["server_groups"], [])
        for server_id in [first, *ids]:
            compute(f"/servers/{server_id}", method="DELETE")

    def test_projects_and_faults(self):
        _, _, body = compute("/os-server-groups", version="2.64", method="POST", body={
            "server_group": {"name": "e2e-mine", "policy": "anti-affinity", "rules": {"max_server_per_host": 2}}})
        mine = body["server_group"]
        self.assertEqual(mine["rules"], {"max_server_per_host": 2})
        try:
            # Another project neither sees nor uses nor deletes it.
            self.assertEqual(compute(f"/os-server-groups/{mine['id']}", token=member_token)[0], 404)
            self.assertEqual(compute(f"/os-server-groups/{mine['id']}", method="DELETE", token=member_token)[0], 404)
            _, _, body = compute("/os-server-groups", token=member_token)
            self.assertNotIn(mine["id"], [g["id"] for g in body["server_groups"]])
            status, _, body = stack.get_json(SERVERS, method="POST", body={
                "server": {"name": "intruder", "imageRef": image_id, "flavorRef": "1", "networks": "none"},
                "os:scheduler_hints": {"group": mine["id"]}}, headers=at("2.37", member_token))
            self.assertEqual(status, 400, body)
            _, _, body = compute("/os-server-groups?all_projects=true")
            self.assertIn(mine["id"], [g["id"] for g in body["server_groups"]])
            cases = [
                ("2.64", {"server_group": {"name": "x", "policy": "fast"}}),
                ("2.64", {"server_group": {"name": "x", "policies": ["affinity"]}}),
                ("2.64", {"server_group": {"name": "x", "policy": "affinity", "rules": {"max_server_per_host": 2}}}),
                ("2.64", {"server_group": {"name": "x", "policy": "anti-affinity", "rules": {"max": 1}}}),
                ("2.1", {"server_group": {"name": "x", "policies": ["soft-affinity"]}}),
                ("2.1", {"server_group": {"name": "", "policies": ["affinity"]}}),
                ("2.1", {"server_group": {"name": "x", "policies": ["affinity", "anti-affinity"]}}),
                ("2.1", {"server_group": {"name": "x"}}),
            ]
            for version, body in cases:
                status, _, answer = compute("/os-server-groups", version=version, method="POST", body=body)
                self.assertEqual(status, 400, (version, body, answer))
            status, _, body = stack.get_json(SERVERS, method="POST", body={
                "server": {"name": "bad-hint", "imageRef": image_id, "flavorRef": "1", "networks": "none"},
                "os:scheduler_hints": {"group": "not-a-uuid"}}, headers=at("2.37"))
            self.assertEqual(status, 400, body)
            self.assertEqual(compute("/os-server-groups/00000000-0000-4000-8000-000000000000")[0], 404)
        finally:
            compute(f"/os-server-groups/{mine['id']}", method="DELETE")


if __name__ == "__main__":
    unittest.main()


class Hosts(unittest.TestCase):
    """os-hosts, up to 2.42: the hosts of the services, and what a compute host has and its servers use."""

    def test_list_by_zone_and_show_what_the_servers_use(self):
        status, _, body = compute("/os-hosts")
        self.assertEqual(status, 200, body)
        mine = {h["service"]: h["zone"] for h in body["hosts"] if h["host_name"] == host}
        self.assertEqual(mine, {"compute": "nova", "scheduler": "internal", "conductor": "internal"})
        _, _, body = compute("/os-hosts?zone=nova")
        self.assertEqual({h["service"] for h in body["hosts"]}, {"compute"})
        self.assertEqual(compute("/os-hosts?zone=nowhere")[2], {"hosts": []})
        self.assertEqual(len(compute("/os-hosts?zone=")[2]["hosts"]), 3)

        server_id = active_server("on-the-host")
        status, _, body = compute(f"/os-hosts/{host}")
        self.assertEqual(status, 200, body)
        rows = {r["resource"]["project"]: r["resource"] for r in body["host"]}
        self.assertEqual(list(rows)[:3], ["(total)", "(used_now)", "(used_max)"])
        self.assertTrue(all(r["host"] == host for r in rows.values()))
        self.assertGreater(rows["(total)"]["cpu"], 0)
        _, _, server = compute(f"/servers/{server_id}")
        project = server["server"]["tenant_id"]
        # flavor 1: 1 vCPU, 512 MiB, 1 GiB, counted in the admin project's row and the total of all.
        self.assertGreaterEqual(rows[project]["cpu"], 1)
        self.assertGreaterEqual(rows[project]["memory_mb"], 512)
        self.assertGreaterEqual(rows["(used_max)"]["memory_mb"], rows[project]["memory_mb"])
        self.assertEqual(compute(f"/servers/{server_id}", method="DELETE")[0], 204)

    def test_faults_and_the_end_at_2_43(self):
        self.assertEqual(compute("/os-hosts/no-such-host")[0], 404)
        self.assertEqual(compute("/os-hosts", token=member_token)[0], 403)
        self.assertEqual(compute(f"/os-hosts/{host}", token=member_token)[0], 403)
        self.assertEqual(compute("/os-hosts", version="2.43")[0], 404)
        self.assertEqual(compute(f"/os-hosts/{host}", version="2.43")[0], 404)
        for bad in ({}, {"status": "on"}, {"maintenance_mode": "sometimes"}, {"colour": "red"}):
            self.assertEqual(compute(f"/os-hosts/{host}", method="PUT", body=bad)[0], 400, bad)
        self.assertEqual(compute("/os-hosts/no-such-host", method="PUT", body={"status": "enable"})[0], 404)
        self.assertEqual(compute(f"/os-hosts/{host}", method="PUT", body={"status": "enable"},
                                 token=member_token)[0], 403)
        # Maintenance mode is the hypervisor driver's, which libvirt's and this cloud's have not got.
        self.assertEqual(compute(f"/os-hosts/{host}", method="PUT", body={"maintenance_mode": "enable"})[0], 501)

    def test_disabling_the_host_disables_its_compute_service(self):
        status, _, body = compute(f"/os-hosts/{host}", method="PUT", body={"status": "Disable"})
        self.assertEqual((status, body), (200, {"host": host, "status": "disabled"}))
        try:
            _, _, body = compute("/os-services?binary=nova-compute")
            self.assertEqual([s["status"] for s in body["services"] if s["host"] == host], ["disabled"])
        finally:
            status, _, body = compute(f"/os-hosts/{host}", method="PUT", body={"status": "enable"})
        self.assertEqual((status, body), (200, {"host": host, "status": "enabled"}))
        _, _, body = compute("/os-services?binary=nova-compute")
        self.assertEqual([s["status"] for s in body["services"] if s["host"] == host], ["enabled"])


class UsageAudit(unittest.TestCase):
    """os-instance_usage_audit_log: the audit is off, as Nova's default, so every compute host has not run it."""

    def test_the_last_whole_month_with_no_host_audited(self):
        status, _, body = compute("/os-instance_usage_audit_log")
        self.assertEqual(status, 200, body)
        log = body["instance_usage_audit_logs"]
        self.assertEqual(log["hosts_not_run"], [host])
        self.assertEqual((log["num_hosts"], log["num_hosts_done"], log["num_hosts_not_run"], log["total_errors"]),
                         (1, 0, 1, 0))
        self.assertEqual(log["overall_status"], "0 of 1 hosts done. 0 errors.")
        now = time.gmtime()
        self.assertEqual(log["period_ending"], f"{now.tm_year:04d}-{now.tm_mon:02d}-01 00:00:00")

    def test_before_a_time_and_its_faults(self):
        status, _, body = compute("/os-instance_usage_audit_log/2026-03-01%2000:00:00")
        self.assertEqual(status, 200, body)
        # The month that begins at that very second has not ended: February is the last whole one.
        log = body["instance_usage_audit_log"]
        self.assertEqual((log["period_beginning"], log["period_ending"]), ("2026-01-01 00:00:00", "2026-02-01 00:00:00"))
        _, _, body = compute("/os-instance_usage_audit_log/2026-01-15%2012:00:00.5")
        log = body["instance_usage_audit_log"]
        self.assertEqual((log["period_beginning"], log["period_ending"]), ("2025-12-01 00:00:00", "2026-01-01 00:00:00"))
        for bad in ("invalid_time", "2026-02-30%2000:00:00", "2026-01-01"):
            self.assertEqual(compute(f"/os-instance_usage_audit_log/{bad}")[0], 400, bad)
        self.assertEqual(compute("/os-instance_usage_audit_log", token=member_token)[0], 403)
        self.assertEqual(compute("/os-instance_usage_audit_log/2026-01-01%2000:00:00", token=member_token)[0], 403)
