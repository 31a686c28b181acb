# SPDX-License-Identifier: Apache-2.0
"""An OpenStack client (`openstack`, `glance`, `cinder` or `nova`) for tests/e2e/stack.py, started once per test
process and client: it imports the client once (a second or two of CPU of every run of /usr/bin/<client>) and, for
each request line on stdin ({"args": [...], "env": {...}}), forks a process that runs the client's shell as its
script does, so no run sees what an earlier one left in the client's modules. Each answer is one line on stdout:
{"returncode": N, "stdout": "...", "stderr": "..."}."""
import contextlib
import importlib
import io
import json
import os
import sys

# The module whose main() /usr/bin/<client> calls; openstack's and nova's take the arguments, the others read
# sys.argv.
SHELLS = {"openstack": "openstackclient.shell", "glance": "glanceclient.shell", "cinder": "cinderclient.shell",
          "nova": "novaclient.shell"}


def run(program, shell, args, env):
    os.environ.clear()
    os.environ.update(env)
    sys.argv = [program, *args]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = shell.main(args) if program in ("openstack", "nova") else shell.main()
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
    return {"returncode": code or 0, "stdout": out.getvalue(), "stderr": err.getvalue()}


def main():
    program = sys.argv[1]
    shell = importlib.import_module(SHELLS[program])
    answers = os.fdopen(os.dup(1), "w")
    requests = os.fdopen(os.dup(0), "r")
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 1)  # whatever writes to fd 1 itself must not break the answers
    # No standard input for the clients: glance would read an image from it (as /usr/bin/glance <&- reads none).
    os.close(0)
    for line in requests:
        request = json.loads(line)
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            with os.fdopen(w, "w") as f:
                f.write(json.dumps(run(program, shell, request["args"], request["env"])))
            os._exit(0)
        os.close(w)
        with os.fdopen(r) as f:
            answer = f.read()
        os.waitpid(pid, 0)
        answers.write((answer or json.dumps({"returncode": 1, "stdout": "", "stderr": "the client died"})) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
