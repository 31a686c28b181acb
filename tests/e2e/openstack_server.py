# SPDX-License-Identifier: Apache-2.0
"""The openstack client for tests/e2e/stack.py, started once per test process: it imports the client once
(a second and more of every run of /usr/bin/openstack) and, for each request line on stdin
({"args": [...], "env": {...}}), forks a process that runs openstackclient.shell.main as /usr/bin/openstack
does, so no run sees what an earlier one left in the client's modules. Each answer is one line on stdout:
{"returncode": N, "stdout": "...", "stderr": "..."}."""
import contextlib
import io
import json
import os
import sys

from openstackclient import shell


def run(args, env):
    os.environ.clear()
    os.environ.update(env)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = shell.main(args)
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
    return {"returncode": code or 0, "stdout": out.getvalue(), "stderr": err.getvalue()}


def main():
    answers = os.fdopen(os.dup(1), "w")
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 1)  # whatever writes to fd 1 itself must not break the answers
    for line in sys.stdin:
        request = json.loads(line)
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            with os.fdopen(w, "w") as f:
                f.write(json.dumps(run(request["args"], request["env"])))
            os._exit(0)
        os.close(w)
        with os.fdopen(r) as f:
            answer = f.read()
        os.waitpid(pid, 0)
        answers.write((answer or json.dumps({"returncode": 1, "stdout": "", "stderr": "the client died"})) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
