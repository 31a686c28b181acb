# SPDX-License-Identifier: Apache-2.0
"""--check-config: every error named with its file and line; drivers listed when one is unknown."""
import os
import shutil
import subprocess
import tempfile
import unittest

from stack import ECHO_DRIVER, MODULE_DIR, TOP_BUILDDIR, WORKER


def check(text, *args):
    fd, path = tempfile.mkstemp(suffix=".conf")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    state = tempfile.mkdtemp(prefix="jumpgate-config-")
    r = subprocess.run([WORKER, "--config", path, f"--general.module_dir={MODULE_DIR}",
                        f"--general.state_dir={state}", "--check-config", *args],
                       capture_output=True, text=True)
    os.unlink(path)
    shutil.rmtree(state, ignore_errors=True)
    return r.returncode, r.stdout + r.stderr, path


class CheckConfig(unittest.TestCase):
    def test_a_clean_file_in_the_seeds_shape(self):
        code, out, _ = check("[identity]\ndriver=local\n[compute]\ndriver=local\n"
                             "[block_storage]\ndriver=local\n")
        self.assertEqual(code, 0, out)
        self.assertIn("[volume] driver local, mounted at /volume", out)

    def test_the_installed_sample_is_valid(self):
        with open(os.path.join(TOP_BUILDDIR, "etc", "jumpgate.conf")) as f:
            code, out, _ = check(f.read())
        self.assertEqual(code, 0, out)
        self.assertNotIn("[baremetal]", out)

    def test_the_installed_sample_loads_with_any_driver(self):
        # Options only the local driver declares are shown commented out: another driver loads,
        # in every service but identity, which must validate tokens (the echo driver does not).
        with open(os.path.join(TOP_BUILDDIR, "etc", "jumpgate.conf")) as f:
            sample = f.read()
        code, out, _ = check(sample.replace("driver = local", f"driver = {ECHO_DRIVER}"), "--identity.driver=local")
        self.assertEqual(code, 0, out)
        self.assertEqual(out.count(f"driver {ECHO_DRIVER}"), 4, out)

    def test_services_with_no_identity_to_validate_tokens_do_not_start(self):
        # As found: no identity driver, and GET /compute/v2.1/servers answered 200 with no token.
        alone = f"[identity]\ndriver =\n[compute]\ndriver = {ECHO_DRIVER}\n[image]\ndriver =\n" \
                "[volume]\ndriver =\n[network]\ndriver =\n"
        code, out, path = check(alone)
        self.assertEqual(code, 1, out)
        self.assertIn(f"{path}:2: [identity] driver (none): no driver validates tokens", out)
        self.assertIn("require_authentication = false", out)
        code, out, _ = check(alone, "--general.require_authentication=false")
        self.assertEqual(code, 0, out)
        code, out, _ = check(alone, "--general.require_authentication=no")
        self.assertEqual(code, 1, out)
        self.assertIn("[general] require_authentication: true or false", out)
        # Identity alone needs nothing more: its token endpoints are how one authenticates.
        code, out, _ = check("[identity]\ndriver = local\n[compute]\ndriver =\n[image]\ndriver =\n"
                             "[volume]\ndriver =\n[network]\ndriver =\n")
        self.assertEqual(code, 0, out)

    def test_every_error_has_file_and_line(self):
        code, out, path = check("[general]\nlog_level = loud\nno_such_key = 1\n"
                                "[compute]\ndriver = nosuch\n[nosection]\nx = 1\n")
        self.assertEqual(code, 1)
        self.assertIn(f"{path}:2: [general] log_level", out)
        self.assertIn(f"{path}:3: unknown option 'no_such_key' in [general]", out)
        self.assertIn(f"{path}:5: [compute] driver nosuch: not found", out)
        self.assertIn("drivers found: local", out)
        self.assertIn(f"{path}:7: unknown section [nosection]", out)

    def test_command_line_overrides_the_file(self):
        code, out, _ = check("[compute]\ndriver = local\n", "--compute.driver=missing")
        self.assertEqual(code, 1)
        self.assertIn("[compute] driver missing: not found", out)
        code, out, _ = check("[compute]\ndriver = nosuch\n", "--compute.driver=local",
                             "--compute.mount=/nova")
        self.assertEqual(code, 0, out)
        self.assertIn("[compute] driver local, mounted at /nova", out)

    def test_bad_size_is_reported(self):
        code, out, path = check("[general]\nmax_body_size = lots\n")
        self.assertEqual(code, 1)
        self.assertIn(f"{path}:2: [general] max_body_size", out)


if __name__ == "__main__":
    unittest.main()
