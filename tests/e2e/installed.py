# SPDX-License-Identifier: Apache-2.0
"""`make install DESTDIR=...` of the build, for the tests that run or build against an installed Jumpgate."""
import glob
import os
import shutil
import subprocess

from stack import TOP_BUILDDIR


def install(root):
    """install(root): installs the build under the scratch DESTDIR `root`, driver modules included. Returns the
    directory of the installed jumpgate.pc. Raises AssertionError when make install fails or relinks.

    libtool relinks a driver module in the build tree itself while it installs it (the build's copy is moved
    aside meanwhile), and the other modules' stacks load the build's modules all the while: so make install
    leaves the modules out, and the build's copies go where it puts them. The relinked copy would differ only
    in its run path, which names the build's library directory."""
    make_env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    done = subprocess.run(["make", "-s", "-C", TOP_BUILDDIR, "install", f"DESTDIR={root}", "module_LTLIBRARIES="],
                          env=make_env, capture_output=True, text=True)
    assert done.returncode == 0 and "relinking" not in done.stderr, done.stdout + done.stderr
    pc_files = glob.glob(os.path.join(root, "**", "pkgconfig", "jumpgate.pc"), recursive=True)
    assert len(pc_files) == 1, pc_files
    pc_dir = os.path.dirname(pc_files[0])
    module_dir = root + subprocess.run(["pkg-config", "--variable=moduledir", "jumpgate"], check=True,
                                       capture_output=True, text=True, env=dict(os.environ, PKG_CONFIG_PATH=pc_dir)
                                       ).stdout.strip()
    os.makedirs(module_dir, exist_ok=True)
    for module in glob.glob(os.path.join(TOP_BUILDDIR, "drivers", ".libs", "jumpgate_*.so")):
        shutil.copy(module, module_dir)
    return pc_dir
