# SPDX-License-Identifier: Apache-2.0
"""HACKING.md's "add a driver" recipe, followed as written: its marked blocks are built out of tree against a
`make install` of the build tree, and the openstack client lists the new driver's flavors and servers."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import installed
from stack import TOP_BUILDDIR, TOP_SRCDIR, WORKER, Stack

# Left out of make check-asan: what it checks is the recipe's build against an installed Jumpgate, which
# make check's build already checks.
SANITIZED_RUN = False

# A block the recipe marks: <!-- recipe-file: PATH --> (a file to write), <!-- recipe-run: DIR --> (shell
# commands to run there) or <!-- recipe-output: COMMAND --> (lines its output has), then a fenced block.
MARKED = re.compile(r"^<!-- recipe-(file|run|output): ([^>]+?) -->\n```[a-z]*\n(.*?)^```$", re.S | re.M)
DEMO_PASSWORD = "demo-secret"


def recipe_blocks():
    """The marked blocks of HACKING.md's "add a driver" section, as (kind, path, text)."""
    with open(os.path.join(TOP_SRCDIR, "HACKING.md")) as f:
        text = f.read()
    section = text[text.index("## Recipe: add a driver"):]
    section = section[:section.index("\n## ", 1)]
    return MARKED.findall(section)


def run(args, **kwargs):
    done = subprocess.run(args, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        raise AssertionError(f"{args}: exit {done.returncode}\n{done.stdout}\n{done.stderr}")
    return done.stdout


def setUpModule():
    global work, stack, pkg_env, pkg_module_dir, demo_env, other_env
    work = tempfile.mkdtemp(prefix="jumpgate-recipe-")
    stack = None
    try:
        # Under DESTDIR, where pkg-config finds the tree with PKG_CONFIG_SYSROOT_DIR, as the recipe says; prefix=
        # would not do: libtool relinks against the libdir configure chose.
        if not os.path.exists(os.path.join(TOP_BUILDDIR, "drivers", ".libs", "jumpgate_local.so")):
            raise unittest.SkipTest("the build has no local driver (--without-driver-local)")
        root = os.path.join(work, "root")
        pkg_env = dict(os.environ, PKG_CONFIG_PATH=installed.install(root), PKG_CONFIG_SYSROOT_DIR=root)
        pkg_module_dir = run(["pkg-config", "--variable=moduledir", "jumpgate"], env=pkg_env).strip()

        blocks = recipe_blocks()
        kinds = [(kind, path) for kind, path, _ in blocks]
        assert kinds == [("file", "mycloud/mycloud.cpp"), ("run", "mycloud"), ("file", "jumpgate.conf"),
                         ("output", "jumpgate-fcgi --coverage")], kinds
        for kind, path, text in blocks:
            if kind == "output":
                continue
            if kind == "file":
                os.makedirs(os.path.dirname(os.path.join(work, path)), exist_ok=True)
                with open(os.path.join(work, path), "w") as f:
                    f.write(text)
            else:
                run(["sh", "-e", "-c", text], cwd=os.path.join(work, path), env=pkg_env)
        with open(os.path.join(work, "jumpgate.conf")) as f:
            conf_text = f.read()

        # The recipe leaves [general] as installed; here it names the stack's own state and the installed tree.
        general = ("[general]\nstate_dir = {state}\nlog_file = {state}/log/jumpgate.log\n"
                   f"module_dir = {pkg_module_dir}\n")
        stack = Stack(config=general + conf_text.replace("{", "{{").replace("}", "}}"))
        # The project that owns the cloud's servers, made before the workers read the configuration.
        demo = stack.manage("project", "create", "demo")
        conf = os.path.join(stack.state, "jumpgate.conf")
        with open(conf) as f:
            text = f.read()
        text, found = re.subn(r"^mycloud_project = .*$", f"mycloud_project = {demo}", text, flags=re.M)
        assert found == 1, text
        with open(conf, "w") as f:
            f.write(text)
        stack.start()
        stack.manage("user", "create", "demo-user", "--password", DEMO_PASSWORD, "--project", "demo")
        demo_env = stack.env(OS_USERNAME="demo-user", OS_PASSWORD=DEMO_PASSWORD, OS_PROJECT_NAME="demo")
        _, _, other_env = stack.member("other")
    except BaseException:
        tearDownModule()
        raise


def tearDownModule():
    if stack is not None:
        stack.stop()
    shutil.rmtree(work, ignore_errors=True)


class TheRecipe(unittest.TestCase):
    def test_the_module_links_the_installed_library(self):
        module = os.path.join(pkg_module_dir, "jumpgate_mycloud.so")
        self.assertRegex(run(["objdump", "-p", module]), r"NEEDED\s+libjumpgate\.so")

    def test_the_configuration_leaves_out_what_the_cloud_has_not(self):
        conf = os.path.join(stack.state, "jumpgate.conf")
        mounted = run([WORKER, "--config", conf, "--check-config"])
        self.assertIn("[compute]", mounted)
        self.assertNotIn("[volume]", mounted)

    def test_coverage_shows_what_the_driver_serves_and_lacks(self):
        conf = os.path.join(stack.state, "jumpgate.conf")
        rows = json.loads(run([WORKER, "--config", conf, "--coverage=json"]))
        compute = {(r["endpoint"], r["method"], r["action"]): r for r in rows if r["service"] == "compute"}
        for served in (("v2_tenant_flavors_detail", "GET", ""), ("v2_tenant_flavor", "GET", ""),
                       ("v2_servers_detail", "GET", ""), ("v2_server", "GET", "")):
            self.assertEqual(compute[served]["support"], "yes", served)
        create = compute[("v2_servers", "POST", "")]
        self.assertEqual(create["support"], "no")
        self.assertIn("serverCreate", create["lacking"])
        self.assertEqual(compute[("v2_server_action", "POST", "reboot")]["lacking"], ["serverReboot"])

    def test_the_coverage_the_recipe_shows_is_what_the_worker_says(self):
        conf = os.path.join(stack.state, "jumpgate.conf")
        said = {" ".join(line.split()) for line in run([WORKER, "--config", conf, "--coverage"]).splitlines()}
        shown = [text for kind, _, text in recipe_blocks() if kind == "output"][0]
        for line in shown.splitlines():
            self.assertIn(" ".join(line.split()), said)

    def test_a_module_built_for_another_driver_abi_is_refused(self):
        source = os.path.join(work, "old.cpp")
        with open(source, "w") as f:
            f.write('extern "C" const int jumpgate_abi_version = 1;\n'
                    'extern "C" void setup_routes(void*, void*) {}\n')
        module = os.path.join(work, "jumpgate_old.so")
        run(["c++", "-shared", "-fPIC", "-o", module, source])
        conf = os.path.join(stack.state, "jumpgate.conf")
        refused = subprocess.run([WORKER, "--config", conf, f"--compute.driver={module}", "--check-config"],
                                 capture_output=True, text=True)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("built for driver ABI 1", refused.stdout + refused.stderr)
        self.assertIn("rebuild it", refused.stdout + refused.stderr)

    def test_openstack_flavor_list(self):
        for env in (demo_env, other_env, stack.env()):
            flavors = {f["Name"]: f for f in stack.cli("flavor", "list", env=env)}
            self.assertEqual(sorted(flavors), ["mycloud.medium", "mycloud.small"])
            self.assertEqual((flavors["mycloud.small"]["RAM"], flavors["mycloud.small"]["VCPUs"]), (2048, 1))
            self.assertEqual(flavors["mycloud.medium"]["Disk"], 40)

    def test_openstack_server_list(self):
        servers = {s["Name"]: s for s in stack.cli("server", "list", env=demo_env)}
        self.assertEqual(sorted(servers), ["db-1", "web-1"])
        web = servers["web-1"]
        self.assertEqual((web["Status"], web["Flavor"]), ("ACTIVE", "mycloud.small"))
        self.assertIn("10.0.0.11", json.dumps(web["Networks"]))
        self.assertEqual(servers["db-1"]["Flavor"], "mycloud.medium")

    def test_the_list_filters_are_applied(self):
        self.assertEqual([s["Name"] for s in stack.cli("server", "list", "--name", "^web", env=demo_env)], ["web-1"])
        self.assertEqual([s["Name"] for s in stack.cli("server", "list", "--flavor", "m1", env=demo_env)], ["db-1"])
        self.assertEqual([s["Name"] for s in stack.cli("server", "list", "--ip", r"10\.0\.0\.12", env=demo_env)],
                         ["db-1"])

    def test_another_project_sees_none_but_an_admin_sees_all(self):
        self.assertEqual(stack.cli("server", "list", env=other_env), [])
        self.assertEqual(stack.cli("server", "list", env=stack.env()), [])
        everyone = stack.cli("server", "list", "--all-projects", env=stack.env())
        self.assertEqual(sorted(s["Name"] for s in everyone), ["db-1", "web-1"])
        run_ = stack.cli("server", "show", "web-1", env=other_env, parse=False, check=False)
        self.assertNotEqual(run_.returncode, 0)
        self.assertEqual(stack.cli("server", "show", "web-1", env=demo_env)["name"], "web-1")


if __name__ == "__main__":
    unittest.main()
